"""The secret sentinel: a pytest plugin that runs the whole suite with its key
material registered and fails the run if any of it shows up where it must not.

Loaded by ``conftest.py`` (``pytest_plugins``), so ``make test-python`` always
runs with it; ``PRESIDIO_X402_SENTINEL=0`` turns it off (for timing it).

**Registered automatically** (each secret in its raw, hex (both cases), base64
and base64url forms; forms shorter than 8 characters are not searched, and a
form with fewer than 6 distinct characters, such as the hex of a test key
``"61" * 32``, is searched only when it is at least 16 characters long, as a
whole run (not inside a longer run of its own characters), and only in the
sinks of the test that registered it (the environment's keys: in every
sink): an all-zero key would otherwise match every all-zero hash
or fake signature of every later test):

- every :class:`presidio_x402._keys.SecretKey` made (audit and replay keys,
  MPA approver secrets, the ``$PRESIDIO_X402_*_KEY`` keys);
- MPA approver secrets in a guard configuration (``Guard(config)``), the
  secrets given to ``mpa.countersign`` / ``mpa.preapprove`` and the
  pre-approval tokens ``preapprove`` returns;
- every EVM private key given to ``eth_account.Account.from_key``;
- every signed payload the package sends: the ``PAYMENT-SIGNATURE`` /
  ``X-PAYMENT`` header values of every request through httpx, and the
  ``signature`` inside them;
- the message of every exception a test signer (``x402mock.RecordingSigner``
  and subclasses) raises.

**Sinks scanned**, each attributed to the test running at the time:

- every logging call at any level (DEBUG included, whether or not a handler
  would print it), its arguments and its traceback;
- every warning, and each test's captured stdout, stderr and log text;
- the output of every child process the tests read: ``subprocess.run`` (the
  CLIs), ``Popen.communicate`` and every read of a ``Popen`` pipe;
- the message, ``repr`` and ``repr(vars())`` of every exception of the
  package's own types when made, and of every exception ``pytest.raises``
  catches;
- every audit line (each ``AuditEvent`` made, whatever writer gets it);
- ``repr``, ``str`` and the attributes (``vars()`` and ``__slots__``, one
  level into the package objects they hold) of every object of the package's
  classes made during a test (at its teardown);
- the Prometheus exposition of every ``prometheus_client`` registry a test
  made (after the test) and of the global one (at the end: its series stay);
- every file under the session's temporary root (``tempfile.tempdir`` and
  ``$TMPDIR`` point into it, so pytest's ``tmp_path``, ``tempfile`` and the
  child processes all write there): every tree ``shutil.rmtree`` is about to
  delete (named after the running test), and all that is left at the end
  (named by its path: pytest's ``tmp_path`` directories bear the test's name);
- every key and value of every Redis the tests started, before it stops.

At the end of the session any finding fails the run (exit status 1) with a
line per finding naming the sink, the test and which secret (its label, never
its value). ``tests/test_secret_sentinel.py`` proves it can fail.
"""

from __future__ import annotations

import base64
import binascii
import functools
import inspect
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

ENABLED = os.environ.get("PRESIDIO_X402_SENTINEL", "1") != "0"
MIN_FORM = 8
MIN_DISTINCT = 6
MIN_LOW_FORM = 16
MAX_FILE = 16 * 1024 * 1024


class Registry:
    """Registered secrets as searchable forms (text and bytes)."""

    def __init__(self) -> None:
        self.forms: dict[str, str] = {}  # form -> label
        # Forms with fewer than MIN_DISTINCT characters: form -> (label, text pattern, form bytes,
        # bytes pattern, the test that registered it).
        self.low: dict[str, tuple[str, re.Pattern[str], bytes, re.Pattern[bytes], str]] = {}
        self.bforms: dict[bytes, str] = {}
        self.secrets: set[bytes] = set()
        self.kinds: dict[str, int] = {}  # label (before any " (") -> secrets registered
        self.lock = threading.Lock()

    def add(self, value: Any, label: str) -> None:
        if value is None:
            return
        if isinstance(value, str):
            raw = value.encode("utf-8", "surrogatepass")
            text = value.strip()
            h = text[2:] if text[:2] in ("0x", "0X") else text
            if len(h) >= 2 * MIN_FORM and len(h) % 2 == 0:
                try:
                    self.add(bytes.fromhex(h), label)  # a key given as hex: its bytes too
                except ValueError:
                    pass
            if len(value) > 64:  # long text (a signed payload header, a token) is searched as itself
                with self.lock:
                    if raw not in self.secrets:
                        self.secrets.add(raw)
                        self._kind(label)
                        self.forms.setdefault(value, label)
                        self.bforms.setdefault(raw, label)
                return
        else:
            try:
                raw = bytes(value)
            except Exception:
                return
        if len(raw) < MIN_FORM:
            return
        with self.lock:
            if raw in self.secrets:
                return
            self.secrets.add(raw)
            self._kind(label)
            forms = {raw.hex(), raw.hex().upper()}
            try:
                t = raw.decode("utf-8")
                if t.isprintable():
                    forms.add(t)
            except UnicodeDecodeError:
                forms.add(raw.decode("latin-1"))
            whole = raw[: len(raw) // 3 * 3]  # aligned: a substring of any base64 text that starts with the secret
            for b in (raw, whole):
                forms.add(base64.b64encode(b).decode().rstrip("="))
                forms.add(base64.urlsafe_b64encode(b).decode().rstrip("="))
            for f in forms:
                if len(f) < MIN_FORM or f in self.forms or f in self.low:
                    continue
                if len(set(f)) >= MIN_DISTINCT:
                    self.forms[f] = label
                    self.bforms[f.encode("latin-1" if not f.isascii() else "ascii", "replace")] = label
                elif len(f) >= MIN_LOW_FORM:
                    # Few distinct characters ("61" * 32): searched as a whole run, not inside a
                    # longer run of the same characters (a padding or test string, no key).
                    cls = re.escape("".join(sorted(set(f))))
                    fb = f.encode("latin-1" if not f.isascii() else "ascii", "replace")
                    bcls = re.escape(bytes(sorted(set(fb))))
                    self.low[f] = (label, re.compile(f"(?<![{cls}]){re.escape(f)}(?![{cls}])"), fb,
                                   re.compile(b"(?<![" + bcls + b"])" + re.escape(fb) + b"(?![" + bcls + b"])"),
                                   ST.test)

    def _kind(self, label: str) -> None:
        k = label.split(" (")[0]
        self.kinds[k] = self.kinds.get(k, 0) + 1

    def find_text(self, text: str) -> list[str]:
        if not text:
            return []
        found = {lab for f, lab in list(self.forms.items()) if f in text}
        found |= {lab for f, (lab, pat, _, _, t) in list(self.low.items())
                  if t in (ST.test, "*") and f in text and pat.search(text)}
        return sorted(found)

    def find_bytes(self, data: bytes) -> list[str]:
        if not data:
            return []
        found = {lab for f, lab in list(self.bforms.items()) if f in data}
        found |= {lab for lab, _, fb, pat, t in list(self.low.values())
                  if t in (ST.test, "*") and fb in data and pat.search(data)}
        return sorted(found)


REG = Registry()


class State:
    def __init__(self) -> None:
        self.test = "(session start)"
        self.findings: list[tuple[str, str, str]] = []  # (test, sink, label)
        self.seen: set[tuple[str, str, str]] = set()
        self.counts: dict[str, int] = {}
        self.objects: list[Any] = []
        self.files: dict[str, tuple[int, int]] = {}
        self.registries: list[Any] = []
        self.root: Path | None = None
        self.t_overhead = 0.0
        self.times: dict[str, float] = {}
        self.guard = threading.local()


ST = State()


def _count(kind: str) -> None:
    ST.counts[kind] = ST.counts.get(kind, 0) + 1


def _report(sink: str, labels: list[str]) -> None:
    for lab in labels:
        key = (ST.test, sink, lab)
        if key not in ST.seen:
            ST.seen.add(key)
            ST.findings.append(key)


def scan_text(kind: str, sink: str, text: Any) -> None:
    """Scans one text (``str`` or ``bytes``) of a sink."""
    if getattr(ST.guard, "busy", False):
        return
    ST.guard.busy = True
    try:
        _count(kind)
        if isinstance(text, (bytes, bytearray)):
            _report(sink, REG.find_bytes(bytes(text)))
        elif text is not None:
            _report(sink, REG.find_text(str(text)))
    finally:
        ST.guard.busy = False


def _safe(f: Any) -> str:
    try:
        return str(f())
    except Exception as e:  # a repr that raises shows nothing
        return f"<{type(e).__name__}>"


# ---- registration hooks ----------------------------------------------------------------


def _wrap(owner: Any, name: str, make: Any) -> None:
    orig = getattr(owner, name)
    if getattr(orig, "_sentinel", False):
        return
    new = make(orig)
    new._sentinel = True
    setattr(owner, name, new)


def _install_registration() -> None:
    from presidio_x402 import _keys, guard, mpa

    def secret_init(orig):
        @functools.wraps(orig)
        def init(self, raw, origin):
            orig(self, raw, origin)
            REG.add(raw, f"SecretKey ({origin})")
        return init

    _wrap(_keys.SecretKey, "__init__", secret_init)

    def guard_init(orig):
        @functools.wraps(orig)
        def init(self, config, *a, **kw):
            try:
                for ap in ((config or {}).get("mpa") or {}).get("approvers") or []:
                    if isinstance(ap, dict) and ap.get("secret"):
                        REG.add(ap["secret"], f"approver secret ({ap.get('id', '?')}, guard config)")
            except AttributeError:
                pass
            return orig(self, config, *a, **kw)
        return init

    _wrap(guard.Guard, "__init__", guard_init)

    from presidio_x402 import _types

    def audit_event_init(self: Any, *a: Any, **kw: Any) -> None:
        scan_text("audit", "audit line", str(self))

    audit_event_init._sentinel = True  # type: ignore[attr-defined]
    _types.AuditEvent.__init__ = audit_event_init  # type: ignore[method-assign,assignment]  # every line the core built

    def countersign(orig):
        @functools.wraps(orig)
        def f(secret, *a, **kw):
            REG.add(secret, "countersignature secret (mpa.countersign)")
            return orig(secret, *a, **kw)
        return f

    _wrap(mpa, "countersign", countersign)

    def preapprove(orig):
        @functools.wraps(orig)
        def f(secret, *a, **kw):
            REG.add(secret, "pre-approval secret (mpa.preapprove)")
            token = orig(secret, *a, **kw)
            REG.add(token, "pre-approval token")
            return token
        return f

    _wrap(mpa, "preapprove", preapprove)
    try:
        import presidio_x402 as pkg

        if getattr(pkg, "countersign", None) is not None:
            pkg.countersign = mpa.countersign  # type: ignore[attr-defined]
        if getattr(pkg, "preapprove", None) is not None:
            pkg.preapprove = mpa.preapprove  # type: ignore[attr-defined]
    except ImportError:
        pass

    try:
        from eth_account.signers.local import LocalAccount

        def local_init(orig):
            @functools.wraps(orig)
            def init(self, key, *a, **kw):
                orig(self, key, *a, **kw)
                raw = getattr(key, "to_bytes", None)
                REG.add(raw() if raw else key, "EVM private key (eth_account LocalAccount)")
            return init

        _wrap(LocalAccount, "__init__", local_init)
    except ImportError:
        pass

    import httpx

    def _payment_headers(request: Any) -> None:
        for h in ("PAYMENT-SIGNATURE", "X-PAYMENT"):
            v = request.headers.get(h)
            if v:
                REG.add(v, f"signed payload ({h} header)")
                try:
                    import json

                    payload = json.loads(base64.b64decode(v))
                    sig = (payload.get("payload") or {}).get("signature") or payload.get("signature")
                    if isinstance(sig, str):
                        REG.add(sig, "payload signature")
                except (ValueError, binascii.Error, AttributeError, TypeError):
                    pass

    def send(orig):
        if inspect.iscoroutinefunction(orig):
            @functools.wraps(orig)
            async def asend(self, request, *a, **kw):
                _payment_headers(request)
                return await orig(self, request, *a, **kw)
            return asend

        @functools.wraps(orig)
        def ssend(self, request, *a, **kw):
            _payment_headers(request)
            return orig(self, request, *a, **kw)
        return ssend

    _wrap(httpx.AsyncClient, "send", send)
    _wrap(httpx.Client, "send", send)


def _install_signer_hooks() -> None:
    try:
        import x402mock
    except ImportError:
        return

    def sign(orig):
        @functools.wraps(orig)
        async def f(self, details):
            try:
                return await orig(self, details)
            except Exception as e:
                label = f"test signer's error text ({type(self).__name__})"
                REG.add(str(e), label)
                for run in re.findall(r"(?:0x)?[0-9a-fA-F]{8,}", str(e)):
                    REG.add(run, label)
                raise
        return f

    def hook(cls):
        if "sign" in cls.__dict__:
            _wrap(cls, "sign", sign)

    hook(x402mock.RecordingSigner)

    def init_subclass(cls, **kw):
        super(x402mock.RecordingSigner, cls).__init_subclass__(**kw)
        hook(cls)

    x402mock.RecordingSigner.__init_subclass__ = classmethod(init_subclass)  # type: ignore[assignment]


# ---- sinks -------------------------------------------------------------------------------

_LOG_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log")


def _install_logging() -> None:
    for name in _LOG_METHODS:
        def make(orig, name=name):
            @functools.wraps(orig)
            def f(self, *args, **kw):
                a = args[1:] if name == "log" else args
                if a:
                    msg, rest = a[0], a[1:]
                    text = _safe(lambda: (str(msg) % rest) if rest else str(msg))
                    exc = kw.get("exc_info", name == "exception")
                    if exc:
                        import traceback

                        info = sys.exc_info() if exc is True else exc
                        if isinstance(info, BaseException):
                            info = (type(info), info, info.__traceback__)
                        if isinstance(info, tuple) and info[0] is not None:
                            text += "".join(traceback.format_exception(*info))
                    scan_text("log", f"log record ({self.name}, {name})", text)
                kw["stacklevel"] = kw.get("stacklevel", 1) + 1
                return orig(self, *args, **kw)
            return f

        _wrap(logging.Logger, name, make)


def _scan_exception(e: BaseException, how: str) -> None:
    name = type(e).__name__
    scan_text("exception", f"{how} {name}: str", _safe(lambda: str(e)))
    scan_text("exception", f"{how} {name}: repr", _safe(lambda: repr(e)))
    scan_text("exception", f"{how} {name}: args", _safe(lambda: repr(e.args)))
    if hasattr(e, "__dict__"):
        scan_text("exception", f"{how} {name}: repr(vars())", _safe(lambda: repr(vars(e))))


def _ours(e: BaseException) -> bool:
    """An exception of the package's types, or raised in the package's code
    (another library's exceptions are that library's business)."""
    if type(e).__module__.startswith("presidio_x402"):
        return True
    tb = e.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and f"{os.sep}presidio_x402{os.sep}" in last.tb_frame.f_code.co_filename


_depth = threading.local()


def _install_exceptions(classes: list[type]) -> None:
    for cls in classes:
        if "__init__" not in cls.__dict__:
            continue

        def make(orig):
            @functools.wraps(orig)
            def init(self, *a, **kw):
                d = getattr(_depth, "n", 0)
                _depth.n = d + 1
                try:
                    orig(self, *a, **kw)
                finally:
                    _depth.n = d
                if d == 0:
                    _scan_exception(self, "package exception")
            return init

        _wrap(cls, "__init__", make)


def _install_raises() -> None:
    import _pytest._code.code as code

    def fill(orig):
        @functools.wraps(orig)
        def f(self, exc_info):
            orig(self, exc_info)
            if exc_info and exc_info[1] is not None and _ours(exc_info[1]):
                _scan_exception(exc_info[1], "pytest.raises caught")
        return f

    _wrap(code.ExceptionInfo, "fill_unfilled", fill)


def _install_objects(classes: list[type]) -> None:
    for cls in classes:
        if "__init__" not in cls.__dict__ or not callable(cls.__dict__["__init__"]):
            continue

        def make(orig):
            @functools.wraps(orig)
            def init(self, *a, **kw):
                orig(self, *a, **kw)
                ST.objects.append(self)
            return init

        try:
            _wrap(cls, "__init__", make)
        except (TypeError, AttributeError):
            pass


def _attrs(o: Any) -> str:
    """``repr`` of an object's attributes (``vars()`` and ``__slots__``), one level
    into the containers and package objects they hold: what a debugger, a
    ``pprint(vars(x))`` or an error tracker's local-variable dump shows."""
    def fields(x: Any) -> dict[str, Any]:
        d = dict(getattr(x, "__dict__", None) or {})
        for cls in type(x).__mro__:
            for name in cls.__dict__.get("__slots__", ()):
                if name not in ("__dict__", "__weakref__") and hasattr(x, name):
                    d[name] = getattr(x, name)
        return d

    top = fields(o)
    parts = [repr(top)]
    for v in top.values():
        if type(v).__module__.startswith("presidio_x402"):
            parts.append(repr(fields(v)))
    return "\n".join(parts)


def _scan_objects() -> None:
    objs, ST.objects = ST.objects, []
    seen: set[int] = set()
    for o in objs:
        if id(o) in seen:
            continue
        seen.add(id(o))
        n = type(o).__name__
        scan_text("repr", f"repr({n})", _safe(lambda o=o: repr(o)))
        if type(o).__str__ is not object.__str__:
            scan_text("repr", f"str({n})", _safe(lambda o=o: str(o)))
        scan_text("repr", f"vars({n})", _safe(lambda o=o: _attrs(o)))


class _ScannedPipe:
    """A child's stdout or stderr pipe whose reads are scanned (every other
    attribute is the pipe's own)."""

    def __init__(self, pipe: Any, sink: str) -> None:
        self._pipe = pipe
        self._sink = sink

    def _seen(self, data: Any) -> Any:
        if data:
            scan_text("subprocess", self._sink, data)
        return data

    def read(self, *a: Any) -> Any:
        return self._seen(self._pipe.read(*a))

    def read1(self, *a: Any) -> Any:
        return self._seen(self._pipe.read1(*a))

    def readline(self, *a: Any) -> Any:
        return self._seen(self._pipe.readline(*a))

    def readlines(self, *a: Any) -> Any:
        lines = self._pipe.readlines(*a)
        self._seen(b"".join(lines) if lines and isinstance(lines[0], bytes) else "".join(lines))
        return lines

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *a: Any) -> None:
        self._pipe.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pipe, name)


def _install_subprocess() -> None:
    """Every child's output the tests read: ``subprocess.run`` / ``check_output``
    and ``Popen.communicate`` results, and every read of a ``Popen`` pipe."""

    def name_of(args: Any) -> str:
        return os.path.basename(str(args[0] if isinstance(args, (list, tuple)) and args else args))

    def init(orig):
        @functools.wraps(orig)
        def f(self, *a, **kw):
            orig(self, *a, **kw)
            for stream in ("stdout", "stderr"):
                pipe = getattr(self, stream, None)
                if pipe is not None and not isinstance(pipe, _ScannedPipe):
                    setattr(self, stream, _ScannedPipe(pipe, f"subprocess {name_of(self.args)} {stream}"))
        return f

    _wrap(subprocess.Popen, "__init__", init)

    def communicate(orig):
        @functools.wraps(orig)
        def f(self, *a, **kw):
            out = orig(self, *a, **kw)
            for stream, v in zip(("stdout", "stderr"), out, strict=False):
                if v:
                    scan_text("subprocess", f"subprocess {name_of(self.args)} {stream}", v)
            return out
        return f

    _wrap(subprocess.Popen, "communicate", communicate)


def _install_metrics() -> None:
    try:
        import prometheus_client
        from prometheus_client import registry as preg
    except ImportError:
        return
    ST.registries.append(prometheus_client.REGISTRY)

    def init(orig):
        @functools.wraps(orig)
        def f(self, *a, **kw):
            orig(self, *a, **kw)
            ST.registries.append(self)
        return f

    _wrap(preg.CollectorRegistry, "__init__", init)


def _scan_metrics(final: bool) -> None:
    """The test's own registries after each test; the global one (whose series
    are never removed) at the end of the session."""
    try:
        from prometheus_client import generate_latest
    except ImportError:
        return
    regs = ST.registries
    ST.registries = regs[:1]  # the global registry stays; the others were the test's
    for i, r in enumerate(regs):
        if i == 0 and not final:
            continue
        name = "the global registry" if i == 0 else "a test's CollectorRegistry"
        scan_text("metrics", f"prometheus exposition ({name})", _safe(lambda r=r: generate_latest(r).decode()))


def _scan_file(p: Path, why: str) -> None:
    try:
        st = p.stat()
    except OSError:
        return
    if st.st_size > MAX_FILE:
        return
    key = str(p)
    sig = (st.st_mtime_ns, st.st_size)
    if ST.files.get(key) == sig and why == "file":
        return
    ST.files[key] = sig
    try:
        data = p.read_bytes()
    except OSError:
        return
    rel = os.path.relpath(key, ST.root) if ST.root else key
    scan_text("file", f"{why} {rel}", data)


def _scan_tree(root: Any, why: str) -> None:
    for d, _dirs, files in os.walk(root):
        for f in files:
            p = Path(d) / f
            if p.is_file() and not p.is_symlink():
                _scan_file(p, why)


def _install_files(config: Any) -> None:
    root = Path(tempfile.mkdtemp(prefix="presidio-x402-sentinel-"))
    ST.root = root
    tempfile.tempdir = str(root)
    os.environ["TMPDIR"] = str(root)  # child processes too; pytest's basetemp is made under it (lazily)

    def rmtree(orig):
        @functools.wraps(orig)
        def f(path, *a, **kw):
            try:
                if ST.root and str(os.path.abspath(path)).startswith(str(ST.root)):
                    _scan_tree(path, "file (before rmtree)")
            except Exception:  # noqa: S110 - scanning is best effort; the removal itself must go on
                pass
            return orig(path, *a, **kw)
        return f

    _wrap(shutil, "rmtree", rmtree)


def _install_redis_dump() -> None:
    conftest = sys.modules.get("conftest")
    server = getattr(conftest, "RedisServer", None)
    if server is None:
        return

    def stop(orig):
        @functools.wraps(orig)
        def f(self):
            try:
                _scan_redis(self.client())
            except Exception as e:  # a Redis that cannot be read is a sink not checked: say so
                _report("redis (could not be read: " + type(e).__name__ + ")", ["(redis dump failed)"])
            return orig(self)
        return f

    _wrap(server, "stop", stop)


def _scan_redis(r: Any) -> None:
    for k in r.scan_iter(count=1000):
        t = r.type(k)
        t = t.decode() if isinstance(t, bytes) else t
        if t == "string":
            vals = [r.get(k)]
        elif t == "hash":
            vals = [x for kv in r.hgetall(k).items() for x in kv]
        elif t == "list":
            vals = r.lrange(k, 0, -1)
        elif t == "set":
            vals = list(r.smembers(k))
        elif t == "zset":
            vals = [m for m, _ in r.zrange(k, 0, -1, withscores=True)]
        elif t == "stream":
            vals = [repr(r.xrange(k))]
        else:
            vals = []
        blob = b"\n".join(v if isinstance(v, bytes) else str(v).encode() for v in [k, *vals] if v is not None)
        scan_text("redis", f"redis key {k[:60]!r}", blob)


# ---- pytest hooks ----------------------------------------------------------------------


def _hook_module(mod: Any) -> None:
    """Wraps the exception and object classes one package module defines."""
    excs: list[type] = []
    objs: list[type] = []
    for v in list(vars(mod).values()):
        if isinstance(v, type) and getattr(v, "__module__", "") == mod.__name__:
            if issubclass(v, BaseException):
                excs.append(v)
            elif not _skip_object_class(v):
                objs.append(v)
    _install_exceptions(excs)
    _install_objects(objs)


class _PackageFinder:
    """Hooks every ``presidio_x402`` module when it is imported (importing them
    all up front would load the optional NLP stack)."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if not name.startswith("presidio_x402"):
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        orig = loader.exec_module

        def exec_module(module: Any) -> None:
            orig(module)
            _hook_module(module)

        loader.exec_module = exec_module
        return spec


def _install_package_hooks() -> None:
    for name, mod in list(sys.modules.items()):
        if name.startswith("presidio_x402") and mod is not None:
            _hook_module(mod)


def _skip_object_class(cls: type) -> bool:
    import enum

    from presidio_x402 import _keys

    return issubclass(cls, (enum.Enum, _keys.SecretKey))


def pytest_configure(config: Any) -> None:
    if not ENABLED:
        return
    _install_files(config)
    _install_logging()
    _install_subprocess()
    _install_metrics()
    _install_raises()
    sys.meta_path.insert(0, _PackageFinder())  # type: ignore[arg-type]
    _install_registration()
    _install_package_hooks()
    ST.test = "*"  # the environment's keys serve every test: searched in every sink
    for env in ("PRESIDIO_X402_CHAIN_KEY", "PRESIDIO_X402_FINGERPRINT_KEY"):
        if os.environ.get(env):
            REG.add(os.environ[env], f"${env}")
    ST.test = "(session start)"


def pytest_sessionstart(session: Any) -> None:
    if ENABLED:
        _install_signer_hooks()
        _install_redis_dump()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Any:
    if ENABLED:
        ST.test = item.nodeid
    yield
    if ENABLED:
        t0 = time.perf_counter()
        _scan_objects()
        t1 = time.perf_counter()
        _scan_metrics(final=False)
        t2 = time.perf_counter()
        t3 = t2  # files: at the end of the session (their paths name the tests) and before any rmtree
        for k, v in (("objects", t1 - t0), ("metrics", t2 - t1), ("files", t3 - t2)):
            ST.times[k] = ST.times.get(k, 0.0) + v
        ST.t_overhead += t3 - t0


def pytest_runtest_logreport(report: Any) -> None:
    if not ENABLED:
        return
    for title, text in report.sections:
        scan_text("captured", f"captured output ({title})", text)


def pytest_warning_recorded(warning_message: Any, when: str, nodeid: str, location: Any) -> None:
    if ENABLED:
        scan_text("warning", f"warning {warning_message.category.__name__}",
                  _safe(lambda: str(warning_message.message)))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    if not ENABLED:
        return
    ST.test = "(end of session)"
    _scan_objects()
    _scan_metrics(final=True)
    if ST.root:
        _scan_tree(ST.root, "file")
    if ST.findings and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not ENABLED:
        terminalreporter.write_line("secret sentinel: off (PRESIDIO_X402_SENTINEL=0)")
        return
    ST.test = "(end of session)"
    scanned = ", ".join(f"{v} {k}" for k, v in sorted(ST.counts.items()))
    if ST.findings:
        terminalreporter.write_sep("=", "secret sentinel: LEAKS", red=True)
        for test, sink, label in ST.findings:
            terminalreporter.write_line(f"LEAK: {label} in {sink} (test {test})", red=True)
    n = len(ST.findings)
    terminalreporter.write_line(
        f"secret sentinel: {len(REG.secrets)} secrets ({len(REG.forms)} forms) registered; scanned {scanned}; "
        f"{'no leak' if n == 0 else f'{n} LEAKS'} ({ST.t_overhead:.1f} s in scans)")
    terminalreporter.write_line("secret sentinel: registered "
                                + ", ".join(f"{v} {k}" for k, v in sorted(REG.kinds.items())))
    if os.environ.get("PRESIDIO_X402_SENTINEL_TIMES"):
        terminalreporter.write_line(f"secret sentinel times: {ST.times}")


def pytest_unconfigure(config: Any) -> None:
    if ST.root and ENABLED:
        root, ST.root = ST.root, None  # (rmtree no longer scans)
        tempfile.tempdir = None
        if ST.findings:
            sys.stderr.write(f"secret sentinel: the files of this run are kept in {root}\n")
        else:
            shutil.rmtree(root, ignore_errors=True)
