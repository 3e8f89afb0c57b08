//! Property tests of the audit chain and MPA binding.
//!
//! * `verify(append*)` holds for any event sequence, with and without the
//!   expected head, and also as JSONL text.
//! * Any single-byte change, deletion, swap of two lines or truncation (given
//!   the expected head) makes verification fail.
//! * A countersignature over request A never verifies for a request B that
//!   differs in any one field.
//! * The strict parser and the verifier never panic on arbitrary text.

use presidio_x402_core::audit::{self, AuditEvent, Head};
use presidio_x402_core::canonical::parse_strict;
use presidio_x402_core::error::Code;
use presidio_x402_core::money::Usd;
use presidio_x402_core::mpa::{self, ApprovalRequest, MpaConfig, PaymentFields};
use proptest::prelude::*;

const KEY: &[u8] = b"prop-test-audit-chain-key-000001";

fn arb_event() -> impl Strategy<Value = AuditEvent> {
    (
        "[a-z_]{1,20}",
        prop::sample::select(vec!["allowed", "blocked", "error"]),
        "\\PC{0,60}",
        prop::option::of(0u128..10_000_000_000_000_000_000u128),
        prop::option::of(prop::sample::select(vec!["eip155:8453", "solana:devnet"])),
        prop::option::of("\\PC{0,20}"),
        prop::collection::vec(
            prop::sample::select(vec!["EMAIL_ADDRESS", "PERSON", "US_SSN"]),
            0..3,
        ),
        prop::option::of(prop::sample::select(Code::ALL.to_vec())),
        prop::option::of("[0-9a-f]{64}"),
        prop::option::of("[A-Za-z0-9_-]{16,128}"),
    )
        .prop_map(
            |(event_type, outcome, url, amount, network, agent, pii, code, fp, payment_id)| {
                AuditEvent {
                    event_type,
                    outcome: outcome.to_string(),
                    resource_url: url,
                    amount_usd: amount.map(Usd),
                    network: network.map(str::to_string),
                    agent_id: agent,
                    replica: None,
                    pii_entities_found: pii.into_iter().map(str::to_string).collect(),
                    policy_limit_usd: None,
                    replay_fingerprint: fp,
                    payment_id,
                    code,
                    alerts: Vec::new(),
                }
            },
        )
}

fn build(events: &[AuditEvent], t0: u64) -> (Vec<String>, Head) {
    let mut head: Option<Head> = None;
    let mut lines = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let (l, h) = audit::append(KEY, head.as_ref(), e, t0 + i as u64).expect("append");
        lines.push(l);
        head = Some(h);
    }
    (lines, head.unwrap_or_else(Head::genesis))
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn chain_of_appends_verifies(events in prop::collection::vec(arb_event(), 0..12), t0 in 0u64..253_402_300_000_000) {
        let (lines, head) = build(&events, t0);
        prop_assert_eq!(audit::verify(KEY, &refs(&lines), None, Some(&head)), Ok(head.clone()));
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        prop_assert_eq!(audit::verify_text(KEY, &text, None, Some(&head)), Ok(head));
    }

    #[test]
    fn any_byte_change_fails(events in prop::collection::vec(arb_event(), 1..8), pick in any::<prop::sample::Index>(),
                             pos in any::<prop::sample::Index>(), byte in 0x20u8..0x7f) {
        let (mut lines, head) = build(&events, 1_700_000_000_000);
        let i = pick.index(lines.len());
        let mut bytes = lines[i].clone().into_bytes();
        let p = pos.index(bytes.len());
        prop_assume!(bytes[p] != byte && bytes[p].is_ascii());
        bytes[p] = byte;
        lines[i] = String::from_utf8(bytes).expect("ascii replacement");
        let r = audit::verify(KEY, &refs(&lines), None, Some(&head));
        prop_assert!(r.is_err(), "mutation at line {} byte {} verified", i + 1, p);
        prop_assert!(r.unwrap_err().line <= i + 1);
    }

    #[test]
    fn deletion_swap_and_truncation_fail(events in prop::collection::vec(arb_event(), 2..10),
                                         a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
        let (lines, head) = build(&events, 1_700_000_000_000);
        let n = lines.len();
        // deletion of any line (the last one is caught through the expected head)
        let i = a.index(n);
        let mut del = lines.clone();
        del.remove(i);
        prop_assert!(audit::verify(KEY, &refs(&del), None, Some(&head)).is_err());
        if i + 1 < n {
            prop_assert_eq!(audit::verify(KEY, &refs(&del), None, None).unwrap_err().code, Code::AuditSeqGap);
        }
        // swap of two distinct lines
        let (x, y) = (a.index(n), b.index(n));
        if x != y {
            let mut sw = lines.clone();
            sw.swap(x, y);
            prop_assert!(audit::verify(KEY, &refs(&sw), None, None).is_err());
        }
        // truncation to any shorter prefix
        let k = b.index(n);
        let f = audit::verify(KEY, &refs(&lines[..k]), None, Some(&head)).unwrap_err();
        prop_assert_eq!((f.line, f.code), (k + 1, Code::AuditTruncated));
    }

    #[test]
    fn verifier_and_parser_never_panic(text in "\\PC{0,300}") {
        let _ = parse_strict(&text, 1 << 16, 16);
        let _ = audit::verify_text(KEY, &text, None, None);
    }
}

fn payment() -> PaymentFields {
    PaymentFields {
        resource_url: "https://api.example.com/r".into(),
        method: "GET".into(),
        network: "eip155:8453".into(),
        asset: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913".into(),
        pay_to: "0x209693bc6afc0c5328ba36faf03c514ef312287c".into(),
        amount: 2_500_000,
        amount_usd: Usd(2_500_000_000_000_000_000),
        scheme: "exact".into(),
        agent_id: Some("agent".into()),
        fingerprint: "ab".repeat(32),
    }
}

fn mpa_cfg() -> MpaConfig {
    let v = serde_json::json!({"threshold": 1, "approvers": [
        {"approver_id": "alice", "mode": "crypto", "secret": "alice-countersign-key-0001"}]});
    MpaConfig::from_json(&v, "mpa").expect("config")
}

/// Changes field `which` of `r` to a different valid value derived from `s`.
fn mutate(mut r: ApprovalRequest, which: usize, s: &str, n: u64) -> ApprovalRequest {
    let p = &mut r.payment;
    let alt = |cur: &str| {
        if cur == s {
            format!("{s}x")
        } else {
            s.to_string()
        }
    };
    match which {
        0 => p.resource_url = format!("https://api.example.com/{}", alt("r")),
        1 => p.method = "POST".into(),
        2 => p.network = format!("eip155:{}", 1 + n % 100_000),
        3 => p.asset = alt(&p.asset),
        4 => p.pay_to = alt(&p.pay_to),
        5 => p.amount = p.amount + 1 + u128::from(n),
        6 => p.amount_usd = Usd(p.amount_usd.0 + 1 + u128::from(n)),
        7 => p.scheme = "upto".into(),
        8 => p.agent_id = if n % 2 == 0 { None } else { Some(alt("agent")) },
        9 => p.fingerprint = format!("{:064x}", n),
        10 => r.request_id = format!("{:032x}", u128::from(n) + 1),
        _ => r.expires_at_ms += 1 + n % 1000,
    }
    r
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn countersignature_never_approves_another_request(which in 0usize..12, s in "[a-z0-9]{1,12}", n in 0u64..1_000_000,
                                                       now in 0u64..1_000_000_000) {
        let cfg = mpa_cfg();
        let a = ApprovalRequest::new(payment(), now, 30_000).expect("request");
        let b = mutate(a.clone(), which, &s, n);
        prop_assume!(a != b);
        let sig = mpa::countersign(b"alice-countersign-key-0001", &a).expect("sign");
        let sigs = [("alice".to_string(), sig)];
        prop_assert_eq!(mpa::verify_countersignatures(&cfg, &a, &sigs, now).verdict, Ok(()));
        prop_assert_eq!(mpa::verify_countersignatures(&cfg, &b, &sigs, now).verdict, Err(Code::MpaDenied));
    }
}
