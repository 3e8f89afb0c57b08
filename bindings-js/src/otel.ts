/**
 * OpenTelemetry: each payment's span plan (the core's `done.spans`) as
 * spans. The core names every span and attribute (core/src/driver/spans.rs);
 * this module only turns the plan into spans of `@opentelemetry/api`, an
 * optional peer dependency loaded with a guarded dynamic import: without it
 * nothing is emitted.
 */
import type { SpanPlan } from "./types.js";

/** The part of `@opentelemetry/api` used here. */
interface OtelSpan {
  setStatus(s: { code: number }): void;
  end(endTime?: number): void;
}
interface OtelTracer {
  startSpan(name: string, options: { startTime: number; attributes: Record<string, unknown> }, context?: unknown): OtelSpan;
}
/** A tracer provider (`@opentelemetry/api`'s `TracerProvider`). */
export interface OtelTracerProvider {
  getTracer(name: string): OtelTracer;
}
interface OtelApi {
  trace: OtelTracerProvider & { setSpan(context: unknown, span: OtelSpan): unknown; getTracerProvider(): unknown };
  context: { active(): unknown };
  SpanStatusCode: { ERROR: number };
}

/** The instrumentation scope's name. */
export const SCOPE = "presidio-hardened-x402";

let api: OtelApi | null | undefined;

/** Loads `@opentelemetry/api` once; `null` when it is not installed. */
export async function loadOtel(): Promise<OtelApi | null> {
  if (api === undefined) {
    const name = "@opentelemetry/api";
    try {
      api = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as OtelApi;
    } catch {
      api = null;
    }
  }
  return api;
}

/**
 * Whether payments should carry a span plan (the driver's `begin` flag
 * `spans`): `@opentelemetry/api` is loaded (see {@link loadOtel}) and there is
 * a tracer provider, `provider` or a registered global one (the API's default
 * no-op provider records nothing, so the core builds no plan for it).
 */
export function tracing(provider?: OtelTracerProvider): boolean {
  if (!api) return false;
  if (provider) return true;
  const global = api.trace.getTracerProvider() as { getDelegate?: () => unknown } | null;
  const delegate = typeof global?.getDelegate === "function" ? global.getDelegate() : global;
  return !!delegate && (delegate as { constructor?: { name?: string } }).constructor?.name !== "NoopTracerProvider";
}

/**
 * Emits a `done` action's span plan (the root, then its children) through
 * `provider` (default: the global one). A no-op without `@opentelemetry/api`
 * (see {@link loadOtel}) or without a plan.
 */
export function emitSpans(plan: SpanPlan[] | undefined, provider?: OtelTracerProvider): void {
  if (!api || !plan || plan.length === 0) return;
  const tracer = (provider ?? api.trace).getTracer(SCOPE);
  const [rootPlan, ...children] = plan as [SpanPlan, ...SpanPlan[]];
  const root = tracer.startSpan(rootPlan.name, { startTime: rootPlan.start_ms, attributes: rootPlan.attributes });
  const ctx = api.trace.setSpan(api.context.active(), root);
  for (const c of children) {
    const span = tracer.startSpan(c.name, { startTime: c.start_ms, attributes: c.attributes }, ctx);
    if (c.error) span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end(c.end_ms);
  }
  if (rootPlan.error) root.setStatus({ code: api.SpanStatusCode.ERROR });
  root.end(rootPlan.end_ms);
}
