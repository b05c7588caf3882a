# diff_gen.awk -- generate the SQL of a benchmark schema for bench/diff.sh.
# Usage: awk -v n=10000 -v variant=0|1 -v changes=50 -f diff_gen.awk
# n tables with columns of varied types, a primary key, an index, a
# foreign key to the previous table, a view every 10th table and a trigger
# every 20th.  Variant 1 differs from variant 0 in exactly CHANGES places,
# spread evenly over the schema and cycling through ten kinds of change.
BEGIN {
	if (n == "") n = 10000
	if (changes == "") changes = 50
	split("INTEGER TEXT REAL BLOB NUMERIC VARCHAR(40) BOOLEAN DATETIME", types, " ")
	step = int(n / changes)
	if (step < 1) step = 1
	print "BEGIN;"
	for (i = 1; i <= n; i++) {
		kind = -1
		if (variant == 1 && i % step == 0 && i / step <= changes)
			kind = (i / step) % 10
		table(i, kind)
	}
	print "COMMIT;"
}

function name(i) { return sprintf("t%05d", i) }

# Table I; KIND >= 0 applies one change of that kind to it (variant 1).
function table(i, kind,    t, cols, c, ty, sql) {
	t = name(i)
	if (kind == 0)
		return          # a dropped table (its view/trigger go too)
	if (kind == 1)
		t = t "_new"    # a table renamed without a hint: drop + add
	cols = 5 + i % 4
	sql = "CREATE TABLE " t "(id INTEGER PRIMARY KEY"
	for (c = 1; c <= cols; c++) {
		ty = types[1 + (i + c) % 8]
		if (kind == 2 && c == 1)
			ty = ty == "TEXT" ? "INTEGER" : "TEXT" # a type change
		if (kind == 3 && c == cols)
			continue        # a dropped column
		sql = sql sprintf(", c%d %s", c, ty)
		if (c == 2)
			sql = sql (kind == 4 ? " NOT NULL DEFAULT 0" : " DEFAULT 0")
	}
	if (kind == 5)
		sql = sql ", extra TEXT"       # an added column
	if (i > 1)
		sql = sql ", parent_id INTEGER REFERENCES " name(i - 1) "(id)" \
		    (kind == 6 ? " ON DELETE CASCADE" : "")
	if (kind == 7)
		sql = sql ", CHECK (c2 >= 0)"  # an added CHECK
	print sql ");"
	if (kind != 8)                         # a dropped index
		print "CREATE INDEX ix_" name(i) " ON " t "(c1" (kind == 9 ? ", c2" : "") ");"
	if (i % 10 == 0)
		print "CREATE VIEW v_" name(i) " AS SELECT id, c1 FROM " t ";"
	if (i % 20 == 0)
		print "CREATE TRIGGER tr_" name(i) " AFTER INSERT ON " t \
		    " BEGIN UPDATE " t " SET c2 = 0 WHERE id = NEW.id AND c2 IS NULL; END;"
}
