#!/usr/bin/env bash
# age encryption throughput (docs/encryption.md, bench/README.md): encrypting and decrypting a
# 1 GiB file against OpenSSL's single-core ChaCha20-Poly1305, measured in the same run.
#  1. OpenSSL: `openssl speed -evp chacha20-poly1305 -bytes 65536` (64 KiB: age's chunk),
#     before and after the rest; the mean is the reference (openssl speed divides by CPU time).
#  2. The commands end to end: `modelcert encrypt` and `modelcert decrypt`, file to file
#     (reading, every chunk, writing a temporary file, fsync, rename), wall and CPU time; and
#     `cp` of the same file, what reading it and writing a new one costs the kernel alone.
#  3. Debian's age (1.1.1, Go) on the same files, file to file: the tool users already have,
#     with its own ChaCha20-Poly1305; modelcert's CPU time against age's.
#  4. bench_age (bench_age.c): the library in one process against an EVP loop, with the files
#     read through stdio, mapped as the commands read them, and decrypted into memory.
# The files live in /dev/shm (else $TMPDIR or /tmp) and are deleted at exit.
# usage: bench/age_throughput.sh MODELCERT [SIZE_MIB] [BENCH_AGE]   (environment: WORK)
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
# COMMAND...: "wall cpu" seconds (cpu: user + system of the command)
timed() {
    local TIMEFORMAT='%R %U %S'
    { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%s %.3f\n", $1, $2 + $3 }'
}
o1=$(ossl)
# What the kernel alone costs to read the file and write a new one of the same size here.
copy=$(timed cp "$dir/plain" "$dir/copy")
rm -f "$dir/copy"
enc=$(timed "$MC" encrypt "$dir/plain" -r "$recipient" -o "$dir/c.age")
dec=$(timed "$MC" decrypt "$dir/c.age" -i "$dir/key" -o "$dir/back")
cmp -s "$dir/plain" "$dir/back" || { echo "the round trip differs" >&2; exit 1; }
rm -f "$dir/back"
# Debian's age on the same file and key; its decryption of modelcert's file (and the
# reverse is checked: modelcert's decrypt of age's file gives the plaintext back).
aenc=$(timed age -e -r "$recipient" -o "$dir/a.age" "$dir/plain")
adec=$(timed age -d -i "$dir/key" -o "$dir/back" "$dir/c.age")
cmp -s "$dir/plain" "$dir/back" || { echo "age -d of modelcert's file differs" >&2; exit 1; }
rm -f "$dir/back" "$dir/a.age"
o2=$(ossl)
awk -v b="$bytes" -v e="$enc" -v d="$dec" -v o1="$o1" -v o2="$o2" -v mib="$MIB" -v c="$copy" \
    -v ae="$aenc" -v ad="$adec" -v av="$(age --version 2>/dev/null)" 'BEGIN {
    o = (o1 + o2) / 2
    split(e, E, " "); split(d, D, " "); split(c, C, " "); split(ae, AE, " "); split(ad, AD, " ")
    printf "file: %d MiB\n", mib
    printf "openssl speed chacha20-poly1305, 64 KiB blocks: %.0f MB/s (%.0f before, %.0f after)\n", o / 1e6, o1 / 1e6, o2 / 1e6
    printf "cp of the file (the kernel reading it and writing a new one): %.2f s wall, %.2f s cpu\n", C[1], C[2]
    printf "openssl cpu for that many bytes plus the copy: %.2f s\n", b / o + C[2]
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
