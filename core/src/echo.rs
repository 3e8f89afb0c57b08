//! What the client sends back: the redacted echoes of a challenge.
//!
//! A payment hands parts of the server's challenge back out: to the signer
//! (the selected requirement), to the server and its facilitator (v2
//! `accepted` and the `resource` echo) and to the logs. Every string in them,
//! object keys included, goes through the same PII handling as the metadata
//! ([`Scan`]): redacted under `redact`, reported under `warn`, and counted so
//! that `block` refuses the payment with [`Code::PiiBlocked`]. URLs in them
//! (v1 `resource`, v2 `resource.url`) have their credentials masked first
//! ([`crate::url_mask`]), whatever the PII action.
//!
//! ## Which fields are redacted, and why that is safe on the x402 wire
//! * **Kept verbatim** ([`VERBATIM`]): `scheme`, `network`, `amount` /
//!   `maxAmountRequired`, `asset`, `payTo`, `maxTimeoutSeconds`. The
//!   signature binds the amount, payee, asset and network, and the server
//!   matches `accepted` on them; none of them is free text (the challenge
//!   parser admits only a scheme token, a known network, an integer amount,
//!   valid addresses and a bounded integer), so none can carry personal data.
//! * **Redacted**: every other member of the requirement (`extra`, and in v1
//!   `resource`, `description`, `mimeType`, `outputSchema`, or anything a
//!   server adds), its keys, and the whole v2 `resource` object with its
//!   keys. v1 payloads echo nothing: the redacted requirement only reaches
//!   the signer. In v2 the server requires `accepted` to deep-equal one of
//!   its offers, so an offer whose free text held personal data is paid with
//!   an `accepted` the server may not recognise: the payment then fails at
//!   the server instead of handing the data back (fail closed). The same
//!   holds for `extra.name` / `extra.version`, the EIP-712 domain: a domain
//!   holding personal data is redacted, and an authorization signed over it
//!   is one no token contract accepts, so nothing can be settled with it.
//!   `@x402/express` accepts a redacted `resource` echo (`X402.md`).
//! * **Redacted**: the v2 challenge's `extensions` (the `bazaar` discovery
//!   extension's descriptions, examples and schemas; `offer-receipt`'s signed
//!   offers; any other declaration), which official clients echo in the
//!   payload's `extensions`: scanned at assessment (counted, so `block`
//!   refuses), and the payload's copy redacted before it is sent
//!   ([`extensions`]). A signed offer holding personal data is then no longer
//!   verifiable: the receipt is lost, not the data.

use crate::error::Code;
use crate::pii::{self, EntityType, PiiAction, PiiConfig};
use crate::url_mask;
use serde_json::Value;

/// Requirement members passed verbatim (see the module docs).
pub const VERBATIM: &[&str] = &[
    "scheme",
    "network",
    "amount",
    "maxAmountRequired",
    "asset",
    "payTo",
    "maxTimeoutSeconds",
];

/// Most strings a [`CleanMemo`] holds; it is emptied when full.
pub const MEMO_MAX_STRINGS: usize = 256;
/// Longest string a [`CleanMemo`] holds, in bytes.
pub const MEMO_MAX_STRING_BYTES: usize = 512;
/// Most nodes (values, keys not counted) of a JSON value looked up in, or
/// added to, a [`CleanMemo`] (far under [`pii::MAX_JSON_NODES`]).
pub const MEMO_MAX_NODES: usize = 64;
/// Deepest JSON value looked up in, or added to, a [`CleanMemo`] (under
/// [`pii::MAX_JSON_DEPTH`]).
pub const MEMO_MAX_DEPTH: usize = 8;

/// Strings a guard has scanned and found free of PII under its PII settings,
/// which never change for one guard: scanning one again would find nothing
/// again (the scan is a function of the text and the settings), so a string
/// held here is passed as it is, with no findings, without a scan. Servers
/// send the same challenge text on every payment (`extra`, the resource's
/// description and MIME type, the keys), so most scans are repeats.
///
/// Only clean strings are held (never personal data), at most
/// [`MEMO_MAX_STRINGS`] of at most [`MEMO_MAX_STRING_BYTES`] bytes each. A
/// scan with host hints is never memoised (hints change the findings).
#[derive(Clone, Debug, Default)]
pub struct CleanMemo {
    /// Sorted, without repeats (a small sorted `Vec` is smaller code in the
    /// component than a set, and as quick at this size).
    clean: Vec<String>,
}

impl CleanMemo {
    /// Where `s` is, or would go, in the sorted strings.
    fn find(&self, s: &str) -> Result<usize, usize> {
        self.clean.binary_search_by(|c| c.as_str().cmp(s))
    }

    /// True when `s` was found clean before.
    fn has(&self, s: &str) -> bool {
        self.find(s).is_ok()
    }

    /// Records that `s` was found clean (when it is short enough to hold).
    fn add(&mut self, s: &str) {
        if s.len() > MEMO_MAX_STRING_BYTES || self.has(s) {
            return;
        }
        if self.clean.len() >= MEMO_MAX_STRINGS {
            self.clean.clear();
        }
        let at = self.find(s).unwrap_or_else(|at| at);
        self.clean.insert(at, s.to_string());
    }

    /// True when every string and key of `v` was found clean before and `v`
    /// is within [`MEMO_MAX_NODES`] and [`MEMO_MAX_DEPTH`] (so a scan of it
    /// would neither find anything nor hit a cap).
    fn has_json(&self, v: &Value) -> bool {
        let mut nodes = 0;
        all_json(v, 0, &mut nodes, &mut |s| self.has(s))
    }

    /// Records every string and key of `v` as clean (a scan of the whole
    /// value found nothing), when `v` is within the same bounds.
    fn add_json(&mut self, v: &Value) {
        let within = all_json(v, 0, &mut 0, &mut |_| true);
        if within {
            all_json(v, 0, &mut 0, &mut |s| {
                self.add(s);
                true
            });
        }
    }
}

/// `f` over every string and key of `v` while it holds, within
/// [`MEMO_MAX_NODES`] and [`MEMO_MAX_DEPTH`]; false when `f` fails or `v` is
/// out of bounds.
fn all_json(v: &Value, depth: usize, nodes: &mut usize, f: &mut dyn FnMut(&str) -> bool) -> bool {
    *nodes += 1;
    if depth > MEMO_MAX_DEPTH || *nodes > MEMO_MAX_NODES {
        return false;
    }
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().all(|x| all_json(x, depth + 1, nodes, f)),
        Value::Object(m) => m
            .iter()
            .all(|(k, x)| f(k) && all_json(x, depth + 1, nodes, f)),
        _ => true,
    }
}

/// PII handling of one assessment: carries out the action and collects the
/// findings.
#[derive(Debug)]
pub struct Scan<'c> {
    /// The PII settings.
    pub cfg: &'c PiiConfig,
    /// Entity types found, in order of first finding.
    pub entities: Vec<EntityType>,
    /// Number of findings.
    pub count: usize,
    /// The guard's clean strings ([`Scan::with_memo`]), if any.
    memo: Option<&'c mut CleanMemo>,
}

impl<'c> Scan<'c> {
    /// A scan with nothing found yet.
    pub fn new(cfg: &'c PiiConfig) -> Scan<'c> {
        Scan {
            cfg,
            entities: Vec::new(),
            count: 0,
            memo: None,
        }
    }

    /// A scan that skips, and records, strings found clean ([`CleanMemo`]):
    /// the same results as [`Scan::new`]. Without effect when `cfg` has
    /// hints.
    pub fn with_memo(cfg: &'c PiiConfig, memo: &'c mut CleanMemo) -> Scan<'c> {
        Scan {
            memo: cfg.hints.is_empty().then_some(memo),
            ..Scan::new(cfg)
        }
    }

    /// [`pii::redact`] of `s`, or `s` itself with no findings when the memo
    /// holds it (a clean result is recorded).
    pub fn redact(&mut self, s: &str) -> Result<pii::Redaction, Code> {
        if self.memo.as_ref().is_some_and(|m| m.has(s)) {
            return Ok(pii::Redaction {
                text: s.to_string(),
                findings: Vec::new(),
            });
        }
        let r = pii::redact(s, self.cfg)?;
        if r.findings.is_empty() {
            if let Some(m) = self.memo.as_mut() {
                m.add(s);
            }
        }
        Ok(r)
    }

    /// True when the memo holds every key and string of the members of `m`
    /// outside `skip`, within the memo's bounds for the object they make:
    /// scanning those members would change and find nothing.
    fn memo_has_members(&self, m: &serde_json::Map<String, Value>, skip: &[&str]) -> bool {
        let Some(memo) = self.memo.as_ref() else {
            return false;
        };
        let mut nodes = 1;
        m.iter()
            .filter(|(k, _)| !skip.contains(&k.as_str()))
            .all(|(k, v)| memo.has(k) && all_json(v, 1, &mut nodes, &mut |s| memo.has(s)))
    }

    /// One string: redacted, unless the action is `warn`.
    pub fn text(&mut self, s: &str) -> Result<String, Code> {
        let r = self.redact(s)?;
        self.note(r.findings.iter().map(|f| f.entity));
        Ok(if self.cfg.action == PiiAction::Warn {
            s.to_string()
        } else {
            r.text
        })
    }

    /// A JSON value, strings and keys: redacted, unless the action is `warn`.
    pub fn json(&mut self, v: &Value) -> Result<Value, Code> {
        Ok(self.redacted(v)?.unwrap_or_else(|| v.clone()))
    }

    /// [`Scan::json`] of a value the caller no longer needs: under `warn`
    /// the value itself is returned instead of a copy.
    pub fn json_owned(&mut self, v: Value) -> Result<Value, Code> {
        Ok(self.redacted(&v)?.unwrap_or(v))
    }

    /// The redacted copy of `v` (`None` under `warn`, or when `v` is all
    /// clean strings held by the memo: the copy would equal `v`), findings
    /// counted.
    fn redacted(&mut self, v: &Value) -> Result<Option<Value>, Code> {
        if self.memo.as_ref().is_some_and(|m| m.has_json(v)) {
            return Ok(None);
        }
        let (out, findings) = pii::redact_json(v, self.cfg)?;
        if findings.is_empty() {
            if let Some(m) = self.memo.as_mut() {
                m.add_json(v);
            }
        }
        self.note(findings.iter().map(|f| f.entity));
        Ok((self.cfg.action != PiiAction::Warn).then_some(out))
    }

    /// Counts findings made elsewhere.
    pub fn note(&mut self, it: impl Iterator<Item = EntityType>) {
        for e in it {
            self.count += 1;
            if !self.entities.contains(&e) {
                self.entities.push(e);
            }
        }
    }
}

/// The requirement to hand to the signer and, in v2, to send as `accepted`:
/// [`VERBATIM`] members as offered, every other member (key and value)
/// through `scan`; in v1 the `resource` URL has its credentials masked first.
pub fn requirement(scan: &mut Scan<'_>, raw: &Value, version: u8) -> Result<Value, Code> {
    requirement_owned(scan, raw.clone(), version)
}

/// [`requirement`] of a requirement the caller no longer needs (no copy).
pub fn requirement_owned(scan: &mut Scan<'_>, raw: Value, version: u8) -> Result<Value, Code> {
    let Value::Object(mut rest) = raw else {
        return Err(Code::ChallengeBadField);
    };
    // Every member outside VERBATIM known clean: the redacted requirement
    // is the offered one (nothing masked in v2), with nothing found.
    if version != 1 && scan.memo_has_members(&rest, VERBATIM) {
        return Ok(Value::Object(rest));
    }
    let mut kept = Vec::with_capacity(VERBATIM.len());
    for k in VERBATIM {
        if let Some(v) = rest.remove(*k) {
            kept.push(((*k).to_string(), v));
        }
    }
    if version == 1 {
        if let Some(Value::String(u)) = rest.get_mut("resource") {
            *u = url_mask::mask(u);
        }
    }
    let mut out = match scan.json_owned(Value::Object(rest))? {
        Value::Object(m) => m,
        _ => return Err(Code::InvalidInput),
    };
    out.extend(kept);
    Ok(Value::Object(out))
}

/// The v2 `resource` object to echo: its `url` with credentials masked,
/// then every string and key through `scan`.
pub fn resource(scan: &mut Scan<'_>, r: &Value) -> Result<Value, Code> {
    resource_owned(scan, r.clone())
}

/// [`resource`] of an object the caller no longer needs (no copy).
pub fn resource_owned(scan: &mut Scan<'_>, mut r: Value) -> Result<Value, Code> {
    if let Some(Value::String(u)) = r.get_mut("url") {
        *u = url_mask::mask(u);
    }
    scan.json_owned(r)
}

/// The v2 `extensions` an official client put in its payload (the server's
/// declarations echoed, `bazaar` discovery text and `offer-receipt` signed
/// offers among them, plus what the client's own extensions added): every
/// string and key redacted, unless the action is `warn`. The server's part
/// was scanned (and counted, so `block` refused) when the payment was
/// assessed ([`Scan::json`] over the challenge's `extensions`); what the
/// client added is redacted here without being counted. Extensions too
/// large to scan are dropped (fail closed).
pub fn extensions(cfg: &PiiConfig, v: &Value) -> Value {
    if cfg.action == PiiAction::Warn {
        return v.clone();
    }
    pii::redact_json(v, cfg).map_or_else(|_| Value::Object(Default::default()), |(out, _)| out)
}

/// A string member of an (echoed) object, or `""`.
pub fn str_member(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::{EntityType, PiiHint};
    use serde_json::json;

    /// Everything one scan gives: outputs, entities and count.
    type Seen = (
        Vec<Result<String, Code>>,
        Vec<Result<Value, Code>>,
        Vec<EntityType>,
        usize,
    );

    fn run(scan: &mut Scan<'_>, texts: &[&str], values: &[Value]) -> Seen {
        let t = texts.iter().map(|s| scan.text(s)).collect();
        let v = values.iter().map(|v| scan.json(v)).collect();
        (t, v, scan.entities.clone(), scan.count)
    }

    #[test]
    fn the_memo_changes_no_result() {
        let texts = [
            "USD Coin",
            "write to alice@example.com",
            "",
            "USD Coin",
            "call +1 415 555 0132 now",
            "https://api.example.com/premium-data/7",
        ];
        let big: Value = (0..100).map(|i| (format!("k{i}"), json!("v"))).collect();
        let values = [
            json!({"name": "USD Coin", "version": "2"}),
            json!({"bob@example.com": "x", "<REDACTED>": 1, "n": ["a", {"b": "carol@example.org"}]}),
            json!({"name": "USD Coin", "version": "2"}),
            big.clone(),
            big,
            json!([[[[[[[[[["deep"]]]]]]]]]]),
            json!({"url": "https://api.example.com/x", "description": "Market data"}),
        ];
        for action in [PiiAction::Redact, PiiAction::Warn, PiiAction::Block] {
            let cfg = PiiConfig {
                action,
                ..PiiConfig::default()
            };
            let mut memo = CleanMemo::default();
            // Three rounds: the memo fills in the first and is used after.
            for _ in 0..3 {
                let want = run(&mut Scan::new(&cfg), &texts, &values);
                let got = run(&mut Scan::with_memo(&cfg, &mut memo), &texts, &values);
                assert_eq!(got, want);
                assert!(want.3 > 0);
            }
            assert!(memo.has("USD Coin") && memo.has("name") && !memo.has("deep"));
            assert!(!memo.has("write to alice@example.com") && !memo.has("bob@example.com"));
        }
    }

    #[test]
    fn the_memo_changes_no_requirement() {
        let offers = [
            json!({"scheme": "exact", "network": "eip155:8453", "amount": "1", "asset": "0xab",
                   "payTo": "0xcd", "maxTimeoutSeconds": 60, "extra": {"name": "USD Coin", "version": "2"}}),
            json!({"scheme": "exact", "amount": "1", "extra": {"name": "dan@example.com"}}),
            json!({"scheme": "exact", "resource": "https://u:p@api.example.com/x", "description": "d"}),
            json!({"scheme": "exact", "asset": "0xab"}),
        ];
        for action in [PiiAction::Redact, PiiAction::Warn, PiiAction::Block] {
            let cfg = PiiConfig {
                action,
                ..PiiConfig::default()
            };
            let mut memo = CleanMemo::default();
            for _ in 0..3 {
                for o in &offers {
                    for version in [1, 2] {
                        let mut plain = Scan::new(&cfg);
                        let want = requirement(&mut plain, o, version);
                        let mut memoised = Scan::with_memo(&cfg, &mut memo);
                        let got = requirement(&mut memoised, o, version);
                        assert_eq!(got, want);
                        assert_eq!(
                            (memoised.entities, memoised.count),
                            (plain.entities, plain.count)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn hints_bypass_the_memo_and_it_stays_bounded() {
        let mut memo = CleanMemo::default();
        let plain = PiiConfig::default();
        Scan::with_memo(&plain, &mut memo)
            .text("the blue widget")
            .unwrap();
        assert!(memo.has("the blue widget"));
        // A host hint makes the same text a finding: the memo is not asked.
        let hinted = PiiConfig {
            hints: vec![PiiHint {
                entity: EntityType::Person,
                text: "blue widget".into(),
                score: 900,
            }],
            ..PiiConfig::default()
        };
        let want = Scan::new(&hinted).text("the blue widget");
        assert_eq!(
            Scan::with_memo(&hinted, &mut memo).text("the blue widget"),
            want
        );
        assert_ne!(want.as_deref(), Ok("the blue widget"));
        for i in 0..MEMO_MAX_STRINGS * 2 {
            memo.add(&format!("s{i}"));
            assert!(memo.clean.len() <= MEMO_MAX_STRINGS);
        }
        memo.add(&"a".repeat(MEMO_MAX_STRING_BYTES + 1));
        assert!(!memo.has(&"a".repeat(MEMO_MAX_STRING_BYTES + 1)));
    }
}
