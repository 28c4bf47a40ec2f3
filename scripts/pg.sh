#!/usr/bin/env bash
# A throwaway PostgreSQL for tests (Debian's postgresql package: initdb and pg_ctl), in a
# folder of its own, listening only on a Unix socket in that folder.
#   scripts/pg.sh start DIR   creates and starts a cluster in DIR; prints its URL
#   scripts/pg.sh stop DIR    stops it (the folder stays until you delete it)
#   scripts/pg.sh resume DIR  starts a cluster stopped with `stop` again, on the same port
#                             and with its data (a test of the database going away)
# PG_EXTRA_OPTS: more server options for start and resume, after the defaults (later ones win), e.g.
# "-c fsync=on -c synchronous_commit=on" for a benchmark (bench/loadgen --store postgres).
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user
# (made by the package); the database user is `switchboard`, trusted on the socket only.
set -euo pipefail
action=${1:-}; dir=${2:-}
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: scripts/pg.sh start|stop|resume DIR" >&2; exit 2; }
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "pg: initdb not found; install Debian's postgresql package (scripts/deps.sh test)" >&2; exit 1; }
as=()
if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
# Starts the cluster in $dir/data on port $1, on its socket in $dir only.
serve() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -p $1 -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTS:-}" \
    start >"$dir/pg_ctl.log" 2>&1 || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2; exit 1; }
}
case "$action" in
  start)
    mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
    if [ -s "$dir/port" ] && "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      echo "postgresql://switchboard@/switchboard?host=$dir&port=$(cat "$dir/port")"; exit 0
    fi
    rm -rf "$dir/data"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    "${as[@]}" "$bindir/initdb" -D "$dir/data" -U switchboard --auth=trust --encoding=UTF8 --no-locale -N >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(( 20000 + RANDOM % 30000 ))
    serve "$port"
    echo "$port" | "${as[@]}" tee "$dir/port" >/dev/null
    "${as[@]}" "$bindir/createdb" -h "$dir" -p "$port" -U switchboard switchboard
    echo "postgresql://switchboard@/switchboard?host=$dir&port=$port"
    ;;
  resume)
    dir=$(cd "$dir" && pwd)
    [ -d "$dir/data" ] && [ -s "$dir/port" ] || { echo "pg: no stopped cluster in $dir (scripts/pg.sh start makes one)" >&2; exit 1; }
    port=$(cat "$dir/port")
    if ! "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      serve "$port"
    fi
    echo "postgresql://switchboard@/switchboard?host=$dir&port=$port"
    ;;
  stop)
    [ -d "$dir/data" ] || exit 0
    "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: scripts/pg.sh start|stop|resume DIR" >&2; exit 2 ;;
esac
