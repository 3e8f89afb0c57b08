//! A policy reload on a running guard (the rule is on [`Driver::reload`]).

use super::wire::{Action, Event};
use super::{tables, Driver};
use crate::audit::{AuditEvent, Head};
use crate::config::GuardConfig;
use crate::error::{Code, ConfigError};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The audit `resource_url` of a reload line: this prefix and the policy's digest.
pub const POLICY_URN: &str = "urn:x402:policy:sha256:";

/// One reload task.
#[derive(Debug)]
pub(super) struct Reload {
    /// The policy text's digest (hex SHA-256 of its RFC 8785 form, or of the
    /// text when it is not JSON).
    digest: String,
    /// The validated policy, until applied.
    cfg: Option<GuardConfig>,
    /// Why it is refused (empty: valid).
    errors: Vec<ConfigError>,
    /// The generation it replaced, once applied (restored when its line is lost).
    old: Option<u64>,
    /// The reload's audit line (its head and the head before), for a late failure.
    line: Option<(Head, Option<Head>)>,
    /// The `done` of the reload's batch (sent again after a head-save failure).
    done: Option<Action>,
}

impl Reload {
    pub(super) fn new(d: &Driver, text: &str) -> Reload {
        let parsed = crate::canonical::parse_strict(text, 1 << 20, 16).ok();
        let canon = parsed
            .as_ref()
            .and_then(|v| crate::canonical::to_canonical(v).ok());
        let digest =
            crate::hex::encode(&Sha256::digest(canon.as_deref().unwrap_or(text).as_bytes()));
        let result = match parsed {
            None => Err(vec![ConfigError::new("", Code::ConfigMalformed)]),
            Some(v) => GuardConfig::from_value(&v).and_then(|c| {
                let path = if c.replica_id != d.cfg.replica_id {
                    "replica_id"
                } else if c.agent_id != d.cfg.agent_id {
                    "agent_id"
                } else {
                    return Ok(c);
                };
                Err(vec![ConfigError::new(path, Code::ConfigIdentityChanged)])
            }),
        };
        let (cfg, errors) = match result {
            Ok(c) => (Some(c), Vec::new()),
            Err(e) => (None, e),
        };
        Reload {
            digest,
            cfg,
            errors,
            old: None,
            line: None,
            done: None,
        }
    }

    /// Whether the task has given its `done`.
    pub(super) fn is_done(&self) -> bool {
        self.done.is_some()
    }

    /// Whether the task has given its `done` and can no longer be failed late.
    pub(super) fn finished(&self) -> bool {
        self.done.is_some() && self.line.is_none()
    }

    /// Applies (or refuses) the policy and audits it: `audit`, `save-head`?, `done`.
    pub(super) fn run(&mut self, d: &mut Driver, now: u64) -> Vec<Action> {
        let code = self.errors.first().map(|e| e.code);
        if let Some(c) = self.cfg.take() {
            // Earlier policies are kept while a payment in flight began under one.
            let tasks = &d.tasks;
            d.older.retain(|o| {
                tasks
                    .values()
                    .any(|t| matches!(t, super::Task::Pay(p) if p.gen() == o.0))
            });
            let prev = std::mem::replace(&mut d.cfg, c);
            d.older.push((d.gen, prev));
            self.old = Some(d.gen);
            d.gen += 1;
        }
        let ev = AuditEvent {
            event_type: "policy_reload".into(),
            outcome: if code.is_none() { "applied" } else { "refused" }.into(),
            resource_url: format!("{POLICY_URN}{}", self.digest),
            agent_id: (!d.cfg.agent_id.is_empty()).then(|| d.cfg.agent_id.clone()),
            replica: (!d.cfg.replica_id.is_empty()).then(|| d.cfg.replica_id.clone()),
            code,
            ..AuditEvent::default()
        };
        match d.chain(&ev, now, false, false) {
            Ok((mut out, prev, head, line)) => {
                self.line = Some((head, prev));
                let done = self.done_action(code, Some(&line));
                self.done = Some(done.clone());
                out.push(done);
                out
            }
            Err(c) => self.undo(d, c),
        }
    }

    /// The reload is not audited: the old policy is back, the reload refused with `code`.
    fn undo(&mut self, d: &mut Driver, code: Code) -> Vec<Action> {
        if let Some(old) = self.old.take() {
            if let Some(i) = d.older.iter().position(|o| o.0 == old) {
                // A fresh generation (never reused): payments that began under
                // either policy now find the restored one.
                d.cfg = d.older.swap_remove(i).1;
                d.gen += 1;
            }
        }
        self.line = None;
        let done = self.done_action(Some(code), None);
        self.done = Some(done.clone());
        vec![done]
    }

    /// `done`, written as text (members in name order, as [`Action::new`]).
    fn done_action(&self, code: Option<Code>, line: Option<&str>) -> Action {
        let q = |s: &str| Value::from(s).to_string();
        let opt = |s: Option<&str>| s.map_or_else(|| "null".to_string(), q);
        let errors: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{{\"code\":\"{}\",\"path\":{}}}", e.code, q(&e.path)))
            .collect();
        let result = if code.is_none() { "applied" } else { "refused" };
        Action::raw(
            "done",
            format!(
                "{{\"allowed\":{},\"audit_line\":{},\"code\":{},\"details\":{{\"errors\":[{}],\"policy_sha256\":\"{}\"}},\"do\":\"done\",\"family\":{},\"metrics\":[{{\"labels\":{{\"result\":\"{result}\"}},\"name\":\"x402_policy_reloads_total\",\"observe\":null}}],\"settlement\":null}}",
                code.is_none(),
                opt(line),
                opt(code.map(Code::as_str)),
                errors.join(","),
                self.digest,
                opt(code.map(|c| tables::family(c).as_str())),
            ),
        )
    }

    pub(super) fn handle(
        &mut self,
        d: &mut Driver,
        now: u64,
        events: &[Event],
    ) -> Result<Vec<Action>, Code> {
        match (events, self.line.take()) {
            // Waiting for the head (the guard had a head problem): then the reload.
            ([Event::Head { stored, log }], None) if self.done.is_none() => {
                Ok(match d.reconcile(stored.clone(), log.clone(), false) {
                    Ok(_) => self.run(d, now),
                    Err(_) => self.undo(d, Code::StoreUnavailable),
                })
            }
            ([Event::StoreError], None) if self.done.is_none() => {
                Ok(self.undo(d, Code::StoreUnavailable))
            }
            // Its line was lost: the chain goes on without it and the old policy is back.
            ([Event::AuditFailed], Some((head, prev))) => {
                d.audit_lost(&head, prev);
                Ok(self.undo(d, Code::StoreUnavailable))
            }
            // The line is written but the head not saved: the next payment rereads it.
            ([Event::HeadSaveFailed], Some(_)) => {
                d.ready = false;
                Ok(self.done.iter().cloned().collect())
            }
            (_, line) => {
                self.line = line;
                Err(Code::InvalidInput)
            }
        }
    }
}
