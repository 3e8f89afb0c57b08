//! Property tests of the operator controls: whatever interleaving of
//! payments, commits, releases and time happens, a velocity ring never
//! holds more than `max_payments` live payments in any interval, and an
//! asset's committed + reserved spend never exceeds its caps; a state with
//! controls round-trips through its JSON.

use presidio_x402_core::challenge::PaymentOffer;
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::controls;
use presidio_x402_core::ledger::{Reservation, SpendState};
use presidio_x402_core::money::Usd;
use presidio_x402_core::policy::{self, GuardState, PolicyVerdict};
use presidio_x402_core::url;
use proptest::prelude::*;
use serde_json::Value;

const ASSET: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

#[derive(Clone, Debug)]
enum Step {
    Pay {
        amount: u128,
        endpoint: bool,
        dt: u64,
    },
    Commit(usize),
    Release(usize),
    Tick(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (1u128..400, any::<bool>(), 0u64..3_000).prop_map(|(amount, endpoint, dt)| Step::Pay { amount, endpoint, dt }),
        2 => (0usize..64).prop_map(Step::Commit),
        2 => (0usize..64).prop_map(Step::Release),
        1 => (0u64..120_000).prop_map(Step::Tick),
    ]
}

fn cfg() -> GuardConfig {
    GuardConfig::from_json(
        r#"{"max_per_call_usd": null, "daily_limit_usd": null, "window_seconds": 600,
            "reservation_lease_seconds": 30,
            "velocity": {"max_payments": 5, "interval_seconds": 10,
                         "per_endpoint": {"https://premium-api.io": {"max_payments": 2, "interval_seconds": 30}}},
            "asset_caps": [{"network": "eip155:84532", "address": "0x036cbd53842c5426634e7929541ec2318f3dcf7e",
                            "max_per_call": "300", "max_per_window": "1000"}]}"#,
    )
    .unwrap()
}

fn offer(amount: u128) -> PaymentOffer {
    PaymentOffer {
        index: 0,
        scheme: "exact".into(),
        network: "eip155:84532".into(),
        network_raw: "eip155:84532".into(),
        amount,
        asset: ASSET.into(),
        pay_to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C".into(),
        max_timeout_seconds: 60,
        resource_url: String::new(),
        description: String::new(),
        mime_type: String::new(),
        extra: Value::Null,
        raw: Value::Null,
    }
}

/// One payment through the controls and the USD policy, as the pipeline runs them.
fn pay(
    c: &GuardConfig,
    s: &mut SpendState,
    amount: u128,
    u: &url::NormalizedUrl,
    now: u64,
) -> Option<Reservation> {
    let pending = controls::check(
        &c.controls,
        c.window_ms(),
        1 + c.per_endpoint.len(),
        s,
        &offer(amount),
        u,
        now,
    )
    .ok()?;
    match policy::evaluate(c, s, Usd::ZERO, u, now, 30_000).unwrap() {
        PolicyVerdict::Allow(mut r) => {
            controls::hold(s, &mut r, pending);
            Some(r)
        }
        PolicyVerdict::Deny(_) => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn interleavings_never_exceed_velocity_or_asset_caps(steps in prop::collection::vec(step(), 1..150)) {
        let c = cfg();
        let mut s = SpendState::default();
        let premium = url::parse("https://premium-api.io/x").unwrap();
        let other = url::parse("https://other.example/x").unwrap();
        let mut now = 1_000_000u64;
        let mut open: Vec<Reservation> = Vec::new();
        // Every payment that counts (open or committed): (time, endpoint, amount, reservation id, committed).
        let mut live: Vec<(u64, bool, u128, u64, bool)> = Vec::new();
        for st in steps {
            match st {
                Step::Pay { amount, endpoint, dt } => {
                    now += dt;
                    let u = if endpoint { &premium } else { &other };
                    if let Some(r) = pay(&c, &mut s, amount, u, now) {
                        prop_assert!(amount <= 300, "per-call cap");
                        live.push((now, endpoint, amount, r.id, false));
                        open.push(r);
                    }
                }
                Step::Commit(i) if !open.is_empty() => {
                    let r = open.remove(i % open.len());
                    s.commit(&r);
                    if let Some(e) = live.iter_mut().find(|e| e.3 == r.id) { e.4 = true; }
                }
                Step::Release(i) if !open.is_empty() => {
                    let r = open.remove(i % open.len());
                    s.release(&r);
                    live.retain(|e| e.3 != r.id || e.4);
                }
                Step::Tick(dt) => now += dt,
                _ => {}
            }
            // Leases end: an open reservation past its lease no longer counts.
            let expired: Vec<u64> = open.iter().filter(|r| r.expires_at_ms <= now).map(|r| r.id).collect();
            live.retain(|e| e.4 || !expired.contains(&e.3));
            // Velocity: in every interval ending now, at most max_payments counted payments.
            let in_last = |ms: u64, ep_only: bool| live.iter()
                .filter(|e| e.0 + ms > now && (!ep_only || e.1)).count();
            prop_assert!(in_last(10_000, false) <= 5, "global velocity");
            prop_assert!(in_last(30_000, true) <= 2, "endpoint velocity");
            // Asset window cap: committed + reserved in the window never above 1000.
            let spent: u128 = live.iter().filter(|e| e.0 + 600_000 > now).map(|e| e.2).sum();
            prop_assert!(spent <= 1000, "asset window cap: {spent}");
        }
        // The state with its velocity rings and holds round-trips.
        let g = GuardState { spend: s, ..GuardState::default() };
        let back = GuardState::from_json(&g.to_json()).unwrap();
        prop_assert_eq!(back, g);
    }
}

#[test]
fn a_halt_round_trips_and_old_states_still_read() {
    let mut g = GuardState::default();
    let old = g.to_json();
    assert!(
        old.get("halted").is_none(),
        "no halt: the bytes of earlier versions"
    );
    g.halted = Some(controls::halt::Halt::new("ops", "incident", 5).unwrap());
    assert_eq!(GuardState::from_json(&g.to_json()).unwrap(), g);
    assert_eq!(GuardState::from_json(&old).unwrap(), GuardState::default());
    assert!(controls::halt::Halt::new("ops", "a\u{0}b", 1).is_err());
    assert!(controls::halt::Halt::new(&"x".repeat(257), "", 1).is_err());
}
