#!/usr/bin/env bash
# The .deb on a fresh Debian 12 (issue 28): `apt-get install ./modelcert_*.deb` in a bookworm
# chroot made by debootstrap from the Debian mirror this machine's apt already uses, then the
# README's examples with the installed binary: --version, `man modelcert` and a verb's page, the
# completion file, `init`, `check`, then `run`, `validate`, `reproduce`, `audit verify` and
# `report` on the installed examples/seed, checked against what README.md shows (the model's
# sha256, the verdict). The .deb is built from BUILD_DIR (`cmake --build --target deb`).
#
# debootstrap is slow, so its result (with apt's lists) is cached outside the tree as a tarball,
# like the npm cache of onnx_ort_setup.sh: $XDG_CACHE_HOME/modelcert-tests (default ~/.cache),
# refreshed after 7 days. Needs root, debootstrap and the mirror; without them the test is
# skipped (exit 77) with the reason, never passed.
#
# usage: deb_chroot.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$(cd "$1" && pwd) SRC=$(cd "$2" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "debootstrap and chroot need root"
command -v debootstrap >/dev/null || skip "debootstrap is not installed (make test-deps)"
command -v unshare >/dev/null || skip "unshare (util-linux) is missing"
unshare -m --fork true 2>/dev/null || skip "cannot make a mount namespace here (unshare -m)"
# The mirror apt uses for bookworm's main ($MODELCERT_DEBIAN_MIRROR overrides).
mirror=${MODELCERT_DEBIAN_MIRROR:-$(apt-get indextargets --format '$(SITE) $(RELEASE) $(COMPONENT)' \
    2>/dev/null | awk '$2 == "bookworm" && $3 == "main" {print $1; exit}')}
[ -n "$mirror" ] || skip "apt has no Debian bookworm main source to debootstrap from"
arch=$(dpkg --print-architecture)

cache="${XDG_CACHE_HOME:-$HOME/.cache}/modelcert-tests"
tarball="$cache/debootstrap-bookworm-$arch.tar"
mkdir -p "$cache" || fail "cannot create $cache"
tmp=$(mktemp -d) || fail "mktemp"
root="$tmp/root"
trap 'rm -rf --one-file-system "$tmp"' EXIT

# ---- the chroot, from the cache or made once -----------------------------------------------
(
    flock 9
    if [ -f "$tarball" ] && [ -z "$(find "$tarball" -mtime +7)" ]; then exit 0; fi
    echo "debootstrap bookworm from $mirror into the cache (once; about two minutes)"
    made="$tmp/made"
    # In a mount namespace of its own: the /proc and /sys debootstrap mounts go with it.
    unshare -m --fork debootstrap --variant=minbase --include=man-db,bash-completion \
        bookworm "$made" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
        { tail -20 "$tmp/debootstrap.log"; exit 3; }
    echo "deb $mirror bookworm main" >"$made/etc/apt/sources.list"
    unshare -m --fork chroot "$made" apt-get update -qq >"$tmp/update.log" 2>&1 ||
        { tail -20 "$tmp/update.log"; exit 3; }
    tar -C "$made" --one-file-system -cf "$tarball.new" . && mv "$tarball.new" "$tarball" ||
        exit 3
    rm -rf --one-file-system "$made"
) 9>"$tarball.lock"
case $? in
0) ;;
3) if grep -qiE "resolve|connect|unreachable|timed out|Temporary failure|Could not" \
       "$tmp"/*.log 2>/dev/null; then
       skip "the mirror $mirror cannot be reached from here"
   fi
   fail "debootstrap of bookworm failed (log above)" ;;
*) fail "cannot prepare the chroot cache $tarball" ;;
esac
mkdir "$root" && tar -C "$root" -xf "$tarball" || fail "cannot unpack $tarball"
echo "ok: bookworm chroot ready (${SECONDS}s)"

# ---- the package ------------------------------------------------------------------------------
cmake --build "$BUILD" --target deb >"$tmp/deb.log" 2>&1 || { cat "$tmp/deb.log"; fail "make deb"; }
deb=$(ls "$BUILD"/modelcert_*_"$arch".deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no modelcert_*_$arch.deb in $BUILD"
cp "$deb" "$SRC/README.md" "$root/tmp/" || fail "cannot copy the .deb into the chroot"
name=$(basename "$deb")

in_root() { unshare -m --fork chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 /bin/bash -c "$1"; }
install() { in_root "cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./$name"; }
if ! install >"$tmp/install.log" 2>&1; then
    # the cached lists may name packages the mirror has replaced since: refresh them once
    in_root "apt-get update -qq" >>"$tmp/install.log" 2>&1
    install >>"$tmp/install.log" 2>&1 || { tail -30 "$tmp/install.log";
        grep -qiE "Temporary failure|Could not connect|unreachable" "$tmp/install.log" &&
            skip "the mirror $mirror cannot be reached from here";
        fail "apt-get install ./$name in the bookworm chroot"; }
fi
echo "ok: apt-get install ./$name in a fresh bookworm chroot (${SECONDS}s)"

# ---- the README's examples with the installed binary --------------------------------------------
cat >"$root/tmp/examples.sh" <<'EOF'
set -eu
fail() { echo "FAIL: $*"; exit 1; }
command -v modelcert | grep -qx /usr/bin/modelcert || fail "modelcert is not /usr/bin/modelcert"
modelcert --version | grep -q '^modelcert [0-9]' || fail "--version"
modelcert --version | grep -q '^commit: ' || fail "--version names no commit"
modelcert --version | grep -q '^built with: .*PKCS #11.*PostgreSQL.*ONNX' || fail "--version: parts"
man -w modelcert | grep -q '/usr/share/man/man1/modelcert.1.gz' || fail "man -w modelcert"
man -w modelcert-validate >/dev/null || fail "man -w modelcert-validate"
MANWIDTH=80 man modelcert-run 2>/dev/null | grep -q -- '--numerics' || fail "man modelcert-run"
test -s /usr/share/bash-completion/completions/modelcert || fail "no completion file"
bash -c 'source /usr/share/bash-completion/bash_completion;
         source /usr/share/bash-completion/completions/modelcert; complete -p modelcert' |
    grep -q -- '-F _modelcert modelcert' || fail "completion not registered"
test -s /usr/share/modelcert/schema/validation.schema.json || fail "no JSON Schema"
cd "$(mktemp -d)"
# README: `init` (a starter project), then its examples on the installed examples/seed, with
# what README.md shows them print (the model's sha256, the verdict lines).
modelcert init demo >/dev/null || fail "modelcert init"
modelcert check demo/modelcert.yaml | grep -q ': ok' || fail "modelcert check of init's spec"
cp -R /usr/share/doc/modelcert/examples examples
modelcert check examples/*/modelcert.yaml >check.txt || fail "modelcert check examples/*"
[ "$(grep -c ': ok (spec digest sha256:' check.txt)" = 5 ] || fail "check: $(cat check.txt)"
export MODELCERT_AUDIT=audit.db
[ "$(modelcert run --numerics reference -q examples/seed/modelcert.yaml -o seed-run)" = seed-run ] ||
    fail "modelcert run"
model=$(sha256sum seed-run/model.mcm | cut -d' ' -f1)
grep -q "model    seed-run-2/model.mcm  sha256:$model\$" /tmp/README.md ||
    fail "the model's sha256 $model is not the README's"
modelcert validate -q examples/seed/modelcert.yaml -o seed-gate >verdict.txt ||
    fail "modelcert validate: $(cat verdict.txt)"
grep -qxF "    $(cat verdict.txt)" /tmp/README.md || fail "validate: $(cat verdict.txt)"
modelcert reproduce seed-run 2>/dev/null | tail -n 1 | grep -qx 'verdict: REPRODUCED' ||
    fail "modelcert reproduce"
modelcert audit verify | grep -q '^intact: 3 events' || fail "modelcert audit verify"
modelcert validate -q examples/seed/modelcert.yaml -o seed-gate-2 --report-dir seed-reports \
    >/dev/null || fail "validate --report-dir"
modelcert report seed-gate-2/validation.json --format junit | cmp - seed-reports/junit.xml ||
    fail "report --format junit"
echo "ok: the README's examples with /usr/bin/modelcert: model sha256 $model, $(cat verdict.txt)"
EOF
in_root "bash /tmp/examples.sh" || fail "the README's examples in the chroot"
echo "deb_chroot: passed (${SECONDS}s)"
