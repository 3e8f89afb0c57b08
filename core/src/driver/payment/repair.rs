//! A payment whose audit line or head save failed: the chain's repair.

use super::{Kind, Payment, Phase};
use crate::audit::Head;
use crate::driver::wire::Action;
use crate::driver::Driver;
use crate::error::Code;
use crate::pipeline::Outcome;

impl Payment {
    /// The payment's last line was not written.
    pub(super) fn audit_failed(&mut self, d: &mut Driver, now: u64) -> Vec<Action> {
        let Some(l) = self.line.take() else {
            return Vec::new();
        };
        d.audit_lost(&l.head, l.prev);
        if l.pre_sign_allowed && !d.broken {
            // It must not be paid unaudited: release it (that step is audited in turn).
            return self.start(
                d,
                Kind::Settle(Outcome::Failed(Code::StoreUnavailable)),
                now,
            );
        }
        self.phase = Phase::Finished;
        let allowed = false;
        vec![self.done(allowed, Some(Code::StoreUnavailable), None)]
    }

    pub(super) fn head_save_failed(&mut self, d: &mut Driver, _now: u64) -> Vec<Action> {
        let Some(l) = self.line.as_mut() else {
            return Vec::new();
        };
        if !l.repaired {
            l.repaired = true;
            self.phase = Phase::HeadRepair;
            return vec![Action::new(
                "load-head",
                obj!(("replica", d.replica), ("from_store", true)),
            )];
        }
        let forget = l.pre_sign_allowed;
        self.head_conflict(d, forget)
    }

    /// The stored head after a failed `save-head`.
    pub(super) fn head_repaired(
        &mut self,
        d: &mut Driver,
        _now: u64,
        stored: Option<Head>,
    ) -> Vec<Action> {
        let Some(l) = self.line.as_ref() else {
            return Vec::new();
        };
        let resume = if d.rides() {
            // Heads ride: the stored head trails the log, so it is the head
            // stored before this save (it did not land) or this line's (it
            // landed and its answer was lost); anything else is another writer.
            stored.as_ref() == Some(&l.head)
                || d.last_save
                    .as_ref()
                    .is_some_and(|(seq, before)| *seq == l.head.seq && *before == stored)
        } else {
            // An earlier save that reported a failure may have landed: the
            // stored head is then our previous one.
            stored == l.prev
        };
        if resume {
            d.stored = stored;
            d.save_pending = None;
            let head = l.head.clone();
            let mut out = Vec::new();
            if head.seq > d.stored_seq() {
                out.push(d.save_head_action(&head));
            }
            out.extend(l.rest.iter().cloned());
            self.phase = if l.pre_sign_allowed {
                Phase::Sign
            } else {
                Phase::Finished
            };
            return out;
        }
        let forget = l.pre_sign_allowed;
        self.head_conflict(d, forget)
    }

    /// Another process writes this replica's chain: stop until reopened.
    pub(super) fn head_conflict(&mut self, d: &mut Driver, forget: bool) -> Vec<Action> {
        d.ready = false;
        self.line = None;
        self.phase = Phase::Finished;
        let mut out = Vec::new();
        if forget {
            out.extend(self.forget(d));
        }
        out.push(self.refused_detail(Code::StoreUnavailable, "replica-head-conflict"));
        out
    }
}
