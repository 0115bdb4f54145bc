-- The trainer's own schema (quarkus.flyway.schemas): the model registry and the training runs.

-- One version of a model. Its file, card and metrics live in object storage (bucket, object_key); the row says
-- what it is, where it came from, how it was made and where it stands.
create sequence model_version_seq increment by 50;

create table model_version (
    id                  bigint        primary key,
    name                varchar(128)  not null,
    version             varchar(64)   not null,
    parent_version      varchar(64),
    status              varchar(16)   not null check (status in ('CANDIDATE', 'PROMOTED', 'RETIRED')),
    bucket              varchar(63)   not null,
    object_key          varchar(1024) not null,
    sha256              varchar(64)      not null,
    size_bytes          bigint        not null,
    classes             jsonb         not null,
    input_size          integer       not null,
    dataset             varchar(128),
    dataset_fingerprint varchar(64),
    training_command    text,
    training_settings   jsonb,
    origin              varchar(256)  not null,
    created_at          timestamp with time zone not null,
    created_by          varchar(128)  not null,
    status_changed_at   timestamp with time zone not null,
    status_changed_by   varchar(128)  not null,
    constraint model_version_once unique (name, version)
);

-- At most one promoted version per model name: the one every worker runs.
create unique index model_version_one_promoted on model_version (name) where status = 'PROMOTED';

-- A version's figures on a held-back split, by the workers' Java code. The fingerprint covers the split's ids,
-- annotations and image bytes, so figures are compared only over the very same images.
create sequence model_evaluation_seq increment by 50;

create table model_evaluation (
    id                bigint        primary key,
    model_version_id  bigint        not null references model_version (id),
    dataset           varchar(128)  not null,
    split             varchar(32)   not null,
    split_fingerprint varchar(64)      not null,
    images            integer       not null,
    ap50              double precision not null,
    ap                double precision not null,
    metrics           jsonb         not null,
    evaluated_at      timestamp with time zone not null,
    constraint model_evaluation_once unique (model_version_id, split_fingerprint)
);

-- Every change of a version's status: who, when, from what to what, and an override's reason with the figures
-- the gate compared.
create sequence model_status_change_seq increment by 50;

create table model_status_change (
    id                bigint        primary key,
    model_version_id  bigint        not null references model_version (id),
    from_status       varchar(16),
    to_status         varchar(16)   not null,
    changed_at        timestamp with time zone not null,
    changed_by        varchar(128)  not null,
    overridden        boolean       not null default false,
    reason            text,
    figures           jsonb
);

create index model_status_change_version_idx on model_status_change (model_version_id, changed_at);

-- A training run: what was asked, how far it got, its log, and the candidate it registered.
create sequence training_run_seq increment by 50;

create table training_run (
    id              bigint        primary key,
    status          varchar(16)   not null check (status in ('RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    dataset         varchar(128)  not null,
    base_version    varchar(64),
    settings        jsonb         not null,
    command         text,
    replica         varchar(128)  not null,
    progress        jsonb         not null,
    log             text          not null default '',
    model_name      varchar(128),
    model_version   varchar(64),
    error           text,
    started_at      timestamp with time zone not null,
    finished_at     timestamp with time zone,
    started_by      varchar(128)  not null
);
