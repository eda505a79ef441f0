-- Resources a send did not write (issue 12): a clinician changed them in the EHR since we wrote them
-- (CONFLICT), or the EHR cannot apply the amendment / no search could tell whether an earlier create
-- landed (NEEDS_REVIEW). The document's tracking record names each; an operator resolves them.
create table held_resource (
    tracking_id          varchar(36)  not null references clinical_document (tracking_id),
    business_identifier  varchar(300) not null,
    kind                 varchar(16)  not null,
    resource_type        varchar(64)  not null,
    server_id            varchar(128),
    our_version          varchar(64),
    ehr_version          varchar(64),
    content_sha256       char(64),
    ehr                  varchar(300) not null,
    reason               varchar(2000) not null,
    held_at              timestamp with time zone not null,
    primary key (tracking_id, business_identifier)
);

-- An operator chose to overwrite what was changed in the EHR: the next send of this version does.
alter table clinical_document add column overwrite_ehr_edits boolean default false not null;
