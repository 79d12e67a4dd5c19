#!/usr/bin/env bash
# Differential privacy end to end (docs/privacy-training.md):
# - `privacy epsilon`: Opacus's published epsilon, the noise search, JSON, usage errors;
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

finish
