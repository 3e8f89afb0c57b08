//! Every per-operation golden vector (`vectors/*.json`, the files the native
//! core, the component, Node, Chromium and Python run) sent over HTTP to the
//! sidecar's `POST /v1/raw/call/{op}` and judged by the same runner and
//! matching rule as the native core and the component
//! (`core/tests/support/vector_files.rs`): nothing is skipped.

mod common;
#[path = "../../core/tests/support/vector_files.rs"]
mod vector_files;

use common::Sidecar;
use presidio_x402_core::facade;
use serde_json::Value;

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
    let sc = Sidecar::start(&["--raw-driver"]);
    let passed = vector_files::run_all(
        &common::vectors(),
        facade::OPERATIONS,
        "sidecar over HTTP",
        |op, input| call(&sc, op, input),
    );
    println!(
        "vectors over HTTP: {} vectors in {} files passed",
        passed.vectors, passed.files
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
