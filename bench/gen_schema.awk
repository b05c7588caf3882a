# gen_schema.awk -- write the SQL of a benchmark schema with N tables:
#   awk -v n=1000 -f bench/gen_schema.awk > schema.sql
# Each table has 9-10 columns of varied declared types (INTEGER, TEXT,
# VARCHAR(n), NUMERIC(p,s), REAL, BLOB, INT), NOT NULL, DEFAULTs, a
# COLLATE, a CHECK, a table-level UNIQUE and a foreign key to the table
# before it; every table gets an index, every other one a partial
# descending index, every 7th is WITHOUT ROWID, every 11th STRICT, and
# every 10th gets a view and a trigger.  Deterministic: the same N gives
# the same SQL.
function name(i) { return sprintf("t%05d", i) }
BEGIN {
	if (n == "") n = 100
	print "PRAGMA journal_mode = OFF;"
	print "PRAGMA synchronous = OFF;"
	print "BEGIN;"
	for (i = 0; i < n; i++) {
		t = name(i)
		strict = (i % 11 == 5)
		norowid = (i % 7 == 3) && !strict
		printf "CREATE TABLE %s (\n", t
		if (norowid)
			printf "  code TEXT NOT NULL PRIMARY KEY,\n  id INTEGER NOT NULL,\n"
		else
			printf "  id INTEGER PRIMARY KEY%s,\n", (i % 13 == 0 ? " AUTOINCREMENT" : "")
		if (strict) {
			printf "  name TEXT NOT NULL,\n  email TEXT COLLATE NOCASE,\n"
			printf "  amount REAL DEFAULT 0,\n  ratio REAL CHECK (ratio >= 0),\n"
			printf "  data BLOB,\n  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
			printf "  flags INTEGER NOT NULL DEFAULT 0,\n  extra ANY,\n"
		} else {
			printf "  name TEXT NOT NULL,\n  email VARCHAR(%d) COLLATE NOCASE,\n", 64 + i % 200
			printf "  amount NUMERIC(10, 2) DEFAULT 0,\n  ratio REAL CHECK (ratio >= 0),\n"
			printf "  data BLOB,\n  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
			printf "  flags INT NOT NULL DEFAULT 0,\n  note TEXT DEFAULT 'n/a',\n"
		}
		if (i > 0 && !norowid)
			printf "  parent_id INTEGER REFERENCES %s ON DELETE SET NULL,\n", name(i - 1)
		else if (i > 0)
			printf "  parent_id INTEGER,\n  CONSTRAINT fk_%s_parent FOREIGN KEY (parent_id) REFERENCES %s (id) ON UPDATE CASCADE,\n", t, name(i - 1)
		printf "  UNIQUE (name, email)\n)%s%s;\n", (norowid ? " WITHOUT ROWID" : ""), (strict ? " STRICT" : "")
		printf "CREATE INDEX ix_%s_name ON %s (name);\n", t, t
		if (i % 2 == 0)
			printf "CREATE INDEX ix_%s_recent ON %s (created_at DESC) WHERE flags > 0;\n", t, t
		if (i % 10 == 0) {
			printf "CREATE VIEW v_%s AS SELECT id, name, upper(email) AS email FROM %s WHERE flags = 1;\n", t, t
			printf "CREATE TRIGGER tr_%s AFTER INSERT ON %s BEGIN UPDATE %s SET flags = flags + 1 WHERE id = NEW.id; END;\n", t, t, t
		}
	}
	print "COMMIT;"
}
