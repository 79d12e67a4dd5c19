# Thin wrapper around CMake. On a fresh Debian 12 machine, as root, `make demo`
# and `make test` are each the only command needed.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# What `make build` (and `make demo`) needs: compilers, CMake and the libraries. python3-onnx
# ships the onnx.proto that protoc-c compiles at build time.
DEBS := build-essential clang cmake pkg-config libyaml-dev libssl-dev libsqlite3-dev \
        libopenblas-dev libjansson-dev protobuf-c-compiler libprotobuf-c-dev python3-onnx \
        libp11-dev libpq-dev openssl python3 file
# What `make test` needs on top: cmocka; cram for the transcripts; independent checkers
# (python3-cryptography and -securesystemslib for DSSE, python3-jsonschema, -junitparser,
# -yaml and xmllint for the reports, headless Chromium for the HTML report; scikit-learn to
# recompute a run's metrics, tests/e2e/independent.sh); Debian's PyTorch
# for a model trained elsewhere (about 30 s to install; tests/e2e/predictions_torch.sh skips
# without it); SoftHSM2 and OpenSC's pkcs11-tool (a PKCS #11 token made in a temporary
# directory); the PostgreSQL 15 server the audit tests start and PgBouncer in front of it;
# valgrind (tests/memcheck.sh);
# Debian's age and age-keygen (interop, tests/e2e/age.sh) and zlib (the compressed age test
# vectors); for the packaging tests (docs/packaging.md): mandoc (-T lint on the man pages),
# bash-completion (the completion in a bash that loads it) and debootstrap (a fresh Debian 12
# chroot where the .deb is installed; the chroot is cached outside the tree).
TEST_DEBS := libcmocka-dev python3-cram python3-cryptography python3-securesystemslib \
        python3-jsonschema python3-junitparser python3-yaml python3-sklearn libxml2-utils chromium \
        python3-torch softhsm2 opensc postgresql-15 pgbouncer valgrind strace age zlib1g-dev \
        mandoc bash-completion debootstrap
# npm's @sigstore/verify and onnxruntime-node (cached outside the tree) run under Node:
# Debian's nodejs and npm, only when node or npm is missing (a newer node from elsewhere is kept).
NODE_DEBS := $(shell command -v node >/dev/null 2>&1 || echo nodejs) \
             $(shell command -v npm >/dev/null 2>&1 || echo npm)
# The arm64 build (`make deb-arm64`, tests/e2e/arm64.sh): Debian's cross compiler, qemu-user to
# run the result, and the arm64 libraries through multiarch (dpkg --add-architecture arm64).
# libpq-dev and libp11-dev are not Multi-Arch: same (their arm64 builds would remove the
# build machine's): only their runtime libraries are installed, and
# packaging/arm64_overlay.sh unpacks the -dev packages beside the build tree instead.
ARM64_DEBS := gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user libyaml-dev:arm64 \
        libssl-dev:arm64 libsqlite3-dev:arm64 libopenblas-dev:arm64 libjansson-dev:arm64 \
        libprotobuf-c-dev:arm64 libpq5:arm64 libp11-3:arm64
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps arm64-deps install-debs build build-tests demo test test-release test-sanitize fuzz install deb deb-arm64 clean kill-campaign

all: build

# Installs only what is missing (apt-get needs root or sudo): `deps` what the build needs,
# `test-deps` also what the tests need.
deps:
	@$(MAKE) --no-print-directory install-debs PKGS="$(DEBS)"

test-deps: arm64-deps
	@$(MAKE) --no-print-directory install-debs PKGS="$(DEBS) $(TEST_DEBS) $(NODE_DEBS)"

arm64-deps:
	@dpkg --print-foreign-architectures | grep -qx arm64 || \
	  { echo "dpkg --add-architecture arm64"; $(SUDO) dpkg --add-architecture arm64 && $(SUDO) apt-get update -qq; }
	@$(MAKE) --no-print-directory install-debs PKGS="$(ARM64_DEBS)"

install-debs:
	@missing=$$(for p in $(PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all present"; fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMODELCERT_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

build-tests: test-deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMODELCERT_TESTS=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@./scripts/demo.sh $(BUILD)/cli/modelcert

# Every test, in two passes: the release build, then the sanitizer build. Each test runs in
# the pass where it proves something (tests/CMakeLists.txt, "Two passes"); ctest lists the
# others as Disabled.
test: test-release test-sanitize

test-release: build-tests
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The suite under AddressSanitizer and UndefinedBehaviorSanitizer (at -O1).
test-sanitize: test-deps
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
FUZZ_TARGETS ?= spec csv artifact audit bundle certify report keyref chain age onnx sigstore
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

# The Debian package, reproducibly (docs/packaging.md): $(BUILD)-deb/modelcert_<version>_<arch>.deb
# with the binary, man pages, bash completion, docs, examples and JSON Schemas; its
# dependencies come from dpkg-shlibdeps. Install it with `apt-get install ./modelcert_*.deb`.
deb: deps
	cmake -S . -B $(BUILD)-deb -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMODELCERT_TESTS=OFF \
	  -DMODELCERT_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD)-deb -j $(JOBS) --target deb
	@ls $(BUILD)-deb/modelcert_*.deb

# The same package for arm64 (docs/packaging.md, "Another architecture"), cross-built:
# $(BUILD)-arm64/modelcert_<version>_arm64.deb; its man pages are made by running the arm64
# binary under qemu-user.
deb-arm64: deps arm64-deps
	packaging/arm64_overlay.sh $(CURDIR)/$(BUILD)-arm64-overlay
	cmake -S . -B $(BUILD)-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
	  -DMC_ARM64_OVERLAY=$(CURDIR)/$(BUILD)-arm64-overlay -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DMODELCERT_TESTS=OFF -DMODELCERT_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD)-arm64 -j $(JOBS) --target deb
	@ls $(BUILD)-arm64/modelcert_*.deb

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize $(BUILD)-fuzz $(BUILD)-deb $(BUILD)-arm64 $(BUILD)-arm64-overlay
