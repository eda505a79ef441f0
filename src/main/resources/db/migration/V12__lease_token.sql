-- Leases that fence (issue 13): each claim of a document carries a fresh random token beside its owner;
-- every state transition of a worker checks it, so a worker whose lease was taken over cannot write a state.
alter table clinical_document add column lease_token varchar(36);
