#!/usr/bin/env bash
# Differential privacy end to end (docs/privacy-training.md):
# - `privacy epsilon`: Opacus's published epsilon, the noise search, JSON, usage errors;
# - DP-SGD runs of examples/dp: refused without the secret (or with a short one, or a
#   secret_env outside MODELCERT_*); the same secret gives the same model bit for bit and
#   `reproduce` passes; another secret gives another model and `reproduce` fails; epsilon
#   in run.json and metrics.json; `validate` passes within the budget and fails over it;
#   the DP model's membership-inference AUC is below the same pipeline's without DP.
# usage: dp.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

# ---- privacy epsilon -----------------------------------------------------------------
# opacus/tests/accountants_test.py: sigma 1.5, q 0.04, 2250 steps, delta 1e-5 -> 7.32911117143
expect_exit 0 "privacy epsilon" -- "$MC" privacy epsilon --noise-multiplier 1.5 \
    --sample-rate 0.04 --steps 2250 --delta 1e-5
expect_grep out "^epsilon 7.329111 at delta 1e-05 (best RDP order 3.9)$" "Opacus's epsilon"
expect_exit 0 "privacy epsilon --target-epsilon --json" -- "$MC" privacy epsilon \
    --target-epsilon 8 --sample-rate 0.04 --steps 2250 --delta 1e-5 --json
check python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["noise_multiplier"] == 1.416015625 and 7.99 <= d["epsilon"] <= 8))' "$TMP/out" -- "the noise found meets the budget within the tolerance"
expect_exit 2 "both --noise-multiplier and --target-epsilon" -- "$MC" privacy epsilon \
    --noise-multiplier 1 --target-epsilon 8 --sample-rate 0.04 --steps 10 --delta 1e-5
expect_exit 2 "a sample rate over 1" -- "$MC" privacy epsilon --noise-multiplier 1 \
    --sample-rate 1.5 --steps 10 --delta 1e-5
expect_grep err "sampling rate 1.5 is not in \[0, 1\]" "the message names the value"
expect_exit 2 "NaN noise" -- "$MC" privacy epsilon --noise-multiplier nan --sample-rate 0.1 \
    --steps 10 --delta 1e-5
expect_exit 2 "missing --delta" -- "$MC" privacy epsilon --noise-multiplier 1 --sample-rate 0.1 \
    --steps 10
expect_exit 2 "a budget too small for any noise" -- "$MC" privacy epsilon --target-epsilon 1e-6 \
    --sample-rate 1 --steps 1000000 --delta 1e-9
expect_exit 0 "privacy --help" -- "$MC" privacy --help
expect_exit 2 "an unknown privacy subcommand" -- "$MC" privacy nothing

# ---- DP-SGD runs ---------------------------------------------------------------------
P="$TMP/proj"
mkdir -p "$P"
cp "$SRC/examples/dp/modelcert.yaml" "$SRC/examples/dp/nondp.yaml" "$SRC/examples/dp/data.csv" "$P/"
cd "$TMP"
unset MODELCERT_DP_SECRET
expect_exit 2 "a DP run without the secret is refused" -- "$MC" run -q "$P/modelcert.yaml" -o nosecret
expect_grep err "MODELCERT_DP_SECRET is not set; DP training needs a secret" "the refusal explains"
check test ! -e nosecret -- "no run directory without the secret"
MODELCERT_DP_SECRET=tooshort expect_exit 2 "a short secret is refused" -- "$MC" run -q \
    "$P/modelcert.yaml" -o short
sed 's/secret_env: MODELCERT_DP_SECRET/secret_env: HOME/' "$P/modelcert.yaml" > "$P/home.yaml"
expect_exit 2 "secret_env outside MODELCERT_* is refused" -- "$MC" check "$P/home.yaml"
expect_grep err "training.differential_privacy.secret_env: the environment variable 'HOME'" \
    "the confinement names the key"

export MODELCERT_DP_SECRET=e2e-secret-0123456789abcdef
expect_exit 0 "DP run 1" -- "$MC" run -q "$P/modelcert.yaml" -o dp1
expect_exit 0 "DP run 2, the same secret" -- "$MC" run -q "$P/modelcert.yaml" -o dp2
MODELCERT_DP_SECRET=e2e-another-secret-9876543210 expect_exit 0 "DP run 3, another secret" -- \
    "$MC" run -q "$P/modelcert.yaml" -o dp3
check cmp -s dp1/model.mcm dp2/model.mcm -- "the same secret: the same model bit for bit"
check test "$(sha256sum < dp1/model.mcm)" != "$(sha256sum < dp3/model.mcm)" -- \
    "another secret: another model"
check python3 - dp1 <<'PY' -- "epsilon in run.json and metrics.json, as privacy epsilon computes it"
import json, subprocess, sys
r = json.load(open(sys.argv[1] + "/run.json"))["differential_privacy"]
m = json.load(open(sys.argv[1] + "/metrics.json"))["differential_privacy"]
print("  ", r)
assert r == m and r["sampling"] == "poisson" and r["accountant"] == "rdp"
assert r["steps"] == 800 and r["sample_rate"] == 0.05 and r["delta"] == 1e-5
PY
expect_exit 0 "privacy epsilon for the run" -- "$MC" privacy epsilon --noise-multiplier 1.5 \
    --sample-rate 0.05 --steps 800 --delta 1e-5 --json
check python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["epsilon"]; b=json.load(open(sys.argv[2]))["differential_privacy"]["epsilon"]; sys.exit(a != b)' "$TMP/out" dp1/run.json -- "the run's epsilon is privacy epsilon's"
expect_exit 0 "reproduce with the same secret" -- "$MC" reproduce dp1
expect_grep out "verdict: REPRODUCED" "reproduced"
expect_grep out "PASS  membership_losses.csv is what the re-run computes" \
    "the membership-inference sample is reproduced too"
# One sampled loss altered in its last digit: reproduce names the file and the line.
cp -r dp1 dp1-mi && python3 -c 'import sys; p=sys.argv[1]; l=open(p).read().split("\n"); l[1]=l[1][:-1]+str((int(l[1][-1])+1)%10); open(p,"w").write("\n".join(l))' dp1-mi/membership_losses.csv
check sh -c '! cmp -s dp1/membership_losses.csv dp1-mi/membership_losses.csv' -- "a loss was altered"
expect_exit 1 "reproduce a run whose membership sample was altered" -- "$MC" reproduce dp1-mi
expect_grep out "FAIL  membership_losses.csv differs from the re-run at line 2" "the altered line is named"
# A recorded output deleted is never skipped: reproduce refuses the run directory.
for f in test_predictions.csv history.csv; do
    rm -rf dp1-del && cp -r dp1 dp1-del && rm dp1-del/$f
    expect_exit 2 "reproduce a run whose $f was deleted" -- "$MC" reproduce dp1-del
    expect_grep err "$f" "the missing $f is named"
    check sh -c '! grep -q REPRODUCED "$1"' sh "$TMP/out" -- "no REPRODUCED verdict without $f"
done
MODELCERT_DP_SECRET=e2e-another-secret-9876543210 expect_exit 1 "reproduce with another secret" \
    -- "$MC" reproduce dp1
expect_grep out "model.*differ\|differs" "reproduce names the difference"
env -u MODELCERT_DP_SECRET "$MC" reproduce dp1 > "$TMP/out" 2> "$TMP/err"
check test $? -eq 2 -- "reproduce without the secret is refused (exit 2)"

# validate: within the budget (epsilon 5.33 <= 6), then over it (max_epsilon 5)
expect_exit 0 "validate within the budget" -- "$MC" validate "$P/modelcert.yaml" -o gate-dp
expect_grep out "PASS  privacy.differential_privacy.epsilon .*epsilon 5.3272 at delta 1e-05 <= max 6" \
    "the epsilon check passes"
grep -o "attack AUC [0-9.]*" "$TMP/out" | head -1 > "$TMP/auc_dp"
sed 's/max_epsilon: 6.0/max_epsilon: 5.0/' "$P/modelcert.yaml" > "$P/tight.yaml"
expect_exit 1 "validate over the budget" -- "$MC" validate "$P/tight.yaml" -o gate-tight
expect_grep out "FAIL  privacy.differential_privacy.epsilon .*epsilon 5.3272 at delta 1e-05 is above max 5" \
    "the epsilon check fails"
expect_exit 1 "validate without DP: membership inference over max_auc" -- "$MC" validate \
    "$P/nondp.yaml" -o gate-nondp
expect_grep out "FAIL  privacy.membership_inference.auc" "the attack beats the non-DP model"
grep -o "attack AUC [0-9.]*" "$TMP/out" | head -1 > "$TMP/auc_nondp"
echo "  membership-inference AUC: DP $(cat "$TMP/auc_dp"), without DP $(cat "$TMP/auc_nondp")"
check python3 -c 'import sys; d=float(open(sys.argv[1]).read().split()[-1]); n=float(open(sys.argv[2]).read().split()[-1]); sys.exit(not d < n)' "$TMP/auc_dp" "$TMP/auc_nondp" -- "the DP model's attack AUC is below the non-DP model's"

finish
