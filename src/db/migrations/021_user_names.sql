-- User names are unique ignoring case, in the database too: the in-process check cannot see an
-- invitation accepted as "Bob" at the same moment as another as "bob" (on another node, or the
-- CLI beside a server).
-- Data directories from before may hold names that differ only in case. The oldest user of each
-- such group (by created_at, then id) keeps its name; every later one becomes
-- "<its name, cut to 41 characters>.<its id>" (ids are 22 characters of [A-Za-z0-9_-]), still a
-- valid user name of at most 64 characters. Run twice, as for client names, in case a rename
-- lands on a name another user already had.
UPDATE users SET username = substr(username, 1, 41) || '.' || id
WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY lower(username) ORDER BY created_at, id) AS n FROM users) WHERE n > 1);
UPDATE users SET username = substr(username, 1, 41) || '.' || id
WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY lower(username) ORDER BY created_at, id) AS n FROM users) WHERE n > 1);
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
