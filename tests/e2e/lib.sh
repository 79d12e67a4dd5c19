# Shared set-up and helpers for the end-to-end tests; source it first, after
# setting MC and SRC. A private temporary directory, removed on exit, holds
# everything a test writes, its audit trail included (never beside the example
# specs, in the source tree).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export MODELCERT_AUDIT="$TMP/audit.db"
failures=0

# expect_exit WANT DESCRIPTION -- COMMAND...
expect_exit() {
    local want=$1 what=$2
    shift 3
    "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $what: exit $got, want $want"
        sed 's/^/  stdout: /' "$TMP/out" | head -20
        sed 's/^/  stderr: /' "$TMP/err" | head -20
        failures=$((failures + 1))
    else
        echo "ok: $what"
    fi
}

# expect_grep FILE(out|err) PATTERN DESCRIPTION
expect_grep() {
    local file=$1 pattern=$2 what=$3
    if grep -q -- "$pattern" "$TMP/$file"; then
        echo "ok: $what"
    else
        echo "FAIL: $what: '$pattern' not in $file"
        sed 's/^/  /' "$TMP/$file" | head -20
        failures=$((failures + 1))
    fi
}

# check CONDITION-COMMAND... -- DESCRIPTION: passes when the command succeeds
check() {
    local what=${!#}
    if "${@:1:$#-2}"; then
        echo "ok: $what"
    else
        echo "FAIL: $what"
        failures=$((failures + 1))
    fi
}

# skip DESCRIPTION REASON: a check that could not run here, shown as SKIP (never "ok")
# and counted in finish's summary.
skipped=0
skip() {
    echo "SKIP: $1 ($2)"
    skipped=$((skipped + 1))
}

finish() {
    if [ "$skipped" -gt 0 ]; then
        echo "$failures failure(s), $skipped skipped"
    else
        echo "$failures failure(s)"
    fi
    [ "$failures" -eq 0 ]
}

# A test root CA in the current directory, for the certificate tests (sign.sh,
# certify_trust.sh): `openssl ca` with its database in caroot/ (so leaves get serials and
# dates as a CA gives them), ca.cnf holding the extensions of ./ext.cnf (which must define
# [rootext]), the root's key ca.key and its certificate ca.pem, valid 2019 to 2040 (a leaf
# from 2020 is judged by it). Needs $TMP (the test's directory, the current one).
make_test_root() {
    mkdir -p caroot/newcerts
    : > caroot/index.txt
    echo 01 > caroot/serial
    cat > ca.cnf <<CNF
[ca]
default_ca=d
[d]
dir=$TMP/caroot
database=\$dir/index.txt
new_certs_dir=\$dir/newcerts
serial=\$dir/serial
default_md=sha256
policy=p
copy_extensions=none
unique_subject=no
default_days=365
[p]
commonName=supplied
[req]
distinguished_name=dn
[dn]
CNF
    cat ext.cnf >> ca.cnf
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
    openssl req -new -key ca.key -subj /CN=Test-Root -out ca.csr -config ca.cnf 2>/dev/null
    openssl ca -batch -selfsign -config ca.cnf -keyfile ca.key -in ca.csr -out ca.pem -notext \
        -startdate 20190101000000Z -enddate 20400101000000Z -extensions rootext 2>/dev/null
}

# A fresh copy of examples/seed in ./seed (no trail, no runs) with a signing key: seed/k.pem
# (EC on the curve $1, default P-256, mode 600) and its public key ./k.pub. Needs $SRC.
seed_with_key() {
    cp -r "$SRC/examples/seed" seed
    rm -rf seed/.modelcert seed/runs
    openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${1:-P-256}" -out seed/k.pem 2>/dev/null
    chmod 600 seed/k.pem
    openssl pkey -in seed/k.pem -pubout -out k.pub 2>/dev/null
}
