A protected release, as README.md shows it ("A protected release"): the spec's protection
section, validate writing only model.mcm.age, certify, predict and verify with the
partner's identity, the decryptions in the audit trail, and strace showing that no clear
model byte is written (a clear run's trace, last, shows what that looks like). A transcript
(cram; run by `make test`), with Debian's age-keygen and strace; the keys are new each time,
so the digests are globbed. (LeakSanitizer cannot run under ptrace: off for the traced
commands in a sanitizer build.)

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples/seed" . && cp -R seed clear
  $ export MODELCERT_AUDIT=audit.db
  $ age-keygen -o partner.key 2>/dev/null
  $ cat >> seed/modelcert.yaml <<EOF2
  > 
  > protection:
  >   encrypt_to: ["$(age-keygen -y partner.key)"]
  >   require_encryption: true
  > EOF2
  $ modelcert validate -q seed/modelcert.yaml -o release
  verdict: PASS (10 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ ls release
  history.csv
  metrics.json
  model.mcm.age
  run.json
  spec.json
  test_predictions.csv
  validation.json
  $ openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out release.key 2>/dev/null
  $ chmod 600 release.key && openssl pkey -in release.key -pubout -out release.pub
  $ modelcert certify release --key release.key
  certified release: PASSED (10 passed, 0 warned), model sha256:* (glob)
    signature (model_signing): release/model.sig
    release certificate: release/release.intoto.jsonl
    ML-BOM (CycloneDX): release/bom.cdx.json sha256:* (glob)
    encrypted model: model.mcm.age sha256:* (the model above is its clear content) (glob)
    note: no model.onnx: export first if you deploy ONNX
  $ modelcert predict release/model.mcm.age seed/data.csv -i partner.key -o predictions.csv
  modelcert: 107 rows dropped by the model's dropna step (no prediction)
  $ modelcert verify release --key release.pub --certificate release/release.intoto.jsonl -i partner.key
  verified: release (8 resources, sha256:*), signed by key * (glob)
  $ modelcert audit log | awk '{ print $1, $4, $5 }'
  1 validate pass
  2 certify certified
  3 decrypt decrypted
  4 decrypt decrypted
  5 verify pass
  $ modelcert audit log | awk '$4 == "decrypt" { print $1 }' | while read id; do modelcert audit show "$id" | grep '"output"'; done
      "output": "memory (predict)",
      "output": "memory (verify)",
  $ env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat,write -o trace "$MODELCERT" run -q seed/modelcert.yaml -o again
  again
  $ grep -E 'O_WRONLY|O_RDWR|O_CREAT' trace | grep -c 'model\.mcm"' || true
  0
  $ grep -c 'MCMODEL' trace || true
  0
  $ grep -c 'write(.*"age-encryption.org/v1' trace
  1
  $ env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat,write -o clear.trace "$MODELCERT" run -q clear/modelcert.yaml -o clear-run
  clear-run
  $ grep -c 'MCMODEL' clear.trace
  1
