"""Every ``python`` block of the READMEs (root, bindings-js, bindings-python) runs: each is
executed (top-level ``await`` allowed) with the names it leaves undefined (``key``: a fresh
eth-account key) and its HTTP routed to a local x402 resource server (x402mock: the real v1/v2
wire formats); a ``response`` it leaves behind must be a paid 200. Blocks not meant to run carry
``<!-- readme-check: skip (reason) -->`` (tools/readme_blocks.py)."""

import ast
import importlib.util
import os
import sys
from pathlib import Path

import httpx
import pytest
from x402mock import Server

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("readme_blocks", ROOT / "tools" / "readme_blocks.py")
assert _spec is not None and _spec.loader is not None
readme_blocks = importlib.util.module_from_spec(_spec)
sys.modules["readme_blocks"] = readme_blocks
_spec.loader.exec_module(readme_blocks)

BLOCKS = [b for b in readme_blocks.blocks() if b.kind == "python"]


def test_every_block_is_checked_or_marked_with_a_reason():
    every = readme_blocks.blocks()  # raises on an unmarked or malformed block
    assert len(BLOCKS) >= 2
    assert all(b.skip for b in every if b.kind is None)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
async def test_python_block_runs(block, monkeypatch, tmp_path):
    server = Server(version=2)

    class Routed(httpx.AsyncClient):
        def __init__(self, *args, **kwargs):
            kwargs["transport"] = httpx.MockTransport(server.handler)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(httpx, "AsyncClient", Routed)
    monkeypatch.chdir(tmp_path)
    ns = {"key": "0x" + os.urandom(32).hex(), "__name__": "readme_block"}
    code = compile(block.code, f"{block.readme}:{block.line}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    out = eval(code, ns)  # noqa: S307 - the README's own code, by design
    if out is not None:
        await out
    if "response" in ns:
        assert ns["response"].status_code == 200, f"{block.readme}:{block.line}"
        assert any("PAYMENT-SIGNATURE" in r.headers for r in server.requests), "no payment was sent"
