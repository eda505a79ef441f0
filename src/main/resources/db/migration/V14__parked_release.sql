-- Per-patient order survives parking (issue 13, item 2): a parked document (DEAD, AWAITING_PATIENT_MATCH,
-- CONFLICT, NEEDS_REVIEW) holds back its patient's later documents until an operator releases it
-- (POST /api/v1/documents/{id}/release). Set by the release, cleared by the document's next transition:
-- parked again later, it holds back again.
alter table clinical_document add column released_at timestamp with time zone;
