//! Secrets and raw PII never leave through Debug output, audit lines or errors
//! (THREATS.md: "Audit lines never hold raw PII, secrets or full exception
//! text"; "Keys never appear in repr, toString, error messages, logs").

use base64::Engine as _;
use presidio_x402_core::guard::Guard;
use presidio_x402_core::pipeline::{HostResults, Outcome, PaymentContext};

const SECRET: &str = "alice-countersign-key-0001";
const EMAIL: &str = "jane.doe@example.com";
const SSN: &str = "123-45-6789";

fn challenge() -> String {
    let doc = serde_json::json!({
        "x402Version": 2, "error": "Payment required",
        "resource": {"url": format!("https://api.example.com/r?email={EMAIL}&ssn={SSN}"),
                     "description": format!("Lab results for {EMAIL}"), "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": "1000",
                     "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                     "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 300,
                     "extra": {"name": "USDC", "version": "2", "memo": format!("user {EMAIL}")}}]
    });
    base64::engine::general_purpose::STANDARD.encode(doc.to_string())
}

#[test]
fn audit_lines_and_debug_output_hold_no_pii_or_secrets() {
    for action in ["redact", "block", "warn"] {
        let cfg = format!(
            r#"{{"pii": {{"action": "{action}"}}, "mpa": {{"threshold": 1, "min_amount_usd": 100,
                "approvers": [{{"approver_id": "alice", "mode": "crypto", "secret": "{SECRET}"}}]}}}}"#
        );
        let mut g = Guard::new(&cfg).unwrap();
        let url = format!("https://api.example.com/r?email={EMAIL}&ssn={SSN}");
        let h = challenge();
        let ctx = PaymentContext {
            method: "GET",
            request_url: &url,
            payment_required: Some(&h),
            body: None,
            reason: "for jane.doe@example.com",
            request_body_sha256: None,
            idempotency_key: None,
            now_ms: 1_000,
        };
        let (id, a) = g.assess(&ctx, &[1u8; 32]);
        let blocked = a.blocked;
        let d = g
            .finalize(
                id,
                &HostResults {
                    replay_fresh: Some(true),
                    votes: vec![],
                },
                &[2u8; 32],
                None,
                1_001,
            )
            .unwrap();
        let mut lines = vec![d.audit_line.clone()];
        if d.allowed {
            let s = g
                .settle(id, Outcome::Settled, &[2u8; 32], Some(&d.head), 1_002)
                .unwrap();
            lines.push(s.audit_line);
        }
        for l in &lines {
            for raw in [EMAIL, SSN, "jane.doe", SECRET] {
                assert!(!l.contains(raw), "{action}: audit line leaks {raw}: {l}");
            }
        }
        assert_eq!(blocked.is_some(), action == "block");
        let dbg = format!("{g:?}");
        assert!(!dbg.contains(SECRET), "Debug leaks the approver secret");
    }
}
