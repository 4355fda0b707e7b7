#!/usr/bin/env bash
# No file of the repository may refer to a path outside it: the documents
# users get must stand on their own, and nothing may depend on where the
# tree was checked out. Flags, in every tracked text file:
#   * the old external contract: a parent "shared" directory, SPEC.md,
#     "SPEC §" section references;
#   * absolute paths of the machine running the test: the source and build
#     directories, the home directory, and the workspace root (/work/).
# The checker first proves on planted samples that it finds each of them.
#
#   self_contained_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail

src=$(cd "${1:?usage: self_contained_test.sh SOURCE_DIR BUILD_DIR}" && pwd -P)
build=$(cd "${2:?usage: self_contained_test.sh SOURCE_DIR BUILD_DIR}" && pwd -P)
# shellcheck source=../support/script_helpers.sh
source "$(dirname "$0")/../support/script_helpers.sh"
make_scratch vigil-self-contained

# This script names the patterns it looks for, so it is the one file not
# searched.
self=tests/repo/self_contained_test.sh

patterns=('\.\./shared' 'SPEC\.md' 'SPEC §' '(^|[^A-Za-z0-9_.-])/work/')
for dir in "$src" "$build" "${HOME:-}"; do
    [ -n "$dir" ] && [ "$dir" != / ] && patterns+=("$(printf '%s' "$dir" | sed 's/[][\.*^$]/\\&/g')/")
done

# offending_lines ROOT FILE...: prints "file:line: text" for every match.
offending_lines() {
    local root=$1 pattern args=()
    shift
    for pattern in "${patterns[@]}"; do args+=(-e "$pattern"); done
    (cd "$root" && grep -E -I -n -H "${args[@]}" -- "$@") || true
}

# The checker must catch each kind of reference, or its silence means nothing.
mkdir -p "$scratch/sample"
samples=(
    "See ../""shared/SPEC"".md for the contract."
    "the three phases of SPEC"" §5"
    "cd /wor""k/main && make"
    "built in $build/bin"
    "installed from $src/docs"
)
[ -n "${HOME:-}" ] && [ "$HOME" != / ] && samples+=("configured in $HOME/.config")
i=0
for sample in "${samples[@]}"; do
    printf 'harmless line\n%s\n' "$sample" >"$scratch/sample/$i.md"
    found=$(offending_lines "$scratch/sample" "$i.md")
    [[ "$found" == "$i.md:2:"* ]] || fail "the checker misses: $sample"
    i=$((i + 1))
done
printf 'docs/scan.md, rule 3; /usr/share/doc/vigil; /srv/backups\n' >"$scratch/sample/clean.md"
[ -z "$(offending_lines "$scratch/sample" clean.md)" ] || fail "the checker flags a clean line"

# The tracked files (every file but the build directories when this is not a
# git checkout, as in a source tarball).
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -d '' files < <(git -C "$src" ls-files -z --cached --others --exclude-standard)
else
    mapfile -d '' files < <(cd "$src" && find . -path ./.git -prune -o -path './build*' -prune -o -type f -printf '%P\0')
fi
[ "${#files[@]}" -gt 50 ] || fail "only ${#files[@]} files found in $src"
checked=()
for f in "${files[@]}"; do
    [ "$f" = "$self" ] || [ ! -f "$src/$f" ] || checked+=("$f")
done

found=$(offending_lines "$src" "${checked[@]}")
if [ -n "$found" ]; then
    echo "$found" >&2
    fail "files of the repository refer to paths outside it (above)"
fi
echo "self-contained: ${#checked[@]} files checked, ${#patterns[@]} patterns, no reference outside the repository"
