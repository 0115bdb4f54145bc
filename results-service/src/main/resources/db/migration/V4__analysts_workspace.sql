-- The analysts' workspace: lists, aggregates, evidence and review.
--
-- The image row carries what its current run says (model, time, counts per class, review flags), maintained by
-- ResultRecorder whenever the current run changes: listing, filtering and summing a million images then reads one
-- table and its indexes, without joining runs and count rows. The classes are the platform's contract
-- (models/CONTRACT.md: RBC, WBC, Platelets); cell_count keeps every run's counts whatever its classes.
alter table image
    add column model_name          varchar(128),
    add column model_version       varchar(64),
    add column detected_at         timestamp with time zone,
    add column rbc                 integer check (rbc >= 0),
    add column wbc                 integer check (wbc >= 0),
    add column platelets           integer check (platelets >= 0),
    -- Why the image should be looked at by a person (uncertain cells, out of distribution, far from its slide):
    -- its current run's flags; empty when nothing is odd.
    add column review_flags        jsonb       not null default '[]',
    add column flagged             boolean     generated always as (jsonb_array_length(review_flags) > 0) stored,
    -- An analyst's review: NONE, CONFIRMED (the model's counts stand) or CORRECTED (the corrected counts below are
    -- reported, the model's stay beside them); every review is in count_review.
    add column review_status       varchar(16) not null default 'NONE'
        check (review_status in ('NONE', 'CONFIRMED', 'CORRECTED')),
    add column rbc_corrected       integer check (rbc_corrected >= 0),
    add column wbc_corrected       integer check (wbc_corrected >= 0),
    add column platelets_corrected integer check (platelets_corrected >= 0),
    -- What the image reports: the correction where there is one, else the model's count.
    add column rbc_reported        integer generated always as (coalesce(rbc_corrected, rbc)) stored,
    add column wbc_reported        integer generated always as (coalesce(wbc_corrected, wbc)) stored,
    add column platelets_reported  integer generated always as (coalesce(platelets_corrected, platelets)) stored;

-- Images stored before this migration: their current run's model, time and counts (their review flags start empty).
update image i
set model_name    = r.model_name,
    model_version = r.model_version,
    detected_at   = r.detected_at,
    rbc           = (select c.cell_count from cell_count c where c.run_id = r.id and c.cell_class = 'RBC'),
    wbc           = (select c.cell_count from cell_count c where c.run_id = r.id and c.cell_class = 'WBC'),
    platelets     = (select c.cell_count from cell_count c where c.run_id = r.id and c.cell_class = 'Platelets')
from detection_run r
where r.id = i.current_run_id;

-- The post-processing each run's boxes came from (CellDetections.thresholds); null for runs from older workers. And
-- the run's review flags, judged when it was stored (its slide's other images as they were then); a promotion
-- that makes the run its image's current one brings them along.
alter table detection_run
    add column score_threshold  double precision,
    add column count_thresholds jsonb,
    add column post_processing  text,
    add column review_flags     jsonb not null default '[]';

-- Every review of an image's counts: who, when, on which run, the counts before and after, and why.
create table count_review (
    id            bigint       primary key,
    image_id      varchar(64)  not null references image (image_id) on delete cascade,
    run_id        bigint       references detection_run (id) on delete set null,
    model_name    varchar(128),
    model_version varchar(64),
    action        varchar(16)  not null check (action in ('CONFIRMED', 'CORRECTED')),
    model_counts  jsonb        not null,
    before_counts jsonb        not null,
    after_counts  jsonb        not null,
    comment       text,
    reviewed_by   varchar(128) not null,
    reviewed_at   timestamp with time zone not null
);
create sequence count_review_seq increment by 50;
create index count_review_image_idx on count_review (image_id, reviewed_at);

-- Lists are sorted by upload time (newest first by default) with the image id breaking ties (the keyset cursor);
-- each filter an analyst starts from (scanner, batch, slide) has an index in that order. The indexes that
-- aggregates read carry the counted columns (INCLUDE), so that sums are index-only scans.
drop index image_scanner_uploaded_idx;
drop index image_batch_idx;
drop index image_slide_idx;
-- Lists without a scanner, batch or slide; aggregates per day (and any aggregate over an upload time range).
create index image_uploaded_idx on image (uploaded_at, image_id)
    include (scanner_id, slide_id, batch_id, status, model_name, model_version, review_status, rbc, wbc, platelets,
             rbc_reported, wbc_reported, platelets_reported);
-- A scanner's images: lists, and its aggregates per day or per slide over a time range.
create index image_scanner_uploaded_idx on image (scanner_id, uploaded_at, image_id)
    include (slide_id, status, review_status, rbc, wbc, platelets, rbc_reported, wbc_reported, platelets_reported);
create index image_batch_uploaded_idx on image (batch_id, uploaded_at, image_id);
-- Aggregates per batch (in batch order, stopping at the page's end) and a batch's slides.
create index image_batch_slide_idx on image (batch_id, slide_id)
    include (uploaded_at, status, review_status, rbc, wbc, platelets, rbc_reported, wbc_reported,
             platelets_reported);
-- A slide's images, and aggregates per slide (in slide order, stopping at the page's end).
create index image_slide_uploaded_idx on image (slide_id, uploaded_at, image_id)
    include (status, review_status, rbc, wbc, platelets, rbc_reported, wbc_reported, platelets_reported);
-- The review queue: flagged DONE images nobody has reviewed yet.
create index image_review_queue_idx on image (uploaded_at, image_id)
    where flagged and review_status = 'NONE' and status = 'DONE';

-- Totals per UTC day of upload and scanner, kept by a trigger as images change: a per-day aggregate over a month
-- or a year reads a few hundred rows instead of every image. Every column is a sum over the images uploaded that
-- day by that scanner (cells over the DONE ones), so that a change is applied as a difference. ImageSearch reads
-- it for whole days when the only filters are the scanner and the upload time, and the images themselves for the
-- partial days at a range's ends and for every other filter.
create table image_day_totals (
    day                date         not null,
    scanner_id         varchar(128) not null,
    images             bigint       not null,
    done               bigint       not null,
    pending            bigint       not null,
    failed             bigint       not null,
    corrected_images   bigint       not null,
    rbc                bigint       not null,
    wbc                bigint       not null,
    platelets          bigint       not null,
    rbc_reported       bigint       not null,
    wbc_reported       bigint       not null,
    platelets_reported bigint       not null,
    primary key (day, scanner_id)
);

-- Adds one image's contribution (sign +1) or takes it away (-1).
create function image_day_totals_add(i image, sign integer) returns void language sql as $$
    insert into image_day_totals as t (day, scanner_id, images, done, pending, failed, corrected_images,
                                       rbc, wbc, platelets, rbc_reported, wbc_reported, platelets_reported)
    select (i.uploaded_at at time zone 'UTC')::date, coalesce(i.scanner_id, ''), sign,
           sign * (i.status = 'DONE')::int, sign * (i.status = 'PENDING')::int, sign * (i.status = 'FAILED')::int,
           sign * (i.status = 'DONE' and i.review_status = 'CORRECTED')::int,
           sign * case when i.status = 'DONE' then coalesce(i.rbc, 0) else 0 end,
           sign * case when i.status = 'DONE' then coalesce(i.wbc, 0) else 0 end,
           sign * case when i.status = 'DONE' then coalesce(i.platelets, 0) else 0 end,
           sign * case when i.status = 'DONE' then coalesce(i.rbc_corrected, i.rbc, 0) else 0 end,
           sign * case when i.status = 'DONE' then coalesce(i.wbc_corrected, i.wbc, 0) else 0 end,
           sign * case when i.status = 'DONE' then coalesce(i.platelets_corrected, i.platelets, 0) else 0 end
    where i.uploaded_at is not null
    on conflict (day, scanner_id) do update set
        images = t.images + excluded.images, done = t.done + excluded.done, pending = t.pending + excluded.pending,
        failed = t.failed + excluded.failed, corrected_images = t.corrected_images + excluded.corrected_images,
        rbc = t.rbc + excluded.rbc, wbc = t.wbc + excluded.wbc, platelets = t.platelets + excluded.platelets,
        rbc_reported = t.rbc_reported + excluded.rbc_reported, wbc_reported = t.wbc_reported + excluded.wbc_reported,
        platelets_reported = t.platelets_reported + excluded.platelets_reported
$$;

create function image_day_totals_apply() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform image_day_totals_add(old, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform image_day_totals_add(new, 1);
    end if;
    return null;
end
$$;

create trigger image_day_totals_on_insert after insert on image
    for each row when (new.uploaded_at is not null) execute function image_day_totals_apply();
create trigger image_day_totals_on_delete after delete on image
    for each row when (old.uploaded_at is not null) execute function image_day_totals_apply();
-- Hibernate writes every column of an updated row: only a change of what the totals sum reaches them.
create trigger image_day_totals_on_update after update on image
    for each row when ((old.uploaded_at, old.scanner_id, old.status, old.review_status, old.rbc, old.wbc,
                        old.platelets, old.rbc_corrected, old.wbc_corrected, old.platelets_corrected)
                       is distinct from
                       (new.uploaded_at, new.scanner_id, new.status, new.review_status, new.rbc, new.wbc,
                        new.platelets, new.rbc_corrected, new.wbc_corrected, new.platelets_corrected))
    execute function image_day_totals_apply();

-- The totals as the images give them now: what the trigger must keep image_day_totals equal to.
create view image_day_totals_from_images as
select (uploaded_at at time zone 'UTC')::date as day, coalesce(scanner_id, '') as scanner_id, count(*) as images,
       count(*) filter (where status = 'DONE') as done, count(*) filter (where status = 'PENDING') as pending,
       count(*) filter (where status = 'FAILED') as failed,
       count(*) filter (where status = 'DONE' and review_status = 'CORRECTED') as corrected_images,
       coalesce(sum(rbc) filter (where status = 'DONE'), 0) as rbc,
       coalesce(sum(wbc) filter (where status = 'DONE'), 0) as wbc,
       coalesce(sum(platelets) filter (where status = 'DONE'), 0) as platelets,
       coalesce(sum(rbc_reported) filter (where status = 'DONE'), 0) as rbc_reported,
       coalesce(sum(wbc_reported) filter (where status = 'DONE'), 0) as wbc_reported,
       coalesce(sum(platelets_reported) filter (where status = 'DONE'), 0) as platelets_reported
from image where uploaded_at is not null
group by 1, 2;

-- The totals recomputed from the images (the trigger keeps them from then on): for the images stored before this
-- migration, for rows written with triggers off (session_replication_role = replica, as the query benchmark's
-- generator does), and for an operator who wants to check them.
create function image_day_totals_rebuild() returns void language sql as $$
    delete from image_day_totals;
    insert into image_day_totals select * from image_day_totals_from_images;
$$;

select image_day_totals_rebuild();
