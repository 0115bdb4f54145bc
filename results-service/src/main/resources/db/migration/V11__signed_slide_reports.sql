-- Signed slide reports (issue 26): every signature of a slide's report, kept as it was signed. The report's JSON is
-- stored whole, as the signer saw it; a later change of the slide's counts makes a new (amended) report that is
-- signed as the next number, with a reason, beside the earlier ones.
create table signed_report (
    id                      bigint       primary key,
    slide_id                varchar(128) not null,
    number                  integer      not null check (number >= 1),
    -- the report's version: SHA-256 of its content (org.bloodcells.results.report.SlideReports)
    version                 varchar(64)  not null,
    report                  jsonb        not null,
    signed_by               varchar(200) not null,
    signed_at               timestamp with time zone not null,
    reason                  text,
    acknowledged_unreviewed integer      not null default 0 check (acknowledged_unreviewed >= 0),
    constraint signed_report_number_once unique (slide_id, number),
    check (number = 1 or reason is not null)
);
create sequence signed_report_seq increment by 50;

-- A sign-off is audited (SIGN_OFF). The trail's table is no longer this service's (V10): its administrator's
-- function widens the actions (deploy/postgres-init/audit-trail.psql).
select audit.allow_sign_off();
