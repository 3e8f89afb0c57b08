//! `make demo` (until the end-to-end world lands): real v1 and v2 x402
//! challenges through the pipeline, each decision printed, then an audit log
//! written to disk and verified.
//!
//! This example is a host: it owns the clock, the keys, the replay store and
//! the audit file. The core only decides.

use base64::Engine as _;
use presidio_x402_core::audit;
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::pipeline::{self, HostResults, Outcome, PaymentContext};
use presidio_x402_core::policy::GuardState;
use std::collections::HashMap;
use std::io::Write as _;

const USDC_BASE_SEPOLIA: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

fn v1_body(amount: &str, resource: &str, description: &str) -> String {
    serde_json::json!({
        "x402Version": 1, "error": "X-PAYMENT header is required",
        "accepts": [{"scheme": "exact", "network": "base-sepolia", "maxAmountRequired": amount,
                     "asset": USDC_BASE_SEPOLIA, "payTo": PAY_TO, "resource": resource,
                     "description": description, "mimeType": "application/json", "outputSchema": null,
                     "maxTimeoutSeconds": 60, "extra": {"name": "USDC", "version": "2"}}]
    })
    .to_string()
}

fn v2_header(amount: &str, asset: &str, url: &str, description: &str) -> String {
    let doc = serde_json::json!({
        "x402Version": 2, "error": "Payment required",
        "resource": {"url": url, "description": description, "mimeType": "application/json"},
        "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": amount, "asset": asset,
                     "payTo": PAY_TO, "maxTimeoutSeconds": 300, "extra": {"name": "USDC", "version": "2"}}]
    });
    base64::engine::general_purpose::STANDARD.encode(doc.to_string())
}

struct Scenario {
    name: &'static str,
    url: &'static str,
    header: Option<String>,
    body: Option<String>,
    settle: Outcome,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cfg = GuardConfig::from_json(
        r#"{"max_per_call_usd": 0.10, "daily_limit_usd": 0.05, "agent_id": "demo-agent",
            "per_endpoint": {"https://api.example.com": 0.03}}"#,
    )
    .map_err(|e| format!("config: {e:?}"))?;
    let replay_key = b"demo replay key, 32 bytes long!!";
    let audit_key = b"demo audit chain key, keep secret";
    let mut state = GuardState::default();
    let mut replay_store: HashMap<String, u64> = HashMap::new();
    let mut head = None;
    let mut lines = Vec::new();
    let scenarios = vec![
        Scenario {
            name: "v1 body, 1 cent",
            url: "https://api.example.com/premium-data",
            header: None,
            body: Some(v1_body(
                "10000",
                "https://api.example.com/premium-data",
                "Market data",
            )),
            settle: Outcome::Settled,
        },
        Scenario {
            name: "v2 header, 0.1 cent",
            url: "http://127.0.0.1:4021/weather",
            header: Some(v2_header(
                "1000",
                USDC_BASE_SEPOLIA,
                "http://127.0.0.1:4021/weather",
                "Weather data",
            )),
            body: None,
            settle: Outcome::Settled,
        },
        Scenario {
            name: "duplicate retry of the v1 purchase",
            url: "https://api.example.com/premium-data",
            header: None,
            body: Some(v1_body(
                "10000",
                "https://api.example.com/premium-data",
                "Market data",
            )),
            settle: Outcome::Settled,
        },
        Scenario {
            name: "over the per-call limit ($0.20)",
            url: "https://other.example/report",
            header: Some(v2_header(
                "200000",
                USDC_BASE_SEPOLIA,
                "https://other.example/report",
                "Report",
            )),
            body: None,
            settle: Outcome::Settled,
        },
        Scenario {
            name: "endpoint limit ($0.03 on api.example.com)",
            url: "https://API.example.com:443/bulk",
            header: None,
            body: Some(v1_body(
                "25000",
                "https://api.example.com/bulk",
                "Bulk data",
            )),
            settle: Outcome::Settled,
        },
        Scenario {
            name: "settlement fails: spend released",
            url: "https://other.example/a",
            header: Some(v2_header(
                "20000",
                USDC_BASE_SEPOLIA,
                "https://other.example/a",
                "A",
            )),
            body: None,
            settle: Outcome::Failed(presidio_x402_core::Code::SettlementFailed),
        },
        Scenario {
            name: "retry after the failure",
            url: "https://other.example/a",
            header: Some(v2_header(
                "20000",
                USDC_BASE_SEPOLIA,
                "https://other.example/a",
                "A",
            )),
            body: None,
            settle: Outcome::Settled,
        },
        Scenario {
            name: "daily budget exhausted",
            url: "https://other.example/b",
            header: Some(v2_header(
                "20000",
                USDC_BASE_SEPOLIA,
                "https://other.example/b",
                "B",
            )),
            body: None,
            settle: Outcome::Settled,
        },
        Scenario {
            name: "untrusted asset",
            url: "https://other.example/c",
            header: Some(v2_header(
                "1",
                "0x1111111111111111111111111111111111111111",
                "https://other.example/c",
                "C",
            )),
            body: None,
            settle: Outcome::Settled,
        },
        Scenario {
            name: "hostile amount \"1e3\"",
            url: "https://other.example/d",
            header: Some(v2_header(
                "1e3",
                USDC_BASE_SEPOLIA,
                "https://other.example/d",
                "D",
            )),
            body: None,
            settle: Outcome::Settled,
        },
    ];
    println!(
        "{:<44} {:>3} {:<10} {:<28} {:>8}",
        "scenario", "v", "outcome", "code", "usd"
    );
    println!("{}", "-".repeat(98));
    let mut now = 1_764_000_000_000u64;
    for s in &scenarios {
        now += 1000;
        let ctx = PaymentContext {
            method: "GET",
            request_url: s.url,
            payment_required: s.header.as_deref(),
            body: s.body.as_deref(),
            reason: "",
            request_body_sha256: None,
            idempotency_key: None,
            now_ms: now,
        };
        let a = pipeline::assess(&cfg, &mut state, &ctx, replay_key);
        // Host I/O: the replay store's check-and-set.
        let fresh = a.fingerprint.as_ref().map(|fp| {
            let live = replay_store.get(fp).is_some_and(|&exp| exp > now);
            if !live {
                replay_store.insert(fp.clone(), now + a.replay_ttl_ms);
            }
            !live
        });
        let d = pipeline::finalize(
            &cfg,
            &mut state,
            &a,
            &HostResults {
                replay_fresh: fresh,
                votes: vec![],
            },
            audit_key,
            head.as_ref(),
            now,
        )?;
        lines.push(d.audit_line.clone());
        head = Some(d.head.clone());
        let mut outcome = if d.allowed { "allowed" } else { "blocked" };
        let mut code = d.code.map(|c| c.as_str()).unwrap_or("-");
        if d.allowed {
            // Here a real host signs and sends the paid request.
            let d2 = pipeline::settle(
                &cfg,
                &mut state,
                &a,
                s.settle,
                audit_key,
                head.as_ref(),
                now + 1,
            )?;
            lines.push(d2.audit_line.clone());
            head = Some(d2.head.clone());
            if d2.forget_fingerprint {
                if let Some(fp) = &a.fingerprint {
                    replay_store.remove(fp);
                }
            }
            if !d2.allowed {
                outcome = "failed";
                code = d2.code.map(|c| c.as_str()).unwrap_or("-");
            }
        }
        let usd = a
            .amount_usd
            .map(|u| format!("${u}"))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<44} {:>3} {:<10} {:<28} {:>8}",
            s.name, a.x402_version, outcome, code, usd
        );
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/demo-audit.jsonl");
    let mut f = std::fs::File::create(&path)?;
    for l in &lines {
        writeln!(f, "{l}")?;
    }
    f.sync_all()?;
    let text = std::fs::read_to_string(&path)?;
    let head = head.ok_or("no audit lines")?;
    match audit::verify_text(audit_key, &text, None, Some(&head)) {
        Ok(h) => println!(
            "\naudit log {}: {} lines, chain verifies (head seq {})",
            path.display(),
            lines.len(),
            h.seq
        ),
        Err(e) => return Err(format!("audit log does not verify: {e:?}").into()),
    }
    // Tamper with one line and show that verification catches it.
    let tampered = text.replacen("\"outcome\":\"blocked\"", "\"outcome\":\"allowed\"", 1);
    let e = audit::verify_text(audit_key, &tampered, None, Some(&head))
        .expect_err("tampering must be detected");
    println!(
        "after editing one line: verification fails at line {} ({})",
        e.line, e.code
    );
    Ok(())
}
