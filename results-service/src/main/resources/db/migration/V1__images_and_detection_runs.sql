-- One row per image, whichever of its events arrived first. Events arrive in any order across
-- topics, so every column an event fills may still be null when another event created the row.
create table image (
    image_id       varchar(64)   primary key,
    status         varchar(16)   not null check (status in ('PENDING', 'DONE', 'FAILED')),
    scanner_id     varchar(128),
    slide_id       varchar(128),
    batch_id       varchar(128),
    bucket         varchar(63),
    object_key     varchar(1024),
    content_type   varchar(64),
    size_bytes     bigint,
    uploaded_at    timestamp with time zone,
    current_run_id bigint,
    failure_stage  varchar(64),
    failure_reason text,
    failed_at      timestamp with time zone,
    updated_at     timestamp with time zone not null
);

create index image_slide_idx on image (slide_id);
create index image_batch_idx on image (batch_id);
create index image_scanner_uploaded_idx on image (scanner_id, uploaded_at);

-- One model run over one image. The unique key is what makes a re-delivered detections event
-- harmless: a run is stored once per image and model version.
create sequence detection_run_seq increment by 50;

create table detection_run (
    id               bigint        primary key,
    image_id         varchar(64)   not null references image (image_id),
    model_name       varchar(128)  not null,
    model_version    varchar(64)   not null,
    image_width      integer       not null,
    image_height     integer       not null,
    cells            jsonb         not null,
    inference_millis bigint        not null,
    worker_id        varchar(128),
    detected_at      timestamp with time zone not null,
    received_at      timestamp with time zone not null,
    constraint detection_run_once_per_model_version unique (image_id, model_name, model_version)
);

-- The run whose counts an image reports: the latest one, so aggregates never add up two model
-- versions' counts for the same image.
alter table image
    add constraint image_current_run_fk foreign key (current_run_id) references detection_run (id);

create table cell_count (
    run_id     bigint       not null references detection_run (id) on delete cascade,
    cell_class varchar(64)  not null,
    cell_count integer      not null check (cell_count >= 0),
    primary key (run_id, cell_class)
);
