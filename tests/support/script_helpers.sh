# Helpers for the shell tests, sourced by them:
#   make_scratch NAME     sets $scratch to a new directory /tmp/NAME.XXXXXX,
#                         removed at exit unless VIGIL_KEEP_SCRATCH is set
#   step TEXT             announces a step
#   fail TEXT             says why the test fails, and exits 1
#   contains TEXT FRAG... fails unless every fragment occurs in TEXT

make_scratch() {
    scratch=$(mktemp -d "/tmp/$1.XXXXXX")
    trap _remove_scratch EXIT
}
_remove_scratch() {
    if [ -n "${VIGIL_KEEP_SCRATCH:-}" ]; then echo "scratch kept: $scratch"; else rm -rf "$scratch"; fi
}

step() { echo "== $*"; }

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

contains() {
    local text=$1 fragment
    shift
    for fragment in "$@"; do
        [[ "$text" == *"$fragment"* ]] || fail "expected \"$fragment\" in:
$text"
    done
}
