"""The component's core module, called through the canonical ABI done by hand.

``presidio_x402.wasm`` is a WebAssembly component: one main core module (the
Rust core) wrapped in component sections that declare the interface types and
how each export is lifted (``canon lift`` with its options). wasmtime-py's
``wasmtime.component`` API converts every value through the C API on every
call, which costs ~25 µs per crossing. This module instead

* parses the component binary (:func:`parse_component`): the embedded core
  modules, the type section, the core instances, aliases and ``canon``
  entries, to find the main module, its imports (``[resource-new]<name>``
  only), and for every lifted export its function type and canonical options
  (UTF-8 strings, ``memory``, ``realloc``, ``post-return``);
* compiles, once per function, closures that lower Python values into the
  guest's linear memory and flat core values and lift results back, following
  the Component Model's canonical ABI (sizes, alignments, flattening, more
  than 16 flat parameters passed through memory, more than one flat result
  returned through a return area);
* calls the core functions with ``wasmtime_func_call_unchecked`` on a
  preallocated ``wasmtime_val_raw_t`` array.

Written by hand because nothing maintained does it for Python: wasmtime-py
50 has no generator of such bindings (its former ``wasmtime.bindgen`` is
gone) and no other package reads components.

The Python value shapes are the same as before: records are ``dict`` with
snake_case keys, ``result`` is ``("ok", v)`` / ``("err", v)``, ``option`` is
``None`` or the value, enums are their case name, variants ``(tag, payload)``,
``list<u8>`` is ``bytes``, tuples are tuples and resources are
:class:`Resource` handles. It holds no rules.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Callable
from ctypes import byref
from dataclasses import dataclass, field
from typing import Any, NoReturn

from wasmtime import Func, FuncType, Instance, Memory, Module, Store, Trap, ValType, WasmtimeError
from wasmtime import _ffi as ffi

#: The canonical ABI's limits on flat values (``MAX_FLAT_PARAMS`` / ``MAX_FLAT_RESULTS`` of exports).
MAX_FLAT_PARAMS = 16
MAX_FLAT_RESULTS = 1


# -- reading the component binary ---------------------------------------------------------------
class _Reader:
    __slots__ = ("d", "i")

    def __init__(self, d: bytes, i: int = 0) -> None:
        self.d = d
        self.i = i

    def byte(self) -> int:
        b = self.d[self.i]
        self.i += 1
        return b

    def peek(self) -> int:
        return self.d[self.i]

    def u32(self) -> int:
        r = shift = 0
        while True:
            b = self.byte()
            r |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return r

    def name(self) -> str:
        n = self.u32()
        s = self.d[self.i : self.i + n]
        self.i += n
        return s.decode("utf-8")

    def vec(self, item: Callable[[], Any]) -> list[Any]:
        return [item() for _ in range(self.u32())]


_PRIMS = {
    0x7F: "bool", 0x7E: "s8", 0x7D: "u8", 0x7C: "s16", 0x7B: "u16", 0x7A: "s32", 0x79: "u32",
    0x78: "s64", 0x77: "u64", 0x76: "f32", 0x75: "f64", 0x74: "char", 0x73: "string",
}

# A component type as parsed: a tuple whose first item is its kind. Value types
# inside it are either a primitive name (``str``) or a type index (``int``).
TypeDef = tuple[Any, ...]


def _valtype(r: _Reader) -> str | int:
    b = r.peek()
    if 0x40 <= b <= 0x7F:
        r.i += 1
        if b not in _PRIMS:
            raise ValueError(f"unsupported primitive value type 0x{b:02x}")
        return _PRIMS[b]
    return r.u32()


def _opt(r: _Reader, item: Callable[[], Any]) -> Any:
    flag = r.byte()
    if flag == 0:
        return None
    if flag != 1:
        raise ValueError("malformed option in the component binary")
    return item()


def _typedef(r: _Reader) -> TypeDef:
    b = r.byte()
    if b in _PRIMS:
        return ("prim", _PRIMS[b])
    if b == 0x72:
        return ("record", r.vec(lambda: (r.name(), _valtype(r))))
    if b == 0x71:

        def case() -> tuple[str, Any]:
            name, t = r.name(), _opt(r, lambda: _valtype(r))
            if r.byte() != 0:
                raise ValueError("variant case refinements are not supported")
            return name, t

        return ("variant", r.vec(case))
    if b == 0x70:
        return ("list", _valtype(r))
    if b == 0x6F:
        return ("tuple", r.vec(lambda: _valtype(r)))
    if b == 0x6D:
        return ("enum", r.vec(r.name))
    if b == 0x6B:
        return ("option", _valtype(r))
    if b == 0x6A:
        return ("result", _opt(r, lambda: _valtype(r)), _opt(r, lambda: _valtype(r)))
    if b in (0x69, 0x68):
        return ("own" if b == 0x69 else "borrow", r.u32())
    if b == 0x40:
        params = r.vec(lambda: (r.name(), _valtype(r)))
        tag = r.byte()
        if tag == 0:
            result = _valtype(r)
        elif tag == 1 and r.byte() == 0:
            result = None
        else:
            raise ValueError("named function results are not supported")
        return ("func", params, result)
    if b == 0x3F:
        if r.byte() != 0x7F:
            raise ValueError("resource representation must be i32")
        return ("resource", _opt(r, r.u32))
    raise ValueError(f"unsupported component type 0x{b:02x} (flags, streams, nested types, ...)")


@dataclass
class Lifted:
    """One export as the component lifts it: core function name, type and options."""

    core_name: str
    type_index: int
    realloc: str | None = None
    post_return: str | None = None


@dataclass
class ParsedComponent:
    """What :func:`parse_component` found in a component binary."""

    #: The main core module's bytes (the module every export is lifted from).
    module: bytes
    #: The component's type index space (see :data:`TypeDef`).
    types: list[TypeDef]
    #: Lifted functions by core export name's suffix after ``#`` (the WIT name, e.g. ``[method]guard.assess``).
    funcs: dict[str, Lifted] = field(default_factory=dict)
    #: Resource names by type index (from the ``[resource-new]<name>`` functions given to the main module).
    resources: dict[int, str] = field(default_factory=dict)
    #: The interface prefix of the core export names (e.g. ``presidio:x402/api@0.1.0``).
    interface: str = ""


def parse_component(wasm: bytes) -> ParsedComponent:
    """Finds the main core module and every lifted export of a component binary.

    Raises :class:`ValueError` when the binary uses something this loader does
    not implement (imports, string encodings other than UTF-8, async, ...).
    """
    if wasm[:8] != b"\x00asm\x0d\x00\x01\x00":
        raise ValueError("not a WebAssembly component (layer 1, version 0xd)")
    modules: list[bytes] = []
    types: list[TypeDef] = []
    core_instances: list[tuple[Any, ...]] = []  # ("module", idx) | ("inline", {name: (sort, idx)}) | ("other",)
    core_funcs: list[tuple[Any, ...]] = []  # ("export", inst, name) | ("resource.new", rt) | ("other",)
    core_memories: list[tuple[Any, ...]] = []
    lifts: list[tuple[int, dict[int, Any], int]] = []
    r = _Reader(wasm, 8)
    while r.i < len(wasm):
        sid = r.byte()
        size = r.u32()
        end = r.i + size
        s = _Reader(wasm[r.i : end])
        if sid == 1:
            modules.append(s.d)
        elif sid == 2:
            for _ in range(s.u32()):
                kind = s.byte()
                if kind == 0:
                    mod = s.u32()
                    for _ in range(s.u32()):  # instantiate arguments: name, sort, instance
                        s.name()
                        s.byte()
                        s.u32()
                    core_instances.append(("module", mod))
                elif kind == 1:
                    exports = {}
                    for _ in range(s.u32()):
                        ename = s.name()
                        exports[ename] = (s.byte(), s.u32())
                    core_instances.append(("inline", exports))
                else:
                    raise ValueError("unknown core instance kind")
        elif sid == 6:
            for _ in range(s.u32()):
                sort = s.byte()
                core_sort = s.byte() if sort == 0 else None
                target = s.byte()
                if target in (0, 1):
                    inst, name = s.u32(), s.name()
                    ref: tuple[Any, ...] = ("export", inst, name) if target == 1 else ("other",)
                elif target == 2:
                    s.u32()
                    s.u32()
                    ref = ("other",)
                else:
                    raise ValueError("unknown alias target")
                if core_sort == 0x00:
                    core_funcs.append(ref)
                elif core_sort == 0x02:
                    core_memories.append(ref)
                elif core_sort == 0x12:
                    core_instances.append(("other",))
                elif sort == 0x03:
                    types.append(("opaque",))
        elif sid == 7:
            types.extend([_typedef(s) for _ in range(s.u32())])
        elif sid == 8:
            for _ in range(s.u32()):
                kind = s.byte()
                if kind == 0x00:
                    if s.byte() != 0:
                        raise ValueError("unknown canon lift encoding")
                    func = s.u32()
                    opts = _canon_opts(s)
                    lifts.append((func, opts, s.u32()))
                elif kind == 0x01:
                    s.byte()
                    s.u32()
                    _canon_opts(s)
                    core_funcs.append(("other",))
                elif kind in (0x02, 0x03, 0x04, 0x07):
                    rt = s.u32()
                    core_funcs.append(("resource.new", rt) if kind == 0x02 else ("other",))
                else:
                    raise ValueError(f"unsupported canon definition 0x{kind:02x}")
        elif sid == 10:
            if s.u32():
                raise ValueError("the component must import nothing")
        elif sid == 11:
            for _ in range(s.u32()):
                if s.byte() != 0:
                    raise ValueError("unsupported export name encoding")
                s.name()
                sort = s.byte()
                if sort == 0:
                    s.byte()
                idx = s.u32()
                if s.byte() != 0:
                    raise ValueError("ascribed export types are not supported")
                if sort == 0x03:
                    types.append(types[idx])
        r.i = end

    def core_export(func: int) -> tuple[int, str]:
        ref = core_funcs[func]
        if ref[0] != "export":
            raise ValueError("a lifted function is not a core export")
        return ref[1], ref[2]

    main_inst: int | None = None
    parsed = ParsedComponent(module=b"", types=types)
    for func, opts, ty in lifts:
        inst, core_name = core_export(func)
        if main_inst is None:
            main_inst = inst
        if inst != main_inst:
            raise ValueError("lifted functions come from more than one core instance")
        if opts.get(0x01) is not None or opts.get(0x02) is not None or opts.get(0x06) is not None:
            raise ValueError(f"{core_name}: only synchronous UTF-8 lifts are supported")
        if 0x03 in opts and core_memories[opts[0x03]][1:] != (main_inst, "memory"):
            raise ValueError(f"{core_name}: lifted with a memory other than the main module's")
        realloc = post = None
        if 0x04 in opts:
            i, realloc = core_export(opts[0x04])
            if i != main_inst:
                raise ValueError("realloc is not the main module's")
        if 0x05 in opts:
            i, post = core_export(opts[0x05])
            if i != main_inst:
                raise ValueError("post-return is not the main module's")
        iface, _, wit_name = core_name.rpartition("#")
        parsed.interface = iface
        parsed.funcs[wit_name] = Lifted(core_name, ty, realloc, post)
    if main_inst is None:
        raise ValueError("the component lifts no function")
    inst_def = core_instances[main_inst]
    if inst_def[0] != "module":
        raise ValueError("the lifted functions are not a module instance's")
    parsed.module = modules[inst_def[1]]
    # Resource names: the inline instances hand "[resource-new]<name>" to the main module.
    for inst_def in core_instances:
        if inst_def[0] == "inline":
            for name, (sort, idx) in inst_def[1].items():
                cref: tuple[Any, ...] = core_funcs[idx] if sort == 0 else ("other",)
                if name.startswith("[resource-new]") and cref[0] == "resource.new":
                    parsed.resources[cref[1]] = name[len("[resource-new]") :]
    return parsed


def _canon_opts(s: _Reader) -> dict[int, Any]:
    opts: dict[int, Any] = {}
    for _ in range(s.u32()):
        o = s.byte()
        if o in (0x00, 0x01, 0x02, 0x06):
            opts[o] = True
        elif o in (0x03, 0x04, 0x05, 0x07):
            opts[o] = s.u32()
        else:
            raise ValueError(f"unsupported canonical option 0x{o:02x}")
    if 0x00 in opts:
        opts.pop(0x00)  # utf8: the default
    return opts


# -- the runtime ------------------------------------------------------------------------------------
_RAW = ffi.wasmtime_val_raw_t
# wasmtime_func_call_unchecked(context, func, args_and_results, len, trap_ret) -> wasmtime_error_t*,
# with every argument an address (plain ints convert fastest).
_VP = ctypes.c_void_p
_call_unchecked = ctypes.CFUNCTYPE(_VP, _VP, _VP, _VP, ctypes.c_size_t, _VP)(
    ctypes.cast(ffi.dll.wasmtime_func_call_unchecked, _VP).value or 0
)
_mem_data = ffi.dll.wasmtime_memory_data
_mem_size = ffi.dll.wasmtime_memory_data_size
_mem_size.restype = ctypes.c_size_t


def _slots(n: int) -> str:
    """The ``struct`` format of ``n`` raw slots, each written as an unsigned 64-bit value."""
    return "<" + "Q8x" * n


_ALLOC = _slots(4)


class Resource:
    """An owned resource of the component (a ``guard`` or a ``driver``): its
    representation (the guest's handle; the table maps a handle to itself)."""

    __slots__ = ("_runtime", "kind", "rep")

    def __init__(self, runtime: Runtime, kind: str, rep: int) -> None:
        self._runtime = runtime
        self.kind = kind
        self.rep = rep

    def drop(self) -> None:
        """Drops the resource: runs the guest's destructor once (later calls do nothing)."""
        rep, self.rep = self.rep, 0
        if rep:
            self._runtime.destroy(self.kind, rep)


class _CoreFunc:
    """A core export called with ``wasmtime_func_call_unchecked`` on a preallocated raw array
    (``view``: its bytes, 16 per slot)."""

    __slots__ = ("args", "buf", "func", "n", "rt", "view")

    def __init__(self, rt: Runtime, func: Func, n: int) -> None:
        self.rt = rt
        self.func = func  # keeps the wasmtime_func_t the address points to alive
        self.n = max(n, 1)
        self.buf = (_RAW * self.n)()
        self.view = memoryview(self.buf).cast("B")
        self.args = (rt.ctx, ctypes.addressof(func._func), ctypes.addressof(self.buf), self.n, rt.trap_addr)

    def call(self) -> None:
        rt = self.rt
        if rt.poisoned:
            raise WasmtimeError("wasm trap: cannot enter component instance (a previous call trapped)")
        err = _call_unchecked(*self.args)
        if err or rt.trap.value:
            rt.fail(err)


class Runtime:
    """The main core module instantiated in ``store``, with its memory and allocator."""

    def __init__(self, store: Store, module: Module, parsed: ParsedComponent) -> None:
        self.store = store
        self._ctx = store._context()
        self.ctx = ctypes.cast(self._ctx, _VP).value
        self.poisoned = False
        self.trap = _VP()
        self.trap_addr = ctypes.addressof(self.trap)
        i32 = ValType.i32()
        imports: list[Any] = []
        for imp in module.imports:
            name = imp.name or ""
            if imp.module != f"[export]{parsed.interface}" or not name.startswith("[resource-new]"):
                raise ValueError(f"the core module imports {imp.module} {name}: not supported")
            imports.append(Func(store, FuncType([i32], [i32]), lambda rep: rep))
        self.instance = Instance(store, module, imports)
        exports = self.instance.exports(store)
        mem = exports["memory"]
        if not isinstance(mem, Memory):
            raise ValueError("the core module exports no memory")
        self._memory = mem
        self._mem = byref(mem._memory)
        self._size = -1
        self.view = memoryview(b"")
        self._exports = exports
        self._realloc: _CoreFunc | None = None
        self._dtors: dict[str, _CoreFunc] = {}
        for rname in parsed.resources.values():
            self._dtors[rname] = self.func(f"{parsed.interface}#[dtor]{rname}", 1)[0]
        self.refresh()

    def func(self, name: str, n: int) -> tuple[_CoreFunc, Func]:
        """Core export ``name`` with a raw array of ``n`` slots."""
        f = self._exports[name]
        if not isinstance(f, Func):
            raise ValueError(f"core export {name} is not a function")
        return _CoreFunc(self, f, n), f

    def set_realloc(self, name: str) -> None:
        """Uses core export ``name`` (``cabi_realloc``) to allocate in the guest."""
        if self._realloc is None:
            self._realloc = self.func(name, 4)[0]

    def fail(self, err: int | None) -> None:
        """Raises the error or trap of a core call; the instance is poisoned from now on."""
        self.poisoned = True
        if err:
            raise WasmtimeError._from_ptr(ctypes.cast(err, ctypes.POINTER(ffi.wasmtime_error_t)))
        trap = Trap._from_ptr(ctypes.cast(self.trap.value or 0, ctypes.POINTER(ffi.wasm_trap_t)))
        self.trap.value = None
        raise WasmtimeError(f"wasm trap: {trap.message}")

    def abort(self, message: str) -> NoReturn:
        """A canonical ABI violation by the guest (bad pointer, discriminant, ...): traps
        like the guest's own traps (the instance is poisoned)."""
        self.poisoned = True
        raise WasmtimeError(f"wasm trap: {message}")

    def refresh(self) -> None:
        """Re-reads the memory's size and base (the engine is built with
        ``memory_may_move(False)``: the base never changes, the size only grows,
        so the view is refreshed only when an access falls past its end)."""
        size = _mem_size(self._ctx, self._mem)
        if size != self._size:
            base = ctypes.cast(_mem_data(self._ctx, self._mem), _VP).value or 0
            self.view = memoryview((ctypes.c_ubyte * size).from_address(base)).cast("B") if size else memoryview(b"")
            self._size = size

    def alloc(self, align: int, size: int) -> int:
        """``realloc(0, 0, align, size)`` in the guest; returns the pointer (checked)."""
        f = self._realloc
        if f is None:
            raise ValueError("the function has no realloc option")
        struct.pack_into(_ALLOC, f.view, 0, 0, 0, align, size)
        f.call()
        ptr: int = struct.unpack_from("<I", f.view, 0)[0]
        if ptr % align:
            self.abort("realloc returned a misaligned pointer")
        self.check(ptr + size)
        return ptr

    def put(self, data: bytes | bytearray) -> int:
        """Copies ``data`` into a fresh guest allocation (alignment 1); returns its pointer."""
        n = len(data)
        p = self.alloc(1, n)
        self.view[p : p + n] = data
        return p

    def check(self, end: int) -> None:
        """Traps unless ``end`` is within the memory (refreshing the view once if it grew)."""
        if end > self._size:
            self.refresh()
            if end > self._size:
                self.abort("out of bounds memory access")

    def destroy(self, kind: str, rep: int) -> None:
        """Runs the destructor of resource ``kind`` on ``rep``."""
        f = self._dtors[kind]
        struct.pack_into("<Q", f.view, 0, rep)
        f.call()


# -- the canonical ABI, one compiled type at a time -------------------------------------------------
_INT = {"bool": (1, "B"), "s8": (1, "b"), "u8": (1, "B"), "s16": (2, "<h"), "u16": (2, "<H"), "s32": (4, "<i"),
        "u32": (4, "<I"), "s64": (8, "<q"), "u64": (8, "<Q"), "char": (4, "<I")}


def _align(x: int, a: int) -> int:
    return (x + a - 1) // a * a


def _join(a: str, b: str) -> str:
    if a == b:
        return a
    if {a, b} == {"i32", "f32"}:
        return "i32"
    return "i64"


class CType:
    """A compiled component value type: its layout and its conversions.

    ``flat`` lists its flat core types; ``lower(v, out)`` appends its flat
    values (allocating in the guest for strings and lists), ``store(v, ptr)``
    writes it at ``ptr``, ``load(ptr)`` reads it back and ``lift(it)`` takes
    its flat values from an iterator of ints.
    """

    __slots__ = ("align", "flat", "lift", "load", "lower", "size", "store")

    def __init__(self, size: int, align: int, flat: list[str], lower: Callable[[Any, list[int]], None],
                 store: Callable[[Any, int], None], load: Callable[[int], Any],
                 lift: Callable[[Any], Any]) -> None:
        self.size = size
        self.align = align
        self.flat = flat
        self.lower = lower
        self.store = store
        self.load = load
        self.lift = lift


class TypeCompiler:
    """Builds :class:`CType` closures over a :class:`Runtime` for a parsed component's types."""

    def __init__(self, rt: Runtime, parsed: ParsedComponent) -> None:
        self.rt = rt
        self.parsed = parsed
        self._cache: dict[str | int, CType] = {}

    def compile(self, t: str | int) -> CType:
        """The :class:`CType` of a value type (a primitive name or a type index)."""
        c = self._cache.get(t)
        if c is None:
            c = self._build(t)
            self._cache[t] = c
        return c

    def _build(self, t: str | int) -> CType:
        if isinstance(t, str):
            return self._prim(t)
        d = self.parsed.types[t]
        k = d[0]
        if k == "prim":
            return self._prim(d[1])
        if k == "record":
            return self._record([(n.replace("-", "_"), self.compile(ft)) for n, ft in d[1]], tuple_=False)
        if k == "tuple":
            return self._record([(i, self.compile(ft)) for i, ft in enumerate(d[1])], tuple_=True)
        if k == "list":
            return self._list(d[1])
        if k == "enum":
            return self._variant([(n, None) for n in d[1]], "enum")
        if k == "variant":
            return self._variant([(n, None if ct is None else self.compile(ct)) for n, ct in d[1]], "variant")
        if k == "option":
            return self._variant([("none", None), ("some", self.compile(d[1]))], "option")
        if k == "result":
            return self._variant([("ok", None if d[1] is None else self.compile(d[1])),
                                  ("err", None if d[2] is None else self.compile(d[2]))], "result")
        if k in ("own", "borrow"):
            return self._resource(d[1], owned=k == "own")
        raise TypeError(f"unsupported component type {k}")

    def _prim(self, name: str) -> CType:
        rt = self.rt
        if name == "string":

            def lower_s(v: Any, out: list[int]) -> None:
                if not isinstance(v, str):
                    raise TypeError("expected str")
                b = v.encode("utf-8")
                out.append(rt.put(b))
                out.append(len(b))

            def store_s(v: Any, ptr: int) -> None:
                out: list[int] = []
                lower_s(v, out)
                struct.pack_into("<II", rt.view, ptr, out[0], out[1])

            def load_s(ptr: int) -> Any:
                p, n = struct.unpack_from("<II", rt.view, ptr)
                rt.check(p + n)
                return str(rt.view[p : p + n], "utf-8")

            def lift_s(it: Any) -> Any:
                p, n = next(it) & 0xFFFFFFFF, next(it) & 0xFFFFFFFF
                rt.check(p + n)
                return str(rt.view[p : p + n], "utf-8")

            return CType(8, 4, ["i32", "i32"], lower_s, store_s, load_s, lift_s)
        if name in ("f32", "f64"):
            raise TypeError("floating-point values are not supported")
        size, fmt = _INT[name]
        bits = size * 8
        mask = (1 << bits) - 1
        signed = name[0] == "s"
        flat = "i64" if size == 8 else "i32"
        if name == "bool":

            def lower_b(v: Any, out: list[int]) -> None:
                if not isinstance(v, bool):
                    raise TypeError("expected bool")
                out.append(int(v))

            def store_b(v: Any, ptr: int) -> None:
                if not isinstance(v, bool):
                    raise TypeError("expected bool")
                rt.view[ptr] = int(v)

            return CType(1, 1, ["i32"], lower_b, store_b, lambda ptr: rt.view[ptr] != 0,
                         lambda it: next(it) & 0xFFFFFFFF != 0)

        def norm(v: Any) -> int:
            if not isinstance(v, int) or isinstance(v, bool):
                raise TypeError("expected int")
            x = v & mask
            if signed and x >> (bits - 1):
                x -= 1 << bits
            return x

        def lower_i(v: Any, out: list[int]) -> None:
            if not isinstance(v, int) or isinstance(v, bool):
                raise TypeError("expected int")
            out.append(v & mask)  # flat values are bit patterns

        def store_i(v: Any, ptr: int) -> None:
            struct.pack_into(fmt, rt.view, ptr, norm(v))

        def load_i(ptr: int) -> Any:
            return struct.unpack_from(fmt, rt.view, ptr)[0]

        def lift_i(it: Any) -> Any:
            v = next(it) & mask
            if signed and v >> (bits - 1):
                v -= 1 << bits
            return v

        return CType(size, size, [flat], lower_i, store_i, load_i, lift_i)

    def _record(self, fields: list[tuple[Any, CType]], tuple_: bool) -> CType:
        offset = 0
        align = 1
        layout: list[tuple[Any, CType, int]] = []
        for key, ct in fields:
            offset = _align(offset, ct.align)
            layout.append((key, ct, offset))
            offset += ct.size
            align = max(align, ct.align)
        size = _align(offset, align)
        flat = [f for _, ct in fields for f in ct.flat]
        n = len(fields)

        def items(v: Any) -> list[Any]:
            if tuple_:
                if len(v) != n:
                    raise TypeError("tuple length mismatch")
                return list(v)
            if isinstance(v, dict):
                return [v[key] for key, _, _ in layout]
            return [getattr(v, key) for key, _, _ in layout]

        def lower(v: Any, out: list[int]) -> None:
            for (_, ct, _), x in zip(layout, items(v), strict=True):
                ct.lower(x, out)

        def store(v: Any, ptr: int) -> None:
            for (_, ct, off), x in zip(layout, items(v), strict=True):
                ct.store(x, ptr + off)

        if tuple_:

            def load(ptr: int) -> Any:
                return tuple(ct.load(ptr + off) for _, ct, off in layout)

            def lift(it: Any) -> Any:
                return tuple(ct.lift(it) for _, ct, _ in layout)

        else:

            def load(ptr: int) -> Any:
                return {key: ct.load(ptr + off) for key, ct, off in layout}

            def lift(it: Any) -> Any:
                return {key: ct.lift(it) for key, ct, _ in layout}

        return CType(size, align, flat, lower, store, load, lift)

    def _list(self, elem_t: str | int) -> CType:
        rt = self.rt
        elem = self.compile(elem_t)
        flat = ["i32", "i32"]
        esize, ealign = elem.size, elem.align
        if elem_t == "u8":

            def lower(v: Any, out: list[int]) -> None:
                if not isinstance(v, (bytes, bytearray)):
                    raise TypeError("expected bytes")
                out.append(rt.put(v))
                out.append(len(v))

            def read(p: int, n: int) -> Any:
                rt.check(p + n)
                return bytes(rt.view[p : p + n])

        else:

            def lower(v: Any, out: list[int]) -> None:
                v = list(v)
                p = rt.alloc(ealign, esize * len(v))
                for i, x in enumerate(v):
                    elem.store(x, p + i * esize)
                out.append(p)
                out.append(len(v))

            def read(p: int, n: int) -> Any:
                if p % ealign:
                    rt.abort("misaligned list")
                rt.check(p + n * esize)
                return [elem.load(p + i * esize) for i in range(n)]

        def store(v: Any, ptr: int) -> None:
            out: list[int] = []
            lower(v, out)
            struct.pack_into("<II", rt.view, ptr, out[0], out[1])

        def load(ptr: int) -> Any:
            return read(*struct.unpack_from("<II", rt.view, ptr))

        def lift(it: Any) -> Any:
            return read(next(it) & 0xFFFFFFFF, next(it) & 0xFFFFFFFF)

        return CType(8, 4, flat, lower, store, load, lift)

    def _variant(self, cases: list[tuple[str, CType | None]], kind: str) -> CType:
        rt = self.rt
        n = len(cases)
        dsize = 1 if n <= 256 else 2 if n <= 65536 else 4
        dfmt = {1: "B", 2: "<H", 4: "<I"}[dsize]
        calign = max([c.align for _, c in cases if c is not None] or [1])
        align = max(dsize, calign)
        off = _align(dsize, calign)
        size = _align(off + max([c.size for _, c in cases if c is not None] or [0]), align)
        joined: list[str] = []
        for _, c in cases:
            if c is None:
                continue
            for i, f in enumerate(c.flat):
                if i < len(joined):
                    joined[i] = _join(joined[i], f)
                else:
                    joined.append(f)
        flat = ["i32", *joined]
        width = len(joined)
        index = {name: (i, c) for i, (name, c) in enumerate(cases)}

        def split(v: Any) -> tuple[int, CType | None, Any]:
            if kind == "enum":
                hit = index.get(v) if isinstance(v, str) else None
                if hit is None:
                    raise ValueError("not a case of this enum")
                return hit[0], None, None
            if kind == "option":
                return (0, None, None) if v is None else (1, cases[1][1], v)
            tag, payload = (v, None) if kind == "variant" and isinstance(v, str) else v
            hit = index.get(tag)
            if hit is None:
                raise ValueError(f"not a case of this {kind}")
            return hit[0], hit[1], payload

        def lower(v: Any, out: list[int]) -> None:
            d, c, payload = split(v)
            out.append(d)
            start = len(out)
            if c is not None:
                c.lower(payload, out)
            out.extend([0] * (width - (len(out) - start)))

        def store(v: Any, ptr: int) -> None:
            d, c, payload = split(v)
            struct.pack_into(dfmt, rt.view, ptr, d)
            if c is not None:
                c.store(payload, ptr + off)

        def case(d: int) -> tuple[str, CType | None]:
            if d >= n:
                rt.abort(f"invalid {kind} discriminant")
            return cases[d]

        def shape(d: int, name: str, payload: Any) -> Any:
            if kind == "enum":
                return name
            if kind == "option":
                return payload if d else None
            return (name, payload)

        def load(ptr: int) -> Any:
            d = struct.unpack_from(dfmt, rt.view, ptr)[0]
            name, c = case(d)
            return shape(d, name, c.load(ptr + off) if c is not None else None)

        def lift(it: Any) -> Any:
            d = next(it) & 0xFFFFFFFF
            name, c = case(d)
            vals = [next(it) for _ in range(width)]
            return shape(d, name, c.lift(iter(vals)) if c is not None else None)

        return CType(size, align, flat, lower, store, load, lift)

    def _resource(self, type_index: int, owned: bool) -> CType:
        rt = self.rt
        kind = self.parsed.resources.get(type_index)
        if kind is None:
            raise TypeError("a resource type this component does not define")

        def rep(v: Any) -> int:
            if not isinstance(v, Resource) or v.kind != kind or not v.rep:
                raise TypeError(f"expected a live {kind} resource")
            r = v.rep
            if owned:
                v.rep = 0  # moved into the guest
            return r

        def lower(v: Any, out: list[int]) -> None:
            out.append(rep(v))

        def store(v: Any, ptr: int) -> None:
            struct.pack_into("<I", rt.view, ptr, rep(v))

        def load(ptr: int) -> Any:
            return Resource(rt, kind, struct.unpack_from("<I", rt.view, ptr)[0])

        def lift(it: Any) -> Any:
            return Resource(rt, kind, next(it) & 0xFFFFFFFF)

        return CType(4, 4, ["i32"], lower, store, load, lift)


class ExportFunc:
    """One lifted export: lowers the arguments, calls the core function, lifts
    the result and runs the post-return function."""

    __slots__ = ("_args", "_core", "_fmt", "_lift", "_n", "_post", "_ptr_params", "_res_fmt", "_ret_area",
                 "_tuple", "name")

    def __init__(self, rt: Runtime, tc: TypeCompiler, name: str, lifted: Lifted) -> None:
        ft = tc.parsed.types[lifted.type_index]
        if ft[0] != "func":
            raise TypeError(f"{name}: not a function type")
        self.name = name
        params = [tc.compile(t) for _, t in ft[1]]
        self._args = params
        self._n = len(params)
        result = tc.compile(ft[2]) if ft[2] is not None else None
        flat_params = [f for p in params for f in p.flat]
        self._ptr_params = len(flat_params) > MAX_FLAT_PARAMS
        self._tuple = tc._record([(i, p) for i, p in enumerate(params)], tuple_=True)
        if self._ptr_params:
            flat_params = ["i32"]
        flat_results = result.flat if result is not None else []
        self._ret_area = len(flat_results) > MAX_FLAT_RESULTS
        if self._ret_area:
            flat_results = ["i32"]
        if lifted.realloc is not None:
            rt.set_realloc(lifted.realloc)
        self._core, func = rt.func(lifted.core_name, max(len(flat_params), len(flat_results)))
        fty = func.type(rt.store)
        got = ([str(t) for t in fty.params], [str(t) for t in fty.results])
        if got != (flat_params, flat_results):
            raise TypeError(f"{name}: core signature {got} is not the flattened {(flat_params, flat_results)}")
        self._fmt = _slots(len(flat_params))
        self._res_fmt = "<Q" if flat_results == ["i64"] else "<I"
        self._lift = result
        self._post = rt.func(lifted.post_return, len(flat_results))[0] if lifted.post_return is not None else None

    def __call__(self, *args: Any) -> Any:
        if len(args) != self._n:
            raise TypeError(f"{self.name}: expected {self._n} arguments, got {len(args)}")
        core = self._core
        out: list[int] = []
        if self._ptr_params:
            t = self._tuple
            ptr = core.rt.alloc(t.align, t.size)
            t.store(args, ptr)
            out.append(ptr)
        else:
            for ct, v in zip(self._args, args, strict=True):
                ct.lower(v, out)
        struct.pack_into(self._fmt, core.view, 0, *out)
        core.call()
        res = self._lift
        if res is None:
            return None
        raw: int = struct.unpack_from(self._res_fmt, core.view, 0)[0]
        post = self._post
        try:
            if not self._ret_area:
                return res.lift(iter((raw,)))
            if raw % res.align:
                core.rt.abort("misaligned return area")
            core.rt.check(raw + res.size)
            return res.load(raw)
        finally:
            if post is not None:
                struct.pack_into("<Q", post.view, 0, raw)
                post.call()


__all__ = ["ExportFunc", "ParsedComponent", "Resource", "Runtime", "TypeCompiler", "parse_component"]
