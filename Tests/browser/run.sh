#!/usr/bin/env bash
# Browser tests: the inbox and the web chat pages in headless Chromium, driven by Selenium
# (Debian's chromium, chromium-driver, python3-selenium, python3-pytest; scripts/deps.sh test).
#
#   Tests/browser/run.sh                   every browser test
#   Tests/browser/run.sh -m "not backend"  only the pages: no inbox API, auth or chat endpoints
#   Tests/browser/run.sh -m "not chat"     all but the web chat walk (needs the chat endpoints)
#   Tests/browser/run.sh -k walk -x        any pytest arguments
#
# Accessibility: axe-core (axe-selenium-python, installed once into .build/browser-venv).
# Starts the real `switchboard serve` ($SWITCHBOARD_BIN, default .build/debug/switchboard)
# on port 0 with a temporary config (workspaces `demo`, the bakery of config/, with a
# WhatsApp number whose Graph API is a local fake, and `other`),
# adds one agent per workspace with `switchboard user add`, runs pytest against it, stops
# the server and exits with pytest's status. Screenshots and the server log go to
# test-output/browser/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${SWITCHBOARD_BIN:-$root/.build/debug/switchboard}
out=$root/test-output/browser
[ -x "$bin" ] || { echo "browser tests: no switchboard binary at $bin (swift build, or set SWITCHBOARD_BIN)" >&2; exit 2; }
/usr/bin/python3 -c 'import selenium, pytest' 2>/dev/null || {
  echo "browser tests: /usr/bin/python3 cannot import selenium and pytest (scripts/deps.sh test installs python3-selenium, python3-pytest)" >&2; exit 2; }
# Accessibility is checked with axe-core, which the PyPI package axe-selenium-python bundles
# (axe.min.js): it goes into a venv of its own beside the build (.build/browser-venv) that
# sees Debian's selenium and pytest (--system-site-packages; --no-deps keeps them), made once.
python=${PYTHON:-}
if [ -z "$python" ]; then
  venv=${SB_BROWSER_VENV:-$root/.build/browser-venv}
  if ! "$venv/bin/python" -c 'import axe_selenium_python, selenium, pytest' 2>/dev/null; then
    echo "browser tests: making $venv with axe-selenium-python" >&2
    /usr/bin/python3 -m venv --system-site-packages "$venv" >&2 \
      && "$venv/bin/pip" install -q --disable-pip-version-check --no-deps 'axe-selenium-python==2.1.6' >&2 || {
      echo "browser tests: could not install axe-selenium-python into $venv (python3-venv and the package index needed once)" >&2; exit 2; }
  fi
  python=$venv/bin/python
fi
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sb-browser.XXXXXX")
pid=""
graph_pid=""
stop() {
  if [ -n "$graph_pid" ]; then kill -TERM "$graph_pid" 2>/dev/null || true; wait "$graph_pid" 2>/dev/null || true; fi
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

# A fake of the WhatsApp Cloud API for the demo workspace's number (Tests/browser/fake_graph.py).
"$python" "$root/Tests/browser/fake_graph.py" > "$tmp/graph.out" 2>&1 &
graph_pid=$!
graph_port=""
for _ in $(seq 1 100); do
  graph_port=$(sed -nE 's/^fake graph listening ([0-9]+)$/\1/p' "$tmp/graph.out")
  [ -n "$graph_port" ] && break
  sleep 0.1
done
[ -n "$graph_port" ] || { echo "browser tests: the fake Graph API did not start: $(cat "$tmp/graph.out")" >&2; exit 2; }

mkdir -p "$tmp/workspaces"
# The demo's llm plugin reads config/knowledge/ relative to the working directory: made
# absolute, so this script runs from anywhere. (No model server runs: it hands off.)
sed "s#config/knowledge/#$root/config/knowledge/#g" "$root/config/workspaces/demo.yaml" > "$tmp/workspaces/demo.yaml"
cat > "$tmp/workspaces/other.yaml" <<'YAML'
id: other
name: Other Business
region: NG
timezone: Africa/Lagos
chat_language: es          # its web chat is in Spanish, whatever the browser prefers
plugins:
  - name: handoff
    config:
      keywords: ["human"]
YAML
cat > "$tmp/switchboard.yaml" <<YAML
server:
  listen: 127.0.0.1:0
  metrics_listen: off
storage:
  sqlite: $tmp/switchboard.db
log:
  level: info
  format: json
plugins:
  path: [$(dirname "$bin")]
workspaces:
  dir: $tmp/workspaces
whatsapp:
  apps:
    - id: browser
      app_secret: browser-test-app-secret
      verify_token: browser-test-verify-token
      graph_url: http://127.0.0.1:$graph_port/v21.0
media:
  max_upload_bytes: 8388608   # 8 MiB: an upload over it is refused (test_templates_media.py)
channels:
  - id: wa-demo
    type: whatsapp
    app: browser
    phone_number_id: "106540352242922"
    access_token: browser-test-access-token
    waba_id: "102290129340398"
    workspace: demo
  - id: web-demo
    type: webchat
    workspace: demo
  - id: web-other
    type: webchat
    workspace: other
YAML
if ! "$bin" check --config "$tmp/switchboard.yaml" > "$tmp/check.out" 2>&1; then
  echo "browser tests: the test config is refused:" >&2; cat "$tmp/check.out" >&2; exit 2
fi

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
# And an admin of demo (canned replies, labels, reports).
export SB_DEMO_EMAIL=ada@demo.test SB_OTHER_EMAIL=otto@other.test SB_PASSWORD='correct horse battery staple'
export SB_DEMO_ADMIN_EMAIL=ava@demo.test
for who in demo:$SB_DEMO_EMAIL:agent other:$SB_OTHER_EMAIL:agent demo:$SB_DEMO_ADMIN_EMAIL:admin; do
  IFS=: read -r ws email role <<< "$who"
  if ! printf '%s\n' "$SB_PASSWORD" | "$bin" user add --config "$tmp/switchboard.yaml" --workspace "$ws" \
      --email "$email" --role "$role" --password-stdin > "$tmp/user-$ws-$role.out" 2>&1; then
    echo "browser tests: could not add $email to $ws: $(cat "$tmp/user-$ws-$role.out")" >&2
  fi
done

# An operator of the host, for the onboarding walk (Tests/browser/test_onboarding.py).
if "$bin" operator add --config "$tmp/switchboard.yaml" --email ops@agency.test > "$tmp/operator.out" 2>&1; then
  export SB_OPERATOR_TOKEN=$(tail -1 "$tmp/operator.out")
else
  echo "browser tests: could not add an operator: $(cat "$tmp/operator.out")" >&2
fi
export SB_CONFIG="$tmp/switchboard.yaml" SB_BIN="$bin"

export PYTHONDONTWRITEBYTECODE=1
export SB_BASE_URL="http://127.0.0.1:$port" SB_OUTPUT="$out" SB_SERVER_LOG="$tmp/server.log"
export SB_GRAPH_URL="http://127.0.0.1:$graph_port" SB_WA_APP=browser SB_WA_APP_SECRET=browser-test-app-secret
export SB_WA_PHONE_NUMBER_ID=106540352242922 SB_DATABASE="$tmp/switchboard.db"
echo "browser tests: switchboard on $SB_BASE_URL (pid $pid); output in $out" >&2
set +e
cd "$root"
"$python" -m pytest -p no:cacheprovider -q --tb=short -rfEs "$root/Tests/browser" "$@"
status=$?
set -e
exit $status
