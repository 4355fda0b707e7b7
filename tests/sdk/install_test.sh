#!/usr/bin/env bash
# The installable SDK, end to end:
#   1. `cmake --install` this (g++-built) build tree into a scratch prefix;
#   2. build the installed copies of sdk/examples/hello_format and
#      sdk/examples/sqlite_storage, and the ABI-skewed plugins of
#      skewed_abi/, with clang++ and libc++, finding nothing of Vigil but
#      that prefix (sqlite_storage links the system's SQLite C library);
#   3. run the installed host on them: `plugins --check` accepts the
#      examples and refuses the skewed ones naming both ABI versions, a real
#      scan reads hello_format and status_json reports side by side, and
#      another keeps its records with sqlite_storage.
# Nothing of the build tree is rebuilt.
#
#   install_test.sh BUILD_DIR SOURCE_DIR
# Needs clang++, libc++ and the sqlite3 command (scripts/install-deps installs
# them). VIGIL_KEEP_SCRATCH=1 keeps the scratch directory for a post-mortem.
set -euo pipefail

build=${1:?usage: install_test.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: install_test.sh BUILD_DIR SOURCE_DIR}
# shellcheck source=../support/script_helpers.sh
source "$(dirname "$0")/../support/script_helpers.sh"
make_scratch vigil-sdk-test
prefix=$scratch/prefix

# run LABEL CMD...: runs CMD; its stdout, stderr and exit status land in
# $out, $err and $rc, and in $scratch/LABEL.{out,err}.
run() {
    local label=$1
    shift
    set +e
    "$@" >"$scratch/$label.out" 2>"$scratch/$label.err"
    rc=$?
    set -e
    out=$(cat "$scratch/$label.out")
    err=$(cat "$scratch/$label.err")
}

# needs_lib FILE LIBRARY / lacks_lib FILE LIBRARY: the ELF file does (not)
# depend on the shared library directly.
needs_lib() { readelf -d "$1" | grep -q "NEEDED.*\[$2" || fail "$1 does not depend on $2"; }
lacks_lib() { ! readelf -d "$1" | grep -q "NEEDED.*\[$2" || fail "$1 depends on $2"; }

# Everything the plugin builds need is checked up front, so that a missing
# package reads as such rather than as a failure of the SDK.
command -v clang++ >/dev/null || fail "clang++ is not installed (Debian: clang)"
echo '#include <string>' | clang++ -stdlib=libc++ -x c++ -fsyntax-only - 2>/dev/null ||
    fail "clang++ -stdlib=libc++ cannot compile (Debian: libc++-dev libc++abi-dev)"
command -v sqlite3 >/dev/null || fail "the sqlite3 command is not installed (Debian: sqlite3)"
unset VIGIL_PLUGIN_PATH

step "install $build into $prefix"
cmake --install "$build" --prefix "$prefix" >"$scratch/install.log"

vigil=$prefix/bin/vigil
[ -x "$vigil" ] || fail "no $vigil"
for header in plugin.h plugin.hpp types.hpp timestamp.hpp; do
    [ -f "$prefix/include/vigil/$header" ] || fail "no $prefix/include/vigil/$header"
done
config_file=$(find "$prefix" -name VigilSDKConfig.cmake)
[ -n "$config_file" ] || fail "no VigilSDKConfig.cmake under $prefix"
plugin_dir=$(dirname "$(find "$prefix" -name vigil_status_json.so)")
[[ "$plugin_dir" == "$prefix"/lib*/vigil/plugins ]] || fail "bundled plugins in $plugin_dir, not <prefix>/<libdir>/vigil/plugins"
for name in status_json status_json_v1 field_agent_json sha256 gzip zstd soci; do
    [ -f "$plugin_dir/vigil_$name.so" ] || fail "no bundled plugin $name in $plugin_dir"
done
doc_dir=$prefix/share/doc/vigil
for doc in README.md examples/vigil.yaml sdk/README.md sdk/examples/hello_format/CMakeLists.txt \
           sdk/examples/sqlite_storage/CMakeLists.txt sdk/examples/sqlite_storage/README.md \
           plugins/status_json_v1/README.md plugins/field_agent_json/README.md examples/vigil-field-agents.yaml; do
    [ -f "$doc_dir/$doc" ] || fail "no $doc_dir/$doc"
done
needs_lib "$vigil" libstdc++
lacks_lib "$vigil" libc++

abi_major=$(sed -n 's/^#define VIGIL_ABI_MAJOR \([0-9]*\).*/\1/p' "$prefix/include/vigil/plugin.h")
abi_minor=$(sed -n 's/^#define VIGIL_ABI_MINOR \([0-9]*\).*/\1/p' "$prefix/include/vigil/plugin.h")
abi=$abi_major.$abi_minor

# plugin_build SOURCE BUILD: configures and builds an out-of-tree plugin
# project with clang++ and libc++, against the scratch prefix alone.
plugin_build() {
    env -u CXX -u CXXFLAGS -u LDFLAGS cmake -S "$1" -B "$2" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_CXX_FLAGS="-stdlib=libc++ -Werror" \
        -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF >"$2.configure.log" ||
        { cat "$2.configure.log"; fail "cannot configure $1"; }
    cmake --build "$2" -j2 >"$2.build.log" 2>&1 || { cat "$2.build.log"; fail "cannot build $1"; }
    grep -q "^VigilSDK_DIR:PATH=$(dirname "$config_file")\$" "$2/CMakeCache.txt" ||
        fail "$1 did not find the SDK in $prefix: $(grep VigilSDK_DIR "$2/CMakeCache.txt")"
    grep -q 'set(CMAKE_CXX_COMPILER_ID "Clang")' "$2/CMakeFiles"/*/CMakeCXXCompiler.cmake ||
        fail "$1 was not built by clang++"
}

step "build the installed hello_format example with clang++ and libc++"
plugin_build "$doc_dir/sdk/examples/hello_format" "$scratch/hello"
hello=$scratch/hello/vigil_hello_format.so
[ -f "$hello" ] || fail "no $hello"
needs_lib "$hello" libc++
lacks_lib "$hello" libstdc++
exports=$(nm -D --defined-only "$hello" | awk '$2 == "T" {print $3}')
[ "$exports" = vigil_plugin_entry ] || fail "$hello exports functions besides vigil_plugin_entry: $exports"

step "build the installed sqlite_storage example the same way"
plugin_build "$doc_dir/sdk/examples/sqlite_storage" "$scratch/sqlite"
sqlite_storage=$scratch/sqlite/vigil_sqlite_storage.so
[ -f "$sqlite_storage" ] || fail "no $sqlite_storage"
needs_lib "$sqlite_storage" libc++
needs_lib "$sqlite_storage" libsqlite3
lacks_lib "$sqlite_storage" libstdc++
exports=$(nm -D --defined-only "$sqlite_storage" | awk '$2 == "T" {print $3}')
[ "$exports" = vigil_plugin_entry ] || fail "$sqlite_storage exports functions besides vigil_plugin_entry: $exports"

step "build the ABI-skewed plugins the same way"
plugin_build "$src/tests/sdk/skewed_abi" "$scratch/skewed"
needs_lib "$scratch/skewed/vigil_skewed_major.so" libc++

step "vigil plugins --check accepts hello_format"
run check_hello "$vigil" plugins --check "$hello"
[ "$rc" = 0 ] || fail "plugins --check exited $rc: $out $err"
contains "$out" "host plugin ABI $abi" "ok       hello_format 1.0.0 (ABI $abi): report_source" "$hello" \
    "reads made-up HELLO text reports"

step "vigil plugins --check accepts sqlite_storage as a scan store and an outbox"
run check_sqlite "$vigil" plugins --check "$sqlite_storage"
[ "$rc" = 0 ] || fail "plugins --check exited $rc: $out $err"
contains "$out" "ok       sqlite_storage 1.0.0 (ABI $abi): storage (scan store, outbox)" "$sqlite_storage"

step "vigil plugins --check refuses a newer major ABI"
run check_major "$vigil" plugins --check "$scratch/skewed/vigil_skewed_major.so"
[ "$rc" = 2 ] || fail "plugins --check of skewed_major exited $rc, not 2: $out $err"
contains "$out" "refused  $scratch/skewed/vigil_skewed_major.so" \
    "needs plugin ABI $((abi_major + 1)).$abi_minor but this host implements ABI $abi" "major versions differ"

step "vigil plugins --check refuses a newer minor ABI"
run check_minor "$vigil" plugins --check "$scratch/skewed/vigil_skewed_minor.so"
[ "$rc" = 2 ] || fail "plugins --check of skewed_minor exited $rc, not 2: $out $err"
contains "$out" "refused  $scratch/skewed/vigil_skewed_minor.so" \
    "needs plugin ABI $abi_major.$((abi_minor + 1)) but this host implements ABI $abi" "upgrade Vigil"

step "vigil plugins finds the bundled plugins of the installed tree"
run list "$vigil" plugins
[ "$rc" = 0 ] || fail "plugins exited $rc: $err"
contains "$out" "search $(cd "$plugin_dir" && pwd -P)"$'\n' "ok       status_json 1" "ok       status_json_v1 1" \
    "ok       sha256" "ok       soci"

step "a scan reads hello_format and status_json reports side by side"
site=$scratch/site
root=$site/storage
settled=$(($(date +%s) - 3600))
mkdir -p "$root"/{ACME_PARIS_CENTRE,GLOBEX_BERLIN_MITTE,INITECH_LYON_CENTRE}/{log,database}

printf 'sales dump\n' | gzip -n >"$root/ACME_PARIS_CENTRE/database/sales.sql.gz"
sales_sha=$(sha256sum <"$root/ACME_PARIS_CENTRE/database/sales.sql.gz" | cut -d' ' -f1)
sales_size=$(stat -c %s "$root/ACME_PARIS_CENTRE/database/sales.sql.gz")
hello_report=20261123_023107_ACME_PARIS_CENTRE.json
cat >"$root/ACME_PARIS_CENTRE/log/$hello_report" <<EOF
HELLO 1
agent ACME_PARIS_CENTRE
status completed
ended 2026-11-23T02:31:07Z
database sales sales.sql.gz ok $sales_sha $sales_size
EOF

printf 'erp dump\n' | gzip -n >"$root/GLOBEX_BERLIN_MITTE/database/erp.sql.gz"
erp_sha=$(sha256sum <"$root/GLOBEX_BERLIN_MITTE/database/erp.sql.gz" | cut -d' ' -f1)
erp_size=$(stat -c %s "$root/GLOBEX_BERLIN_MITTE/database/erp.sql.gz")
json_report=20261123_023500_GLOBEX_BERLIN_MITTE.json
cat >"$root/GLOBEX_BERLIN_MITTE/log/$json_report" <<EOF
{"operation_start_time": "2026-11-23T02:00:00Z", "operation_end_time": "2026-11-23T02:35:00Z",
 "agent_id": "GLOBEX_BERLIN_MITTE", "overall_status": "completed",
 "databases": {"erp": {"staged_file_name": "erp.sql.gz",
   "BACKUP": {"status": true},
   "COMPRESS": {"status": true, "sha256_checksum": "$erp_sha", "size": $erp_size},
   "TRANSFER": {"status": true}}}}
EOF

bad_report=20261123_024000_INITECH_LYON_CENTRE.json
printf 'HELLO 1\nagent INITECH_LYON_CENTRE\nstatus completed\nended yesterday\n' \
    >"$root/INITECH_LYON_CENTRE/log/$bad_report"
touch -d "@$settled" "$root"/*/log/*.json

cat >"$site/vigil.yaml" <<EOF
storage_root: "$root"
database:
  url: "sqlite3://db=$site/vigil.db"
plugins:
  path: ["$scratch/hello"]
reports:
  - plugin: hello_format
  - plugin: status_json
jobs:
  - {agent: ACME_PARIS_CENTRE, database: sales, at: "02:30"}
  - {agent: GLOBEX_BERLIN_MITTE, database: erp, at: "02:30"}
EOF

run scan "$vigil" scan --config "$site/vigil.yaml" --now 2026-11-23T04:00:00Z
[ "$rc" = 0 ] || fail "scan exited $rc: $out $err"
contains "$out" "used 2, invalid 1" "sources:  hello_format 1, status_json 1" "success 2" "ok 2"
contains "$err" "$bad_report" 'hello_format: line 4: "yesterday" is not an ISO-8601 timestamp'

entries=$(sqlite3 -separator '|' "$site/vigil.db" \
    "SELECT j.agent_id_responsible, j.database_name, e.status, e.agent_staged_file_name,
            e.server_calculated_staged_hash, e.operation_log_file_name
     FROM backup_entries e JOIN expected_backup_jobs j ON j.id = e.expected_job_id
     ORDER BY j.agent_id_responsible")
expected_entries="ACME_PARIS_CENTRE|sales|success|sales.sql.gz|$sales_sha|$hello_report
GLOBEX_BERLIN_MITTE|erp|success|erp.sql.gz|$erp_sha|$json_report"
[ "$entries" = "$expected_entries" ] || fail "backup_entries:
$entries
expected:
$expected_entries"

reports=$(sqlite3 -separator '|' "$site/vigil.db" \
    "SELECT file_name, fate, COALESCE(source, '-'), reason FROM processed_reports ORDER BY file_name")
expected_reports="$hello_report|used|hello_format|
$json_report|used|status_json|
$bad_report|invalid|-|hello_format: line 4: \"yesterday\" is not an ISO-8601 timestamp"
[ "$reports" = "$expected_reports" ] || fail "processed_reports:
$reports
expected:
$expected_reports"

step "a scan keeps its records with sqlite_storage"
# A tree of its own: the scan above archived the first tree's reports.
site2=$scratch/site2
mkdir -p "$site2/storage/GLOBEX_BERLIN_MITTE"/{log,database}
cp "$root/GLOBEX_BERLIN_MITTE/database/erp.sql.gz" "$site2/storage/GLOBEX_BERLIN_MITTE/database/"
cat >"$site2/storage/GLOBEX_BERLIN_MITTE/log/$json_report" <<EOF
{"operation_start_time": "2026-11-23T02:00:00Z", "operation_end_time": "2026-11-23T02:35:00Z",
 "agent_id": "GLOBEX_BERLIN_MITTE", "overall_status": "completed",
 "databases": {"erp": {"staged_file_name": "erp.sql.gz",
   "BACKUP": {"status": true},
   "COMPRESS": {"status": true, "sha256_checksum": "$erp_sha", "size": $erp_size},
   "TRANSFER": {"status": true}}}}
EOF
touch -d "@$settled" "$site2/storage/GLOBEX_BERLIN_MITTE/log/$json_report"
# With a notifier, which needs the outbox; `path` is relative to this file.
cat >"$site2/vigil.yaml" <<EOF
storage_root: "$site2/storage"
database:
  plugin: sqlite_storage
  path: records.db
plugins:
  path: ["$scratch/sqlite"]
notifiers:
  - {plugin: webhook, name: hook, url: "http://127.0.0.1:9/hook"}
jobs:
  - {agent: GLOBEX_BERLIN_MITTE, database: erp, at: "02:30"}
EOF
run scan_sqlite "$vigil" scan --config "$site2/vigil.yaml" --now 2026-11-23T04:00:00Z
[ "$rc" = 0 ] || fail "scan on sqlite_storage exited $rc: $out $err"
contains "$out" "used 1" "success 1" "ok 1"
[ -f "$site2/records.db" ] || fail "sqlite_storage kept no $site2/records.db"
entries=$(sqlite3 -separator '|' "$site2/records.db" \
    "SELECT j.agent_id_responsible, j.database_name, e.status, e.server_calculated_staged_hash, e.operation_log_file_name
     FROM backup_entries e JOIN expected_backup_jobs j ON j.id = e.expected_job_id")
[ "$entries" = "GLOBEX_BERLIN_MITTE|erp|success|$erp_sha|$json_report" ] ||
    fail "sqlite_storage's backup_entries: $entries"

step "a scan configured with an ABI-skewed plugin is refused as a configuration error"
sed -e 's|path: \[.*\]|path: ["'"$scratch/skewed"'"]|' -e 's|plugin: hello_format|plugin: skewed_major|' \
    "$site/vigil.yaml" >"$site/skewed.yaml"
run scan_skewed "$vigil" scan --config "$site/skewed.yaml" --now 2026-11-23T04:00:00Z
[ "$rc" = 2 ] || fail "scan with skewed_major exited $rc, not 2: $out $err"
contains "$err" "$scratch/skewed/vigil_skewed_major.so" \
    "needs plugin ABI $((abi_major + 1)).$abi_minor but this host implements ABI $abi"

echo "sdk install test: all checks passed"
