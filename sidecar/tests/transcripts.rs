//! Every driver scenario's transcript (`vectors/driver/transcripts.json`,
//! written by the native core from `vectors/driver/scenarios.json`) replayed
//! over HTTP through the sidecar's raw driver endpoints: each `open`, `begin`
//! and `handle` crossing is sent to the running binary and its answer
//! compared with the file BYTE FOR BYTE, then the driver's state and head
//! with the native core's. Every scenario of `scenarios.json` must have its
//! transcript; a missing file, an empty one, a scenario without crossings or
//! an unknown call fails: nothing is skipped.

mod common;

use common::Sidecar;
use presidio_x402_core::driver::Driver;
use presidio_x402_core::hex;
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn load(name: &str) -> Value {
    let p = common::vectors().join("driver").join(name);
    let t = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&t).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn task_id(crossings: &[Value], at: usize, task: &Value) -> Result<u64, String> {
    let t = task
        .as_u64()
        .map(|t| t as usize)
        .filter(|t| *t < at)
        .ok_or(format!("task {task}"))?;
    if !matches!(
        crossings[t]["call"].as_str(),
        Some("open" | "begin" | "control" | "reload" | "flush")
    ) {
        return Err(format!(
            "task {t} is not an open, begin, control, reload or flush crossing"
        ));
    }
    let out: Value = serde_json::from_str(crossings[t]["output"].as_str().unwrap_or(""))
        .map_err(|e| e.to_string())?;
    out["id"].as_u64().ok_or(format!("task {t}: no id"))
}

/// What the transcripts record for a core error: `{"error":"<code>"}`.
fn error_text(answer: &str) -> String {
    let v: Value = serde_json::from_str(answer).expect("an error answer is JSON");
    json!({"error": v["code"]}).to_string()
}

fn replay(sc: &Sidecar, s: &Value) -> Result<usize, String> {
    let created = sc.post(
        "/v1/raw/drivers",
        &json!({"config": s["config"], "profile": s["profile"],
                "replay_key_hex": s["replay_key_hex"], "audit_key_hex": s["audit_key_hex"]}),
    );
    if created.0 != 201 {
        return Err(format!("create: {} {}", created.0, created.1));
    }
    let d = serde_json::from_str::<Value>(&created.1).map_err(|e| e.to_string())?["driver"]
        .as_u64()
        .ok_or("no driver id")?;
    let key = |k: &str| hex::decode(s[k].as_str().unwrap_or("")).ok_or(format!("{k} is not hex"));
    let mut native = Driver::from_json(
        s["config"].as_str().unwrap_or(""),
        s["profile"].as_str().unwrap_or(""),
        &key("replay_key_hex")?,
        &key("audit_key_hex")?,
    )
    .map_err(|e| format!("native driver: {e:?}"))?;
    let crossings = s["crossings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if crossings.is_empty() {
        return Err("no crossings".into());
    }
    for (i, c) in crossings.iter().enumerate() {
        let expected = c["output"]
            .as_str()
            .ok_or(format!("crossing {i}: no output"))?;
        let (now, input) = (c["now_ms"].as_u64(), c["input"].as_str());
        let (status, got) = match c["call"].as_str() {
            Some("open") => {
                native.open_json();
                sc.post(&format!("/v1/raw/drivers/{d}/open"), &json!({}))
            }
            Some("begin") => {
                let (now, input) = (now.ok_or("no now_ms")?, input.ok_or("no input")?);
                let _ = native.begin_json(input, now);
                sc.post(
                    &format!("/v1/raw/drivers/{d}/begin"),
                    &json!({"now_ms": now, "input": input}),
                )
            }
            Some("control") => {
                let (now, input) = (now.ok_or("no now_ms")?, input.ok_or("no input")?);
                let _ = native.control_json(input, now);
                sc.post(
                    &format!("/v1/raw/drivers/{d}/control"),
                    &json!({"now_ms": now, "input": input}),
                )
            }
            Some("reload") => {
                let (now, input) = (now.ok_or("no now_ms")?, input.ok_or("no input")?);
                let _ = native.reload_json(input, now);
                sc.post(
                    &format!("/v1/raw/drivers/{d}/reload"),
                    &json!({"now_ms": now, "input": input}),
                )
            }
            Some("flush") => {
                let now = now.ok_or("no now_ms")?;
                let _ = native.flush_json(now);
                sc.post(
                    &format!("/v1/raw/drivers/{d}/flush"),
                    &json!({"now_ms": now}),
                )
            }
            Some("handle") => {
                let id = task_id(crossings, i, &c["task"])?;
                let (now, input) = (now.ok_or("no now_ms")?, input.ok_or("no input")?);
                let _ = native.handle_json(id, now, input);
                sc.post(
                    &format!("/v1/raw/drivers/{d}/handle"),
                    &json!({"task": id, "now_ms": now, "input": input}),
                )
            }
            other => return Err(format!("crossing {i}: unknown call {other:?}")),
        };
        let got = match status {
            200 => got,
            422 => error_text(&got),
            _ => return Err(format!("crossing {i}: HTTP {status} {got}")),
        };
        if got != expected {
            let at = got
                .bytes()
                .zip(expected.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            return Err(format!(
                "crossing {i} ({}): differs at byte {at}: expected …{} got …{}",
                c["call"],
                &expected[at.saturating_sub(40).min(expected.len())..(at + 80).min(expected.len())],
                &got[at.saturating_sub(40).min(got.len())..(at + 80).min(got.len())]
            ));
        }
    }
    let after = sc.get_json(&format!("/v1/raw/drivers/{d}"));
    if after["state"].as_str() != Some(native.state_json().as_str()) {
        return Err("state after the scenario differs from the native core's".into());
    }
    if after["head"] != native.head().map_or(Value::Null, |h| h.to_json()) {
        return Err("head after the scenario differs from the native core's".into());
    }
    let (st, _) = common::http(
        &sc.addr,
        "DELETE",
        &format!("/v1/raw/drivers/{d}"),
        &[],
        None,
    );
    if st != 204 {
        return Err(format!("delete: {st}"));
    }
    Ok(crossings.len())
}

#[test]
fn every_driver_scenario_replays_byte_for_byte_over_http() {
    let transcripts = load("transcripts.json");
    assert_eq!(transcripts["schema"], "presidio-x402-driver-transcripts-v1");
    let scenarios = load("scenarios.json");
    let declared: BTreeSet<u64> = scenarios["testGroups"]
        .as_array()
        .expect("testGroups")
        .iter()
        .flat_map(|g| g["tests"].as_array().cloned().unwrap_or_default())
        .map(|t| t["tcId"].as_u64().expect("tcId"))
        .collect();
    assert_eq!(
        declared.len() as u64,
        scenarios["numberOfTests"].as_u64().expect("numberOfTests")
    );
    let list = transcripts["scenarios"].as_array().expect("scenarios");
    assert!(!list.is_empty(), "zero transcripts");
    let recorded: BTreeSet<u64> = list
        .iter()
        .map(|s| s["tcId"].as_u64().expect("tcId"))
        .collect();
    assert_eq!(recorded.len(), list.len(), "duplicate tcId");
    assert_eq!(
        recorded, declared,
        "every scenario of scenarios.json has its transcript"
    );

    let sc = Sidecar::start(&["--raw-driver"]);
    let (mut crossings, mut failures) = (0, Vec::new());
    for s in list {
        match replay(&sc, s) {
            Ok(n) => crossings += n,
            Err(e) => failures.push(format!(
                "tcId {} ({}): {e}",
                s["tcId"],
                s["comment"].as_str().unwrap_or("")
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) differ over HTTP:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    println!(
        "driver transcripts over HTTP: {} scenarios, {crossings} crossings, all identical",
        list.len()
    );
}

#[test]
fn the_raw_endpoints_are_off_by_default() {
    let sc = Sidecar::start(&[]);
    let (st, body) = sc.post("/v1/raw/drivers", &json!({}));
    assert_eq!(st, 404, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("json")["code"],
        "not-found"
    );
}
