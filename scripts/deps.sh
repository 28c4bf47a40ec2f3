#!/usr/bin/env bash
# The one list of Debian packages Switchboard needs. `make run` and `make test` (and so
# .ci/run) call this first; it installs only what is missing.
#   run: the C libraries the host links against.
#   test: the same, plus what the test suite drives (cc for the C plugin example,
#         chromium and its driver for the browser tests, python3 for Selenium).
#   install: what `make install` and `make deb` add (patchelf).
#   llm: what `make llm-local` needs to build llama.cpp from source (not make test).
set -euo pipefail
want=(libsqlite3-dev libssl-dev libcurl4-openssl-dev libyaml-dev libmicrohttpd-dev libphonenumber-dev libpq-dev pkg-config)
if [ "${1:-run}" = test ]; then
  want+=(gcc make python3 python3-venv curl chromium chromium-driver python3-selenium python3-pytest patchelf postgresql)
fi
if [ "${1:-run}" = install ]; then   # make install / make deb: RUNPATH of the installed files
  want+=(patchelf)
fi
if [ "${1:-run}" = llm ]; then   # scripts/llm/local.sh: builds llama.cpp from source in a venv
  want+=(python3 python3-venv python3-dev cmake g++ make curl)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-upgrade "${missing[@]}" >/dev/null
fi
