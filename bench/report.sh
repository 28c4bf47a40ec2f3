#!/usr/bin/env bash
# The daily report over a large journal: GET /api/v1/reports/daily on a workspace whose
# journal holds N conversations' events over 30 days (each: received, queued, sent, and
# for one in five a handoff and an agent's reply), written straight into SQLite, then
# asked of the real `switchboard serve` with an API token; prints the wall time of each
# request (curl) for the 30 days and for one day.
#
#   bench/report.sh [N]          N conversations (default 100000: about 620,000 events)
#
# Uses $SWITCHBOARD_BIN (default .build/release/switchboard, else .build/debug/switchboard).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
bin=${SWITCHBOARD_BIN:-$root/.build/release/switchboard}
[ -x "$bin" ] || bin=$root/.build/debug/switchboard
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sb-report.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
mkdir -p "$tmp/workspaces"
cat > "$tmp/workspaces/bench.yaml" <<'YAML'
id: bench
name: Bench
region: NG
timezone: Africa/Lagos
YAML
cat > "$tmp/switchboard.yaml" <<YAML
server:
  listen: 127.0.0.1:0
  metrics_listen: off
storage:
  sqlite: $tmp/switchboard.db
  durability: normal
log:
  level: info
workspaces:
  dir: $tmp/workspaces
YAML
token=$("$bin" token create --config "$tmp/switchboard.yaml" --workspace bench --name bench | tail -1)
now_ms=$(( $(date +%s) * 1000 ))
start_ms=$(( now_ms - 29 * 86400000 ))
step=$(( 29 * 86400000 / n ))
sqlite3 "$tmp/switchboard.db" <<SQL
PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE i(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM i WHERE k + 1 < $n)
INSERT INTO contacts (id, workspace_id, e164, created_at) SELECT 'ct' || k, 'bench', '+234' || (8030000000 + k), $start_ms + k * $step FROM i;
WITH RECURSIVE i(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM i WHERE k + 1 < $n)
INSERT INTO conversations (id, workspace_id, channel_id, contact_id, state, created_at, updated_at)
SELECT 'cv' || k, 'bench', CASE k % 3 WHEN 0 THEN 'web' ELSE 'wa' END, 'ct' || k, 'bot', $start_ms + k * $step, $start_ms + k * $step FROM i;
WITH RECURSIVE i(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM i WHERE k + 1 < $n),
e(kind, detail, dt, every) AS (VALUES
  ('received', '{"kind":"text"}', 0, 1), ('routed', '{"by":"recipient"}', 1, 1), ('verdict', '{"verdict":"reply"}', 2, 1),
  ('queued', '{"in_reply_to":"m"}', 3, 1), ('attempt', '{}', 4, 1), ('sent', '{}', 5, 1),
  ('state_changed', '{"from":"bot","to":"human","trigger":"handoff"}', 6, 5), ('queued', '{"author":"usr_1"}', 60000, 5))
INSERT INTO events (workspace_id, conversation_id, channel_id, kind, detail_json, created_at)
SELECT 'bench', 'cv' || k, CASE k % 3 WHEN 0 THEN 'web' ELSE 'wa' END, kind, detail, $start_ms + k * $step + dt
FROM i JOIN e ON k % every = 0 ORDER BY $start_ms + k * $step + dt;
COMMIT;
SQL
events=$(sqlite3 "$tmp/switchboard.db" "SELECT count(*) FROM events")
"$bin" serve --config "$tmp/switchboard.yaml" 2> "$tmp/server.log" &
pid=$!
port=""
for _ in $(seq 1 300); do
  port=$(grep '"message":"http server listening"' "$tmp/server.log" 2>/dev/null | head -1 | sed -nE 's/.*"port":"?([0-9]+).*/\1/p' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
echo "journal: $events events, $n conversations over 30 days; binary $bin"
today=$(TZ=Africa/Lagos date +%F)
first=$(TZ=Africa/Lagos date -d '-29 days' +%F)
for range in "from=$first&to=$today" "from=$today&to=$today" "from=$first&to=$today&format=csv"; do
  for run in 1 2 3; do
    curl -s -o /dev/null -w "GET /api/v1/reports/daily?$range: %{http_code} in %{time_total} s\n" \
      -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/reports/daily?$range"
  done
done
