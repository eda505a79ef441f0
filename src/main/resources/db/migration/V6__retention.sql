-- Retention (README, "Operations: retention"): a final document's raw text is purged after
-- bridge.retention.raw-documents; its SHA-256, tracking history and written-resource ledger stay.
alter table clinical_document alter column raw_document drop not null;
alter table clinical_document add column raw_purged_at timestamp with time zone;
