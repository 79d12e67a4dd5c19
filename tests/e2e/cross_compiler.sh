#!/usr/bin/env bash
# Reference numerics are a function of spec and data alone: the same model
# bytes from gcc and clang, at -O0 and -O2, with 1 and 2 threads (DP-SGD's
# included: with 2 threads its noise is drawn on a worker thread). The release
# build under test (gcc, -O2 with the engine at -O3) is one of the four; the
# other three are built here: gcc -O0, clang -O0, clang -O2.
# usage: cross_compiler.sh SOURCE_DIR WORK_DIR RELEASE_BINARY
set -u
SRC=$1
WORK=$2
RELEASE=$3
mkdir -p "$WORK"
export MODELCERT_AUDIT="$WORK/audit.db" # never beside the example specs, in the source tree
export MODELCERT_DP_SECRET=cross-compiler-test-secret # examples/dp: DP-SGD's keyed noise too
failures=0
declare -A first
builds=("release build" "gcc -O0" "clang -O0" "clang -O2")
for b in "${builds[@]}"; do
    set -- $b
    cc=$1 opt=$2
    if [ "$cc" = release ]; then
        bin=$RELEASE
    elif ! command -v "$cc" >/dev/null; then
        echo "FAIL: compiler $cc not installed (make deps installs clang)"
        exit 1
    else
        dir="$WORK/build-$cc$opt"
        bin="$dir/cli/modelcert"
        if ! { cmake -S "$SRC" -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=None \
                -DCMAKE_C_FLAGS="$opt" -DMODELCERT_ENGINE_OPT="$opt" -DMODELCERT_TESTS=OFF \
                -DMODELCERT_BENCH=OFF >/dev/null &&
               cmake --build "$dir" -j 2 --target modelcert >/dev/null; }; then
            echo "FAIL: build with $cc $opt"
            exit 1
        fi
    fi
    for ex in seed multiclass regression dp; do
        for t in 1 2; do
            out="$WORK/run-$cc$opt-$ex-$t"
            rm -rf "$out"
            if ! "$bin" run -q --numerics reference --threads $t \
                    "$SRC/examples/$ex/modelcert.yaml" -o "$out"; then
                echo "FAIL: run $ex with $cc $opt, $t threads"
                failures=$((failures + 1))
                continue
            fi
            digest=$(sha256sum "$out/model.mcm" | cut -d' ' -f1)
            if [ -z "${first[$ex]:-}" ]; then
                first[$ex]=$digest
                echo "ok: $ex reference model $digest ($cc $opt, $t threads)"
            elif [ "${first[$ex]}" = "$digest" ]; then
                echo "ok: $ex same model with $cc $opt, $t threads"
            else
                echo "FAIL: $ex model differs with $cc $opt, $t threads: $digest vs ${first[$ex]}"
                failures=$((failures + 1))
            fi
        done
    done
done
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
