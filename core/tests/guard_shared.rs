//! Several guards sharing one stored state through compare-and-set, the way
//! the Redis and file stores run them (see the `guard` module docs).
//!
//! A simulated store holds `(version, state JSON)`. Each guard step loads the
//! state, runs, and stores the new state only if the version is unchanged;
//! on a conflict the guard calls `undo`, reloads and runs the step again. Any
//! interleaving of steps must leave exactly the spend of the settled payments
//! committed, never more than the window limit, and no reservation open.

use presidio_x402_core::guard::Guard;
use presidio_x402_core::pipeline::{HostResults, Outcome, PaymentContext};
use proptest::prelude::*;

const RK: &[u8] = b"replay-key-replay-key-replay-key";
const AK: &[u8] = b"audit-key-audit-key-audit-key-00";
const T0: u64 = 1_700_000_000_000;

/// A 402 body for $0.01 (10,000 atomic USDC on Base) at `/item/{i}`.
fn body(i: usize) -> String {
    format!(
        r#"{{"x402Version":1,"error":"X-PAYMENT header is required","accepts":[{{"scheme":"exact","network":"base","maxAmountRequired":"10000","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","resource":"https://api.example.com/item/{i}","description":"item","mimeType":"application/json","maxTimeoutSeconds":60}}]}}"#
    )
}

#[derive(Default)]
struct Store {
    version: u64,
    state: String,
}

/// One worker: a guard, its in-flight id, and its chain head.
struct Worker {
    guard: Guard,
    id: Option<u64>,
    allowed: bool,
    head: Option<presidio_x402_core::audit::Head>,
    lines: Vec<String>,
}

/// Runs `step` as a CAS transaction; `conflict_first` forces one lost race first.
fn transact<T>(
    w: &mut Worker,
    store: &mut Store,
    conflict_first: bool,
    mut step: impl FnMut(&mut Guard) -> T,
) -> T {
    let mut conflict = conflict_first;
    loop {
        let seen = store.version;
        w.guard.load_state_json(&store.state).unwrap();
        let out = step(&mut w.guard);
        if conflict {
            // another process stored a state in between: this step's state is discarded
            conflict = false;
            store.version += 1;
            assert!(w.guard.undo());
            continue;
        }
        assert_eq!(store.version, seen);
        store.state = w.guard.state_json();
        store.version += 1;
        return out;
    }
}

fn config(limit: &str) -> String {
    format!(r#"{{"max_per_call_usd":1,"daily_limit_usd":{limit},"replica_id":"r1"}}"#)
}

/// Step kinds a schedule interleaves: (worker, conflict first?).
fn run_schedule(workers: usize, schedule: &[(usize, bool)], limit_cents: u64) -> (u64, u64) {
    let mut store = Store::default();
    let mut ws: Vec<Worker> = (0..workers)
        .map(|_| Worker {
            guard: Guard::new(&config(&format!("{}", limit_cents as f64 / 100.0))).unwrap(),
            id: None,
            allowed: false,
            head: None,
            lines: vec![],
        })
        .collect();
    let mut item = 0usize;
    let (mut settled, mut attempts) = (0u64, 0u64);
    for &(wi, conflict) in schedule {
        let w = &mut ws[wi % workers];
        match (w.id, w.allowed) {
            (None, _) => {
                item += 1;
                attempts += 1;
                let b = body(item);
                let url = format!("https://api.example.com/item/{item}");
                let id = transact(w, &mut store, conflict, |g| {
                    let ctx = PaymentContext {
                        method: "GET",
                        request_url: &url,
                        payment_required: None,
                        body: Some(&b),
                        reason: "",
                        request_body_sha256: None,
                        idempotency_key: None,
                        now_ms: T0,
                    };
                    g.assess(&ctx, RK).0
                });
                w.id = Some(id);
            }
            (Some(id), false) => {
                let head = w.head.clone();
                let d = transact(w, &mut store, conflict, |g| {
                    g.finalize(
                        id,
                        &HostResults {
                            replay_fresh: Some(true),
                            votes: vec![],
                        },
                        AK,
                        head.as_ref(),
                        T0,
                    )
                    .unwrap()
                });
                w.head = Some(d.head.clone());
                w.lines.push(d.audit_line);
                if d.allowed {
                    w.allowed = true;
                } else {
                    w.id = None;
                }
            }
            (Some(id), true) => {
                let head = w.head.clone();
                let d = transact(w, &mut store, conflict, |g| {
                    g.settle(id, Outcome::Settled, AK, head.as_ref(), T0)
                        .unwrap()
                });
                w.head = Some(d.head.clone());
                w.lines.push(d.audit_line);
                settled += 1;
                w.id = None;
                w.allowed = false;
            }
        }
    }
    // Every worker's own chain verifies; no chain mixes replicas.
    for w in &ws {
        let refs: Vec<&str> = w.lines.iter().map(String::as_str).collect();
        presidio_x402_core::audit::verify(AK, &refs, None, w.head.as_ref()).unwrap();
    }
    // The stored state: committed = settled × $0.01; reserved = in-flight ones.
    let mut g = Guard::new(&config("1000")).unwrap();
    g.load_state_json(&store.state).unwrap();
    let open = ws
        .iter()
        .filter(|w| {
            w.id.is_some_and(|id| {
                w.guard
                    .assessment(id)
                    .is_some_and(|a| a.reservation.is_some())
            })
        })
        .count();
    assert_eq!(g.state().spend.reservations.len(), open);
    let committed: u128 = g
        .state()
        .spend
        .ledgers
        .get("*")
        .map_or(0, |l| l.values().map(|b| b.committed.0).sum());
    assert_eq!(committed, settled as u128 * 10_000_000_000_000_000);
    let _ = attempts;
    (settled, open as u64)
}

#[test]
fn lost_races_are_retried_without_double_counting() {
    // Two workers, every step loses its first race.
    let schedule: Vec<(usize, bool)> = (0..60).map(|i| (i % 2, true)).collect();
    let (settled, open) = run_schedule(2, &schedule, 1000);
    // 30 steps each: ten assess → finalize → settle cycles.
    assert_eq!((settled, open), (20, 0));
}

#[test]
fn the_window_limit_holds_across_workers() {
    // $0.10 window, 4 workers, many attempts: at most 10 settle.
    let schedule: Vec<(usize, bool)> = (0..200).map(|i| (i % 4, i % 3 == 0)).collect();
    let (settled, _) = run_schedule(4, &schedule, 10);
    assert_eq!(settled, 10);
}

#[test]
fn undo_has_nothing_to_take_back_twice() {
    let mut g = Guard::new("{}").unwrap();
    assert!(!g.undo());
    let b = body(1);
    let ctx = PaymentContext {
        method: "GET",
        request_url: "https://api.example.com/item/1",
        payment_required: None,
        body: Some(&b),
        reason: "",
        request_body_sha256: None,
        idempotency_key: None,
        now_ms: T0,
    };
    let (id, _) = g.assess(&ctx, RK);
    assert!(g.undo());
    assert!(!g.undo());
    assert!(g.assessment(id).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_interleaving_counts_exactly(schedule in prop::collection::vec((0usize..4, any::<bool>()), 0..120), limit in 1u64..40) {
        let (settled, _) = run_schedule(4, &schedule, limit);
        prop_assert!(settled <= limit);
    }
}
