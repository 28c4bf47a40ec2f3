#!/usr/bin/env bash
# Browser tests: the inbox and the web chat pages in headless Chromium, driven by Selenium
# (Debian's chromium, chromium-driver, python3-selenium, python3-pytest; scripts/deps.sh test).
#
#   Tests/browser/run.sh                  every browser test
#   Tests/browser/run.sh -m "not backend" only those that need no inbox API, auth or chat endpoints
#   Tests/browser/run.sh -k walk -x       any pytest arguments
#
# Starts the real `switchboard serve` ($SWITCHBOARD_BIN, default .build/debug/switchboard)
# on port 0 with a temporary config (workspaces `demo`, the bakery of config/, and `other`),
# adds one agent per workspace with `switchboard user add`, runs pytest against it, stops
# the server and exits with pytest's status. Screenshots and the server log go to
# test-output/browser/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SWITCHBOARD_BIN:-$root/.build/debug/switchboard}
python=${PYTHON:-/usr/bin/python3}   # Debian's: where python3-selenium is installed
out=$root/test-output/browser
[ -x "$bin" ] || { echo "browser tests: no switchboard binary at $bin (swift build, or set SWITCHBOARD_BIN)" >&2; exit 2; }
"$python" -c 'import selenium, pytest' 2>/dev/null || {
  echo "browser tests: $python cannot import selenium and pytest (scripts/deps.sh test installs python3-selenium, python3-pytest)" >&2; exit 2; }
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sb-browser.XXXXXX")
pid=""
stop() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  [ -f "$tmp/server.log" ] && cp "$tmp/server.log" "$out/server.log"
  rm -rf "$tmp"
}
trap stop EXIT

mkdir -p "$tmp/workspaces"
cp "$root/config/workspaces/demo.yaml" "$tmp/workspaces/demo.yaml"
cat > "$tmp/workspaces/other.yaml" <<'YAML'
id: other
name: Other Business
region: NG
timezone: Africa/Lagos
plugins:
  - name: handoff
    config:
      keywords: ["human"]
YAML
cat > "$tmp/switchboard.yaml" <<YAML
server:
  listen: 127.0.0.1:0
storage:
  sqlite: $tmp/switchboard.db
log:
  level: info
  format: json
plugins:
  path: [$(dirname "$bin")]
workspaces:
  dir: $tmp/workspaces
YAML

"$bin" serve --config "$tmp/switchboard.yaml" 2> "$tmp/server.log" > "$tmp/server.out" &
pid=$!
port=""
for _ in $(seq 1 300); do
  port=$(grep '"message":"http server listening"' "$tmp/server.log" 2>/dev/null | head -1 | sed -nE 's/.*"port":"?([0-9]+).*/\1/p' || true)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "browser tests: switchboard serve exited:" >&2; cat "$tmp/server.log" >&2; exit 2; }
  sleep 0.1
done
[ -n "$port" ] || { echo "browser tests: no 'http server listening' line within 30 s" >&2; cat "$tmp/server.log" >&2; exit 2; }

# One agent per workspace, as an operator would add them (the server is running: the
# workspaces are synchronised). Without the command (before the auth branch), the tests
# that log in fail and say so; the others still run.
export SB_DEMO_EMAIL=ada@demo.test SB_OTHER_EMAIL=otto@other.test SB_PASSWORD='correct horse battery staple'
for ws in demo other; do
  if [ "$ws" = demo ]; then email=$SB_DEMO_EMAIL; else email=$SB_OTHER_EMAIL; fi
  if ! printf '%s\n' "$SB_PASSWORD" | "$bin" user add --config "$tmp/switchboard.yaml" --workspace "$ws" \
      --email "$email" --role agent --password-stdin > "$tmp/user-$ws.out" 2>&1; then
    echo "browser tests: could not add $email to $ws: $(cat "$tmp/user-$ws.out")" >&2
  fi
done

export SB_BASE_URL="http://127.0.0.1:$port" SB_OUTPUT="$out" SB_SERVER_LOG="$tmp/server.log"
echo "browser tests: switchboard on $SB_BASE_URL (pid $pid); output in $out" >&2
set +e
cd "$root"
"$python" -m pytest -p no:cacheprovider -q -rfEs "$root/Tests/browser" "$@"
status=$?
set -e
exit $status
