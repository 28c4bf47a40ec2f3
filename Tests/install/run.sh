#!/usr/bin/env bash
# make install and make deb, checked the way a server would see them (part of make test).
# Uses the debug build make test already made (BUILD=.build/debug), so no release build.
#  1. scripts/install.sh into a scratch DESTDIR: every file where the README says; the
#     binary and plugins load their Swift runtime from the installed tree (ldd, never the
#     toolchain); the installed config passes `switchboard check` and finds the installed
#     plugins; the man page and the bash completion work; systemd-analyze verify accepts
#     the unit (where systemd-analyze exists).
#  2. scripts/deb.sh: the package's control names runtime libraries only (no -dev), its
#     files extracted into another scratch root equal the install's, config files are
#     conffiles, and the maintainer scripts are valid sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-.build/debug}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "install test: FAIL: $*" >&2; exit 1; }
pass=0; ok() { pass=$((pass + 1)); }

root=$work/root
DESTDIR=$root PREFIX=/usr SYSCONFDIR=/etc BUILD=$BUILD scripts/install.sh >/dev/null

for f in usr/bin/switchboard usr/lib/switchboard/plugins/libfaq.so usr/lib/switchboard/plugins/libhandoff.so \
         usr/lib/switchboard/plugins/libllm.so usr/include/switchboard/switchboard_plugin.h \
         usr/share/man/man1/switchboard.1.gz usr/share/bash-completion/completions/switchboard \
         usr/lib/systemd/system/switchboard.service usr/lib/sysusers.d/switchboard.conf \
         etc/switchboard/switchboard.yaml etc/switchboard/workspaces/demo.yaml etc/switchboard/knowledge/demo.md \
         usr/share/doc/switchboard/README.md; do
  [ -s "$root/$f" ] || fail "missing /$f"
done; ok
[ -x "$root/usr/bin/switchboard" ] || fail "/usr/bin/switchboard is not executable"; ok

# The Swift runtime comes from the installed tree, whatever the toolchain's place.
for elf in usr/bin/switchboard usr/lib/switchboard/plugins/libfaq.so usr/lib/switchboard/plugins/libllm.so; do
  out=$(ldd "$root/$elf")
  grep -q "not found" <<<"$out" && fail "$elf: unresolved libraries: $(grep 'not found' <<<"$out")"
  swift_libs=$(grep -E 'libswiftCore|libFoundation\.so' <<<"$out" || true)
  [ -n "$swift_libs" ] || fail "$elf: no Swift runtime in ldd output"
  grep -v -q -E "=> $root/usr/(bin/../lib/switchboard/swift|lib/switchboard/swift|lib/switchboard/plugins/../swift)/" <<<"$swift_libs" && fail "$elf: Swift runtime loaded from outside the install: $swift_libs"
done; ok
version=$("$root/usr/bin/switchboard" version) || fail "installed binary does not run"
[[ "$version" == "switchboard "[0-9]* ]] || fail "installed binary says '$version'"; ok

# The installed config points at the server's paths and is valid there (rebased into the root).
conf=$root/etc/switchboard/switchboard.yaml
grep -q '^  sqlite: /var/lib/switchboard/switchboard.db' "$conf" || fail "storage.sqlite not /var/lib/switchboard"
grep -q '^  dir: /etc/switchboard/workspaces' "$conf" || fail "workspaces.dir not /etc/switchboard/workspaces"
grep -q '^  path: \[/usr/lib/switchboard/plugins\]' "$conf" || fail "plugins.path not /usr/lib/switchboard/plugins"
grep -q '/etc/switchboard/knowledge/demo.md' "$root/etc/switchboard/workspaces/demo.yaml" || fail "knowledge path not rebased"
ok
mkdir -p "$root/var/lib/switchboard"
sed -e "s|/var/lib/switchboard|$root/var/lib/switchboard|; s|/etc/switchboard|$root/etc/switchboard|; s|\[/usr/lib/switchboard/plugins\]|[$root/usr/lib/switchboard/plugins]|" \
  "$conf" > "$work/rebased.yaml"
sed -i "s|/etc/switchboard/knowledge|$root/etc/switchboard/knowledge|" "$root/etc/switchboard/workspaces/demo.yaml"
"$root/usr/bin/switchboard" check --config "$work/rebased.yaml" >/dev/null || fail "installed config does not pass check"
plugins=$("$root/usr/bin/switchboard" plugins --config "$work/rebased.yaml")
for p in faq handoff llm; do
  grep -q "$root/usr/lib/switchboard/plugins/lib$p.so" <<<"$plugins" || fail "plugin $p not loaded from the install: $plugins"
done; ok

# Man page and completion.
# (Read from files, not pipes: with pipefail, `zcat | grep -q` fails with SIGPIPE once
# grep stops reading a page longer than the pipe's buffer.)
zcat "$root/usr/share/man/man1/switchboard.1.gz" > "$work/man.roff"
grep -q '^\.TH SWITCHBOARD 1' "$work/man.roff" || fail "man page has no .TH"
for c in serve backup reload contact; do grep -q "^\.B $c\$" "$work/man.roff" || fail "man page lacks $c"; done
if command -v man >/dev/null; then
  problems=$(MANWIDTH=80 man -l "$root/usr/share/man/man1/switchboard.1.gz" 2>&1 >/dev/null || true)
  [ -z "$problems" ] || fail "man reports problems with the page: $problems"
fi
ok
words=$(bash -c "source '$root/usr/share/bash-completion/completions/switchboard'; COMP_WORDS=(switchboard ba); COMP_CWORD=1; _switchboard; echo \${COMPREPLY[@]}")
[ "$words" = backup ] || fail "completion of 'ba' gave '$words'"
words=$(bash -c "source '$root/usr/share/bash-completion/completions/switchboard'; COMP_WORDS=(switchboard backup --f); COMP_CWORD=2; _switchboard; echo \${COMPREPLY[@]}")
[ "$words" = --force ] || fail "completion of 'backup --f' gave '$words'"
ok

# The unit: what the issue asks of it, and systemd's own check.
unit=$root/usr/lib/systemd/system/switchboard.service
for line in 'Type=notify' 'User=switchboard' 'StateDirectory=switchboard' 'ProtectSystem=strict' \
            'ExecStart=/usr/bin/switchboard serve --config /etc/switchboard/switchboard.yaml' 'ExecReload=' 'WatchdogSec='; do
  grep -q "^$line" "$unit" || fail "unit lacks $line"
done; ok
if command -v systemd-analyze >/dev/null; then
  # The unit as installed, its paths pointed into the scratch root (verify checks that
  # every command exists); the documentation link is not a man page on this machine.
  mkdir -p "$work/unit"
  sed "s|/usr/bin/switchboard|$root/usr/bin/switchboard|g" "$unit" > "$work/unit/switchboard.service"
  out=$(systemd-analyze verify --man=no "$work/unit/switchboard.service" 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  ok
else
  echo "install test: systemd-analyze not here; unit not verified"
fi

# The Debian package.
deb=$(OUT=$work/dist COMPRESS=none BUILD=$BUILD scripts/deb.sh)
[ -s "$deb" ] || fail "no package built"
info=$(dpkg-deb -f "$deb" Package Version Architecture Depends)
grep -q '^Package: switchboard' <<<"$info" || fail "package name: $info"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q -- '-dev' <<<"$depends" && fail "Depends names a -dev package: $depends"
for lib in libsqlite3 libcurl libyaml libmicrohttpd libphonenumber; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done; ok
x=$work/x
dpkg-deb -x "$deb" "$x"
diff <(cd "$root" && find . -type f | grep -v -e '^./var/' | sort) <(cd "$x" && find . -type f | sort) >/dev/null \
  || fail "package files differ from make install's: $(diff <(cd "$root" && find . -type f | grep -v '^./var/' | sort) <(cd "$x" && find . -type f | sort) | head)"
ok
dpkg-deb -e "$deb" "$work/ctl"
grep -qx '/etc/switchboard/switchboard.yaml' "$work/ctl/conffiles" || fail "switchboard.yaml is not a conffile"
for s in postinst prerm postrm; do sh -n "$work/ctl/$s" || fail "$s is not valid sh"; done; ok
"$x/usr/bin/switchboard" version >/dev/null || fail "the packaged binary does not run"; ok
echo "install test: $pass checks passed ($(basename "$deb"), Depends: $depends)"
