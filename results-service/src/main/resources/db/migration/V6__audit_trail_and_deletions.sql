-- Who did what (issue 16): uploads, reviews (corrections and confirmations), promotions, re-processing and
-- deletions, one row each, kept when the image itself is deleted. source_key makes recording idempotent: an entry
-- derived from an event (an upload, a promotion) carries the event's identity, so a re-delivery adds nothing.
create table audit_entry (
    id         bigserial     primary key,
    source_key varchar(1000) not null unique,
    at         timestamp with time zone not null,
    actor      varchar(200)  not null,
    action     varchar(16)   not null check (action in ('UPLOAD', 'REVIEW', 'PROMOTION', 'REPROCESSING', 'DELETION')),
    subject    varchar(200)  not null,
    detail     varchar(2000)
);
create index audit_entry_at_idx on audit_entry (at desc, id desc);
create index audit_entry_actor_idx on audit_entry (actor, at desc, id desc);
create index audit_entry_subject_idx on audit_entry (subject, at desc, id desc);

-- The reviews stored before the trail existed are its first entries.
insert into audit_entry (source_key, at, actor, action, subject, detail)
select 'review:' || id, reviewed_at, reviewed_by, 'REVIEW', image_id, action || ' (before the audit trail)'
from count_review;

-- Deleted images: an event about one that is still in flight (a re-delivered upload, late detections) must not bring
-- its rows back. A new upload of the same bytes after the deletion is a new upload and clears the mark.
create table deleted_image (
    image_id   varchar(64)   primary key,
    deleted_at timestamp with time zone not null,
    deleted_by varchar(200)  not null
);
