//! Was the payment settled? One rule, judged from what the host observed of
//! the paid request.
//!
//! | observation | judgement | spend | fingerprint |
//! |---|---|---|---|
//! | 2xx and a settlement header whose `success` is the JSON `true` | settled | committed | kept |
//! | 2xx without a settlement header, or with one that cannot be read | unconfirmed | committed | kept |
//! | 2xx with `success` anything but `true` (`false`, `"true"`, absent) | failed after send | held until its lease ends | kept |
//! | any other status (1xx, 3xx, 4xx, 402, 5xx) | failed after send | held | kept |
//! | a network error after the request may have left | failed after send | held | kept |
//! | a network error before anything was sent (the host knows it) | failed | released | forgotten |
//! | the host's client does not let it see the answer | unconfirmed | committed | kept |
//!
//! A signed payment that left the process is a bearer authorization the
//! server can settle at will, so nothing after sending ever releases it
//! (see [`crate::pipeline::Outcome`]).
//!
//! A settlement header (v2 `PAYMENT-RESPONSE`, v1 `X-PAYMENT-RESPONSE`) is
//! read as standard base64 (padded or not) of a JSON object, or as the JSON
//! object itself; it is at most [`MAX_HEADER_BYTES`] and 8 levels deep.

use crate::error::Code;
use crate::pipeline::Outcome;
use base64::Engine as _;
use serde_json::Value;

/// Longest settlement header read, in bytes.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// What the host observed of the paid request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observed {
    /// The server answered.
    Response {
        /// HTTP status.
        status: u16,
        /// The settlement header (`PAYMENT-RESPONSE`, else `X-PAYMENT-RESPONSE`), if any.
        settlement: Option<String>,
    },
    /// The request failed; `sent` is false only when the host knows nothing
    /// left the process (e.g. the connection was refused).
    NetworkError {
        /// Whether the request may have left.
        sent: bool,
    },
    /// The host's client sends the request and does not report its answer.
    Unobserved,
}

/// Reads a settlement header: `Some(success)` when it is a JSON object
/// (base64 or raw), `None` when it cannot be read.
pub fn read_header(h: &str) -> Option<bool> {
    let h = h.trim().trim_start_matches('\u{feff}');
    if h.is_empty() || h.len() > MAX_HEADER_BYTES {
        return None;
    }
    let text = if h.starts_with('{') {
        h.to_string()
    } else {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(h)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(h))
            .ok()?;
        String::from_utf8(bytes).ok()?
    };
    match crate::canonical::parse_strict(text.trim_start_matches('\u{feff}'), MAX_HEADER_BYTES, 8)
        .ok()?
    {
        Value::Object(m) => Some(m.get("success") == Some(&Value::Bool(true))),
        _ => None,
    }
}

/// The judgement of the paid request (see the module table).
pub fn judge(o: &Observed) -> Outcome {
    match o {
        Observed::Response { status, settlement } if (200..=299).contains(status) => {
            match settlement.as_deref().map(read_header) {
                Some(Some(true)) => Outcome::Settled,
                Some(Some(false)) => Outcome::FailedAfterSend(Code::SettlementFailed),
                None | Some(None) => Outcome::Unconfirmed,
            }
        }
        Observed::Response { .. } | Observed::NetworkError { sent: true } => {
            Outcome::FailedAfterSend(Code::SettlementFailed)
        }
        Observed::NetworkError { sent: false } => Outcome::Failed(Code::SettlementFailed),
        Observed::Unobserved => Outcome::Unconfirmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn resp(status: u16, h: Option<&str>) -> Outcome {
        judge(&Observed::Response {
            status,
            settlement: h.map(str::to_string),
        })
    }

    #[test]
    fn one_rule_for_every_answer() {
        let ok = b64(r#"{"success":true,"transaction":"0x1"}"#);
        assert_eq!(resp(200, Some(&ok)), Outcome::Settled);
        assert_eq!(resp(200, Some(r#"{"success":true}"#)), Outcome::Settled);
        assert_eq!(resp(200, Some(ok.trim_end_matches('='))), Outcome::Settled);
        assert_eq!(resp(200, None), Outcome::Unconfirmed);
        assert_eq!(resp(200, Some("%%%")), Outcome::Unconfirmed);
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert_eq!(resp(200, Some(&deep)), Outcome::Unconfirmed);
        let f = Outcome::FailedAfterSend(Code::SettlementFailed);
        assert_eq!(resp(200, Some(&b64(r#"{"success":false}"#))), f);
        assert_eq!(resp(200, Some(&b64(r#"{"success":"true"}"#))), f);
        assert_eq!(resp(304, Some(&ok)), f);
        assert_eq!(resp(302, None), f);
        assert_eq!(resp(402, None), f);
        assert_eq!(resp(500, Some(&ok)), f);
        assert_eq!(judge(&Observed::NetworkError { sent: true }), f);
        assert_eq!(
            judge(&Observed::NetworkError { sent: false }),
            Outcome::Failed(Code::SettlementFailed)
        );
        assert_eq!(judge(&Observed::Unobserved), Outcome::Unconfirmed);
    }
}
