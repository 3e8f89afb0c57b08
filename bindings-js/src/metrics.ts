/**
 * Metrics: the core lists each update (name, labels, observe); this module
 * only forwards them to an exporter. `createPromMetrics(promClient)` wires
 * the seed's Prometheus names with `prom-client` (an optional peer: pass the
 * module in). Names, types, help, labels and buckets come from the core's
 * metric table (`metricTable()`), never from a list written here.
 */
import * as wasm from "./wasm/presidio_x402_js.js";
import { isReady, NOT_READY } from "./ready.js";
import { X402GuardError } from "./errors.js";
import type { CoreMetric } from "./types.js";

/** Receives the core's metric updates. */
export interface MetricsSink {
  record(metrics: CoreMetric[]): void;
}

/** One row of the core's metric table. */
export interface MetricTableRow {
  /** Prometheus name (the seed's). */
  name: string;
  type: "counter" | "histogram";
  help: string;
  /** Label names, in export order. */
  labels: string[];
  /** Histogram bucket upper bounds in USD, as the core's exact decimal text (empty for counters). */
  buckets: string[];
}

/** A metric as {@link METRICS} lists it. */
export interface MetricDef {
  type: "counter" | "histogram";
  help: string;
  labels: string[];
  /** Histogram bucket upper bounds in USD (empty for counters). */
  buckets: number[];
}

let table: readonly Readonly<MetricTableRow>[] | undefined;

/** The core's metric table: every metric with its type, help, labels and buckets (parsed once). */
export function metricTable(): readonly Readonly<MetricTableRow>[] {
  if (table) return table;
  if (!isReady()) throw new X402GuardError("invalid-input", NOT_READY);
  const rows = JSON.parse(wasm.metricTable()) as MetricTableRow[];
  table = Object.freeze(rows.map((r) => Object.freeze({ ...r, labels: Object.freeze([...r.labels]) as string[], buckets: Object.freeze([...r.buckets]) as string[] })));
  return table;
}

const metricsTarget: Record<string, MetricDef> = {};
let metricsFilled = false;

function fillMetrics(): Record<string, MetricDef> {
  if (!metricsFilled) {
    for (const r of metricTable()) {
      metricsTarget[r.name] = Object.freeze({ type: r.type, help: r.help, labels: [...r.labels], buckets: r.buckets.map(Number) });
    }
    Object.freeze(metricsTarget);
    metricsFilled = true;
  }
  return metricsTarget;
}

/**
 * The seed's metrics by name, built from the core's metric table on first
 * use (the table needs the initialised WebAssembly module; in browsers,
 * after `await init()`).
 */
export const METRICS: Readonly<Record<string, MetricDef>> = new Proxy(metricsTarget, {
  get: (_t, k) => Reflect.get(fillMetrics(), k) as unknown,
  has: (_t, k) => Reflect.has(fillMetrics(), k),
  ownKeys: () => Reflect.ownKeys(fillMetrics()),
  getOwnPropertyDescriptor: (_t, k) => Reflect.getOwnPropertyDescriptor(fillMetrics(), k),
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
  isExtensible: () => Reflect.isExtensible(fillMetrics()),
  preventExtensions: () => Reflect.preventExtensions(fillMetrics()),
});

/** The part of `prom-client` used here; `R` is its registry type (so `prom-client`'s own types are accepted as they are). */
export interface PromLike<R = unknown> {
  Counter: new (cfg: { name: string; help: string; labelNames: string[]; registers?: R[] }) => { inc(labels: Record<string, string>): void };
  Histogram: new (cfg: { name: string; help: string; labelNames: string[]; buckets?: number[]; registers?: R[] }) => {
    observe(labels: Record<string, string>, v: number): void;
  };
  register?: unknown;
}

/** Registers the seed's metrics with `prom-client` and returns a sink feeding them. */
export function createPromMetrics<R>(prom: PromLike<R>, opts: { registry?: R; buckets?: number[] } = {}): MetricsSink & { metrics: Record<string, unknown> } {
  const registers = opts.registry ? [opts.registry] : undefined;
  type Counter = InstanceType<PromLike<R>["Counter"]>;
  type Histogram = InstanceType<PromLike<R>["Histogram"]>;
  const made: Record<string, Counter | Histogram> = {};
  for (const [name, m] of Object.entries(METRICS)) {
    made[name] = m.type === "counter"
      ? new prom.Counter({ name, help: m.help, labelNames: [...m.labels], ...(registers ? { registers } : {}) })
      : new prom.Histogram({ name, help: m.help, labelNames: [...m.labels], buckets: opts.buckets ?? [...m.buckets],
        ...(registers ? { registers } : {}) });
  }
  return {
    metrics: made,
    record(metrics: CoreMetric[]) {
      for (const m of metrics) {
        const target = made[m.name];
        if (!target) continue;
        // Labels in the declared order, whatever order the core listed them in.
        const labels: Record<string, string> = {};
        for (const l of METRICS[m.name]!.labels) if (m.labels[l] !== undefined) labels[l] = m.labels[l]!;
        if (m.observe === null) (target as Counter).inc(labels);
        // Export only: the decision was made on exact integers in the core.
        else (target as Histogram).observe(labels, Number(m.observe));
      }
    },
  };
}

/** A sink that counts updates in memory (tests, dashboards without Prometheus). */
export class MemoryMetrics implements MetricsSink {
  readonly counts = new Map<string, number>();
  readonly observed: { name: string; labels: Record<string, string>; value: string }[] = [];
  record(metrics: CoreMetric[]): void {
    for (const m of metrics) {
      if (m.observe !== null) this.observed.push({ name: m.name, labels: m.labels, value: m.observe });
      const key = m.name + JSON.stringify(m.labels);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }
  /** Sum of a counter over every label set matching `labels`. */
  total(name: string, labels: Record<string, string> = {}): number {
    let n = 0;
    for (const [k, v] of this.counts) {
      if (!k.startsWith(name + "{")) continue;
      const l = JSON.parse(k.slice(name.length)) as Record<string, string>;
      if (Object.entries(labels).every(([a, b]) => l[a] === b)) n += v;
    }
    return n;
  }
}
