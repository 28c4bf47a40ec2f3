#!/usr/bin/env bash
# `make install`: puts a built host where a server expects it.
#   PREFIX     (default /usr)   binary in PREFIX/bin, plugins in PREFIX/lib/switchboard/plugins,
#                               SDK header in PREFIX/include/switchboard, man page, bash
#                               completion, systemd unit and sysusers file under PREFIX/lib.
#   SYSCONFDIR (default /etc)   the config in SYSCONFDIR/switchboard (kept if already there).
#   DESTDIR    (default empty)  a staging root (packaging, tests): nothing outside it is touched.
#   BUILD      (default .build/release) where the built binary and plugins are.
# The Swift runtime the binary and plugins need is copied into PREFIX/lib/switchboard/swift
# and their RUNPATH points there, so the server needs no Swift toolchain: only the Debian
# runtime libraries (scripts/deb.sh lists them as the package's dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr}
SYSCONFDIR=${SYSCONFDIR:-/etc}
DESTDIR=${DESTDIR:-}
BUILD=${BUILD:-.build/release}
plugins=(faq handoff llm)

for f in "$BUILD/switchboard" "${plugins[@]/#/$BUILD/lib}"; do
  f=${f%.so}; [ -e "$f" ] || [ -e "$f.so" ] || { echo "install: $f(.so) is missing; build first (make release)" >&2; exit 1; }
done
command -v patchelf >/dev/null || { echo "install: patchelf is missing (scripts/deps.sh install installs it)" >&2; exit 1; }

root=$DESTDIR
bindir=$root$PREFIX/bin
libdir=$root$PREFIX/lib/switchboard
etc=$root$SYSCONFDIR/switchboard
install -d "$bindir" "$libdir/plugins" "$libdir/swift" "$root$PREFIX/include/switchboard" \
  "$root$PREFIX/share/man/man1" "$root$PREFIX/share/bash-completion/completions" \
  "$root$PREFIX/lib/systemd/system" "$root$PREFIX/lib/sysusers.d" "$root$PREFIX/share/doc/switchboard" \
  "$etc/workspaces" "$etc/knowledge"

install -m 0755 "$BUILD/switchboard" "$bindir/switchboard"
for p in "${plugins[@]}"; do install -m 0644 "$BUILD/lib$p.so" "$libdir/plugins/lib$p.so"; done

# The Swift runtime: every library ldd resolves inside the toolchain, next to each other.
toolchain_libs() { ldd "$1" | awk '$3 ~ /^\// {print $3}' | grep -E '/swift/|/usr/lib/swift' || true; }
{ toolchain_libs "$BUILD/switchboard"; for p in "${plugins[@]}"; do toolchain_libs "$BUILD/lib$p.so"; done; } \
  | sort -u | while read -r lib; do install -m 0644 "$lib" "$libdir/swift/$(basename "$lib")"; done
patchelf --set-rpath "\$ORIGIN/../lib/switchboard/swift" "$bindir/switchboard"
for p in "${plugins[@]}"; do patchelf --set-rpath "\$ORIGIN/../swift" "$libdir/plugins/lib$p.so"; done
for lib in "$libdir"/swift/*.so*; do patchelf --set-rpath "\$ORIGIN" "$lib"; done

install -m 0644 plugin-sdk/include/switchboard_plugin.h "$root$PREFIX/include/switchboard/"
install -m 0644 README.md docs/*.md "$root$PREFIX/share/doc/switchboard/"
# The man page and completion come from the binary's own command table.
"$BUILD/switchboard" manpage | gzip -9n > "$root$PREFIX/share/man/man1/switchboard.1.gz"
"$BUILD/switchboard" completion bash > "$root$PREFIX/share/bash-completion/completions/switchboard"
sed "s|@BINDIR@|$PREFIX/bin|g" packaging/switchboard.service > "$root$PREFIX/lib/systemd/system/switchboard.service"
install -m 0644 packaging/switchboard.sysusers "$root$PREFIX/lib/sysusers.d/switchboard.conf"

# The config: the project's own, with server paths. An existing one is never overwritten.
conf=$etc/switchboard.yaml
if [ -e "$conf" ]; then
  echo "install: $conf exists; kept (the shipped one is $conf.dist)" >&2
  conf=$conf.dist
fi
sed -e "s|^  sqlite: data/switchboard.db|  sqlite: /var/lib/switchboard/switchboard.db|" \
    -e "s|^  dir: config/workspaces|  dir: $SYSCONFDIR/switchboard/workspaces|" \
    -e "s|^  path: \[.build/release, /usr/lib/switchboard/plugins\]|  path: [$PREFIX/lib/switchboard/plugins]|" \
    -e "s|^  # file: logs/switchboard.log|  # file: /var/log/switchboard/switchboard.log|" \
    config/switchboard.yaml > "$conf"
for w in config/workspaces/*.yaml; do
  dest=$etc/workspaces/$(basename "$w"); [ -e "$dest" ] && dest=$dest.dist
  sed "s|config/knowledge/|$SYSCONFDIR/switchboard/knowledge/|g" "$w" > "$dest"
done
for k in config/knowledge/*; do
  dest=$etc/knowledge/$(basename "$k"); [ -e "$dest" ] && dest=$dest.dist
  install -m 0644 "$k" "$dest"
done
echo "installed switchboard into ${DESTDIR:-/}: $PREFIX/bin/switchboard, plugins in $PREFIX/lib/switchboard/plugins, config in $SYSCONFDIR/switchboard"
