//! [`Guard`]: one configured guard with its state and in-flight assessments.
//!
//! Bindings (the WIT component, the wasm-bindgen crate) wrap a `Guard` so a
//! host needs only flat values per call: `assess` returns an id, and
//! `finalize`/`settle` take that id back. The guard is still pure: the host
//! passes `now_ms`, keys and I/O results in, persists [`Guard::state_json`]
//! wherever it likes (memory, file, Redis), and loads it back with
//! [`Guard::load_state_json`] before deciding.
//!
//! ## Shared stores: compare-and-set
//! When several processes share one state (a Redis or file store), a host
//! runs each step as a transaction: load the stored state and its version,
//! [`Guard::load_state_json`], run the step, then store [`Guard::state_json`]
//! only if the version is unchanged. When another process won the race, the
//! host calls [`Guard::undo`] (which puts the in-flight assessment back as it
//! was before the step), reloads the newer state and runs the step again. The
//! step's outputs (verdict, audit line, head) count only once the store has
//! accepted the state.

use crate::audit::{AuditMac, Head};
use crate::config::GuardConfig;
use crate::echo::CleanMemo;
use crate::error::{Code, ConfigError};
use crate::pipeline::{
    self, Assessment, Decision, HostResults, Outcome, PaymentContext, ReplayKey,
};
use crate::policy::GuardState;
use std::collections::BTreeMap;

/// Most in-flight assessments kept; the oldest is dropped beyond this (its
/// reservation then ends with its lease, which only ever over-counts).
pub const MAX_PENDING: usize = 1024;

/// A configured guard.
#[derive(Clone, Debug)]
pub struct Guard {
    cfg: GuardConfig,
    state: GuardState,
    pending: BTreeMap<u64, (Assessment, bool)>,
    next_id: u64,
    undo: Option<Undo>,
    /// The last audit key seen, its MAC schedule computed once (hosts pass
    /// the same key on every call).
    audit_mac: Option<AuditMac>,
    /// The last replay key seen, its HMAC schedule computed once (as
    /// `audit_mac`).
    replay_mac: Option<AuditMac>,
    /// Strings found free of PII under `cfg` (which never changes), not
    /// scanned again.
    clean: CleanMemo,
}

/// How to take back the last step's effect on the in-flight assessments.
#[derive(Clone, Debug)]
enum Undo {
    /// `assess` added this id.
    Added(u64),
    /// `finalize` allowed this id (marked it finalized).
    Finalized(u64),
    /// `finalize` refused, or `settle` ended, this entry.
    Removed(u64, Box<(Assessment, bool)>),
}

impl Guard {
    /// Builds a guard from configuration JSON text.
    pub fn new(config_json: &str) -> Result<Guard, Vec<ConfigError>> {
        Ok(Guard::with_config(GuardConfig::from_json(config_json)?))
    }

    /// Builds a guard from a validated configuration.
    pub fn with_config(cfg: GuardConfig) -> Guard {
        Guard {
            cfg,
            state: GuardState::default(),
            pending: BTreeMap::new(),
            next_id: 1,
            undo: None,
            audit_mac: None,
            replay_mac: None,
            clean: CleanMemo::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &GuardConfig {
        &self.cfg
    }

    /// The state, for inspection.
    pub fn state(&self) -> &GuardState {
        &self.state
    }

    /// The state's serialised form, for the host's store.
    pub fn state_json(&self) -> String {
        self.state.to_json().to_string()
    }

    /// Replaces the state with a stored one (empty text means a fresh state).
    pub fn load_state_json(&mut self, text: &str) -> Result<(), Code> {
        if text.trim().is_empty() {
            self.state = GuardState::default();
            return Ok(());
        }
        let v =
            crate::canonical::parse_strict(text, 16 << 20, 8).map_err(|_| Code::StateCorrupt)?;
        self.state = GuardState::from_json(&v)?;
        Ok(())
    }

    /// Step 1 (see [`pipeline`]): returns the assessment's id and the assessment.
    pub fn assess(&mut self, ctx: &PaymentContext<'_>, replay_key: &[u8]) -> (u64, &Assessment) {
        self.assess_with_hints(ctx, &[], replay_key)
    }

    /// [`Guard::assess`] with a host detector's PII hints (see
    /// [`pipeline::assess_with_hints`]).
    pub fn assess_with_hints(
        &mut self,
        ctx: &PaymentContext<'_>,
        hints: &[crate::pii::PiiHint],
        replay_key: &[u8],
    ) -> (u64, &Assessment) {
        let replay = ReplayKey::Keyed(cached(&mut self.replay_mac, replay_key));
        let memo = Some(&mut self.clean);
        let a =
            pipeline::assess_with_hints_keyed(&self.cfg, &mut self.state, ctx, hints, replay, memo);
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        while self.pending.len() >= MAX_PENDING {
            self.pending.pop_first();
        }
        self.undo = Some(Undo::Added(id));
        let (a, _) = self.pending.entry(id).or_insert((a, false));
        (id, a)
    }

    /// The in-flight assessment `id`, if still held.
    pub fn assessment(&self, id: u64) -> Option<&Assessment> {
        self.pending.get(&id).map(|(a, _)| a)
    }

    /// Step 3: the pre-signing verdict. A refused assessment is dropped; an
    /// allowed one is kept for [`Guard::settle`].
    pub fn finalize(
        &mut self,
        id: u64,
        io: &HostResults,
        audit_key: &[u8],
        head: Option<&Head>,
        now_ms: u64,
    ) -> Result<Decision, Code> {
        let mac = cached(&mut self.audit_mac, audit_key);
        let (a, done) = self.pending.get(&id).ok_or(Code::InvalidInput)?;
        if *done {
            return Err(Code::InvalidInput);
        }
        // As `pipeline::finalize`, with the cached key schedule.
        let mac = mac.ok_or(Code::KeyTooShort)?;
        let d = pipeline::finalize_step(&self.cfg, &mut self.state, a, io, now_ms)
            .chain_keyed(mac, head, now_ms)?;
        if d.allowed {
            if let Some(p) = self.pending.get_mut(&id) {
                p.1 = true;
            }
            self.undo = Some(Undo::Finalized(id));
        } else {
            self.undo = self
                .pending
                .remove(&id)
                .map(|e| Undo::Removed(id, Box::new(e)));
        }
        Ok(d)
    }

    /// Step 4: after the paid request; drops the assessment. Only an
    /// assessment that [`Guard::finalize`] allowed can be settled.
    pub fn settle(
        &mut self,
        id: u64,
        outcome: Outcome,
        audit_key: &[u8],
        head: Option<&Head>,
        now_ms: u64,
    ) -> Result<Decision, Code> {
        let mac = cached(&mut self.audit_mac, audit_key);
        let (a, done) = self.pending.get(&id).ok_or(Code::InvalidInput)?;
        if !*done {
            return Err(Code::InvalidInput);
        }
        // As `pipeline::settle`, with the cached key schedule.
        let mac = mac.ok_or(Code::KeyTooShort)?;
        let d = pipeline::settle_step(&self.cfg, &mut self.state, a, outcome)
            .chain_keyed(mac, head, now_ms)?;
        self.undo = self
            .pending
            .remove(&id)
            .map(|e| Undo::Removed(id, Box::new(e)));
        Ok(d)
    }

    /// Takes back the last successful `assess`, `finalize` or `settle` on the
    /// in-flight assessments, so the step can run again on a newer state (see
    /// the module docs). It does not touch the state: the host reloads it.
    /// Returns false when there is nothing to undo (a second call, or the
    /// step failed).
    pub fn undo(&mut self) -> bool {
        match self.undo.take() {
            None => false,
            Some(Undo::Added(id)) => self.pending.remove(&id).is_some(),
            Some(Undo::Finalized(id)) => match self.pending.get_mut(&id) {
                Some(p) => {
                    p.1 = false;
                    true
                }
                None => false,
            },
            Some(Undo::Removed(id, e)) => {
                self.pending.insert(id, *e);
                true
            }
        }
    }
}

/// The HMAC schedule of `key` from `slot` when it was built for this key
/// (compared in constant time), else built and kept there; `None` for a key
/// too short (the caller refuses it), which leaves `slot` as it was.
fn cached<'s>(slot: &'s mut Option<AuditMac>, key: &[u8]) -> Option<&'s AuditMac> {
    if !slot.as_ref().is_some_and(|m| m.is_for(key)) {
        *slot = Some(AuditMac::new(key).ok()?);
    }
    slot.as_ref()
}
