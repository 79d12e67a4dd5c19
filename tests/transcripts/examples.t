The command examples of examples/README.md, as a transcript (cram; run by `make test`).
When an example's output changes, this test fails: update examples/README.md with it.

Set-up, not shown in examples/README.md: `modelcert` is the build's binary, the
examples are copied here (nothing is written into the source tree), and runs use
reference numerics so digests are the same on every machine.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples" .
  $ export MODELCERT_AUDIT=audit.db

Check them:

  $ modelcert check examples/*/modelcert.yaml
  examples/dp/modelcert.yaml: ok (spec digest sha256:0720bf997c16f6a2e5490d1a687150d7391acad8ff169d9bc91a37256bd35187)
  examples/multiclass/modelcert.yaml: ok (spec digest sha256:e2dd2909cba15b9dc9e885b1e8b24893dc6e610da23eeaf113f52f2f448669b7)
  examples/privacy/modelcert.yaml: ok (spec digest sha256:8e4ae452bdbc94a83440810dcd28556cd92ab67b46ebbfe1f4f00865d4d4fd96)
  examples/regression/modelcert.yaml: ok (spec digest sha256:e878c166351818759eacbdcafaa21af4486ab85e87467cbd206bd567361c4cdb)
  examples/seed/modelcert.yaml: ok (spec digest sha256:9e73a69089565f3a68b99d798f874e4e755d84e0426f728775d306f8c59c4771)
  $ modelcert check --print-normalized examples/seed/modelcert.yaml | head -3
  {
    "apiVersion": "modelcert/v1",
    "architecture": {

Run each with modelcert's own engine; -q prints only the run directory:

  $ modelcert run --numerics reference -q examples/seed/modelcert.yaml -o seed-run
  seed-run
  $ modelcert run --numerics reference -q examples/multiclass/modelcert.yaml -o multiclass-run
  multiclass-run
  $ modelcert run --numerics reference -q examples/regression/modelcert.yaml -o regression-run
  regression-run

The CI gate and an auditor's re-run (the checks listed before the verdict are
in readme.t):

  $ modelcert validate -q examples/seed/modelcert.yaml -o seed-gate
  verdict: PASS (9 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ modelcert reproduce seed-run >reproduce.txt 2>/dev/null
  $ tail -1 reproduce.txt
  verdict: REPRODUCED

Differentially private training (examples/dp/README.md): refused without the
secret, then the DP gate and the same pipeline without DP.

  $ modelcert run -q examples/dp/modelcert.yaml -o dp-run
  modelcert: examples/dp/modelcert.yaml:38:5: training.differential_privacy: the environment variable MODELCERT_DP_SECRET is not set; DP training needs a secret of at least 16 bytes there. It keys the noise and the batch sampling: derived from the public spec seed alone, anyone who reads the spec could regenerate the noise and subtract it. Set it (for example to the output of 'openssl rand -hex 32'), keep it secret, and keep it: reproducing the run needs the same secret
  [2]
  $ export MODELCERT_DP_SECRET=not-a-real-secret-use-openssl-rand
  $ modelcert validate examples/dp/modelcert.yaml -o dp-gate > dp-gate.txt 2>/dev/null
  $ head -5 dp-gate.txt
  validate examples/dp/modelcert.yaml
    PASS  data.pinned                                  data.csv matches its pinned sha256
    PASS  privacy.differential_privacy.epsilon         epsilon 5.3272 at delta 1e-05 <= max 6 (noise multiplier 1.5, sample rate 0.05, 800 steps; RDP, best order 4.7)
    PASS  privacy.membership_inference.auc             loss-threshold attack AUC 0.5139 <= max 0.6 (advantage 0.0720; 250 training rows against 250 held-out rows)
  verdict: PASS (3 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ modelcert validate examples/dp/nondp.yaml -o nondp-gate > nondp-gate.txt 2>/dev/null
  [1]
  $ head -4 nondp-gate.txt
  validate examples/dp/nondp.yaml
    PASS  data.pinned                                  data.csv matches its pinned sha256
    FAIL  privacy.membership_inference.auc             loss-threshold attack AUC 0.6742 is above max 0.6 (advantage 0.4480; 250 training rows against 250 held-out rows)
  verdict: FAIL (1 passed, 1 failed, 0 errors, 0 warnings, 0 skipped)
  $ python3 -c "import json; print(json.load(open('dp-gate/run.json'))['differential_privacy']['epsilon'])"
  5.327217606175025
  $ modelcert privacy epsilon --target-epsilon 3 --sample-rate 0.05 --steps 800 --delta 1e-5 | head -1
  noise multiplier 2.28516 meets epsilon 3 at delta 1e-05 (spends epsilon 2.998811; search tolerance 0.01)
  $ unset MODELCERT_DP_SECRET

The privacy example: the raw spec fails the gate, the protected one passes with
its hash key, and the model predicts raw rows with the same key:

  $ modelcert privacy scan examples/privacy/data.csv | tail -1
  verdict: PERSONAL DATA FOUND (0 passed, 5 failed, 0 errors, 0 warnings, 0 skipped)
  $ modelcert validate -q examples/privacy/raw.yaml -o privacy-raw
  verdict: FAIL (2 passed, 7 failed, 0 errors, 0 warnings, 0 skipped)
  [1]
  $ export MODELCERT_PRIVACY_KEY=an-example-key
  $ modelcert validate -q examples/privacy/modelcert.yaml -o privacy-gate
  verdict: PASS (18 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ modelcert predict privacy-gate/model.mcm examples/privacy/data.csv | head -2
  row,prediction,p_1
  1,1,0.985839367

The data: each generator, with the rows and seed of the README's table, writes
the committed data.csv byte for byte, of the size the table gives.

  $ python3 "$SRC/examples/seed/gen_data.py" out.csv 3000 42
  $ cmp out.csv "$SRC/examples/seed/data.csv"
  $ wc -c < out.csv
  337984
  $ python3 "$SRC/examples/multiclass/gen_data.py" out.csv 1500 11
  $ cmp out.csv "$SRC/examples/multiclass/data.csv"
  $ wc -c < out.csv
  76169
  $ python3 "$SRC/examples/regression/gen_data.py" out.csv 2000 5
  $ cmp out.csv "$SRC/examples/regression/data.csv"
  $ wc -c < out.csv
  78972
  $ python3 "$SRC/examples/dp/gen_data.py" out.csv 1000 11
  $ cmp out.csv "$SRC/examples/dp/data.csv"
  $ wc -c < out.csv
  153307

  $ python3 "$SRC/examples/privacy/gen_data.py" out.csv 400 9
  $ cmp out.csv "$SRC/examples/privacy/data.csv"
  $ wc -c < out.csv
  39748
