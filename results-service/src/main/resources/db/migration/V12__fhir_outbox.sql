-- The FHIR delivery outbox (issue 26, item 4): a signed report's FHIR resource, written in the signing transaction
-- and sent after it by FhirSender as PUT [base]/{resource_type}/{resource_id}. The resource id is stable per report,
-- so an amendment is a new version of the same resource at the hospital, never a second report. Entries of one
-- resource are sent in the order of their id; a failed one is tried again at next_attempt_at (back-off kept here,
-- so it survives restarts) and holds back the later ones of its resource.
create table fhir_outbox (
    id              bigint generated always as identity primary key,
    resource_type   varchar(64)  not null,
    resource_id     varchar(64)  not null check (resource_id ~ '^[A-Za-z0-9.-]{1,64}$'),
    payload         text         not null,
    state           varchar(16)  not null check (state in ('PENDING', 'FAILED', 'DELIVERED')),
    attempts        integer      not null default 0,
    last_error      varchar(2000),
    next_attempt_at timestamptz  not null,
    created_at      timestamptz  not null,
    delivered_at    timestamptz
);

-- What is due (the sender's question) and the head of each resource's queue.
create index fhir_outbox_due on fhir_outbox (next_attempt_at) where state <> 'DELIVERED';
create index fhir_outbox_resource on fhir_outbox (resource_type, resource_id, id);
