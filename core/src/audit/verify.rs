//! Checking: a whole log (lines or JSONL text) or line by line with a
//! [`ChainVerifier`], each failure at its line with a [`Code`].

use super::entry::{
    is_alert, is_payment_id, is_replica_id, Head, MAX_ALERTS, MAX_LINE_BYTES, MAX_SEQ,
    MIN_KEY_BYTES,
};
use super::mac::{ct_eq, keyed, HmacSha256};
use crate::canonical::{parse_strict, to_canonical};
use crate::error::Code;
use crate::hex;
use core::fmt;
use hmac::Mac;
use serde_json::Value;

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
    pub(super) fn at(line: usize, seq: Option<u64>, code: Code) -> Self {
        AuditFailure { line, seq, code }
    }
}

/// Verifies a whole log given as lines (without newlines).
///
/// `start` is the head just before the first line (`None` = the log starts
/// at seq 1); `expected_head`, when known, must be reached exactly.
/// Returns the final head. Per line, in this order: size
/// ([`Code::AuditLineTooLong`]), canonical form and shape
/// ([`Code::AuditMalformedLine`]: also any re-serialisation, such as added
/// whitespace), MAC ([`Code::AuditBadMac`], compared in constant time; on the
/// first line [`Code::AuditBadKey`]: a wrong key, or that line edited),
/// sequence ([`Code::AuditSeqGap`]: deletions, reordering), chain
/// ([`Code::AuditChainBroken`]), and the expected head
/// ([`Code::AuditHeadMismatch`]); after the last line, a log short of the
/// expected head is [`Code::AuditTruncated`] at line `lines.len() + 1`.
pub fn verify(
    key: &[u8],
    lines: &[&str],
    start: Option<&Head>,
    expected_head: Option<&Head>,
) -> Result<Head, AuditFailure> {
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
pub fn verify_text(
    key: &[u8],
    text: &str,
    start: Option<&Head>,
    expected_head: Option<&Head>,
) -> Result<Head, AuditFailure> {
    run_text(ChainVerifier::new(key, start, expected_head)?, text).1
}

/// [`verify_text`] with a prepared verifier (e.g.
/// [`ChainVerifier::with_stored_head`]).
pub fn verify_text_with(v: ChainVerifier, text: &str) -> Result<Head, AuditFailure> {
    run_text(v, text).1
}

/// Runs `v` over JSONL `text` (as [`verify_text`]); returns the replica its
/// verified lines name (also when a later line fails; `None` before any
/// line verified, `Some(None)` for lines without replica ids) and the result.
#[allow(clippy::type_complexity)]
pub(super) fn run_text(
    mut v: ChainVerifier,
    text: &str,
) -> (Option<Option<String>>, Result<Head, AuditFailure>) {
    let (complete, tail) = match text.rfind('\n') {
        _ if text.is_empty() => ("", ""),
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let mut pushed = Ok(());
    for l in complete.split_terminator('\n') {
        pushed = v.push(l);
        if pushed.is_err() {
            break;
        }
    }
    if pushed.is_ok() && !tail.is_empty() {
        pushed = v.push(tail).map_err(|f| {
            if f.code == Code::AuditMalformedLine && is_torn(tail) {
                AuditFailure {
                    code: Code::AuditPartialLine,
                    ..f
                }
            } else {
                f
            }
        });
    }
    let replica = v.replica.clone();
    (replica, pushed.and_then(|()| v.finish()))
}

/// Incremental verifier: [`ChainVerifier::new`], then [`ChainVerifier::push`]
/// each line in order, then [`ChainVerifier::finish`]. Holds a keyed MAC
/// state; its `Debug` output never shows the key.
#[derive(Clone)]
pub struct ChainVerifier {
    mac: HmacSha256,
    prev: Head,
    expected: Option<Head>,
    /// `expected` is a stored head: lines past it are allowed.
    at_least: bool,
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
    "agent_id",
    "amount_usd",
    "code",
    "error_message",
    "event_type",
    "mac",
    "network",
    "outcome",
    "pii_entities_found",
    "policy_limit_usd",
    "prev_mac",
    "replay_fingerprint",
    "resource_url",
    "seq",
    "timestamp",
    "v",
];

impl ChainVerifier {
    /// Starts verifying after `start` (`None` = an empty log), expecting to
    /// end exactly at `expected_head` when given.
    pub fn new(
        key: &[u8],
        start: Option<&Head>,
        expected_head: Option<&Head>,
    ) -> Result<Self, AuditFailure> {
        if key.len() < MIN_KEY_BYTES {
            return Err(AuditFailure::at(0, None, Code::KeyTooShort));
        }
        let prev = start.cloned().unwrap_or_else(Head::genesis);
        let bad_expected = expected_head.is_some_and(|h| !h.is_valid() || h.seq < prev.seq);
        if !prev.is_valid() || bad_expected {
            return Err(AuditFailure::at(0, None, Code::InvalidInput));
        }
        let mac = keyed(key).ok_or(AuditFailure::at(0, None, Code::KeyTooShort))?;
        Ok(ChainVerifier {
            mac,
            prev,
            expected: expected_head.cloned(),
            at_least: false,
            line: 0,
            replica: None,
        })
    }

    /// Starts verifying a whole log (from seq 1) against a replica's
    /// *stored* head, as the driver's `save-head` keeps it: the line at the
    /// stored head's `seq` must carry its `mac` ([`Code::AuditHeadMismatch`]),
    /// the log must reach it ([`Code::AuditTruncated`]), and lines past it
    /// are allowed (the head is saved after its line, so a crash or a failed
    /// save between the two leaves the log ahead; the driver's start-up
    /// saves the log's head then).
    pub fn with_stored_head(key: &[u8], stored: &Head) -> Result<Self, AuditFailure> {
        let mut v = ChainVerifier::new(key, None, Some(stored))?;
        v.at_least = true;
        Ok(v)
    }

    /// Verifies the next line (without its newline).
    pub fn push(&mut self, line: &str) -> Result<(), AuditFailure> {
        self.line += 1;
        let n = self.line;
        if line.len() > MAX_LINE_BYTES {
            return Err(AuditFailure::at(n, None, Code::AuditLineTooLong));
        }
        let (seq, prev_mac, mac, cut, replica) = match fast_line(line) {
            Some(l) => l,
            None => parse_line(line)
                .map_err(|seq| AuditFailure::at(n, seq, Code::AuditMalformedLine))?,
        };
        let want = hex::decode(&mac).unwrap_or_default();
        let mut m = self.mac.clone();
        m.update(&line.as_bytes()[..cut.0]);
        m.update(&line.as_bytes()[cut.1..]);
        if m.verify_slice(&want).is_err() {
            // The first line checked: nothing verified with this key yet, so the key
            // is as likely wrong as the line edited (one code says both).
            let code = if n == 1 {
                Code::AuditBadKey
            } else {
                Code::AuditBadMac
            };
            return Err(AuditFailure::at(n, Some(seq), code));
        }
        if Some(seq) != self.prev.seq.checked_add(1) {
            return Err(AuditFailure::at(n, Some(seq), Code::AuditSeqGap));
        }
        if !ct_eq(&prev_mac, &self.prev.mac) {
            return Err(AuditFailure::at(n, Some(seq), Code::AuditChainBroken));
        }
        match &self.replica {
            None => self.replica = Some(replica),
            Some(r) if *r != replica => {
                return Err(AuditFailure::at(n, Some(seq), Code::AuditReplicaMismatch))
            }
            Some(_) => {}
        }
        if let Some(h) = &self.expected {
            if (seq > h.seq && !self.at_least) || (seq == h.seq && !ct_eq(&mac, &h.mac)) {
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
            Some(h) if self.prev.seq < h.seq => {
                Err(AuditFailure::at(self.line + 1, None, Code::AuditTruncated))
            }
            _ => Ok(self.prev),
        }
    }
}

/// Whether an unterminated last line is a torn append (the verifier's
/// [`Code::AuditPartialLine`]): it does not parse as JSON (invalid UTF-8
/// included). Longer than [`MAX_LINE_BYTES`], it is no append of this core.
pub(super) fn is_torn(tail: &str) -> bool {
    tail.len() <= MAX_LINE_BYTES && parse_strict(tail, MAX_LINE_BYTES, 4).is_err()
}

/// `seq` and `mac` of a line with an entry's shape (canonical, every
/// member; the MAC is not checked), else `None`.
pub(super) fn line_head(line: &str) -> Option<Head> {
    if line.len() > MAX_LINE_BYTES {
        return None;
    }
    let (seq, _, mac, _, _) = parse_line(line).ok()?;
    Some(Head { seq, mac })
}

/// One line's (seq, prev_mac, mac, the `,"mac":"…"` member's byte range (the
/// MAC covers the line without it), replica).
type Parsed = (u64, String, String, (usize, usize), Option<String>);

/// Parses and shape-checks one line (the general path: any line, with the
/// reason it fails). On failure, the seq it could read, if any.
fn parse_line(line: &str) -> Result<Parsed, Option<u64>> {
    let mut v = parse_strict(line, MAX_LINE_BYTES, 2).map_err(|_| None)?;
    let m = v.as_object_mut().ok_or(None)?;
    let seq = m
        .get("seq")
        .and_then(Value::as_u64)
        .filter(|s| (1..=MAX_SEQ).contains(s));
    let str_or_null = |k: &str| m.get(k).is_some_and(|x| x.is_string() || x.is_null());
    let replica = match m.get("replica") {
        None => None,
        Some(Value::String(r)) if is_replica_id(r) => Some(r.clone()),
        Some(_) => return Err(seq),
    };
    let payment_id = match m.get("payment_id") {
        None => false,
        Some(Value::String(p)) if is_payment_id(p) => true,
        Some(_) => return Err(seq),
    };
    let alerts = match m.get("alerts") {
        None => false,
        Some(Value::Array(a))
            if !a.is_empty()
                && a.len() <= MAX_ALERTS
                && a.iter().all(|x| x.as_str().is_some_and(is_alert)) =>
        {
            true
        }
        Some(_) => return Err(seq),
    };
    let shape_ok = m.len()
        == ENTRY_KEYS.len()
            + usize::from(replica.is_some())
            + usize::from(payment_id)
            + usize::from(alerts)
        && ENTRY_KEYS.iter().all(|k| m.contains_key(*k))
        && m.get("v").and_then(Value::as_u64) == Some(1)
        && seq.is_some()
        && [
            "timestamp",
            "event_type",
            "outcome",
            "resource_url",
            "prev_mac",
            "mac",
        ]
        .iter()
        .all(|k| m.get(*k).is_some_and(Value::is_string))
        && [
            "amount_usd",
            "network",
            "agent_id",
            "policy_limit_usd",
            "replay_fingerprint",
            "code",
            "error_message",
        ]
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
    Ok((
        seq.unwrap_or(0),
        prev_mac,
        mac,
        (at, at + member.len()),
        replica,
    ))
}

/// The cheap path of [`parse_line`] for the common line: one scan, no tree.
/// It accepts only lines [`parse_line`] accepts, with the same result:
/// canonical (no whitespace, keys in strictly ascending byte order), flat,
/// every string free of escapes and control characters (so it is its own
/// canonical form), integers without sign, fraction or leading zero, and the
/// same shape rules. Anything else (escapes, an odd shape, any error) is
/// `None`: the general path then decides, with its failure code.
fn fast_line(line: &str) -> Option<Parsed> {
    /// Value kinds: string, string or null, array of strings, `seq`, `v`.
    #[derive(Clone, Copy, PartialEq)]
    enum K {
        Str,
        StrOrNull,
        Strings,
        Seq,
        V,
    }
    const KEYS: [(&str, K); 19] = [
        ("agent_id", K::StrOrNull),
        ("alerts", K::Strings),
        ("amount_usd", K::StrOrNull),
        ("code", K::StrOrNull),
        ("error_message", K::StrOrNull),
        ("event_type", K::Str),
        ("mac", K::Str),
        ("network", K::StrOrNull),
        ("outcome", K::Str),
        ("payment_id", K::Str),
        ("pii_entities_found", K::Strings),
        ("policy_limit_usd", K::StrOrNull),
        ("prev_mac", K::Str),
        ("replay_fingerprint", K::StrOrNull),
        ("replica", K::Str),
        ("resource_url", K::Str),
        ("seq", K::Seq),
        ("timestamp", K::Str),
        ("v", K::V),
    ];
    let b = line.as_bytes();
    // A plain string at `i` (its opening quote): its contents' end (the closing quote).
    let string = |i: usize| -> Option<usize> {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let len = b[i + 1..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        (b[i + 1 + len] == b'"').then_some(i + 1 + len)
    };
    if b.first() != Some(&b'{') || b.last() != Some(&b'}') {
        return None;
    }
    let (mut i, mut next_key, mut found) = (1, 0, 0u32);
    let (mut seq, mut prev_mac, mut mac, mut cut, mut replica) = (0, "", "", (0, 0), None);
    loop {
        let member = i;
        let ke = string(i)?;
        let key = &line[i + 1..ke];
        let k = next_key + KEYS[next_key..].iter().position(|(n, _)| *n == key)?;
        next_key = k + 1;
        found |= 1 << k;
        i = ke + 1;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        let v0 = i;
        match KEYS[k].1 {
            K::Str | K::StrOrNull if b.get(i) == Some(&b'"') => i = string(i)? + 1,
            K::StrOrNull if b.get(i..i + 4) == Some(b"null") => i += 4,
            K::Strings if b.get(i) == Some(&b'[') => {
                i += 1;
                let mut n = 0;
                while b.get(i) == Some(&b'"') {
                    let e = string(i)?;
                    if key == "alerts" && !is_alert(&line[i + 1..e]) {
                        return None;
                    }
                    n += 1;
                    i = e + 1;
                    match b.get(i) {
                        Some(b',') if b.get(i + 1) == Some(&b'"') => i += 1,
                        _ => break,
                    }
                }
                if b.get(i) != Some(&b']') || (key == "alerts" && !(1..=MAX_ALERTS).contains(&n)) {
                    return None;
                }
                i += 1;
            }
            K::Seq | K::V => {
                let len = b[i..].iter().position(|c| !c.is_ascii_digit())?;
                let digits = &line[i..i + len];
                if len == 0 || len > 16 || digits.starts_with('0') {
                    return None;
                }
                let n: u64 = digits.parse().ok()?;
                let ok = if KEYS[k].1 == K::V {
                    n == 1
                } else {
                    seq = n;
                    (1..=MAX_SEQ).contains(&n)
                };
                if !ok {
                    return None;
                }
                i += len;
            }
            _ => return None,
        }
        let text = &line[v0..i];
        match key {
            "prev_mac" | "mac" if !hex::is_lower(&text[1..text.len() - 1], 64) => return None,
            "prev_mac" => prev_mac = &text[1..text.len() - 1],
            "mac" => {
                mac = &text[1..text.len() - 1];
                cut = (member - 1, i);
            }
            "replica" if !is_replica_id(&text[1..text.len() - 1]) => return None,
            "replica" => replica = Some(text[1..text.len() - 1].to_string()),
            "payment_id" if !is_payment_id(&text[1..text.len() - 1]) => return None,
            _ => {}
        }
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b'}') if i + 1 == b.len() => break,
            _ => return None,
        }
    }
    // Every entry key present (the optional ones are `alerts`, `payment_id`, `replica`).
    let optional = (1 << 1) | (1 << 9) | (1 << 14);
    if found | optional != (1 << KEYS.len()) - 1 {
        return None;
    }
    Some((seq, prev_mac.to_string(), mac.to_string(), cut, replica))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{log, KEY};
    use super::*;

    /// The cheap path takes real lines, and whatever it accepts the general
    /// path accepts with the same result (over every one-byte edit,
    /// deletion and insertion of real lines, and lines with the optional keys).
    #[test]
    fn fast_line_agrees_with_parse_line() {
        let (lines, _) = log(5);
        let mut cases: Vec<String> = lines.clone();
        for l in &lines {
            let with = l
                .replacen(
                    ",\"amount_usd\"",
                    ",\"alerts\":[\"budget:0.8:*\"],\"amount_usd\"",
                    1,
                )
                .replacen(
                    "\"pii_entities_found\"",
                    "\"payment_id\":\"pay_0123456789abcdef\",\"pii_entities_found\"",
                    1,
                )
                .replacen(
                    "\"resource_url\"",
                    "\"replica\":\"r-1\",\"resource_url\"",
                    1,
                );
            cases.push(with);
            cases.push(l.replacen(
                "\"pii_entities_found\":[]",
                "\"pii_entities_found\":[\"EMAIL_ADDRESS\",\"PHONE\"]",
                1,
            ));
        }
        let mut taken = 0;
        for l in &cases {
            let b = l.as_bytes();
            let mut edits = vec![l.clone()];
            for i in 0..b.len() {
                if !l.is_char_boundary(i) {
                    continue;
                }
                edits.push(format!("{}{}", &l[..i], &l[i + 1..]));
                for c in [
                    "\"", "\\", ",", "0", "1", " ", "}", "]", "[", "a", "-", "n", ":",
                ] {
                    edits.push(format!("{}{}{}", &l[..i], c, &l[i + 1..]));
                    edits.push(format!("{}{}{}", &l[..i], c, &l[i..]));
                }
            }
            for e in &edits {
                if let Some(f) = fast_line(e) {
                    assert_eq!(Ok(f), parse_line(e), "{e}");
                }
            }
            assert!(fast_line(l).is_some(), "not taken: {l}");
            taken += 1;
        }
        assert_eq!(taken, cases.len());
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
        assert_eq!(
            verify(KEY, &s, None, None).unwrap_err().code,
            Code::AuditSeqGap
        );
        // wrong key: the first line fails, and says the key may be wrong
        assert_eq!(
            verify(&[7; 16], &refs, None, None).unwrap_err(),
            AuditFailure::at(1, Some(1), Code::AuditBadKey)
        );
        // whitespace re-serialisation
        let spaced = lines[2].replacen(",", ", ", 1);
        let mut s = refs.clone();
        s[2] = &spaced;
        assert_eq!(
            verify(KEY, &s, None, None).unwrap_err(),
            AuditFailure::at(3, Some(3), Code::AuditMalformedLine)
        );
        // text with partial tail
        let text = format!("{}\n{}\n{}", lines[0], lines[1], &lines[2][..40]);
        assert_eq!(
            verify_text(KEY, &text, None, None).unwrap_err(),
            AuditFailure::at(3, None, Code::AuditPartialLine)
        );
        let text = format!("{}\n{}", lines[0], lines[1]);
        assert_eq!(verify_text(KEY, &text, None, None).unwrap().seq, 2);
        assert!(
            !format!("{:?}", ChainVerifier::new(KEY, None, None).unwrap())
                .contains("0123456789abcdef")
        );
    }
}
