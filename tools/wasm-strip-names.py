#!/usr/bin/env python3
"""Drops the debug-only custom sections of a WebAssembly component.

`make component` runs it on the shipped build (the `wasm` profile): the
toolchain's wasm-component-ld writes a `component-name` section (the names of
the component's internal instances and functions, about 4.5 KB) and
`producers` sections (tool versions), in the component and in its core
modules. No host reads them: exports are found by the export sections, and
the core module's own `name` section is already stripped by the profile
(`strip = "symbols"`). A WASM_PROFILE=release build keeps them all.

Walks the component's top-level sections and the sections of each core
module it embeds (section id 1), and removes the custom sections (id 0)
named in DROP; every other byte is copied unchanged. Nested components
(section id 4) are copied whole. The binary format:
https://github.com/WebAssembly/component-model/blob/main/design/mvp/Binary.md

Written by hand: the only tools that do this (wasm-tools strip) are not
otherwise needed by the build, and the format's framing is a few lines.

Usage: wasm-strip-names.py IN.wasm OUT.wasm
"""
import sys

DROP = {b"component-name", b"name", b"producers"}
MODULE_PREAMBLE = b"\0asm\x01\0\0\0"
COMPONENT_PREAMBLE = b"\0asm\x0d\0\x01\0"


def uleb(b, i):
    """Reads an unsigned LEB128 at `i`; returns (value, index after it)."""
    value = shift = 0
    while True:
        if i >= len(b):
            raise ValueError("truncated LEB128")
        x = b[i]
        i += 1
        value |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return value, i
        if shift > 35:
            raise ValueError("LEB128 longer than a u32")


def put_uleb(n):
    """The unsigned LEB128 encoding of `n`."""
    out = bytearray()
    while True:
        x = n & 0x7F
        n >>= 7
        out.append(x | (0x80 if n else 0))
        if not n:
            return bytes(out)


def sections(b, preamble):
    """Yields (id, payload) for every section of the binary `b`."""
    if not b.startswith(preamble):
        raise ValueError("not the expected WebAssembly preamble")
    i = len(preamble)
    while i < len(b):
        sid = b[i]
        size, i = uleb(b, i + 1)
        if i + size > len(b):
            raise ValueError("a section runs past the end")
        yield sid, b[i:i + size]
        i += size


def custom_name(payload):
    """The name of a custom section."""
    n, i = uleb(payload, 0)
    return payload[i:i + n]


def strip(b, preamble, dropped):
    """`b` without the DROP custom sections, here and in embedded core modules."""
    out = bytearray(preamble)
    for sid, payload in sections(b, preamble):
        if sid == 0 and custom_name(payload) in DROP:
            dropped.append((custom_name(payload).decode(), len(payload)))
            continue
        if sid == 1 and preamble == COMPONENT_PREAMBLE:
            payload = strip(payload, MODULE_PREAMBLE, dropped)
        out += bytes([sid]) + put_uleb(len(payload)) + payload
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: wasm-strip-names.py IN.wasm OUT.wasm")
    with open(sys.argv[1], "rb") as f:
        b = f.read()
    dropped = []
    out = strip(b, COMPONENT_PREAMBLE, dropped)
    with open(sys.argv[2], "wb") as f:
        f.write(out)
    names = ", ".join(f"{n} ({size} B)" for n, size in dropped) or "nothing"
    print(f"wasm-strip-names: {len(b)} -> {len(out)} bytes; dropped {names}")


if __name__ == "__main__":
    main()
