The keygen examples of docs/signing-keys.md and the keygen rows of docs/exit-codes.md, as a
transcript (cram; run by `make test`). Key hints are random: `(re)` lines match them.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ unset MODELCERT_KEY_PASSPHRASE
  $ modelcert keygen -o release
  wrote release.key \(P-256 private key, not encrypted, mode 0600\) (re)
  wrote release.pub \(P-256 public key, key hint [0-9a-f]{64}\) (re)
  $ stat -c '%a %n' release.key release.pub
  600 release.key
  644 release.pub
  $ head -1 release.key release.pub
  ==> release.key <==
  -----BEGIN PRIVATE KEY-----
  
  ==> release.pub <==
  -----BEGIN PUBLIC KEY-----
  $ openssl pkey -in release.key -pubout | cmp - release.pub
  $ modelcert keygen -o release
  modelcert: release.key exists; use --force to overwrite it
  [2]
  $ modelcert keygen --curve p999 -o other
  modelcert: unknown curve 'p999': p256, p384 or p521
  [2]
  $ modelcert keygen --passphrase hunter2 -o other
  modelcert keygen: a passphrase is never taken from the command line: use --passphrase-file F or MODELCERT_KEY_PASSPHRASE
  Run 'modelcert keygen --help' for usage.
  [2]
  $ printf 'correct horse\n' > pass.txt
  $ modelcert keygen --curve p384 --passphrase-file pass.txt -o signer
  wrote signer.key \(P-384 private key, encrypted, mode 0600\) (re)
  wrote signer.pub \(P-384 public key, key hint [0-9a-f]{64}\) (re)
  $ head -1 signer.key
  -----BEGIN ENCRYPTED PRIVATE KEY-----
  $ openssl pkey -in signer.key -passin file:pass.txt -pubout | cmp - signer.pub
  $ openssl pkey -in signer.key -passin pass:wrong -noout 2>/dev/null
  [1]
  $ modelcert keygen --pkcs11-public 'pkcs11:token=release;object=model-signing' -o hsm
  modelcert: no PKCS #11 module: give module-path= in the URI or set MODELCERT_PKCS11_MODULE
  [2]
  $ modelcert keygen --pkcs11-public 'pkcs11:token=release;objekt=model-signing' -o hsm
  modelcert: PKCS #11 URI: unknown path attribute 'objekt' at column 22
  [2]
