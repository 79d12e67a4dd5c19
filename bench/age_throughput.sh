#!/usr/bin/env bash
# age encryption throughput (docs/encryption.md, bench/README.md): encrypting and decrypting a
# 1 GiB file against OpenSSL's single-core ChaCha20-Poly1305, measured in the same run.
#  1. OpenSSL: `openssl speed -evp chacha20-poly1305 -bytes 65536` (64 KiB: age's chunk),
#     before and after the rest; the mean is the reference (openssl speed divides by CPU time).
#  2. The commands end to end: `modelcert encrypt` and `modelcert decrypt`, file to file
#     (reading, every chunk, writing a temporary file, fsync, rename), wall and CPU time; and
#     what the kernel alone costs: `cat FILE >/dev/null` (reading it) and `cp` (reading it
#     and writing a new one); OpenSSL's SHA-256 (decrypt hashes the plaintext for its audit
#     event) and modelcert's start-up (`--version`). The bound for a command is OpenSSL's
#     cipher time for the bytes plus the copy's CPU time (plus the hash for decrypt): the
#     cipher and the I/O no file-to-file tool avoids; each command's ratio to it is printed.
#     Every command runs REPS times (default 3), its output removed before each; the least
#     CPU time counts (the machine is shared: the minimum is the least disturbed).
#  3. Debian's age (1.1.1, Go) on the same files, file to file: the tool users already have,
#     with its own ChaCha20-Poly1305; modelcert's CPU time against age's.
#  4. bench_age (bench_age.c): the library in one process against an EVP loop, with the files
#     read through stdio, mapped as the commands read them, and decrypted into memory.
# The files live in /dev/shm (else $TMPDIR or /tmp) and are deleted at exit.
# usage: bench/age_throughput.sh MODELCERT [SIZE_MIB] [BENCH_AGE]   (environment: WORK, REPS)
set -eu
MC=$1
MIB=${2:-1024}
BENCH=${3:-$(dirname "$MC")/../bench/bench_age}
base=${WORK:-$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}
dir=$(mktemp -d "$base/age-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
command -v age-keygen >/dev/null && command -v age >/dev/null ||
    { echo "age and age-keygen are needed: apt-get install age" >&2; exit 2; }
age-keygen -o "$dir/key" 2>/dev/null
recipient=$(age-keygen -y "$dir/key")
bytes=$((MIB * 1024 * 1024))
# Incompressible data, fast: an AES-CTR keystream over zeros.
head -c "$bytes" /dev/zero |
    openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
        -iv 00000000000000000000000000000000 >"$dir/plain"

ossl() {
    openssl speed -mr -evp chacha20-poly1305 -bytes 65536 -seconds 3 2>/dev/null |
        sed -n 's/^+F:[0-9]*:[^:]*:\([0-9.]*\)$/\1/p'
}
REPS=${REPS:-3}
# OUTPUT COMMAND...: "wall cpu" seconds (cpu: user + system of the command), the run with the
# least CPU time of REPS; OUTPUT (a file the command writes, or -) is removed before each.
timed() {
    local out=$1 TIMEFORMAT='%R %U %S' best="" i
    shift
    for i in $(seq "$REPS"); do
        [ "$out" = - ] || rm -f "$out"
        best=$({ echo "$best"; { time "$@" >/dev/null 2>&1; } 2>&1 |
            awk '{ printf "%s %.3f\n", $1, $2 + $3 }'; } |
            awk 'NF == 2 && (b == "" || $2 < c) { b = $0; c = $2 } END { print b }')
    done
    echo "$best"
}
sha() {
    openssl speed -mr -evp sha256 -bytes 65536 -seconds 3 2>/dev/null |
        sed -n 's/^+F:[0-9]*:[^:]*:\([0-9.]*\)$/\1/p'
}
o1=$(ossl)
hash=$(sha)
# What the kernel alone costs to read the file, and to read it and write a new one.
readonly_=$(timed - sh -c "cat '$dir/plain' >/dev/null")
copy=$(timed "$dir/copy" cp "$dir/plain" "$dir/copy")
rm -f "$dir/copy"
start=$(timed - "$MC" --version)
export MODELCERT_AUDIT="$dir/audit.db" # decrypt's events, deleted with the rest
enc=$(timed "$dir/c.age" "$MC" encrypt "$dir/plain" -r "$recipient" -o "$dir/c.age")
dec=$(timed "$dir/back" "$MC" decrypt "$dir/c.age" -i "$dir/key" -o "$dir/back")
cmp -s "$dir/plain" "$dir/back" || { echo "the round trip differs" >&2; exit 1; }
rm -f "$dir/back"
# Debian's age on the same file and key; its decryption of modelcert's file (and the
# reverse is checked: modelcert's decrypt of age's file gives the plaintext back).
aenc=$(timed "$dir/a.age" age -e -r "$recipient" -o "$dir/a.age" "$dir/plain")
adec=$(timed "$dir/back" age -d -i "$dir/key" -o "$dir/back" "$dir/c.age")
cmp -s "$dir/plain" "$dir/back" || { echo "age -d of modelcert's file differs" >&2; exit 1; }
rm -f "$dir/back" "$dir/a.age"
o2=$(ossl)
awk -v b="$bytes" -v e="$enc" -v d="$dec" -v o1="$o1" -v o2="$o2" -v mib="$MIB" -v c="$copy" \
    -v ae="$aenc" -v ad="$adec" -v av="$(age --version 2>/dev/null)" -v h="$hash" \
    -v r="$readonly_" -v st="$start" -v reps="$REPS" 'BEGIN {
    o = (o1 + o2) / 2
    split(e, E, " "); split(d, D, " "); split(c, C, " "); split(ae, AE, " "); split(ad, AD, " ")
    split(r, RD, " "); split(st, ST, " ")
    printf "file: %d MiB, least cpu of %d runs each\n", mib, reps
    printf "openssl speed chacha20-poly1305, 64 KiB blocks: %.0f MB/s (%.0f before, %.0f after): %.3f s cpu for the file\n", o / 1e6, o1 / 1e6, o2 / 1e6, b / o
    printf "openssl speed sha256, 64 KiB blocks: %.0f MB/s: %.3f s cpu for the file\n", h / 1e6, b / h
    printf "cat of the file to /dev/null (the kernel reading it): %.2f s wall, %.3f s cpu\n", RD[1], RD[2]
    printf "cp of the file (the kernel reading it and writing a new one): %.2f s wall, %.3f s cpu\n", C[1], C[2]
    printf "modelcert --version (start-up): %.3f s cpu\n", ST[2]
    eb = b / o + C[2]; db = b / o + b / h + C[2]
    printf "bound for encrypt (cipher + copy): %.3f s; for decrypt (cipher + sha256 + copy): %.3f s\n", eb, db
    printf "modelcert encrypt against its bound: %.2f; decrypt against its bound: %.2f\n", eb / E[2], db / D[2]
    printf "age encrypt against the cipher + copy bound: %.2f; decrypt: %.2f\n", eb / AE[2], (b / o + C[2]) / AD[2]
    printf "modelcert encrypt, file to file: %.2f s wall, %.2f s cpu: %.0f MB/s per cpu second, ratio %.2f\n", E[1], E[2], b / E[2] / 1e6, b / E[2] / o
    printf "modelcert decrypt, file to file: %.2f s wall, %.2f s cpu: %.0f MB/s per cpu second, ratio %.2f\n", D[1], D[2], b / D[2] / 1e6, b / D[2] / o
    printf "age %s encrypt, file to file: %.2f s wall, %.2f s cpu: %.0f MB/s per cpu second, ratio %.2f\n", av, AE[1], AE[2], b / AE[2] / 1e6, b / AE[2] / o
    printf "age %s decrypt, file to file: %.2f s wall, %.2f s cpu: %.0f MB/s per cpu second, ratio %.2f\n", av, AD[1], AD[2], b / AD[2] / 1e6, b / AD[2] / o
    printf "modelcert against age (cpu seconds, age / modelcert): encrypt %.2f, decrypt %.2f\n", AE[2] / E[2], AD[2] / D[2]
}'
if [ -x "$BENCH" ]; then
    echo "library in one process (bench_age), against an EVP loop in that process:"
    "$BENCH" "$dir/plain" "$dir/c.age" "$dir/key"
else
    echo "(bench_age not found at $BENCH: build the tree to add the library's figures)"
fi
