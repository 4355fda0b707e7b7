#!/usr/bin/env bash
# The Debian packages, end to end, from an already built tree:
#   1. cpack -G DEB makes vigil and vigil-dev;
#   2. their contents and control fields are what docs/installing.md says
#      (binary, multiarch plugins, units, sysusers.d, man page, completion,
#      examples, the conffile, dependencies from dpkg-shlibdeps, no unit
#      enabled by a maintainer script);
#   3. unpacked, the binary finds its plugins and runs a real scan, the
#      starter configuration loads, the units pass `systemd-analyze verify`
#      and its offline security review, sysusers.d creates the user, the
#      manual page renders without warnings and the completion completes;
#   4. lintian finds no error in either package, and does find one in a
#      package deliberately broken, so its silence means something.
#
#   package_test.sh BUILD_DIR SOURCE_DIR
# Needs dpkg-dev, lintian, systemd, man-db and bash-completion
# (scripts/install-deps installs them). VIGIL_KEEP_SCRATCH=1 keeps the
# scratch directory.
set -euo pipefail

build=$(cd "${1:?usage: package_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
src=$(cd "${2:?usage: package_test.sh BUILD_DIR SOURCE_DIR}" && pwd)
# shellcheck source=../support/script_helpers.sh
source "$(dirname "$0")/../support/script_helpers.sh"
make_scratch vigil-package-test

for tool in cpack dpkg-deb dpkg-shlibdeps lintian systemd-analyze systemd-sysusers man; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps installs it)"
done
[ -f /usr/share/bash-completion/bash_completion ] || fail "bash-completion is not installed"
unset VIGIL_PLUGIN_PATH
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)

step "cpack -G DEB"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
    { cat "$scratch/cpack.log"; fail "cpack failed"; }
changelog_version=$(sed -n '1s/^vigil (\([^)]*\)).*/\1/p' "$src/packaging/debian/changelog")
[ -n "$changelog_version" ] || fail "no version on the first line of packaging/debian/changelog"
deb=$scratch/out/vigil_${changelog_version}_$arch.deb
dev=$scratch/out/vigil-dev_${changelog_version}_$arch.deb
[ -f "$deb" ] && [ -f "$dev" ] ||
    fail "expected $(basename "$deb") and $(basename "$dev") (the version of packaging/debian/changelog), got: $(ls "$scratch/out")"

step "contents of vigil"
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/vigil \
    ./usr/lib/$multiarch/vigil/plugins/vigil_{status_json,status_json_v1,sha256,gzip,soci,email,webhook}.so \
    ./usr/lib/systemd/system/vigil-scan.service ./usr/lib/systemd/system/vigil-scan.timer \
    ./usr/lib/sysusers.d/vigil.conf ./usr/share/man/man1/vigil.1.gz \
    ./usr/share/bash-completion/completions/vigil ./etc/vigil/vigil.yaml \
    ./usr/share/doc/vigil/{copyright,changelog.Debian.gz,README.md} \
    ./usr/share/doc/vigil/examples/{vigil.yaml,vigil-postgresql.yaml} \
    ./usr/share/doc/vigil/docs/{storage-layout,report-format,scan,records,notifications,configuration,installing,operating,behaviour}.md \
    ./usr/share/doc/vigil/plugins/notifiers/README.md; do
    grep -qxF "$path" <<<"$files" || fail "vigil lacks $path"
done
stray=$(grep -E '^\./(usr/local|usr/include|etc/systemd|var|home|root|tmp)/' <<<"$files" || true)
[ -z "$stray" ] || fail "vigil holds files it must not: $stray"

step "contents of vigil-dev"
dev_files=$(dpkg-deb -c "$dev" | awk '{print $6}')
for path in ./usr/include/vigil/{plugin.h,plugin.hpp,types.hpp,timestamp.hpp} \
    ./usr/lib/$multiarch/cmake/VigilSDK/VigilSDKConfig.cmake ./usr/share/doc/vigil/sdk/README.md \
    ./usr/share/doc/vigil-dev/{copyright,changelog.Debian.gz}; do
    grep -qxF "$path" <<<"$dev_files" || fail "vigil-dev lacks $path"
done
overlap=$(comm -12 <(grep -v '/$' <<<"$files" | sort) <(grep -v '/$' <<<"$dev_files" | sort))
[ -z "$overlap" ] || fail "files in both packages: $overlap"

step "control fields"
depends=$(dpkg-deb -f "$deb" Depends)
contains "$depends" "libc6" "libstdc++6" "libssl3" "libcurl4" "libsimdjson" "libyaml-0-2" "libsoci-core" "libisal2" \
    "libsoci-sqlite3" "libsoci-postgresql" "systemd | systemd-sysusers"
[ "$(dpkg-deb -f "$deb" Version)" = "$changelog_version" ] || fail "vigil's version is not the changelog's"
[ "$(dpkg-deb -f "$deb" Section)" = admin ] || fail "vigil's section is not admin"
contains "$(dpkg-deb -f "$dev" Depends)" "vigil (= $changelog_version)"
dpkg-deb -e "$deb" "$scratch/control"
[ "$(cat "$scratch/control/conffiles")" = /etc/vigil/vigil.yaml ] ||
    fail "conffiles is not exactly /etc/vigil/vigil.yaml: $(cat "$scratch/control/conffiles")"
for script in postinst prerm postrm; do
    [ -x "$scratch/control/$script" ] || fail "no executable $script"
    ! grep -v '^ *#' "$scratch/control/$script" | grep -Eq 'enable|(systemctl|deb-systemd-invoke) +(re)?start|deb-systemd-helper' ||
        fail "$script enables or starts a unit"
done

step "unpacked: the binary finds its plugins"
root=$scratch/root
dpkg-deb -x "$deb" "$root"
out=$("$root/usr/bin/vigil" plugins)
contains "$out" "search $root/usr/lib/$multiarch/vigil/plugins"$'\n'
for name in status_json status_json_v1 sha256 gzip soci email webhook; do
    contains "$out" "ok       $name "
done
! grep -q '^refused' <<<"$out" || fail "a bundled plugin is refused: $out"
"$root/usr/bin/vigil" plugins --config "$root/etc/vigil/vigil.yaml" >/dev/null ||
    fail "the starter /etc/vigil/vigil.yaml does not load"

step "unpacked: a real scan"
site=$scratch/site
mkdir -p "$site/storage/ACME_PARIS_CENTRE/log" "$site/storage/ACME_PARIS_CENTRE/database"
printf 'sales dump\n' | gzip -n >"$site/storage/ACME_PARIS_CENTRE/database/sales.sql.gz"
sha=$(sha256sum <"$site/storage/ACME_PARIS_CENTRE/database/sales.sql.gz" | cut -d' ' -f1)
size=$(stat -c %s "$site/storage/ACME_PARIS_CENTRE/database/sales.sql.gz")
cat >"$site/storage/ACME_PARIS_CENTRE/log/20261123_023107_ACME_PARIS_CENTRE.json" <<EOF
{"operation_start_time": "2026-11-23T02:00:00Z", "operation_end_time": "2026-11-23T02:31:07Z",
 "agent_id": "ACME_PARIS_CENTRE", "overall_status": "completed",
 "databases": {"sales": {"staged_file_name": "sales.sql.gz", "BACKUP": {"status": true},
   "COMPRESS": {"status": true, "sha256_checksum": "$sha", "size": $size}, "TRANSFER": {"status": true}}}}
EOF
touch -d '1 hour ago' "$site/storage/ACME_PARIS_CENTRE/log/"*.json
cat >"$site/vigil.yaml" <<EOF
storage_root: storage
integrity: [{plugin: sha256}, {plugin: gzip}]
jobs: [{agent: ACME_PARIS_CENTRE, database: sales, at: "02:30"}]
EOF
out=$("$root/usr/bin/vigil" scan --config "$site/vigil.yaml" --now 2026-11-23T04:00:00Z 2>"$scratch/scan.err") ||
    fail "the packaged vigil scan failed: $out $(cat "$scratch/scan.err")"
contains "$out" "used 1" "success 1" "ok 1"

step "units: systemd-analyze verify and security"
unit_dir=$root/usr/lib/systemd/system
contains "$(cat "$unit_dir/vigil-scan.service")" "ExecStart=/usr/bin/vigil scan --config /etc/vigil/vigil.yaml" \
    "EnvironmentFile=-/etc/default/vigil" "StateDirectory=vigil" "ProtectSystem=strict" "ReadWritePaths=-/srv/backups"
# verify resolves the units' dependencies (sysinit.target, ...) in the root
# it is given: lend it this machine's.
mkdir -p "$root/lib/systemd/system"
cp -P /lib/systemd/system/*.target /lib/systemd/system/*.slice "$root/lib/systemd/system/" 2>/dev/null || true
verify=$(systemd-analyze verify --man=no --root="$root" "$unit_dir/vigil-scan.service" "$unit_dir/vigil-scan.timer" 2>&1) ||
    fail "systemd-analyze verify failed: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify complains: $verify"
security=$(systemd-analyze security --offline=true --root="$root" vigil-scan.service 2>&1 | tail -n 1)
echo "   $security"
[[ "$security" =~ exposure\ level\ for\ vigil-scan.service:\ ([0-9]+)\.([0-9]) ]] ||
    fail "no exposure level in: $security"
[ "${BASH_REMATCH[1]}" -lt 2 ] || fail "the sandbox got weaker: $security"

step "sysusers.d creates the vigil user"
mkdir -p "$scratch/sysroot/etc"
systemd-sysusers --root="$scratch/sysroot" "$root/usr/lib/sysusers.d/vigil.conf" >"$scratch/sysusers.log" 2>&1 ||
    { cat "$scratch/sysusers.log"; fail "systemd-sysusers failed"; }
user=$(grep '^vigil:' "$scratch/sysroot/etc/passwd") || fail "no vigil user in $(cat "$scratch/sysroot/etc/passwd")"
contains "$user" ":/var/lib/vigil:" "nologin"

step "manual page renders without warnings"
warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$root/usr/share/man/man1/vigil.1.gz" 2>&1 >/dev/null)
[ -z "$warnings" ] || fail "man reports: $warnings"
contains "$(MANWIDTH=80 man -l "$root/usr/share/man/man1/vigil.1.gz" 2>/dev/null)" "vigil $(dpkg-deb -f "$deb" Version | cut -d- -f1)" \
    "EXIT STATUS" "ENVIRONMENT" "FILES"

step "bash completion completes"
completions=$(bash -c '
    source /usr/share/bash-completion/bash_completion
    source "$1"
    complete_line() {
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
        _vigil vigil "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
        echo "${COMPREPLY[*]}"
    }
    complete_line vigil sca
    complete_line vigil notify test --no
    complete_line vigil --log-level w
' _ "$root/usr/share/bash-completion/completions/vigil")
[ "$completions" = $'scan\n--notifier\nwarn' ] || fail "completion gave: $completions"

step "lintian"
lint=$(lintian --fail-on error --display-level '>=warning' "$deb" "$dev" 2>&1) ||
    { echo "$lint"; fail "lintian found errors"; }
lint=$(grep -v 'running with root privileges' <<<"$lint" || true)
[ -z "$lint" ] || echo "$lint"
# The same package without its copyright file: lintian must object.
dpkg-deb -R "$deb" "$scratch/broken"
rm "$scratch/broken/usr/share/doc/vigil/copyright"
sed -i '/usr\/share\/doc\/vigil\/copyright$/d' "$scratch/broken/DEBIAN/md5sums"
dpkg-deb --root-owner-group -b "$scratch/broken" "$scratch/broken.deb" >/dev/null
if lintian --fail-on error "$scratch/broken.deb" >"$scratch/broken.lint" 2>&1; then
    cat "$scratch/broken.lint"
    fail "lintian accepted a package without a copyright file"
fi
grep -q 'E: vigil: no-copyright-file' "$scratch/broken.lint" || { cat "$scratch/broken.lint"; fail "lintian failed for another reason"; }

echo "package test: all checks passed ($(basename "$deb"), $(basename "$dev"))"
