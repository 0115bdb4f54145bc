-- How likely a run's counts are wrong (0..1, the worker's doubt; null from workers before it was sent), and on the
-- image its current run's doubt (0 where none was sent), by which the review queue puts the most doubtful first.
alter table detection_run
    add column doubt double precision check (doubt between 0 and 1);
alter table image
    add column doubt double precision not null default 0 check (doubt between 0 and 1);
create index image_review_queue_by_doubt on image (doubt desc, image_id desc)
    where flagged and review_status = 'NONE' and status = 'DONE';
-- the queue's order by upload, which the doubt replaces
drop index image_review_queue_idx;
