#!/usr/bin/env bash
# modelcert digest against sha256sum on a 2 GiB directory of mixed file sizes, in one run,
# and against the machine's ceiling: cores x the single-core OpenSSL SHA-256 rate, and the
# rate at which the same files can merely be read (page cache: memory; cold: the disk).
# usage: bench/digest.sh [MODELCERT]   (WORK=dir, default /tmp/modelcert-bench-digest)
set -eu
MC=${1:-build/cli/modelcert}
WORK=${WORK:-/tmp/modelcert-bench-digest}
CORES=$(nproc)
D="$WORK/model"
if [ ! -f "$WORK/.complete" ]; then
    rm -rf "$WORK"; mkdir -p "$D/shards" "$D/small" "$D/tiny"
    # 2 GiB in all: one 1 GiB file, 8 x 64 MiB, 128 x 2 MiB, 4096 x 64 KiB
    head -c $((1 << 30)) /dev/urandom > "$D/weights.bin"
    for i in $(seq 1 8); do head -c $((64 << 20)) /dev/urandom > "$D/shards/s$i.bin"; done
    for i in $(seq 1 128); do head -c $((2 << 20)) /dev/urandom > "$D/small/f$i.bin"; done
    head -c $((4096 * 65536)) /dev/urandom | split -b 65536 -a 4 - "$D/tiny/t"
    touch "$WORK/.complete"
fi
BYTES=$(du -sb "$D" | cut -f1)
FILES=$(find "$D" -type f | wc -l)
rate() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.0f", b / s / 1048576 }'; }
# timed NAME COMMAND...: wall seconds in $NAME, CPU seconds (user + system) in ${NAME}_CPU
timed() {
    local name=$1 t; shift
    t=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null; } 2>&1 | tail -1)
    printf -v "$name" '%s' "${t%% *}"
    printf -v "${name}_CPU" '%s' "$(echo "$t" | awk '{ printf "%.3f", $2 + $3 }')"
}

# Single-core OpenSSL SHA-256 on 16 KiB blocks (MB/s of 10^6 bytes -> MiB/s).
SSL=$(openssl speed -seconds 3 -bytes 16384 sha256 2>/dev/null | awk '/^sha256/ { v=$2; sub(/k$/, "", v); print v * 1000 / 1048576 }')
find "$D" -type f -exec cat {} + > /dev/null   # warm the page cache
sums() { (cd "$D" && find . -type f -print0 | xargs -0 sha256sum); }
timed READ find "$D" -type f -exec cat {} +
timed SUM sums
timed MC1 "$MC" digest --threads 1 "$D"
timed MCN "$MC" digest "$D"
CEIL=$(awk -v s="$SSL" -v c="$CORES" 'BEGIN { printf "%.0f", s * c }')
LOAD=$(cut -d' ' -f1 /proc/loadavg)
echo "data: $FILES files, $BYTES bytes (page cache warm); $CORES cores; load average $LOAD"
echo "openssl speed sha256 (1 core, 16 KiB blocks): $(printf %.0f "$SSL") MiB/s; x $CORES cores = $CEIL MiB/s"
echo "                          wall      MiB/s   CPU s   MiB per CPU s"
row() { printf "%-24s %7ss %8s %7s %8s\n" "$1" "$2" "$(rate "$2")" "$3" "$(rate "$3")"; }
row "cat (read only)" "$READ" "$READ_CPU"
row "sha256sum (1 process)" "$SUM" "$SUM_CPU"
row "modelcert digest -t 1" "$MC1" "$MC1_CPU"
row "modelcert digest -t $CORES" "$MCN" "$MCN_CPU"
awk -v m="$(rate "$MCN")" -v c="$CEIL" -v s="$(rate "$SUM")" -v mc="$(rate "$MCN_CPU")" -v ssl="$SSL" 'BEGIN {
    printf "modelcert wall / (cores x openssl): %.0f%%; per CPU second / openssl: %.0f%%; wall vs sha256sum: %.2fx\n", 100 * m / c, 100 * mc / ssl, m / s }'
