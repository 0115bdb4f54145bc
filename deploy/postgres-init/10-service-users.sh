#!/bin/sh
# One PostgreSQL user per service, each owning only its own schema (README "Credentials, TLS and least
# privilege"): results-service the public schema its Flyway migrations build, the trainer the schema
# trainer. The postgres image runs this once, when it creates the database; POSTGRES_USER stays the
# administrator, and no service uses it.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v results_password="$RESULTS_DB_PASSWORD" -v trainer_password="$TRAINER_DB_PASSWORD" <<'SQL'
CREATE ROLE results_service LOGIN PASSWORD :'results_password';
CREATE ROLE trainer LOGIN PASSWORD :'trainer_password';
REVOKE ALL ON DATABASE bloodcells FROM PUBLIC;
GRANT CONNECT ON DATABASE bloodcells TO results_service, trainer;
ALTER SCHEMA public OWNER TO results_service;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA trainer AUTHORIZATION trainer;
SQL
# results-service's audit trail: append-only for it (owned by bloodcells_audit; see the file).
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v service_user=results_service \
     -f /docker-entrypoint-initdb.d/audit-trail.psql
