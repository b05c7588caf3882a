-- schema.sql -- the model of the example blog: the schema the application
-- wants (version 2).  Compared with examples/app.db (version 1): users
-- get a bio, posts a creation time and a STRICT comments table arrives,
-- tags get a colour, a trigger keeps posts.updated_at fresh, and the view
-- shows the creation time.

CREATE TABLE users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	email TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name TEXT NOT NULL,
	bio TEXT,
	created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE posts (
	id INTEGER PRIMARY KEY,
	author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	body TEXT,
	published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
	created_at TEXT NOT NULL DEFAULT (datetime('now')),
	updated_at TEXT
);
CREATE INDEX posts_author ON posts(author_id);
CREATE INDEX posts_recent ON posts(created_at DESC) WHERE published = 1;

CREATE TABLE comments (
	id INTEGER PRIMARY KEY,
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	body TEXT NOT NULL CHECK (length(body) > 0),
	created_at TEXT NOT NULL DEFAULT (datetime('now'))
) STRICT;
CREATE INDEX comments_post ON comments(post_id, created_at);

CREATE TABLE tags (
	name TEXT PRIMARY KEY,
	colour TEXT NOT NULL DEFAULT 'grey'
) WITHOUT ROWID;

CREATE TABLE post_tags (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	tag TEXT NOT NULL REFERENCES tags(name),
	PRIMARY KEY (post_id, tag)
);

CREATE VIEW published_posts AS
	SELECT p.id, p.title, u.name AS author, p.created_at
	FROM posts p JOIN users u ON u.id = p.author_id
	WHERE p.published = 1;

CREATE TRIGGER posts_touch AFTER UPDATE OF title, body ON posts
BEGIN
	UPDATE posts SET updated_at = datetime('now') WHERE id = NEW.id;
END;
