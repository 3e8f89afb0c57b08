//! A `Guard` remembers the strings its PII scan found clean and the HMAC
//! schedules of its keys (see `echo::CleanMemo`, `Guard`): its assessments
//! and decisions must be exactly those of the stateless pipeline, which
//! scans every string and keys every MAC afresh, over repeated and varied
//! challenges (clean, with personal data in the description, `extra`, keys,
//! the URL and the reason), under every PII action, with and without hints.

use base64::Engine as _;
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::guard::Guard;
use presidio_x402_core::pii::{EntityType, PiiHint};
use presidio_x402_core::pipeline::{self, HostResults, Outcome, PaymentContext};
use presidio_x402_core::policy::GuardState;

const RK: &[u8] = b"replay-key-replay-key-replay-key";
const AK: &[u8] = b"audit-key-audit-key-audit-key-00";

/// A v2 header for `url`, with `description` and an `extra` member.
fn header(url: &str, description: &str, extra_key: &str, extra: &str) -> String {
    let doc = serde_json::json!({
        "x402Version": 2, "error": "Payment required",
        "resource": {"url": url, "description": description, "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:8453", "amount": "10000",
                     "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
                     "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                     "maxTimeoutSeconds": 60, "extra": {"name": "USD Coin", extra_key: extra}}]
    });
    base64::engine::general_purpose::STANDARD.encode(doc.to_string())
}

#[test]
fn a_guard_decides_as_the_stateless_pipeline() {
    let urls = [
        "https://api.example.com/data/1",
        "https://api.example.com/data/alice@example.com",
        "https://u:p@api.example.com/data/2",
    ];
    let descriptions = ["Market data", "Report for bob@example.org", "Market data"];
    let extras = [
        ("version", "2"),
        ("carol@example.net", "2"),
        ("version", "call +1 415 555 0132"),
    ];
    let reasons = ["daily report", "send to dan@example.com", "daily report"];
    for action in ["redact", "warn", "block"] {
        let config = format!(
            r#"{{"max_per_call_usd": null, "daily_limit_usd": 1000000, "agent_id": "memo", "pii": {{"action": "{action}"}}}}"#
        );
        let cfg = GuardConfig::from_json(&config).expect("config");
        let mut guard = Guard::with_config(cfg.clone());
        let mut state = GuardState::default();
        let (mut head, mut plain_head) = (None, None);
        let mut now = 1_800_000_000_000u64;
        let (mut found, mut clean, mut allowed) = (0, 0, 0);
        for i in 0..60usize {
            now += 1;
            let url = urls[i % 3];
            let hdr = header(
                urls[(i / 3) % 3],
                descriptions[(i / 2) % 3],
                extras[(i / 5) % 3].0,
                extras[(i / 5) % 3].1,
            );
            let ctx = PaymentContext {
                method: "GET",
                request_url: url,
                payment_required: Some(&hdr),
                body: None,
                reason: reasons[(i / 7) % 3],
                request_body_sha256: None,
                idempotency_key: None,
                now_ms: now,
            };
            // Every fourth payment carries a host hint on a clean word.
            let hints = if i % 4 == 3 {
                vec![PiiHint {
                    entity: EntityType::Person,
                    text: "Market".into(),
                    score: 900,
                }]
            } else {
                Vec::new()
            };
            let (id, got) = guard.assess_with_hints(&ctx, &hints, RK);
            let got = got.clone();
            let want = pipeline::assess_with_hints(&cfg, &mut state, &ctx, &hints, RK);
            assert_eq!(got, want, "assessment {i} under {action}");
            if want.pii_count > 0 {
                found += 1;
            } else {
                clean += 1;
            }
            let io = HostResults {
                replay_fresh: Some(true),
                votes: vec![],
            };
            let d = guard.finalize(id, &io, AK, head.as_ref(), now);
            let p = pipeline::finalize(&cfg, &mut state, &want, &io, AK, plain_head.as_ref(), now);
            assert_eq!(d, p, "finalize {i} under {action}");
            let Ok(d) = d else { continue };
            head = Some(d.head.clone());
            plain_head = head.clone();
            if d.allowed {
                allowed += 1;
                let s = guard.settle(id, Outcome::Settled, AK, head.as_ref(), now);
                let p = pipeline::settle(
                    &cfg,
                    &mut state,
                    &want,
                    Outcome::Settled,
                    AK,
                    plain_head.as_ref(),
                    now,
                );
                assert_eq!(s, p, "settle {i} under {action}");
                head = Some(s.expect("settle").head);
                plain_head = head.clone();
            }
        }
        assert_eq!(guard.state(), &state, "state under {action}");
        // Both kinds of payment were seen, and some were paid.
        assert!(
            found > 0 && clean > 0 && allowed > 0,
            "{action}: {found} {clean} {allowed}"
        );
    }
}
