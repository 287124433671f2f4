#!/usr/bin/env bash
# Install (if missing) and start a local PostgreSQL server, create the test role and database, and print
# the SQLAlchemy URL of that database as the last line of standard output. Idempotent: run it again and it
# reuses the running cluster, role and database. Any failure exits non-zero with the reason on stderr, so
# CI stops instead of silently skipping the PostgreSQL tests.
#
#   url=$(.ci/postgres.sh) && export WORKBENCH_TEST_PG_URL="$url"
#
# Needs root (CI runs as root) or passwordless sudo. The role may create databases: the tests make a
# fresh database per test and drop it afterwards.
set -euo pipefail

ROLE=${WORKBENCH_PG_ROLE:-workbench}
PASSWORD=${WORKBENCH_PG_PASSWORD:-workbench-test}
DATABASE=${WORKBENCH_PG_DATABASE:-workbench_test}

log() { echo "postgres.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

if ! command -v pg_lsclusters >/dev/null 2>&1; then
    log "installing PostgreSQL with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >&2
    as_root apt-get install -y -qq --no-install-recommends postgresql >&2 \
        || die "apt-get install postgresql failed"
fi

# The newest installed server version; its "main" cluster (created by the package, or here).
version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
[ -n "$version" ] || die "no PostgreSQL server found under /usr/lib/postgresql"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {found=1} END {exit !found}'; then
    log "creating cluster $version/main"
    as_root pg_createcluster "$version" main >&2 || die "pg_createcluster $version main failed"
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
status=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}')
if [ "$status" != "online" ]; then
    log "starting cluster $version/main on port $port"
    as_root pg_ctlcluster "$version" main start >&2 \
        || die "pg_ctlcluster $version main start failed; see /var/log/postgresql/postgresql-$version-main.log"
fi
for _ in $(seq 1 60); do
    pg_isready -q -h localhost -p "$port" && break
    sleep 0.5
done
pg_isready -q -h localhost -p "$port" || die "the server on localhost:$port does not accept connections"

psql_admin() { as_postgres psql -p "$port" -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
    log "creating role $ROLE"
    psql_admin -c "CREATE ROLE \"$ROLE\" LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
else
    psql_admin -c "ALTER ROLE \"$ROLE\" LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
fi
# The tests drop their databases WITH (FORCE), which must end any autovacuum worker still in them.
psql_admin -c "GRANT pg_signal_backend TO \"$ROLE\"" >&2
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != "1" ]; then
    log "creating database $DATABASE"
    psql_admin -c "CREATE DATABASE \"$DATABASE\" OWNER \"$ROLE\" ENCODING 'UTF8' TEMPLATE template0" >&2
fi

# Prove the URL works over TCP with the password before handing it out.
PGPASSWORD=$PASSWORD psql -h localhost -p "$port" -U "$ROLE" -d "$DATABASE" -X -tAc "SELECT 1" >/dev/null \
    || die "cannot log in as $ROLE to $DATABASE on localhost:$port"
log "PostgreSQL $version ready on localhost:$port (database $DATABASE, role $ROLE)"
echo "postgresql+psycopg://$ROLE:$PASSWORD@localhost:$port/$DATABASE"
