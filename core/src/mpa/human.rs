//! Human approvers: what a person is shown (the prompt), and how their
//! answer is judged.
//!
//! The driver asks the host with an `ask-human` action carrying
//! [`human_prompt`]'s content; the host shows it (a wallet's window, a
//! callback) and answers `human {approver_id, vote, at_ms?}`, where `vote` is
//! `approve`, `deny`, `timeout` (the host stopped waiting) or `unavailable`
//! (the host has no way to ask a person). [`judge_human`] turns it into a
//! [`Vote`]; the tally counts it like any other approver's. Every prompt
//! field comes from the approval request (redacted URL) and the redacted
//! description: the host adds nothing.

use super::config::{ApproverMode, MpaConfig};
use super::request::ApprovalRequest;
use super::tally::Vote;
use crate::assets::TrustedAsset;
use crate::error::Code;
use serde::Serialize;

/// Longest description a prompt shows, in bytes (cut on a character boundary, with `…`).
pub const MAX_PROMPT_DESCRIPTION_BYTES: usize = 280;

/// `atomic` units of a token with `decimals` decimals, as exact decimal text
/// without trailing zeros (`900000`, 6 → `0.9`).
fn token_amount(atomic: u128, decimals: u8) -> String {
    let Some(one) = 10u128.checked_pow(u32::from(decimals)) else {
        return atomic.to_string();
    };
    let (int, frac) = (atomic / one, atomic % one);
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:0width$}", width = usize::from(decimals));
    format!("{int}.{}", f.trim_end_matches('0'))
}

fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// What a person approves or denies (the `ask-human` action's `prompt`),
/// serialised with its fields in name order. Every text comes from the
/// approval request (the request URL with credentials masked and PII
/// redacted) and the offer's redacted description: the host adds nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HumanPrompt<'a> {
    /// The atomic amount, as decimal text.
    pub amount: String,
    /// The USD value, exact decimal text.
    pub amount_usd: String,
    /// The token contract or mint.
    pub asset: &'a str,
    /// The offer's redacted description, cut to [`MAX_PROMPT_DESCRIPTION_BYTES`].
    pub description: String,
    /// When the approval request expires (epoch ms).
    pub expires_at_ms: u64,
    /// CAIP-2 network.
    pub network: &'a str,
    /// Payee.
    pub pay_to: &'a str,
    /// The approval request's id.
    pub request_id: &'a str,
    /// x402 scheme.
    pub scheme: &'a str,
    /// The trusted table's symbol (`None` for an asset it does not name).
    pub symbol: Option<&'a str>,
    /// The amount in whole tokens, exact (`None` without known decimals).
    pub token_amount: Option<String>,
    /// The request URL, credentials masked, PII redacted.
    pub url: &'a str,
}

/// The prompt for `req`: `asset` is the trusted table's entry (its symbol
/// and decimals), `description` the offer's redacted description.
pub fn human_prompt<'a>(
    req: &'a ApprovalRequest,
    asset: Option<&'a TrustedAsset>,
    description: &str,
) -> HumanPrompt<'a> {
    let p = &req.payment;
    HumanPrompt {
        amount: p.amount.to_string(),
        amount_usd: p.amount_usd.to_string(),
        asset: &p.asset,
        description: cut(description, MAX_PROMPT_DESCRIPTION_BYTES),
        expires_at_ms: req.expires_at_ms,
        network: &p.network,
        pay_to: &p.pay_to,
        request_id: &req.request_id,
        scheme: &p.scheme,
        symbol: asset.map(|a| a.symbol.as_str()),
        token_amount: asset.map(|a| token_amount(p.amount, a.decimals)),
        url: &p.resource_url,
    }
}

/// Judges a person's answer: an id that is not a configured `human` approver
/// → `Bad(mpa-unknown-approver)`; an answer that arrived after the deadline
/// (`late`) or `timeout` → [`Vote::Timeout`]; `approve` / `deny`;
/// `unavailable` → `Bad(mpa-human-unavailable)`; anything else →
/// `Bad(mpa-bad-response)`.
pub fn judge_human(cfg: &MpaConfig, approver_id: &str, vote: &str, late: bool) -> Vote {
    if !matches!(
        cfg.approver(approver_id).map(|a| &a.mode),
        Some(ApproverMode::Human)
    ) {
        return Vote::Bad(Code::MpaUnknownApprover);
    }
    match vote {
        "unavailable" => Vote::Bad(Code::MpaHumanUnavailable),
        _ if late => Vote::Timeout,
        "approve" => Vote::Approve,
        "deny" => Vote::Deny,
        "timeout" => Vote::Timeout,
        _ => Vote::Bad(Code::MpaBadResponse),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prompt_and_judging() {
        let c = MpaConfig::from_json(
            &json!({"threshold": 1, "approvers": [{"approver_id": "me", "mode": "human"},
                {"approver_id": "w", "mode": "crypto", "secret": "0123456789abcdef"}]}),
            "mpa",
        )
        .expect("cfg");
        assert_eq!(judge_human(&c, "me", "approve", false), Vote::Approve);
        assert_eq!(judge_human(&c, "me", "approve", true), Vote::Timeout);
        assert_eq!(judge_human(&c, "me", "deny", false), Vote::Deny);
        assert_eq!(
            judge_human(&c, "me", "unavailable", true),
            Vote::Bad(Code::MpaHumanUnavailable)
        );
        assert_eq!(
            judge_human(&c, "me", "yes", false),
            Vote::Bad(Code::MpaBadResponse)
        );
        assert_eq!(
            judge_human(&c, "w", "approve", false),
            Vote::Bad(Code::MpaUnknownApprover)
        );
        assert_eq!(token_amount(900_000, 6), "0.9");
        assert_eq!(token_amount(2_000_000, 6), "2");
        assert_eq!(token_amount(5, 0), "5");
        assert_eq!(cut("ééé", 3), "é…");
        for bad in [
            json!({"approver_id": "me", "mode": "human", "secret": "0123456789abcdef"}),
            json!({"approver_id": "me", "mode": "human", "webhook_url": "https://a.example/"}),
        ] {
            assert!(
                MpaConfig::from_json(&json!({"threshold": 1, "approvers": [bad]}), "mpa").is_err()
            );
        }
    }
}
