#!/usr/bin/env bash
# Same bits on another instruction set (issue 28, docs/packaging.md "Another architecture"):
# modelcert cross-built for arm64 with Debian's cross compiler and the multiarch arm64
# libraries (cmake/aarch64-linux-gnu.cmake; `make arm64-deps` installs them), run under
# qemu-user. Every example's spec is run with --numerics reference by the arm64 binary and by
# the x86-64 one under test: the model files must be the same bytes, and so must the
# predictions of the first 20 data rows; for the examples whose digests
# tests/e2e/reference_digests.sh pins, the arm64 model and predictions must also be those pinned
# digests (read from that file: one list of pins). Then the arm64 .deb, built by the same `deb`
# target: its architecture, its binary an aarch64 ELF, its dependencies from dpkg-shlibdeps,
# its man pages (generated under qemu from the arm64 binary's own --help) the same bytes as
# the x86-64 build's.
#
# The arm64 build tree is BUILD_DIR/arm64 (kept: a second run rebuilds only what changed; the
# first takes a few minutes). Skipped (exit 77), with the reason, only where qemu-user or the
# cross compiler is not installed; every other missing piece is a failure.
#
# usage: arm64.sh MODELCERT SOURCE_DIR BUILD_DIR
set -u
MC=$1
SRC=$(cd "$2" && pwd)
BUILD=$(cd "$3" && pwd)
. "$(dirname "$0")/lib.sh"

command -v qemu-aarch64 >/dev/null ||
    { echo "SKIP: qemu-aarch64 is not installed (Debian's qemu-user; make arm64-deps)"; exit 77; }
command -v aarch64-linux-gnu-gcc >/dev/null ||
    { echo "SKIP: aarch64-linux-gnu-gcc is not installed (Debian's gcc-aarch64-linux-gnu; make arm64-deps)"; exit 77; }
dpkg --print-foreign-architectures | grep -qx arm64 ||
    { echo "FAIL: dpkg has no arm64 architecture for the multiarch libraries (make arm64-deps)"; exit 1; }

# ---- the arm64 build and its .deb ---------------------------------------------------------------
ARM="$BUILD/arm64"
"$SRC/packaging/arm64_overlay.sh" "$BUILD/arm64-overlay" >"$TMP/overlay.log" 2>&1 ||
    { cat "$TMP/overlay.log"; echo "FAIL: the arm64 -dev overlay (packaging/arm64_overlay.sh)"; exit 1; }
# The same configuration as `make deb-arm64`; SOURCE_DATE_EPOCH as the x86-64 build took it.
if ! { cmake -S "$SRC" -B "$ARM" -DCMAKE_TOOLCHAIN_FILE="$SRC/cmake/aarch64-linux-gnu.cmake" \
        -DMC_ARM64_OVERLAY="$BUILD/arm64-overlay" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DMODELCERT_TESTS=OFF -DMODELCERT_BENCH=OFF &&
       cmake --build "$ARM" -j 2 --target deb; } >"$TMP/build.log" 2>&1; then
    tail -30 "$TMP/build.log"
    echo "FAIL: the arm64 cross build (cmake/aarch64-linux-gnu.cmake)"
    exit 1
fi
echo "ok: arm64 build and .deb (${SECONDS}s)"
check grep -q 'ARM aarch64' <(file -L "$ARM/cli/modelcert") -- "the binary is an aarch64 ELF"
# The binary under qemu (the argument vector as it is: a wrapper, since MC is one word).
ARMMC="$TMP/modelcert-arm64"
printf '#!/bin/sh\nexec qemu-aarch64 "%s" "$@"\n' "$ARM/cli/modelcert" >"$ARMMC" && chmod +x "$ARMMC"
expect_exit 0 "modelcert --version under qemu-aarch64" -- "$ARMMC" --version
expect_grep out "^commit: $("$MC" --version | sed -n 's/^commit: //p')\$" \
    "the arm64 build names the x86-64 build's commit"

# ---- every example, reference numerics, arm64 against x86-64 and the pins -----------------------
# The pins, from reference_digests.sh's two tables ([example]=sha256 lines).
declare -A pin_model=() pin_pred=()
while IFS=' ' read -r table ex sum; do
    if [ "$table" = pinned ]; then pin_model[$ex]=$sum; else pin_pred[$ex]=$sum; fi
done < <(awk '/^declare -A pinned=\(/ {t = "pinned"} /^declare -A pinned_predictions=\(/ {t = "pred"}
              /^\)/ {t = ""} t && match($0, /\[[a-z]+\]=[0-9a-f]+/) {
                  s = substr($0, RSTART + 1, RLENGTH - 1); split(s, a, "]=")
                  if (length(a[2]) == 64) print t, a[1], a[2] }' "$SRC/tests/e2e/reference_digests.sh")
[ "${#pin_model[@]}" -ge 3 ] && [ "${#pin_pred[@]}" -ge 3 ] ||
    { echo "FAIL: cannot read the pinned digests of reference_digests.sh"; exit 1; }

# The examples' secrets (any 16 bytes or more; the same for both builds).
export MODELCERT_DP_SECRET=arm64-test-dp-secret-0123456789
export MODELCERT_PRIVACY_KEY=arm64-test-privacy-key-0123456789
sha() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
n=0
for spec in "$SRC"/examples/*/*.yaml; do
    rel=${spec#"$SRC/examples/"} ex=${rel%%/*}
    name=$(echo "${rel%.yaml}" | tr / -)
    for arch in x86 arm; do
        bin=$MC; [ $arch = x86 ] || bin=$ARMMC
        expect_exit 0 "$rel: run --numerics reference ($arch)" -- \
            "$bin" run -q --numerics reference "$spec" -o "$TMP/$arch-$name"
        head -21 "$SRC/examples/$ex/data.csv" >"$TMP/$name-head.csv"
        "$bin" predict "$TMP/$arch-$name/model.mcm" "$TMP/$name-head.csv" \
            -o "$TMP/$arch-$name.pred.csv" 2>"$TMP/pred.err" || sed 's/^/  /' "$TMP/pred.err"
    done
    x=$(sha "$TMP/x86-$name/model.mcm") a=$(sha "$TMP/arm-$name/model.mcm")
    check [ -n "$a" -a "$a" = "$x" ] -- "$rel: arm64 model = x86-64 model (sha256 ${a:-none})"
    x=$(sha "$TMP/x86-$name.pred.csv") p=$(sha "$TMP/arm-$name.pred.csv")
    check [ -n "$p" -a "$p" = "$x" ] -- "$rel: arm64 predictions of 20 rows = x86-64's (sha256 ${p:-none})"
    if [ "$rel" = "$ex/modelcert.yaml" ] && [ -n "${pin_model[$ex]:-}" ]; then
        check [ "$a" = "${pin_model[$ex]}" ] -- "$rel: arm64 model is the pinned ${pin_model[$ex]}"
        check [ "$p" = "${pin_pred[$ex]}" ] -- "$rel: arm64 predictions are the pinned ${pin_pred[$ex]}"
        n=$((n + 1))
    fi
done
check [ "$n" = "${#pin_model[@]}" ] -- "every pinned example ($n of ${#pin_model[@]}) compared"

# ---- the arm64 .deb ---------------------------------------------------------------------------
deb=$(ls "$ARM"/modelcert_*_arm64.deb 2>/dev/null | head -n 1)
check [ -n "$deb" ] -- "modelcert_*_arm64.deb built"
if [ -n "$deb" ]; then
    check [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] -- "the package's Architecture is arm64"
    dpkg-deb -f "$deb" Depends >"$TMP/depends"
    check grep -q 'libc6 (>= .*libopenblas0.*libpq5.*libssl3' "$TMP/depends" -- \
        "Depends from dpkg-shlibdeps: $(cat "$TMP/depends")"
    mkdir "$TMP/deb" && dpkg-deb -x "$deb" "$TMP/deb"
    check grep -q 'ARM aarch64' <(file "$TMP/deb/usr/bin/modelcert") -- "its /usr/bin/modelcert is aarch64"
    check diff -r "$BUILD/man/gz" "$TMP/deb/usr/share/man/man1" -- \
        "its $(ls "$TMP/deb/usr/share/man/man1" | wc -l) man pages are the x86-64 build's, byte for byte"
fi
echo "arm64: ${SECONDS}s"
finish
