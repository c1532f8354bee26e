#!/usr/bin/env bash
# postgis.sh makes PostgreSQL 15 + PostGIS 3 ready for onemap on a Debian 12
# machine: it installs the packages when missing, runs cluster 15/main on
# 127.0.0.1:5432 only, and creates the role and databases the service and the
# tests use. It is idempotent: run it as often as you like (as root).
#
# It prints the test database URL on its last line:
#   ONEMAP_TEST_DATABASE_URL=postgres://onemap:onemap@127.0.0.1:5432/onemap_test?sslmode=disable
#
# Besides the one role "onemap" (development and tests: it migrates and
# serves), it sets up the least-privilege split of docs/operations.md in a
# database of its own, onemap_split: the owner role onemap_owner, which owns
# the database and runs the migrations, and the service role onemap_app,
# which owns nothing and gets its grants from `onemap migrate`:
#   ONEMAP_MIGRATE_DATABASE_URL=postgres://onemap_owner:onemap_owner@127.0.0.1:5432/onemap_split?sslmode=disable
#   ONEMAP_DATABASE_URL=postgres://onemap_app:onemap_app@127.0.0.1:5432/onemap_split?sslmode=disable
set -euo pipefail

readonly PG_VERSION=15
readonly CLUSTER=main
readonly HOST=127.0.0.1
readonly PORT=5432
readonly ROLE=onemap
readonly PASSWORD=onemap
readonly OWNER_ROLE=onemap_owner
readonly SERVICE_ROLE=onemap_app
readonly SPLIT_DB=onemap_split
readonly PACKAGES=(postgresql-15-postgis-3 postgresql-15-pgrouting)
readonly CONF_DIR=/etc/postgresql/$PG_VERSION/$CLUSTER
readonly DROPIN=$CONF_DIR/conf.d/onemap.conf

log() { printf 'postgis.sh: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
	log "run me as root (I install packages and manage the cluster)"
	exit 1
fi

# as_postgres runs a command as the database superuser's OS account.
as_postgres() { runuser -u postgres -- "$@"; }

# psql_admin runs SQL as the postgres superuser over the local socket.
psql_admin() {
	local db=$1
	shift
	PGOPTIONS="-c client_min_messages=warning" as_postgres psql --no-psqlrc -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d "$db" "$@"
}

installed=0
missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done
if ((${#missing[@]} > 0)); then
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
	installed=1
fi

if ! pg_lsclusters --no-header | awk '{print $1"/"$2}' | grep -qx "$PG_VERSION/$CLUSTER"; then
	log "creating cluster $PG_VERSION/$CLUSTER"
	pg_createcluster "$PG_VERSION" "$CLUSTER" --port "$PORT"
fi

# The drop-in file is read after postgresql.conf (Debian's include_dir
# 'conf.d'), so these settings win. Loopback only: this is a local store.
wanted_conf="# Written by onemap scripts/postgis.sh; edits are overwritten.
listen_addresses = '$HOST'
port = $PORT
"
conf_changed=0
if [[ ! -f $DROPIN ]] || [[ $(cat "$DROPIN") != "$(printf '%s' "$wanted_conf")" ]]; then
	mkdir -p "$(dirname "$DROPIN")"
	printf '%s' "$wanted_conf" >"$DROPIN"
	chown postgres:postgres "$DROPIN"
	conf_changed=1
fi

# running reports whether the cluster's server is up.
running() { pg_lsclusters --no-header | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; }

# binaries_newer reports whether the server binaries or plpgsql changed after
# the running postmaster started: then new backends fail to load plpgsql and
# the server must be restarted.
binaries_newer() {
	local pidfile=/var/lib/postgresql/$PG_VERSION/$CLUSTER/postmaster.pid
	[[ -f $pidfile ]] || return 1
	local started
	started=$(sed -n 3p "$pidfile")
	[[ $started =~ ^[0-9]+$ ]] || return 0
	local f
	for f in /usr/lib/postgresql/$PG_VERSION/bin/postgres /usr/lib/postgresql/$PG_VERSION/lib/plpgsql.so \
		/usr/lib/postgresql/$PG_VERSION/lib/postgis-3.so; do
		if [[ -f $f ]] && (($(stat -c %Y "$f") > started)); then
			return 0
		fi
	done
	return 1
}

if ! running; then
	log "starting cluster $PG_VERSION/$CLUSTER"
	pg_ctlcluster "$PG_VERSION" "$CLUSTER" start
elif ((installed || conf_changed)) || binaries_newer; then
	log "restarting cluster $PG_VERSION/$CLUSTER (packages or settings changed)"
	pg_ctlcluster "$PG_VERSION" "$CLUSTER" restart
fi

for _ in $(seq 1 60); do
	if pg_isready -q -h "$HOST" -p "$PORT"; then
		break
	fi
	sleep 0.5
done
if ! pg_isready -q -h "$HOST" -p "$PORT"; then
	log "the server did not become ready; see /var/log/postgresql/postgresql-$PG_VERSION-$CLUSTER.log"
	exit 1
fi

# The role may create databases but is not a superuser: the service never
# needs more than its own databases.
psql_admin postgres <<SQL
DO \$\$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
		CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
	ELSE
		ALTER ROLE $ROLE LOGIN CREATEDB NOSUPERUSER PASSWORD '$PASSWORD';
	END IF;
END
\$\$;
SQL

for db in onemap onemap_test; do
	if [[ -z $(psql_admin postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
		log "creating database $db"
		as_postgres createdb -p "$PORT" -O "$ROLE" "$db"
	fi
	psql_admin "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
done
psql_admin onemap_test -c "CREATE EXTENSION IF NOT EXISTS pgrouting"

# The least-privilege pair. Neither may create roles or databases; the
# password of each local role is its name. The owner owns onemap_split and
# so, from PostgreSQL 15 on, its public schema (pg_database_owner), where
# the tables go; the service role may connect and use the schema but create
# nothing in it — `onemap migrate -service-role onemap_app` grants it the
# rest. The onemap role is left exactly as above.
psql_admin postgres <<SQL
DO \$\$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['$OWNER_ROLE', '$SERVICE_ROLE'] LOOP
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, r);
		ELSE
			EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD %L', r, r);
		END IF;
	END LOOP;
END
\$\$;
SQL
if [[ -z $(psql_admin postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$SPLIT_DB'") ]]; then
	log "creating database $SPLIT_DB"
	as_postgres createdb -p "$PORT" -O "$OWNER_ROLE" "$SPLIT_DB"
fi
psql_admin "$SPLIT_DB" <<SQL
CREATE EXTENSION IF NOT EXISTS postgis;
REVOKE ALL ON DATABASE $SPLIT_DB FROM PUBLIC;
GRANT CONNECT ON DATABASE $SPLIT_DB TO $SERVICE_ROLE;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL

# A last check through TCP with the role's password, as the tests connect.
PGPASSWORD=$PASSWORD psql --no-psqlrc -X -q -h "$HOST" -p "$PORT" -U "$ROLE" -d onemap_test \
	-tAc "SELECT postgis_lib_version()" >/dev/null
for r in "$OWNER_ROLE" "$SERVICE_ROLE"; do
	PGPASSWORD=$r psql --no-psqlrc -X -q -h "$HOST" -p "$PORT" -U "$r" -d "$SPLIT_DB" \
		-tAc "SELECT postgis_lib_version()" >/dev/null
done

echo "ONEMAP_TEST_DATABASE_URL=postgres://$ROLE:$PASSWORD@$HOST:$PORT/onemap_test?sslmode=disable"
