Claims of the documentation that a command can show, as a transcript (cram; run by `make test`):
the YAML the spec reader accepts and refuses (docs/spec.md, "Which YAML"), how the audit trail
treats a file that holds no trail (docs/audit.md, "Opening a database"), the events that `sign`,
`verify` and `certify` append (docs/audit.md), `keygen` (docs/signing.md, "Keys"), and the
privacy scan's output (docs/privacy.md).

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples/seed" .
  $ seed=$(modelcert check --digest seed/modelcert.yaml | cut -c1-64)

A comment glued to a quoted value, or to a flow collection, is refused at its `#`; with a
space before it, it is a comment and the spec is the same spec:

  $ sed 's/^  version: "1.0.0"$/  version: "1.0.0"# the first release/' seed/modelcert.yaml > glued.yaml
  $ modelcert check glued.yaml
  glued.yaml:39:19: error: '#' right after a quoted value: a YAML comment must be preceded by a space (write ' #' to start a comment)
  glued.yaml: 1 error
  [2]
  $ sed 's/^  columns: {segment: categorical}$/  columns: {segment: categorical}#the slice/' seed/modelcert.yaml > glued-flow.yaml
  $ modelcert check glued-flow.yaml
  glued-flow.yaml:50:34: error: '#' right after a mapping's '}': a YAML comment must be preceded by a space (write ' #' to start a comment)
  glued-flow.yaml: 1 error
  [2]
  $ sed 's/^  version: "1.0.0"$/  version: "1.0.0" # the first release/' seed/modelcert.yaml > spaced.yaml
  $ test "$(modelcert check --digest spaced.yaml 2>/dev/null | cut -c1-64)" = "$seed" && echo same spec
  same spec

After a plain value, `#` is part of the value; a plain `010` is ten, not octal 8:

  $ sed 's/^  name: seed-binary-mlp$/  name: seed#mlp/; s/^  epochs: 10$/  epochs: 010/' seed/modelcert.yaml > plain.yaml
  $ modelcert check --print-normalized plain.yaml 2>/dev/null | grep -E '"(name|epochs)"'
      "name": "seed#mlp",
      "epochs": 10,

Valid YAML 1.2 that libyaml 0.2.5 refuses: a tab after `-`, `%YAML 1.3`; `%YAML 1.2` is read:

  $ sed 's/^  - dropna /  -\tdropna /' seed/modelcert.yaml > tab.yaml
  $ modelcert check tab.yaml
  tab.yaml:58:4: error: YAML syntax error: found character that cannot start any token while scanning for the next token
  tab.yaml: 1 error
  [2]
  $ { echo '%YAML 1.3'; echo '---'; cat seed/modelcert.yaml; } > y13.yaml
  $ modelcert check y13.yaml
  y13.yaml:1:1: error: YAML syntax error: found incompatible YAML document
  y13.yaml: 1 error
  [2]
  $ { echo '%YAML 1.2'; echo '---'; cat seed/modelcert.yaml; } > y12.yaml
  $ test "$(modelcert check --digest y12.yaml 2>/dev/null | cut -c1-64)" = "$seed" && echo same spec
  same spec

An anchor name that libyaml would end early (at the `:`), taking the rest as the value, is
refused at that character:

  $ sed 's/^  owner: ml-team@example.com$/  owner: \&owner:v1 ml-team@example.com/' seed/modelcert.yaml > anchor.yaml
  $ modelcert check anchor.yaml
  anchor.yaml:40:16: error: anchor '&owner' is followed by ':': an anchor name ends at the first character that is not a letter, digit, '-' or '_', and the rest would be read as the value (use such a name, then a space)
  anchor.yaml: 1 error
  [2]

An empty file holds no trail: the read-only commands say so, and the first event gives it the
schema. A file that is not an SQLite database, and an SQLite database that is not a trail, are
refused, never changed:

  $ : > empty.db
  $ modelcert audit verify --audit empty.db
  modelcert: audit database empty.db is empty: no event has been recorded in it yet
  [2]
  $ modelcert run -q --numerics reference --audit empty.db seed/modelcert.yaml -o r0
  r0
  $ modelcert audit verify --audit empty.db
  intact: 1 events, head [0-9a-f]{64} (re)
  $ printf 'these bytes are not a database, nor an audit trail, but they are in a file.db' > junk.db
  $ modelcert audit verify --audit junk.db
  modelcert: audit database junk.db is not a modelcert audit trail: the file is not an SQLite database, or it is corrupt (file is not a database)
  [2]
  $ modelcert run -q --audit junk.db seed/modelcert.yaml -o r1
  modelcert: the audit trail cannot be appended to: audit database junk.db is not a modelcert audit trail: the file is not an SQLite database, or it is corrupt (file is not a database)
  [2]
  $ python3 -c 'import sqlite3; c = sqlite3.connect("other.db"); c.execute("CREATE TABLE t(x)"); c.commit()'
  $ modelcert audit log --audit other.db
  modelcert: audit database other.db is not a modelcert audit trail: it is an SQLite database without the trail's meta table
  [2]
  $ ls r1 2>&1 | head -1
  ls: cannot access 'r1': No such file or directory

`keygen` makes a key pair; `sign`, `verify` and `certify` each append an event (kind, verdict):

  $ modelcert keygen -o rel
  wrote rel.key (P-256 private key, not encrypted, mode 0600)
  wrote rel.pub \(P-256 public key, key hint [0-9a-f]{64}\) (re)
  $ export MODELCERT_AUDIT=trail.db
  $ modelcert validate -q seed/modelcert.yaml -o gate
  verdict: PASS (9 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ modelcert sign seed --key rel.key 2>/dev/null
  signed 6 resources of seed: sha256:[0-9a-f]{64} (re)
    signature: seed/model.sig
  $ modelcert verify seed --key rel.pub 2>/dev/null
  verified: seed \(6 resources, sha256:[0-9a-f]{64}\), signed by key [0-9a-f]{64} (re)
  $ modelcert certify gate --key rel.key >/dev/null 2>&1; echo $?
  0
  $ modelcert audit log | awk '{ print $1, $4, $5 }'
  1 validate pass
  2 sign signed
  3 verify pass
  4 certify certified

docs/privacy.md: the scan of the privacy example, its first lines and its verdict (exit 1):

  $ cp -R "$SRC/examples/privacy" .
  $ modelcert privacy scan privacy/data.csv > scan.txt; echo $?
  1
  $ sed -n '2,3p;$p' scan.txt
    FAIL  privacy.pii_scan.name                        column 'name': its name says it holds personal data (a name or an address); not declared in privacy.pii_columns
    FAIL  privacy.pii_scan.email                       column 'email': 400 of 400 sampled values (100%) are email addresses, e.g. s***@e***.com; not declared in privacy.pii_columns
  verdict: PERSONAL DATA FOUND (0 passed, 5 failed, 0 errors, 0 warnings, 0 skipped)
