-- Cell-level review (issue 24): analysts reclassify, delete or draw single boxes, and confirm an image's boxes as
-- right. The model's boxes (detection_run.cells) are never changed: every edit is a row of its own, kept as it was
-- made, and an image's reviewed cells are its current run's cells with that run's edits applied in order
-- (org.bloodcells.results.review.ReviewedCells). Edits belong to their run: they are removed with it.
create table cell_edit (
    id           bigint       primary key,
    image_id     varchar(64)  not null references image (image_id) on delete cascade,
    run_id       bigint       not null references detection_run (id) on delete cascade,
    -- Which cell: m<index> for the model's cell at that index of the run's cells, d<id> for the cell drawn by the
    -- ADD edit with that id; null on an ADD, whose cell is d<its own id>.
    cell_key     varchar(32),
    action       varchar(16)  not null check (action in ('RECLASSIFY', 'DELETE', 'ADD')),
    class_before varchar(32),
    class_after  varchar(32),
    -- The drawn box (ADD only), in the image's pixels.
    x1           double precision,
    y1           double precision,
    x2           double precision,
    y2           double precision,
    edited_by    varchar(200) not null,
    edited_at    timestamp with time zone not null,
    comment      text,
    check ((action = 'ADD') = (x1 is not null and y1 is not null and x2 is not null and y2 is not null)),
    check ((action = 'ADD') = (cell_key is null))
);
create sequence cell_edit_seq increment by 50;
create index cell_edit_run_idx on cell_edit (run_id, id);
create index cell_edit_image_idx on cell_edit (image_id, id);

-- "These boxes are right": the reviewed cells of a run as they stood after its edits up to last_edit_id (null: none)
-- confirmed by a person. A confirmed or edited image is training data (POST /datasets).
create table cell_confirmation (
    id           bigint       primary key,
    image_id     varchar(64)  not null references image (image_id) on delete cascade,
    run_id       bigint       not null references detection_run (id) on delete cascade,
    last_edit_id bigint,
    counts       jsonb        not null,
    confirmed_by varchar(200) not null,
    confirmed_at timestamp with time zone not null,
    comment      text
);
create sequence cell_confirmation_seq increment by 50;
create index cell_confirmation_run_idx on cell_confirmation (run_id, id);

-- A dataset written from the reviewed cells is an export of patient data: audited as such.
alter table audit_entry drop constraint audit_entry_action_check;
alter table audit_entry add constraint audit_entry_action_check
    check (action in ('UPLOAD', 'REVIEW', 'PROMOTION', 'REPROCESSING', 'DELETION', 'EXPORT'));
