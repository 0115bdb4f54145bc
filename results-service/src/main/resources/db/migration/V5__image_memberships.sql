-- Every scanner, slide and batch an image was uploaded into (issue 15): the same bytes uploaded again in another
-- batch make the image a member of that batch too, without a second detection. The image row keeps its first
-- upload's origin; a batch's or slide's totals and the images filtered by batch or slide read the memberships, so a
-- batch holds what was uploaded into it and each image counts once in it.
create table image_membership (
    image_id   varchar(64)  not null,
    scanner_id varchar(128) not null,
    slide_id   varchar(128) not null,
    batch_id   varchar(128) not null,
    added_at   timestamp with time zone not null,
    primary key (image_id, batch_id, slide_id, scanner_id)
);

create index image_membership_batch_idx on image_membership (batch_id, image_id);
create index image_membership_slide_idx on image_membership (slide_id, image_id);

insert into image_membership (image_id, scanner_id, slide_id, batch_id, added_at)
select image_id, scanner_id, slide_id, batch_id, uploaded_at from image
where uploaded_at is not null and scanner_id is not null and slide_id is not null and batch_id is not null;
