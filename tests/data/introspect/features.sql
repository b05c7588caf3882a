-- features.sql: every feature of SPEC §2 in one schema (the model test
-- in tests/introspect/test_introspect.c checks it field by field).
PRAGMA foreign_keys = ON;

CREATE TABLE parent (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	code TEXT NOT NULL COLLATE NOCASE UNIQUE,
	a INT,
	b INT,
	CONSTRAINT uq_ab UNIQUE (a, b) ON CONFLICT REPLACE
);

CREATE TABLE "child table" (
	id INTEGER NOT NULL ON CONFLICT FAIL,
	parent_id INTEGER CONSTRAINT fk_parent REFERENCES parent (id)
		ON DELETE CASCADE ON UPDATE SET NULL
		DEFERRABLE INITIALLY DEFERRED,
	[name] VARCHAR(20) DEFAULT 'x',
	qty REAL DEFAULT (0),
	total REAL GENERATED ALWAYS AS (qty * 2) STORED,
	label TEXT AS (upper(name)) VIRTUAL,
	pa INT,
	pb INT,
	CONSTRAINT ck_qty CHECK (qty >= 0),
	CHECK (name <> ''),
	PRIMARY KEY (id DESC),
	FOREIGN KEY (pa, pb) REFERENCES Parent (A, B) MATCH SIMPLE
) WITHOUT ROWID;

CREATE TABLE s (k TEXT PRIMARY KEY, v ANY, n INTEGER NOT NULL) STRICT;

CREATE INDEX ix_child_name ON "child table" (name COLLATE nocase DESC,
	lower(label)) WHERE qty > 0;
CREATE UNIQUE INDEX ux_s ON s ((n), k);
CREATE INDEX ix_parent_code ON parent (code);

CREATE VIEW v AS SELECT id, name FROM "child table";
CREATE TRIGGER tr AFTER INSERT ON "child table" BEGIN
	UPDATE parent SET a = a WHERE id = new.parent_id;
END;

CREATE VIRTUAL TABLE docs USING fts5(title, body);
CREATE VIRTUAL TABLE places USING rtree(id, minx, maxx);

-- objects that are not part of the schema
INSERT INTO parent (code) VALUES ('x');
ANALYZE;
CREATE TABLE retort_version (version_num TEXT NOT NULL);
CREATE TABLE retort_version_history (x);
CREATE INDEX retort_version_ix ON retort_version_history (x);
