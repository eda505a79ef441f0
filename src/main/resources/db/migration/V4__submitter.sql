-- The client that submitted a document over the API (the token's azp, client_id or sub): an ingest
-- client may read the tracking of its own documents only. Null for the file drop.
alter table clinical_document add column submitter varchar(255);
