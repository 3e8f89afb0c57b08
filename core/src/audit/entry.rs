//! The entry format: its caps, the log head, the caller's event (and its
//! JSON form), replica ids and timestamps.

use crate::error::Code;
use crate::hex;
use crate::money::Usd;
use serde_json::Value;

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

/// Longest replica id, in bytes.
pub const MAX_REPLICA_BYTES: usize = 64;

/// A valid `payment_id`: 16–128 bytes of `[A-Za-z0-9_-]` (the x402
/// `payment-identifier` id format).
pub(crate) fn is_payment_id(s: &str) -> bool {
    (16..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Most alert tokens in one line.
pub const MAX_ALERTS: usize = 16;
/// Longest alert token, in bytes.
pub const MAX_ALERT_BYTES: usize = 512;

/// A valid alert token: 1–512 bytes of printable ASCII without space, `"` or `\`.
pub(crate) fn is_alert(s: &str) -> bool {
    (1..=MAX_ALERT_BYTES).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
}

/// A valid replica id: 1–64 bytes of `[A-Za-z0-9._:-]`.
pub fn is_replica_id(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= MAX_REPLICA_BYTES
        && r.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
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
        Head {
            seq: 0,
            mac: GENESIS_MAC.to_string(),
        }
    }

    /// The JSON form of a head: `{"seq", "mac"}`.
    pub fn to_json(&self) -> Value {
        obj!(("seq", self.seq), ("mac", self.mac))
    }

    /// Reads `{"seq", "mac"}` as given (`null` or absent: `None`); a missing
    /// or mistyped field is [`Code::InvalidInput`]. Checking the mac is the
    /// caller's (the verifier reports a bad head as such).
    pub fn from_json(v: Option<&Value>) -> Result<Option<Head>, crate::Code> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(h) => {
                let seq = h.get("seq").and_then(Value::as_u64);
                let mac = h.get("mac").and_then(Value::as_str);
                match (seq, mac) {
                    (Some(seq), Some(mac)) => Ok(Some(Head {
                        seq,
                        mac: mac.to_string(),
                    })),
                    _ => Err(crate::Code::InvalidInput),
                }
            }
        }
    }

    pub(super) fn is_valid(&self) -> bool {
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
    /// The x402 `payment-identifier` id sent with the payment ([`crate::payid`]),
    /// when the server declared the extension.
    pub payment_id: Option<String>,
    /// The refusal code, when there is one; `error_message` is its fixed description.
    pub code: Option<Code>,
    /// Alert tokens ([`crate::controls::alerts::Alert::token`]); the line
    /// carries `alerts` only when there is one.
    pub alerts: Vec<String>,
}

impl AuditEvent {
    /// Reads an event from its JSON form (the module table's names; `code`
    /// is a code string; absent optional members are `null`/empty;
    /// `error_message` is derived, never read). Unknown members are refused.
    pub fn from_json(v: &Value) -> Result<AuditEvent, Code> {
        const KNOWN: [&str; 13] = [
            "alerts",
            "event_type",
            "outcome",
            "resource_url",
            "amount_usd",
            "network",
            "agent_id",
            "replica",
            "pii_entities_found",
            "policy_limit_usd",
            "replay_fingerprint",
            "payment_id",
            "code",
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
        let usd =
            |k: &str| -> Result<Option<Usd>, Code> { s(k)?.map(|x| Usd::parse(&x)).transpose() };
        let strings = |k: &str| -> Result<Vec<String>, Code> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| x.as_str().map(str::to_string).ok_or(Code::InvalidInput))
                    .collect(),
                Some(_) => Err(Code::InvalidInput),
            }
        };
        let entities = strings("pii_entities_found")?;
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
            payment_id: s("payment_id")?,
            code: s("code")?
                .map(|c| Code::parse(&c).ok_or(Code::InvalidInput))
                .transpose()?,
            alerts: strings("alerts")?,
        })
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
    // Digits written into a fixed template (no formatting machinery on the
    // hot path); the year is at most 9999 (`MAX_TIME_MS`).
    let mut out = *b"0000-00-00T00:00:00.000Z";
    for (at, len, v) in [
        (0, 4, y),
        (5, 2, m),
        (8, 2, d),
        (11, 2, sod / 3600),
        (14, 2, (sod % 3600) / 60),
        (17, 2, sod % 60),
        (20, 3, ms),
    ] {
        let mut v = v;
        for digit in out[at..at + len].iter_mut().rev() {
            *digit = b'0' + (v % 10) as u8;
            v /= 10;
        }
    }
    // ASCII digits and separators: the conversion cannot fail.
    Ok(String::from_utf8(out.to_vec()).unwrap_or_default())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The formatter `timestamp` replaced (differential reference).
    fn timestamp_fmt(now_ms: u64) -> String {
        let (ms, secs) = (now_ms % 1000, now_ms / 1000);
        let (days, sod) = (secs / 86_400, secs % 86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            sod / 3600,
            (sod % 3600) / 60,
            sod % 60
        )
    }

    #[test]
    fn the_digit_writer_matches_the_formatter() {
        let mut t = 0u64;
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        while t <= MAX_TIME_MS {
            assert_eq!(timestamp(t).unwrap(), timestamp_fmt(t), "{t}");
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            t += 1 + x % 40_000_000_000;
        }
        assert_eq!(timestamp(MAX_TIME_MS).unwrap(), timestamp_fmt(MAX_TIME_MS));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(
            timestamp(1_700_000_000_123).unwrap(),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(timestamp(MAX_TIME_MS).unwrap(), "9999-12-31T23:59:59.999Z");
        assert_eq!(timestamp(MAX_TIME_MS + 1), Err(Code::InvalidInput));
        assert_eq!(
            timestamp(4_107_542_400_000).unwrap(),
            "2100-03-01T00:00:00.000Z"
        );
    }
}
