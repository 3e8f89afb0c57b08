//! The HMAC-chained audit log: one canonical JSON line per payment attempt.
//!
//! ## Entry format (version 1)
//! Each line is the RFC 8785 canonical JSON ([`crate::canonical`]) of one
//! object with exactly these members:
//!
//! | key | value |
//! |---|---|
//! | `v` | `1` (format version) |
//! | `seq` | 1 for the first line, then +1 per line |
//! | `timestamp` | `YYYY-MM-DDTHH:MM:SS.mmmZ`, computed from `now_ms` |
//! | `event_type`, `outcome` | short tokens (`[a-z0-9_.-]`, ≤ 64 bytes) |
//! | `resource_url` | the **already redacted** URL (cut to 2048 bytes, `…` marks a cut) |
//! | `amount_usd`, `policy_limit_usd` | exact decimal strings, or `null` |
//! | `network` | CAIP-2 style token, or `null` |
//! | `agent_id` | string (cut to 256 bytes), or `null` |
//! | `replica` | **only when set**: the replica id (`[A-Za-z0-9._:-]`, ≤ 64 bytes) of the process that wrote the line |
//! | `pii_entities_found` | entity names (`[A-Z0-9_]`, ≤ 32 of them) |
//! | `replay_fingerprint` | the first 16 hex digits of the fingerprint, or `null` |
//! | `code` | the stable error code, or `null` |
//! | `error_message` | the fixed description of `code` (never free text), or `null` |
//! | `prev_mac` | the previous line's `mac` (64 zeros before the first line) |
//! | `mac` | `hex(HMAC-SHA256(key, canonical(entry without mac)))` |
//!
//! Several replicas of one agent each keep their own chain, and every line of
//! a replica's chain carries its `replica` (a chain never mixes replicas:
//! [`Code::AuditReplicaMismatch`]). [`verify_chains`] checks a set of chains
//! (a log directory) and refuses two chains of one replica
//! ([`Code::AuditReplicaDuplicate`]).
//!
//! There is no free-text channel: no field can carry an exception message,
//! a key or raw metadata.
//!
//! ## Call order
//! * Writing: keep the [`Head`] (`seq`, `mac`) of the log; call [`append`]
//!   with it and write the returned line plus `\n`; store the returned head.
//! * Checking: [`verify`] (lines) or [`verify_text`] (JSONL text), or feed a
//!   [`ChainVerifier`] line by line for big files. Passing the expected head
//!   (kept apart from the log) also detects truncation. A failure names the
//!   1-based line and a [`Code`]; line 0 means "not about a line" (a short
//!   key or a malformed head argument).

use crate::canonical::{parse_strict, to_canonical, write_string};
use crate::error::Code;
use crate::hex;
use crate::money::Usd;
use core::fmt;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// Longest accepted audit line, in bytes (without the newline).
pub const MAX_LINE_BYTES: usize = 16 * 1024;
/// Shortest accepted chain key, in bytes.
pub const MIN_KEY_BYTES: usize = 16;
/// `prev_mac` of the first line (and `mac` of the empty log's head).
pub const GENESIS_MAC: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Number of fingerprint hex digits kept in an entry.
pub const FINGERPRINT_PREFIX_HEX: usize = 16;
/// Cap on `resource_url`, in bytes; longer values are cut and end in `…`.
pub const MAX_URL_BYTES: usize = 2048;
/// Cap on `agent_id`, in bytes; longer values are cut and end in `…`.
pub const MAX_AGENT_ID_BYTES: usize = 256;
/// Cap on token fields (`event_type`, `outcome`, `network`, entity names).
pub const MAX_TOKEN_BYTES: usize = 64;
/// Cap on the number of entries in `pii_entities_found`.
pub const MAX_PII_ENTITIES: usize = 32;
/// Latest `now_ms` that still has a four-digit year (9999-12-31T23:59:59.999Z).
pub const MAX_TIME_MS: u64 = 253_402_300_799_999;
/// Largest sequence number (the canonical-JSON safe integer range).
pub const MAX_SEQ: u64 = crate::canonical::MAX_SAFE_INTEGER;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    keyed(key).map(|m| finish(m, data)).unwrap_or([0; 32])
}

fn keyed(key: &[u8]) -> Option<HmacSha256> {
    HmacSha256::new_from_slice(key).ok()
}

fn finish(mut m: HmacSha256, data: &[u8]) -> [u8; 32] {
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The head of a log: the last line's `seq` and `mac`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Head {
    /// Sequence number of the last line (0 for an empty log).
    pub seq: u64,
    /// MAC of the last line, 64 lowercase hex digits ([`GENESIS_MAC`] when empty).
    pub mac: String,
}

impl Head {
    /// The head of an empty log: `seq` 0, `mac` [`GENESIS_MAC`].
    pub fn genesis() -> Head {
        Head { seq: 0, mac: GENESIS_MAC.to_string() }
    }

    fn is_valid(&self) -> bool {
        self.seq <= MAX_SEQ && hex::is_lower(&self.mac, 64)
    }
}

/// What happened, as the caller describes it (see the module table).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditEvent {
    /// Kind of event, e.g. `payment_attempt` (token).
    pub event_type: String,
    /// Result, e.g. `allowed`, `blocked` (token).
    pub outcome: String,
    /// The resource URL, already redacted by the caller.
    pub resource_url: String,
    /// The payment's USD value, when known.
    pub amount_usd: Option<Usd>,
    /// The CAIP-2 network, when known.
    pub network: Option<String>,
    /// The configured agent id.
    pub agent_id: Option<String>,
    /// The replica that writes the line (its own chain); `None` for a single process.
    pub replica: Option<String>,
    /// Names of the PII entity types found (never the values).
    pub pii_entities_found: Vec<String>,
    /// The limit that applied, when a policy decided.
    pub policy_limit_usd: Option<Usd>,
    /// The replay fingerprint (hex); only its first 16 digits are kept.
    pub replay_fingerprint: Option<String>,
    /// The refusal code, when there is one; `error_message` is its fixed description.
    pub code: Option<Code>,
}

/// Why a log failed to verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditFailure {
    /// 1-based line number (one past the last line for truncation; 0 when the
    /// failure is not about a line: short key, malformed head argument).
    pub line: usize,
    /// The `seq` the bad line claims, when it could be read.
    pub seq: Option<u64>,
    /// The reason.
    pub code: Code,
}

impl AuditFailure {
    fn at(line: usize, seq: Option<u64>, code: Code) -> Self {
        AuditFailure { line, seq, code }
    }
}

/// The ISO-8601 UTC timestamp with milliseconds for `now_ms` (Unix epoch ms).
///
/// ```
/// use presidio_x402_core::audit::timestamp;
/// assert_eq!(timestamp(0).unwrap(), "1970-01-01T00:00:00.000Z");
/// assert_eq!(timestamp(951_782_400_123).unwrap(), "2000-02-29T00:00:00.123Z");
/// ```
pub fn timestamp(now_ms: u64) -> Result<String, Code> {
    if now_ms > MAX_TIME_MS {
        return Err(Code::InvalidInput);
    }
    let ms = now_ms % 1000;
    let secs = now_ms / 1000;
    let days = secs / 86_400;
    let sod = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    Ok(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    ))
}

/// Proleptic Gregorian (year, month, day) of `days` since 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01 so that leap days end each 400-year era.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097; // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of (March-based) year
    let mp = (5 * doy + 2) / 153; // March = 0
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = era * 400 + yoe + u64::from(m <= 2);
    (y, m, d)
}

fn is_token(s: &str, extra: &[u8], upper_only: bool) -> bool {
    !s.is_empty()
        && s.len() <= MAX_TOKEN_BYTES
        && s.bytes().all(|b| {
            b.is_ascii_digit()
                || extra.contains(&b)
                || if upper_only { b.is_ascii_uppercase() } else { b.is_ascii_lowercase() }
        })
}

/// Cuts `s` to at most `max` bytes on a char boundary, marking a cut with `…`.
fn cap(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// The fixed description of `code` used as `error_message`.
fn message(code: Code) -> &'static str {
    code.describe().trim()
}

/// Writes `"key":` (keys here are plain ASCII).
fn key(out: &mut String, k: &str, first: bool) {
    if !first {
        out.push(',');
    }
    out.push('"');
    out.push_str(k);
    out.push_str("\":");
}

fn opt(out: &mut String, v: Option<&str>) {
    match v {
        Some(s) => write_string(s, out),
        None => out.push_str("null"),
    }
}

/// Writes the canonical entry, with or without its `mac` member, members in
/// RFC 8785 order (checked against the generic serialiser in the tests).
fn write_entry(out: &mut String, f: &Fields<'_>, mac: Option<&str>) {
    let e = f.event;
    out.push('{');
    key(out, "agent_id", true);
    opt(out, f.agent_id.as_deref());
    key(out, "amount_usd", false);
    opt(out, f.amount_usd.as_deref());
    key(out, "code", false);
    opt(out, e.code.map(Code::as_str));
    key(out, "error_message", false);
    opt(out, e.code.map(message));
    key(out, "event_type", false);
    write_string(&e.event_type, out);
    if let Some(m) = mac {
        key(out, "mac", false);
        write_string(m, out);
    }
    key(out, "network", false);
    opt(out, e.network.as_deref());
    key(out, "outcome", false);
    write_string(&e.outcome, out);
    key(out, "pii_entities_found", false);
    out.push('[');
    for (i, n) in e.pii_entities_found.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(n, out);
    }
    out.push(']');
    key(out, "policy_limit_usd", false);
    opt(out, f.policy_limit_usd.as_deref());
    key(out, "prev_mac", false);
    write_string(f.prev_mac, out);
    key(out, "replay_fingerprint", false);
    opt(out, f.fingerprint.as_deref());
    if let Some(r) = &e.replica {
        key(out, "replica", false);
        write_string(r, out);
    }
    key(out, "resource_url", false);
    write_string(&f.resource_url, out);
    key(out, "seq", false);
    out.push_str(&f.seq.to_string());
    key(out, "timestamp", false);
    write_string(&f.timestamp, out);
    key(out, "v", false);
    out.push_str("1}");
}

/// An event validated and normalised for writing.
struct Fields<'a> {
    event: &'a AuditEvent,
    seq: u64,
    prev_mac: &'a str,
    timestamp: String,
    resource_url: String,
    agent_id: Option<String>,
    amount_usd: Option<String>,
    policy_limit_usd: Option<String>,
    fingerprint: Option<String>,
}

/// Longest replica id, in bytes.
pub const MAX_REPLICA_BYTES: usize = 64;

/// A valid replica id: 1–64 bytes of `[A-Za-z0-9._:-]`.
pub fn is_replica_id(r: &str) -> bool {
    !r.is_empty() && r.len() <= MAX_REPLICA_BYTES && r.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
}

/// Validates `event` and normalises its fields.
fn fields<'a>(event: &'a AuditEvent, seq: u64, prev_mac: &'a str, now_ms: u64) -> Result<Fields<'a>, Code> {
    let e = event;
    if !is_token(&e.event_type, b"_.-", false) || !is_token(&e.outcome, b"_.-", false) {
        return Err(Code::InvalidInput);
    }
    let network_ok = |n: &str| {
        !n.is_empty() && n.len() <= MAX_TOKEN_BYTES && n.bytes().all(|b| b.is_ascii_alphanumeric() || b":_.-".contains(&b))
    };
    if e.network.as_deref().is_some_and(|n| !network_ok(n)) {
        return Err(Code::InvalidInput);
    }
    if e.replica.as_deref().is_some_and(|r| !is_replica_id(r)) {
        return Err(Code::InvalidInput);
    }
    if e.pii_entities_found.len() > MAX_PII_ENTITIES
        || !e.pii_entities_found.iter().all(|n| is_token(n, b"_", true))
    {
        return Err(Code::InvalidInput);
    }
    let fingerprint = match &e.replay_fingerprint {
        None => None,
        Some(f) if f.len() >= FINGERPRINT_PREFIX_HEX && f.len() <= 128 && f.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(f[..FINGERPRINT_PREFIX_HEX].to_ascii_lowercase())
        }
        Some(_) => return Err(Code::InvalidInput),
    };
    Ok(Fields {
        event: e,
        seq,
        prev_mac,
        timestamp: timestamp(now_ms)?,
        resource_url: cap(&e.resource_url, MAX_URL_BYTES),
        agent_id: e.agent_id.as_deref().map(|a| cap(a, MAX_AGENT_ID_BYTES)),
        amount_usd: e.amount_usd.map(|u| u.to_string()),
        policy_limit_usd: e.policy_limit_usd.map(|u| u.to_string()),
        fingerprint,
    })
}

/// Chains `event` after `head` (`None` = empty log) and returns the line
/// (canonical JSON, no newline) and the new head.
///
/// Errors: [`Code::KeyTooShort`] (key under 16 bytes), [`Code::InvalidInput`]
/// (malformed head, seq overflow, a field outside its charset or count cap,
/// `now_ms` past year 9999), [`Code::AuditLineTooLong`] (never for in-cap
/// fields).
pub fn append(key: &[u8], head: Option<&Head>, event: &AuditEvent, now_ms: u64) -> Result<(String, Head), Code> {
    if key.len() < MIN_KEY_BYTES {
        return Err(Code::KeyTooShort);
    }
    let genesis = Head::genesis();
    let head = head.unwrap_or(&genesis);
    if !head.is_valid() || head.seq >= MAX_SEQ {
        return Err(Code::InvalidInput);
    }
    let f = fields(event, head.seq + 1, &head.mac, now_ms)?;
    let mut body = String::with_capacity(1024);
    write_entry(&mut body, &f, None);
    let mac = hex::encode(&hmac_sha256(key, body.as_bytes()));
    let mut line = String::with_capacity(body.len() + 80);
    write_entry(&mut line, &f, Some(&mac));
    if line.len() > MAX_LINE_BYTES {
        return Err(Code::AuditLineTooLong);
    }
    Ok((line, Head { seq: f.seq, mac }))
}

/// Verifies a whole log given as lines (without newlines).
///
/// `start` is the head just before the first line (`None` = the log starts
/// at seq 1); `expected_head`, when known, must be reached exactly.
/// Returns the final head. Per line, in this order: size
/// ([`Code::AuditLineTooLong`]), canonical form and shape
/// ([`Code::AuditMalformedLine`]: also any re-serialisation, such as added
/// whitespace), MAC ([`Code::AuditBadMac`], compared in constant time),
/// sequence ([`Code::AuditSeqGap`]: deletions, reordering), chain
/// ([`Code::AuditChainBroken`]), and the expected head
/// ([`Code::AuditHeadMismatch`]); after the last line, a log short of the
/// expected head is [`Code::AuditTruncated`] at line `lines.len() + 1`.
pub fn verify(key: &[u8], lines: &[&str], start: Option<&Head>, expected_head: Option<&Head>) -> Result<Head, AuditFailure> {
    let mut v = ChainVerifier::new(key, start, expected_head)?;
    for l in lines {
        v.push(l)?;
    }
    v.finish()
}

/// Verifies JSONL text: lines separated by `\n`, each canonical (so no `\r`).
///
/// A final newline is optional. An unterminated last line that does not
/// parse is reported as [`Code::AuditPartialLine`] at its line number
/// (an interrupted append: every earlier line has verified, and a host may
/// cut the tail and retry). Otherwise as [`verify`].
pub fn verify_text(key: &[u8], text: &str, start: Option<&Head>, expected_head: Option<&Head>) -> Result<Head, AuditFailure> {
    verify_text_replica(key, text, start, expected_head).map(|(h, _)| h)
}

/// [`verify_text`], also returning the chain's replica.
fn verify_text_replica(
    key: &[u8],
    text: &str,
    start: Option<&Head>,
    expected_head: Option<&Head>,
) -> Result<(Head, Option<String>), AuditFailure> {
    let mut v = ChainVerifier::new(key, start, expected_head)?;
    let (complete, tail) = match text.rfind('\n') {
        _ if text.is_empty() => ("", ""),
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    for l in complete.split_terminator('\n') {
        v.push(l)?;
    }
    if !tail.is_empty() {
        v.push(tail).map_err(|f| {
            if f.code == Code::AuditMalformedLine && parse_strict(tail, MAX_LINE_BYTES, 4).is_err() {
                AuditFailure { code: Code::AuditPartialLine, ..f }
            } else {
                f
            }
        })?;
    }
    let replica = v.replica().map(str::to_string);
    v.finish().map(|h| (h, replica))
}

/// Most chains [`verify_chains`] accepts in one call.
pub const MAX_CHAINS: usize = 4096;

/// One chain of a log directory, as [`verify_chains`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// The caller's name for the chain (a file name).
    pub name: String,
    /// The replica its lines name (`None`: no replica ids, or an empty chain).
    pub replica: Option<String>,
    /// Its final head, or why it fails.
    pub result: Result<Head, AuditFailure>,
}

/// Verifies the chains of a log directory: every `(name, text)` chain on its
/// own, as [`verify_text`] (each must start at seq 1), then across chains: two
/// non-empty chains naming the same replica (or both naming none) are
/// [`Code::AuditReplicaDuplicate`], reported on the later chain at its line 1.
/// Reports come back in input order.
pub fn verify_chains(key: &[u8], chains: &[(&str, &str)]) -> Result<Vec<ChainReport>, Code> {
    if chains.len() > MAX_CHAINS {
        return Err(Code::InvalidInput);
    }
    let mut seen: std::collections::BTreeMap<Option<String>, ()> = std::collections::BTreeMap::new();
    let mut out = Vec::with_capacity(chains.len());
    for (name, text) in chains {
        let (replica, mut result) = match verify_text_replica(key, text, None, None) {
            Ok((h, r)) => (r, Ok(h)),
            Err(f) => (None, Err(f)),
        };
        if let Ok(h) = &result {
            if h.seq > 0 && seen.insert(replica.clone(), ()).is_some() {
                result = Err(AuditFailure::at(1, Some(1), Code::AuditReplicaDuplicate));
            }
        }
        out.push(ChainReport { name: (*name).to_string(), replica, result });
    }
    Ok(out)
}

/// Incremental verifier: [`ChainVerifier::new`], then [`ChainVerifier::push`]
/// each line in order, then [`ChainVerifier::finish`]. Holds a keyed MAC
/// state; its `Debug` output never shows the key.
#[derive(Clone)]
pub struct ChainVerifier {
    mac: HmacSha256,
    prev: Head,
    expected: Option<Head>,
    line: usize,
    /// The chain's replica, fixed by its first line (`Some(None)`: no replica).
    replica: Option<Option<String>>,
}

impl fmt::Debug for ChainVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainVerifier")
            .field("key", &"<redacted>")
            .field("prev", &self.prev)
            .field("expected", &self.expected)
            .field("line", &self.line)
            .finish()
    }
}

const ENTRY_KEYS: [&str; 16] = [
    "agent_id", "amount_usd", "code", "error_message", "event_type", "mac", "network", "outcome",
    "pii_entities_found", "policy_limit_usd", "prev_mac", "replay_fingerprint", "resource_url", "seq",
    "timestamp", "v",
];

impl ChainVerifier {
    /// Starts verifying after `start` (`None` = an empty log), expecting to
    /// end exactly at `expected_head` when given.
    pub fn new(key: &[u8], start: Option<&Head>, expected_head: Option<&Head>) -> Result<Self, AuditFailure> {
        if key.len() < MIN_KEY_BYTES {
            return Err(AuditFailure::at(0, None, Code::KeyTooShort));
        }
        let prev = start.cloned().unwrap_or_else(Head::genesis);
        let bad_expected = expected_head.is_some_and(|h| !h.is_valid() || h.seq < prev.seq);
        if !prev.is_valid() || bad_expected {
            return Err(AuditFailure::at(0, None, Code::InvalidInput));
        }
        let mac = keyed(key).ok_or(AuditFailure::at(0, None, Code::KeyTooShort))?;
        Ok(ChainVerifier { mac, prev, expected: expected_head.cloned(), line: 0, replica: None })
    }

    /// Verifies the next line (without its newline).
    pub fn push(&mut self, line: &str) -> Result<(), AuditFailure> {
        self.line += 1;
        let n = self.line;
        if line.len() > MAX_LINE_BYTES {
            return Err(AuditFailure::at(n, None, Code::AuditLineTooLong));
        }
        let (seq, prev_mac, mac, body, replica) =
            parse_line(line).map_err(|seq| AuditFailure::at(n, seq, Code::AuditMalformedLine))?;
        let want = hex::decode(&mac).unwrap_or_default();
        let mut m = self.mac.clone();
        m.update(body.as_bytes());
        if m.verify_slice(&want).is_err() {
            return Err(AuditFailure::at(n, Some(seq), Code::AuditBadMac));
        }
        if Some(seq) != self.prev.seq.checked_add(1) {
            return Err(AuditFailure::at(n, Some(seq), Code::AuditSeqGap));
        }
        if prev_mac != self.prev.mac {
            return Err(AuditFailure::at(n, Some(seq), Code::AuditChainBroken));
        }
        match &self.replica {
            None => self.replica = Some(replica),
            Some(r) if *r != replica => return Err(AuditFailure::at(n, Some(seq), Code::AuditReplicaMismatch)),
            Some(_) => {}
        }
        if let Some(h) = &self.expected {
            if seq > h.seq || (seq == h.seq && mac != h.mac) {
                return Err(AuditFailure::at(n, Some(seq), Code::AuditHeadMismatch));
            }
        }
        self.prev = Head { seq, mac };
        Ok(())
    }

    /// The replica named by the chain's lines (`None` before the first line
    /// or for a chain without replica ids).
    pub fn replica(&self) -> Option<&str> {
        self.replica.as_ref().and_then(|r| r.as_deref())
    }

    /// Ends verification: the final head, or [`Code::AuditTruncated`] when
    /// the expected head was not reached.
    pub fn finish(self) -> Result<Head, AuditFailure> {
        match &self.expected {
            Some(h) if self.prev.seq < h.seq => Err(AuditFailure::at(self.line + 1, None, Code::AuditTruncated)),
            _ => Ok(self.prev),
        }
    }
}

/// Parses and shape-checks one line; returns (seq, prev_mac, mac, canonical
/// body without mac). On failure, the seq it could read, if any.
#[allow(clippy::type_complexity)]
fn parse_line(line: &str) -> Result<(u64, String, String, String, Option<String>), Option<u64>> {
    let mut v = parse_strict(line, MAX_LINE_BYTES, 2).map_err(|_| None)?;
    let m = v.as_object_mut().ok_or(None)?;
    let seq = m.get("seq").and_then(Value::as_u64).filter(|s| (1..=MAX_SEQ).contains(s));
    let str_or_null = |k: &str| m.get(k).is_some_and(|x| x.is_string() || x.is_null());
    let replica = match m.get("replica") {
        None => None,
        Some(Value::String(r)) if is_replica_id(r) => Some(r.clone()),
        Some(_) => return Err(seq),
    };
    let shape_ok = m.len() == ENTRY_KEYS.len() + usize::from(replica.is_some())
        && ENTRY_KEYS.iter().all(|k| m.contains_key(*k))
        && m.get("v").and_then(Value::as_u64) == Some(1)
        && seq.is_some()
        && ["timestamp", "event_type", "outcome", "resource_url", "prev_mac", "mac"]
            .iter()
            .all(|k| m.get(*k).is_some_and(Value::is_string))
        && ["amount_usd", "network", "agent_id", "policy_limit_usd", "replay_fingerprint", "code", "error_message"]
            .iter()
            .all(|k| str_or_null(k))
        && m.get("pii_entities_found")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().all(Value::is_string));
    let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (prev_mac, mac) = (text("prev_mac"), text("mac"));
    if !shape_ok || !hex::is_lower(&prev_mac, 64) || !hex::is_lower(&mac, 64) {
        return Err(seq);
    }
    if to_canonical(&v).ok().as_deref() != Some(line) {
        return Err(seq);
    }
    // The line is canonical and flat, so its only `,"mac":"` is the member
    // itself (a `"` inside a string value is always escaped): cut it out.
    let member = format!(",\"mac\":\"{mac}\"");
    let at = line.find(&member).ok_or(seq)?;
    let body = [&line[..at], &line[at + member.len()..]].concat();
    Ok((seq.unwrap_or(0), prev_mac, mac, body, replica))
}

impl AuditEvent {
    /// Reads an event from its JSON form (the module table's names; `code`
    /// is a code string; absent optional members are `null`/empty;
    /// `error_message` is derived, never read). Unknown members are refused.
    pub fn from_json(v: &Value) -> Result<AuditEvent, Code> {
        const KNOWN: [&str; 11] = [
            "event_type", "outcome", "resource_url", "amount_usd", "network", "agent_id", "replica",
            "pii_entities_found", "policy_limit_usd", "replay_fingerprint", "code",
        ];
        let m = v.as_object().ok_or(Code::InvalidInput)?;
        if m.keys().any(|k| !KNOWN.contains(&k.as_str())) {
            return Err(Code::InvalidInput);
        }
        let s = |k: &str| -> Result<Option<String>, Code> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(Code::InvalidInput),
            }
        };
        let usd = |k: &str| -> Result<Option<Usd>, Code> { s(k)?.map(|x| Usd::parse(&x)).transpose() };
        let entities = match m.get("pii_entities_found") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| x.as_str().map(str::to_string).ok_or(Code::InvalidInput))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(Code::InvalidInput),
        };
        Ok(AuditEvent {
            event_type: s("event_type")?.ok_or(Code::InvalidInput)?,
            outcome: s("outcome")?.ok_or(Code::InvalidInput)?,
            resource_url: s("resource_url")?.unwrap_or_default(),
            amount_usd: usd("amount_usd")?,
            network: s("network")?,
            agent_id: s("agent_id")?,
            replica: s("replica")?,
            pii_entities_found: entities,
            policy_limit_usd: usd("policy_limit_usd")?,
            replay_fingerprint: s("replay_fingerprint")?,
            code: s("code")?.map(|c| Code::parse(&c).ok_or(Code::InvalidInput)).transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn chain(replica: Option<&str>, n: u64) -> String {
        let mut head = None;
        let mut text = String::new();
        for i in 0..n {
            let e = AuditEvent { replica: replica.map(str::to_string), ..ev(i) };
            let (line, h) = append(KEY, head.as_ref(), &e, 1_700_000_000_000 + i).unwrap();
            text.push_str(&line);
            text.push('\n');
            head = Some(h);
        }
        text
    }

    #[test]
    fn replica_lines_verify_and_never_mix() {
        let a = chain(Some("replica-a"), 3);
        assert!(a.contains(r#""replica":"replica-a""#));
        assert_eq!(verify_text(KEY, &a, None, None).unwrap().seq, 3);
        let b = chain(Some("replica-b"), 3);
        // line 2 of a chain from another replica, re-chained correctly, still fails on replica
        let mut head = None;
        let mut mixed = String::new();
        for (i, r) in ["replica-a", "replica-b"].iter().enumerate() {
            let e = AuditEvent { replica: Some(r.to_string()), ..ev(i as u64) };
            let (line, h) = append(KEY, head.as_ref(), &e, 1_700_000_000_000).unwrap();
            mixed.push_str(&line);
            mixed.push('\n');
            head = Some(h);
        }
        assert_eq!(verify_text(KEY, &mixed, None, None).unwrap_err(), AuditFailure::at(2, Some(2), Code::AuditReplicaMismatch));
        let bad = AuditEvent { replica: Some("no spaces".into()), ..ev(0) };
        assert_eq!(append(KEY, None, &bad, 1).unwrap_err(), Code::InvalidInput);
        let reports = verify_chains(KEY, &[("a", &a), ("b", &b), ("a2", &a), ("empty", "")]).unwrap();
        assert_eq!(reports[0].replica.as_deref(), Some("replica-a"));
        assert!(reports[1].result.is_ok());
        assert_eq!(reports[2].result.clone().unwrap_err().code, Code::AuditReplicaDuplicate);
        assert_eq!(reports[3].result.as_ref().unwrap().seq, 0);
    }

    fn ev(i: u64) -> AuditEvent {
        AuditEvent {
            event_type: "payment_attempt".into(),
            outcome: if i % 2 == 0 { "allowed".into() } else { "blocked".into() },
            resource_url: format!("https://api.example.com/r/{i}"),
            amount_usd: Some(Usd(i as u128 * 10_000_000_000_000_000)),
            network: Some("eip155:8453".into()),
            agent_id: Some("agent-1".into()),
            replica: None,
            pii_entities_found: vec!["EMAIL_ADDRESS".into()],
            policy_limit_usd: None,
            replay_fingerprint: Some("ab".repeat(32)),
            code: (i % 2 == 1).then_some(Code::PolicyPerCallExceeded),
        }
    }

    fn log(n: u64) -> (Vec<String>, Head) {
        let mut head = None;
        let mut lines = Vec::new();
        for i in 0..n {
            let (l, h) = append(KEY, head.as_ref(), &ev(i), 1_700_000_000_000 + i).unwrap();
            lines.push(l);
            head = Some(h);
        }
        (lines, head.unwrap_or_else(Head::genesis))
    }

    #[test]
    fn direct_writer_is_canonical() {
        for i in 0..6 {
            let (line, _) = append(KEY, None, &ev(i), 1_700_000_000_000).unwrap();
            let v = parse_strict(&line, MAX_LINE_BYTES, 2).unwrap();
            assert_eq!(to_canonical(&v).unwrap(), line);
        }
        let mut e = ev(1);
        e.resource_url = "x\u{1}\"\\\u{2028}é".into();
        e.agent_id = None;
        e.amount_usd = None;
        let (line, _) = append(KEY, None, &e, 0).unwrap();
        assert_eq!(to_canonical(&parse_strict(&line, MAX_LINE_BYTES, 2).unwrap()).unwrap(), line);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(timestamp(1_700_000_000_123).unwrap(), "2023-11-14T22:13:20.123Z");
        assert_eq!(timestamp(MAX_TIME_MS).unwrap(), "9999-12-31T23:59:59.999Z");
        assert_eq!(timestamp(MAX_TIME_MS + 1), Err(Code::InvalidInput));
        assert_eq!(timestamp(4_107_542_400_000).unwrap(), "2100-03-01T00:00:00.000Z");
    }

    #[test]
    fn append_then_verify_and_detect() {
        let (lines, head) = log(5);
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(verify(KEY, &refs, None, Some(&head)), Ok(head.clone()));
        assert!(lines[0].contains("\"error_message\":null"));
        assert!(lines[1].contains("\"error_message\":\"The payment exceeds the per-call limit.\""));
        // truncation
        let f = verify(KEY, &refs[..4], None, Some(&head)).unwrap_err();
        assert_eq!((f.line, f.code), (5, Code::AuditTruncated));
        // swap
        let mut s = refs.clone();
        s.swap(3, 4);
        assert_eq!(verify(KEY, &s, None, None).unwrap_err().code, Code::AuditSeqGap);
        // wrong key
        assert_eq!(verify(&[7; 16], &refs, None, None).unwrap_err().code, Code::AuditBadMac);
        // whitespace re-serialisation
        let spaced = lines[2].replacen(",", ", ", 1);
        let mut s = refs.clone();
        s[2] = &spaced;
        assert_eq!(verify(KEY, &s, None, None).unwrap_err(), AuditFailure::at(3, Some(3), Code::AuditMalformedLine));
        // text with partial tail
        let text = format!("{}\n{}\n{}", lines[0], lines[1], &lines[2][..40]);
        assert_eq!(verify_text(KEY, &text, None, None).unwrap_err(), AuditFailure::at(3, None, Code::AuditPartialLine));
        let text = format!("{}\n{}", lines[0], lines[1]);
        assert_eq!(verify_text(KEY, &text, None, None).unwrap().seq, 2);
        assert!(!format!("{:?}", ChainVerifier::new(KEY, None, None).unwrap()).contains("0123456789abcdef"));
    }
}
