# Thin wrapper around CMake. On a fresh Debian 12 machine, as root, `make demo`
# and `make test` are each the only command needed.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
DEBS := build-essential clang cmake pkg-config libyaml-dev libssl-dev libsqlite3-dev \
        libopenblas-dev libcmocka-dev libjansson-dev python3 python3-cram
# ONNX export: protobuf-c, its code generator, and python3-onnx (its onnx.proto at build time,
# its checker in the tests).
DEBS += protobuf-c-compiler libprotobuf-c-dev python3-onnx
# validate --predictions is tested with a model trained by Debian's PyTorch (about 30 s to
# install here; tests/e2e/predictions_torch.sh skips without it).
DEBS += python3-torch
# The ONNX tests run ONNX Runtime under Node (npm onnxruntime-node, cached outside the tree):
# Debian's nodejs and npm, only when node or npm is missing (a newer node from elsewhere is kept).
NODE_DEBS := $(shell command -v node >/dev/null 2>&1 || echo nodejs) \
             $(shell command -v npm >/dev/null 2>&1 || echo npm)
# PKCS #11 signing keys: libp11 (build); SoftHSM2 and OpenSC's pkcs11-tool (tests: a token
# made in a temporary directory, a key generated inside it).
DEBS += libp11-dev softhsm2 opensc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build demo test test-sanitize fuzz install clean kill-campaign

all: build

# Installs only what is missing (apt-get needs root or sudo).
deps:
	@missing=$$(for p in $(DEBS) $(NODE_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all present"; fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@./scripts/demo.sh $(BUILD)/cli/modelcert

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: deps
	cmake -S . -B $(BUILD)-sanitize -DCMAKE_BUILD_TYPE=Debug -DMODELCERT_SANITIZE=ON
	cmake --build $(BUILD)-sanitize -j $(JOBS)
	cd $(BUILD)-sanitize && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# kill -9 at random moments of run, validate and concurrent appends (opt-in, about a minute).
kill-campaign: build
	scripts/kill_campaign.sh $(BUILD)/cli/modelcert $${TRIALS:-100}

# Opt-in, never part of `test`: every fuzz target for FUZZ_RUNS executions on a
# copy of the committed corpus (tests/fuzz/README.md). Needs clang's libFuzzer
# runtime (libclang-rt-14-dev, which `apt-get --no-install-recommends clang` omits).
FUZZ_BUILD ?= $(BUILD)-fuzz
FUZZ_RUNS ?= 10000000
FUZZ_TARGETS ?= spec csv artifact audit
FUZZ_DEBS := libclang-rt-14-dev

fuzz: deps
	@missing=$$(for p in $(FUZZ_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang -DMODELCERT_FUZZ=ON -DMODELCERT_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	./tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_RUNS) $(FUZZ_TARGETS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize $(BUILD)-fuzz
