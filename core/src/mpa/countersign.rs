//! Countersignatures: signing a request, and counting the crypto approvers
//! whose signature (or pre-approval token) verifies.

use super::config::{ApproverMode, MpaConfig, MIN_SECRET_BYTES};
use super::preapprove::Preapproval;
use super::request::ApprovalRequest;
use super::sig::sig_matches;
use super::tally::Vote;
use crate::audit::hmac_sha256;
use crate::error::Code;
use crate::hex;

/// The countersignature of `req` under `secret`: `hex(HMAC-SHA256(secret,
/// req.canonical()))`. [`Code::KeyTooShort`] under 16 bytes.
pub fn countersign(secret: &[u8], req: &ApprovalRequest) -> Result<String, Code> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(Code::KeyTooShort);
    }
    Ok(hex::encode(&hmac_sha256(
        secret,
        req.canonical().as_bytes(),
    )))
}

/// The outcome of [`verify_countersignatures`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Distinct configured approvers whose signature verified.
    pub approvals: usize,
    /// The configured threshold.
    pub threshold: usize,
    /// Their ids, in configuration order.
    pub approved_by: Vec<String>,
    /// Signatures that did not count: (approver id as given, cut to 64 bytes; code).
    pub problems: Vec<(String, Code)>,
    /// `Ok` when `approvals ≥ threshold`; else [`Code::MpaExpired`] or [`Code::MpaDenied`].
    pub verdict: Result<(), Code>,
}

impl Tally {
    /// The approvals as votes, to combine with webhook votes in [`tally`](super::tally()).
    pub fn votes(&self) -> Vec<(String, Vote)> {
        self.approved_by
            .iter()
            .map(|id| (id.clone(), Vote::Approve))
            .collect()
    }
}

fn cut(s: &str) -> String {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Checks countersignatures `(approver_id, hex)` for `req` at `now_ms`.
/// Each configured `crypto` approver counts once however often it appears;
/// unknown ids and webhook approvers give [`Code::MpaUnknownApprover`],
/// malformed hex or a wrong MAC [`Code::MpaBadSignature`]. An expired request
/// approves nothing ([`Code::MpaExpired`]).
pub fn verify_countersignatures(
    cfg: &MpaConfig,
    req: &ApprovalRequest,
    sigs: &[(String, String)],
    now_ms: u64,
) -> Tally {
    verify_with_preapprovals(cfg, req, None, sigs, now_ms)
}

/// [`verify_countersignatures`], where a signature of the form
/// `"{not_after_ms}.{hex}"` is a pre-approval token checked against `pre`
/// ([`Preapproval::check`]; without `pre` it is [`Code::MpaBadSignature`]).
pub fn verify_with_preapprovals(
    cfg: &MpaConfig,
    req: &ApprovalRequest,
    pre: Option<&Preapproval>,
    sigs: &[(String, String)],
    now_ms: u64,
) -> Tally {
    let mut t = Tally {
        approvals: 0,
        threshold: cfg.threshold,
        approved_by: Vec::new(),
        problems: Vec::new(),
        verdict: Err(Code::MpaDenied),
    };
    if now_ms >= req.expires_at_ms {
        t.verdict = Err(Code::MpaExpired);
        return t;
    }
    let canonical = req.canonical();
    let expected: Vec<Option<[u8; 32]>> = cfg
        .approvers
        .iter()
        .map(|a| match &a.mode {
            ApproverMode::Crypto { secret } => Some(hmac_sha256(secret, canonical.as_bytes())),
            ApproverMode::Webhook { .. } | ApproverMode::Human => None,
        })
        .collect();
    let mut ok = vec![false; cfg.approvers.len()];
    for (id, sig) in sigs {
        let idx = cfg.approvers.iter().position(|a| &a.id == id);
        let Some((i, Some(exp))) = idx.map(|i| (i, expected[i].as_ref())) else {
            t.problems.push((cut(id), Code::MpaUnknownApprover));
            continue;
        };
        if sig.contains('.') {
            let ApproverMode::Crypto { secret } = &cfg.approvers[i].mode else {
                continue;
            };
            match pre.map_or(Err(Code::MpaBadSignature), |p| p.check(sig, secret, now_ms)) {
                Ok(()) => ok[i] = true,
                Err(c) => t.problems.push((cut(id), c)),
            }
            continue;
        }
        match sig_matches(sig, exp) {
            Some(true) => ok[i] = true,
            _ => t.problems.push((cut(id), Code::MpaBadSignature)),
        }
    }
    t.approved_by = cfg
        .approvers
        .iter()
        .zip(&ok)
        .filter(|(_, ok)| **ok)
        .map(|(a, _)| a.id.clone())
        .collect();
    t.approvals = t.approved_by.len();
    if t.approvals >= cfg.threshold {
        t.verdict = Ok(());
    }
    t
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{cfg, req};
    use super::super::tally;
    use super::*;

    #[test]
    fn countersignatures_and_tally() {
        let (c, r) = (cfg(), req());
        let a = countersign(b"alice-secret-0123456789", &r).unwrap();
        let b = countersign(b"bob-secret-0123456789", &r).unwrap();
        let t = verify_countersignatures(
            &c,
            &r,
            &[("alice".into(), a.clone()), ("alice".into(), a.clone())],
            2_000,
        );
        assert_eq!((t.approvals, t.verdict), (1, Err(Code::MpaDenied)));
        let t = verify_countersignatures(
            &c,
            &r,
            &[
                ("alice".into(), a.to_uppercase()),
                ("bob".into(), b.clone()),
            ],
            2_000,
        );
        assert_eq!(t.verdict, Ok(()));
        let t = verify_countersignatures(
            &c,
            &r,
            &[("alice".into(), a.clone()), ("bob".into(), b)],
            31_000,
        );
        assert_eq!(t.verdict, Err(Code::MpaExpired));
        let t = verify_countersignatures(&c, &r, &[("alice".into(), a)], 2_000);
        let mut votes = t.votes();
        votes.push(("carol".into(), Vote::Timeout));
        assert_eq!(tally(&c, &votes), Err(Code::MpaTimeout));
    }
}
