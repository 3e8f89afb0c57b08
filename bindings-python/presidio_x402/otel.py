"""OpenTelemetry: each payment's span plan (the core's ``done.spans``) as spans.

The core names every span and attribute (``core/src/driver/spans.rs``); this
module only turns the plan into spans of the ``opentelemetry-api`` tracer
provider that is installed (``pip install 'presidio-hardened-x402[otel]'``):
the first entry is the payment's root span, the others its children, each
with the plan's start and end times. Without ``opentelemetry-api`` it does
nothing.
"""

from __future__ import annotations

from typing import Any

try:  # optional: the ``otel`` extra
    from opentelemetry import trace as _trace
except ImportError:  # pragma: no cover - exercised when the extra is absent
    _trace = None  # type: ignore[assignment]

#: The instrumentation scope's name.
SCOPE = "presidio-hardened-x402"


def available() -> bool:
    """Whether ``opentelemetry-api`` is installed."""
    return _trace is not None


def tracing(tracer_provider: Any = None) -> bool:
    """Whether payments should carry a span plan (the driver's ``begin`` flag
    ``spans``): ``opentelemetry-api`` is installed and there is a tracer
    provider, ``tracer_provider`` or a configured global one (the API's default
    proxy/no-op provider records nothing, so the core builds no plan for it)."""
    if _trace is None:
        return False
    if tracer_provider is not None:
        return True
    return not isinstance(_trace.get_tracer_provider(), (_trace.ProxyTracerProvider, _trace.NoOpTracerProvider))


def _ns(ms: Any) -> int:
    return int(ms) * 1_000_000


def emit(spans: Any, tracer_provider: Any = None) -> None:
    """Emits a ``done`` action's span plan (a list: the root, then its
    children) through ``tracer_provider`` (default: the global one). A no-op
    without ``opentelemetry-api`` or without a plan."""
    if _trace is None or not isinstance(spans, list) or not spans:
        return
    tracer = _trace.get_tracer(SCOPE, tracer_provider=tracer_provider)
    root_plan, children = spans[0], spans[1:]
    root = tracer.start_span(root_plan["name"], start_time=_ns(root_plan["start_ms"]),
                             attributes=root_plan.get("attributes") or {})
    ctx = _trace.set_span_in_context(root)
    for c in children:
        child = tracer.start_span(c["name"], context=ctx, start_time=_ns(c["start_ms"]),
                                  attributes=c.get("attributes") or {})
        if c.get("error"):
            child.set_status(_trace.Status(_trace.StatusCode.ERROR))
        child.end(end_time=_ns(c["end_ms"]))
    if root_plan.get("error"):
        root.set_status(_trace.Status(_trace.StatusCode.ERROR))
    root.end(end_time=_ns(root_plan["end_ms"]))
