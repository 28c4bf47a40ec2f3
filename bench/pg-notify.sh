#!/usr/bin/env bash
# What NOTIFY costs at commit (bench/README.md, "Several hosts on PostgreSQL"): pgbench on a
# throwaway PostgreSQL (scripts/pg.sh; fsync and synchronous_commit on, as in production),
# C clients each committing a small journal-like insert, with and without a pg_notify in
# the transaction, SECONDS each, ROUNDS times alternately. PostgreSQL queues notifications
# under one database-wide lock taken at commit and held until the commit is done, so
# notifying transactions commit one at a time (no group commit of their WAL flushes).
#   bench/pg-notify.sh [CLIENTS=16] [SECONDS=10] [ROUNDS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-16}; seconds=${2:-10}; rounds=${3:-2}
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/sb-pgnotify.XXXXXX)
cleanup() { scripts/pg.sh stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
url=$(PG_EXTRA_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on" scripts/pg.sh start "$dir" | tail -1)
psql -X -q -d "$url" -c "CREATE TABLE j (id bigserial PRIMARY KEY, workspace_id text, kind text, detail_json text, created_at bigint)"
cat >"$dir/plain.sql" <<'SQL'
BEGIN;
INSERT INTO j (workspace_id, kind, detail_json, created_at) VALUES ('w' || :client_id, 'received', '{}', 0);
COMMIT;
SQL
cat >"$dir/notify.sql" <<'SQL'
BEGIN;
WITH a AS (INSERT INTO j (workspace_id, kind, detail_json, created_at) VALUES ('w' || :client_id, 'received', '{}', 0) RETURNING id)
SELECT pg_notify('switchboard_journal', id::text || ' w' || :client_id) FROM a;
COMMIT;
SQL
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $clients clients, $seconds s a run"
for r in $(seq "$rounds"); do
  for kind in plain notify; do
    out=$("$bindir/pgbench" -n -c "$clients" -j 2 -T "$seconds" -M prepared -f "$dir/$kind.sql" "$url" 2>&1)
    tps=$(grep -oP 'tps = \K[0-9.]+' <<<"$out" | head -1); lat=$(grep -oP 'latency average = \K[0-9.]+ ms' <<<"$out")
    echo "$kind: $tps commits/s, latency average $lat (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
