# presidio-hardened-x402 — the two commands: `make demo` and `make test`.
# Every target installs what it needs; build outputs stay under ./target and ./.cache.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
PYTHON ?= python3

.PHONY: demo test test-core vectors vectors-check bench setup-rust

## demo: the main job (until the end-to-end world lands: the core demo example)
demo: setup-rust
	$(CARGO) run --quiet --release -p presidio-x402-core --example demo

## test: every test
test: setup-rust vectors-check test-core test-js

setup-rust:
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install rustup first" >&2; exit 1; }

## test-core: unit tests, vectors, property tests and doc tests of the core
test-core:
	$(CARGO) test -p presidio-x402-core --release

## vectors: regenerate vectors/*.json from vectors/gen/*.py
vectors:
	$(PYTHON) vectors/gen/all.py

## vectors-check: fail if regenerating the vectors changes any file
vectors-check:
	$(PYTHON) vectors/gen/all.py
	@git diff --exit-code --stat -- vectors/ || { echo "vectors/ differ from their generators: run 'make vectors' and commit" >&2; exit 1; }
	@test -z "$$(git ls-files --others --exclude-standard vectors/)" || { echo "untracked vector files:" >&2; git ls-files --others --exclude-standard vectors/ >&2; exit 1; }

## bench: criterion benchmarks of the core
bench:
	$(CARGO) bench -p presidio-x402-core --bench decision

# ---- npm package (bindings-js) ------------------------------------------------
WBG_VERSION := 0.2.130
WBG_ROOT := $(CURDIR)/.cache/cargo-bin-root
WASM_BINDGEN := $(WBG_ROOT)/bin/wasm-bindgen
JS_DIR := bindings-js
JS_PACK_DIR := $(CURDIR)/.cache/js
JS_TARBALL := $(JS_PACK_DIR)/presidio-hardened-x402-0.1.0.tgz
NPM ?= npm

.PHONY: js-package test-js js-tools js-browser-deps js-extension bench-js

## js-tools: the wasm32 target and the pinned wasm-bindgen CLI (repo-local, in .cache/)
js-tools: setup-rust
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if ! [ -x "$(WASM_BINDGEN)" ] || ! "$(WASM_BINDGEN)" --version | grep -q "$(WBG_VERSION)"; then \
	  echo "installing wasm-bindgen-cli $(WBG_VERSION) into $(WBG_ROOT) (about 4 min)"; \
	  $(CARGO) install wasm-bindgen-cli --version $(WBG_VERSION) --root "$(WBG_ROOT)"; fi
	@command -v node >/dev/null || { echo "node not found: install Node.js 20+" >&2; exit 1; }

## js-package: the glue crate (its own cargo invocation) -> wasm-bindgen --target web -> tsc -> npm pack
js-package: js-tools
	$(CARGO) build -p presidio-x402-js --target wasm32-unknown-unknown --release
	rm -rf $(JS_DIR)/src/wasm $(JS_DIR)/dist
	"$(WASM_BINDGEN)" --target web --out-dir $(JS_DIR)/src/wasm target/wasm32-unknown-unknown/release/presidio_x402_js.wasm
	cd $(JS_DIR) && { cmp -s package-lock.json node_modules/.lock-installed || { $(NPM) ci --no-audit --no-fund && cp package-lock.json node_modules/.lock-installed; }; } \
	  && node_modules/.bin/tsc -p tsconfig.json
	mkdir -p $(JS_DIR)/dist/wasm && cp $(JS_DIR)/src/wasm/*.js $(JS_DIR)/src/wasm/*.d.ts $(JS_DIR)/src/wasm/*.wasm $(JS_DIR)/dist/wasm/
	mkdir -p $(JS_PACK_DIR) && cd $(JS_DIR) && $(NPM) pack --pack-destination $(JS_PACK_DIR) --silent >/dev/null
	@ls -l $(JS_TARBALL)

## js-browser-deps: Debian chromium for the browser tests (apt-get when missing)
js-browser-deps:
	@command -v chromium >/dev/null || { echo "installing chromium (Debian)"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null || { echo "could not install chromium" >&2; exit 1; }; }

## test-js: node:test over the PACKED package (installed from the tarball), Node and headless Chromium
test-js: js-package js-browser-deps
	$(CARGO) test -p presidio-x402-js --release
	cd $(JS_DIR)/test && { cmp -s package-lock.json node_modules/.lock-installed || { $(NPM) ci --no-audit --no-fund && cp package-lock.json node_modules/.lock-installed; }; } \
	  && $(NPM) install --no-save --no-audit --no-fund $(JS_TARBALL) >/dev/null \
	  && node --test --test-reporter=spec --test-concurrency=1 *.test.mjs

## js-extension: copy the package into the MV3 example (examples/browser-extension/vendor/, ignored)
js-extension: js-package
	rm -rf examples/browser-extension/vendor && mkdir -p examples/browser-extension/vendor
	cp -r $(JS_DIR)/dist examples/browser-extension/vendor/presidio-hardened-x402

## bench-js: median per-decision time in Node and the tarball size
bench-js: js-package
	cd $(JS_DIR)/test && { cmp -s package-lock.json node_modules/.lock-installed || { $(NPM) ci --no-audit --no-fund && cp package-lock.json node_modules/.lock-installed; }; } \
	  && $(NPM) install --no-save --no-audit --no-fund $(JS_TARBALL) >/dev/null
	node experiments/bench-js.mjs $(JS_TARBALL)
