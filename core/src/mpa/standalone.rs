//! The stand-alone approval call (the seed's `MPAEngine.request_approval(details,
//! amount_usd, provided_signatures=…)`), outside a payment.
//!
//! ## Call order
//! 1. [`begin`] at `now_ms`: [`Begin::Exempt`] when the amount is under
//!    `min_amount_usd`; else the [`ApprovalRequest`] (deadline = its expiry
//!    minus [`APPROVAL_MARGIN_MS`](super::APPROVAL_MARGIN_MS)).
//! 2. The host obtains the caller's countersignatures and calls [`decide`]
//!    with `webhooks = None`: if they already reach the threshold, or there is
//!    no webhook approver, that is the verdict; else [`Decision::AskWebhooks`]
//!    (the seed asks webhooks only for the approvals still missing).
//! 3. The host POSTs the request to every webhook approver (by the deadline)
//!    and calls [`decide`] again with their answers: the verdict.
//!
//! The request binds the payment as the caller describes it. Without a
//! replay fingerprint (there is no payment), its `fingerprint` is the SHA-256
//! of the canonical JSON of the purchase (`domain`
//! [`STANDALONE_PURCHASE_DOMAIN`], `resource_url`, `method`, `network`,
//! `asset`, `pay_to`, `scheme`, `agent_id`); a caller without an atomic
//! amount (the seed's `PaymentDetails`) binds `amount` `"0"` and the USD value.

use super::config::{ApproverMode, MpaConfig};
use super::countersign::verify_with_preapprovals;
use super::preapprove::Preapproval;
use super::request::{ApprovalRequest, PaymentFields};
use super::tally::{count, tally, Vote};
use super::webhook::WebhookAnswer;
use crate::canonical::to_canonical;
use crate::error::Code;
use crate::hex;
use crate::money::Usd;
use sha2::{Digest, Sha256};

/// Domain tag of a stand-alone request's purchase digest.
pub const STANDALONE_PURCHASE_DOMAIN: &str = "presidio-x402/mpa-standalone-purchase/v1";

/// What the caller says is being paid (no fingerprint: [`begin`] derives it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Purchase {
    /// Resource URL (already redacted by the caller).
    pub resource_url: String,
    /// HTTP method (any case).
    pub method: String,
    /// Network, as given.
    pub network: String,
    /// Asset (contract, mint or currency name).
    pub asset: String,
    /// Payee.
    pub pay_to: String,
    /// Atomic amount, when known.
    pub amount: Option<u128>,
    /// x402 scheme.
    pub scheme: String,
    /// Agent id, if any.
    pub agent_id: Option<String>,
}

/// The outcome of [`begin`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Begin {
    /// Under `min_amount_usd`: no approval needed.
    Exempt,
    /// Approval needed: the request and the deadline for answers.
    Required {
        /// The approval request.
        request: Box<ApprovalRequest>,
        /// Answers after this instant do not count.
        deadline_ms: u64,
    },
}

/// Starts a stand-alone approval of `p` worth `amount_usd` at `now_ms`.
/// [`Code::InvalidInput`] for a field outside its cap or charset.
pub fn begin(cfg: &MpaConfig, p: &Purchase, amount_usd: Usd, now_ms: u64) -> Result<Begin, Code> {
    if !cfg.requires_approval(amount_usd) {
        return Ok(Begin::Exempt);
    }
    let method = p.method.to_ascii_uppercase();
    let digest = to_canonical(&obj!(
        ("domain", STANDALONE_PURCHASE_DOMAIN),
        ("resource_url", p.resource_url),
        ("method", method),
        ("network", p.network),
        ("asset", p.asset),
        ("pay_to", p.pay_to),
        ("scheme", p.scheme),
        ("agent_id", p.agent_id)
    ))
    .map_err(|_| Code::InvalidInput)?;
    let fields = PaymentFields {
        resource_url: p.resource_url.clone(),
        method,
        network: p.network.clone(),
        asset: p.asset.clone(),
        pay_to: p.pay_to.clone(),
        amount: p.amount.unwrap_or(0),
        amount_usd,
        scheme: p.scheme.clone(),
        agent_id: p.agent_id.clone(),
        fingerprint: hex::encode(&Sha256::digest(digest.as_bytes())),
    };
    let request = ApprovalRequest::new(fields, now_ms, cfg.timeout_ms)?;
    let deadline_ms = request
        .expires_at_ms
        .saturating_sub(super::APPROVAL_MARGIN_MS)
        .max(now_ms);
    Ok(Begin::Required {
        request: Box::new(request),
        deadline_ms,
    })
}

/// The outcome of [`decide`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The countersignatures are not enough: ask the webhook approvers.
    AskWebhooks,
    /// The verdict.
    Verdict {
        /// `Ok` or [`Code::MpaDenied`], [`Code::MpaTimeout`], [`Code::MpaExpired`].
        verdict: Result<(), Code>,
        /// Distinct approvers that approved.
        approvals: usize,
        /// The configured threshold.
        threshold: usize,
        /// Their ids, in configuration order.
        approved_by: Vec<String>,
        /// Countersignatures that did not count: (approver id, code).
        problems: Vec<(String, Code)>,
    },
}

impl Decision {
    /// The verdict in the seed's words (its messages name the counts).
    pub fn message(&self) -> String {
        match self {
            Decision::AskWebhooks => "MPA pending: asking the webhook approvers".into(),
            Decision::Verdict {
                verdict,
                approvals,
                threshold,
                ..
            } => match verdict {
                Ok(()) => format!("MPA approved: {approvals}/{threshold} approvals"),
                Err(Code::MpaTimeout) => format!(
                    "MPA approval timed out ({approvals}/{threshold} approvals received)"
                ),
                Err(Code::MpaExpired) => format!(
                    "Multi-party authorization denied: {approvals} of {threshold} required approvals received (the request expired)"
                ),
                Err(_) => format!(
                    "Multi-party authorization denied: {approvals} of {threshold} required approvals received"
                ),
            },
        }
    }
}

/// Judges the evidence for `req` at `now_ms`: countersignatures (or
/// pre-approval tokens) `(approver_id, hex)`, and the webhook answers
/// (`None` before the webhooks were asked). See the module's call order.
pub fn decide(
    cfg: &MpaConfig,
    req: &ApprovalRequest,
    sigs: &[(String, String)],
    webhooks: Option<&[WebhookAnswer]>,
    now_ms: u64,
) -> Decision {
    let p = &req.payment;
    let pre = Preapproval::new(
        &p.method,
        &p.resource_url,
        &p.network,
        &p.asset,
        &p.pay_to,
        p.amount,
        &p.scheme,
    )
    .ok();
    let t = verify_with_preapprovals(cfg, req, pre.as_ref(), sigs, now_ms);
    let mut votes = t.votes();
    let has_webhooks = cfg
        .approvers
        .iter()
        .any(|a| matches!(a.mode, ApproverMode::Webhook { .. }));
    let expired = now_ms >= req.expires_at_ms;
    if webhooks.is_none() && has_webhooks && !expired && t.approvals < cfg.threshold {
        return Decision::AskWebhooks;
    }
    votes.extend(webhooks.unwrap_or(&[]).iter().map(|w| w.vote(cfg, req)));
    let verdict = if expired {
        Err(Code::MpaExpired)
    } else {
        tally(cfg, &votes).map(|_| ())
    };
    let (approvals, _) = count(cfg, &votes);
    let approved_by = cfg
        .approvers
        .iter()
        .filter(|a| {
            let mine: Vec<Vote> = votes
                .iter()
                .filter(|(id, _)| *id == a.id)
                .map(|(_, v)| *v)
                .collect();
            mine.contains(&Vote::Approve)
                && !mine.iter().any(|v| matches!(v, Vote::Deny | Vote::Bad(_)))
        })
        .map(|a| a.id.clone())
        .collect();
    Decision::Verdict {
        verdict,
        approvals: if expired { 0 } else { approvals },
        threshold: cfg.threshold,
        approved_by: if expired { Vec::new() } else { approved_by },
        problems: t.problems,
    }
}
