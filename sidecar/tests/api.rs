//! The sidecar's HTTP API against the running binary: a payment decided,
//! signed and reported (memory and file stores), the audit chain it wrote,
//! budgets, auth, size cap, bad requests, start-up refusals, policy reload,
//! metrics, fail-closed store errors and the OpenAPI document.

mod common;

use common::{decide_req, settled_header, signed_payload, Scratch, Sidecar};
use serde_json::{json, Value};

fn code_of(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .map(|v| v["code"].as_str().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// decide → sign → report: allowed, settled; returns the final answer.
fn pay(sc: &Sidecar, url: &str) -> Value {
    let d = sc.post_json("/v1/decide", &decide_req(url));
    assert_eq!(d["next"], "sign", "{d}");
    assert_eq!(d["verdict"], "allowed");
    assert_eq!(d["sign"]["amount_usd"], "0.01");
    assert_eq!(
        d["sign"]["pay_to"],
        "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
    );
    let pid = d["payment_id"].as_str().expect("payment id").to_string();
    let s = sc.post_json(
        &format!("/v1/payments/{pid}/signed"),
        &signed_payload(&d["sign"]),
    );
    assert_eq!(s["next"], "send", "{s}");
    assert_eq!(s["send"]["header"]["name"], "X-PAYMENT");
    assert_eq!(s["send"]["url"], url);
    let r = sc.post_json(
        &format!("/v1/payments/{pid}/response"),
        &json!({"status": 200, "headers": {"X-PAYMENT-RESPONSE": settled_header()}}),
    );
    assert_eq!(r["next"], "done", "{r}");
    r
}

#[test]
fn decide_sign_report_settles_and_the_audit_chain_verifies() {
    let dir = Scratch::new("pay");
    let audit = dir.path("audit");
    let sc = Sidecar::start(&[
        "--audit-dir",
        audit.to_str().expect("path"),
        "--replica-id",
        "side-1",
        "--agent-id",
        "agent-9",
    ]);
    let r = pay(&sc, "https://api.example.com/item/1");
    assert_eq!(r["allowed"], true);
    assert_eq!(r["settlement"], "settled");
    assert_eq!(r["verdict"], "allowed");
    // A replay of the same purchase is refused with the core's code and message.
    let again = sc.post_json("/v1/decide", &decide_req("https://api.example.com/item/1"));
    assert_eq!(again["verdict"], "refused", "{again}");
    assert_eq!(again["code"], "replay-detected");
    assert!(again["message"].as_str().is_some_and(|m| !m.is_empty()));
    // A signer failure ends the payment: nothing sent, nothing spent.
    let d = sc.post_json("/v1/decide", &decide_req("https://api.example.com/item/2"));
    let pid = d["payment_id"].as_str().expect("id").to_string();
    let f = sc.post_json(
        &format!("/v1/payments/{pid}/signed"),
        &json!({"failed": true}),
    );
    assert_eq!(f["next"], "done");
    assert_eq!(f["allowed"], false);
    // The payment is over: a second report is a conflict.
    let (st, body) = sc.post(
        &format!("/v1/payments/{pid}/signed"),
        &json!({"failed": true}),
    );
    assert_eq!(
        (st, code_of(&body).as_str()),
        (409, "payment-state"),
        "{body}"
    );
    let (st, body) = sc.post("/v1/payments/nope-1/signed", &json!({"failed": true}));
    assert_eq!((st, code_of(&body).as_str()), (404, "payment-unknown"));

    let b = sc.get_json("/v1/budgets");
    assert_eq!(b["window"]["used_usd"], "0.01", "{b}");
    assert_eq!(
        b["window"]["remaining_usd"], "9.99",
        "the core's default limit is $10: {b}"
    );
    assert_eq!(b["open_reservations"], 0);

    let head = sc.get_json("/v1/audit/head");
    assert_eq!(head["replica"], "side-1");
    assert_eq!(
        head["head"]["seq"], 5,
        "allowed, settled, replay refusal, allowed, signer failure: {head}"
    );
    let v = sc.post_json("/v1/audit/verify", &json!({}));
    assert_eq!(v["ok"], true, "{v}");
    let log = std::fs::read_to_string(audit.join("side-1.jsonl")).expect("log");
    assert_eq!(log.lines().count(), 5);
    assert!(log
        .lines()
        .all(|l| l.contains("\"replica\":\"side-1\"") && l.contains("\"agent_id\":\"agent-9\"")));

    let m = sc.get("/metrics").1;
    for name in [
        "x402_payments_total",
        "x402_payment_amount_usd",
        "x402_pii_detections_total",
        "x402_policy_violations_total",
        "x402_replay_detections_total",
        "x402_mpa_events_total",
        "x402_sidecar_reload_failures_total",
    ] {
        assert!(
            m.contains(&format!("# TYPE {name} ")),
            "{name} missing:\n{m}"
        );
    }
    assert!(m.contains("x402_replay_detections_total 1"), "{m}");
    assert!(
        m.contains("x402_payment_amount_usd_count{network=\"eip155:8453\"} 1"),
        "{m}"
    );
}

#[test]
fn a_restart_continues_the_chain_from_the_log_and_the_file_store() {
    let dir = Scratch::new("restart");
    let (audit, state) = (dir.path("audit"), dir.path("state"));
    let args = [
        "--store",
        "file",
        "--state-dir",
        state.to_str().expect("p"),
        "--audit-dir",
        audit.to_str().expect("p"),
        "--replica-id",
        "r-file",
    ];
    {
        let mut sc = Sidecar::start(&args);
        assert_eq!(
            pay(&sc, "https://api.example.com/a")["settlement"],
            "settled"
        );
        // A clean stop (SIGTERM) saves the head of the log's last line (the
        // quiet flush or the shutdown's, whichever comes first).
        assert!(std::process::Command::new("kill")
            .args(["-TERM", &sc.pid().to_string()])
            .status()
            .expect("kill")
            .success());
        assert!(sc.child.wait().expect("exit").success());
        let h: Value = serde_json::from_str(
            &std::fs::read_to_string(state.join("head-r-file.json")).expect("head"),
        )
        .expect("json");
        assert_eq!(h["seq"], 2, "{h}");
    }
    let sc = Sidecar::start(&args);
    assert_eq!(
        pay(&sc, "https://api.example.com/b")["settlement"],
        "settled"
    );
    // The documented layout (docs/STORES.md): state.json {version, state}, head-{replica}.json.
    let st: Value =
        serde_json::from_str(&std::fs::read_to_string(state.join("state.json")).expect("state"))
            .expect("json");
    assert!(
        st["version"].as_u64().is_some_and(|v| v >= 4) && st["state"].is_string(),
        "{st}"
    );
    let head = || -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(state.join("head-r-file.json")).expect("head"),
        )
        .expect("json")
    };
    // Heads ride the compare-and-sets (docs/STORES.md): the stop saved the
    // log's head (2), the second payment's settlement carried its pre-sign
    // line (3); the settled line (4) is saved once the sidecar is quiet (the
    // core's `unsaved_head_ms`).
    let mut h = head();
    for _ in 0..200 {
        if h["seq"] == 4 {
            break;
        }
        assert_eq!(h["seq"], 3, "{h}");
        std::thread::sleep(std::time::Duration::from_millis(10));
        h = head();
    }
    assert_eq!(h["seq"], 4, "the quiet sidecar saved its head");
    let v = sc.post_json("/v1/audit/verify", &json!({}));
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["truncation_checked"], true, "{v}");
    assert_eq!(v["chains"][0]["head_check"], "equal", "{v}");
    assert_eq!(sc.get_json("/v1/budgets")["window"]["used_usd"], "0.02");
}

#[test]
fn a_bearer_token_guards_v1_in_constant_time() {
    let dir = Scratch::new("auth");
    std::fs::write(dir.path("token"), "s3cret-token\n").expect("token");
    let sc = Sidecar::start(&["--token-file", dir.path("token").to_str().expect("p")]);
    let (st, body) = common::http(&sc.addr, "GET", "/v1/budgets", &[], None);
    assert_eq!((st, code_of(&body).as_str()), (401, "unauthorized"));
    let (st, body) = common::http(
        &sc.addr,
        "GET",
        "/v1/budgets",
        &[("Authorization", "Bearer wrong")],
        None,
    );
    assert_eq!((st, code_of(&body).as_str()), (401, "unauthorized"));
    let (st, _) = common::http(
        &sc.addr,
        "GET",
        "/v1/budgets",
        &[("Authorization", "Bearer s3cret-token")],
        None,
    );
    assert_eq!(st, 200);
    assert_eq!(sc.get("/healthz").0, 200, "probes need no token");
    // The token never appears in the logs.
    assert!(sc
        .stderr
        .lock()
        .expect("lines")
        .iter()
        .all(|l| !l.contains("s3cret")));
}

#[test]
fn bad_requests_get_json_errors_with_stable_codes() {
    let sc = Sidecar::start(&["--max-body-bytes", "4096"]);
    let big = vec![b'x'; 8192];
    let (st, body) = common::http(&sc.addr, "POST", "/v1/decide", &[], Some(&big));
    assert_eq!(
        (st, code_of(&body).as_str()),
        (413, "body-too-large"),
        "{body}"
    );
    let (st, body) = common::http(&sc.addr, "POST", "/v1/decide", &[], Some(b"{not json"));
    assert_eq!((st, code_of(&body).as_str()), (400, "bad-json"));
    let (st, body) = sc.post(
        "/v1/decide",
        &json!({"request": {"url": "https://a.example/x"}}),
    );
    assert_eq!((st, code_of(&body).as_str()), (400, "invalid-input"));
    let mut not402 = decide_req("https://a.example/x");
    not402["response"]["status"] = json!(200);
    assert_eq!(code_of(&sc.post("/v1/decide", &not402).1), "invalid-input");
    let (st, body) = sc.get("/v1/nothing-here");
    assert_eq!((st, code_of(&body).as_str()), (404, "not-found"));
    let (st, body) = sc.get("/v1/decide");
    assert_eq!((st, code_of(&body).as_str()), (405, "method-not-allowed"));
    // A 402 the core refuses is a verdict, not an HTTP error.
    let mut bad = decide_req("https://a.example/x");
    bad["response"]["body"] = json!("{\"x402Version\":1,\"accepts\":[]}");
    let v = sc.post_json("/v1/decide", &bad);
    assert_eq!(v["verdict"], "refused");
    assert!(v["code"].is_string(), "{v}");
}

#[test]
fn an_invalid_policy_or_missing_key_refuses_to_start() {
    let dir = Scratch::new("badpolicy");
    std::fs::write(
        dir.path("p.toml"),
        "max_per_call_usd = 0.1\nnot_a_field = 1\n",
    )
    .expect("write");
    let out = common::command(&["--policy", dir.path("p.toml").to_str().expect("p")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let line: Value = serde_json::from_slice(&out.stderr).expect("one JSON line");
    assert_eq!(line["code"], "config-unknown-field", "{line}");
    assert_eq!(line["errors"][0]["path"], "not_a_field");
    let out = common::command(&[])
        .env_remove("X402_AUDIT_KEY")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let out = common::command(&[])
        .env("X402_AUDIT_KEY", "abcd")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("key-too-short"));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("abcd"),
        "keys are never printed"
    );
}

#[test]
fn sighup_reloads_and_a_bad_policy_is_refused_keeping_the_old_one() {
    let dir = Scratch::new("reload");
    let p = dir.path("policy.json");
    std::fs::write(&p, r#"{"max_per_call_usd": 1, "daily_limit_usd": 10}"#).expect("write");
    let sc = Sidecar::start(&["--policy", p.to_str().expect("p")]);
    let limit = |sc: &Sidecar| sc.get_json("/v1/budgets")["window"]["limit_usd"].clone();
    assert_eq!(limit(&sc), "10");
    let hup = |pid: u32| {
        assert!(std::process::Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .expect("kill")
            .success());
    };
    std::fs::write(&p, r#"{"max_per_call_usd": 1, "daily_limit_usd": "lots"}"#).expect("write");
    hup(sc.pid());
    common::wait_until(10, "the reload failure metric", || {
        sc.get("/metrics")
            .1
            .contains("x402_sidecar_reload_failures_total 1")
    });
    assert_eq!(limit(&sc), "10", "the old policy is kept");
    assert!(sc
        .stderr
        .lock()
        .expect("lines")
        .iter()
        .any(|l| l.contains("policy reload refused")));
    std::fs::write(&p, r#"{"max_per_call_usd": 1, "daily_limit_usd": 0.015}"#).expect("write");
    hup(sc.pid());
    common::wait_until(10, "the new policy", || limit(&sc) == "0.015");
    // The new limit applies: one cent fits, the second does not.
    let _ = pay(&sc, "https://api.example.com/r/1");
    let v = sc.post_json("/v1/decide", &decide_req("https://api.example.com/r/2"));
    assert_eq!(v["code"], "policy-window-exceeded", "{v}");
}

#[test]
fn a_policy_file_change_is_picked_up_without_a_signal() {
    let dir = Scratch::new("poll");
    let p = dir.path("policy.toml");
    std::fs::write(&p, "daily_limit_usd = 5\n").expect("write");
    let mut c = common::command(&["--policy", p.to_str().expect("p")]);
    c.env("X402_SIDECAR_POLICY_POLL_MS", "100");
    let sc = Sidecar::start_cmd(c);
    std::fs::write(&p, "daily_limit_usd = 7\n").expect("write");
    common::wait_until(10, "the polled reload", || {
        sc.get_json("/v1/budgets")["window"]["limit_usd"] == "7"
    });
}

#[test]
fn an_unreachable_store_fails_closed() {
    // Nothing listens on port 1: every store call fails.
    let sc = Sidecar::start(&["--store", "redis", "--redis-url", "redis://127.0.0.1:1/0"]);
    let v = sc.post_json("/v1/decide", &decide_req("https://api.example.com/x"));
    assert_eq!(v["verdict"], "refused");
    assert_eq!(v["code"], "store-unavailable");
    assert_eq!(sc.get("/readyz").0, 503);
    assert_eq!(code_of(&sc.get("/v1/budgets").1), "store-unavailable");
    assert!(sc
        .get("/metrics")
        .1
        .contains("x402_sidecar_store_errors_total "));
}

#[test]
fn the_served_openapi_document_is_the_committed_file() {
    let sc = Sidecar::start(&[]);
    let (st, served) = sc.get("/openapi.json");
    assert_eq!(st, 200);
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json"))
        .expect("file");
    assert_eq!(served, file);
    let doc: Value = serde_json::from_str(&file).expect("JSON");
    for p in [
        "/v1/decide",
        "/v1/payments/{id}/signed",
        "/v1/payments/{id}/response",
        "/v1/budgets",
        "/v1/audit/head",
        "/v1/audit/verify",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
        "/v1/raw/drivers",
        "/v1/raw/drivers/{d}/begin",
        "/v1/raw/drivers/{d}/handle",
        "/v1/raw/drivers/{d}/control",
        "/v1/raw/call/{op}",
        "/v1/halt",
        "/v1/unhalt",
    ] {
        assert!(doc["paths"].get(p).is_some(), "openapi.json lacks {p}");
    }
}

/// A real redis-server on a free loopback port (killed on drop).
struct Redis(std::process::Child, u16);

impl Redis {
    fn start(dir: &std::path::Path) -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("port")
            .local_addr()
            .expect("addr")
            .port();
        let child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (make redis-deps installs it)");
        common::wait_until(20, "redis-server", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Redis(child, port)
    }
    fn cli(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("redis-cli")
            .args(["-p", &self.1.to_string()])
            .args(args)
            .output()
            .expect("redis-cli");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn two_sidecars_share_one_redis_budget_with_the_documented_keys() {
    let dir = Scratch::new("redis");
    let redis = Redis::start(&dir.0);
    let url = format!("redis://127.0.0.1:{}/0", redis.1);
    let policy = dir.path("policy.json");
    std::fs::write(
        &policy,
        r#"{"max_per_call_usd": 1, "daily_limit_usd": 0.05}"#,
    )
    .expect("write");
    let audit = dir.path("audit");
    let start = |replica: &str| {
        Sidecar::start(&[
            "--policy",
            policy.to_str().expect("p"),
            "--store",
            "redis",
            "--redis-url",
            &url,
            "--redis-tenant",
            "fleet",
            "--audit-dir",
            audit.to_str().expect("p"),
            "--replica-id",
            replica,
        ])
    };
    let (a, b) = (start("pod-a"), start("pod-b"));
    let (mut paid, mut refused) = (0, 0);
    for i in 0..8 {
        let sc = if i % 2 == 0 { &a } else { &b };
        let url = format!("https://api.example.com/fleet/{i}");
        let d = sc.post_json("/v1/decide", &decide_req(&url));
        if d["next"] == "done" {
            assert_eq!(d["code"], "policy-window-exceeded", "{d}");
            refused += 1;
            continue;
        }
        let pid = d["payment_id"].as_str().expect("id").to_string();
        let s = sc.post_json(
            &format!("/v1/payments/{pid}/signed"),
            &signed_payload(&d["sign"]),
        );
        let r = sc.post_json(
            &format!("/v1/payments/{pid}/response"),
            &json!({"status": 200, "settlement": settled_header()}),
        );
        assert_eq!(
            (s["next"].as_str(), r["settlement"].as_str()),
            (Some("send"), Some("settled"))
        );
        paid += 1;
    }
    assert_eq!(
        (paid, refused),
        (5, 3),
        "one $0.05 window across both sidecars"
    );
    assert_eq!(a.get_json("/v1/budgets")["window"]["used_usd"], "0.05");
    assert_eq!(b.get_json("/v1/budgets")["window"]["used_usd"], "0.05");
    // docs/STORES.md: the state hash (v, s) and one head hash per replica.
    assert_eq!(
        redis.cli(&["HEXISTS", "presidio_x402:{fleet}:state", "s"]),
        "1"
    );
    assert!(redis
        .cli(&["HGET", "presidio_x402:{fleet}:state", "v"])
        .parse::<u64>()
        .is_ok_and(|v| v >= 10));
    // Heads ride the compare-and-sets; a refusal that would leave two lines
    // unsaved saves its own, and a quiet sidecar saves the last line's.
    assert_eq!(
        redis.cli(&["HGET", "presidio_x402:{fleet}:head:pod-a", "seq"]),
        "7",
        "pod-a: 3 paid (2 lines each), 1 refused (its own save)"
    );
    let b_head = || redis.cli(&["HGET", "presidio_x402:{fleet}:head:pod-b", "seq"]);
    for _ in 0..200 {
        if b_head() == "6" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(
        b_head(),
        "6",
        "pod-b: 2 paid, 2 refused (the last one's head flushed once quiet)"
    );
    let v = a.post_json("/v1/audit/verify", &json!({}));
    assert_eq!(
        (v["ok"].as_bool(), v["truncation_checked"].as_bool()),
        (Some(true), Some(true)),
        "{v}"
    );
    assert_eq!(v["chains"].as_array().map(Vec::len), Some(2));
}

/// A webhook approver on a loopback port: answers each POST with `approved` from `answers`, in order.
fn approver(answers: Vec<bool>) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let h = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for approved in answers {
            let (mut s, _) = l.accept().expect("accept");
            let mut r = BufReader::new(s.try_clone().expect("clone"));
            let (mut len, mut id) = (0usize, String::new());
            loop {
                let mut line = String::new();
                r.read_line(&mut line).expect("line");
                let t = line.trim_end();
                if t.is_empty() {
                    break;
                }
                let lower = t.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().expect("length");
                }
                if lower.starts_with("x-mpa-request-id:") {
                    id = t.split_once(':').expect("header").1.trim().to_string();
                }
            }
            let mut body = vec![0; len];
            r.read_exact(&mut body).expect("body");
            seen.push(String::from_utf8_lossy(&body).to_string());
            let answer = json!({"approved": approved, "request_id": id}).to_string();
            let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}", answer.len());
        }
        seen
    });
    (port, h)
}

#[test]
fn webhook_approvers_are_asked_by_the_sidecar_and_judged_by_the_core() {
    let dir = Scratch::new("mpa");
    let (port, server) = approver(vec![true, false]);
    let policy = dir.path("policy.json");
    let mpa = |url: &str| {
        json!({"max_per_call_usd": 1, "mpa": {"threshold": 1, "timeout_seconds": 5, "allow_private_webhooks": true,
               "approvers": [{"approver_id": "boss", "webhook_url": url}]}})
    };
    std::fs::write(
        &policy,
        mpa(&format!("http://127.0.0.1:{port}/approve")).to_string(),
    )
    .expect("write");
    let sc = Sidecar::start(&["--policy", policy.to_str().expect("p")]);
    let ok = sc.post_json("/v1/decide", &decide_req("https://api.example.com/mpa/1"));
    assert_eq!(ok["next"], "sign", "approved: {ok}");
    let no = sc.post_json("/v1/decide", &decide_req("https://api.example.com/mpa/2"));
    assert_eq!(no["verdict"], "refused", "denied: {no}");
    assert!(
        no["code"].as_str().is_some_and(|c| c.starts_with("mpa-")),
        "{no}"
    );
    let seen = server.join().expect("approver");
    assert_eq!(seen.len(), 2);
    assert!(
        seen[0].contains("https://api.example.com/mpa/1"),
        "the approval request names the resource: {}",
        seen[0]
    );
    assert!(sc.get("/metrics").1.contains("x402_mpa_events_total{"));
    // An https approver cannot be asked (no TLS client): no approval, the payment is refused.
    std::fs::write(&policy, mpa("https://127.0.0.1:9/approve").to_string()).expect("write");
    assert!(std::process::Command::new("kill")
        .args(["-HUP", &sc.pid().to_string()])
        .status()
        .expect("kill")
        .success());
    common::wait_until(10, "the reload", || {
        sc.get("/metrics")
            .1
            .contains("x402_sidecar_reloads_total 1")
    });
    let v = sc.post_json("/v1/decide", &decide_req("https://api.example.com/mpa/3"));
    assert_eq!(v["verdict"], "refused", "{v}");
}

#[test]
fn the_kill_switch_halts_every_sidecar_on_the_store_with_the_bearer_token() {
    let dir = Scratch::new("halt");
    std::fs::write(dir.path("token"), "halt-token\n").expect("token");
    let (state, token) = (dir.path("state"), dir.path("token"));
    let args = [
        "--store",
        "file",
        "--state-dir",
        state.to_str().expect("p"),
        "--token-file",
        token.to_str().expect("p"),
    ];
    let (a, b) = (Sidecar::start(&args), Sidecar::start(&args));
    let auth = [("Authorization", "Bearer halt-token")];
    let call = |sc: &Sidecar, method: &str, path: &str, body: &Value| {
        let body = body.to_string();
        let body = (body != "null").then_some(body.as_bytes());
        let (st, text) = common::http(&sc.addr, method, path, &auth, body);
        (
            st,
            serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
        )
    };
    // Without the token: refused.
    assert_eq!(a.post("/v1/halt", &json!({"reason": "x"})).0, 401);
    let (st, h) = call(
        &a,
        "POST",
        "/v1/halt",
        &json!({"reason": "incident 42", "by": "ops"}),
    );
    assert_eq!(st, 200, "{h}");
    assert_eq!(h["halted"]["reason"], "incident 42");
    // The other sidecar on the same store refuses with guard-halted.
    let (st, d) = call(
        &b,
        "POST",
        "/v1/decide",
        &decide_req("https://api.example.com/h"),
    );
    assert_eq!(st, 200, "{d}");
    assert_eq!(
        (d["verdict"].as_str(), d["code"].as_str()),
        (Some("refused"), Some("guard-halted"))
    );
    let (_, h) = call(&b, "GET", "/v1/halt", &Value::Null);
    assert_eq!(h["halted"]["by"], "ops");
    let (st, h) = call(&b, "POST", "/v1/unhalt", &json!({}));
    assert_eq!((st, &h["halted"]), (200, &Value::Null));
    let (_, d) = call(
        &a,
        "POST",
        "/v1/decide",
        &decide_req("https://api.example.com/h"),
    );
    assert_eq!(d["next"], "sign", "{d}");
    // A reason with control characters is invalid input.
    let (st, e) = call(&a, "POST", "/v1/halt", &json!({"reason": "a\nb"}));
    assert_eq!((st, e["code"].as_str()), (400, Some("invalid-input")));
}

#[test]
fn a_human_approver_is_unavailable_at_the_sidecar() {
    let dir = Scratch::new("human");
    let policy = dir.path("policy.json");
    std::fs::write(
        &policy,
        json!({"max_per_call_usd": 1, "mpa": {"threshold": 1, "timeout_seconds": 5,
               "approvers": [{"approver_id": "owner", "mode": "human"}]}})
        .to_string(),
    )
    .expect("write");
    let sc = Sidecar::start(&["--policy", policy.to_str().expect("p")]);
    let v = sc.post_json("/v1/decide", &decide_req("https://api.example.com/human/1"));
    assert_eq!(
        (v["verdict"].as_str(), v["code"].as_str()),
        (Some("refused"), Some("mpa-human-unavailable")),
        "{v}"
    );
}
