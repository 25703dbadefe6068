-- Health documents ask for the password again once a remembered session has been idle for
-- more than 30 minutes: the session keeps that until the person confirms their password.
ALTER TABLE sessions ADD COLUMN needs_password INTEGER NOT NULL DEFAULT 0;

-- A structure's newest reports across all its sites (the first page of /resultats for
-- someone who holds every site): without it, a large structure's reports are all sorted.
CREATE INDEX reports_structure_recent ON reports(structure_id, available_at, id);

-- One site's newest reports in the exact order of the list, so the walk stops after a page
-- even under a generic (prepared) plan, which would otherwise sort all the site's reports.
DROP INDEX reports_prescriber;
CREATE INDEX reports_prescriber ON reports(structure_id, site_id, available_at, id);
