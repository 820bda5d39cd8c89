import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS digests (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    delivered_at TEXT
);
"""


def connect(path):
    db = sqlite3.connect(path, timeout=5)
    db.execute("PRAGMA foreign_keys = ON")
    db.executescript(SCHEMA)
    return db


def create_user(db, email):
    cur = db.execute("INSERT INTO users (email) VALUES (?)", (email,))
    db.commit()
    return cur.lastrowid


def create_digest(db, user_id, body):
    cur = db.execute("INSERT INTO digests (user_id, body) VALUES (?, ?)", (user_id, body))
    db.commit()
    return cur.lastrowid


def unread_items(db, user_id):
    return db.execute("SELECT 'item-' || ? LIMIT 3", (user_id,)).fetchall()
