//! Direct JSON writers for the two hot results (assessment, decision).
//!
//! They emit exactly the shapes of `presidio_x402_core::facade::views::assessment_json`
//! and `decision_json` (the tests below compare both on every pipeline
//! vector), without building a `serde_json::Value` tree first: that tree cost
//! more than the decision itself (about 13 µs natively per assessment).

use presidio_x402_core::challenge::PaymentOffer;
use presidio_x402_core::error::Code;
use presidio_x402_core::pipeline::{Assessment, Decision};
use serde_json::Value;
use std::fmt::Write as _;

/// Appends `s` as a JSON string literal.
pub(crate) fn esc(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[start..i]);
        match rep {
            Some(r) => out.push_str(r),
            None => {
                let _ = write!(out, "\\u{:04x}", b);
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends a JSON value (numbers keep their exact text).
pub(crate) fn value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => esc(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                esc(out, k);
                out.push(':');
                value(out, x);
            }
            out.push('}');
        }
    }
}

/// A JSON object being written.
pub(crate) struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    pub(crate) fn new(out: &'a mut String) -> Obj<'a> {
        out.push('{');
        Obj { out, first: true }
    }
    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        esc(self.out, k);
        self.out.push(':');
        self.out
    }
    pub(crate) fn str(&mut self, k: &str, v: &str) {
        let o = self.key(k);
        esc(o, v);
    }
    pub(crate) fn opt_str(&mut self, k: &str, v: Option<&str>) {
        let o = self.key(k);
        match v {
            Some(s) => esc(o, s),
            None => o.push_str("null"),
        }
    }
    pub(crate) fn num(&mut self, k: &str, v: impl std::fmt::Display) {
        let o = self.key(k);
        let _ = write!(o, "{v}");
    }
    pub(crate) fn bool(&mut self, k: &str, v: bool) {
        self.key(k).push_str(if v { "true" } else { "false" });
    }
    pub(crate) fn value(&mut self, k: &str, v: &Value) {
        let o = self.key(k);
        value(o, v);
    }
    pub(crate) fn with(&mut self, k: &str, f: impl FnOnce(&mut String)) {
        let o = self.key(k);
        f(o);
    }
    pub(crate) fn end(self) {
        self.out.push('}');
    }
}

fn offer(out: &mut String, o: &PaymentOffer) {
    let mut w = Obj::new(out);
    w.num("index", o.index);
    w.str("scheme", &o.scheme);
    w.str("network", &o.network);
    w.str("network_raw", &o.network_raw);
    w.str("amount", &o.amount.to_string());
    w.str("asset", &o.asset);
    w.str("pay_to", &o.pay_to);
    w.num("max_timeout_seconds", o.max_timeout_seconds);
    w.str("resource_url", &o.resource_url);
    w.str("description", &o.description);
    w.str("mime_type", &o.mime_type);
    w.value("extra", &o.extra);
    w.end();
}

/// The assessment JSON (plus the binding's `id` and `approval_canonical`).
pub(crate) fn assessment(out: &mut String, a: &Assessment, id: u64) {
    let mut w = Obj::new(out);
    w.num("id", id);
    w.opt_str("blocked", a.blocked.map(Code::as_str));
    w.num("x402_version", a.x402_version);
    w.with("offer", |o| match &a.offer {
        Some(x) => offer(o, x),
        None => o.push_str("null"),
    });
    w.value("requirements", &a.requirements);
    w.with("metadata", |o| {
        let m = &a.metadata;
        let mut w = Obj::new(o);
        w.str("request_url", &m.request_url);
        w.str("resource_url", &m.resource_url);
        w.str("description", &m.description);
        w.str("reason", &m.reason);
        w.value("extra", &m.extra);
        w.value("resource_echo", &m.resource_echo);
        w.end();
    });
    w.with("pii_entities", |o| {
        o.push('[');
        for (i, e) in a.pii_entities.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            esc(o, e.as_str());
        }
        o.push(']');
    });
    w.num("pii_count", a.pii_count);
    w.opt_str("amount_usd", a.amount_usd.map(|u| u.to_string()).as_deref());
    w.opt_str("limit_usd", a.limit_usd.map(|u| u.to_string()).as_deref());
    w.opt_str("current_usd", a.current_usd.map(|u| u.to_string()).as_deref());
    w.with("reservation", |o| match &a.reservation {
        Some(r) => {
            let mut w = Obj::new(o);
            w.num("id", r.id);
            w.str("amount_atto", &r.amount.0.to_string());
            w.with("keys", |o| {
                o.push('[');
                for (i, k) in r.keys.iter().enumerate() {
                    if i > 0 {
                        o.push(',');
                    }
                    esc(o, k);
                }
                o.push(']');
            });
            w.num("bucket", r.bucket);
            w.num("expires_at_ms", r.expires_at_ms);
            w.end();
        }
        None => o.push_str("null"),
    });
    w.opt_str("fingerprint", a.fingerprint.as_deref());
    w.num("replay_ttl_ms", a.replay_ttl_ms);
    w.with("approval", |o| match &a.approval {
        Some(r) => value(o, &r.to_json()),
        None => o.push_str("null"),
    });
    w.with("approval_canonical", |o| match &a.approval {
        Some(r) => esc(o, &r.canonical()),
        None => o.push_str("null"),
    });
    w.with("pin", |o| match &a.pin {
        Some((k, v)) => {
            o.push('[');
            esc(o, k);
            o.push(',');
            esc(o, v);
            o.push(']');
        }
        None => o.push_str("null"),
    });
    w.str("method", &a.method);
    w.num("now_ms", a.now_ms);
    w.end();
}

/// The decision JSON; `extra` writes more fields (the judged votes).
pub(crate) fn decision(out: &mut String, d: &Decision, extra: impl FnOnce(&mut Obj<'_>)) {
    let mut w = Obj::new(out);
    w.bool("allowed", d.allowed);
    w.opt_str("code", d.code.map(Code::as_str));
    w.str("audit_line", &d.audit_line);
    w.with("head", |o| {
        let mut w = Obj::new(o);
        w.num("seq", d.head.seq);
        w.str("mac", &d.head.mac);
        w.end();
    });
    w.with("metrics", |o| {
        o.push('[');
        for (i, m) in d.metrics.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            let mut w = Obj::new(o);
            w.str("name", m.name);
            w.with("labels", |o| {
                let mut w = Obj::new(o);
                for (k, v) in &m.labels {
                    w.str(k, v);
                }
                w.end();
            });
            w.opt_str("observe", m.observe.as_deref());
            w.end();
        }
        o.push(']');
    });
    w.bool("forget_fingerprint", d.forget_fingerprint);
    extra(&mut w);
    w.end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use presidio_x402_core::{facade::views as api, guard::Guard, hex, pipeline::{HostResults, Outcome, PaymentContext}};

    fn parse(s: &str) -> Value {
        serde_json::from_str(s).expect("valid JSON")
    }

    #[test]
    fn escapes_like_serde() {
        for s in ["plain", "q\"b\\s", "ctl\u{1}\u{1f}\n\r\t", "ünï\u{202e}code", ""] {
            let mut o = String::new();
            esc(&mut o, s);
            assert_eq!(parse(&o), Value::String(s.into()));
        }
    }

    /// Every assess/finalize/settle step of the pipeline vectors: the direct
    /// writers give the same JSON values as the core's `Value` builders.
    #[test]
    fn same_shapes_as_the_core_on_every_pipeline_vector() {
        let mut checked = 0;
        for file in ["pipeline-run.json", "pipeline-mpa.json"] {
            let path = format!("{}/../../vectors/{file}", env!("CARGO_MANIFEST_DIR"));
            let doc = parse(&std::fs::read_to_string(path).expect("vector file"));
            for g in doc["testGroups"].as_array().unwrap() {
                for t in g["tests"].as_array().unwrap() {
                    let input = &t["input"];
                    let cfg = input.get("config").cloned().unwrap_or(Value::Object(Default::default()));
                    let Ok(mut guard) = Guard::new(&cfg.to_string()) else { continue };
                    let rk = hex::decode(input["replay_key_hex"].as_str().unwrap()).unwrap();
                    let ak = hex::decode(input["audit_key_hex"].as_str().unwrap()).unwrap();
                    let (mut last, mut head) = (None, None);
                    for s in input["steps"].as_array().unwrap() {
                        let now = s["now_ms"].as_u64().unwrap_or(0);
                        match s["op"].as_str().unwrap() {
                            "assess" => {
                                let body = match &s["body"] {
                                    Value::String(b) => Some(b.clone()),
                                    Value::Null => None,
                                    o => Some(o.to_string()),
                                };
                                let header = match s.get("header_json") {
                                    Some(v) => Some({
                                        use base64_shim::encode;
                                        encode(&v.to_string())
                                    }),
                                    None => s["header"].as_str().map(str::to_string),
                                };
                                let ctx = PaymentContext {
                                    method: s["method"].as_str().unwrap_or("GET"),
                                    request_url: s["url"].as_str().unwrap(),
                                    payment_required: header.as_deref(),
                                    body: body.as_deref(),
                                    reason: s["reason"].as_str().unwrap_or(""),
                                    now_ms: now,
                                };
                                let (id, a) = guard.assess(&ctx, &rk);
                                let mut out = String::new();
                                assessment(&mut out, a, id);
                                let mut want = api::assessment_json(a);
                                let m = want.as_object_mut().unwrap();
                                m.insert("id".into(), id.into());
                                m.insert("approval_canonical".into(), a.approval.as_ref().map(|r| r.canonical()).into());
                                assert_eq!(parse(&out), want, "{file} #{}", t["tcId"]);
                                checked += 1;
                                last = Some(id);
                            }
                            op @ ("finalize" | "settle") => {
                                let Some(id) = last else { continue };
                                let d = if op == "finalize" {
                                    guard.finalize(id, &HostResults { replay_fresh: Some(true), votes: vec![] }, &ak, head.as_ref(), now)
                                } else {
                                    guard.settle(id, Outcome::Settled, &ak, head.as_ref(), now)
                                };
                                let Ok(d) = d else { continue };
                                let mut out = String::new();
                                decision(&mut out, &d, |_| {});
                                assert_eq!(parse(&out), api::decision_json(&d), "{file} #{}", t["tcId"]);
                                head = Some(d.head.clone());
                                checked += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        assert!(checked > 50, "only {checked} results compared");
    }

    mod base64_shim {
        /// Standard padded base64 (test helper; the core does the decoding).
        pub(super) fn encode(s: &str) -> String {
            const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let b = s.as_bytes();
            let mut o = String::new();
            for c in b.chunks(3) {
                let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
                for i in 0..4 {
                    if i <= c.len() {
                        o.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
                    } else {
                        o.push('=');
                    }
                }
            }
            o
        }
    }
}
