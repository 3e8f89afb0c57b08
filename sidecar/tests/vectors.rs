//! Every per-operation golden vector (`vectors/*.json`, the files the native
//! core, the component, Node, Chromium and Python run) sent over HTTP to the
//! sidecar's `POST /v1/raw/call/{op}` and judged by the same matching rule
//! ([`presidio_x402_core::facade::expected_matches`]). A file that cannot be
//! read, names an unknown operation, miscounts its tests or repeats a tcId
//! fails; every operation of the core's table must have a file: nothing is
//! skipped.

mod common;

use common::Sidecar;
use presidio_x402_core::facade;
use serde_json::Value;
use std::collections::BTreeSet;

/// One vector over HTTP: `Ok(result)` for a 200 answer, `Err(code)` for 422.
fn call(sc: &Sidecar, op: &str, input: &Value) -> Result<Value, String> {
    let (status, body) = common::http(
        &sc.addr,
        "POST",
        &format!("/v1/raw/call/{op}"),
        &[],
        Some(input.to_string().as_bytes()),
    );
    let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{op}: {e}: {body}"));
    match status {
        200 => Ok(v),
        422 => Err(v["code"].as_str().unwrap_or("").to_string()),
        s => panic!("{op}: HTTP {s} {body}"),
    }
}

#[test]
fn every_vector_file_passes_over_http() {
    let mut files: Vec<_> = std::fs::read_dir(common::vectors())
        .expect("vectors/ is readable")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files");
    let sc = Sidecar::start(&["--raw-driver"]);
    let (mut total, mut failures, mut ops_seen) = (0usize, Vec::new(), BTreeSet::new());
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let op = doc["algorithm"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no algorithm"));
        assert!(
            facade::OPERATIONS.contains(&op),
            "{name}: unknown operation {op}"
        );
        ops_seen.insert(op.to_string());
        let (mut count, mut ids) = (0usize, BTreeSet::new());
        for g in doc["testGroups"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no testGroups"))
        {
            for t in g["tests"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: group without tests"))
            {
                count += 1;
                let id = t["tcId"]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{name}: test without tcId"));
                assert!(ids.insert(id), "{name}: duplicate tcId {id}");
                let got = call(&sc, op, &t["input"]);
                let ok = match (t["result"].as_str(), &got) {
                    (Some("valid"), Ok(v)) => facade::expected_matches(&t["expected"], v),
                    (Some("invalid"), Err(c)) => t["code"].as_str() == Some(c.as_str()),
                    _ => false,
                };
                if !ok {
                    failures.push(format!(
                        "{name} #{id} ({}): expected {} {}, got {got:?}",
                        t["comment"].as_str().unwrap_or(""),
                        t["result"],
                        if t["result"] == "valid" {
                            &t["expected"]
                        } else {
                            &t["code"]
                        }
                    ));
                }
            }
        }
        assert_eq!(
            doc["numberOfTests"].as_u64(),
            Some(count as u64),
            "{name}: numberOfTests"
        );
        total += count;
    }
    for op in facade::OPERATIONS {
        assert!(ops_seen.contains(*op), "operation {op} has no vector file");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} vectors failed over HTTP:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!(
        "vectors over HTTP: {total} vectors in {} files passed",
        files.len()
    );
}

#[test]
fn the_raw_call_endpoint_refuses_unknown_operations_and_is_off_by_default() {
    let sc = Sidecar::start(&["--raw-driver"]);
    assert_eq!(
        call(&sc, "no.such-op", &serde_json::json!({})),
        Err("invalid-input".to_string())
    );
    let (st, body) = common::http(
        &sc.addr,
        "POST",
        "/v1/raw/call/pii.redact",
        &[],
        Some(b"{not json"),
    );
    assert_eq!(st, 422, "{body}");
    drop(sc);
    let off = Sidecar::start(&[]);
    let (st, body) = off.post("/v1/raw/call/pii.redact", &serde_json::json!({"text": "x"}));
    assert_eq!(st, 404, "{body}");
}
