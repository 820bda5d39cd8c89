CREATE TABLE IF NOT EXISTS sites (
    id serial PRIMARY KEY,
    url text NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_runs (
    id serial PRIMARY KEY,
    site_id integer NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    status text NOT NULL,
    pages integer NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pages (
    id serial PRIMARY KEY,
    site_id integer NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    url text NOT NULL,
    status integer NOT NULL
);
