-- The model versions the registry vouched for: those of the signed promotions results-service recorded, and those a
-- re-processing request found in the registry. A run is stored only for one of them (issue 25): a detections record
-- naming any other version is held here with its reason, and stored once the registry makes its version known (the
-- first promotion of a release may arrive after the workers' first runs of it), never before.
create table known_model_version (
    model_name    varchar(128) not null,
    model_version varchar(64)  not null,
    sha256        varchar(64),
    learnt_from   varchar(16)  not null,
    learnt_at     timestamp with time zone not null,
    primary key (model_name, model_version)
);

-- What was stored before this check: the promoted versions, and the versions of the runs already stored (trusted as
-- they were; their SHA-256 was never recorded).
insert into known_model_version (model_name, model_version, sha256, learnt_from, learnt_at)
select model_name, model_version, sha256, 'PROMOTION', promoted_at from promoted_model;
insert into known_model_version (model_name, model_version, sha256, learnt_from, learnt_at)
select distinct model_name, model_version, null, 'STORED', now() from detection_run
on conflict do nothing;

-- A detections record of a version not known (yet): the record as received, and why it is held.
create table held_detection (
    image_id      varchar(64)  not null,
    model_name    varchar(128) not null,
    model_version varchar(64)  not null,
    record        text         not null,
    reason        text         not null,
    held_at       timestamp with time zone not null,
    primary key (image_id, model_name, model_version)
);

create index held_detection_version_idx on held_detection (model_name, model_version);
