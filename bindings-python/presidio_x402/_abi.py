"""Fast, explicit value conversion for the component's exported functions.

wasmtime-py's dynamic ``wasmtime.component`` API reflects on every type on
every call (record fields, list elements and variant cases are re-read from
the C API each time), and it returns ``result<a, b>`` *untagged* when both
arms map to the same Python type. This module walks each function type once
and builds plain closures that lower Python values to C and lift them back:

* records lift to ``dict`` (kebab-case names become snake_case) and lower
  from a ``dict`` or any object with matching attributes;
* ``option<T>`` is ``None`` or the value; ``result<T, E>`` always lifts to a
  tagged pair ``("ok", value)`` / ``("err", value)``;
* enums are their case name (``str``); variants are ``(tag, payload)``;
* ``list<u8>`` is ``bytes``; tuples are tuples; resources are ``ResourceAny``.

It mirrors ``wasmtime/component/_types.py`` (memory ownership included); it
holds no rules.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from ctypes import byref
from typing import Any

from wasmtime import _ffi as ffi
from wasmtime.component import (
    S8,
    S16,
    S32,
    S64,
    U8,
    U16,
    U32,
    U64,
    Bool,
    BorrowType,
    EnumType,
    ListType,
    OptionType,
    OwnType,
    RecordType,
    ResultType,
    String,
    TupleType,
    VariantType,
)
from wasmtime.component._enter import enter_wasm
from wasmtime.component._resources import ResourceAny

Lower = Callable[[Any, Any, Any], None]  # (store, value, val_t) -> None
Lift = Callable[[Any], Any]  # (val_t) -> value

_VAL = ffi.wasmtime_component_val_t
_K = {
    "bool": ffi.WASMTIME_COMPONENT_BOOL,
    "s8": ffi.WASMTIME_COMPONENT_S8,
    "s16": ffi.WASMTIME_COMPONENT_S16,
    "s32": ffi.WASMTIME_COMPONENT_S32,
    "s64": ffi.WASMTIME_COMPONENT_S64,
    "u8": ffi.WASMTIME_COMPONENT_U8,
    "u16": ffi.WASMTIME_COMPONENT_U16,
    "u32": ffi.WASMTIME_COMPONENT_U32,
    "u64": ffi.WASMTIME_COMPONENT_U64,
}
_BOOL = ffi.WASMTIME_COMPONENT_BOOL


_vec_t = ffi.wasm_byte_vec_t
_vec_uninit = ffi.wasm_byte_vec_new_uninitialized
_memmove = ctypes.memmove


def _bytes_vec(b: bytes) -> Any:
    """A new C byte vector holding ``b`` (one allocation, one copy)."""
    vec = _vec_t()
    _vec_uninit(byref(vec), len(b))
    if b:
        _memmove(vec.data, b, len(b))
    return vec


def _str_vec(s: str) -> Any:
    return _bytes_vec(s.encode("utf-8"))


def _clear(v: Any) -> None:
    """Marks a lifted (moved-out) slot as a plain bool so deleting its parent frees nothing twice."""
    v.kind = _BOOL
    v.of.boolean = False


def _box(store: Any, lower: Lower, value: Any) -> Any:
    raw = _VAL()
    lower(store, value, raw)
    return ffi.wasmtime_component_val_new(byref(raw))


def compile_type(ty: Any) -> tuple[Lower, Lift]:
    """Returns ``(lower, lift)`` closures for a wasmtime component ``ValType``."""
    if isinstance(ty, String):
        kind = ffi.WASMTIME_COMPONENT_STRING
        str_to_capi, to_str, vec_delete = _str_vec, ffi.to_str, ffi.wasm_byte_vec_delete

        def lower_s(store: Any, v: Any, c: Any) -> None:
            if not isinstance(v, str):
                raise TypeError("expected str")
            c.kind = kind
            c.of.string = str_to_capi(v)

        def lift_s(c: Any) -> Any:
            s = to_str(c.of.string)
            vec_delete(byref(c.of.string))
            return s

        return lower_s, lift_s
    if isinstance(ty, Bool):

        def lower_b(store: Any, v: Any, c: Any) -> None:
            if not isinstance(v, bool):
                raise TypeError("expected bool")
            c.kind = _BOOL
            c.of.boolean = v

        return lower_b, lambda c: bool(c.of.boolean)
    for cls, name in ((U8, "u8"), (U16, "u16"), (U32, "u32"), (U64, "u64"), (S8, "s8"), (S16, "s16"), (S32, "s32"),
                      (S64, "s64")):
        if isinstance(ty, cls):
            return _int_conv(name)
    if isinstance(ty, ListType):
        return _list_conv(ty)
    if isinstance(ty, RecordType):
        return _record_conv(ty)
    if isinstance(ty, TupleType):
        return _tuple_conv(ty)
    if isinstance(ty, EnumType):
        kind = ffi.WASMTIME_COMPONENT_ENUM
        names = set(ty.names)

        def lower_e(store: Any, v: Any, c: Any) -> None:
            if v not in names:
                raise ValueError("not a case of this enum")
            c.kind = kind
            c.of.enumeration = _str_vec(v)

        def lift_e(c: Any) -> Any:
            s = ffi.to_str(c.of.enumeration)
            ffi.wasm_byte_vec_delete(byref(c.of.enumeration))
            return s

        return lower_e, lift_e
    if isinstance(ty, OptionType):
        return _option_conv(ty)
    if isinstance(ty, ResultType):
        return _result_conv(ty)
    if isinstance(ty, VariantType):
        return _variant_conv(ty)
    if isinstance(ty, (OwnType, BorrowType)):
        return _resource_conv(isinstance(ty, OwnType))
    raise TypeError(f"unsupported component type {type(ty).__name__}")


def _int_conv(name: str) -> tuple[Lower, Lift]:
    kind = _K[name]

    def lower(store: Any, v: Any, c: Any) -> None:
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError("expected int")
        c.kind = kind
        setattr(c.of, name, v)

    def lift(c: Any) -> Any:
        return int(getattr(c.of, name))

    return lower, lift


def _list_conv(ty: ListType) -> tuple[Lower, Lift]:
    kind = ffi.WASMTIME_COMPONENT_LIST
    elem = ty.element
    if isinstance(elem, U8):
        u8 = ffi.WASMTIME_COMPONENT_U8

        def lower_bytes(store: Any, v: Any, c: Any) -> None:
            if not isinstance(v, (bytes, bytearray)):
                raise TypeError("expected bytes")
            raw = ffi.wasmtime_component_vallist_t()
            ffi.wasmtime_component_vallist_new_uninit(raw, len(v))
            data = raw.data
            for i, b in enumerate(v):
                d = data[i]
                d.kind = u8
                d.of.u8 = b
            c.kind = kind
            c.of.list = raw

        def lift_bytes(c: Any) -> Any:
            try:
                data = c.of.tuple.data
                return bytes(data[i].of.u8 for i in range(c.of.record.size))
            finally:
                ffi.wasmtime_component_valtuple_delete(byref(c.of.tuple))

        return lower_bytes, lift_bytes
    lo, li = compile_type(elem)

    def lower_list(store: Any, v: Any, c: Any) -> None:
        v = list(v)
        raw = ffi.wasmtime_component_vallist_t()
        ffi.wasmtime_component_vallist_new_uninit(raw, len(v))
        i = 0
        try:
            for e in v:
                lo(store, e, raw.data[i])
                i += 1
        except BaseException:
            for j in range(i, len(v)):
                _clear(raw.data[j])
            ffi.wasmtime_component_vallist_delete(byref(raw))
            raise
        c.kind = kind
        c.of.list = raw

    def lift_list(c: Any) -> Any:
        try:
            data = c.of.tuple.data
            out = []
            for i in range(c.of.record.size):
                d = data[i]
                out.append(li(d))
                _clear(d)
            return out
        finally:
            ffi.wasmtime_component_valtuple_delete(byref(c.of.tuple))

    return lower_list, lift_list


def _record_conv(ty: RecordType) -> tuple[Lower, Lift]:
    kind = ffi.WASMTIME_COMPONENT_RECORD
    fields = [(name.encode("utf-8"), name.replace("-", "_"), *compile_type(t)) for name, t in ty.fields]
    n = len(fields)

    def lower(store: Any, v: Any, c: Any) -> None:
        get = v.__getitem__ if isinstance(v, dict) else v.__getattribute__
        raw = ffi.wasmtime_component_valrecord_t()
        ffi.wasmtime_component_valrecord_new_uninit(raw, n)
        i = 0
        try:
            for name, pyname, lo, _ in fields:
                d = raw.data[i]
                lo(store, get(pyname), d.val)
                d.name = _bytes_vec(name)
                i += 1
        except BaseException:
            for j in range(i, n):
                _clear(raw.data[j].val)
            ffi.wasmtime_component_valrecord_delete(byref(raw))
            raise
        c.kind = kind
        c.of.record = raw

    def lift(c: Any) -> Any:
        out = {}
        try:
            data = c.of.record.data
            for i in range(min(c.of.record.size, n)):
                d = data[i]
                f = fields[i]
                out[f[1]] = f[3](d.val)
                _clear(d.val)
            return out
        finally:
            ffi.wasmtime_component_valrecord_delete(byref(c.of.record))

    return lower, lift


def _tuple_conv(ty: TupleType) -> tuple[Lower, Lift]:
    kind = ffi.WASMTIME_COMPONENT_TUPLE
    elems = [compile_type(t) for t in ty.elements]
    n = len(elems)

    def lower(store: Any, v: Any, c: Any) -> None:
        if len(v) != n:
            raise TypeError("tuple length mismatch")
        raw = ffi.wasmtime_component_valtuple_t()
        ffi.wasmtime_component_valtuple_new_uninit(raw, n)
        i = 0
        try:
            for (lo, _), e in zip(elems, v, strict=False):
                lo(store, e, raw.data[i])
                i += 1
        except BaseException:
            for j in range(i, n):
                _clear(raw.data[j])
            ffi.wasmtime_component_valtuple_delete(byref(raw))
            raise
        c.kind = kind
        c.of.tuple = raw

    def lift(c: Any) -> Any:
        try:
            data = c.of.tuple.data
            out = []
            for i in range(min(c.of.record.size, n)):
                d = data[i]
                out.append(elems[i][1](d))
                _clear(d)
            return tuple(out)
        finally:
            ffi.wasmtime_component_valtuple_delete(byref(c.of.tuple))

    return lower, lift


def _unbox(lift: Lift, ptr: Any) -> Any:
    v = lift(ptr.contents)
    _clear(ptr.contents)
    ffi.wasmtime_component_val_delete(ptr)
    return v


def _option_conv(ty: OptionType) -> tuple[Lower, Lift]:
    kind = ffi.WASMTIME_COMPONENT_OPTION
    lo, li = compile_type(ty.payload)

    def lower(store: Any, v: Any, c: Any) -> None:
        c.kind = kind
        c.of.option = None if v is None else _box(store, lo, v)

    def lift(c: Any) -> Any:
        p = c.of.option
        return _unbox(li, p) if p else None

    return lower, lift


def _result_conv(ty: ResultType) -> tuple[Lower, Lift]:
    kind = ffi.WASMTIME_COMPONENT_RESULT
    ok_t, err_t = ty.ok, ty.err
    ok = compile_type(ok_t) if ok_t is not None else None
    err = compile_type(err_t) if err_t is not None else None

    def lower(store: Any, v: Any, c: Any) -> None:
        tag, payload = v
        conv = ok if tag == "ok" else err
        c.kind = kind
        c.of.result.is_ok = tag == "ok"
        c.of.result.val = None if conv is None else _box(store, conv[0], payload)

    def lift(c: Any) -> Any:
        is_ok = bool(c.of.result.is_ok)
        conv = ok if is_ok else err
        p = c.of.result.val
        payload = _unbox(conv[1], p) if (conv is not None and p) else None
        return ("ok" if is_ok else "err", payload)

    return lower, lift


def _variant_conv(ty: VariantType) -> tuple[Lower, Lift]:
    kind = ffi.WASMTIME_COMPONENT_VARIANT
    cases = {name: (compile_type(t) if t is not None else None) for name, t in ty.cases}

    def lower(store: Any, v: Any, c: Any) -> None:
        tag, payload = (v, None) if isinstance(v, str) else v
        if tag not in cases:
            raise ValueError("not a case of this variant")
        conv = cases[tag]
        c.kind = kind
        c.of.variant.discriminant = _str_vec(tag)
        c.of.variant.val = None if conv is None else _box(store, conv[0], payload)

    def lift(c: Any) -> Any:
        tag = ffi.to_str(c.of.variant.discriminant)
        ffi.wasm_byte_vec_delete(byref(c.of.variant.discriminant))
        conv = cases.get(tag)
        p = c.of.variant.val
        payload = _unbox(conv[1], p) if (conv is not None and p) else None
        return (tag, payload)

    return lower, lift


def _resource_conv(owned: bool) -> tuple[Lower, Lift]:
    kind = ffi.WASMTIME_COMPONENT_RESOURCE

    def lower(store: Any, v: Any, c: Any) -> None:
        if not isinstance(v, ResourceAny):
            raise TypeError("expected a component resource")
        c.kind = kind
        c.of.resource = v._consume() if owned else ffi.wasmtime_component_resource_any_clone(v.ptr())

    def lift(c: Any) -> Any:
        return ResourceAny._from_ptr(ffi.take_pointer(c.of, "resource"))

    return lower, lift


class FastFunc:
    """A component function with its parameter and result conversions compiled once."""

    __slots__ = ("_func", "_lift", "_lowers", "_n", "_store", "name")

    def __init__(self, store: Any, func: Any, name: str) -> None:
        fty = func.type(store)
        self._func = func
        self._store = store
        self._lowers: list[Lower] = [compile_type(t)[0] for _, t in fty.params]
        res = fty.result
        self._lift: Lift | None = compile_type(res)[1] if res is not None else None
        self._n = len(self._lowers)
        self.name = name

    def __call__(self, *params: Any) -> Any:
        n = self._n
        if len(params) != n:
            raise TypeError(f"{self.name}: expected {n} arguments, got {len(params)}")
        store = self._store
        args: Any = (_VAL * n)() if n else None
        done = 0
        try:
            for lo, v in zip(self._lowers, params, strict=False):
                lo(store, v, args[done])
                done += 1
            out = _VAL() if self._lift is not None else None
            func, ctx = self._func._func, store._context()
            out_ref = byref(out) if out is not None else None
            out_len = 1 if out is not None else 0
            enter_wasm(lambda: ffi.wasmtime_component_func_call(byref(func), ctx, args, n, out_ref, out_len))
            return self._lift(out) if self._lift is not None else None
        finally:
            for i in range(done):
                ffi.wasmtime_component_val_delete(byref(args[i]))


__all__ = ["FastFunc", "compile_type"]
_ = ctypes  # re-exported for type checkers
