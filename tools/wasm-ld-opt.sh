#!/bin/sh
# The wasm-ld of `make component`: links with the toolchain's own wasm-ld, then
# optimises the linked module in place with binaryen's wasm-opt. The toolchain's
# wasm-component-ld calls it (--wasm-ld-path) and then wraps the optimised module
# into the component, as it would the unoptimised one.
# Environment (set by the Makefile): WASM_LD, the real wasm-ld; WASM_OPT;
# WASM_OPT_FLAGS.
set -eu
"$WASM_LD" "$@"
out=
prev=
for arg in "$@"; do
  if [ "$prev" = "-o" ]; then out=$arg; fi
  prev=$arg
done
if [ -z "$out" ]; then
  echo "wasm-ld-opt: no '-o <file>' among the wasm-ld arguments" >&2
  exit 1
fi
# shellcheck disable=SC2086 # a list of flags
"$WASM_OPT" $WASM_OPT_FLAGS "$out" -o "$out"
