-- How the worker brought each image to the model's scale, and why (if at all) the image is unlike the model's
-- training images: counts of a flagged image are stored, but shown with the flag and its reasons.
alter table detection_run
    add column microns_per_pixel   double precision,
    add column scale_source        varchar(16),
    add column tiles               integer not null default 1 check (tiles >= 1),
    add column out_of_distribution jsonb   not null default '[]';
