#!/usr/bin/env bash
# Nothing in the project refers to a place outside it: no tracked file names
# a directory of the machines the project is developed on, a sibling checkout
# of shared files, or the absolute path of this checkout. What the project
# needs (benchmark scripts, example data, documents) is in the repository,
# and examples of absolute paths use neutral ones (/home/alice/project/...).
# usage: no_outside_paths.sh SOURCE_DIR
# Exits 77 (skipped) when SOURCE_DIR is not the top of a git checkout: the
# tracked files are what `git ls-files` lists.
set -u
src=$(cd "$1" 2>/dev/null && pwd -P) || { echo "FAIL: no directory $1"; exit 1; }
top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null) || top=
if [ -z "$top" ] || [ "$(cd "$top" && pwd -P)" != "$src" ]; then
    echo "skipped: $src is not the top of a git checkout"
    exit 77
fi

# The patterns are assembled from pieces so that this file does not match them.
patterns=("/wor""k/" "../sha""red/" "/tmp/""tmp")
# The checkout's own absolute path, when it is specific enough to mean this
# machine (at least two components: /a/b).
case "$src" in
    /*/*) patterns+=("$src") ;;
    *) echo "note: checkout path $src is too short to look for" ;;
esac

args=()
for p in "${patterns[@]}"; do
    args+=(-e "$p")
done
# git grep searches the working tree's copies of the tracked files, binary
# ones too (-a): an SQLite database, a model file or a fuzz input records
# command lines and paths as plain bytes (the fuzz corpus's audit trails once
# held a developer's directories). -o prints only the path found, so a binary
# file's hit is a short line: FILE:LINE:PATH.
hits=$(git -C "$src" grep -n -a -o -F "${args[@]}" -- . 2>&1)
rc=$?
if [ "$rc" = 1 ]; then
    echo "ok: no tracked file names a path outside the repository (${patterns[*]})"
    exit 0
fi
if [ "$rc" != 0 ]; then
    echo "FAIL: git grep failed (exit status $rc): $hits"
    exit 1
fi
echo "FAIL: tracked files name paths outside the repository or of this machine:"
echo "$hits" | sed 's/^/  /'
echo "  hint: ship what is needed inside the repository and refer to it by a relative path;"
echo "        in examples of absolute paths, use a neutral one such as /home/alice/project/."
exit 1
