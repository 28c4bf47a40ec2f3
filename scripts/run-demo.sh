#!/usr/bin/env bash
# `make run`: starts the host on the embedded default (config/switchboard.yaml, SQLite
# under data/). The first time, it creates the demo agent of workspace `demo` with a
# random password, kept in data/demo-agent.txt (data/ is not in git) and printed on
# every start, so a newcomer can open the inbox at once.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SWITCHBOARD_BIN:-.build/release/switchboard}
mkdir -p data
creds=data/demo-agent.txt
if [ ! -s "$creds" ]; then
  password=$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 16)
  if printf '%s\n' "$password" | "$bin" user add --workspace demo --email agent@demo.test --role agent --password-stdin >/dev/null; then
    printf 'email: agent@demo.test\npassword: %s\nworkspace: demo\n' "$password" > "$creds"
  else
    echo "run: could not create the demo agent (see above); the host starts anyway" >&2
  fi
fi
listen=$(sed -n 's/^  listen: *//p' config/switchboard.yaml | head -1)
cat <<MSG
------------------------------------------------------------------------------
 Switchboard demo on http://${listen:-127.0.0.1:8080}
   web chat (the customer):  http://${listen:-127.0.0.1:8080}/chat/demo
   inbox (the agents):       http://${listen:-127.0.0.1:8080}/inbox/
$( [ -s "$creds" ] && sed 's/^/     /' "$creds" )
------------------------------------------------------------------------------
MSG
exec "$bin" serve --config config/switchboard.yaml
