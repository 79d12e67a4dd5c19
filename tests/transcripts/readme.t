The command examples of README.md, as a transcript (cram; run by `make test`).
When an example's output changes, this test fails: update README.md with it.

Set-up, not shown in README.md: `modelcert` is the build's binary, the examples
are copied here (nothing is written into the source tree), and runs use
reference numerics so digests and probabilities are the same on every machine.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples" .

Checking specs:

  $ modelcert check examples/*/modelcert.yaml
  examples/dp/modelcert.yaml: ok (spec digest sha256:0720bf997c16f6a2e5490d1a687150d7391acad8ff169d9bc91a37256bd35187)
  examples/multiclass/modelcert.yaml: ok (spec digest sha256:e2dd2909cba15b9dc9e885b1e8b24893dc6e610da23eeaf113f52f2f448669b7)
  examples/privacy/modelcert.yaml: ok (spec digest sha256:8e4ae452bdbc94a83440810dcd28556cd92ab67b46ebbfe1f4f00865d4d4fd96)
  examples/regression/modelcert.yaml: ok (spec digest sha256:e878c166351818759eacbdcafaa21af4486ab85e87467cbd206bd567361c4cdb)
  examples/seed/modelcert.yaml: ok (spec digest sha256:9e73a69089565f3a68b99d798f874e4e755d84e0426f728775d306f8c59c4771)
  $ modelcert check --digest examples/seed/modelcert.yaml
  9e73a69089565f3a68b99d798f874e4e755d84e0426f728775d306f8c59c4771  examples/seed/modelcert.yaml
  $ modelcert check --print-normalized examples/seed/modelcert.yaml | head -5
  {
    "apiVersion": "modelcert/v1",
    "architecture": {
      "input": "auto",
      "layers": [

A run and a prediction. Progress goes to standard error; the seconds vary.

  $ export MODELCERT_AUDIT=audit.db
  $ modelcert run --numerics reference -q examples/seed/modelcert.yaml -o seed-run
  seed-run
  $ modelcert run -v --numerics reference examples/seed/modelcert.yaml -o seed-run-2 2>progress.txt
  run: seed-run-2
    model    seed-run-2/model.mcm  sha256:f9a261812678e4fda7ab1ff6bd1da74b21f65e42a3b1556d94f624c94d73c9b6
    metrics  seed-run-2/metrics.json
    spec     sha256:9e73a69089565f3a68b99d798f874e4e755d84e0426f728775d306f8c59c4771
    data     sha256:f5200cb1f5ff0aa50f5bc59134c4cf1042829e4a0ded6fdf17b9428d2ed7aac3
    test: accuracy 0.8998 precision 0.9012 recall 0.8656 f1 0.8831 roc_auc 0.9738
  $ head -1 progress.txt; tail -2 progress.txt
  epoch 1/10  loss 0.4196  accuracy 0.8181  (*s) (glob)
  epoch 10/10  loss 0.1662  accuracy 0.9274  (*s) (glob)
  audit: event 2 in audit.db
  $ modelcert predict seed-run/model.mcm examples/seed/data.csv -o seed-pred.csv
  modelcert: 107 rows dropped by the model's dropna step (no prediction)
  $ head -3 seed-pred.csv
  row,prediction,p_1
  1,0,3.98527009e-05
  2,1,0.999625027

The gate, an auditor's re-run, and the audit trail:

  $ modelcert validate -q examples/seed/modelcert.yaml -o seed-gate
  verdict: PASS (9 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ modelcert reproduce seed-run 2>/dev/null
  reproduce seed-run
    PASS  */examples/seed/data.csv is the data the run used (sha256 f5200cb1f5ff0aa5...) (glob)
    PASS  the recorded run and the re-run are the same model bit for bit (sha256 f9a261812678e4fd...)
    PASS  metrics.json is what the re-run computes
    PASS  run.json is what the re-run computes
    PASS  test_predictions.csv is what the re-run computes
    PASS  history.csv (without seconds) is what the re-run computes
    PASS  the audit trail audit.db records this run (run_id *...) (glob)
  verdict: REPRODUCED
  $ modelcert audit verify
  intact: 4 events, head [0-9a-f]{64} (re)

Reports from the same validation, and one rendered again, byte for byte:

  $ modelcert validate -q examples/seed/modelcert.yaml -o seed-gate-2 --report-dir seed-reports
  verdict: PASS (9 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ ls seed-reports
  junit.xml
  model_card.md
  report.html
  report.md
  validation.json
  $ modelcert report seed-gate-2/validation.json --format markdown | head -1
  ## \xe2\x9c\x85 modelcert validate: PASS \xe2\x80\x94 seed-binary-mlp 1.0.0 (esc)
  $ modelcert report seed-gate-2/validation.json --format junit | cmp - seed-reports/junit.xml && echo same
  same

The CI snippets (not run here; tests/e2e/ci_action.sh and ci_gitlab.sh run the action and the
template): each is YAML, uses the action with inputs it declares and outputs it sets, keeps
the reports, and includes the GitLab template, setting variables it has.

  $ /usr/bin/python3 - "$SRC" <<'PY'
  > import os, re, sys, yaml
  > src = sys.argv[1]
  > text = open(os.path.join(src, "README.md"), encoding="utf-8").read()
  > blocks = re.findall(r"```yaml\n(# \.(?:github|gitlab)[^\n]*\n.*?)```", text, re.S)
  > gh, gl = (yaml.safe_load(b) for b in blocks)
  > action = yaml.safe_load(open(os.path.join(src, "action.yml"), encoding="utf-8"))
  > steps = gh["jobs"]["validate"]["steps"]
  > gate = [s for s in steps if s.get("id") == "gate"][0]
  > assert set(gate["with"]) <= set(action["inputs"]), gate["with"]
  > used = set(re.findall(r"steps\.gate\.outputs\.([a-z-]+)", str(steps)))
  > assert used and used <= set(action["outputs"]), used
  > assert all(s.get("if") == "always()" for s in steps if "steps.gate" in str(s))
  > template = os.path.join(src, gl["include"][0]["file"])
  > jobs = yaml.safe_load(open(template, encoding="utf-8"))
  > job = jobs[".modelcert-validate"]
  > assert set(gl["modelcert-validate"]["variables"]) <= set(job["variables"])
  > assert job["artifacts"]["reports"]["junit"] == "$MODELCERT_REPORT_DIR/junit.xml"
  > print(len(blocks), "snippets ok")
  > PY
  2 snippets ok
  $ modelcert validate --help | grep -c -e '--report-dir DIR' -e '--github-summary'
  2
A release, certified and verified:

  $ openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out release.key 2>/dev/null
  $ chmod 600 release.key && openssl pkey -in release.key -pubout -out release.pub
  $ modelcert export seed-gate --format onnx
  wrote seed-gate/model.onnx sha256:[0-9a-f]{64} (re)
  $ modelcert certify seed-gate --key release.key 2>/dev/null
  certified seed-gate: PASSED \(9 passed, 0 warned\), model sha256:[0-9a-f]{64} (re)
    signature (model_signing): seed-gate/model.sig
    release certificate: seed-gate/release.intoto.jsonl
    ML-BOM \(CycloneDX\): seed-gate/bom.cdx.json sha256:[0-9a-f]{64} (re)
    onnx export: model.onnx sha256:[0-9a-f]{64} (re)
  $ modelcert verify seed-gate --key release.pub --certificate seed-gate/release.intoto.jsonl 2>/dev/null
  verified: seed-gate \(9 resources, sha256:[0-9a-f]{64}\), signed by key [0-9a-f]{64} (re)
  $ echo >> seed-gate/metrics.json
  $ modelcert verify seed-gate --key release.pub --certificate seed-gate/release.intoto.jsonl 2>&1 | head -1
  FAILED: seed-gate: file 'metrics.json' was modified \(sha256 [0-9a-f]{12}\.\.\. signed, [0-9a-f]{12}\.\.\. on disk\) (re)

A model trained elsewhere (PyTorch, exported to ONNX) gated, certified and verified. Set-up, not
shown in README.md: python3 is Debian's, which has python3-torch. PyTorch's figures vary with
its version and the CPU.

  $ python3() { /usr/bin/python3 "$@"; }
  $ python3 examples/seed/torch_onnx.py examples/seed
  $ grep -A4 '^model:' examples/seed/torch.yaml
  model:                                # trained by PyTorch
    source: torch_model.onnx
    sha256: [0-9a-f]{64} (re)
    task: binary
    inputs: [f01, f02, f03, f04, f05, f06, f07, f08, f09, f10, f11, f12]
  $ modelcert validate examples/seed/torch.yaml -o torch-gate -q 2>/dev/null
  verdict: PASS (9 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ ls torch-gate
  metrics.json
  model.onnx
  run.json
  spec.json
  test_predictions.csv
  validation.json
  $ modelcert certify torch-gate --key release.key 2>/dev/null
  certified torch-gate: PASSED \(9 passed, 0 warned\), model.onnx sha256:[0-9a-f]{64} (re)
    signature (model_signing): torch-gate/model.sig
    release certificate: torch-gate/release.intoto.jsonl
    ML-BOM \(CycloneDX\): torch-gate/bom.cdx.json sha256:[0-9a-f]{64} (re)
  $ modelcert verify torch-gate --key release.pub --certificate torch-gate/release.intoto.jsonl 2>/dev/null
  verified: torch-gate \(7 resources, sha256:[0-9a-f]{64}\), signed by key [0-9a-f]{64} (re)
