The `check` examples of docs/spec.md, as a transcript (cram; run by `make test`).

  $ modelcert() { "$MODELCERT" "$@"; }

"A minimal spec": min.yaml is the YAML block under that heading, taken from the document
itself, so the document's spec and its shown output cannot drift apart.

  $ awk '/^## A minimal spec/ { s = 1 } s && /^```$/ { exit } s == 2 { print } s && /^```yaml$/ { s = 2 }' \
  >   "$SRC/docs/spec.md" > min.yaml
  $ modelcert check min.yaml
  min.yaml:6:3: warning: data.source: churn.csv does not exist (yet)
  min.yaml: ok (spec digest sha256:f3e5a58d34307406fe53dbe5e38ac39bc2a6d3f8b536454ff586aa047e1aa273)

"Diagnostics": q1.yaml is the same spec with the number of epochs quoted.

  $ sed 's/^  epochs: \(.*\)$/  epochs: "\1"/' min.yaml > q1.yaml
  $ sed -n 13p q1.yaml
    epochs: "10"
  $ modelcert check q1.yaml
  q1.yaml:13:11: error: training.epochs: expected an integer, got '10' (a quoted string: remove the quotes for a number)
  q1.yaml: 1 error
  [2]
