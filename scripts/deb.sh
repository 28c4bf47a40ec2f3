#!/usr/bin/env bash
# `make deb`: a Debian package of `make install` (PREFIX=/usr, SYSCONFDIR=/etc), built
# with dpkg-deb. Its Depends are the Debian packages that hold the shared libraries the
# binary, the plugins and the bundled Swift runtime load (found with dpkg -S): runtime
# libraries, never the -dev packages the build needed.
#   BUILD (default .build/release)  OUT (default dist/)  COMPRESS (default xz; none for tests)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-.build/release}
OUT=${OUT:-dist}
COMPRESS=${COMPRESS:-xz}
version=$("$BUILD/switchboard" version | awk '{print $2}')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage PREFIX=/usr SYSCONFDIR=/etc BUILD=$BUILD scripts/install.sh >/dev/null

# Depends: the package of every library a shipped ELF file needs that the package does not ship.
shipped=$(find "$stage" -name '*.so*' -printf '%f\n' | sort -u)
needed=$(find "$stage" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c 'readelf -d "$1" 2>/dev/null | sed -n "s/.*(NEEDED).*\[\(.*\)\]/\1/p"' _ {} \; | sort -u)
deps=()
# Whole outputs into variables, never `producer | reader-that-exits-early`: with pipefail
# the producer's SIGPIPE would end the script.
cache=$(ldconfig -p)
for lib in $needed; do
  grep -qx "$lib" <<<"$shipped" && continue
  path=$(awk -v l="$lib" '$1 == l && /x86-64|aarch64|64bit/ && !found {print $NF; found = 1}' <<<"$cache")
  [ -n "$path" ] || { echo "deb: no system library $lib (needed by the package)" >&2; exit 1; }
  pkg=""
  for candidate in "$path" "$(readlink -f "$path")" "${path/#\/usr\/lib/\/lib}" "${path/#\/lib/\/usr\/lib}"; do
    owners=$(dpkg -S "$candidate" 2>/dev/null || true)
    pkg=${owners%%:*}
    [ -n "$pkg" ] && break
  done
  [ -n "$pkg" ] || { echo "deb: no Debian package owns $path ($lib)" >&2; exit 1; }
  deps+=("$pkg")
done
depends=$(printf '%s\n' "${deps[@]}" | sort -u | paste -sd, | sed 's/,/, /g')
case "$depends" in *-dev*) echo "deb: a -dev package in Depends: $depends" >&2; exit 1 ;; esac

install -d "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: switchboard
Version: $version
Architecture: $arch
Maintainer: Switchboard engineers <engineers@switchboard.invalid>
Installed-Size: $size
Depends: $depends, adduser
Section: net
Priority: optional
Homepage: https://switchboard.invalid
Description: WhatsApp operations for small businesses
 One host process that keeps the channel connections of many businesses
 (workspaces), receives every customer message durably, answers through
 responder plugins (FAQ, human handoff, an LLM tier) and lets agents answer
 together in a shared inbox. Runs as the systemd service switchboard.
CONTROL
(cd "$stage" && find etc -type f -printf '/%p\n' | sort) > "$stage/DEBIAN/conffiles"
cat > "$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if command -v systemd-sysusers >/dev/null 2>&1; then
    systemd-sysusers switchboard.conf
  elif ! getent passwd switchboard >/dev/null; then
    adduser --system --group --home /var/lib/switchboard --no-create-home switchboard
  fi
  chgrp -R switchboard /etc/switchboard && chmod 0750 /etc/switchboard
  [ -e /etc/switchboard/env ] || install -m 0640 -g switchboard /dev/null /etc/switchboard/env
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
    systemctl enable switchboard.service >/dev/null 2>&1 || true
    echo "switchboard: edit /etc/switchboard/, then: systemctl start switchboard"
  fi
fi
POSTINST
cat > "$stage/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
  systemctl stop switchboard.service >/dev/null 2>&1 || true
  systemctl disable switchboard.service >/dev/null 2>&1 || true
fi
PRERM
cat > "$stage/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
# purge removes the config; the database in /var/lib/switchboard is kept (delete it yourself).
if [ "$1" = purge ]; then rm -rf /etc/switchboard; fi
POSTRM
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"
mkdir -p "$OUT"
deb=$OUT/switchboard_${version}_${arch}.deb
dpkg-deb --root-owner-group -Z"$COMPRESS" --build "$stage" "$deb" >/dev/null
echo "$deb"
