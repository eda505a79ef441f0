-- What a pending write was to make the resource say (content hash, meta ignored): when its answer is lost and the
-- EHR's version has moved on, that version is ours if it says exactly this, not a clinician's edit.
alter table ehr_write_ledger add column pending_sha256 char(64);
