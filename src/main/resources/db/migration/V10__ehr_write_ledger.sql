-- The write ledger (issue 12): for every resource the bridge writes to an EHR, by business identifier,
-- the EHR's server id and the version we last wrote. An intent is recorded, and committed, before a
-- write is sent; the answer completes it. An intent that was never completed means "the outcome is
-- unknown": the next attempt looks the resource up in the EHR before it creates anything.
create table ehr_write_ledger (
    ehr                  varchar(300) not null,  -- the EHR's FHIR base URL: one ledger per EHR
    business_identifier  varchar(300) not null,  -- system|value, as in the resource's identifier
    resource_type        varchar(64)  not null,
    server_id            varchar(128),           -- null until the EHR has named the resource
    written_version      varchar(64),            -- the version our last write produced (If-Match)
    content_sha256       char(64),               -- what we last wrote, to skip a write that changes nothing
    written_at           timestamp with time zone,
    written_by           varchar(36),            -- tracking id of the document version that wrote it
    pending_method       varchar(8),             -- CREATE or UPDATE while a write is in flight or its outcome unknown
    pending_tracking_id  varchar(36),
    pending_since        timestamp with time zone,
    primary key (ehr, business_identifier)
);

create index ix_ledger_pending on ehr_write_ledger (pending_since);
