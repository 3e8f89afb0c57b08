//! A payment's approvals: the requests to approvers, their deadline, and the
//! judgement of what came back.

use super::{Approvals, Kind, Payment, Phase};
use crate::driver::wire::{self, Action};
use crate::driver::{Driver, APPROVAL_MARGIN_MS};
use crate::mpa::{ApproverMode, Vote};
use crate::pipeline::{self, WebhookAnswer};

impl Payment {
    pub(super) fn ask_approvals(&mut self, d: &mut Driver, now: u64) -> Vec<Action> {
        let (Some(req), Some(m)) = (
            self.a.as_ref().and_then(|a| a.approval.as_ref()),
            crate::driver::policy(&d.cfg, d.gen, &d.older, self.gen)
                .mpa
                .as_ref(),
        ) else {
            return self.start(d, Kind::Finalize, now);
        };
        let deadline = req
            .expires_at_ms
            .saturating_sub(APPROVAL_MARGIN_MS)
            .max(now);
        let body = req.canonical();
        let mut out = Vec::new();
        let mut waiting = Vec::new();
        let a = self.a.as_ref();
        for ap in &m.approvers {
            match &ap.mode {
                ApproverMode::Webhook { url, .. } => {
                    waiting.push(ap.id.clone());
                    out.push(Action::new(
                        "post-webhook",
                        obj!(
                            ("approver_id", ap.id),
                            ("url", url),
                            ("body", body),
                            ("deadline_ms", deadline),
                            (
                                "headers",
                                obj!(
                                    ("content-type", "application/json"),
                                    ("x-mpa-request-id", req.request_id)
                                )
                            )
                        ),
                    ));
                }
                ApproverMode::Human => {
                    waiting.push(ap.id.clone());
                    let p = &req.payment;
                    let asset = crate::assets::lookup(&d.cfg.assets, &p.network, &p.asset);
                    let description = a.map_or("", |a| a.metadata.description.as_str());
                    out.push(Action::write(
                        "ask-human",
                        &wire::AskHumanRecord {
                            approver_id: &ap.id,
                            deadline_ms: deadline,
                            kind: "ask-human",
                            prompt: &crate::mpa::human_prompt(req, asset, description),
                        },
                    ));
                }
                ApproverMode::Crypto { .. } => {}
            }
        }
        out.push(Action::new(
            "countersign",
            obj!(
                ("request", body),
                ("request_json", req.to_json()),
                ("deadline_ms", deadline)
            ),
        ));
        self.approvals = Approvals {
            waiting,
            countersign: true,
            deadline_ms: deadline,
            ..Approvals::default()
        };
        self.phase = Phase::Approvals;
        out
    }

    /// Every answer is in (or the deadline passed): judge them, then finalize.
    pub(super) fn approvals_ready(&mut self, d: &mut Driver, now: u64) -> Vec<Action> {
        let ap = &mut self.approvals;
        if now <= ap.deadline_ms && (!ap.waiting.is_empty() || ap.countersign) {
            return Vec::new();
        }
        let humans = d
            .cfg
            .mpa
            .as_ref()
            .map(|m| m.approvers.iter().filter(|a| a.mode == ApproverMode::Human));
        for id in std::mem::take(&mut ap.waiting) {
            if humans.clone().into_iter().flatten().any(|a| a.id == id) {
                ap.humans.push((id, Vote::Timeout));
                continue;
            }
            ap.webhooks.push(WebhookAnswer {
                approver_id: id,
                timed_out: true,
                ..WebhookAnswer::default()
            });
        }
        let at = now.min(ap.deadline_ms);
        if let Some(a) = self.a.as_ref() {
            self.votes = pipeline::judge_approvals(
                crate::driver::policy(&d.cfg, d.gen, &d.older, self.gen),
                a,
                &ap.sigs,
                &ap.webhooks,
                at,
            );
            self.votes.extend(ap.humans.iter().cloned());
        }
        self.start(d, Kind::Finalize, now)
    }
}
