-- The audit trail append-only for this service (issue 25, item 7). Listing and exporting patient data is audited
-- too (LISTING; a CSV download is an EXPORT like a dataset), so the actions grow first, while the table is still
-- this service's. Then it is handed over: audit.take_over_audit_entry(), made by the database's administrator
-- (deploy/postgres-init/audit-trail.psql), moves it into the schema audit, owned by bloodcells_audit, and leaves
-- this service INSERT and SELECT: no UPDATE, DELETE, TRUNCATE, ALTER or DROP. Without that provisioning this
-- migration fails, and the service does not start. Changing the table later is the administrator's work.
alter table audit_entry drop constraint audit_entry_action_check;
alter table audit_entry add constraint audit_entry_action_check
    check (action in ('UPLOAD', 'REVIEW', 'PROMOTION', 'REPROCESSING', 'DELETION', 'EXPORT', 'LISTING'));
select audit.take_over_audit_entry();
