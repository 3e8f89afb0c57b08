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
//! | `event_type`, `outcome` | short tokens (`[a-z0-9_.-]`, ≤ 64 bytes; `event_type` may also use `A-Z`, for the seed's names such as `PAYMENT_ALLOWED`) |
//! | `resource_url` | the **already redacted** URL (cut to 2048 bytes, `…` marks a cut) |
//! | `amount_usd`, `policy_limit_usd` | exact decimal strings, or `null` |
//! | `network` | CAIP-2 style token, or `null` |
//! | `agent_id` | string (cut to 256 bytes), or `null` |
//! | `replica` | **only when set**: the replica id (`[A-Za-z0-9._:-]`, ≤ 64 bytes) of the process that wrote the line |
//! | `payment_id` | **only when set**: the x402 `payment-identifier` id sent with the payment (16–128 bytes of `[A-Za-z0-9_-]`, see [`crate::payid`]) |
//! | `alerts` | **only when set**: alert tokens (≤ 16, each 1–512 bytes of printable ASCII without space, `"` or `\`), see [`crate::controls::alerts`] |
//! | `pii_entities_found` | entity names (`[A-Z0-9_]`, ≤ 32 of them) |
//! | `replay_fingerprint` | the first 16 hex digits of the fingerprint, or `null` |
//! | `code` | the stable error code, or `null` |
//! | `error_message` | the fixed description of `code` (never free text), or `null` |
//! | `prev_mac` | the previous line's `mac` (64 zeros before the first line) |
//! | `mac` | `hex(HMAC-SHA256(key, canonical(entry without mac)))` |
//!
//! Several replicas of one agent each keep their own chain, and every line of
//! a replica's chain carries its `replica` (a chain never mixes replicas:
//! [`Code::AuditReplicaMismatch`](crate::Code::AuditReplicaMismatch)). [`verify_chains`] checks a set of chains
//! (a log directory) and refuses two chains of one replica
//! ([`Code::AuditReplicaDuplicate`](crate::Code::AuditReplicaDuplicate)). Given the replicas' stored
//! heads (the driver's `save-head`), it also reports a cut tail
//! ([`Code::AuditTruncated`](crate::Code::AuditTruncated)), a chain that does not hold its head
//! ([`Code::AuditHeadMismatch`](crate::Code::AuditHeadMismatch)) and a replica whose log is gone
//! ([`Code::AuditLogMissing`](crate::Code::AuditLogMissing)); a log ahead of its stored head is
//! allowed (the head is saved after its line). Without heads the report says
//! that truncation was not checked.
//!
//! There is no free-text channel: no field can carry an exception message,
//! a key or raw metadata.
//!
//! [`report()`] turns a verified log directory into the compliance report
//! (totals over the lines that verified, as canonical JSON and Markdown).
//!
//! ## Call order
//! * Writing: keep the [`Head`] (`seq`, `mac`) of the log; call [`append`](fn@append)
//!   with it and write the returned line plus `\n`; store the returned head.
//! * Checking: [`verify`](fn@verify) (lines) or [`verify_text`] (JSONL text), or feed a
//!   [`ChainVerifier`] line by line for big files. Passing the expected head
//!   (kept apart from the log) also detects truncation; a stored head
//!   ([`ChainVerifier::with_stored_head`]) does too, allowing lines past it. A failure names the
//!   1-based line and a [`Code`](crate::Code); line 0 means "not about a line" (a short
//!   key or a malformed head argument).

mod append;
mod chains;
mod entry;
mod mac;
mod report;
mod tail;
mod verify;

pub use append::{append, append_keyed};
pub use chains::{
    verify_chains, ChainReport, DirReport, HeadCheck, MissingLog, MAX_CHAINS, NO_REPLICA,
};
pub use entry::{
    is_replica_id, timestamp, AuditEvent, Head, FINGERPRINT_PREFIX_HEX, GENESIS_MAC,
    MAX_AGENT_ID_BYTES, MAX_ALERTS, MAX_ALERT_BYTES, MAX_LINE_BYTES, MAX_PII_ENTITIES,
    MAX_REPLICA_BYTES, MAX_SEQ, MAX_TIME_MS, MAX_TOKEN_BYTES, MAX_URL_BYTES, MIN_KEY_BYTES,
};
pub(crate) use mac::hmac_sha256;
pub use mac::AuditMac;
pub use report::{report, AgentSummary, Counts, Report, Totals};
pub use tail::{repair_tail, TailAction, TailRepair, TAIL_WINDOW_BYTES};
pub use verify::{verify, verify_text, verify_text_with, AuditFailure, ChainVerifier};

/// The key, events and logs the unit tests share.
#[cfg(test)]
mod fixtures {
    use super::{append, AuditEvent, Head};
    use crate::error::Code;
    use crate::money::Usd;

    pub(super) const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    pub(super) fn chain(replica: Option<&str>, n: u64) -> String {
        let mut head = None;
        let mut text = String::new();
        for i in 0..n {
            let e = AuditEvent {
                replica: replica.map(str::to_string),
                ..ev(i)
            };
            let (line, h) = append(KEY, head.as_ref(), &e, 1_700_000_000_000 + i).unwrap();
            text.push_str(&line);
            text.push('\n');
            head = Some(h);
        }
        text
    }

    pub(super) fn ev(i: u64) -> AuditEvent {
        AuditEvent {
            event_type: "payment_attempt".into(),
            outcome: if i % 2 == 0 {
                "allowed".into()
            } else {
                "blocked".into()
            },
            resource_url: format!("https://api.example.com/r/{i}"),
            amount_usd: Some(Usd(i as u128 * 10_000_000_000_000_000)),
            network: Some("eip155:8453".into()),
            agent_id: Some("agent-1".into()),
            replica: None,
            pii_entities_found: vec!["EMAIL_ADDRESS".into()],
            policy_limit_usd: None,
            replay_fingerprint: Some("ab".repeat(32)),
            payment_id: None,
            code: (i % 2 == 1).then_some(Code::PolicyPerCallExceeded),
            alerts: Vec::new(),
        }
    }

    pub(super) fn log(n: u64) -> (Vec<String>, Head) {
        let mut head = None;
        let mut lines = Vec::new();
        for i in 0..n {
            let (l, h) = append(KEY, head.as_ref(), &ev(i), 1_700_000_000_000 + i).unwrap();
            lines.push(l);
            head = Some(h);
        }
        (lines, head.unwrap_or_else(Head::genesis))
    }
}

#[cfg(test)]
mod payment_id_tests {
    use super::fixtures::{ev, KEY};
    use super::{append, verify, AuditEvent};
    use crate::error::Code;

    const ID: &str = "pay_8MlR0v_7tbZGfpU_HvzAw4VvFIan";

    #[test]
    fn payment_id_is_written_only_when_set_checked_and_verified() {
        let plain = append(KEY, None, &ev(0), 1_700_000_000_000).unwrap().0;
        assert!(!plain.contains("payment_id"));
        let e = AuditEvent {
            payment_id: Some(ID.into()),
            ..ev(0)
        };
        let (line, head) = append(KEY, None, &e, 1_700_000_000_000).unwrap();
        assert!(line.contains(&format!(",\"payment_id\":\"{ID}\",\"pii_entities_found\"")));
        assert_eq!(verify(KEY, &[&line], None, Some(&head)), Ok(head.clone()));
        for bad in ["short", &"x".repeat(129), "pay_with space 0123456789"] {
            let e = AuditEvent {
                payment_id: Some(bad.into()),
                ..ev(0)
            };
            assert_eq!(
                append(KEY, None, &e, 1_700_000_000_000).map(|_| ()),
                Err(Code::InvalidInput)
            );
        }
        // A line whose payment_id is edited (or malformed) fails verification.
        let edited = line.replace(ID, "pay_000000000000000000000000000000");
        assert!(verify(KEY, &[&edited], None, None).is_err());
        let malformed = line.replace(ID, "bad id");
        assert!(verify(KEY, &[&malformed], None, None).is_err());
    }
}
