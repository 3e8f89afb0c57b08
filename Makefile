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
test: setup-rust vectors-check test-core

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

## bench: criterion benchmarks of the core (decision path, audit/MPA, PII)
bench:
	$(CARGO) bench -p presidio-x402-core --bench decision --bench audit_mpa --bench pii

## pii-eval: PII corpus, precision/recall/F1 and latency vs presidio-hardened-x402 0.3.0 -> experiments/results/pii.md
.PHONY: pii-eval
pii-eval: setup-rust
	$(PYTHON) experiments/pii/run.py
