The messages and exit statuses that docs/exit-codes.md quotes, as a transcript (cram; run by
`make test`). Cram shows a non-zero exit status as [N] after the output.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples/seed" .
  $ export MODELCERT_AUDIT=audit.db

`modelcert` without a verb:

  $ modelcert --version | head -n 1
  modelcert 0.1.0 (spec modelcert/v1)
  $ modelcert --version | sed -n 's/^\(commit\|built with\): .*/\1/p'
  commit
  built with
  $ modelcert --options check | head -n 2
  --json\tnone\t- (esc)
  --digest\tnone\t- (esc)
  $ modelcert --options privacy >/dev/null
  modelcert: --options privacy needs one of its subcommands
  [2]
  $ modelcert >/dev/null 2>&1
  [2]
  $ modelcert frobnicate
  modelcert: unknown verb 'frobnicate'
  Run 'modelcert --help' for the list.
  [2]

`check`: a missing spec; options may follow the specs; after `--`, everything is a file name:

  $ modelcert check x.yaml
  x.yaml: error: cannot open x.yaml: No such file or directory
  x.yaml: 1 error
  [2]
  $ modelcert check seed/modelcert.yaml --json | grep '"valid"'
        "valid": true,
    "valid": true
  $ modelcert check -- --json
  --json: error: cannot open --json: No such file or directory
  --json: 1 error
  [2]
  $ modelcert check --print-normalized seed/modelcert.yaml > /dev/full
  modelcert: cannot write to standard output
  [3]

`init`:

  $ modelcert init proj >/dev/null
  $ modelcert init proj
  modelcert: proj/churn.csv exists; use --force to overwrite it
  [2]
  $ touch regf
  $ modelcert init regf
  modelcert: regf exists and is not a directory
  [2]

`run`:

  $ modelcert run --numerics turbo seed/modelcert.yaml
  modelcert run: --numerics is fast or reference, not 'turbo'
  Run 'modelcert run --help' for usage.
  [2]
  $ modelcert run -q --numerics reference seed/modelcert.yaml -o run1
  run1
  $ modelcert run -q --numerics reference seed/modelcert.yaml -o run1
  modelcert: run1 exists; choose another output directory with -o
  [2]
  $ touch afile
  $ modelcert run -q seed/modelcert.yaml -o afile/run
  modelcert: cannot create afile/run: afile is not a directory
  [2]
  $ sed 's/^  sha256: f/  sha256: 0/' seed/modelcert.yaml > seed/pinned-other.yaml
  $ modelcert run -q seed/pinned-other.yaml -o run2
  modelcert: seed/pinned-other.yaml:49:3: data.sha256: seed/data.csv has sha256 f5200cb1f5ff0aa50f5bc59134c4cf1042829e4a0ded6fdf17b9428d2ed7aac3, but the spec pins 05200cb1f5ff0aa50f5bc59134c4cf1042829e4a0ded6fdf17b9428d2ed7aac3; refusing to run on other data
  [2]
  $ modelcert run -q --numerics reference seed/modelcert.yaml -o /proc/x/run
  modelcert: cannot write /proc/x/run: cannot create anything in /proc (No such file or directory)
  [2]

`predict`:

  $ modelcert predict run1/model.mcm
  modelcert predict: expected a model and a data file
  Run 'modelcert predict --help' for usage.
  [2]
  $ modelcert predict model.mcm seed/data.csv
  modelcert: cannot open model.mcm: No such file or directory
  [2]
  $ modelcert predict seed/data.csv seed/data.csv
  modelcert: seed/data.csv: not a valid modelcert model: wrong magic (not a model file, or truncated)
  [2]

`validate`: a threshold that fails (reference numerics, so that the accuracy is the same on
every machine):

  $ sed -e 's/accuracy: {min: 0.85}/accuracy: {min: 0.95}/' \
  >     -e 's/^  seed: 42$/  seed: 42\n  numerics: reference/' seed/modelcert.yaml > seed/strict.yaml
  $ modelcert validate seed/strict.yaml -o gate > gate.txt 2>/dev/null
  [1]
  $ grep FAIL gate.txt
    FAIL  thresholds.metrics.accuracy.min              accuracy 0.8998 is below min 0.95
  verdict: FAIL (8 passed, 1 failed, 0 errors, 0 warnings, 0 skipped)

`audit verify`: intact, then with an event altered behind the trail's back.

  $ modelcert audit verify
  intact: 2 events, head [0-9a-f]{64} (re)
  $ python3 -c 'import sqlite3; db = sqlite3.connect("audit.db"); db.executescript("DROP TRIGGER events_append_only_update; UPDATE events SET verdict = '"'"'pass'"'"' WHERE id = 1;")'
  $ modelcert audit verify
  BROKEN at event 1: event 1 was altered: its fields hash to *..., but it records *... (glob)
  [1]
  $ modelcert audit show 999
  modelcert: no audit event 999
  [2]
