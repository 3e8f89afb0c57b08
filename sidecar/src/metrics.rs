//! Prometheus text exposition of the core's metric updates. Names, types,
//! help, labels and buckets come from the core's table
//! ([`presidio_x402_core::driver::tables::METRICS`]), as in the other hosts;
//! the sidecar adds its own `x402_sidecar_*` counters.

use presidio_x402_core::driver::tables::{MetricDef, METRICS};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

#[derive(Default)]
struct Hist {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Inner {
    counters: BTreeMap<(&'static str, Vec<String>), u64>,
    hists: BTreeMap<(&'static str, Vec<String>), Hist>,
    reloads: u64,
    reload_failures: u64,
    store_errors: u64,
}

/// The sidecar's metrics.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

fn def(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.name == name)
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn labels_text(names: &[&str], values: &[String], extra: Option<(&str, &str)>) -> String {
    let mut parts: Vec<String> = names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n}=\"{}\"", escape(v)))
        .collect();
    if let Some((n, v)) = extra {
        parts.push(format!("{n}=\"{v}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

impl Metrics {
    /// Records a `done` action's `metrics` list: `[{"name", "labels", "observe"}]`.
    pub fn record(&self, list: &Value) {
        let Some(items) = list.as_array() else { return };
        let Ok(mut g) = self.inner.lock() else { return };
        for m in items {
            let Some(d) = m.get("name").and_then(Value::as_str).and_then(def) else {
                continue;
            };
            let labels: Vec<String> = d
                .labels
                .iter()
                .map(|l| {
                    m.get("labels")
                        .and_then(|x| x.get(*l))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                })
                .collect();
            match m.get("observe").and_then(Value::as_str) {
                None => *g.counters.entry((d.name, labels)).or_default() += 1,
                Some(v) => {
                    // Export only: the decision was made on exact integers in the core.
                    let x: f64 = v.parse().unwrap_or(0.0);
                    let h = g.hists.entry((d.name, labels)).or_default();
                    if h.counts.is_empty() {
                        h.counts = vec![0; d.buckets.len()];
                    }
                    for (i, b) in d.buckets.iter().enumerate() {
                        if x <= b.parse::<f64>().unwrap_or(f64::INFINITY) {
                            h.counts[i] += 1;
                        }
                    }
                    h.sum += x;
                    h.count += 1;
                }
            }
        }
    }

    /// Counts a policy reload (`ok`) or a refused one.
    pub fn reload(&self, ok: bool) {
        if let Ok(mut g) = self.inner.lock() {
            if ok {
                g.reloads += 1;
            } else {
                g.reload_failures += 1;
            }
        }
    }

    /// Counts a store call that failed.
    pub fn store_error(&self) {
        if let Ok(mut g) = self.inner.lock() {
            g.store_errors += 1;
        }
    }

    /// The Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let Ok(g) = self.inner.lock() else {
            return out;
        };
        for d in METRICS {
            let _ = writeln!(out, "# HELP {} {}", d.name, d.help);
            let _ = writeln!(out, "# TYPE {} {}", d.name, d.kind);
            if d.kind == "histogram" {
                for ((name, labels), h) in g.hists.iter().filter(|((n, _), _)| *n == d.name) {
                    for (i, b) in d.buckets.iter().enumerate() {
                        let l = labels_text(d.labels, labels, Some(("le", b)));
                        let _ = writeln!(
                            out,
                            "{name}_bucket{l} {}",
                            h.counts.get(i).copied().unwrap_or(0)
                        );
                    }
                    let l = labels_text(d.labels, labels, Some(("le", "+Inf")));
                    let _ = writeln!(out, "{name}_bucket{l} {}", h.count);
                    let l = labels_text(d.labels, labels, None);
                    let _ = writeln!(out, "{name}_sum{l} {}", h.sum);
                    let _ = writeln!(out, "{name}_count{l} {}", h.count);
                }
            } else {
                for ((name, labels), n) in g.counters.iter().filter(|((n, _), _)| *n == d.name) {
                    let _ = writeln!(out, "{name}{} {n}", labels_text(d.labels, labels, None));
                }
            }
        }
        for (name, help, v) in [
            (
                "x402_sidecar_reloads_total",
                "Policy reloads applied",
                g.reloads,
            ),
            (
                "x402_sidecar_reload_failures_total",
                "Policy reloads refused (the old policy was kept)",
                g.reload_failures,
            ),
            (
                "x402_sidecar_store_errors_total",
                "Store calls that failed (the payment was refused: store-unavailable)",
                g.store_errors,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn updates_render_with_the_core_labels_in_order() {
        let m = Metrics::default();
        m.record(&json!([
            {"name": "x402_payments_total", "labels": {"network": "base", "outcome": "allowed"}, "observe": null},
            {"name": "x402_payment_amount_usd", "labels": {"network": "base"}, "observe": "0.01"},
        ]));
        let t = m.render();
        assert!(
            t.contains("x402_payments_total{outcome=\"allowed\",network=\"base\"} 1"),
            "{t}"
        );
        assert!(
            t.contains("x402_payment_amount_usd_bucket{network=\"base\",le=\"0.001\"} 0"),
            "{t}"
        );
        assert!(
            t.contains("x402_payment_amount_usd_bucket{network=\"base\",le=\"0.01\"} 1"),
            "{t}"
        );
        assert!(
            t.contains("x402_payment_amount_usd_count{network=\"base\"} 1"),
            "{t}"
        );
        for d in METRICS {
            assert!(t.contains(&format!("# TYPE {} {}", d.name, d.kind)));
        }
    }
}
