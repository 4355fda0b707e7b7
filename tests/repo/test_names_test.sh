#!/usr/bin/env bash
# ctest registers each Catch test case by name and splits names on ';': a
# test case whose name holds one becomes ctest entries that match no test
# and pass without running anything. Lists every such name.
set -euo pipefail
src=${1:?usage: test_names_test.sh SOURCE_DIR}
found=$(grep -rn --include='*.cpp' -E '(TEST_CASE|SCENARIO)\("[^"]*;' "$src/tests" || true)
if [[ -n $found ]]; then
    echo "test case names with ';' (ctest would split them into entries that run nothing):"
    echo "$found"
    exit 1
fi
