#!/usr/bin/env bash
# `make deb` is reproducible (issue 28): the .deb is built twice, from two copies of SOURCE_DIR
# at different paths, in two build trees at different paths, at different times, under
# different umasks, time zones and locales, and the two .debs must be the same bytes (cmp). Then what makes that true is checked on the package itself:
# every ar and tar member is owned by root and dated SOURCE_DATE_EPOCH (the last commit's
# date), and no build path appears anywhere in it. A minimal configuration (no tests, no
# benchmarks): the project is built twice, once per tree.
#
# usage: deb_reproducible.sh SOURCE_DIR
set -u
SRC=$(cd "$1" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
command -v dpkg-deb >/dev/null || fail "dpkg-deb is missing (Debian's dpkg)"
tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# Two source trees: SOURCE_DIR's files (tracked and untracked, not ignored) copied at once
# (so that edits during the test change neither) to two paths of different depths; git still
# finds the commit through GIT_DIR.
first="$tmp/one/src" copy="$tmp/elsewhere/second-tree/src"
mkdir -p "$first" "$copy" || fail "mkdir"
git_env=()
if gitdir=$(git -C "$SRC" rev-parse --absolute-git-dir 2>/dev/null); then
    (cd "$SRC" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) >"$tmp/src.tar" ||
        fail "cannot copy the source tree"
    git_env=(GIT_DIR="$gitdir")
else
    (cd "$SRC" && tar --exclude='./build*' -cf - .) >"$tmp/src.tar" || fail "cannot copy"
fi
tar -C "$first" -xf "$tmp/src.tar" && tar -C "$copy" -xf "$tmp/src.tar" || fail "cannot unpack"

build() { # SOURCE BUILD_DIR UMASK TZ [VAR=VALUE...]: configure and `make deb`
    local src=$1 dir=$2 mask=$3 zone=$4
    shift 4
    (
        umask "$mask"
        export TZ="$zone" LC_ALL=C.UTF-8
        env "$@" cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DMODELCERT_TESTS=OFF -DMODELCERT_BENCH=OFF >"$dir.log" 2>&1 &&
            cmake --build "$dir" -j "${JOBS:-2}" --target deb >>"$dir.log" 2>&1
    ) || { tail -30 "$dir.log"; fail "make deb in $dir"; }
}
one="$tmp/one/build"
two="$tmp/elsewhere/second-tree/build-two"
mkdir -p "$tmp/one" || fail "mkdir"
build "$first" "$one" 022 UTC GIT_WORK_TREE="$first" "${git_env[@]}"
sleep 1 # a later second, whatever the build's speed
build "$copy" "$two" 077 America/New_York GIT_WORK_TREE="$copy" "${git_env[@]}"
deb1=$(ls "$one"/modelcert_*.deb) deb2=$(ls "$two"/modelcert_*.deb) || fail "no .deb built"
sha256sum "$deb1" "$deb2" | sed "s|$tmp/||"
cmp "$deb1" "$deb2" || fail "the two builds of the .deb differ"
echo "ok: cmp: the two .debs are the same bytes"

# Why: members dated SOURCE_DATE_EPOCH and owned by root; no build path inside.
# SOURCE_DATE_EPOCH: the environment's, else the last commit's date (else 0, outside git)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$SRC" log -1 --format=%ct 2>/dev/null || echo 0)}
date=$(TZ=UTC date -d "@$epoch" '+%Y-%m-%d %H:%M')
# ar members: mode, owner 0/0, size, date
ar tv "$deb1" | awk -v d="$(TZ=UTC date -d "@$epoch" '+%b %e %H:%M %Y')" \
    '{ split($2, o, "/"); t = $4 " " $5 " " $6 " " $7
       if (o[1] != 0 || o[2] != 0) { print "ar member owner: " $0; bad = 1 }
       gsub(/  +/, " ", d); if (t != d) { print "ar member date: " $0 " (want " d ")"; bad = 1 } }
     END { exit bad }' || fail "ar members are not root's, dated SOURCE_DATE_EPOCH"
(TZ=UTC dpkg-deb -c "$deb1"; mkdir "$tmp/ctl" && TZ=UTC dpkg-deb --ctrl-tarfile "$deb1" |
    TZ=UTC tar -tvf -) >"$tmp/members" || fail "cannot list the package"
awk -v d="$date" '$2 != "root/root" || ($4 " " $5) != d { print; bad = 1 } END { exit bad }' \
    "$tmp/members" || fail "tar members are not root/root, dated $date (SOURCE_DATE_EPOCH)"
dpkg-deb -x "$deb1" "$tmp/x" && dpkg-deb -e "$deb1" "$tmp/x/DEBIAN" || fail "cannot unpack"
for p in "$SRC" "$tmp" "$first" "$copy" "$one" "$two"; do
    if grep -rlF "$p" "$tmp/x" >"$tmp/hits"; then fail "build path $p in: $(cat "$tmp/hits")"; fi
done
echo "ok: $(wc -l <"$tmp/members") members, root/root, dated $date UTC; no build path inside"
echo "deb_reproducible: passed"
