//! Writing: an event validated, normalised and chained after the head, as one
//! canonical line.

use super::entry::{
    is_alert, is_payment_id, is_replica_id, timestamp, AuditEvent, Head, FINGERPRINT_PREFIX_HEX,
    MAX_AGENT_ID_BYTES, MAX_ALERTS, MAX_LINE_BYTES, MAX_PII_ENTITIES, MAX_SEQ, MAX_TOKEN_BYTES,
    MAX_URL_BYTES, MIN_KEY_BYTES,
};
use super::mac::AuditMac;
use crate::canonical::write_string;
use crate::error::Code;
use crate::hex;
use crate::money::Usd;
use std::borrow::Cow;

fn is_token(s: &str, extra: &[u8], upper_only: bool) -> bool {
    !s.is_empty()
        && s.len() <= MAX_TOKEN_BYTES
        && s.bytes().all(|b| {
            b.is_ascii_digit()
                || extra.contains(&b)
                || if upper_only {
                    b.is_ascii_uppercase()
                } else {
                    b.is_ascii_lowercase()
                }
        })
}

/// Cuts `s` to at most `max` bytes on a char boundary, marking a cut with `…`
/// (borrowed when it fits).
fn cap(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &s[..end]))
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

/// Writes an amount as a JSON string, or `null` (its digits and `.` need no
/// escaping, so this is what [`write_string`] of its text writes).
fn opt_usd(out: &mut String, v: Option<Usd>) {
    use std::fmt::Write as _;
    match v {
        Some(u) => {
            out.push('"');
            // Writing into a `String` cannot fail.
            let _ = write!(out, "{u}");
            out.push('"');
        }
        None => out.push_str("null"),
    }
}

/// Writes the canonical entry, with or without its `mac` member, members in
/// RFC 8785 order (checked against the generic serialiser in the tests).
/// Returns the offset where the `mac` member goes (right after
/// `event_type`), so that a line without it can be completed by splicing.
fn write_entry(out: &mut String, f: &Fields<'_>, mac: Option<&str>) -> usize {
    let e = f.event;
    out.push('{');
    key(out, "agent_id", true);
    opt(out, f.agent_id.as_deref());
    if !e.alerts.is_empty() {
        key(out, "alerts", false);
        out.push('[');
        for (i, a) in e.alerts.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(a, out);
        }
        out.push(']');
    }
    key(out, "amount_usd", false);
    opt_usd(out, f.amount_usd);
    key(out, "code", false);
    opt(out, e.code.map(Code::as_str));
    key(out, "error_message", false);
    opt(out, e.code.map(message));
    key(out, "event_type", false);
    write_string(&e.event_type, out);
    let mac_at = out.len();
    if let Some(m) = mac {
        key(out, "mac", false);
        write_string(m, out);
    }
    key(out, "network", false);
    opt(out, e.network.as_deref());
    key(out, "outcome", false);
    write_string(&e.outcome, out);
    if let Some(p) = &e.payment_id {
        key(out, "payment_id", false);
        write_string(p, out);
    }
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
    opt_usd(out, f.policy_limit_usd);
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
    push_u64(out, f.seq);
    key(out, "timestamp", false);
    write_string(&f.timestamp, out);
    key(out, "v", false);
    out.push_str("1}");
    mac_at
}

/// Appends the decimal digits of `v`.
fn push_u64(out: &mut String, v: u64) {
    out.push_str(crate::money::decimal(v, 1, &mut [0u8; 20]));
}

/// An event validated and normalised for writing.
struct Fields<'a> {
    event: &'a AuditEvent,
    seq: u64,
    prev_mac: &'a str,
    timestamp: String,
    resource_url: Cow<'a, str>,
    agent_id: Option<Cow<'a, str>>,
    amount_usd: Option<Usd>,
    policy_limit_usd: Option<Usd>,
    fingerprint: Option<Cow<'a, str>>,
}

/// Validates `event` and normalises its fields.
fn fields<'a>(
    event: &'a AuditEvent,
    seq: u64,
    prev_mac: &'a str,
    now_ms: u64,
) -> Result<Fields<'a>, Code> {
    let e = event;
    // `event_type` may also be the seed's upper-case names (`PAYMENT_ALLOWED`).
    if !is_token(&e.event_type, b"_.-ABCDEFGHIJKLMNOPQRSTUVWXYZ", false)
        || !is_token(&e.outcome, b"_.-", false)
    {
        return Err(Code::InvalidInput);
    }
    let network_ok = |n: &str| {
        !n.is_empty()
            && n.len() <= MAX_TOKEN_BYTES
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b":_.-".contains(&b))
    };
    if e.network.as_deref().is_some_and(|n| !network_ok(n)) {
        return Err(Code::InvalidInput);
    }
    if e.replica.as_deref().is_some_and(|r| !is_replica_id(r))
        || e.payment_id.as_deref().is_some_and(|p| !is_payment_id(p))
        || e.alerts.len() > MAX_ALERTS
        || !e.alerts.iter().all(|a| is_alert(a))
    {
        return Err(Code::InvalidInput);
    }
    if e.pii_entities_found.len() > MAX_PII_ENTITIES
        || !e.pii_entities_found.iter().all(|n| is_token(n, b"_", true))
    {
        return Err(Code::InvalidInput);
    }
    let fingerprint = match &e.replay_fingerprint {
        None => None,
        Some(f)
            if f.len() >= FINGERPRINT_PREFIX_HEX
                && f.len() <= 128
                && f.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            let prefix = &f[..FINGERPRINT_PREFIX_HEX];
            Some(if prefix.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(prefix.to_ascii_lowercase())
            } else {
                Cow::Borrowed(prefix)
            })
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
        amount_usd: e.amount_usd,
        policy_limit_usd: e.policy_limit_usd,
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
pub fn append(
    key: &[u8],
    head: Option<&Head>,
    event: &AuditEvent,
    now_ms: u64,
) -> Result<(String, Head), Code> {
    if key.len() < MIN_KEY_BYTES {
        return Err(Code::KeyTooShort);
    }
    append_keyed(&AuditMac::new(key)?, head, event, now_ms)
}

/// [`append`] with a key whose MAC schedule was computed once ([`AuditMac`]):
/// the same line and head.
#[inline(never)]
pub fn append_keyed(
    mac_key: &AuditMac,
    head: Option<&Head>,
    event: &AuditEvent,
    now_ms: u64,
) -> Result<(String, Head), Code> {
    let genesis = Head::genesis();
    let head = head.unwrap_or(&genesis);
    if !head.is_valid() || head.seq >= MAX_SEQ {
        return Err(Code::InvalidInput);
    }
    let f = fields(event, head.seq + 1, &head.mac, now_ms)?;
    let mut body = String::with_capacity(1024);
    let mac_at = write_entry(&mut body, &f, None);
    let mac = hex::encode(&mac_key.mac(body.as_bytes()));
    // The line is the body with `,"mac":"…"` at `mac_at` (what `write_entry`
    // with the MAC writes, checked in the tests), spliced instead of written
    // again.
    let mut line = String::with_capacity(body.len() + 80);
    line.push_str(&body[..mac_at]);
    line.push_str(",\"mac\":");
    write_string(&mac, &mut line);
    line.push_str(&body[mac_at..]);
    if line.len() > MAX_LINE_BYTES {
        return Err(Code::AuditLineTooLong);
    }
    Ok((line, Head { seq: f.seq, mac }))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{ev, KEY};
    use super::*;
    use crate::canonical::{parse_strict, to_canonical};

    #[test]
    fn the_spliced_line_is_the_written_one() {
        for i in 0..6 {
            for now in [0, 1_700_000_000_123, super::super::entry::MAX_TIME_MS] {
                let (line, head) = append(KEY, None, &ev(i), now).unwrap();
                let (e, g) = (ev(i), Head::genesis());
                let f = fields(&e, 1, &g.mac, now).unwrap();
                let mut full = String::new();
                write_entry(&mut full, &f, Some(&head.mac));
                assert_eq!(line, full);
            }
        }
        for v in [0, 1, 9, 10, 99, 1000, u64::MAX] {
            let mut s = String::new();
            push_u64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
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
        assert_eq!(
            to_canonical(&parse_strict(&line, MAX_LINE_BYTES, 2).unwrap()).unwrap(),
            line
        );
    }
}
