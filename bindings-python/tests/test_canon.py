"""The canonical ABI done in Python (presidio_x402._canon) on the component's core module."""

import pytest
from wasmtime import WasmtimeError

from presidio_x402 import _canon, _core


def test_parse_component_finds_the_main_module_and_every_export():
    parsed = _canon.parse_component(_core.wasm_path().read_bytes())
    assert parsed.interface == _core.INTERFACE
    assert set(_core._FUNCS.values()) <= set(parsed.funcs)
    assert sorted(parsed.resources.values()) == ["driver", "guard"]
    call = parsed.funcs["call"]
    assert (call.realloc, call.post_return) == ("cabi_realloc", f"cabi_post_{_core.INTERFACE}#call")
    assert parsed.types[call.type_index][0] == "func"
    with pytest.raises(ValueError):
        _canon.parse_component(b"\x00asm\x01\x00\x00\x00")  # a core module, not a component


def test_values_keep_their_shapes():
    c = _core.Core()
    assert c.call_raw("money.parse-usd", '{"usd":"0.01"}')[0] == "ok"
    assert c.call_raw("no.such-op", "{}") == ("err", "invalid-input")
    tag, red = c.fn("redact", "mail a@b.com", "{}")
    assert tag == "ok" and set(red) == {"text", "entities"} and red["entities"] == ["EMAIL_ADDRESS"]
    # More than 16 flat parameters go through memory (fingerprint: 18).
    fp = c.fn("fingerprint", b"k" * 32, "GET", "https://x.example/a", None, "idem", "eip155:8453", "0xa", "0xb")
    assert fp[0] == "ok" and len(fp[1]) == 64
    assert c.fn("audit_verify", b"k" * 32, "", None, None) == ("ok", {"seq": 0, "mac": "0" * 64})
    with pytest.raises(ValueError):
        c.fn("describe", "not-a-code")
    with pytest.raises(TypeError):
        c.fn("redact", b"bytes", "{}")


def test_a_closed_guard_is_refused_and_its_destructor_ran():
    c = _core.Core()
    g = c.new_guard("{}")
    assert g.undo() is False
    res = g.res
    g.close()
    assert res is not None and res.rep == 0
    with pytest.raises(TypeError):
        g.undo()
    assert c.new_guard("{}").undo() is False


def test_a_trap_raises_and_poisons_the_instance():
    c = _core.Core()
    with pytest.raises(WasmtimeError, match="unreachable"):
        c.runtime.alloc(4, 0x8000_0001)  # more than isize::MAX: the guest's allocator traps
    with pytest.raises(WasmtimeError, match="cannot enter"):
        c.operations()
    assert _core.core().operations()  # other instances are unaffected


def test_a_canonical_abi_violation_is_a_trap():
    c = _core.Core()
    with pytest.raises(WasmtimeError, match="out of bounds"):
        c.runtime.check(1 << 33)
    with pytest.raises(WasmtimeError, match="cannot enter"):
        c.describe("store-unavailable")
