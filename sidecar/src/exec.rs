//! The executor: performs the driver's actions and feeds back what happened
//! (the grammar is in the crate doc of `core/src/driver`). It decides
//! nothing. A task stops for the HTTP caller at `sign`, `send` and `done`.

use crate::errors::ApiError;
use crate::guard::{now_ms, Guard, Written};
use crate::store::CasHead;
use presidio_x402_core::driver::{Action, Event};
use presidio_x402_core::Code;
use serde_json::{json, Value};
use std::sync::Arc;

/// Counts a task out of [`Guard::run`] however it ends.
struct Running<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Guard {
    /// Performs task `id`'s batches, starting with `actions`, until it stops
    /// at `sign`, `send` or `done` (returned). `done`'s metrics are recorded.
    pub async fn run(
        self: &Guard,
        id: u64,
        mut actions: Vec<Action>,
        mut written: Written,
    ) -> Result<Action, ApiError> {
        self.running
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let _running = Running(&self.running);
        // This process's state transactions run one at a time (from `load-state`
        // to the answer of its `cas-state`), so payments of one sidecar do not
        // lose compare-and-set races to each other; other processes still can.
        let mut held: Option<tokio::sync::OwnedMutexGuard<()>> = None;
        loop {
            let has = |k: &str| actions.iter().any(|a| a.kind() == k);
            let (loads, cas) = (has("load-state"), has("cas-state"));
            if !cas {
                held = None;
            }
            if (loads || cas) && held.is_none() {
                held = Some(self.state_lock.clone().lock_owned().await);
            }
            let mut answers = Vec::new();
            let mut failed: Option<&'static str> = None;
            for a in actions {
                match a.kind() {
                    "done" => {
                        let v = a.to_value();
                        self.metrics.record(&v["metrics"]);
                        if let Some(ms) = v["unsaved_head_ms"].as_u64() {
                            self.arm_flush(ms);
                        }
                        return Ok(a);
                    }
                    "sign" | "send" => return Ok(a),
                    "audit" | "save-head" => {
                        if let Some(rx) = written.take() {
                            failed = rx.await.unwrap_or(Some("audit-failed"));
                        }
                        if failed.is_some() {
                            break;
                        }
                    }
                    "replay-forget" => {
                        let fp = a.to_value()["fingerprint"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string();
                        let _ = self.store.forget(fp).await; // best effort
                    }
                    "alert" => {
                        // Fire-and-forget: the payment does not wait for the post.
                        let v = a.to_value();
                        tokio::spawn(async move { crate::webhook::alert(&v).await });
                    }
                    _ => answers.push(a.to_value()),
                }
            }
            let events: Vec<Value> = match failed {
                Some(f) => vec![json!({"on": f})],
                None => {
                    // Answers are performed together (approvals wait in parallel).
                    let mut out = Vec::with_capacity(answers.len());
                    if answers.len() == 1 {
                        out.push(self.answer(&answers[0]).await);
                    } else {
                        let mut handles = Vec::new();
                        for a in answers {
                            let store = self.store.clone();
                            let sink = self.sink.clone();
                            let mpa = self.config().mpa;
                            handles.push(tokio::spawn(async move {
                                answer_with(&store, &sink, mpa.as_ref(), &a).await
                            }));
                        }
                        for h in handles {
                            let v = h.await.unwrap_or_else(|_| json!({"on": "store-error"}));
                            if v["on"] == "store-error" {
                                self.metrics.store_error();
                            }
                            out.push(v);
                        }
                    }
                    out
                }
            };
            if cas && !loads {
                held = None;
            }
            if events.is_empty() {
                return Err(ApiError::invalid("the driver's batch asked for no answer"));
            }
            let events: Vec<Event> = events
                .iter()
                .map(Event::from_json)
                .collect::<Result<_, Code>>()
                .map_err(ApiError::core)?;
            let (next, w) = self.cross_handle(id, events).map_err(ApiError::core)?;
            actions = next;
            written = w;
        }
    }

    async fn answer(&self, a: &Value) -> Value {
        let mpa = if a["do"] == "post-webhook" {
            self.config().mpa
        } else {
            None
        };
        let v = answer_with(&self.store, &self.sink, mpa.as_ref(), a).await;
        if v["on"] == "store-error" {
            self.metrics.store_error();
        }
        v
    }
}

/// Performs one action that needs an answer.
async fn answer_with(
    store: &Arc<crate::store::Store>,
    sink: &Arc<std::sync::Mutex<crate::audit::Sink>>,
    mpa: Option<&presidio_x402_core::mpa::MpaConfig>,
    a: &Value,
) -> Value {
    let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
    let store_ev = |r: Result<Value, crate::store::StoreError>| match r {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!("store: {e}");
            json!({"on": "store-error"})
        }
    };
    match a["do"].as_str().unwrap_or_default() {
        "load-state" => store_ev(
            store
                .load_versioned()
                .await
                .map(|(state, version)| json!({"on": "state", "state": state, "version": version})),
        ),
        "cas-state" => match CasHead::from_action(a.get("save_head")) {
            Err(e) => store_ev(Err(e)),
            Ok(head) => store_ev(
                store
                    .cas_state(
                        s("state"),
                        s("version"),
                        a["fingerprint"]
                            .as_str()
                            .map(|f| (f.to_string(), a["ttl_ms"].as_u64().unwrap_or(0))),
                        head,
                        now_ms(),
                    )
                    .await,
            ),
        },
        "replay-set" => store_ev(
            store
                .check_and_set(
                    s("fingerprint"),
                    a["ttl_ms"].as_u64().unwrap_or(0),
                    now_ms(),
                )
                .await
                .map(|fresh| json!({"on": "replay", "fresh": fresh})),
        ),
        "load-head" => {
            let stored = if a["from_store"] == json!(true) {
                match store.load_head(s("replica")).await {
                    Ok(h) => h,
                    Err(e) => return store_ev(Err(e)),
                }
            } else {
                None
            };
            let sink = sink.clone();
            let log = tokio::task::spawn_blocking(move || {
                sink.lock()
                    .map_err(|_| ())
                    .and_then(|s| s.head().map_err(|_| ()))
            })
            .await
            .unwrap_or(Err(()));
            match log {
                Ok(log) => json!({"on": "head",
                    "stored": stored.as_ref().map(|h| h.to_json()),
                    "log": log.as_ref().map(|h| h.to_json())}),
                Err(()) => json!({"on": "store-error"}),
            }
        }
        "post-webhook" => crate::webhook::post(a, mpa).await,
        // No countersigner in the sidecar: no signatures (the core judges the votes).
        "countersign" => json!({"on": "countersignatures", "signatures": []}),
        // No person at a sidecar: a human approver is unavailable, and the
        // payment is refused with `mpa-human-unavailable` unless the other
        // approvers reach the threshold (the core's tally).
        "ask-human" => {
            json!({"on": "human", "approver_id": s("approver_id"), "vote": "unavailable"})
        }
        "sleep" => {
            let until = a["until_ms"].as_u64().unwrap_or(0);
            let wait = until.saturating_sub(now_ms()).min(60_000);
            tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
            json!({"on": "wake"})
        }
        // An action this host does not know: fail closed.
        _ => json!({"on": "store-error"}),
    }
}
