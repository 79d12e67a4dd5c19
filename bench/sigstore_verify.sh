#!/usr/bin/env bash
# What Sigstore keyless verification costs over hashing (issue 22: at most 1.05x): a 1 GiB
# model directory of mixed file sizes is signed keyless in a Sigstore world of the tests' own
# (tests/interop/sigstore_world.py: Fulcio-, CT- and Rekor-like, python3 cryptography), then,
# in the same run and alternately, `modelcert digest` (hashing the files, as verify must) and
# `modelcert verify --certificate-identity ... --trusted-root` (bundle, Rekor entry, inclusion
# proof, checkpoint, SET, Fulcio chain, SCT, DSSE signature, then the same hashing and the
# comparison with the signed manifest) are timed REPS times each; the medians are compared.
# usage: bench/sigstore_verify.sh [MODELCERT]   (WORK=dir, default /tmp/modelcert-bench-sigstore;
#        REPS=n, default 5)
set -eu
MC=${1:-build/cli/modelcert}
SRC=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/modelcert-bench-sigstore}
REPS=${REPS:-5}
D="$WORK/model"
if [ ! -f "$WORK/.complete" ]; then
    rm -rf "$WORK"; mkdir -p "$D/shards" "$D/small"
    # 1 GiB in all: one 512 MiB file, 6 x 64 MiB, 64 x 2 MiB
    head -c $((512 << 20)) /dev/urandom > "$D/weights.bin"
    for i in $(seq 1 6); do head -c $((64 << 20)) /dev/urandom > "$D/shards/s$i.bin"; done
    for i in $(seq 1 64); do head -c $((2 << 20)) /dev/urandom > "$D/small/f$i.bin"; done
    touch "$WORK/.complete"
fi
# A fresh world each run (its certificate lives ten minutes around the signing time).
python3 "$SRC/tests/interop/sigstore_world.py" "$WORK/world" "$D" > /dev/null
export MODELCERT_AUDIT="$WORK/audit.db"
VERIFY=("$MC" verify "$D" --certificate-identity signer@example.com
        --certificate-oidc-issuer https://oidc.example --trusted-root "$WORK/world/trusted_root.json")
"${VERIFY[@]}"    # verified, or stop here (set -e)
BYTES=$(du -sb --exclude=model.sig "$D" | cut -f1)
FILES=$(find "$D" -type f ! -name model.sig | wc -l)
find "$D" -type f -exec cat {} + > /dev/null   # warm the page cache
# "WALL CPU" seconds (CPU: user + system), the machine being shared: CPU time is the steadier.
secs() {
    { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null; } 2>&1 | tail -1 |
        awk '{ printf "%s %.3f\n", $1, $2 + $3 }'
}
HW=() HC=() VW=() VC=()
for _ in $(seq 1 "$REPS"); do
    read -r w c < <(secs "$MC" digest "$D"); HW+=("$w"); HC+=("$c")
    read -r w c < <(secs "${VERIFY[@]}"); VW+=("$w"); VC+=("$c")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "data: $FILES files, $BYTES bytes (page cache warm); $(nproc) cores; load average $(cut -d' ' -f1 /proc/loadavg)"
echo "modelcert digest (hashing), $REPS runs, wall: ${HW[*]} s; CPU: ${HC[*]} s"
echo "modelcert verify (keyless), $REPS runs, wall: ${VW[*]} s; CPU: ${VC[*]} s"
awk -v hw="$(median "${HW[@]}")" -v hc="$(median "${HC[@]}")" -v vw="$(median "${VW[@]}")" \
    -v vc="$(median "${VC[@]}")" 'BEGIN {
    printf "medians: hashing %.3f s wall, %.3f s CPU; verify %.3f s wall, %.3f s CPU\n", hw, hc, vw, vc
    printf "keyless verify / hashing: %.3fx wall, %.3fx CPU (target <= 1.05x)\n", vw / hw, vc / hc }'
