//! The payment protocol as a sans-I/O driver: events in, actions out.
//!
//! Every host (Node, browsers, Python, the sidecar) runs payments through
//! this driver instead of writing the protocol itself. The host performs the
//! actions the driver asks for and reports what happened; every rule about
//! *what happens around* the decision steps lives here: which state to load
//! and store, the compare-and-set retry and its backoff, when a replay
//! fingerprint is set and forgotten, how long approvals are awaited and how
//! they are counted, how the paid response is judged ([`settlement`]), when
//! the audit line is written and how the head is repaired after a lost
//! write, which exception family a code belongs to and which metrics are
//! emitted ([`tables`]).
//!
//! # The grammar
//! A [`Driver`] is one configured guard with its keys and host [`Profile`].
//! It runs *tasks*: the guard's start-up ([`Driver::open`]), payments
//! ([`Driver::begin`]) and policy reloads ([`Driver::reload`], whose rule
//! for payments in flight is stated there). A task is fed with [`Driver::handle`]; each call is
//! one *crossing* and returns every action that is ready, as a batch.
//!
//! **Batches.** The host performs a batch's actions in order. Actions that
//! need an answer (`load-state`, `cas-state`, `replay-set`, `load-head`,
//! `post-webhook`, `ask-human`, `countersign`, `sign`, `send`, `sleep`) are answered
//! together in the next crossing, one event each, in any order. The others
//! (`audit`, `save-head`, `replay-forget`, `alert`, `done`) answer only when they
//! fail: when `audit` or `save-head` fails, the host stops the batch there
//! and reports `audit-failed` / `head-save-failed` at once; the driver
//! repairs and sends a new batch. `replay-forget` is best effort: its failure
//! is not reported, nor is `alert`'s. A batch ends with the answered actions or with `done`,
//! the task's last action.
//!
//! **Order across tasks.** `audit` and `save-head` actions are performed in
//! the order the driver emitted them, across all tasks of one driver (one
//! FIFO queue per guard), since each line chains to the one before.
//!
//! **Time and randomness** come in: every crossing carries the host's
//! `now_ms`; a payment's backoff jitter comes from the `seed` it was begun
//! with. Nothing is read from the environment.
//!
//! | action | fields | answer |
//! |---|---|---|
//! | `load-head` | `replica`, `from_store` | `head {stored, log}` (`stored` when `from_store`, `log` when the log reads back) or `store-error` |
//! | `load-state` | | `state {state, version}` or `store-error` |
//! | `cas-state` | `state`, `version`, and for a reservation `fingerprint`, `ttl_ms` (unless the profile says `cas_fingerprint: false`: the fingerprint then comes after, in a `replay-set`); `save_head {replica, head, prev_seq}` when a head rides (see **Heads riding the compare-and-sets**) | `cas {won, fresh?, state?, version?, head_saved?}` or `store-error` (see **Optimistic state**) |
//! | `replay-set` | `fingerprint`, `ttl_ms` | `replay {fresh}` or `store-error` (asked only for an assessment that wrote no state or under `cas_fingerprint: false`; otherwise the fingerprint rides with its `cas-state`) |
//! | `replay-forget` | `fingerprint` | none |
//! | `post-webhook` | `approver_id`, `url`, `body`, `headers`, `deadline_ms` | `webhook {approver_id, status, body, hmac, timed_out, at_ms?}` |
//! | `ask-human` | `approver_id`, `prompt` (the approval request's JSON + `description`, `symbol`, `token_amount`: `mpa::human_prompt`), `deadline_ms` | `human {approver_id, vote: approve\|deny\|timeout\|unavailable, at_ms?}` |
//! | `countersign` | `request`, `request_json`, `deadline_ms` | `countersignatures {signatures: [[id, hex]], at_ms?}` |
//! | `audit` | `line`, `head` | none, or `audit-failed` |
//! | `save-head` | `replica`, `head`, `prev_seq` | none, or `head-save-failed` |
//! | `sign` | `x402_version`, `requirements`, `network`, `network_raw`, `amount`, `asset`, `pay_to`, `scheme`, `amount_usd`, `metadata`, `resource` | `signed {payload}` or `signer-failed` |
//! | `send` | `method`, `url`, `header {name, value}`, `redirect: "manual"` | `response {status, settlement}`, `network-error {sent}` or `unobserved` |
//! | `alert` | `url`, `body`, `headers` | none: post `body` to `url` with `headers`, once, without waiting for the answer (best effort; see [`crate::controls::alerts`]) |
//! | `sleep` | `until_ms` | `wake` |
//! | `done` | `allowed`, `code`, `family`, `settlement`, `metrics`, `details`, `audit_line`, for a payment begun with `"spans": true` `spans` (its OpenTelemetry span plan, [`spans`]; hosts ask only when a tracer is installed), and `unsaved_head_ms` when the audit head is not saved yet (see **Flushing the head**) | (the task is over) |
//!
//! A payment's course: `begin` → `load-state`? → `cas-state` (the reservation with its
//! fingerprint; again at once after a lost race, then `sleep` → `load-state` → `cas-state`) → (`post-webhook`\*, `ask-human`\*,
//! `countersign`) → `load-state`? → `audit`, `save-head`? → `sign` → `send` → `cas-state` →
//! `audit`, `save-head`?, `done`. A refusal at any step ends with its
//! `audit` and `done`. With an unshared store (memory) the state and the
//! replay set (at most [`MAX_REPLAY`] live fingerprints) live in the driver:
//! no `load-state`/`cas-state`/`replay-forget` is asked for,
//! and a payment takes three crossings after `begin`. With a shared
//! one every state change is the transaction of `docs/STORES.md`, retried
//! [`MAX_ATTEMPTS`] times with a jittered backoff of at most
//! `min(2^attempt, 50)` ms, then refused with `store-unavailable`.
//!
//! **Optimistic state** (shared stores). The driver keeps the last state and
//! version a store answered (a `load-state`, a won `cas-state`'s new
//! `version` with the state it sent, a lost one's `state` and `version` as
//! they stand) and runs each step on it: a `load-state` is asked for only
//! when it holds none (its first step, after a store that answered without
//! them or failed, and after the backoff of a second lost race in a row; a
//! first lost race runs the step again at once on the answered state). Correctness comes from the compare-and-set on
//! the version: a step that writes counts only when its `cas-state` wins, so
//! a stale state only loses the race. A step that writes nothing (a refusal
//! without state change, the pre-sign check) counts without a compare-and-set
//! only on a state the store answered in the same crossing; decided on an
//! older one, it is decided again after a `load-state` (a stale state never
//! refuses wrongly nor allows a payment a halt stopped: extra round trips only
//! then). The `cas-state` of a reservation carries the payment's
//! `fingerprint` and `ttl_ms`: the store, atomically, answers
//! `{won: false, state, version}` on another version (the fingerprint
//! untouched), `{won: false, fresh: false}` when the fingerprint is live (the
//! state untouched: the payment is then refused as a replay on that state,
//! `replay-detected`), else stores the state, sets the fingerprint for
//! `ttl_ms` and answers `{won: true, fresh: true, version}`. A won answer
//! without `fresh: true` to a `cas-state` with a fingerprint is a store failure
//! (fail closed). `state` and `version` are optional in every `cas` answer (a
//! store that gives them saves the loads). The common payment thus takes two
//! round trips: the reservation's and the settlement's compare-and-set (and
//! each audit line's `save-head`, unless heads ride: below).
//!
//! **Heads riding the compare-and-sets.** With a profile that is `shared`,
//! `keep_head`, `log_reads_back` and `cas_head` (a store whose
//! compare-and-set can also save the replica's head), a line's head is not
//! saved by a `save-head` of its own; it rides with a later `cas-state` as
//! `save_head` (the fields of `save-head`). The store then, atomically,
//! answers `{won: false, head_saved: false}` when the stored head's `seq` is
//! not `prev_seq` (nothing written), and otherwise as above, writing the head
//! with the state when it wins (`{won: true, head_saved: true, …}`). The rules:
//! - only a line known written rides: one whose task crossed again after
//!   the batch that held it (the host performs a batch before it answers,
//!   and the write queue is in order), or the log's head read back;
//! - with no newer written line, a `cas-state` carries the stored head
//!   unchanged: a check, in the same atomic step, that no other writer of
//!   the replica moved it (what a `save-head` before signing used to catch);
//! - at most one head-carrying `cas-state` is in flight per guard, and none
//!   while a `save-head` is not known performed (no later line known
//!   written), so head saves reach the store in the order they were made;
//! - an allowed pre-sign line's head rides with its own settlement; any other
//!   line whose head would leave two lines unsaved gets its `save-head`
//!   (unless a head rides), so with payments one at a time the stored head
//!   trails the log by at most its last line (the verifier's `ahead`, which
//!   the start-up repair catches up);
//! - a refused head (`head_saved: false`: another writer of the replica)
//!   refuses a reservation (`store-unavailable`, `replica-head-conflict`:
//!   nothing was written or signed) and runs a later step again at once
//!   without it (its money may have left); either way the guard rereads its
//!   head before its next payment (`load-head`, the start-up rule), and so
//!   it does after a head-carrying `cas-state` that failed (`store-error`:
//!   whether its head landed is unknown). A won answer without
//!   `head_saved: true` is a store failure (fail closed);
//! - the log's last line is not in the stored head until the next
//!   compare-and-set or until the guard flushes (below).
//!
//! A paid payment then takes two round trips with an audit log too: the
//! reservation's and the settlement's compare-and-set (scenarios "heads
//! riding the compare-and-sets").
//!
//! **Flushing the head.** So that cutting the log's last line is caught
//! against the stored head (THREATS.md: deleting any line, the last
//! included, is detected), a guard that goes quiet saves its head: a
//! `done` after which the head is not saved carries `unsaved_head_ms`
//! ([`FLUSH_AFTER_MS`]); the host calls [`Driver::flush`] once that long has
//! passed with no task in flight, and at its `close`. Payments in a row keep
//! their two round trips; the last of a burst costs one `save-head` more,
//! off its path (scenarios "flushing the head").
//!
//! `ask-human` asks a person (an MPA approver with `mode = "human"`) to
//! approve the prompt's payment: every field of the prompt is built by the
//! core from the approval request (redacted URL) and the redacted
//! description. A host with no way to ask a person answers `unavailable`
//! (the payment is then refused with `mpa-human-unavailable` unless the
//! other approvers reach the threshold); a person who does not answer by
//! `deadline_ms` is a timeout, like a silent webhook.
//!
//! Approval answers may come in one crossing or several; each counts only
//! if it arrived by the action's `deadline_ms` (`at_ms`, the arrival time,
//! defaults to the crossing's `now_ms`). Once every answer is in, or a
//! crossing's `now_ms` is past the deadline (missing answers are then
//! timeouts), the votes are judged and the payment goes on.
//!
//! A host that lets an official x402 client sign and send answers `sign`
//! with the payload the client made and `send` with the response it saw, or
//! `unobserved`.
//!
//! **Payload binding.** A `signed` payload is decoded and checked against the
//! approved offer ([`crate::payload`]) before `send` is asked for: one that does
//! not authorize exactly the approved payment (`payload-malformed`,
//! `payload-mismatch`, `payload-expiry-too-long`) ends the payment as a signer
//! failure does (nothing was sent: the reservation is released and the
//! fingerprint forgotten), with its audit line, the metric
//! `x402_payload_refusals_total{code, field}` and the field in
//! `done.details.reason`. Configuration `payload.check = "opaque"` opts out.
//!
//! **Payment identifier.** When the v2 challenge declares the x402
//! `payment-identifier` extension, the payment gets an id ([`crate::payid`]):
//! `send`'s header carries it in `extensions["payment-identifier"].info.id`
//! (the server's declaration echoed), its audit lines carry it as
//! `payment_id` and `done.details.payment_id` gives it to the host. A host
//! that retries the same purchase (e.g. after an official client's
//! `{recovered: true}`) passes it back as `begin`'s `purchase`: it is reused
//! when it belongs to this payment's fingerprint, else the payment is refused
//! with `payment-id-mismatch` before anything is reserved. The replay guard
//! still applies: a retry passes only when the earlier attempt failed before
//! sending (its fingerprint was forgotten); one whose attempt settled, or
//! whose outcome is unknown, is `replay-detected`. Without a declaration
//! nothing is added.

mod payment;
pub mod redis;
mod reload;
pub mod settlement;
pub mod spans;
pub mod tables;
pub mod wire;

use crate::audit::{self, Head};
use crate::config::GuardConfig;
use crate::error::{Code, ConfigError};
use crate::policy::GuardState;
use payment::Payment;
use reload::Reload;
pub use reload::POLICY_URN;
use serde_json::Value;
use std::collections::BTreeMap;
pub use wire::{actions_json, Action, Begin, Event, Profile, WebhookReply};

/// Compare-and-set attempts of one step before it is refused.
pub const MAX_ATTEMPTS: u32 = 64;
/// Finished payments kept for a late failure report of their last batch.
pub const MAX_FINISHED: usize = 64;
/// Most tasks in flight in one driver; the oldest is dropped beyond this.
pub const MAX_TASKS: usize = 1024;
/// How long a guard whose audit head is not saved yet (heads riding the
/// compare-and-sets) waits with no task in flight before its host calls
/// [`Driver::flush`]: a `done` says so in `unsaved_head_ms`.
pub const FLUSH_AFTER_MS: u64 = 20;
/// Most live fingerprints an unshared driver keeps; a payment beyond is
/// refused with `state-full` (fail closed).
pub const MAX_REPLAY: usize = 1 << 18;
/// Approval answers are due this long before the request expires (defined in [`crate::mpa`]).
pub use crate::mpa::APPROVAL_MARGIN_MS;

/// One configured guard driving payments (see the module docs).
#[derive(Debug)]
pub struct Driver {
    /// The policy new payments begin under.
    cfg: GuardConfig,
    /// Its generation (one more at each applied reload).
    gen: u64,
    /// Earlier policies that payments in flight began under, by generation.
    older: Vec<(u64, GuardConfig)>,
    profile: Profile,
    replica: String,
    replay_key: Vec<u8>,
    /// The replay key's HMAC schedule, computed once (the fingerprints).
    replay_mac: audit::AuditMac,
    /// The audit key, its MAC schedule computed once.
    audit_mac: audit::AuditMac,
    /// Strings found free of PII under the policy of the generation held
    /// with them (see [`crate::echo::CleanMemo`]): used only by payments of
    /// the current generation, emptied when it changes.
    clean: (u64, crate::echo::CleanMemo),
    /// The state (unshared store: the only copy; shared: as of the last step).
    state: GuardState,
    /// The audit head (the last line emitted).
    head: Option<Head>,
    /// The head as last saved in the store (a `save-head` counts from when
    /// it is emitted, a head riding a `cas-state` from its won answer).
    stored: Option<Head>,
    /// The last `save-head` emitted: its seq and the stored head before it
    /// (restored when its line is lost; a failed save's repair accepts it).
    last_save: Option<(u64, Option<Head>)>,
    /// The seq of a `save-head` not known performed yet (no later line is
    /// known written): no `cas-state` carries a head meanwhile, since its
    /// `prev_seq` would count on it.
    save_pending: Option<u64>,
    /// The last line known written: its task crossed again after the batch
    /// that held it (or the log read it back). Only such a head rides.
    written: Option<Head>,
    /// A `cas-state` carrying a head is in flight (at most one per guard, so
    /// that head saves reach the store in the order they were made).
    riding: bool,
    /// Start-up done.
    ready: bool,
    /// A lost audit line that a later line already chained to: refuse until reopened.
    broken: bool,
    tasks: BTreeMap<u64, Task>,
    /// Finished payments kept for a failure of their last batch, oldest first.
    finished: std::collections::VecDeque<u64>,
    next_id: u64,
    /// Unshared store: the replay set (fingerprint → expiry), kept here.
    replay: BTreeMap<String, u64>,
    /// Its size after the last sweep of expired entries.
    replay_swept: usize,
    /// Shared store: the last state and version the store answered (see
    /// "Optimistic state" in the module docs).
    snap: Option<Snap>,
    /// Crossings so far (a snapshot answered in the current one is fresh).
    crossing: u64,
}

/// The store's state as last answered: its text, its version and the
/// crossing that brought it.
#[derive(Debug, Clone)]
struct Snap {
    state: Option<String>,
    version: String,
    at: u64,
}

#[derive(Debug)]
enum Task {
    Open,
    Pay(Box<Payment>),
    Reload(Box<Reload>),
    /// A [`Driver::flush`] that saves the head (kept for a failure report).
    Flush,
}

impl Driver {
    /// A driver for a configuration, a host profile and the two keys.
    pub fn new(
        cfg: GuardConfig,
        profile: Profile,
        replay_key: &[u8],
        audit_key: &[u8],
    ) -> Result<Driver, Code> {
        if replay_key.len() < audit::MIN_KEY_BYTES || audit_key.len() < audit::MIN_KEY_BYTES {
            return Err(Code::KeyTooShort);
        }
        let replica = if cfg.replica_id.is_empty() {
            "-".to_string()
        } else {
            cfg.replica_id.clone()
        };
        Ok(Driver {
            ready: !profile.keep_head && !profile.log_reads_back,
            cfg,
            gen: 0,
            older: Vec::new(),
            profile,
            replica,
            replay_key: replay_key.to_vec(),
            replay_mac: audit::AuditMac::new(replay_key)?,
            audit_mac: audit::AuditMac::new(audit_key)?,
            clean: (0, crate::echo::CleanMemo::default()),
            state: GuardState::default(),
            head: None,
            stored: None,
            last_save: None,
            save_pending: None,
            written: None,
            riding: false,
            broken: false,
            tasks: BTreeMap::new(),
            finished: std::collections::VecDeque::new(),
            next_id: 1,
            replay: BTreeMap::new(),
            replay_swept: 0,
            snap: None,
            crossing: 0,
        })
    }

    /// [`Driver::new`] from configuration and profile JSON text.
    pub fn from_json(
        config: &str,
        profile: &str,
        replay_key: &[u8],
        audit_key: &[u8],
    ) -> Result<Driver, Vec<ConfigError>> {
        let cfg = GuardConfig::from_json(config)?;
        let one = |code| {
            vec![ConfigError {
                path: String::new(),
                code,
            }]
        };
        let p = serde_json::from_str(if profile.trim().is_empty() {
            "{}"
        } else {
            profile
        })
        .map_err(|_| one(Code::InvalidInput))?;
        let p = Profile::from_json(&p).map_err(one)?;
        Driver::new(cfg, p, replay_key, audit_key).map_err(one)
    }

    /// The configuration.
    pub fn config(&self) -> &GuardConfig {
        &self.cfg
    }

    /// Replaces the policy on the running guard (a hot reload): a task like
    /// a payment, whose batch is `audit`, `save-head`?, `done` (after a
    /// `load-head` when the guard must first reread its head). `config` is
    /// the configuration's JSON text, the same as at construction; the host
    /// validates nothing. Returns the task id and its first actions.
    ///
    /// **The rule.**
    /// - The core validates the new policy as at construction. An invalid one
    ///   is refused with its first error's code (every error, with its path,
    ///   is in `done.details.errors`) and the old policy stays in force. One
    ///   that changes the guard's identity, `replica_id` (its audit chain and
    ///   stored head belong to one replica) or `agent_id`, is refused with
    ///   `config-identity-changed`. The keys are not part of the policy: they
    ///   never change by reload.
    /// - A valid policy applies to every payment begun after the reload. A
    ///   payment in flight (its spend reserved, awaiting approvals, a
    ///   signature or its settlement) finishes entirely under the policy it
    ///   began with: its approvers and threshold, payload binding and audit
    ///   fields do not change under it.
    /// - Open reservations keep their amounts and ledger keys and are
    ///   committed or released as usual; they count, with the committed
    ///   spend, against the new limits of every later payment. A limit lowered
    ///   below the current total therefore refuses new payments until the
    ///   spend leaves the window; a per-endpoint key the new policy removes
    ///   limits nothing more, but its reservations still settle on it. A new
    ///   window length re-buckets the ledger at the next payment, never
    ///   under-counting.
    /// - Every reload, applied or refused, writes an audit line
    ///   (`event_type` `policy_reload`, `outcome` `applied` / `refused`, the
    ///   code, and as `resource_url` [`POLICY_URN`] with the hex SHA-256 of the
    ///   policy's RFC 8785 form, never its content), and its `done` carries
    ///   the metric `x402_policy_reloads_total{result}` and the digest in
    ///   `details.policy_sha256`. A reload whose line cannot be written is
    ///   undone (`store-unavailable`, the old policy back).
    pub fn reload(&mut self, config: &str, now_ms: u64) -> (u64, Vec<Action>) {
        let mut r = Box::new(Reload::new(self, config));
        let actions = if self.needs_head() {
            vec![Action::new(
                "load-head",
                obj!(
                    ("replica", self.replica),
                    ("from_store", self.profile.keep_head)
                ),
            )]
        } else {
            r.run(self, now_ms)
        };
        let mut actions = actions;
        self.mark_unsaved(&mut actions);
        let id = self.add(Task::Reload(r));
        self.kept(id);
        (id, actions)
    }

    /// [`Driver::reload`] as JSON text: `{"id", "actions"}`.
    pub fn reload_json(&mut self, config: &str, now_ms: u64) -> String {
        let (id, actions) = self.reload(config, now_ms);
        format!("{{\"id\":{id},\"actions\":{}}}", actions_json(&actions))
    }

    /// The current audit head.
    pub fn head(&self) -> Option<&Head> {
        self.head.as_ref()
    }

    /// The state's serialised form (with a shared store: as of the last step).
    pub fn state_json(&self) -> String {
        self.state.to_json().to_string()
    }

    /// Keeps what the store answered as the state to run the next step on.
    fn remember(&mut self, state: Option<String>, version: String) {
        self.snap = Some(Snap {
            state,
            version,
            at: self.crossing,
        });
    }

    /// Replaces the state with a saved one (empty text: a fresh state), for
    /// an unshared store.
    pub fn load_state_json(&mut self, text: &str) -> Result<(), Code> {
        self.state = parse_state(text)?;
        Ok(())
    }

    fn add(&mut self, t: Task) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        while self.tasks.len() >= MAX_TASKS {
            if let Some((_, Task::Pay(p))) = self.tasks.pop_first() {
                if p.carries_head() {
                    // Its head may still land: the next payment rereads it.
                    self.riding = false;
                    self.ready = false;
                }
            }
        }
        self.tasks.insert(id, t);
        id
    }

    /// Starts the guard: reconciles the audit head of this replica (store and
    /// log). Returns the task id and its first actions.
    pub fn open(&mut self) -> (u64, Vec<Action>) {
        self.broken = false;
        if !self.profile.keep_head && !self.profile.log_reads_back {
            self.ready = true;
            return (0, vec![done_ok()]);
        }
        self.ready = false;
        let id = self.add(Task::Open);
        (
            id,
            vec![Action::new(
                "load-head",
                obj!(
                    ("replica", self.replica),
                    ("from_store", self.profile.keep_head)
                ),
            )],
        )
    }

    /// Starts a payment for a request that got a 402. Returns the task id and
    /// its first actions.
    pub fn begin(&mut self, b: Begin, now_ms: u64) -> (u64, Vec<Action>) {
        self.crossing += 1;
        // A lost line can be recovered from only by a log that reads its head back.
        if self.broken && !self.profile.log_reads_back {
            return (0, vec![done_refused(Code::StoreUnavailable)]);
        }
        let (p, mut actions) = Payment::begin(self, b, now_ms);
        self.mark_unsaved(&mut actions);
        if p.finished() {
            return (0, actions);
        }
        let id = self.add(Task::Pay(Box::new(Payment::placeholder())));
        self.keep(id, Box::new(p), &actions);
        (id, actions)
    }

    /// Starts a control task: halts the guard (`Some((by, reason))`, the
    /// kill switch of [`crate::controls::halt`]) or resumes it (`None`). The
    /// flag is stored in the state (a compare-and-set transaction on a
    /// shared store, so every process sharing it sees it) with one audit
    /// line; the task ends with `done` (`allowed: true`). `invalid-input`
    /// (in `done`) for a `by` or `reason` over 256 bytes or with control
    /// characters. Returns the task id and its first actions.
    pub fn control(&mut self, halt: Option<(&str, &str)>, now_ms: u64) -> (u64, Vec<Action>) {
        self.crossing += 1;
        if self.broken && !self.profile.log_reads_back {
            return (0, vec![done_refused(Code::StoreUnavailable)]);
        }
        let halt =
            match halt.map(|(by, reason)| crate::controls::halt::Halt::new(by, reason, now_ms)) {
                None => None,
                Some(Ok(h)) => Some(h),
                Some(Err(c)) => return (0, vec![done_refused(c)]),
            };
        let (p, mut actions) = Payment::control(self, halt, now_ms);
        self.mark_unsaved(&mut actions);
        if p.finished() {
            return (0, actions);
        }
        let id = self.add(Task::Pay(Box::new(Payment::placeholder())));
        self.keep(id, Box::new(p), &actions);
        (id, actions)
    }

    /// [`Driver::control`] on JSON text `{"halt": bool, "by"?, "reason"?}`:
    /// `{"id", "actions"}`.
    pub fn control_json(&mut self, control: &str, now_ms: u64) -> Result<String, Code> {
        if control.len() > wire::MAX_EVENTS_BYTES {
            return Err(Code::InvalidInput);
        }
        let v: Value = serde_json::from_str(control).map_err(|_| Code::InvalidInput)?;
        let o = v.as_object().ok_or(Code::InvalidInput)?;
        if o.keys()
            .any(|k| !["halt", "by", "reason"].contains(&k.as_str()))
        {
            return Err(Code::InvalidInput);
        }
        let text = |k: &str| match o.get(k) {
            None | Some(Value::Null) => Ok(""),
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(_) => Err(Code::InvalidInput),
        };
        let (by, reason) = (text("by")?, text("reason")?);
        let halt = match o.get("halt") {
            Some(Value::Bool(true)) => Some((by, reason)),
            Some(Value::Bool(false)) => None,
            _ => return Err(Code::InvalidInput),
        };
        let (id, actions) = self.control(halt, now_ms);
        Ok(format!(
            "{{\"id\":{id},\"actions\":{}}}",
            actions_json(&actions)
        ))
    }

    /// The kill switch as last seen in the state (with a shared store: as of
    /// the last step): `null` or `{"by", "reason", "at_ms"}`.
    pub fn halted_json(&self) -> String {
        self.state
            .halted
            .as_ref()
            .map_or_else(|| "null".to_string(), |h| h.to_json().to_string())
    }

    /// Keeps a payment after a crossing. One whose batch ended with `done`
    /// stays only while a failure of that batch (`audit-failed`,
    /// `head-save-failed`) can still be reported: the host reports it in its
    /// next crossing, so the last [`MAX_FINISHED`] are enough.
    fn keep(&mut self, id: u64, p: Box<Payment>, batch: &[Action]) {
        if !batch.iter().any(|a| a.kind() == "done") {
            self.tasks.insert(id, Task::Pay(p));
            return;
        }
        if p.finished() {
            self.tasks.remove(&id);
            return;
        }
        self.tasks.insert(id, Task::Pay(p));
        self.kept(id);
    }

    /// A task that gave its `done` stays for a late failure report of its
    /// last batch, among the last [`MAX_FINISHED`].
    fn kept(&mut self, id: u64) {
        self.finished.push_back(id);
        while self.finished.len() > MAX_FINISHED {
            if let Some(old) = self.finished.pop_front() {
                let over = match self.tasks.get(&old) {
                    Some(Task::Pay(q)) => q.is_done(),
                    Some(Task::Reload(r)) => r.is_done(),
                    _ => false,
                };
                if over {
                    self.tasks.remove(&old);
                }
            }
        }
    }

    /// Feeds a crossing's events to task `id`; returns the next batch.
    /// `invalid-input` for an unknown task or an event it does not expect.
    pub fn handle(
        &mut self,
        id: u64,
        now_ms: u64,
        events: Vec<Event>,
    ) -> Result<Vec<Action>, Code> {
        let task = self.tasks.remove(&id).ok_or(Code::InvalidInput)?;
        self.crossing += 1;
        // A finished task stays (bounded by MAX_TASKS) so that a failure of its
        // last batch (`audit-failed`, `head-save-failed`) can still be reported.
        let mut out = match task {
            Task::Open => {
                let out = self.open_events(&events);
                self.tasks.insert(id, Task::Open);
                out
            }
            Task::Pay(mut p) => {
                let out = p.handle(self, now_ms, events);
                self.keep(id, p, out.as_deref().unwrap_or(&[]));
                out
            }
            Task::Reload(mut r) => {
                let out = r.handle(self, now_ms, &events);
                if !r.finished() {
                    self.tasks.insert(id, Task::Reload(r));
                }
                out
            }
            Task::Flush => self.flush_events(&events),
        };
        if let Ok(a) = out.as_mut() {
            self.mark_unsaved(a);
        }
        out
    }

    /// [`Driver::begin`] on JSON text: `{"id", "actions"}`.
    pub fn begin_json(&mut self, begin: &str, now_ms: u64) -> Result<String, Code> {
        if begin.len() > wire::MAX_EVENTS_BYTES {
            return Err(Code::InvalidInput);
        }
        let v: Value = serde_json::from_str(begin).map_err(|_| Code::InvalidInput)?;
        Ok(self.begin_text(Begin::from_json(&v)?, now_ms))
    }

    /// [`Driver::begin`] with its result as JSON text: `{"id", "actions"}`
    /// (for bindings that pass the request as values, not JSON).
    pub fn begin_text(&mut self, b: Begin, now_ms: u64) -> String {
        let (id, actions) = self.begin(b, now_ms);
        format!("{{\"id\":{id},\"actions\":{}}}", actions_json(&actions))
    }

    /// [`Driver::open`] as JSON text: `{"id", "actions"}`.
    pub fn open_json(&mut self) -> String {
        let (id, actions) = self.open();
        format!("{{\"id\":{id},\"actions\":{}}}", actions_json(&actions))
    }

    /// [`Driver::handle`] on JSON text (one event or an array); returns the actions' JSON.
    pub fn handle_json(&mut self, id: u64, now_ms: u64, events: &str) -> Result<String, Code> {
        let ev = Event::list_from_json(events)?;
        Ok(actions_json(&self.handle(id, now_ms, ev)?))
    }

    fn open_events(&mut self, events: &[Event]) -> Result<Vec<Action>, Code> {
        match events {
            [Event::Head { stored, log }] => {
                Ok(match self.reconcile(stored.clone(), log.clone(), true) {
                    Ok(mut out) => {
                        out.push(done_ok());
                        out
                    }
                    Err(detail) => vec![done_refused_detail(Code::StoreUnavailable, detail)],
                })
            }
            [Event::StoreError] | [Event::HeadSaveFailed] => {
                self.ready = false;
                Ok(vec![done_refused_detail(
                    Code::StoreUnavailable,
                    "head-save-refused",
                )])
            }
            _ => Err(Code::InvalidInput),
        }
    }

    /// The guard is quiet: saves an audit head the store does not hold yet
    /// (heads riding the compare-and-sets leave the last line's head
    /// unsaved; a `done` says so in `unsaved_head_ms`). Returns the task id
    /// and its actions: `save-head`, `done` (or only `done` when there is
    /// nothing to save, with the id 0), or, when the guard must first reread
    /// its head, the start-up's (see [`Driver::open`]), which saves a log
    /// ahead of the store.
    ///
    /// **The host's contract.** Call it only when every batch given out has
    /// been performed and no task is in flight (a host's `close`, and
    /// [`FLUSH_AFTER_MS`] after a `done` with `unsaved_head_ms` once nothing
    /// ran since): every line is then in the log. The driver checks its own
    /// side too: with a task in flight it saves nothing (that task's `done`
    /// says again whether a head is unsaved). A failed save
    /// (`head-save-failed`) ends the task with `store-unavailable`
    /// (`head-save-refused`); the next payment rereads the head first.
    pub fn flush(&mut self, _now_ms: u64) -> (u64, Vec<Action>) {
        self.crossing += 1;
        let busy = self.tasks.values().any(|t| match t {
            Task::Pay(p) => !p.is_done(),
            Task::Reload(r) => !r.is_done(),
            Task::Open | Task::Flush => false,
        });
        if busy || !self.profile.keep_head {
            return (0, vec![done_ok()]);
        }
        if self.needs_head() {
            // Only where heads ride: the start-up catches a log ahead of the store up.
            if !self.rides() {
                return (0, vec![done_ok()]);
            }
            return self.open();
        }
        // Every batch was performed: every line emitted is written, every save made.
        self.written = self.head.clone();
        self.save_pending = None;
        match self.head.clone().filter(|h| h.seq > self.stored_seq()) {
            None => (0, vec![done_ok()]),
            Some(h) => {
                let save = self.save_head_action(&h);
                let id = self.add(Task::Flush);
                self.kept(id);
                (id, vec![save, done_ok()])
            }
        }
    }

    /// [`Driver::flush`] as JSON text: `{"id", "actions"}`.
    pub fn flush_json(&mut self, now_ms: u64) -> String {
        let (id, actions) = self.flush(now_ms);
        format!("{{\"id\":{id},\"actions\":{}}}", actions_json(&actions))
    }

    fn flush_events(&mut self, events: &[Event]) -> Result<Vec<Action>, Code> {
        match events {
            [Event::HeadSaveFailed] => {
                // Whether it landed is unknown: the next payment rereads the head.
                self.ready = false;
                Ok(vec![done_refused_detail(
                    Code::StoreUnavailable,
                    "head-save-refused",
                )])
            }
            _ => Err(Code::InvalidInput),
        }
    }

    /// Marks a batch's `done` with `unsaved_head_ms` (the time to wait,
    /// quiet, before [`Driver::flush`]) when the head is not saved yet
    /// because heads ride the compare-and-sets.
    fn mark_unsaved(&self, actions: &mut [Action]) {
        let head = self.head.as_ref().map_or(0, |h| h.seq);
        if !self.rides() || !self.ready || self.broken || head <= self.stored_seq() {
            return;
        }
        if let Some(done) = actions.iter_mut().rev().find(|a| a.kind() == "done") {
            done.append_member("unsaved_head_ms", &FLUSH_AFTER_MS.to_string());
        }
    }

    /// Unshared store: the atomic check-and-set of a fingerprint (`None`
    /// when the set is full of live entries). Expired entries are swept when
    /// the set has doubled since the last sweep, so the cost stays flat.
    fn replay_set(&mut self, fp: &str, ttl_ms: u64, now_ms: u64) -> Option<bool> {
        if self.replay.get(fp).is_some_and(|&exp| exp > now_ms) {
            return Some(false);
        }
        if self.replay.len() >= (2 * self.replay_swept).max(1024) || self.replay.len() >= MAX_REPLAY
        {
            self.replay.retain(|_, exp| *exp > now_ms);
            self.replay_swept = self.replay.len();
            if self.replay.len() >= MAX_REPLAY {
                return None;
            }
        }
        self.replay
            .insert(fp.to_string(), now_ms.saturating_add(ttl_ms));
        Some(true)
    }

    /// Takes the replica's head from the store and the log (start-up, and a
    /// payment after a head problem): the head to chain to, or why another
    /// writer is suspected. With `catch_up`, a log ahead of the store (a
    /// crash between a line and its head save) gets its head saved now;
    /// otherwise the next save, made against the stored seq, catches up.
    /// Nothing happens when the guard is ready already (tasks that reread the
    /// head together: the first answer counts).
    #[inline(never)]
    fn reconcile(
        &mut self,
        stored: Option<Head>,
        log: Option<Head>,
        catch_up: bool,
    ) -> Result<Vec<Action>, &'static str> {
        if self.ready && !self.broken {
            // Another task reread the head first and lines may have been chained
            // since, not yet written: this older reading must not rewind the head.
            return Ok(Vec::new());
        }
        let stored = if self.profile.keep_head { stored } else { None };
        let log = if self.profile.log_reads_back {
            log
        } else {
            None
        };
        if let (true, Some(s)) = (self.profile.log_reads_back, &stored) {
            // A log that reads its own head back must hold the stored head or be
            // ahead of it (a crash between the line and the head save).
            let behind = match &log {
                None => true,
                Some(l) => l.seq < s.seq || (l.seq == s.seq && l.mac != s.mac),
            };
            if behind {
                self.ready = false;
                return Err("head-not-in-log");
            }
        }
        self.stored = stored.clone();
        self.last_save = None;
        self.save_pending = None;
        let truth = if self.profile.log_reads_back {
            self.written = log.clone();
            log.clone()
        } else {
            stored
        };
        // Lines chained since and not yet written (in the write queue) are
        // ahead of what was read: the head is not rewound over them. After a
        // lost line (`broken`) the log read back is the truth.
        let in_flight = match (&self.head, &truth) {
            (Some(h), t) => !self.broken && h.seq > t.as_ref().map_or(0, |t| t.seq),
            (None, _) => false,
        };
        if !in_flight {
            self.head = truth;
        }
        let mut out = Vec::new();
        if let Some(l) =
            log.filter(|l| catch_up && self.profile.keep_head && l.seq > self.stored_seq())
        {
            out.push(self.save_head_action(&l));
        }
        self.ready = true;
        self.broken = false;
        Ok(out)
    }

    /// Whether a payment must first reread the replica's head (after a head
    /// conflict, or a lost line on a log that reads its head back).
    fn needs_head(&self) -> bool {
        (self.profile.keep_head || self.profile.log_reads_back) && (!self.ready || self.broken)
    }

    /// The stored head's seq (0 when none).
    fn stored_seq(&self) -> u64 {
        self.stored.as_ref().map_or(0, |h| h.seq)
    }

    /// The `save-head` of `h` (counted as stored from now: the host performs
    /// it after the line, in the guard's write queue).
    fn save_head_action(&mut self, h: &Head) -> Action {
        let a = Action::new(
            "save-head",
            obj!(
                ("replica", self.replica),
                ("head", wire::head_json(h)),
                ("prev_seq", self.stored_seq())
            ),
        );
        self.last_save = Some((h.seq, self.stored.replace(h.clone())));
        self.save_pending = Some(h.seq);
        a
    }

    /// Heads ride the compare-and-sets (the profile's `cas_head`, on a
    /// shared store that keeps the head, with a log that reads its head back).
    fn rides(&self) -> bool {
        let p = &self.profile;
        p.shared && p.keep_head && p.log_reads_back && p.cas_head
    }

    /// The head a `cas-state` made now carries (`save_head`), marked in
    /// flight: the last line known written when it is ahead of the stored
    /// head, else the stored head itself (a check that no other writer
    /// moved it); none while another head is in flight or a `save-head` is
    /// not known performed.
    fn ride(&mut self) -> Option<(Head, Value)> {
        if !self.rides() || self.riding || !self.ready || self.broken || self.save_pending.is_some()
        {
            return None;
        }
        let stored = self.stored_seq();
        let h = match self.written.clone().filter(|w| w.seq > stored) {
            Some(w) => w,
            None => self.stored.clone()?,
        };
        self.riding = true;
        let v = obj!(
            ("replica", self.replica),
            ("head", wire::head_json(&h)),
            ("prev_seq", stored)
        );
        Some((h, v))
    }

    /// A line's batch was performed (its task crossed again without a write
    /// failure): the line is in the log.
    fn confirm(&mut self, h: &Head) {
        let known = self.head.as_ref().is_some_and(|c| c.seq >= h.seq);
        if known && self.written.as_ref().is_none_or(|w| w.seq < h.seq) {
            self.written = Some(h.clone());
        }
        // A save queued before a line now known written was performed before
        // it, and so was the line's own save, in the batch that held it.
        if self.save_pending.is_some_and(|s| s <= h.seq) {
            self.save_pending = None;
        }
    }

    /// Chains `event` after the head; returns the `audit` (and `save-head`)
    /// actions and the head before. `follows`: a compare-and-set of the same
    /// task follows the line (an allowed pre-sign check: the settlement's),
    /// so that, when heads ride, the line's head rides with it. `check`: the
    /// line saves its head in any case (a check of the replica's head before
    /// signing that the reservation could not make).
    #[inline(never)]
    fn chain(
        &mut self,
        ev: &audit::AuditEvent,
        now_ms: u64,
        follows: bool,
        check: bool,
    ) -> Result<(Vec<Action>, Option<Head>, Head, String), Code> {
        let (line, head) = audit::append_keyed(&self.audit_mac, self.head.as_ref(), ev, now_ms)?;
        let prev = self.head.replace(head.clone());
        let mut out = vec![Action::write(
            "audit",
            &wire::AuditRecord {
                kind: "audit",
                head: (&head).into(),
                line: &line,
            },
        )];
        // Riding heads: the stored head may trail the log by this line alone
        // (its head rides with the next compare-and-set once it is known
        // written); a line that would leave two unsaved gets its own save,
        // unless a head-carrying compare-and-set is in flight.
        let unsaved_before = prev.as_ref().map_or(0, |h| h.seq) > self.stored_seq();
        let defer = self.rides() && !check && (follows || !unsaved_before || self.riding);
        if self.profile.keep_head && !defer {
            out.push(self.save_head_action(&head));
        }
        Ok((out, prev, head, line))
    }

    /// An audit line was lost: the chain goes on from the line before it, or,
    /// when a later line already chained to it, the driver stops.
    fn audit_lost(&mut self, line_head: &Head, prev: Option<Head>) {
        if self.head.as_ref() == Some(line_head) {
            // Its save-head, if it had one, was not performed either.
            if let Some((seq, before)) = self.last_save.take() {
                if seq == line_head.seq && self.stored_seq() == seq {
                    self.stored = before;
                    self.save_pending = None;
                } else {
                    self.last_save = Some((seq, before));
                }
            }
            self.head = prev;
        } else {
            self.broken = true;
        }
    }
}

/// The policy of generation `want`: the current one or an earlier one kept
/// for the payments in flight that began under it.
pub(crate) fn policy<'a>(
    cfg: &'a GuardConfig,
    gen: u64,
    older: &'a [(u64, GuardConfig)],
    want: u64,
) -> &'a GuardConfig {
    if want == gen {
        return cfg;
    }
    older.iter().find(|o| o.0 == want).map_or(cfg, |o| &o.1)
}

fn parse_state(text: &str) -> Result<GuardState, Code> {
    if text.trim().is_empty() {
        return Ok(GuardState::default());
    }
    let v = crate::canonical::parse_strict(text, 16 << 20, 8).map_err(|_| Code::StateCorrupt)?;
    GuardState::from_json(&v)
}

fn done_ok() -> Action {
    Action::new(
        "done",
        obj!(
            ("allowed", true),
            ("code", Value::Null),
            ("family", Value::Null),
            ("settlement", Value::Null),
            ("metrics", Value::Array(Vec::new())),
            ("details", obj!()),
            ("audit_line", Value::Null)
        ),
    )
}

fn done_refused(code: Code) -> Action {
    done_refused_detail(code, "")
}

fn done_refused_detail(code: Code, reason: &str) -> Action {
    let details = if reason.is_empty() {
        obj!()
    } else {
        obj!(("reason", reason))
    };
    Action::new(
        "done",
        obj!(
            ("allowed", false),
            ("code", code.as_str()),
            ("family", tables::family(code).as_str()),
            ("settlement", Value::Null),
            ("metrics", Value::Array(Vec::new())),
            ("details", details),
            ("audit_line", Value::Null)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A v2 `PAYMENT-REQUIRED` header offering `amount` (6-decimal USDC on Base) for `url`.
    fn v2_header(url: &str, amount: &str) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(
            json!({"x402Version": 2, "resource": {"url": url},
                "accepts": [{"scheme": "exact", "network": "eip155:8453", "amount": amount,
                "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
                "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 60}]})
            .to_string(),
        )
    }

    fn done_of_kind(actions: &[Action]) -> String {
        let v: Value = serde_json::from_str(&actions_json(actions)).expect("json");
        v[0]["do"].as_str().unwrap_or_default().to_string()
    }

    fn done_of(actions: &[Action]) -> Value {
        let v: Value = serde_json::from_str(&actions_json(actions)).expect("json");
        v.as_array()
            .and_then(|a| a.iter().find(|x| x["do"] == "done").cloned())
            .expect("done")
    }

    #[test]
    fn reload_keeps_state_and_head_audits_and_refuses_another_identity() {
        let cfg = GuardConfig::from_json(r#"{"daily_limit_usd":5,"replica_id":"a"}"#).expect("cfg");
        let mut d = Driver::new(cfg, Profile::default(), &[1; 32], &[2; 32]).expect("driver");
        d.load_state_json(
            r#"{"v":1,"spend":{"v":1,"b":900000,"n":3,"l":{},"r":[]},"pins":{"o n":"p"}}"#,
        )
        .expect("state");
        let before = d.state_json();
        let five = d.config().daily_limit_usd;
        for (text, code, path) in [
            (
                r#"{"daily_limit_usd":1,"replica_id":"b"}"#,
                "config-identity-changed",
                "replica_id",
            ),
            (
                r#"{"daily_limit_usd":1,"replica_id":"a","agent_id":"x"}"#,
                "config-identity-changed",
                "agent_id",
            ),
            (
                r#"{"daily_limit_usd":"x","replica_id":"a"}"#,
                "usd-malformed",
                "daily_limit_usd",
            ),
            ("{", "config-malformed", ""),
        ] {
            let (_, out) = d.reload(text, 10);
            let done = done_of(&out);
            assert_eq!(done["allowed"], false, "{text}");
            assert_eq!(done["code"], code, "{text}");
            assert_eq!(done["details"]["errors"][0]["path"], path, "{text}");
            assert_eq!(done["metrics"][0]["labels"]["result"], "refused");
            assert!(done["audit_line"]
                .as_str()
                .is_some_and(|l| l.contains("\"refused\"")));
            assert_eq!(d.config().daily_limit_usd, five);
        }
        let (_, out) = d.reload(r#"{"replica_id":"a","daily_limit_usd":1}"#, 11);
        let done = done_of(&out);
        assert_eq!(done["allowed"], true);
        let digest = done["details"]["policy_sha256"].as_str().expect("digest");
        // The digest is of the RFC 8785 form: member order does not change it.
        let (_, again) = d.reload(r#"{"daily_limit_usd":1, "replica_id":"a"}"#, 12);
        assert_eq!(done_of(&again)["details"]["policy_sha256"], digest);
        let line = done["audit_line"].as_str().expect("line");
        assert!(line.contains(&format!("{POLICY_URN}{digest}")) && !line.contains("daily_limit"));
        assert_ne!(d.config().daily_limit_usd, five);
        assert_eq!(d.state_json(), before);
        assert_eq!(d.head().map(|h| h.seq), Some(6));
    }

    /// The clean-string memo is the current policy's: a text memoised clean
    /// under a policy that ignores e-mail addresses is scanned again, and
    /// refused, once a reload makes them count.
    #[test]
    fn a_reload_empties_the_clean_string_memo() {
        let header = v2_header("https://api.example.com/a", "10000");
        let begin = json!({"url": "https://api.example.com/a", "payment_required": header,
            "reason": "send the report to alice@example.com"})
        .to_string();
        let cfg = GuardConfig::from_json(
            r#"{"max_per_call_usd":0.001,"pii":{"entities":["US_SSN"],"action":"block"}}"#,
        )
        .expect("cfg");
        let mut d = Driver::new(cfg, Profile::default(), &[1; 32], &[2; 32]).expect("driver");
        let first: Value =
            serde_json::from_str(&d.begin_json(&begin, 10).expect("begin")).expect("json");
        let done = |v: &Value| {
            v["actions"]
                .as_array()
                .and_then(|a| a.iter().find(|x| x["do"] == "done").cloned())
                .expect("done")
        };
        // Refused by the per-call limit, the reason scanned clean (no SSN).
        assert_eq!(done(&first)["code"], "policy-per-call-exceeded");
        let (_, out) = d.reload(
            r#"{"max_per_call_usd":0.001,"pii":{"entities":["EMAIL_ADDRESS"],"action":"block"}}"#,
            11,
        );
        assert_eq!(done_of(&out)["allowed"], true);
        let again: Value =
            serde_json::from_str(&d.begin_json(&begin, 12).expect("begin")).expect("json");
        assert_eq!(done(&again)["code"], "pii-blocked");
    }

    #[test]
    fn a_reload_whose_line_is_lost_is_undone() {
        let cfg = GuardConfig::from_json(r#"{"daily_limit_usd":5}"#).expect("cfg");
        let mut d = Driver::new(cfg, Profile::default(), &[1; 32], &[2; 32]).expect("driver");
        let five = d.config().daily_limit_usd;
        let (id, out) = d.reload(r#"{"daily_limit_usd":1}"#, 10);
        assert_eq!(done_of(&out)["allowed"], true);
        assert_ne!(d.config().daily_limit_usd, five);
        let out = d.handle(id, 11, vec![Event::AuditFailed]).expect("handled");
        let done = done_of(&out);
        assert_eq!(
            (done["allowed"].clone(), done["code"].clone()),
            (json!(false), json!("store-unavailable"))
        );
        assert_eq!(d.config().daily_limit_usd, five);
        assert_eq!(d.head(), None);
        assert_eq!(
            d.handle(id, 12, vec![Event::AuditFailed]),
            Err(Code::InvalidInput)
        );
    }

    #[test]
    fn a_cas_answer_is_a_snapshot_only_with_what_it_says() {
        let ev = |t: &str| Event::from_json(&serde_json::from_str(t).expect("json"));
        let cas = |won, fresh, snapshot| {
            Ok(Event::Cas {
                won,
                fresh,
                snapshot,
                head_saved: None,
            })
        };
        assert_eq!(ev(r#"{"on":"cas","won":true}"#), cas(true, None, None));
        // A win's state is the one sent: only the new version counts.
        assert_eq!(
            ev(r#"{"on":"cas","won":true,"fresh":true,"version":"7","state":"x"}"#),
            cas(true, Some(true), Some((None, "7".into())))
        );
        assert_eq!(
            ev(r#"{"on":"cas","won":false,"state":"{}","version":"7"}"#),
            cas(false, None, Some((Some("{}".into()), "7".into())))
        );
        assert_eq!(
            ev(r#"{"on":"cas","won":false,"state":null,"version":"0"}"#),
            cas(false, None, Some((None, "0".into())))
        );
        // A lost answer without its state is no snapshot (not an empty store).
        assert_eq!(
            ev(r#"{"on":"cas","won":false,"version":"7"}"#),
            cas(false, None, None)
        );
        assert_eq!(
            ev(r#"{"on":"cas","won":false,"fresh":false}"#),
            cas(false, Some(false), None)
        );
        assert_eq!(
            ev(r#"{"on":"cas","won":false,"fresh":"no"}"#),
            Err(Code::InvalidInput)
        );
        assert_eq!(
            ev(r#"{"on":"cas","won":false,"head_saved":false}"#),
            Ok(Event::Cas {
                won: false,
                fresh: None,
                snapshot: None,
                head_saved: Some(false)
            })
        );
        assert_eq!(
            ev(r#"{"on":"cas","won":true,"head_saved":1}"#),
            Err(Code::InvalidInput)
        );
        assert_eq!(
            ev(r#"{"on":"cas","won":false,"state":1,"version":"7"}"#),
            Err(Code::InvalidInput)
        );
    }

    /// Riding heads with payments in flight together: one head-carrying
    /// `cas-state` at a time, a line that would leave two unsaved saves its
    /// own head unless one rides, and the stored head never passes a line
    /// that is not known written.
    #[test]
    fn one_head_rides_at_a_time_and_only_a_written_line() {
        let cfg = GuardConfig::from_json(
            r#"{"max_per_call_usd":0.10,"daily_limit_usd":5,"payload":{"check":"opaque"}}"#,
        )
        .expect("cfg");
        let profile = Profile::from_json(&json!({"shared": true, "keep_head": true,
            "log_reads_back": true, "cas_head": true}))
        .expect("profile");
        let mut d = Driver::new(cfg, profile, &[1; 32], &[2; 32]).expect("driver");
        let acts = |a: &[Action]| -> Vec<Value> {
            serde_json::from_str::<Value>(&actions_json(a))
                .expect("json")
                .as_array()
                .cloned()
                .expect("array")
        };
        let ev = |v: Value| Event::from_json(&v).expect("event");
        let (open, first) = d.open();
        assert_eq!(acts(&first)[0]["do"], "load-head");
        let out = d
            .handle(
                open,
                1,
                vec![ev(json!({"on": "head", "stored": null, "log": null}))],
            )
            .expect("open");
        assert_eq!(acts(&out)[0]["do"], "done");
        let begin = |d: &mut Driver, path: &str, amount: &str, now| {
            let url = format!("https://api.example.com/{path}");
            let header = v2_header(&url, amount);
            let b = Begin::from_json(&json!({"url": url, "payment_required": header, "seed": 7}))
                .expect("begin");
            d.begin(b, now)
        };
        let won =
            |v: u64| ev(json!({"on": "cas", "won": true, "fresh": true, "version": v.to_string()}));
        let kinds = |a: &[Value]| {
            a.iter()
                .map(|x| x["do"].as_str().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        };
        // A: reserved, pre-sign line (seq 1, deferred), signed, sent.
        let (a, out) = begin(&mut d, "a", "10000", 2);
        assert_eq!(kinds(&acts(&out)), ["load-state"]);
        let out = d
            .handle(
                a,
                3,
                vec![ev(json!({"on": "state", "state": null, "version": "0"}))],
            )
            .expect("a");
        assert!(acts(&out)[0].get("save_head").is_none());
        let out = d.handle(a, 4, vec![won(1)]).expect("a");
        assert_eq!(kinds(&acts(&out)), ["audit", "sign"]);
        let signed = ev(json!({"on": "signed", "payload": {"signature": "0x01"}}));
        let out = d.handle(a, 5, vec![signed.clone()]).expect("a");
        assert_eq!(kinds(&acts(&out)), ["send"]);
        let paid = ev(json!({"on": "response", "status": 200,
            "settlement": "eyJzdWNjZXNzIjp0cnVlLCJ0cmFuc2FjdGlvbiI6IjB4MSJ9"}));
        // A's settlement carries its pre-sign line, known written since `signed`.
        let a_settle = acts(&d.handle(a, 6, vec![paid.clone()]).expect("a"));
        assert_eq!(a_settle[0]["do"], "cas-state");
        assert_eq!(a_settle[0]["save_head"]["head"]["seq"], 1);
        assert_eq!(a_settle[0]["save_head"]["prev_seq"], 0);
        // B runs while A's head rides: nothing of B's carries a head.
        let (b, out) = begin(&mut d, "b", "10000", 7);
        let out = acts(&out);
        assert_eq!(kinds(&out), ["cas-state"]);
        assert!(out[0].get("save_head").is_none());
        let out = d.handle(b, 8, vec![won(2)]).expect("b");
        assert_eq!(kinds(&acts(&out)), ["audit", "sign"]);
        d.handle(b, 9, vec![signed]).expect("b");
        let b_settle = acts(&d.handle(b, 10, vec![paid]).expect("b"));
        assert_eq!(kinds(&b_settle), ["cas-state"]);
        assert!(b_settle[0].get("save_head").is_none());
        // A refusal now (line 3) would leave lines 1..3 unsaved, but a head
        // rides: no save of its own.
        let (c, out) = begin(&mut d, "c", "900000", 11);
        assert_eq!(kinds(&acts(&out)), ["load-state"]);
        let state = d.state_json();
        let out = acts(
            &d.handle(
                c,
                11,
                vec![ev(json!({"on": "state", "state": state, "version": "2"}))],
            )
            .expect("c"),
        );
        assert_eq!(kinds(&out), ["audit", "done"]);
        assert_eq!(out[1]["code"], "policy-per-call-exceeded");
        // A's settlement is stored with its head; its settled line would leave two
        // unsaved lines (B's pre-sign line and itself): it saves its own head.
        let out = acts(
            &d.handle(
                a,
                12,
                vec![ev(
                    json!({"on": "cas", "won": true, "version": "3", "head_saved": true}),
                )],
            )
            .expect("a"),
        );
        assert_eq!(kinds(&out), ["audit", "save-head", "done"]);
        let seq = out[0]["head"]["seq"].as_u64().expect("seq");
        assert_eq!(out[1]["head"]["seq"], seq);
        assert_eq!((seq, &out[1]["prev_seq"]), (4, &json!(1)));
        let saved = out[1]["head"].clone();
        // A flush while B is in flight saves nothing: B's done will say.
        assert_eq!(d.flush(13), (0, vec![done_ok()]));
        // B's settled line is the only unsaved one: deferred, and its done says so.
        let out = acts(&d.handle(b, 13, vec![won(4)]).expect("b"));
        assert_eq!(kinds(&out), ["audit", "done"]);
        assert_eq!(out[0]["head"]["seq"], seq + 1);
        assert_eq!(out[1]["unsaved_head_ms"], FLUSH_AFTER_MS);
        assert_eq!(d.stored_seq(), seq);
        assert!(!d.riding);
        // Quiet: the flush saves B's line against the stored head, once.
        let (f, out) = d.flush(40);
        let out = acts(&out);
        assert_eq!(kinds(&out), ["save-head", "done"]);
        assert_eq!(
            (&out[0]["head"]["seq"], &out[0]["prev_seq"]),
            (&json!(seq + 1), &json!(seq))
        );
        assert_ne!(f, 0);
        assert_eq!(d.flush(41), (0, vec![done_ok()]));
        // Its failure: the next payment rereads the head first.
        let out = acts(
            &d.handle(f, 42, vec![ev(json!({"on": "head-save-failed"}))])
                .expect("f"),
        );
        assert_eq!(out[0]["code"], "store-unavailable");
        assert!(d.needs_head());
        // A flush now rereads the head (the start-up), which catches the store up.
        let (o, out) = d.flush(43);
        assert_eq!(kinds(&acts(&out)), ["load-head"]);
        let log = json!({"seq": seq + 1, "mac": d.head().expect("head").mac});
        let answer = json!({"on": "head", "stored": saved, "log": log});
        let out = acts(&d.handle(o, 44, vec![ev(answer)]).expect("o"));
        assert_eq!(kinds(&out), ["save-head", "done"]);
        assert_eq!(d.stored_seq(), seq + 1);
    }

    /// Two payments begun before the guard is open both reread the head:
    /// the first answer reconciles; the second, read before the first
    /// payment's line was written, must not rewind the chain over it.
    #[test]
    fn a_second_reread_never_rewinds_the_chain() {
        let cfg = GuardConfig::from_json(r#"{"max_per_call_usd":0.001}"#).expect("cfg");
        let profile = Profile::from_json(&json!({"keep_head": true, "log_reads_back": true}))
            .expect("profile");
        let mut d = Driver::new(cfg, profile, &[1; 32], &[2; 32]).expect("driver");
        let header = v2_header("https://api.example.com/a", "10000");
        let b = || {
            Begin::from_json(&json!({"url": "https://api.example.com/a",
                "payment_required": header, "seed": 7}))
            .expect("begin")
        };
        let (p1, out1) = d.begin(b(), 1);
        let (p2, out2) = d.begin(b(), 2);
        assert_eq!(done_of_kind(&out1), "load-head");
        assert_eq!(done_of_kind(&out2), "load-head");
        let head = |v: Value| Event::from_json(&v).expect("event");
        let empty = || head(json!({"on": "head", "stored": null, "log": null}));
        // The first reconciles on an empty log and writes its refusal line (seq 1).
        let out = d.handle(p1, 3, vec![empty()]).expect("p1");
        assert_eq!(d.head().map(|h| h.seq), Some(1), "{}", actions_json(&out));
        // The second's reading (taken before line 1 was written) changes nothing.
        let out = d.handle(p2, 4, vec![empty()]).expect("p2");
        assert_eq!(d.head().map(|h| h.seq), Some(2), "{}", actions_json(&out));
    }

    #[test]
    fn the_unshared_replay_set_expires_sweeps_and_stays_bounded() {
        let mut d = Driver::new(
            GuardConfig::default(),
            Profile::default(),
            &[1; 32],
            &[2; 32],
        )
        .expect("driver");
        for i in 0..3000u64 {
            assert_eq!(d.replay_set(&format!("{i:064x}"), 10, i), Some(true));
        }
        // Live entries are replays; expired ones are fresh again.
        assert_eq!(
            d.replay_set(&format!("{:064x}", 2999), 10, 3000),
            Some(false)
        );
        assert_eq!(d.replay_set(&format!("{:064x}", 0), 10, 3000), Some(true));
        // Sweeps kept the set near its live size, not its history.
        assert!(d.replay.len() < 2100, "{}", d.replay.len());
    }
}
