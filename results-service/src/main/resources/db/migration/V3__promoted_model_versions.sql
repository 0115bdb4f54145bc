-- The version each model's promotion (models-promoted) put in force. An image's current run is the run of its
-- model's promoted version where it has one, else its latest run: aggregates follow the promoted version, and a
-- batch re-processed with a candidate keeps both runs without the candidate's counts replacing the promoted ones.
create table promoted_model (
    model_name    varchar(128) primary key,
    model_version varchar(64)  not null,
    sha256        varchar(64)  not null,
    promoted_at   timestamp with time zone not null,
    promoted_by   varchar(128)
);

create index detection_run_model_idx on detection_run (model_name, model_version);
