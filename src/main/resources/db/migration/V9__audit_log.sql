-- The local audit log (README, "Audit"): append-only, hash-chained. Each record keeps the SHA-256 of its
-- content and of the previous record; audit_chain is the one row appends lock (serialising them across
-- instances) and says where the kept chain starts after retention purged older records.
create table audit_record (
    seq              bigint       primary key,
    recorded_at      timestamp with time zone not null,
    kind             varchar(40)  not null,
    patient          varchar(300),
    tracking_id      varchar(36),
    content          text         not null,
    content_sha256   char(64)     not null,
    previous_sha256  char(64)     not null,
    record_sha256    char(64)     not null
);

create index ix_audit_recorded on audit_record (recorded_at);
create index ix_audit_patient on audit_record (patient);
create index ix_audit_tracking on audit_record (tracking_id);

create table audit_chain (
    id            integer      primary key,
    last_seq      bigint       not null,
    last_sha256   char(64)     not null,
    start_seq     bigint       not null,
    start_sha256  char(64)     not null
);

insert into audit_chain (id, last_seq, last_sha256, start_seq, start_sha256)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000',
        0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Signed checkpoints: a JWS (the module's key, see /.well-known/jwks.json) over {seq, sha256, at}.
create table audit_checkpoint (
    seq            bigint       primary key,
    record_sha256  char(64)     not null,
    signed_at      timestamp with time zone not null,
    jws            text         not null
);
