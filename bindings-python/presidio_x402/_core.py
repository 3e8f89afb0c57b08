"""The bundled WebAssembly component, loaded once per process.

Every rule of the guard lives in ``presidio_x402.wasm`` (the Rust core compiled
to a zero-import component). This module takes the component's main core
module out of it, instantiates that module with wasmtime-py's core API and
calls every export through the canonical ABI done in Python
(:mod:`presidio_x402._canon`: types read from the component, conversions
compiled once, raw ``wasmtime_func_call_unchecked`` calls), and exposes thin
typed wrappers. It holds no rules: it only converts and maps error codes.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import logging
import os
import platform
import tempfile
import threading
from pathlib import Path
from typing import Any, cast

from ._canon import ExportFunc, ParsedComponent, Resource, Runtime, TypeCompiler, parse_component

WASM_NAME = "presidio_x402.wasm"
INTERFACE = "presidio:x402/api@0.1.0"
#: Environment variable naming another component file to load (tests, development).
WASM_ENV = "PRESIDIO_X402_WASM"
#: Set to ``1`` to never read or write the compiled-module cache.
NO_CACHE_ENV = "PRESIDIO_X402_NO_CACHE"

logger = logging.getLogger("presidio_x402")


class CoreError(Exception):
    """A core operation failed with a stable error ``code`` (a kebab-case name)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code


def wasm_path() -> Path:
    """Where the component is read from: ``$PRESIDIO_X402_WASM`` or the packaged file."""
    env = os.environ.get(WASM_ENV)
    return Path(env) if env else Path(__file__).with_name(WASM_NAME)


#: A cache file's first bytes: "CM" (a compiled core module; "CC", a compiled component, is never read).
_CACHE_MAGIC = b"PX402CM1"


def cache_dir() -> Path:
    """Where compiled core modules are cached: ``$XDG_CACHE_HOME/presidio_x402``
    (default ``~/.cache/presidio_x402``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "presidio_x402"


def _wasmtime_version() -> str:
    try:
        from importlib.metadata import version

        return version("wasmtime")
    except Exception:  # pragma: no cover - metadata missing
        import wasmtime

        return str(getattr(wasmtime, "__version__", "unknown"))


def cache_path(wasm: bytes) -> Path:
    """The cache file of a component's compiled core module: keyed by the
    SHA-256 of the component's bytes, the wasmtime version and the machine (a
    compiled module is native code)."""
    digest = hashlib.sha256(wasm).hexdigest()[:48]
    return cache_dir() / f"component-{digest}-wasmtime{_wasmtime_version()}-{platform.machine() or 'cpu'}.bin"


def _load_module(engine: Any, wasm: bytes, parsed: ParsedComponent) -> tuple[Any, str]:
    """Compiles the component's main core module, or deserializes it from the
    cache. Returns the module and where it came from (``"cache"`` or
    ``"compiled"``).

    A cache file is ``magic ‖ sha256(payload) ‖ payload``; a file that is
    unreadable, truncated, for another wasmtime, or whose hash does not match is
    ignored (never handed to wasmtime: a serialized module is native code).
    """
    from wasmtime import Module

    use_cache = os.environ.get(NO_CACHE_ENV, "") not in ("1", "true", "yes")
    path = cache_path(wasm) if use_cache else None
    if path is not None:
        with contextlib.suppress(Exception):  # missing or unusable: compile
            blob = path.read_bytes()
            head = len(_CACHE_MAGIC) + 32
            digest = hashlib.sha256(memoryview(blob)[head:]).digest()
            if blob[: len(_CACHE_MAGIC)] == _CACHE_MAGIC and digest == blob[len(_CACHE_MAGIC) : head]:
                return Module.deserialize(engine, memoryview(blob)[head:].tobytes()), "cache"
    module = Module(engine, parsed.module)
    if path is not None:
        try:
            payload = bytes(module.serialize())
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=".component-", suffix=".tmp", dir=str(path.parent))
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(_CACHE_MAGIC + hashlib.sha256(payload).digest() + payload)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except Exception:
            logger.debug("could not write the compiled-module cache")
    return module, "compiled"


_FUNCS = {
    "call": "call",
    "audit_call": "audit-call",
    "operations": "operations",
    "describe": "describe",
    "parse_challenge": "parse-challenge",
    "redact": "redact",
    "fingerprint": "fingerprint",
    "audit_append": "audit-append",
    "audit_verify": "audit-verify",
    "mpa_request": "mpa-request",
    "mpa_countersign": "mpa-countersign",
    "mpa_verify": "mpa-verify",
    "validate_config": "validate-config",
    "guard_create": "[static]guard.create",
    "guard_load_state": "[method]guard.load-state",
    "guard_state": "[method]guard.state",
    "guard_approvers_json": "[method]guard.approvers-json",
    "guard_assess": "[method]guard.assess",
    "guard_assess_with_hints": "[method]guard.assess-with-hints",
    "guard_finalize": "[method]guard.finalize",
    "guard_settle": "[method]guard.settle",
    "guard_undo": "[method]guard.undo",
    "driver_create": "[static]driver.create",
    "driver_open": "[method]driver.open",
    "driver_begin": "[method]driver.begin",
    "driver_handle": "[method]driver.handle",
    "driver_state": "[method]driver.state",
    "driver_load_state": "[method]driver.load-state",
    "driver_head": "[method]driver.head",
    "driver_control": "[method]driver.control",
    "driver_reload": "[method]driver.reload",
    "driver_flush": "[method]driver.flush",
    "error_table": "error-table",
    "metric_table": "metric-table",
    "limit_table": "limit-table",
    "redis_scripts": "redis-scripts",
}


class Core:
    """One instance of the component's core module with every export resolved.

    Calls are serialised by a lock (a wasmtime ``Store`` is single-threaded).
    After a trap the instance is poisoned: every later call raises
    ``wasmtime.WasmtimeError`` (as a trapped component instance does).
    """

    def __init__(self, path: Path | None = None) -> None:
        from wasmtime import Config, Engine, Store

        path = Path(path) if path else wasm_path()
        if not path.is_file():
            raise FileNotFoundError(
                f"the guard component {path} is missing: build it with `make component` "
                f"(or set {WASM_ENV})"
            )
        self.path = path
        config = Config()
        config.memory_may_move = False  # the memory view of _canon stays valid while the memory grows
        self.engine = Engine(config)
        self.store = Store(self.engine)
        wasm = path.read_bytes()
        parsed = parse_component(wasm)
        if parsed.interface != INTERFACE:
            raise RuntimeError(f"component does not export {INTERFACE}")
        module, self.component_source = _load_module(self.engine, wasm, parsed)
        self.runtime = Runtime(self.store, module, parsed)
        types = TypeCompiler(self.runtime, parsed)
        self.lock = threading.RLock()
        self._f: dict[str, ExportFunc] = {}
        for attr, name in _FUNCS.items():
            lifted = parsed.funcs.get(name)
            if lifted is None:
                raise RuntimeError(f"component does not export {name}")
            self._f[attr] = ExportFunc(self.runtime, types, name, lifted)
        self._describe: dict[str, str] = {}
        self._tables: dict[str, list[dict[str, Any]]] = {}
        self._limits: dict[str, Any] | None = None
        self._scripts: dict[str, str] | None = None

    # -- the JSON façade ---------------------------------------------------------
    def call_raw(self, op: str, input_json: str) -> tuple[str, str]:
        """``call`` on JSON text: ``("ok", json)`` or ``("err", code)``."""
        with self.lock:
            return cast("tuple[str, str]", self._f["call"](op, input_json))

    def call(self, op: str, input: Any) -> Any:
        """Runs core operation ``op`` on a JSON-able ``input``; raises :class:`CoreError`."""
        tag, out = self.call_raw(op, json.dumps(input, separators=(",", ":"), ensure_ascii=False))
        if tag != "ok":
            raise CoreError(out, self.describe(out))
        return json.loads(out)

    def audit_call(self, op: str, input: Any) -> Any:
        """:meth:`call` for the audit verifications whose input is whole logs
        (``audit.verify``, ``audit.verify-report``, ``audit.verify-chains``),
        without ``call``'s 1 MiB input cap; raises :class:`CoreError`."""
        with self.lock:
            tag, out = self._f["audit_call"](op, json.dumps(input, separators=(",", ":"), ensure_ascii=False))
        if tag != "ok":
            raise CoreError(out, self.describe(out))
        return json.loads(out)

    def operations(self) -> list[str]:
        with self.lock:
            return list(self._f["operations"]())

    def describe(self, code: str) -> str:
        d = self._describe.get(code)
        if d is None:
            try:
                with self.lock:
                    d = self._f["describe"](code)
            except (ValueError, TypeError):
                d = code
            self._describe[code] = d
        return d

    # -- fine-grained functions --------------------------------------------------
    def fn(self, name: str, *args: Any) -> Any:
        """Calls export ``name`` (an attribute name of ``_FUNCS``) under the lock."""
        with self.lock:
            return self._f[name](*args)

    def ok(self, name: str, *args: Any) -> Any:
        """Calls an export returning ``result<T, error-code>``; raises :class:`CoreError`."""
        tag, v = self.fn(name, *args)
        if tag != "ok":
            raise CoreError(v, self.describe(v))
        return v

    def validate_config(self, config: dict[str, Any]) -> list[tuple[str, str]]:
        errs = self.fn("validate_config", json.dumps(config, ensure_ascii=False))
        return [(e["path"], e["code"]) for e in errs]

    def new_guard(self, config_json: str) -> GuardHandle:
        tag, v = self.fn("guard_create", config_json)
        if tag != "ok":
            raise ConfigErrors([(e["path"], e["code"]) for e in v])
        return GuardHandle(self, v)

    def new_driver(self, config_json: str, profile_json: str, replay_key: bytes, audit_key: bytes) -> Driver:
        """A ``driver`` resource (see :class:`Driver`); raises :class:`ConfigErrors`."""
        tag, v = self.fn("driver_create", config_json, profile_json, bytes(replay_key), bytes(audit_key))
        if tag != "ok":
            raise ConfigErrors([(e["path"], e["code"]) for e in v])
        return Driver(self, v)

    def _table(self, name: str) -> list[dict[str, Any]]:
        t = self._tables.get(name)
        if t is None:
            t = json.loads(self.fn(name))
            self._tables[name] = t
        return copy.deepcopy(t)

    def error_table(self) -> list[dict[str, Any]]:
        """Every error code with its ``family``, exception ``class``, ``description``
        and policy ``limit_type`` (the core's ``driver::tables::codes_json``).
        Parsed once; each call returns a fresh copy."""
        return self._table("error_table")

    def metric_table(self) -> list[dict[str, Any]]:
        """Every metric the core emits updates for: ``name``, ``type``, ``help``,
        ``labels``, ``buckets`` (the core's ``driver::tables::metrics_json``).
        Parsed once; each call returns a fresh copy."""
        return self._table("metric_table")

    def limits(self) -> dict[str, Any]:
        """The limits hosts apply while reading from the network (the core's
        ``driver::tables::limits_json``): ``max_challenge_bytes`` (a 402 body is
        read up to one byte more), ``max_settlement_header_bytes``,
        ``challenge_read_ms``. Parsed once; each call returns a fresh copy."""
        if self._limits is None:
            self._limits = dict(json.loads(self.fn("limit_table")))
        return dict(self._limits)

    def redis_scripts(self) -> dict[str, str]:
        """The Lua scripts of the Redis store protocol by name (``cas``, ``cas_fp``,
        ``replay``, ``head``, ``adopt``; the core's ``driver::redis``): what the
        Redis stores register. Parsed once; each call returns a fresh copy."""
        if self._scripts is None:
            self._scripts = {str(k): str(v) for k, v in json.loads(self.fn("redis_scripts")).items()}
        return dict(self._scripts)


class ConfigErrors(Exception):
    """The configuration has problems: ``errors`` is a list of ``(path, code)``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{p or '(root)'}: {c}" for p, c in errors))
        self.errors = errors


class GuardHandle:
    """A ``guard`` resource: configuration, state and in-flight assessments."""

    def __init__(self, core: Core, resource: Resource) -> None:
        self.core = core
        self.res: Resource | None = resource
        f = core._f
        self._assess = f["guard_assess"]
        self._assess_hints = f["guard_assess_with_hints"]
        self._finalize = f["guard_finalize"]
        self._settle = f["guard_settle"]
        self._undo = f["guard_undo"]

    def assess(self, ctx: dict[str, Any], replay_key: bytes) -> dict[str, Any]:
        with self.core.lock:
            return cast("dict[str, Any]", self._assess(self.res, ctx, replay_key))

    def assess_with_hints(self, ctx: dict[str, Any], hints: list[dict[str, Any]], replay_key: bytes) -> dict[str, Any]:
        """``assess`` with an NER analyzer's ``[{entity_type, text, score}]`` hints (``pii_mode="nlp"``)."""
        with self.core.lock:
            tag, v = self._assess_hints(self.res, ctx, hints, replay_key)
        if tag != "ok":
            raise CoreError(v, self.core.describe(v))
        return cast("dict[str, Any]", v)

    def finalize(self, id: int, io: dict[str, Any], audit_key: bytes, head: dict[str, Any] | None,
                 now_ms: int) -> dict[str, Any]:
        with self.core.lock:
            tag, v = self._finalize(self.res, id, io, audit_key, head, now_ms)
        if tag != "ok":
            raise CoreError(v, self.core.describe(v))
        return cast("dict[str, Any]", v)

    def settle(self, id: int, outcome: Any, audit_key: bytes, head: dict[str, Any] | None,
               now_ms: int) -> dict[str, Any]:
        with self.core.lock:
            tag, v = self._settle(self.res, id, outcome, audit_key, head, now_ms)
        if tag != "ok":
            raise CoreError(v, self.core.describe(v))
        return cast("dict[str, Any]", v)

    def undo(self) -> bool:
        """Takes back the last successful assess/finalize/settle on the in-flight
        assessments (not the state): a lost compare-and-set runs the step again."""
        with self.core.lock:
            return bool(self._undo(self.res))

    def state(self) -> str:
        return cast("str", self.core.fn("guard_state", self.res))

    def load_state(self, blob: str) -> None:
        tag, v = self.core.fn("guard_load_state", self.res, blob)
        if tag != "ok":
            raise CoreError(v, self.core.describe(v))

    def approvers_json(self) -> str | None:
        return cast("str | None", self.core.fn("guard_approvers_json", self.res))

    def close(self) -> None:
        res, self.res = self.res, None
        if res is not None:
            with self.core.lock:
                with contextlib.suppress(Exception):  # pragma: no cover - best effort at teardown
                    res.drop()


class Driver:
    """A ``driver`` resource: the payment protocol as a sans-I/O state machine
    (events in, actions out). The grammar (actions, events, batches, order) is
    documented once, in the crate doc of ``presidio_x402_core::driver``.

    Every method passes the driver's own JSON text through unchanged (the same
    bytes as the native core); failures raise :class:`CoreError` with the
    core's code. Build one with :meth:`create`.
    """

    def __init__(self, core: Core, resource: Resource) -> None:
        self.core = core
        self.res: Resource | None = resource
        f = core._f
        self._open = f["driver_open"]
        self._begin = f["driver_begin"]
        self._handle = f["driver_handle"]
        self._control = f["driver_control"]
        self._reload = f["driver_reload"]
        self._flush = f["driver_flush"]

    @classmethod
    def create(
        cls, config_json: str, profile_json: str, replay_key: bytes, audit_key: bytes, *, core: Core | None = None
    ) -> Driver:
        """A driver for configuration JSON, host profile JSON (``""``: the default
        profile) and the two keys; raises :class:`ConfigErrors` (a bad profile is
        ``invalid-input``, a short key ``key-too-short``, both with an empty path)."""
        return (core or _process_core()).new_driver(config_json, profile_json, replay_key, audit_key)

    def _ok(self, r: tuple[str, Any]) -> Any:
        tag, v = r
        if tag != "ok":
            raise CoreError(v, self.core.describe(v))
        return v

    def open(self) -> str:
        """Starts the guard: ``{"id":N,"actions":[...]}``."""
        with self.core.lock:
            return str(self._open(self.res))

    def begin(self, begin_json: str, now_ms: int) -> str:
        """Starts a payment for a request that got a 402: ``{"id":N,"actions":[...]}``."""
        with self.core.lock:
            r = self._begin(self.res, begin_json, now_ms)
        return str(self._ok(r))

    def control(self, control_json: str, now_ms: int) -> str:
        """Starts a control task (the kill switch: ``{"halt": true, "by", "reason"}``
        or ``{"halt": false}``): ``{"id":N,"actions":[...]}``, run like a payment's."""
        with self.core.lock:
            r = self._control(self.res, control_json, now_ms)
        return str(self._ok(r))

    def reload(self, config_json: str, now_ms: int) -> str:
        """Replaces the policy on the running guard (a hot reload; the rule is on the
        core's ``Driver::reload``): ``{"id":N,"actions":[...]}``, a task whose
        ``done`` says whether it applied."""
        with self.core.lock:
            return str(self._reload(self.res, config_json, now_ms))

    def flush(self, now_ms: int) -> str:
        """The guard is quiet: saves an audit head the store does not hold yet (the
        host's contract is on the core's ``Driver::flush``): ``{"id":N,"actions":[...]}``."""
        with self.core.lock:
            return str(self._flush(self.res, now_ms))

    def handle(self, id: int, now_ms: int, events_json: str) -> str:
        """Feeds one crossing's events (an event object or an array) to task ``id``;
        returns the next batch (a JSON array of actions)."""
        with self.core.lock:
            r = self._handle(self.res, id, now_ms, events_json)
        return str(self._ok(r))

    def state(self) -> str:
        """The state's serialised form (shared store: as of the last step)."""
        return str(self.core.fn("driver_state", self.res))

    def load_state(self, state: str) -> None:
        """Replaces the state with a saved one (``""``: a fresh state), for an unshared store."""
        self._ok(self.core.fn("driver_load_state", self.res, state))

    def head(self) -> dict[str, Any] | None:
        """The audit head ``{"seq", "mac"}`` of the last line emitted, or ``None``."""
        h = self.core.fn("driver_head", self.res)
        return dict(h) if h is not None else None

    def close(self) -> None:
        res, self.res = self.res, None
        if res is not None:
            with self.core.lock:
                with contextlib.suppress(Exception):  # pragma: no cover - best effort at teardown
                    res.drop()


_CORE: Core | None = None
_CORE_LOCK = threading.Lock()


def core() -> Core:
    """The process-wide component instance (loaded on first use)."""
    global _CORE
    c = _CORE
    if c is None:
        with _CORE_LOCK:
            if _CORE is None:
                _CORE = Core()
            c = _CORE
    return c


_process_core = core


def error_table() -> list[dict[str, Any]]:
    """The core's error table (see :meth:`Core.error_table`)."""
    return core().error_table()


def metric_table() -> list[dict[str, Any]]:
    """The core's metric table (see :meth:`Core.metric_table`)."""
    return core().metric_table()


def limits() -> dict[str, Any]:
    """The core's read limits (see :meth:`Core.limits`)."""
    return core().limits()
