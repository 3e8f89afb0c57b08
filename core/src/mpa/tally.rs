//! Votes and the verdict: every approver's answer combined against the
//! threshold.

use super::config::MpaConfig;
use crate::error::Code;

/// One approver's answer, as judged by the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vote {
    /// Approved this request.
    Approve,
    /// Refused (an explicit `false`, or a non-2xx status).
    Deny,
    /// Did not answer in time.
    Timeout,
    /// Answered with something unusable: [`Code::MpaBadResponse`],
    /// [`Code::MpaBadSignature`] or [`Code::MpaUnknownApprover`].
    Bad(Code),
}

impl Vote {
    /// `approve`, `deny`, `timeout` or `bad`.
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Approve => "approve",
            Vote::Deny => "deny",
            Vote::Timeout => "timeout",
            Vote::Bad(_) => "bad",
        }
    }
}

/// Combines votes `(approver_id, vote)` into the verdict; returns the number
/// of approving approvers on success.
///
/// Each configured approver counts once. An approver approves when it has an
/// [`Vote::Approve`] and no [`Vote::Deny`] or [`Vote::Bad`] vote (conflicting
/// answers never approve). Votes from unknown ids are ignored. If fewer than
/// `threshold` approve: [`Code::MpaTimeout`] when the approvers that timed
/// out could have made up the difference, else [`Code::MpaDenied`]; but
/// [`Code::MpaHumanUnavailable`] when a human approver could not be asked
/// (the host has no prompt), so that a missing prompt is told apart from a no.
pub fn tally(cfg: &MpaConfig, votes: &[(String, Vote)]) -> Result<usize, Code> {
    let (approvals, timeouts) = count(cfg, votes);
    if approvals >= cfg.threshold && cfg.threshold > 0 {
        Ok(approvals)
    } else if votes
        .iter()
        .any(|(_, v)| *v == Vote::Bad(Code::MpaHumanUnavailable))
    {
        Err(Code::MpaHumanUnavailable)
    } else if approvals + timeouts >= cfg.threshold {
        Err(Code::MpaTimeout)
    } else {
        Err(Code::MpaDenied)
    }
}

/// The counts [`tally`](fn@tally) decides on: `(approving approvers, timed-out
/// approvers)`, each configured approver counted once (see [`tally`](fn@tally)).
pub fn count(cfg: &MpaConfig, votes: &[(String, Vote)]) -> (usize, usize) {
    let (mut approvals, mut timeouts) = (0usize, 0usize);
    for a in &cfg.approvers {
        let mine = || votes.iter().filter(|(id, _)| *id == a.id).map(|(_, v)| *v);
        let negative = mine().any(|v| matches!(v, Vote::Deny | Vote::Bad(_)));
        if !negative && mine().any(|v| v == Vote::Approve) {
            approvals += 1;
        } else if !negative && mine().any(|v| v == Vote::Timeout) {
            timeouts += 1;
        }
    }
    (approvals, timeouts)
}
