-- Client names are unique ignoring case, in the database too: the in-process check cannot see a
-- second node creating or renaming a client at the same moment.
-- Databases from before may hold names that differ only in case. The oldest client of each such
-- group (by created_at, then id) keeps its name; every later one gets " (<its id>)" appended,
-- which ids make unique. Run twice: a rename that lands on a name some other client already had
-- (named exactly "<name> (<id>)") is renamed once more the same way.
UPDATE clients SET name = name || ' (' || id || ')'
WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY lower(name) ORDER BY created_at, id) AS n FROM clients) ranked WHERE n > 1);
UPDATE clients SET name = name || ' (' || id || ')'
WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY lower(name) ORDER BY created_at, id) AS n FROM clients) ranked WHERE n > 1);
CREATE UNIQUE INDEX clients_name_lower ON clients (lower(name));
