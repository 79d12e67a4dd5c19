Consistent verbs (issue 24, item 5): output directories checked before any work, -q on
every verb, the audit line only with -v (or in validate's summary), validate --numerics,
progress on a terminal only, validate --help naming every check category, and certify's note
about a missing ONNX export.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples/seed" seed
  $ export MODELCERT_AUDIT=audit.db

An output directory that cannot be made is refused before any work, with exit 2: nothing is
trained (no epoch line), no event is appended. The same check for every verb with -o.

  $ modelcert run --numerics reference seed/modelcert.yaml -o /proc/x/run
  modelcert: cannot write /proc/x/run: cannot create anything in /proc (No such file or directory)
  [2]
  $ modelcert validate seed/modelcert.yaml -o /proc/x/run
  modelcert: cannot write /proc/x/run: cannot create anything in /proc (No such file or directory)
  [2]
  $ modelcert validate seed/modelcert.yaml -o gate --report-dir /proc/x/reports
  modelcert: cannot write /proc/x/reports: cannot create anything in /proc (No such file or directory)
  [2]
  $ modelcert predict seed/data.csv seed/data.csv -o /proc/out.csv
  modelcert: cannot write /proc/out.csv: cannot create anything in /proc (No such file or directory)
  [2]
  $ modelcert audit export --format csv -o /proc/events.csv
  modelcert: cannot write /proc/events.csv: cannot create anything in /proc (No such file or directory)
  [2]
  $ test -e audit.db || echo "no trail: nothing was recorded"
  no trail: nothing was recorded

Every verb takes -q:

  $ for v in check init run predict explain validate reproduce audit export report sign verify \
  >          digest certify keygen 'privacy scan' 'privacy epsilon' 'audit checkpoint'; do
  >   modelcert $v --help | grep -q -e '-q, --quiet' -e '-q: print' || echo "no -q: $v"
  > done

The audit line: not without -v, with -v on standard error.

  $ modelcert run --numerics reference seed/modelcert.yaml -o r1 >/dev/null 2>err.txt
  $ grep -c audit err.txt
  0
  [1]
  $ modelcert run -q -v --numerics reference seed/modelcert.yaml -o r2 2>err.txt
  r2
  $ cat err.txt
  audit: event 2 in audit.db

validate with --numerics reference, as run: the same model bits on every machine. In a pipe
there is no progress on standard error; the summary names the audit event.

  $ modelcert validate --numerics reference seed/modelcert.yaml -o g1 2>err.txt | tail -3
  run: g1
  validation: g1/validation.json
  audit: event 3 in audit.db
  $ wc -c < err.txt
  0
  $ python3 -c "import json; print(json.load(open('g1/run.json'))['numerics'])"
  reference
  $ cmp g1/model.mcm r1/model.mcm && echo "same model as run --numerics reference"
  same model as run --numerics reference
  $ modelcert validate -q --numerics turbo seed/modelcert.yaml
  modelcert validate: --numerics is fast or reference, not 'turbo'
  Run 'modelcert validate --help' for usage.
  [2]
  $ modelcert validate -q -v --numerics reference seed/modelcert.yaml -o g2 2>err.txt
  verdict: PASS (9 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ cat err.txt
  audit: event 4 in audit.db

On a terminal (here one made by script(1)), each epoch of the run and of the re-run:

  $ script -qec "$MODELCERT validate --numerics reference seed/modelcert.yaml -o g3 >/dev/null" \
  >   /dev/null </dev/null | tr '\r' '\n' | grep -ao 'run [0-9]/[0-9]  epoch 10/10  loss'
  run 1/2  epoch 10/10  loss
  run 2/2  epoch 10/10  loss

validate --help names every check category:

  $ modelcert validate --help | grep -E '^  (data|reproducibility|thresholds|privacy|signing) '
    data             the data matches its pinned sha256 (a warning when not pinned)
    reproducibility  reproducibility.runs re-runs, compared bit for bit or within
    thresholds       value thresholds, change thresholds against --baseline, per
    privacy          the spec's privacy section: personal data in the columns,
    signing          with --baseline-key or --baseline-ca: the baseline's

-q on the other verbs: only the result, or nothing on success.

  $ modelcert audit verify -q
  $ modelcert reproduce -q r1
  verdict: REPRODUCED
  $ modelcert digest -q r1/model.mcm | wc -c
  65
  $ modelcert privacy epsilon -q --noise-multiplier 1.5 --sample-rate 0.05 --steps 800 --delta 1e-5 | wc -l
  1
  $ modelcert init -q starter
  $ ls starter
  churn.csv
  modelcert.yaml

certify of a run without an export: a note, not an error.

  $ modelcert keygen -q -o release
  $ modelcert certify g1 --key release.key
  certified g1: PASSED (9 passed, 0 warned), model sha256:* (glob)
    signature (model_signing): g1/model.sig
    release certificate: g1/release.intoto.jsonl
    ML-BOM (CycloneDX): g1/bom.cdx.json sha256:* (glob)
    note: no model.onnx: export first if you deploy ONNX
  $ modelcert export -q --format onnx g2
  $ modelcert certify g2 --key release.key | grep -c note
  0
  [1]
