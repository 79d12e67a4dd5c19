#!/usr/bin/env bash
# modelcert encrypt / decrypt (docs/encryption.md) against Debian's age and age-keygen, both
# ways: files modelcert encrypts open with `age -d`, files age encrypts open with modelcert,
# for X25519 (one and several recipients, recipients and identity files with comments),
# scrypt passphrases (age reads those from a terminal only: `script` gives it one), armored
# and binary, empty, exactly 64 KiB, 64 KiB + 1 and several chunks. Then hostile files, each
# refused with its exit status and its reason, and never a partial output: no match, a
# changed MAC, truncated, swapped and extended chunks, a huge stanza body, malformed armor, a
# low-order share and a work factor over the cap (the age testkit's vectors), a bad recipient,
# a passphrase on the command line, a file truncated while it is decrypted (exit 1 and an
# event, never SIGBUS). Every decryption, and every file refused, is an audit
# event with the plaintext's digest and the stanza that opened. predict --identity decrypts a
# model in memory only (strace shows no other file written) and predicts as the clear model.
# usage: age.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
KIT="$SRC/tests/fixtures/age-testkit"
D="$TMP/age"
mkdir "$D"

if ! command -v age >/dev/null || ! command -v age-keygen >/dev/null; then
    skip "age interop" "Debian's age is not installed (make test-deps installs it)"
    have_age=0
else
    have_age=1
fi

expect_exit 0 "encrypt --help" -- "$MC" encrypt --help
expect_grep out "never taken from the command line" "encrypt's help says where a passphrase comes from"
expect_exit 0 "decrypt --help" -- "$MC" decrypt --help
expect_grep out "exit status: 0 decrypted; 1 no identity" "decrypt's help gives the exit statuses"

# The plaintexts: empty, one byte short of, exactly and one byte over a chunk, three chunks,
# and 33 chunks and a byte (over the blocks the stream may read and write at once).
: >"$D/p0"
head -c 65535 /dev/urandom >"$D/p65535"
head -c 65536 /dev/urandom >"$D/p65536"
head -c 65537 /dev/urandom >"$D/p65537"
head -c 200000 /dev/urandom >"$D/p200000"
head -c 2162689 /dev/urandom >"$D/p2162689"
SIZES="0 65535 65536 65537 2162689 200000" # 200000 last: a.age is it below

# A passphrase through `script` (age reads it from /dev/tty only): each line sent after a pause.
age_tty() {
    local lines=$1
    shift
    (for l in $lines; do sleep 1; printf '%s\n' "$PW"; done) |
        timeout 60 script -qec "$*" /dev/null >/dev/null 2>&1
}

if [ "$have_age" = 1 ]; then
    age-keygen -o "$D/k1" 2>/dev/null
    age-keygen -o "$D/k2" 2>/dev/null
    age-keygen -o "$D/k3" 2>/dev/null
    R1=$(age-keygen -y "$D/k1")
    R2=$(age-keygen -y "$D/k2")
    check grep -q '^# public key: age1' "$D/k1" -- "age-keygen's identity file has its comment lines"
    printf '# team recipients\n\n%s\n# the second\n%s\n' "$R1" "$R2" >"$D/recipients"

    for n in $SIZES; do
        for armor in "" "-a"; do
            tag="$n${armor:+ armored}"
            # modelcert -> age: one recipient, then two (each identity opens it).
            expect_exit 0 "encrypt $tag to one recipient" -- "$MC" encrypt "$D/p$n" -r "$R1" $armor -o "$D/m1.age"
            check sh -c "age -d -i '$D/k1' '$D/m1.age' | cmp -s - '$D/p$n'" -- "age -d opens modelcert's $tag file"
            expect_exit 0 "encrypt $tag to a recipients file" -- "$MC" encrypt "$D/p$n" -R "$D/recipients" $armor -o "$D/m2.age"
            check sh -c "age -d -i '$D/k1' '$D/m2.age' | cmp -s - '$D/p$n' && age -d -i '$D/k2' '$D/m2.age' | cmp -s - '$D/p$n'" -- "age -d opens the $tag file with either of two identities"
            # age -> modelcert.
            age $armor -r "$R1" -r "$R2" -o "$D/a.age" "$D/p$n"
            expect_exit 0 "decrypt age's $tag file (second identity)" -- "$MC" decrypt "$D/a.age" -i "$D/k2" -o "$D/out"
            check cmp -s "$D/out" "$D/p$n" -- "modelcert opens age's $tag file to the same bytes"
        done
    done
    check [ "$(stat -c %a "$D/out")" = 600 ] -- "the decrypted file is mode 0600"
    # Every decryption is an audit event: who, the plaintext's digest, which stanza opened.
    expect_exit 0 "decrypt, recorded" -- "$MC" decrypt "$D/a.age" -i "$D/k2" -o "$D/aud.out" -v
    expect_grep err "^audit: event [0-9]* in $MODELCERT_AUDIT" "decrypt -v says where its event went"
    id=$(sed -n 's/^audit: event \([0-9]*\) in.*/\1/p' "$TMP/err")
    "$MC" audit show "$id" >"$D/ev.json"
    check python3 -c "
import json, hashlib, sys
e = json.load(open(sys.argv[1]))
d = e['details']
assert e['kind'] == 'decrypt' and e['verdict'] == 'decrypted', e
assert e['model_digest'] == hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest(), e
assert d['recipient'] == sys.argv[3] and d['stanza'] == 2 and d['stanza_type'] == 'X25519', d
assert d['plaintext_bytes'] == 200000 and d['result'] == 'success', d
" "$D/ev.json" "$D/p200000" "$R2" -- "the event has the plaintext's sha256 and the second recipient's stanza"
    expect_exit 1 "decrypt with a stranger's key, recorded" -- "$MC" decrypt "$D/a.age" -i "$D/k3" -o "$D/aud2.out" -v
    id=$(sed -n 's/^audit: event \([0-9]*\) in.*/\1/p' "$TMP/err")
    "$MC" audit show "$id" >"$D/ev2.json"
    check python3 -c "
import json, sys
e = json.load(open(sys.argv[1]))
assert e['verdict'] == 'refused' and e['details']['result'] == 'no match', e
assert 'no identity matched' in e['details']['reason'] and e['model_digest'] is None, e
" "$D/ev2.json" -- "a refused file is an event too, with its reason"
    expect_exit 0 "the trail still verifies" -- "$MC" audit verify
    expect_exit 0 "decrypt to standard output" -- sh -c "'$MC' decrypt '$D/a.age' -i '$D/k1' -o - >'$D/out2'"
    check cmp -s "$D/out2" "$D/p200000" -- "standard output gets the plaintext"
    expect_exit 0 "encrypt standard input" -- sh -c "'$MC' encrypt - -r '$R1' -o '$D/stdin.age' <'$D/p65537'"
    check sh -c "age -d -i '$D/k1' '$D/stdin.age' | cmp -s - '$D/p65537'" -- "age opens what modelcert encrypted from standard input"
    expect_exit 0 "armored output is ASCII armor" -- head -1 "$D/m1.age"
    expect_grep out "^-----BEGIN AGE ENCRYPTED FILE-----$" "the armor's first line"

    # scrypt both ways (a low work factor for speed on modelcert's side; age uses its own).
    export PW='correct horse battery'
    printf '%s\n' "$PW" >"$D/pwfile"
    expect_exit 0 "encrypt to a passphrase" -- "$MC" encrypt "$D/p65537" --passphrase-env PW --work-factor 12 -o "$D/s.age"
    check [ ! -s "$TMP/out" ] -- "encrypt to a passphrase prints nothing"
    check grep -qa '^-> scrypt [A-Za-z0-9+/]* 12$' "$D/s.age" -- "the scrypt stanza records work factor 12"
    age_tty 1 age -d -o "$D/s.out" "$D/s.age"
    check cmp -s "$D/s.out" "$D/p65537" -- "age -d opens modelcert's passphrase file (passphrase through script)"
    age_tty "1 2" age -p -a -o "$D/as.age" "$D/p65536"
    expect_exit 0 "decrypt age's armored passphrase file" -- "$MC" decrypt "$D/as.age" --passphrase-file "$D/pwfile" -o "$D/as.out"
    check cmp -s "$D/as.out" "$D/p65536" -- "modelcert opens age's passphrase file"
    WRONG=nope expect_exit 1 "a wrong passphrase" -- env WRONG=nope "$MC" decrypt "$D/s.age" --passphrase-env WRONG -o "$D/x"
    expect_grep err "no identity matched.*wrong passphrase" "a wrong passphrase is named"
    expect_exit 2 "a work factor over --max-work-factor" -- "$MC" decrypt "$D/s.age" --passphrase-env PW --max-work-factor 11 -o "$D/x"
    expect_grep err "work factor 2^12 is over the limit of 2^11" "the cap is named"
    expect_exit 2 "a passphrase with recipients" -- "$MC" encrypt "$D/p0" -r "$R1" --passphrase-env PW -o "$D/x"
    expect_grep err "cannot be combined" "passphrase and recipients refused together"

    # Hostile files: modelcert's own 200000-byte file (four chunks), changed.
    "$MC" encrypt "$D/p200000" -r "$R1" -o "$D/good.age"
    "$MC" encrypt "$D/p65536" -r "$R1" -o "$D/full.age"
    { cat "$D/full.age"; printf x; } >"$D/fullx.age"
    python3 - "$D/good.age" "$D" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
d = sys.argv[2]
hdr = data.index(b'\n--- ') + 5 + 43 + 1
at, chunk = hdr + 16, 65536 + 16
c = [data[at + i * chunk: at + (i + 1) * chunk] for i in range(4)]
open(d + '/swapped.age', 'wb').write(data[:at] + c[1] + c[0] + c[2] + c[3])
open(d + '/truncated.age', 'wb').write(data[:at + 3 * chunk])
open(d + '/short.age', 'wb').write(data[:-1])
open(d + '/extended.age', 'wb').write(data + b'x')
mac = hdr - 44
bad = bytearray(data); bad[mac] = ord('B') if bad[mac] != ord('B') else ord('C')
open(d + '/mac.age', 'wb').write(bytes(bad))
# a grease stanza with a 16 KiB + 3 bytes body, before the real one
body = 'A' * ((16387 * 4 + 2) // 3)
lines = '\n'.join(body[i:i + 64] for i in range(0, len(body), 64))
lines += '\n' if len(body) % 64 else '\n\n'
nl = data.index(b'\n') + 1
open(d + '/huge.age', 'wb').write(data[:nl] + b'-> grease\n' + lines.encode() + data[nl:])
PY
    for f in swapped truncated short extended mac fullx; do
        rm -f "$D/x"
        expect_exit 1 "a $f file" -- "$MC" decrypt "$D/$f.age" -i "$D/k1" -o "$D/x"
        check [ ! -e "$D/x" ] -- "no output is left from the $f file"
    done
    "$MC" decrypt "$D/swapped.age" -i "$D/k1" -o "$D/x" 2>"$TMP/err"
    expect_grep err "chunk 1: does not authenticate (tampered, reordered or swapped)" "swapped chunks are named"
    "$MC" decrypt "$D/truncated.age" -i "$D/k1" -o "$D/x" 2>"$TMP/err"
    expect_grep err "chunk 4: the payload ends without its final chunk (truncated)" "truncation is named"
    "$MC" decrypt "$D/short.age" -i "$D/k1" -o "$D/x" 2>"$TMP/err"
    expect_grep err "chunk 4: does not authenticate as the final chunk" "a cut final chunk is named"
    "$MC" decrypt "$D/extended.age" -i "$D/k1" -o "$D/x" 2>"$TMP/err"
    expect_grep err "chunk 4: does not authenticate as the final chunk" "a longer final chunk is named"
    "$MC" decrypt "$D/fullx.age" -i "$D/k1" -o "$D/x" 2>"$TMP/err"
    expect_grep err "chunk 2: data after the final chunk" "data after a full final chunk is named"
    "$MC" decrypt "$D/mac.age" -i "$D/k1" -o "$D/x" 2>"$TMP/err"
    expect_grep err "the header MAC does not match" "a changed MAC is named"
    expect_exit 2 "a stanza body over 16 KiB" -- "$MC" decrypt "$D/huge.age" -i "$D/k1" -o "$D/x"
    expect_grep err "a stanza body over the limit of 16 KiB" "the huge body is named"
    expect_exit 1 "an identity that matches no stanza" -- "$MC" decrypt "$D/good.age" -i "$D/k3" -o "$D/x"
    expect_grep err "no identity matched any of the file's 1 recipient stanza" "no match is named"
    check sh -c "! ls '$D' | grep -q '\.tmp\.'" -- "no temporary file is left behind"
    # A file truncated while it is decrypted: read, never mapped, so the read ends early and
    # the file is refused (exit 1, the chunk named, a 'refused' event), never SIGBUS (a
    # mapped file stopped the process: exit 135, no event). The reader of standard output
    # truncates the file after the first bytes reach it, while modelcert is blocked in write.
    head -c 8000000 /dev/urandom >"$D/p8m"
    "$MC" encrypt "$D/p8m" -r "$R1" -o "$D/cut.age"
    "$MC" decrypt "$D/cut.age" -i "$D/k1" -o - 2>"$TMP/err" |
        (head -c 1 >/dev/null; truncate -s 100000 "$D/cut.age"; cat >/dev/null)
    st=${PIPESTATUS[0]}
    check [ "$st" = 1 ] -- "a file truncated during decryption exits 1 (not SIGBUS: got $st)"
    expect_grep err "age payload: chunk [0-9]*: " "the truncation is named at its chunk"
    "$MC" audit log >"$TMP/out"
    check [ "$(awk 'END { print $4, $5 }' "$TMP/out")" = "decrypt refused" ] -- "the truncated file's refusal is an event"
    case $R1 in *q) TYPO="${R1%?}p" ;; *) TYPO="${R1%?}q" ;; esac
    expect_exit 2 "a recipient with a typo" -- "$MC" encrypt "$D/p0" -r "$TYPO" -o "$D/x"
    expect_grep err "checksum does not match" "the bad recipient is named"
    printf '# ok\n%s\nssh-ed25519 AAAA\n' "$R1" >"$D/badrecipients"
    expect_exit 2 "an SSH key in a recipients file" -- "$MC" encrypt "$D/p0" -R "$D/badrecipients" -o "$D/x"
    expect_grep err "badrecipients:3:1: SSH recipients are not supported" "the line is named"
fi

# predict --identity: an encrypted model decrypted in memory only, the same predictions as
# the clear model, no clear byte written (strace: no file opened for writing but the
# predictions' and the audit trail's), the decryption an event.
if [ "$have_age" = 1 ]; then
    expect_exit 0 "a run for a model" -- "$MC" run "$SRC/examples/seed/modelcert.yaml" -o "$D/run" -q
    "$MC" predict "$D/run/model.mcm" "$SRC/examples/seed/data.csv" -o "$D/clear.csv" 2>/dev/null
    expect_exit 0 "encrypt the model" -- "$MC" encrypt "$D/run/model.mcm" -r "$R1" -o "$D/model.mcm.age"
    if command -v strace >/dev/null; then
        # LeakSanitizer cannot run under ptrace: off for this one command in a sanitizer build.
        expect_exit 0 "predict with --identity (under strace)" -- \
            env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat -o "$D/trace" "$MC" predict "$D/model.mcm.age" "$SRC/examples/seed/data.csv" -i "$D/k1" -o "$D/sealed.csv" -v
        grep -E 'O_WRONLY|O_RDWR|O_CREAT' "$D/trace" | grep -v -e "$MODELCERT_AUDIT" -e "$D/sealed.csv.tmp" -e '"/dev/' >"$D/writes" || true
        check [ ! -s "$D/writes" ] -- "predict --identity opens no file for writing but its output and the trail"
        [ -s "$D/writes" ] && sed 's/^/  /' "$D/writes"
    else
        skip "predict --identity under strace" "strace is not installed"
        expect_exit 0 "predict with --identity" -- "$MC" predict "$D/model.mcm.age" "$SRC/examples/seed/data.csv" -i "$D/k1" -o "$D/sealed.csv" -v
    fi
    check cmp -s "$D/clear.csv" "$D/sealed.csv" -- "the encrypted model predicts as the clear one"
    id=$(sed -n 's/^audit: event \([0-9]*\) in.*/\1/p' "$TMP/err")
    "$MC" audit show "$id" >"$D/ev3.json"
    check python3 -c "
import json, hashlib, sys
e = json.load(open(sys.argv[1]))
assert e['kind'] == 'decrypt' and e['details']['output'] == 'memory (predict)', e
assert e['model_digest'] == hashlib.sha256(open(sys.argv[2], 'rb').read()).hexdigest(), e
" "$D/ev3.json" "$D/run/model.mcm" -- "the event names the model's digest and that it stayed in memory"
    expect_exit 1 "predict with a stranger's key" -- "$MC" predict "$D/model.mcm.age" "$SRC/examples/seed/data.csv" -i "$D/k3" -o "$D/x.csv"
    expect_grep err "no identity matched" "the refusal is named"
    check [ ! -e "$D/x.csv" ] -- "no predictions from a model that did not open"
fi

# Vectors of the age testkit, through the command (the library runs them all: test_age_testkit).
vector() { sed '1,/^$/d' "$KIT/$1" >"$D/$1.age"; sed -n 's/^identity: //p' "$KIT/$1" | head -1 >"$D/$1.key"; }
vector x25519_low_order
expect_exit 2 "a low-order X25519 share" -- "$MC" decrypt "$D/x25519_low_order.age" -i "$D/x25519_low_order.key" -o "$D/x"
expect_grep err "low-order point" "the low-order share is named"
vector x25519
expect_exit 0 "the testkit's x25519 vector" -- "$MC" decrypt "$D/x25519.age" -i "$D/x25519.key" -o "$D/x"
check [ "$(sha256sum <"$D/x" | cut -d' ' -f1)" = "$(sed -n 's/^payload: //p' "$KIT/x25519")" ] -- "its payload has the vector's sha256"
vector armor_short_line
expect_exit 2 "malformed armor" -- "$MC" decrypt "$D/armor_short_line.age" -i "$D/armor_short_line.key" -o "$D/x"
expect_grep err "armor: line" "the armor's line is named"
sed '1,/^$/d' "$KIT/scrypt_work_factor_23" >"$D/wf23.age"
expect_exit 2 "a work factor of 2^23" -- env PW=password "$MC" decrypt "$D/wf23.age" --passphrase-env PW -o "$D/x"
expect_grep err "work factor 2^23 is over the limit of 2^22" "the work factor is named"
expect_exit 2 "a passphrase on the command line" -- "$MC" encrypt "$D/p0" --passphrase secret -o "$D/x"
expect_grep err "never taken from the command line" "argv passphrase refused"
check sh -c "! grep -q secret '$TMP/err'" -- "the refused passphrase is not echoed"
expect_exit 2 "decrypt without -o" -- "$MC" decrypt "$D/x25519.age" -i "$D/x25519.key"
expect_exit 2 "decrypt of a missing file" -- "$MC" decrypt "$D/nothing.age" -i "$D/x25519.key" -o "$D/x"
expect_exit 2 "decrypt of a device" -- "$MC" decrypt /dev/zero -i "$D/x25519.key" -o "$D/x"
expect_grep err "/dev/zero is not a regular file" "a device is refused before it is read"
finish
