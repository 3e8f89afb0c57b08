//! The JSON views of the core's results, shared by every binding.
//!
//! The `write_*` functions write the JSON text directly, members in a fixed
//! order, without building a `serde_json::Value` tree first (for the hot
//! results that tree cost more than the decision itself). They are the one
//! definition of each shape: the `*_json` functions give the same shapes as
//! [`Value`]s (whose text has its members sorted), for the façade's
//! operations and for hosts that hand JSON on as text.
//!
//! * assessment: [`write_assessment`] (the wasm-bindgen glue, with its `id`
//!   and `approval_canonical`), [`assessment_json`] (`pipeline.run`);
//! * decision: [`write_decision`] (the glue, with the judged votes),
//!   [`decision_json`] (`pipeline.run`);
//! * offer: `offer_json` (`challenge.parse`, and inside the assessment);
//! * payment metadata: [`metadata_json`] (the component's `metadata-json`,
//!   and inside the assessment);
//! * [`config_errors_json`], [`problems_json`], [`redaction_json`].

use crate::challenge::PaymentOffer;
use crate::error::{Code, ConfigError};
use crate::mpa::Vote;
use crate::pii::Redaction;
use crate::pipeline::{Assessment, Decision, Metadata};
use serde_json::Value;
use std::fmt::Write as _;

/// Appends `s` as a JSON string literal: `"`, `\`, `\n`, `\r` and `\t`
/// escaped by name, other control characters as `\u00xx`.
fn write_str(out: &mut String, s: &str) {
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

/// Appends a JSON value (numbers keep their exact text, object members in
/// the value's order).
fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_value(out, x);
            }
            out.push('}');
        }
    }
}

/// A JSON object being written.
struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    fn new(out: &'a mut String) -> Obj<'a> {
        out.push('{');
        Obj { out, first: true }
    }
    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, k);
        self.out.push(':');
        self.out
    }
    fn str(&mut self, k: &str, v: &str) {
        let o = self.key(k);
        write_str(o, v);
    }
    fn opt_str(&mut self, k: &str, v: Option<&str>) {
        let o = self.key(k);
        match v {
            Some(s) => write_str(o, s),
            None => o.push_str("null"),
        }
    }
    fn num(&mut self, k: &str, v: impl std::fmt::Display) {
        let o = self.key(k);
        let _ = write!(o, "{v}");
    }
    fn bool(&mut self, k: &str, v: bool) {
        self.key(k).push_str(if v { "true" } else { "false" });
    }
    fn value(&mut self, k: &str, v: &Value) {
        let o = self.key(k);
        write_value(o, v);
    }
    fn with(&mut self, k: &str, f: impl FnOnce(&mut String)) {
        let o = self.key(k);
        f(o);
    }
    fn end(self) {
        self.out.push('}');
    }
}

/// Appends a JSON array of strings.
fn write_strs<'s>(out: &mut String, items: impl IntoIterator<Item = &'s str>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, s);
    }
    out.push(']');
}

/// Appends an offer: `{index, scheme, network, network_raw, amount, asset,
/// pay_to, max_timeout_seconds, resource_url, description, mime_type,
/// extra}` (the amount as a decimal string).
fn write_offer(out: &mut String, o: &PaymentOffer) {
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

/// Appends the (redacted) payment metadata: `{request_url, resource_url,
/// description, reason, extra, resource_echo}`.
fn write_metadata(out: &mut String, m: &Metadata) {
    let mut w = Obj::new(out);
    w.str("request_url", &m.request_url);
    w.str("resource_url", &m.resource_url);
    w.str("description", &m.description);
    w.str("reason", &m.reason);
    w.value("extra", &m.extra);
    w.value("resource_echo", &m.resource_echo);
    w.end();
}

/// Appends an assessment. With `Some(id)` (a binding's in-flight assessment)
/// it also carries `id`, first, and `approval_canonical` (the webhook POST
/// body, or `null`) after `approval`.
pub fn write_assessment(out: &mut String, a: &Assessment, id: Option<u64>) {
    let mut w = Obj::new(out);
    if let Some(id) = id {
        w.num("id", id);
    }
    w.opt_str("blocked", a.blocked.map(Code::as_str));
    w.num("x402_version", a.x402_version);
    w.with("offer", |o| match &a.offer {
        Some(x) => write_offer(o, x),
        None => o.push_str("null"),
    });
    w.value("requirements", &a.requirements);
    w.with("metadata", |o| write_metadata(o, &a.metadata));
    w.with("pii_entities", |o| {
        write_strs(o, a.pii_entities.iter().map(|e| e.as_str()))
    });
    w.num("pii_count", a.pii_count);
    w.opt_str("amount_usd", a.amount_usd.map(|u| u.to_string()).as_deref());
    w.opt_str("limit_usd", a.limit_usd.map(|u| u.to_string()).as_deref());
    w.opt_str(
        "current_usd",
        a.current_usd.map(|u| u.to_string()).as_deref(),
    );
    w.with("reservation", |o| match &a.reservation {
        Some(r) => {
            let mut w = Obj::new(o);
            w.num("id", r.id);
            w.str("amount_atto", &r.amount.0.to_string());
            w.with("keys", |o| write_strs(o, r.keys.iter().map(String::as_str)));
            w.num("bucket", r.bucket);
            w.num("expires_at_ms", r.expires_at_ms);
            w.end();
        }
        None => o.push_str("null"),
    });
    w.opt_str("fingerprint", a.fingerprint.as_deref());
    w.num("replay_ttl_ms", a.replay_ttl_ms);
    w.with("approval", |o| match &a.approval {
        Some(r) => write_value(o, &r.to_json()),
        None => o.push_str("null"),
    });
    if id.is_some() {
        w.opt_str(
            "approval_canonical",
            a.approval.as_ref().map(|r| r.canonical()).as_deref(),
        );
    }
    w.with("pin", |o| match &a.pin {
        Some((k, v)) => write_strs(o, [k.as_str(), v.as_str()]),
        None => o.push_str("null"),
    });
    w.str("method", &a.method);
    w.num("now_ms", a.now_ms);
    w.end();
}

/// Appends a decision: `{allowed, code, audit_line, head: {seq, mac},
/// metrics: [{name, labels, observe}], forget_fingerprint}`, plus `votes`
/// (`[{approver_id, vote, code}]`, the judged approvals) when given.
pub fn write_decision(out: &mut String, d: &Decision, votes: Option<&[(String, Vote)]>) {
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
    if let Some(votes) = votes {
        w.with("votes", |o| {
            o.push('[');
            for (i, (id, v)) in votes.iter().enumerate() {
                if i > 0 {
                    o.push(',');
                }
                let mut w = Obj::new(o);
                w.str("approver_id", id);
                w.str("vote", v.as_str());
                w.opt_str(
                    "code",
                    match v {
                        Vote::Bad(c) => Some(c.as_str()),
                        _ => None,
                    },
                );
                w.end();
            }
            o.push(']');
        });
    }
    w.end();
}

/// The value of JSON text this module wrote. It always parses (well-formed,
/// and nested far less deeply than `serde_json`'s limit: the challenge's
/// values are capped at depth 16); `null` would mean a bug.
fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// An offer (`write_offer`'s shape) as a value.
pub(crate) fn offer_json(o: &PaymentOffer) -> Value {
    let mut out = String::with_capacity(512);
    write_offer(&mut out, o);
    parsed(&out)
}

/// The payment metadata: `{request_url, resource_url, description, reason,
/// extra, resource_echo}` as a value.
pub fn metadata_json(m: &Metadata) -> Value {
    let mut out = String::with_capacity(512);
    write_metadata(&mut out, m);
    parsed(&out)
}

/// [`write_assessment`]'s shape (without `id` and `approval_canonical`) as a value.
pub fn assessment_json(a: &Assessment) -> Value {
    let mut out = String::with_capacity(2048);
    write_assessment(&mut out, a, None);
    parsed(&out)
}

/// [`write_decision`]'s shape (without `votes`) as a value.
pub fn decision_json(d: &Decision) -> Value {
    let mut out = String::with_capacity(1024);
    write_decision(&mut out, d, None);
    parsed(&out)
}

/// Configuration problems: `[{path, code}]`.
pub fn config_errors_json(errs: &[ConfigError]) -> Value {
    Value::Array(
        errs.iter()
            .map(|e| obj!(("path", e.path), ("code", e.code.as_str())))
            .collect(),
    )
}

/// Countersignatures that did not count (`mpa::Tally::problems`):
/// `[{approver_id, code}]`.
pub fn problems_json(problems: &[(String, Code)]) -> Value {
    Value::Array(
        problems
            .iter()
            .map(|(a, c)| obj!(("approver_id", a), ("code", c.as_str())))
            .collect(),
    )
}

/// A redaction for a binding's `redact`: `{text, count, entities}`, with the
/// number of findings and the distinct entity names, sorted.
pub fn redaction_json(r: &Redaction) -> Value {
    let mut entities: Vec<&str> = r.findings.iter().map(|f| f.entity.as_str()).collect();
    entities.sort_unstable();
    entities.dedup();
    obj!(
        ("text", r.text),
        ("count", r.findings.len()),
        ("entities", entities)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_like_serde() {
        for s in [
            "plain",
            "q\"b\\s",
            "ctl\u{1}\u{8}\u{c}\u{1f}\n\r\t",
            "ünï\u{202e}code",
            "",
        ] {
            let mut o = String::new();
            write_str(&mut o, s);
            assert_eq!(
                serde_json::from_str::<Value>(&o).unwrap(),
                Value::String(s.into())
            );
        }
    }

    #[test]
    fn values_keep_their_text() {
        let v: Value =
            serde_json::from_str(r#"{"b":[1.50,-0,null,true],"a":{"x":"\u0001é"}}"#).unwrap();
        let mut o = String::new();
        write_value(&mut o, &v);
        assert_eq!(o, v.to_string());
    }
}
