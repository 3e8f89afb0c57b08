/**
 * Metrics: the core lists each update (name, labels, observe); this module
 * only forwards them to an exporter. `createPromMetrics(promClient)` wires
 * the seed's Prometheus names with `prom-client` (an optional peer: pass the
 * module in).
 */
import type { CoreMetric } from "./types.js";

/** Receives the core's metric updates. */
export interface MetricsSink {
  record(metrics: CoreMetric[]): void;
}

/** The seed's metric names and label names. */
export const METRICS: Record<string, { type: "counter" | "histogram"; help: string; labels: string[] }> = {
  x402_payments_total: { type: "counter", help: "x402 payment attempts by outcome", labels: ["outcome", "network"] },
  x402_payment_amount_usd: { type: "histogram", help: "Settled x402 payment amounts in USD", labels: ["network"] },
  x402_pii_detections_total: { type: "counter", help: "PII entities found in payment metadata", labels: ["entity_type", "action"] },
  x402_policy_violations_total: { type: "counter", help: "Payments refused by a spending or payee policy", labels: ["limit_type"] },
  x402_replay_detections_total: { type: "counter", help: "Payments refused as replays", labels: [] },
  x402_mpa_events_total: { type: "counter", help: "Multi-party approval events", labels: ["event"] },
};

interface PromLike {
  Counter: new (cfg: { name: string; help: string; labelNames: string[]; registers?: unknown[] }) => { inc(labels?: Record<string, string>): void };
  Histogram: new (cfg: { name: string; help: string; labelNames: string[]; buckets?: number[]; registers?: unknown[] }) => {
    observe(labels: Record<string, string>, v: number): void;
  };
  register?: unknown;
}

/** Registers the seed's metrics with `prom-client` and returns a sink feeding them. */
export function createPromMetrics(prom: PromLike, opts: { registry?: unknown; buckets?: number[] } = {}): MetricsSink & { metrics: Record<string, unknown> } {
  const registers = opts.registry ? [opts.registry] : undefined;
  const made: Record<string, any> = {};
  for (const [name, m] of Object.entries(METRICS)) {
    made[name] = m.type === "counter"
      ? new prom.Counter({ name, help: m.help, labelNames: m.labels, ...(registers ? { registers } : {}) })
      : new prom.Histogram({ name, help: m.help, labelNames: m.labels, buckets: opts.buckets ?? [0.001, 0.01, 0.1, 1, 10, 100],
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
        if (m.observe === null) target.inc(labels);
        // Export only: the decision was made on exact integers in the core.
        else target.observe(labels, Number(m.observe));
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
