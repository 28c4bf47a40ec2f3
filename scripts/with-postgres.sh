#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL (scripts/pg.sh) and its URL in
# SWITCHBOARD_TEST_POSTGRES_URL; stops it afterwards, whatever the command did.
# `make test` runs the Swift tests through this, so the PostgreSQL tests use a real server.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/sb-pg.XXXXXX)
cleanup() { scripts/pg.sh stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
SWITCHBOARD_TEST_POSTGRES_URL=$(scripts/pg.sh start "$dir")
export SWITCHBOARD_TEST_POSTGRES_URL
"$@"
