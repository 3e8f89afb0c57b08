//! Property tests of the spend ledger and replay fingerprints.

use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::ledger::{self, Reservation, SpendState};
use presidio_x402_core::money::Usd;
use presidio_x402_core::policy::{self, PolicyVerdict, GLOBAL_KEY};
use presidio_x402_core::replay::{self, PaymentIdentity};
use presidio_x402_core::url;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
    Pay {
        micros: u64,
        endpoint: bool,
        dt: u64,
    },
    Commit(usize),
    Release(usize),
    Tick(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (1u64..150_000, any::<bool>(), 0u64..5_000).prop_map(|(micros, endpoint, dt)| Step::Pay { micros, endpoint, dt }),
        2 => (0usize..64).prop_map(Step::Commit),
        2 => (0usize..64).prop_map(Step::Release),
        1 => (0u64..3_600_000).prop_map(Step::Tick),
    ]
}

fn cfg() -> GuardConfig {
    GuardConfig::from_json(
        r#"{"max_per_call_usd": 0.10, "daily_limit_usd": 1.00, "window_seconds": 3600,
            "reservation_lease_seconds": 600, "per_endpoint": {"https://premium-api.io": 0.30}}"#,
    )
    .unwrap()
}

/// Exact spend that really lies in `(now - window, now]`, from our own log.
fn true_spend(log: &[(u64, u128, bool)], now: u64, window: u64, endpoint_only: bool) -> u128 {
    log.iter()
        .filter(|(t, _, ep)| *t + window > now && *t <= now && (!endpoint_only || *ep))
        .map(|(_, a, _)| *a)
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever interleaving of reserve/commit/release/time happens, the
    /// spend counted for a window (committed + open reservations) never
    /// exceeds its limit, and the ledger never counts less than what was
    /// really committed inside the window.
    #[test]
    fn interleavings_never_exceed_limits_and_never_under_count(steps in prop::collection::vec(step(), 1..120)) {
        let c = cfg();
        let window = c.window_ms();
        let global_limit = c.daily_limit_usd.unwrap();
        let ep_limit = c.per_endpoint[0].1;
        let ep_key = policy::endpoint_key(&c.per_endpoint[0].0.canonical());
        let premium = url::parse("https://premium-api.io/data").unwrap();
        let other = url::parse("https://other.example/data").unwrap();
        let mut s = SpendState::default();
        let mut open: Vec<(Reservation, bool, u64)> = Vec::new();
        let mut committed: Vec<(u64, u128, bool)> = Vec::new();
        let mut now = 1_000_000u64;
        for st in steps {
            match st {
                Step::Pay { micros, endpoint, dt } => {
                    now += dt;
                    let u = if endpoint { &premium } else { &other };
                    let amount = Usd(u128::from(micros) * 1_000_000_000_000);
                    if let PolicyVerdict::Allow(r) = policy::evaluate(&c, &mut s, amount, u, now, c.reservation_lease_seconds * 1000).unwrap() {
                        open.push((r, endpoint, now));
                    }
                }
                Step::Commit(i) if !open.is_empty() => {
                    let (r, ep, t) = open.remove(i % open.len());
                    // A host only pays while the reservation's lease holds
                    // (finalize refuses a lapsed one); afterwards it releases.
                    if now < r.expires_at_ms {
                        s.commit(&r);
                        committed.push((t, r.amount.0, ep));
                    } else {
                        s.release(&r);
                    }
                }
                Step::Release(i) if !open.is_empty() => {
                    let (r, _, _) = open.remove(i % open.len());
                    s.release(&r);
                }
                Step::Tick(dt) => now += dt,
                _ => {}
            }
            s.prune(now, window);
            let counted = s.window_total(GLOBAL_KEY, now, window);
            prop_assert!(counted <= global_limit, "global window {counted:?} > {global_limit:?}");
            prop_assert!(s.window_total(&ep_key, now, window) <= ep_limit);
            // Never under-count committed spend inside the window.
            let really = true_spend(&committed, now, window, false);
            prop_assert!(counted.0 >= really, "under-count: {} < {}", counted.0, really);
            let really_ep = true_spend(&committed, now, window, true);
            prop_assert!(s.window_total(&ep_key, now, window).0 >= really_ep);
            prop_assert!(s.ledgers.values().all(|b| b.len() <= ledger::MAX_BUCKETS));
        }
    }
}

fn ident<'a>(u: &'a url::NormalizedUrl, f: &'a [String; 6]) -> PaymentIdentity<'a> {
    PaymentIdentity {
        method: &f[0],
        url: u,
        body_sha256: Some(&f[4]),
        idempotency_key: Some(&f[5]),
        network: &f[1],
        asset: &f[2],
        pay_to: &f[3],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Changing any one field of the purchase changes the fingerprint.
    #[test]
    fn any_differing_field_changes_the_fingerprint(
        which in 0usize..7,
        a in "[a-z0-9|:/]{1,12}",
        b in "[a-z0-9|:/]{1,12}",
        n1 in any::<u128>(),
        n2 in any::<u128>(),
    ) {
        prop_assume!(a != b && n1 != n2);
        let key = [7u8; 32];
        let digest = |n: u128| format!("{n:064x}");
        let base: [String; 6] = ["POST".into(), "eip155:8453".into(), "0xaa".into(), "0xbb".into(), digest(n1), a.clone()];
        let u1 = url::parse("https://api.example.com/x").unwrap();
        let mut f2 = base.clone();
        let mut u2 = u1.clone();
        match which {
            0 => { f2[0] = "PUT".into(); }
            1 => { u2 = url::parse(&format!("https://api.example.com/{a}x{b}")).unwrap(); }
            2 => { f2[1] = format!("eip155:{b}"); }
            3 => { f2[2] = format!("0x{a}"); }
            4 => { f2[3] = format!("0x{b}"); }
            5 => { f2[4] = digest(n2); }
            _ => { f2[5] = b.clone(); }
        }
        // `a` or `b` can spell the base value itself (asset "0x" + "aa" is the base "0xaa"):
        // then nothing differs and equal fingerprints are right.
        prop_assume!(f2 != base || u2 != u1);
        let fp1 = replay::fingerprint(&key, &ident(&u1, &base)).unwrap();
        let fp2 = replay::fingerprint(&key, &ident(&u2, &f2)).unwrap();
        prop_assert_ne!(fp1, fp2);
    }

    /// Case variants of case-insensitive parts do not change it.
    #[test]
    fn case_variants_do_not_change_the_fingerprint(addr in "[0-9a-fA-F]{40}", host in "[a-zA-Z]{1,10}", method in "(?i)get") {
        let key = [9u8; 32];
        let u1 = url::parse(&format!("https://{}.example/x", host.to_lowercase())).unwrap();
        let u2 = url::parse(&format!("HTTPS://{}.EXAMPLE:443/x", host.to_uppercase())).unwrap();
        let lower = format!("0x{}", addr.to_lowercase());
        let mixed = format!("0x{addr}");
        let mk = |u, m: &str, p: &str| replay::fingerprint(&key, &PaymentIdentity {
            method: m, url: u, body_sha256: None, idempotency_key: None, network: "eip155:8453", asset: &mixed, pay_to: p,
        }).unwrap();
        prop_assert_eq!(mk(&u1, "GET", &lower), mk(&u2, &method, &mixed));
    }
}
