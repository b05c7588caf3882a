-- app.sql -- how examples/app.db was made: the schema of a small blog as
-- it is deployed today (version 1).  examples/schema.sql is where the
-- application wants it to go; `retort diff examples/app.db
-- examples/schema.sql` shows the way.  Rebuild app.db with:
--   rm -f examples/app.db && sqlite3 examples/app.db < examples/app.sql
PRAGMA page_size = 1024;

CREATE TABLE users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	email TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE posts (
	id INTEGER PRIMARY KEY,
	author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	body TEXT,
	published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1))
);
CREATE INDEX posts_author ON posts(author_id);

CREATE TABLE tags (
	name TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE post_tags (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	tag TEXT NOT NULL REFERENCES tags(name),
	PRIMARY KEY (post_id, tag)
);

CREATE VIEW published_posts AS
	SELECT p.id, p.title, u.name AS author
	FROM posts p JOIN users u ON u.id = p.author_id
	WHERE p.published = 1;

INSERT INTO users (email, name) VALUES ('ada@example.org', 'Ada');
INSERT INTO posts (author_id, title, body, published)
	VALUES (1, 'Hello', 'First post.', 1);
INSERT INTO tags VALUES ('intro');
INSERT INTO post_tags VALUES (1, 'intro');
VACUUM;
