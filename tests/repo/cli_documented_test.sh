#!/usr/bin/env bash
# Every command and option of the `vigil` binary is in its manual page and
# in its bash completion. Walks the commands from `vigil --help` down, and
# for each command path P and each of its long options O checks that:
#   * the manual page has a `.B P ...` line introducing the command, and
#     mentions `\-\-O` (--help, documented once globally, excepted);
#   * the completion offers P after its parent (`_vigil_commands`) and O
#     after P (`_vigil_options`).
# A new command or option therefore fails here until both are extended.
#
#   cli_documented_test.sh VIGIL_BIN SOURCE_DIR
set -euo pipefail

vigil=${1:?usage: cli_documented_test.sh VIGIL_BIN SOURCE_DIR}
src=${2:?usage: cli_documented_test.sh VIGIL_BIN SOURCE_DIR}
man_page=$src/docs/man/vigil.1.in
completion=$src/packaging/bash-completion/vigil
errors=0
missing() {
    echo "MISSING: $*" >&2
    errors=$((errors + 1))
}

# shellcheck source=/dev/null
source "$completion"

# section NAME: the first words of the lines of a CLI11 help section.
section() {
    awk -v name="$1" '
        tolower($0) ~ "^" name ":" { inside = 1; next }
        /^[^ ]/ { inside = 0 }
        inside && NF { print $1 }'
}

checked=0
# check PATH: the command PATH ("" for the top level) and its subcommands.
check() {
    local path=$1 help option command words
    # shellcheck disable=SC2086 # the path is split into words on purpose
    help=$("$vigil" $path --help)
    if [ -n "$path" ]; then
        grep -q -- "^\.B $path\( \|$\)" "$man_page" || missing "vigil.1.in: no \`.B $path\` line for the command"
    fi
    words=" $(_vigil_options "$path") "
    for option in $(section options <<<"$help" | tr ',' '\n' | grep '^--'); do
        checked=$((checked + 1))
        [[ "$words" == *" $option "* ]] || missing "completion: _vigil_options \"$path\" lacks $option"
        [ "$option" = --help ] && continue
        grep -q -F -- "$(sed 's/-/\\-/g' <<<"$option")" "$man_page" || missing "vigil.1.in: no mention of $option (${path:-global})"
    done
    words=" $(_vigil_commands "$path") "
    for command in $(section subcommands <<<"$help"); do
        [[ "$words" == *" $command "* ]] || missing "completion: _vigil_commands \"$path\" lacks $command"
        check "${path:+$path }$command"
    done
}
check ""

[ "$checked" -gt 5 ] || { echo "FAIL: only $checked options found in vigil --help: is its format still CLI11's?" >&2; exit 1; }
[ "$errors" = 0 ] || { echo "FAIL: $errors command(s) or option(s) undocumented (above)" >&2; exit 1; }
echo "cli documented: every command and its $checked options are in vigil(1) and the bash completion"
