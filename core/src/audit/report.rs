//! The compliance report: totals over the **verified** lines of a log
//! directory (the seed's `ComplianceReport`), as canonical JSON and Markdown.
//!
//! [`report`] first verifies every chain with [`verify_chains`]; only lines
//! that verified are counted. A chain that fails is counted up to the line
//! before its failure, and the report says so (`chain_ok` false, the chain's
//! `line`, `seq` and `code`, `unverified_lines`, and a warning). A log whose
//! truncation could not be checked (no stored heads) says that too.
//!
//! ## What is counted (per verified line)
//! | counter | lines |
//! |---|---|
//! | `allowed` / `blocked` | `outcome` `allowed` / `blocked` (decisions) |
//! | `settled`, `unconfirmed`, `failed` | `event_type` `payment_settled`, `payment_unconfirmed`, `payment_failed` |
//! | `total_spend_usd` | `amount_usd` of `payment_allowed` decisions, less those of `payment_failed` lines with outcome `failed` (the reservation was released): the ledger's committed or open spend |
//! | `blocked_by_code` | blocked decisions by `code` (`-` when none) |
//! | `pii_entity_counts` | entity names of decision lines (each settlement line repeats them) |
//! | (event names) | compared in lower case, so the seed's `PAYMENT_ALLOWED` is `payment_allowed` |
//! | `agent_summaries` | per `agent_id` (`null` first, then sorted): `total_payments`, `total_usd`, `pii_redacted` (allowed decisions that found PII, or `pii_redacted` events), `blocked_pii`, `blocked_policy`, `blocked_replay` (by code family or the seed's event names), `payment_errors` (`payment_failed` and `payment_error` lines) |
//!
//! Amounts are exact decimal strings ([`Usd`]); the JSON is canonical
//! (sorted members, no spaces), so every host writes the same bytes.

use super::chains::{verify_chains, DirReport};
use super::entry::Head;
use crate::canonical::write_string;
use crate::error::Code;
use crate::money::Usd;
use serde_json::Value;

/// Per-agent totals of a [`Report`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentSummary {
    /// Allowed `payment_allowed` decisions.
    pub total_payments: u64,
    /// Their spend, less released reservations.
    pub total_usd: Usd,
    /// Allowed decisions that redacted PII.
    pub pii_redacted: u64,
    /// Payments blocked for PII.
    pub blocked_pii: u64,
    /// Payments blocked by the spending policy.
    pub blocked_policy: u64,
    /// Payments blocked as replays.
    pub blocked_replay: u64,
    /// Payments that failed after they were allowed.
    pub payment_errors: u64,
}

/// Counters over the verified lines (see the module table).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Verified lines.
    pub total_events: u64,
    /// Decisions with outcome `allowed`.
    pub allowed: u64,
    /// Decisions with outcome `blocked`.
    pub blocked: u64,
    /// `payment_settled` lines.
    pub settled: u64,
    /// `payment_unconfirmed` lines.
    pub unconfirmed: u64,
    /// `payment_failed` lines.
    pub failed: u64,
    /// Committed or open spend.
    pub total_spend: Usd,
    /// Blocked decisions by code (sorted by code).
    pub blocked_by_code: Counts,
    /// PII entity names found by decisions (sorted by name).
    pub pii_entity_counts: Counts,
    /// Per agent id (`None`: lines without one; `None` first, then sorted).
    pub agents: Vec<(Option<String>, AgentSummary)>,
}

/// A compliance report: the verification of every chain and the totals of
/// the lines that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// What [`verify_chains`] found.
    pub dir: DirReport,
    /// Lines not counted (after a chain's failure).
    pub unverified_lines: u64,
    /// Per chain (in input order), how many of its first lines were counted.
    pub counted: Vec<u64>,
    /// Counters over the verified lines.
    pub totals: Totals,
}

/// The non-empty lines of a chain as [`verify_chains`] reads them.
fn lines_of(text: &str) -> Vec<&str> {
    text.split_terminator('\n').collect()
}

/// Counts by name, kept sorted by name (a small sorted vector: fewer
/// instantiations, so a smaller component, than a map).
pub type Counts = Vec<(String, u64)>;

fn bump(m: &mut Counts, k: &str) {
    match m.binary_search_by(|(n, _)| n.as_str().cmp(k)) {
        Ok(i) => m[i].1 += 1,
        Err(i) => m.insert(i, (k.to_string(), 1)),
    }
}

/// The summary of `agent`, created in sorted place when new.
fn agent_entry(
    v: &mut Vec<(Option<String>, AgentSummary)>,
    agent: Option<String>,
) -> &mut AgentSummary {
    let i = match v.binary_search_by(|(a, _)| a.cmp(&agent)) {
        Ok(i) => i,
        Err(i) => {
            v.insert(i, (agent, AgentSummary::default()));
            i
        }
    };
    &mut v[i].1
}

impl Totals {
    /// Counts one verified line (its parsed canonical JSON).
    fn add(&mut self, v: &Value) -> Result<(), Code> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("");
        // The seed's upper-case event names count as ours (`PII_REDACTED` is `pii_redacted`).
        let event_type = s("event_type").to_ascii_lowercase();
        let event_type = event_type.as_str();
        let (outcome, code) = (s("outcome"), s("code"));
        let amount = match v.get("amount_usd").and_then(Value::as_str) {
            Some(a) => Usd::parse(a)?,
            None => Usd(0),
        };
        let entities: Vec<&str> = v
            .get("pii_entities_found")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let agent = v
            .get("agent_id")
            .and_then(Value::as_str)
            .map(str::to_string);
        self.total_events += 1;
        let a = agent_entry(&mut self.agents, agent);
        let decision = outcome == "allowed" || outcome == "blocked";
        if decision {
            for e in &entities {
                bump(&mut self.pii_entity_counts, e);
            }
        }
        match outcome {
            "allowed" => {
                self.allowed += 1;
                if event_type == "payment_allowed" {
                    a.total_payments += 1;
                    a.total_usd = a.total_usd.checked_add(amount)?;
                    self.total_spend = self.total_spend.checked_add(amount)?;
                }
                if !entities.is_empty() || event_type == "pii_redacted" {
                    a.pii_redacted += 1;
                }
            }
            "blocked" => {
                self.blocked += 1;
                bump(
                    &mut self.blocked_by_code,
                    if code.is_empty() { "-" } else { code },
                );
                if code.starts_with("pii-") || event_type == "pii_blocked" {
                    a.blocked_pii += 1;
                } else if code.starts_with("policy-") || event_type == "policy_blocked" {
                    a.blocked_policy += 1;
                } else if code == Code::ReplayDetected.as_str() || event_type == "replay_blocked" {
                    a.blocked_replay += 1;
                }
            }
            _ => {}
        }
        match event_type {
            "payment_settled" => self.settled += 1,
            "payment_unconfirmed" => self.unconfirmed += 1,
            "payment_failed" => {
                self.failed += 1;
                a.payment_errors += 1;
                if outcome == "failed" {
                    a.total_usd = a.total_usd.saturating_sub(amount);
                    self.total_spend = self.total_spend.saturating_sub(amount);
                }
            }
            "payment_error" => a.payment_errors += 1,
            _ => {}
        }
        Ok(())
    }
}

/// Verifies the chains of a log directory (as [`verify_chains`]: `(name,
/// text)` chains and the replicas' stored heads, when known) and counts the
/// lines that verified. Errors are those of [`verify_chains`]
/// ([`Code::InvalidInput`], [`Code::KeyTooShort`]).
pub fn report(
    key: &[u8],
    chains: &[(&str, &str)],
    heads: Option<&[(String, Head)]>,
) -> Result<Report, Code> {
    let dir = verify_chains(key, chains, heads)?;
    let mut totals = Totals::default();
    let mut unverified = 0u64;
    let mut counted = Vec::with_capacity(chains.len());
    for ((_, text), c) in chains.iter().zip(&dir.chains) {
        let lines = lines_of(text);
        let good = match &c.result {
            Ok(_) => lines.len(),
            // A duplicate replica's chain verified on its own but is not counted twice.
            Err(f) if f.code == Code::AuditReplicaDuplicate => 0,
            Err(f) => f.line.saturating_sub(1).min(lines.len()),
        };
        unverified += (lines.len() - good) as u64;
        counted.push(good as u64);
        for l in &lines[..good] {
            // A verified line is canonical JSON: it parses.
            let v: Value = serde_json::from_str(l).map_err(|_| Code::AuditMalformedLine)?;
            totals.add(&v)?;
        }
    }
    Ok(Report {
        dir,
        unverified_lines: unverified,
        counted,
        totals,
    })
}

impl Report {
    /// Every chain verified and no replica's log is missing.
    pub fn chain_ok(&self) -> bool {
        self.dir.ok()
    }

    /// The warnings: one per failed chain (`NAME: line L (seq S): CODE`), one
    /// per missing log, and one when truncation was not checked.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        for c in &self.dir.chains {
            if let Err(f) = &c.result {
                let seq = f.seq.map_or("-".to_string(), |s| s.to_string());
                w.push(format!(
                    "{}: line {} (seq {seq}): {}; lines from there on are not counted",
                    c.name,
                    f.line,
                    f.code.as_str()
                ));
            }
        }
        for m in &self.dir.missing {
            w.push(format!(
                "replica {}: stored head at seq {} but no log: {}",
                m.replica,
                m.stored_head.seq,
                Code::AuditLogMissing.as_str()
            ));
        }
        if !self.dir.truncation_checked && self.totals.total_events > 0 {
            w.push("truncation not checked: no stored head for every chain".to_string());
        }
        w
    }

    /// The report as JSON (parsed from [`Report::to_json_text`]).
    pub fn to_json(&self) -> Value {
        // The text is canonical JSON written here: it always parses.
        serde_json::from_str(&self.to_json_text()).unwrap_or(Value::Null)
    }

    /// The canonical JSON text of the report (RFC 8785: members sorted, no
    /// whitespace; written directly, which keeps the component small): what
    /// every host writes, byte for byte.
    pub fn to_json_text(&self) -> String {
        let t = &self.totals;
        let mut o = String::from("{\"agent_summaries\":[");
        for (i, (id, a)) in t.agents.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str("{\"agent_id\":");
            opt_str(&mut o, id.as_deref());
            for (k, n) in [
                ("blocked_pii", a.blocked_pii),
                ("blocked_policy", a.blocked_policy),
                ("blocked_replay", a.blocked_replay),
                ("payment_errors", a.payment_errors),
                ("pii_redacted", a.pii_redacted),
                ("total_payments", a.total_payments),
            ] {
                num(&mut o, k, n);
            }
            o.push_str(",\"total_usd\":");
            write_string(&a.total_usd.to_string(), &mut o);
            o.push('}');
        }
        o.push(']');
        num(&mut o, "allowed", t.allowed);
        num(&mut o, "blocked", t.blocked);
        o.push_str(",\"blocked_by_code\":");
        counts(&mut o, &t.blocked_by_code);
        o.push_str(",\"chain_ok\":");
        o.push_str(bool_str(self.chain_ok()));
        o.push_str(",\"chain_warnings\":[");
        for (i, w) in self.warnings().iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            write_string(w, &mut o);
        }
        o.push_str("],\"chains\":[");
        for (i, (c, n)) in self.dir.chains.iter().zip(&self.counted).enumerate() {
            if i > 0 {
                o.push(',');
            }
            let (f, h) = match &c.result {
                Ok(h) => (None, Some(h)),
                Err(f) => (Some(f), None),
            };
            o.push_str("{\"code\":");
            opt_str(&mut o, f.map(|f| f.code.as_str()));
            num(&mut o, "counted", *n);
            o.push_str(",\"head\":");
            match h {
                Some(h) => head(&mut o, h),
                None => o.push_str("null"),
            }
            o.push_str(",\"line\":");
            opt_num(&mut o, f.map(|f| f.line as u64));
            o.push_str(",\"name\":");
            write_string(&c.name, &mut o);
            o.push_str(",\"ok\":");
            o.push_str(bool_str(f.is_none()));
            o.push_str(",\"replica\":");
            opt_str(&mut o, c.replica.as_deref());
            o.push_str(",\"seq\":");
            opt_num(&mut o, f.and_then(|f| f.seq));
            o.push('}');
        }
        o.push(']');
        num(&mut o, "failed", t.failed);
        o.push_str(",\"missing\":[");
        for (i, m) in self.dir.missing.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            o.push_str("{\"code\":");
            write_string(Code::AuditLogMissing.as_str(), &mut o);
            o.push_str(",\"replica\":");
            write_string(&m.replica, &mut o);
            o.push_str(",\"stored_head\":");
            head(&mut o, &m.stored_head);
            o.push('}');
        }
        o.push_str("],\"pii_entity_counts\":");
        counts(&mut o, &t.pii_entity_counts);
        num(&mut o, "settled", t.settled);
        num(&mut o, "total_events", t.total_events);
        o.push_str(",\"total_spend_usd\":");
        write_string(&t.total_spend.to_string(), &mut o);
        o.push_str(",\"truncation_checked\":");
        o.push_str(bool_str(self.dir.truncation_checked));
        num(&mut o, "unconfirmed", t.unconfirmed);
        num(&mut o, "unverified_lines", self.unverified_lines);
        o.push_str(",\"v\":1}");
        o
    }

    /// The report as Markdown (the same facts as the JSON).
    pub fn to_markdown(&self) -> String {
        let t = &self.totals;
        let mut s = String::from("# presidio-hardened-x402 Compliance Report\n\n");
        if self.chain_ok() {
            s.push_str(&format!(
                "**Chain integrity: OK** ({} chains verified",
                self.dir.chains.len()
            ));
            s.push_str(if self.dir.truncation_checked {
                ", truncation checked against the stored heads)\n"
            } else {
                ")\n"
            });
        } else {
            s.push_str(&format!(
                "**Chain integrity: FAILED**: the totals below count only the {} lines that verified ({} not counted)\n",
                t.total_events, self.unverified_lines
            ));
        }
        let warnings = self.warnings();
        if !warnings.is_empty() {
            s.push('\n');
            for w in &warnings {
                s.push_str(&format!("- WARNING: {}\n", md_escape(w)));
            }
        }
        s.push_str("\n| | |\n|---|---|\n");
        for (k, v) in [
            ("Audit lines counted", t.total_events.to_string()),
            ("Payments allowed", t.allowed.to_string()),
            ("Payments blocked", t.blocked.to_string()),
            ("Settled", t.settled.to_string()),
            ("Unconfirmed", t.unconfirmed.to_string()),
            ("Failed", t.failed.to_string()),
            ("Total spend (USD)", t.total_spend.to_string()),
        ] {
            s.push_str(&format!("| {k} | {v} |\n"));
        }
        s.push_str("\n## Blocked by code\n\n");
        table(&mut s, "code", &t.blocked_by_code);
        s.push_str("\n## PII entities detected\n\n");
        table(&mut s, "entity", &t.pii_entity_counts);
        s.push_str("\n## Per agent\n\n");
        s.push_str("| agent | payments | spent (USD) | PII redacted | blocked PII | blocked policy | blocked replay | payment errors |\n");
        s.push_str("|---|---|---|---|---|---|---|---|\n");
        for (id, a) in &t.agents {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                id.as_deref().map_or("(none)".to_string(), md_escape),
                a.total_payments,
                a.total_usd,
                a.pii_redacted,
                a.blocked_pii,
                a.blocked_policy,
                a.blocked_replay,
                a.payment_errors
            ));
        }
        s
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// `,"k":n`.
fn num(o: &mut String, k: &str, n: u64) {
    o.push_str(",\"");
    o.push_str(k);
    o.push_str("\":");
    o.push_str(&n.to_string());
}

fn opt_num(o: &mut String, n: Option<u64>) {
    match n {
        Some(n) => o.push_str(&n.to_string()),
        None => o.push_str("null"),
    }
}

fn opt_str(o: &mut String, s: Option<&str>) {
    match s {
        Some(s) => write_string(s, o),
        None => o.push_str("null"),
    }
}

fn head(o: &mut String, h: &Head) {
    o.push_str("{\"mac\":");
    write_string(&h.mac, o);
    o.push_str(",\"seq\":");
    o.push_str(&h.seq.to_string());
    o.push('}');
}

/// A counts object (names are ASCII tokens, already in canonical order).
fn counts(o: &mut String, m: &Counts) {
    o.push('{');
    for (i, (k, n)) in m.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        write_string(k, o);
        o.push(':');
        o.push_str(&n.to_string());
    }
    o.push('}');
}

fn table(s: &mut String, what: &str, m: &Counts) {
    if m.is_empty() {
        s.push_str("(none)\n");
        return;
    }
    s.push_str(&format!("| {what} | count |\n|---|---|\n"));
    for (k, v) in m {
        s.push_str(&format!("| {} | {v} |\n", md_escape(k)));
    }
}

/// Escapes the characters that would break a Markdown table cell or start
/// markup (`\`, `|`, `` ` ``, `*`, `_`, `<`, `>`, `[`, `]`) and removes line breaks.
fn md_escape(x: &str) -> String {
    let mut o = String::with_capacity(x.len());
    for ch in x.chars() {
        match ch {
            '\\' | '|' | '`' | '*' | '_' | '<' | '>' | '[' | ']' => {
                o.push('\\');
                o.push(ch);
            }
            '\n' | '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{chain, KEY};
    use super::*;

    #[test]
    fn counts_only_verified_lines() {
        let text = chain(None, 4);
        let r = report(KEY, &[("a.jsonl", &text)], None).unwrap();
        assert!(r.chain_ok());
        assert_eq!(r.totals.total_events, 4);
        assert_eq!((r.totals.allowed, r.totals.blocked), (2, 2));
        let mut bad: Vec<String> = text.lines().map(str::to_string).collect();
        bad[2] = bad[2].replace("agent-1", "agent-2");
        let bad = bad.join("\n") + "\n";
        let r = report(KEY, &[("a.jsonl", &bad)], None).unwrap();
        assert!(!r.chain_ok());
        assert_eq!(r.totals.total_events, 2);
        assert_eq!(r.unverified_lines, 2);
        assert!(r.warnings()[0].starts_with("a.jsonl: line 3 (seq 3): audit-bad-mac"));
        assert!(r.to_markdown().contains("Chain integrity: FAILED"));
    }

    #[test]
    fn md_escape_neutralises_markup() {
        assert_eq!(md_escape("a|b\n<x>"), "a\\|b \\<x\\>");
    }
}
