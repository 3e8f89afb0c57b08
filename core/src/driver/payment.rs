//! One payment's course through the driver (the grammar is in the parent
//! module's docs).

use super::settlement::{self, Observed};
use super::tables;
use super::wire::{self, Action, Begin, Event};
use super::{Driver, MAX_ATTEMPTS};
use crate::audit::Head;
use crate::error::Code;
use crate::mpa::Vote;
use crate::pipeline::{
    self, Assessment, HostResults, Metric, Outcome, PaymentContext, Step, WebhookAnswer,
};
use base64::Engine as _;

mod approvals;
mod repair;
use serde_json::{json, Value};

/// A state-changing core step, run on the stored state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Assess,
    Finalize,
    Settle(Outcome),
    /// An operator control (the kill switch): see [`Payment::control`].
    Control,
}

/// A step's result before its compare-and-set counted.
#[derive(Debug)]
enum Staged {
    Assessed(Box<Assessment>),
    Stepped(Box<(Option<Assessment>, Step)>),
}

/// A step asked to be stored: its result, the version it ran on, the state
/// before and after it, and whether the `cas-state` carries the fingerprint.
#[derive(Debug)]
struct Pending {
    staged: Staged,
    version: String,
    before: Option<String>,
    after: String,
    fingerprint: bool,
    /// The audit head riding with the `cas-state` (`save_head`), if any.
    head: Option<Head>,
}

#[derive(Debug)]
enum Phase {
    /// Waiting for the replica's head (the guard had a head problem).
    Opening,
    /// Waiting for `state`, then (with a result staged) for `cas`, or for `wake`.
    Txn {
        kind: Kind,
        attempt: u32,
        staged: Option<Box<Pending>>,
    },
    Wake {
        kind: Kind,
        attempt: u32,
    },
    Replay,
    Approvals,
    Sign,
    Send,
    /// `head-save-failed`: waiting for the stored head.
    HeadRepair,
    Finished,
}

#[derive(Debug, Default)]
struct Approvals {
    waiting: Vec<String>,
    countersign: bool,
    deadline_ms: u64,
    sigs: Vec<(String, String)>,
    webhooks: Vec<WebhookAnswer>,
    /// Human approvers' votes, judged as they arrive.
    humans: Vec<(String, Vote)>,
}

/// The last line this payment emitted, for a late `audit-failed`.
#[derive(Debug)]
struct Line {
    head: Head,
    prev: Option<Head>,
    repaired: bool,
    /// What followed the line in its batch (re-sent after a head repair).
    rest: Vec<Action>,
    /// The line's step allowed signing (a lost line then refuses the payment).
    pre_sign_allowed: bool,
}

/// One payment.
#[derive(Debug)]
pub(super) struct Payment {
    begin: Begin,
    /// Why the 402 body's bytes were refused (it counts when there is no header).
    body_error: Option<Code>,
    rng: u64,
    a: Option<Assessment>,
    phase: Phase,
    replay_fresh: Option<bool>,
    /// The reservation's `cas-state` set the fingerprint (`Some(true)`) or
    /// found it live (`Some(false)`).
    cas_fresh: Option<bool>,
    approvals: Approvals,
    votes: Vec<(String, Vote)>,
    metrics: Vec<Metric>,
    settlement: Option<&'static str>,
    line: Option<Line>,
    /// The field of a refused payload (named in `done`'s details).
    refused_field: Option<&'static str>,
    /// A control task instead of a payment: the halt to set (`Some(None)`: clear it).
    control: Option<Option<crate::controls::halt::Halt>>,
    /// Its spans as they happen (see [`super::spans`]).
    plan: super::spans::Plan,
    /// The `now_ms` of the last crossing.
    now: u64,
    /// The generation of the policy this payment was begun under: it
    /// finishes under it, even after a reload (see [`Driver::reload`]).
    gen: u64,
    /// Heads ride, but the reservation's `cas-state` could not check the
    /// stored head (a save was not known performed, e.g. after a flush): the
    /// pre-sign line saves its own head, so that a second writer of the
    /// replica is still refused before signing.
    unchecked: bool,
}

impl Payment {
    pub(super) fn begin(d: &mut Driver, mut b: Begin, now: u64) -> (Payment, Vec<Action>) {
        let spans = b.spans;
        let mut p = Payment {
            body_error: b.decode_body(),
            rng: b.seed ^ 0x9e37_79b9_7f4a_7c15,
            begin: b,
            gen: d.gen,
            unchecked: false,
            plan: super::spans::Plan {
                on: spans,
                t0: now,
                ..Default::default()
            },
            now,
            ..Payment::placeholder()
        };
        let out = p.open_or_start(d, Kind::Assess, now);
        (p, out)
    }

    /// A new task's first actions: load the replica's head first when the
    /// driver still needs it, else start the task as `kind`.
    fn open_or_start(&mut self, d: &mut Driver, kind: Kind, now: u64) -> Vec<Action> {
        if d.needs_head() {
            self.phase = Phase::Opening;
            vec![Action::new(
                "load-head",
                obj!(("replica", d.replica), ("from_store", d.profile.keep_head)),
            )]
        } else {
            self.start(d, kind, now)
        }
    }

    /// An empty payment, holding a task id's place.
    pub(super) fn placeholder() -> Payment {
        Payment {
            rng: 0,
            body_error: None,
            begin: Begin::default(),
            a: None,
            phase: Phase::Finished,
            replay_fresh: None,
            cas_fresh: None,
            approvals: Approvals::default(),
            votes: Vec::new(),
            metrics: Vec::new(),
            settlement: None,
            line: None,
            refused_field: None,
            gen: 0,
            unchecked: false,
            plan: Default::default(),
            now: 0,
            control: None,
        }
    }

    /// A control task: sets (`Some`) or clears (`None`) the kill switch in
    /// the state as one step (a transaction on a shared store) with its
    /// audit line, then `done`.
    pub(super) fn control(
        d: &mut Driver,
        halt: Option<crate::controls::halt::Halt>,
        now: u64,
    ) -> (Payment, Vec<Action>) {
        let mut p = Payment {
            control: Some(halt),
            gen: d.gen,
            unchecked: false,
            ..Payment::placeholder()
        };
        let out = p.open_or_start(d, Kind::Control, now);
        (p, out)
    }

    /// The first step of this task.
    fn first_kind(&self) -> Kind {
        if self.control.is_some() {
            Kind::Control
        } else {
            Kind::Assess
        }
    }

    /// The generation of the policy the payment began under.
    pub(super) fn gen(&self) -> u64 {
        self.gen
    }

    /// The payment has given its `done`.
    /// A `cas-state` carrying the audit head is in flight.
    pub(super) fn carries_head(&self) -> bool {
        matches!(&self.phase, Phase::Txn { staged: Some(p), .. } if p.head.is_some())
    }

    pub(super) fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Finished)
    }

    pub(super) fn finished(&self) -> bool {
        matches!(self.phase, Phase::Finished) && self.line.is_none()
    }

    pub(super) fn handle(
        &mut self,
        d: &mut Driver,
        now: u64,
        events: Vec<Event>,
    ) -> Result<Vec<Action>, Code> {
        let mut out = Vec::new();
        self.now = now;
        // This crossing comes after the task's last batch was performed: its
        // line is written unless a write failure is reported.
        if let Some(l) = self.line.as_ref() {
            if !events
                .iter()
                .any(|e| matches!(e, Event::AuditFailed | Event::HeadSaveFailed))
            {
                d.confirm(&l.head);
            }
        }
        for ev in events {
            out.extend(self.event(d, now, ev)?);
        }
        if matches!(self.phase, Phase::Approvals) {
            out.extend(self.approvals_ready(d, now));
        }
        Ok(out)
    }

    fn event(&mut self, d: &mut Driver, now: u64, ev: Event) -> Result<Vec<Action>, Code> {
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        match (phase, ev) {
            (_, Event::AuditFailed) if self.line.is_some() => Ok(self.audit_failed(d, now)),
            (_, Event::HeadSaveFailed) if self.line.is_some() => Ok(self.head_save_failed(d, now)),
            (Phase::Opening, Event::Head { stored, log }) => {
                match d.reconcile(stored, log, false) {
                    Ok(_) => {
                        let k = self.first_kind();
                        Ok(self.start(d, k, now))
                    }
                    Err(detail) => Ok(vec![self.refused_detail(Code::StoreUnavailable, detail)]),
                }
            }
            (Phase::Opening, Event::StoreError) => Ok(vec![
                self.refused_detail(Code::StoreUnavailable, "head-unreadable")
            ]),
            (Phase::HeadRepair, Event::Head { stored, .. }) => {
                Ok(self.head_repaired(d, now, stored))
            }
            (Phase::HeadRepair, Event::StoreError) => Ok(self.head_repaired(d, now, None)),
            (
                Phase::Txn {
                    kind,
                    attempt,
                    staged: None,
                },
                Event::State { state, version },
            ) => {
                d.remember(state.clone(), version.clone());
                Ok(self.loaded(d, now, kind, attempt, state, version, true))
            }
            (
                Phase::Txn {
                    kind,
                    attempt,
                    staged: Some(p),
                },
                Event::Cas {
                    won,
                    fresh,
                    snapshot,
                    head_saved,
                },
            ) => {
                if p.head.is_some() {
                    d.riding = false;
                    match (won, head_saved) {
                        (true, Some(true)) | (false, None) => {}
                        (false, Some(false)) => {
                            // The stored head is not the one this guard last saved:
                            // another writer of this replica. Nothing was written. A
                            // reservation is refused (nothing is signed); a later step
                            // runs again at once without it (its money may have left).
                            // Either way the next payment rereads the head first.
                            d.ready = false;
                            if kind == Kind::Assess {
                                return Ok(self.head_conflict(d, false));
                            }
                            return Ok(self.try_step(d, now, kind, attempt));
                        }
                        _ => {
                            // Stored without saying that the head was: fail closed.
                            d.ready = false;
                            d.snap = None;
                            return Ok(self.store_failed(d, now, kind));
                        }
                    }
                    if let Some(h) = p.head.as_ref().filter(|h| won && h.seq >= d.stored_seq()) {
                        d.stored = Some(h.clone());
                    }
                }
                Ok(self.cas_answered(d, now, (kind, attempt), *p, won, fresh, snapshot))
            }
            (Phase::Txn { kind, staged, .. }, Event::StoreError) => {
                if staged.is_some_and(|p| p.head.is_some()) {
                    // Whether the head landed is unknown: the next payment rereads it.
                    d.riding = false;
                    d.ready = false;
                }
                d.snap = None;
                Ok(self.store_failed(d, now, kind))
            }
            (Phase::Wake { kind, attempt }, Event::Wake) => {
                Ok(self.try_step(d, now, kind, attempt))
            }
            (Phase::Replay, ev @ (Event::Replay { .. } | Event::StoreError)) => {
                let fresh = match ev {
                    Event::Replay { fresh } => Some(fresh),
                    _ => None,
                };
                Ok(self.replayed(d, now, fresh))
            }
            (Phase::Approvals, Event::Webhook(r)) => {
                self.phase = Phase::Approvals;
                let late = r.at_ms.unwrap_or(now) > self.approvals.deadline_ms;
                self.approvals.waiting.retain(|w| *w != r.approver_id);
                self.approvals.webhooks.push(WebhookAnswer {
                    approver_id: r.approver_id,
                    status: r.status,
                    body: r.body.into_bytes(),
                    hmac: r.hmac,
                    timed_out: r.timed_out || late,
                });
                Ok(Vec::new())
            }
            (
                Phase::Approvals,
                Event::Human {
                    approver_id,
                    vote,
                    at_ms,
                },
            ) => {
                self.phase = Phase::Approvals;
                let late = at_ms.unwrap_or(now) > self.approvals.deadline_ms;
                self.approvals.waiting.retain(|w| *w != approver_id);
                if let Some(m) = d.cfg.mpa.as_ref() {
                    let v = crate::mpa::judge_human(m, &approver_id, &vote, late);
                    self.approvals.humans.push((approver_id, v));
                }
                Ok(Vec::new())
            }
            (Phase::Approvals, Event::Countersignatures(s, at)) => {
                self.phase = Phase::Approvals;
                self.approvals.countersign = false;
                if at.unwrap_or(now) <= self.approvals.deadline_ms {
                    self.approvals.sigs = s;
                }
                Ok(Vec::new())
            }
            (Phase::Sign, Event::Signed(payload)) => Ok(self.signed(d, now, payload)),
            (Phase::Sign, Event::SignerFailed) => {
                self.plan.enter(None, now);
                Ok(self.start(d, Kind::Settle(Outcome::Failed(Code::SignerFailed)), now))
            }
            (
                Phase::Send,
                ev @ (Event::Response { .. } | Event::NetworkError { .. } | Event::Unobserved),
            ) => {
                let o = match ev {
                    Event::Response { status, settlement } => {
                        Observed::Response { status, settlement }
                    }
                    Event::NetworkError { sent } => Observed::NetworkError { sent },
                    _ => Observed::Unobserved,
                };
                let outcome = settlement::judge(&o);
                self.plan.enter(Some(7), now);
                self.settlement = Some(match outcome {
                    Outcome::Settled => "settled",
                    Outcome::Unconfirmed => "unknown",
                    Outcome::FailedAfterSend(_) => "failed-after-send",
                    Outcome::Failed(_) => "failed",
                });
                Ok(self.start(d, Kind::Settle(outcome), now))
            }
            (phase, _) => {
                self.phase = phase;
                Err(Code::InvalidInput)
            }
        }
    }

    fn jitter(&mut self) -> u64 {
        // xorshift64*: deterministic from the host's seed.
        let mut x = self.rng.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32
    }

    /// Runs a step: at once on an unshared store, else as a transaction.
    fn start(&mut self, d: &mut Driver, kind: Kind, now: u64) -> Vec<Action> {
        if d.profile.shared {
            return self.try_step(d, now, kind, 0);
        }
        let staged = self.run(d, kind, now);
        self.commit(d, now, kind, staged)
    }

    /// One attempt of a transaction: on the state the store last answered,
    /// or after a `load-state` when the driver holds none.
    fn try_step(&mut self, d: &mut Driver, now: u64, kind: Kind, attempt: u32) -> Vec<Action> {
        match d.snap.clone() {
            Some(s) => {
                let fresh = s.at == d.crossing;
                self.loaded(d, now, kind, attempt, s.state, s.version, fresh)
            }
            None => self.load(kind, attempt),
        }
    }

    fn load(&mut self, kind: Kind, attempt: u32) -> Vec<Action> {
        self.phase = Phase::Txn {
            kind,
            attempt,
            staged: None,
        };
        vec![Action::new("load-state", obj!())]
    }

    /// Runs the step on a state the store answered (`fresh`: in this
    /// crossing). A step that writes asks for its compare-and-set; one that
    /// writes nothing counts on a fresh state only, else after a `load-state`.
    #[allow(clippy::too_many_arguments)]
    fn loaded(
        &mut self,
        d: &mut Driver,
        now: u64,
        kind: Kind,
        attempt: u32,
        state: Option<String>,
        version: String,
        fresh: bool,
    ) -> Vec<Action> {
        let before = state.as_deref().unwrap_or_default();
        match super::parse_state(before) {
            Ok(s) => d.state = s,
            Err(c) => {
                d.snap = None;
                return self.store_failed_code(d, now, kind, c);
            }
        }
        let staged = self.run(d, kind, now);
        let after = d.state_json();
        if after == before {
            if fresh {
                return self.commit(d, now, kind, staged); // nothing changed: a read of one snapshot
            }
            // Decided on a state older than this crossing (a refusal, a pre-sign
            // check): decided again on one read now.
            return self.load(kind, attempt);
        }
        let mut cas = obj!(("state", after), ("version", version));
        let fingerprint = match &staged {
            // Without `cas_fingerprint` the fingerprint is set by `replay-set`
            // once the reservation is stored (see `commit`).
            Staged::Assessed(a) if d.profile.cas_fingerprint => {
                cas["fingerprint"] = json!(a.fingerprint.clone().unwrap_or_default());
                cas["ttl_ms"] = json!(a.replay_ttl_ms);
                true
            }
            Staged::Assessed(_) | Staged::Stepped(_) => false,
        };
        let head = d.ride().map(|(h, v)| {
            cas["save_head"] = v;
            h
        });
        if kind == Kind::Assess {
            self.unchecked = head.is_none() && d.rides() && d.save_pending.is_some();
        }
        self.phase = Phase::Txn {
            kind,
            attempt,
            staged: Some(Box::new(Pending {
                staged,
                version,
                before: state,
                after,
                fingerprint,
                head,
            })),
        };
        vec![Action::new("cas-state", cas)]
    }

    /// The store answered a `cas-state`.
    #[allow(clippy::too_many_arguments)]
    fn cas_answered(
        &mut self,
        d: &mut Driver,
        now: u64,
        (kind, attempt): (Kind, u32),
        p: Pending,
        won: bool,
        fresh: Option<bool>,
        snapshot: Option<(Option<String>, String)>,
    ) -> Vec<Action> {
        if p.fingerprint {
            match (won, fresh) {
                (true, Some(true)) => self.cas_fresh = Some(true),
                (false, Some(false)) => {
                    // A live fingerprint: nothing was written, at the version it ran on.
                    d.remember(p.before, p.version);
                    self.cas_fresh = Some(false);
                    return self.commit(d, now, kind, p.staged);
                }
                (true, _) => {
                    // Stored without saying whether the fingerprint was set: fail closed.
                    d.snap = None;
                    return self.store_failed(d, now, kind);
                }
                (false, _) => {}
            }
        }
        if won {
            match snapshot {
                Some((_, v)) => d.remember(Some(p.after), v),
                None => d.snap = None,
            }
            return self.commit(d, now, kind, p.staged);
        }
        // Another process stored first: the step never happened. After a
        // first loss it runs again at once on the state the store answered;
        // after more (or an answer without the state) it backs off and reloads.
        let attempt = attempt + 1;
        if attempt >= MAX_ATTEMPTS {
            d.snap = None;
            return self.store_failed(d, now, kind);
        }
        match snapshot {
            Some((s, v)) if attempt == 1 => {
                d.remember(s, v);
                return self.try_step(d, now, kind, attempt);
            }
            _ => d.snap = None,
        }
        self.phase = Phase::Wake { kind, attempt };
        let cap = (1u64 << attempt.min(6)).min(50);
        let until = now.saturating_add(self.jitter() % (cap + 1));
        vec![Action::new("sleep", obj!(("until_ms", until)))]
    }

    fn run(&mut self, d: &mut Driver, kind: Kind, now: u64) -> Staged {
        let cfg = super::policy(&d.cfg, d.gen, &d.older, self.gen);
        match kind {
            Kind::Control => {
                let halt = self.control.clone().flatten();
                let step = halt_step(cfg, halt.is_some());
                d.state.halted = halt;
                Staged::Stepped(Box::new((None, step)))
            }
            Kind::Assess => {
                let b = &self.begin;
                let ctx = PaymentContext {
                    method: &b.method,
                    request_url: &b.url,
                    payment_required: b.payment_required.as_deref(),
                    body: b.body.as_deref(),
                    reason: &b.reason,
                    request_body_sha256: b.request_body_sha256.as_deref(),
                    idempotency_key: b.idempotency_key.as_deref(),
                    now_ms: now,
                };
                if d.clean.0 != d.gen {
                    d.clean = (d.gen, crate::echo::CleanMemo::default());
                }
                // The memo holds the current policy's clean strings only.
                let memo = (self.gen == d.gen).then_some(&mut d.clean.1);
                let replay = pipeline::ReplayKey::Keyed(Some(&d.replay_mac));
                let mut a = pipeline::assess_with_hints_keyed(
                    cfg,
                    &mut d.state,
                    &ctx,
                    &b.hints,
                    replay,
                    memo,
                );
                if a.blocked.is_none() {
                    if let Err(c) = payment_id(&mut a, b, &d.replay_key) {
                        a.blocked = Some(c);
                        if let Some(r) = a.reservation.take() {
                            d.state.spend.release(&r);
                        }
                    }
                }
                if a.blocked == Some(Code::ChallengeMissing) && self.body_error.is_some() {
                    a.blocked = self.body_error;
                }
                if a.blocked.is_some() {
                    // Refused already: its verdict needs no I/O, so it is part of the same step.
                    let s = pipeline::finalize_step(
                        cfg,
                        &mut d.state,
                        &a,
                        &HostResults::default(),
                        now,
                    );
                    return Staged::Stepped(Box::new((Some(a), s)));
                }
                Staged::Assessed(Box::new(a))
            }
            Kind::Finalize | Kind::Settle(_) => {
                let Some(a) = self.a.as_ref() else {
                    return Staged::Stepped(Box::new((None, refused_step(Code::InvalidInput))));
                };
                let s = match kind {
                    Kind::Finalize => {
                        let io = HostResults {
                            replay_fresh: self.replay_fresh,
                            votes: self.votes.clone(),
                        };
                        let at = if a.approval.is_some() {
                            now.min(self.approvals.deadline_ms.max(a.now_ms))
                        } else {
                            now
                        };
                        pipeline::finalize_step(cfg, &mut d.state, a, &io, at)
                    }
                    Kind::Settle(o) => pipeline::settle_step(cfg, &mut d.state, a, o),
                    Kind::Assess | Kind::Control => unreachable_step(),
                };
                Staged::Stepped(Box::new((None, s)))
            }
        }
    }

    /// The replay check answered (`None`: the store could not answer).
    fn replayed(&mut self, d: &mut Driver, now: u64, fresh: Option<bool>) -> Vec<Action> {
        self.replay_fresh = fresh;
        match (fresh, self.a.as_ref().and_then(|a| a.approval.as_ref())) {
            (Some(true), Some(_)) => {
                self.plan.enter(Some(4), now);
                self.ask_approvals(d, now)
            }
            _ => {
                self.plan.enter(None, now);
                self.start(d, Kind::Finalize, now)
            }
        }
    }

    /// Forgets this payment's fingerprint: an action for a shared store, at once otherwise.
    fn forget(&self, d: &mut Driver) -> Option<Action> {
        let fp = self.a.as_ref().and_then(|a| a.fingerprint.clone())?;
        if d.profile.shared {
            Some(Action::new("replay-forget", obj!(("fingerprint", fp))))
        } else {
            d.replay.remove(&fp);
            None
        }
    }

    /// The step counted: its audit line, then what comes next.
    fn commit(&mut self, d: &mut Driver, now: u64, kind: Kind, staged: Staged) -> Vec<Action> {
        let step = match staged {
            Staged::Assessed(a) => {
                let fp = a.fingerprint.clone().unwrap_or_default();
                let ttl = a.replay_ttl_ms;
                self.a = Some(*a);
                self.plan.assessed(2, now);
                self.plan.enter(Some(3), now);
                if !d.profile.shared {
                    // Nothing else sees an unshared store: the driver keeps the replay set.
                    let fresh = d.replay_set(&fp, ttl, now);
                    return self.replayed(d, now, fresh);
                }
                if let Some(fresh) = self.cas_fresh.take() {
                    // The reservation's compare-and-set checked the fingerprint.
                    return self.replayed(d, now, Some(fresh));
                }
                self.phase = Phase::Replay;
                return vec![Action::new(
                    "replay-set",
                    obj!(("fingerprint", fp), ("ttl_ms", ttl)),
                )];
            }
            Staged::Stepped(b) => {
                let (a, step) = *b;
                if let Some(a) = a {
                    self.a = Some(a);
                }
                step
            }
        };
        self.metrics.extend(step.metrics.iter().cloned());
        let mut out = Vec::new();
        if step.forget_fingerprint {
            out.extend(self.forget(d));
        }
        let pre_sign_allowed = kind == Kind::Finalize && step.allowed;
        let check = pre_sign_allowed && self.unchecked;
        let (chain, prev, head, line) = match d.chain(&step.event, now, pre_sign_allowed, check) {
            Ok(c) => c,
            Err(c) => {
                self.phase = Phase::Finished;
                out.push(self.done(false, Some(c), None));
                return out;
            }
        };
        out.extend(chain);
        if !step.event.alerts.is_empty() {
            let alerts = self.a.as_ref().map_or(&[][..], |a| &a.alerts[..]);
            if let Some(f) = crate::controls::alerts::webhook_action(
                &d.cfg.controls,
                &d.cfg.agent_id,
                alerts,
                now,
            ) {
                out.push(Action::new("alert", f));
            }
        }
        if kind == Kind::Finalize {
            self.plan.enter(pre_sign_allowed.then_some(5), now);
        }
        let rest = if pre_sign_allowed {
            self.phase = Phase::Sign;
            vec![self.sign_action()]
        } else {
            self.phase = Phase::Finished;
            vec![self.done(step.allowed, step.code, Some(&line))]
        };
        self.line = Some(Line {
            head,
            prev,
            repaired: false,
            // Only a head save can fail after the line and need the rest again.
            rest: if d.profile.keep_head {
                rest.clone()
            } else {
                Vec::new()
            },
            pre_sign_allowed,
        });
        out.extend(rest);
        out
    }

    fn store_failed(&mut self, d: &mut Driver, now: u64, kind: Kind) -> Vec<Action> {
        self.store_failed_code(d, now, kind, Code::StoreUnavailable)
    }

    /// A step could not be stored: nothing more is audited (the store that
    /// keeps the head is down); a fingerprint set for a payment that never
    /// left is forgotten.
    fn store_failed_code(
        &mut self,
        d: &mut Driver,
        _now: u64,
        kind: Kind,
        code: Code,
    ) -> Vec<Action> {
        self.phase = Phase::Finished;
        self.line = None;
        let mut out = Vec::new();
        let left = matches!(kind, Kind::Settle(Outcome::Failed(_)));
        if (kind == Kind::Finalize || left) && self.replay_fresh == Some(true) {
            out.extend(self.forget(d));
        }
        out.push(self.done(false, Some(code), None));
        out
    }

    fn sign_action(&self) -> Action {
        let Some(a) = self.a.as_ref() else {
            return Action::new("sign", obj!());
        };
        let o = a.offer.as_ref();
        let m = &a.metadata;
        Action::write(
            "sign",
            &wire::SignRecord {
                amount: o.map(|o| o.amount.to_string()),
                amount_usd: a.amount_usd.map(|u| u.to_string()),
                asset: o.map(|o| o.asset.as_str()),
                kind: "sign",
                metadata: wire::SignMetadata {
                    description: &m.description,
                    extra: &m.extra,
                    reason: &m.reason,
                    request_url: &m.request_url,
                    resource_url: &m.resource_url,
                },
                network: o.map(|o| o.network.as_str()),
                network_raw: o.map(|o| o.network_raw.as_str()),
                pay_to: o.map(|o| o.pay_to.as_str()),
                requirements: &a.requirements,
                resource: &m.resource_echo,
                scheme: o.map(|o| o.scheme.as_str()),
                x402_version: a.x402_version,
            },
        )
    }

    /// The signer's payload becomes the payment header of the paid request.
    fn signed(&mut self, d: &mut Driver, now: u64, payload: Value) -> Vec<Action> {
        let Some(a) = self.a.as_ref() else {
            return self.start(d, Kind::Settle(Outcome::Failed(Code::SignerFailed)), now);
        };
        let Some(o) = a.offer.as_ref() else {
            return self.start(d, Kind::Settle(Outcome::Failed(Code::SignerFailed)), now);
        };
        let approved = crate::payload::Approved::of(a.x402_version, o);
        if let Err(r) = crate::payload::check(
            &super::policy(&d.cfg, d.gen, &d.older, self.gen).payload,
            &approved,
            &payload,
            now,
        ) {
            // Nothing leaves: released and forgotten as for a signer failure.
            self.plan.enter(None, now);
            self.refused_field = Some(r.field);
            self.metrics.push(Metric {
                name: "x402_payload_refusals_total",
                labels: vec![("code", r.code.as_str().into()), ("field", r.field.into())],
                observe: None,
            });
            return self.start(d, Kind::Settle(Outcome::Failed(r.code)), now);
        }
        let echo = &a.metadata.resource_echo;
        let full = if payload.get("x402Version").is_some() {
            // A payload an official client made: its echoes become the
            // core's redacted copies (see `crate::echo`).
            let mut p = payload;
            if a.x402_version >= 2 {
                if let Some(m) = p.as_object_mut() {
                    if !echo.is_null() {
                        m.insert("resource".into(), echo.clone());
                    }
                    if m.contains_key("accepted") {
                        m.insert("accepted".into(), a.requirements.clone());
                    }
                    if let Some(e) = m.get_mut("extensions") {
                        let pii = &super::policy(&d.cfg, d.gen, &d.older, self.gen).pii;
                        *e = crate::echo::extensions(pii, e);
                    }
                }
            }
            p
        } else if a.x402_version == 1 {
            obj!(
                ("x402Version", 1),
                ("scheme", o.scheme),
                ("network", o.network_raw),
                ("payload", payload)
            )
        } else if echo.is_null() {
            obj!(
                ("x402Version", 2),
                ("accepted", a.requirements),
                ("payload", payload)
            )
        } else {
            obj!(
                ("x402Version", 2),
                ("resource", echo),
                ("accepted", a.requirements),
                ("payload", payload)
            )
        };
        let full = match (&a.payment_id, &a.payment_id_declaration) {
            (Some(id), Some(decl)) => with_payment_id(full, decl, id),
            _ => full,
        };
        let name = if a.x402_version == 1 {
            "X-PAYMENT"
        } else {
            "PAYMENT-SIGNATURE"
        };
        self.plan.enter(Some(6), now);
        let value = base64::engine::general_purpose::STANDARD.encode(full.to_string());
        self.phase = Phase::Send;
        vec![Action::write(
            "send",
            &wire::SendRecord {
                kind: "send",
                header: wire::HeaderRecord {
                    name,
                    value: &value,
                },
                method: &a.method,
                redirect: "manual",
                url: &self.begin.url,
            },
        )]
    }

    fn done(&self, allowed: bool, code: Option<Code>, line: Option<&str>) -> Action {
        self.done_with(allowed, code, line, self.refused_field)
    }

    fn done_with(
        &self,
        allowed: bool,
        code: Option<Code>,
        line: Option<&str>,
        reason: Option<&str>,
    ) -> Action {
        let a = self.a.as_ref();
        let approvals = a.and_then(|a| a.approval.as_ref()).map(|_| {
            self.votes
                .iter()
                .filter(|(_, v)| *v == Vote::Approve)
                .count()
        });
        let mut done = Action::write(
            "done",
            &wire::DoneRecord {
                allowed,
                audit_line: line,
                code: code.map(Code::as_str),
                details: wire::DoneDetails {
                    amount_usd: a.and_then(|a| a.amount_usd).map(|u| u.to_string()),
                    approvals,
                    current_usd: a.and_then(|a| a.current_usd).map(|u| u.to_string()),
                    fingerprint: a.and_then(|a| a.fingerprint.as_deref()),
                    limit_usd: a.and_then(|a| a.limit_usd).map(|u| u.to_string()),
                    payment_id: a.and_then(|a| a.payment_id.as_deref()),
                    pii_entities: a
                        .map(|a| a.pii_entities.iter().map(|e| e.as_str()).collect())
                        .unwrap_or_default(),
                    reason,
                },
                kind: "done",
                family: code.map(|c| tables::family(c).as_str()),
                metrics: pipeline::metrics_json(&self.metrics),
                settlement: self.settlement,
            },
        );
        if self.plan.on {
            done.append_member(
                "spans",
                &self
                    .plan
                    .json(self.now, code, &self.root_attributes(allowed, code)),
            );
        }
        done
    }

    /// The root span's attributes (see [`super::spans::ATTRIBUTES`]), in name order.
    fn root_attributes(&self, allowed: bool, code: Option<Code>) -> String {
        use super::spans::{attr, attr_raw};
        let mut out = String::new();
        let a = self.a.as_ref();
        if let Some(u) = a.and_then(|a| a.amount_usd) {
            attr(&mut out, "x402.amount_usd", &u.to_string());
        }
        if let Some(c) = code {
            attr(&mut out, "x402.code", c.as_str());
        }
        attr(
            &mut out,
            "x402.decision",
            if allowed { "allowed" } else { "refused" },
        );
        if let Some(a) = a.filter(|a| !a.metadata.request_url.is_empty()) {
            let url = &a.metadata.request_url;
            attr(
                &mut out,
                "x402.endpoint",
                url.split(['?', '#']).next().unwrap_or(""),
            );
        }
        let o = a.and_then(|a| a.offer.as_ref());
        if let Some(o) = o {
            attr(&mut out, "x402.network", &o.network);
            attr(&mut out, "x402.scheme", &o.scheme);
        }
        if let Some(st) = self.settlement {
            attr(&mut out, "x402.settlement", st);
        }
        if let Some(v) = a.map(|a| a.x402_version).filter(|v| *v > 0) {
            attr_raw(&mut out, "x402.version", &v.to_string());
        }
        out
    }

    /// A `done` refusal without an audit line, with a reason in its details.
    fn refused_detail(&self, code: Code, reason: &str) -> Action {
        self.done_with(false, Some(code), None, Some(reason))
    }
}

/// Makes or checks the purchase's payment id ([`crate::payid`]): a
/// `purchase` from the host must belong to this payment's fingerprint; the id
/// is kept (and sent) only when the server declared the extension.
fn payment_id(a: &mut Assessment, b: &Begin, key: &[u8]) -> Result<(), Code> {
    let Some(fp) = a.fingerprint.as_deref() else {
        return Ok(());
    };
    let id = match b.purchase.as_deref() {
        Some(id) => {
            crate::payid::belongs(key, id, fp)?;
            id.to_string()
        }
        None => crate::payid::new_id(key, b.seed, fp),
    };
    if a.payment_id_declaration.is_some() {
        a.payment_id = Some(id);
    }
    Ok(())
}

/// The v2 payload with `extensions["payment-identifier"]` set to the
/// server's declaration plus `info.id` (other extension entries an official
/// client put there stay as they are).
fn with_payment_id(mut full: Value, decl: &Value, id: &str) -> Value {
    if let Some(m) = full.as_object_mut() {
        let ext = m
            .entry("extensions")
            .or_insert_with(|| Value::Object(Default::default()));
        if !ext.is_object() {
            *ext = Value::Object(Default::default());
        }
        if let Some(e) = ext.as_object_mut() {
            e.insert(crate::payid::EXTENSION.into(), crate::payid::echo(decl, id));
        }
    }
    full
}

fn refused_step(code: Code) -> Step {
    Step {
        allowed: false,
        code: Some(code),
        event: crate::audit::AuditEvent {
            event_type: "payment_blocked".into(),
            outcome: "blocked".into(),
            resource_url: String::new(),
            amount_usd: None,
            network: None,
            agent_id: None,
            replica: None,
            pii_entities_found: Vec::new(),
            policy_limit_usd: None,
            replay_fingerprint: None,
            payment_id: None,
            code: Some(code),
            alerts: Vec::new(),
        },
        metrics: Vec::new(),
        forget_fingerprint: false,
    }
}

fn unreachable_step() -> Step {
    refused_step(Code::InvalidInput)
}

/// The audited step of setting (`halted`) or clearing the kill switch:
/// event `guard_halted` / `guard_resumed`, outcome `halted` / `resumed`.
/// Who and why stay in the state (operator text is not written to audit
/// lines, which leave the process).
fn halt_step(cfg: &crate::config::GuardConfig, halted: bool) -> Step {
    let (event_type, outcome) = if halted {
        ("guard_halted", "halted")
    } else {
        ("guard_resumed", "resumed")
    };
    Step {
        allowed: true,
        code: None,
        event: crate::audit::AuditEvent {
            event_type: event_type.into(),
            outcome: outcome.into(),
            resource_url: String::new(),
            amount_usd: None,
            network: None,
            agent_id: (!cfg.agent_id.is_empty()).then(|| cfg.agent_id.clone()),
            replica: (!cfg.replica_id.is_empty()).then(|| cfg.replica_id.clone()),
            pii_entities_found: Vec::new(),
            policy_limit_usd: None,
            replay_fingerprint: None,
            payment_id: None,
            code: None,
            alerts: Vec::new(),
        },
        metrics: Vec::new(),
        forget_fingerprint: false,
    }
}
