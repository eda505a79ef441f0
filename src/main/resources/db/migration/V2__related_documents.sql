-- The document a document builds on: the candidacy assessment of a procedure note, the procedure
-- note of a recovery milestone. The recovery plan is computed from these links.
alter table clinical_document add column related_document_id varchar(64);
create index ix_document_related on clinical_document (kind, related_document_id);
create index ix_document_versions on clinical_document (kind, document_id, doc_version);
