-- The lab's review of record links whose name did not match: the reason given when a link
-- is refused, told to the account holder and kept with the link.
ALTER TABLE record_links ADD COLUMN review_reason TEXT;
