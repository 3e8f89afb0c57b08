//! The driver transcripts through the component's `driver` resource.
//!
//! `vectors/driver/transcripts.json` (written by the native core's
//! `core/tests/driver_vectors.rs`) records, per scenario, every crossing of a
//! driver: `open`, `begin` and `handle` calls with their input and the exact
//! text the native driver returned. This test replays every crossing of every
//! scenario through the built component and compares each output with the
//! file BYTE FOR BYTE; the same crossings also run through the native core, so
//! a difference says which side moved. A file that is missing, has no
//! scenarios, a scenario without crossings or a crossing this test does not
//! know fails the run: nothing is skipped.
//!
//! `PRESIDIO_X402_DRIVER_TRANSCRIPTS` names another file (development).

use presidio_x402_core::driver::{tables, Driver};
use presidio_x402_core::hex;
use presidio_x402_host_test::Host;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use wasmtime::component::ResourceAny;

/// The transcripts file's `schema`.
const SCHEMA: &str = "presidio-x402-driver-transcripts-v1";

fn transcripts_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PRESIDIO_X402_DRIVER_TRANSCRIPTS") {
        return PathBuf::from(p);
    }
    let vectors = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let candidates = [
        vectors.join("driver/transcripts.json"),
        vectors.join("driver-transcripts.json"),
    ];
    let found: Vec<&PathBuf> = candidates.iter().filter(|p| p.is_file()).collect();
    match found.as_slice() {
        [one] => (*one).clone(),
        [] => {
            panic!(
                "no driver transcripts: neither {} nor {} exists",
                candidates[0].display(),
                candidates[1].display()
            )
        }
        _ => panic!(
            "two driver transcript files ({} and {}): keep one",
            candidates[0].display(),
            candidates[1].display()
        ),
    }
}

/// An error code as the transcripts record it: `{"error":"<code>"}`.
fn error_text(code: &str) -> String {
    json!({ "error": code }).to_string()
}

/// Where two texts first differ, for the failure message.
fn first_difference(a: &str, b: &str) -> String {
    let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let show = |s: &str| -> String {
        let mut start = at.saturating_sub(40).min(s.len());
        while !s.is_char_boundary(start) {
            start -= 1;
        }
        s[start..].chars().take(120).collect()
    };
    format!(
        "first difference at byte {at} (lengths {} / {}):\n      expected …{}\n      got      …{}",
        a.len(),
        b.len(),
        show(a),
        show(b)
    )
}

struct Replayed {
    crossings: usize,
    failures: Vec<String>,
}

/// The `id` of a task's starting crossing (`open` or `begin`), from its recorded output.
fn task_id(crossings: &[Value], at: usize, task: &Value) -> Result<u64, String> {
    let t = task
        .as_u64()
        .and_then(|t| usize::try_from(t).ok())
        .ok_or_else(|| format!("task {task} is not an index"))?;
    if t >= at {
        return Err(format!("task {t} is not an earlier crossing"));
    }
    let start = &crossings[t];
    match start["call"].as_str() {
        Some("open" | "begin" | "control" | "reload" | "flush") => {}
        other => {
            return Err(format!(
                "task {t} is a {other:?} crossing, not open, begin, control, reload or flush"
            ))
        }
    }
    let out: Value = serde_json::from_str(start["output"].as_str().unwrap_or(""))
        .map_err(|e| format!("task {t}: its output is not JSON ({e})"))?;
    out["id"]
        .as_u64()
        .ok_or_else(|| format!("task {t}: its output has no id"))
}

/// Replays one scenario through the component and the native core.
fn replay(h: &mut Host, s: &Value) -> Replayed {
    let mut failures = Vec::new();
    let text = |k: &str| {
        s[k].as_str()
            .unwrap_or_else(|| panic!("tcId {}: `{k}` is not a string", s["tcId"]))
    };
    let key = |k: &str| {
        hex::decode(text(k)).unwrap_or_else(|| panic!("tcId {}: `{k}` is not hex", s["tcId"]))
    };
    let (config, profile, rk, ak) = (
        text("config"),
        text("profile"),
        key("replay_key_hex"),
        key("audit_key_hex"),
    );
    let comp: ResourceAny = match h.driver_create(config, profile, &rk, &ak) {
        Ok(d) => d,
        Err(e) => {
            return Replayed {
                crossings: 0,
                failures: vec![format!("driver.create failed: {e:?}")],
            }
        }
    };
    let mut native = Driver::from_json(config, profile, &rk, &ak)
        .expect("the native driver accepts what the component accepted");
    let crossings = s["crossings"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if crossings.is_empty() {
        failures.push("no crossings".to_string());
    }
    for (i, c) in crossings.iter().enumerate() {
        let expected = c["output"].as_str();
        let now = || c["now_ms"].as_u64().ok_or("no now_ms");
        let input = || c["input"].as_str().ok_or("no input");
        let outputs: Result<(String, String), String> = match c["call"].as_str() {
            Some("open") => Ok((h.driver_open(comp), native.open_json())),
            Some("begin") => (|| -> Result<(String, String), String> {
                let (now, input) = (now()?, input()?);
                let got = h.driver_begin(comp, input, now).unwrap_or_else(error_text);
                let nat = native
                    .begin_json(input, now)
                    .unwrap_or_else(|c| error_text(c.as_str()));
                Ok((got, nat))
            })(),
            Some("control") => (|| -> Result<(String, String), String> {
                let (now, input) = (now()?, input()?);
                let got = h
                    .driver_control(comp, input, now)
                    .unwrap_or_else(error_text);
                let nat = native
                    .control_json(input, now)
                    .unwrap_or_else(|c| error_text(c.as_str()));
                Ok((got, nat))
            })(),
            Some("reload") => (|| -> Result<(String, String), String> {
                let (now, input) = (now()?, input()?);
                Ok((
                    h.driver_reload(comp, input, now),
                    native.reload_json(input, now),
                ))
            })(),
            Some("flush") => now()
                .map_err(String::from)
                .map(|now| (h.driver_flush(comp, now), native.flush_json(now))),
            Some("handle") => (|| -> Result<(String, String), String> {
                let id = task_id(crossings, i, &c["task"])?;
                let (now, input) = (now()?, input()?);
                let got = h
                    .driver_handle(comp, id, now, input)
                    .unwrap_or_else(error_text);
                let nat = native
                    .handle_json(id, now, input)
                    .unwrap_or_else(|c| error_text(c.as_str()));
                Ok((got, nat))
            })(),
            other => Err(format!("unknown call {other:?}")),
        };
        let (got, nat) = match (outputs, expected) {
            (Err(e), _) => {
                failures.push(format!("crossing {i}: {e}"));
                break;
            }
            (Ok(_), None) => {
                failures.push(format!("crossing {i}: no output recorded"));
                break;
            }
            (Ok(o), Some(_)) => o,
        };
        let expected = expected.unwrap_or_default();
        if got != expected {
            let native_says = if nat == expected {
                "the native core matches the file"
            } else {
                "the native core differs too"
            };
            failures.push(format!(
                "crossing {i} ({}): the component differs from the file ({native_says}); {}",
                c["call"],
                first_difference(expected, &got)
            ));
        } else if nat != expected {
            failures.push(format!(
                "crossing {i} ({}): the native core differs from the file (the component matches it); {}",
                c["call"],
                first_difference(expected, &nat)
            ));
        }
        if !failures.is_empty() {
            break; // later crossings depend on this one
        }
    }
    // What the driver keeps after the scenario is the same on both sides too.
    if failures.is_empty() {
        let (state, head) = (h.driver_state(comp), h.driver_head(comp));
        if state != native.state_json() {
            failures.push(format!(
                "state after the scenario: {}",
                first_difference(&native.state_json(), &state)
            ));
        }
        let head = head.map(|h| (h.seq, h.mac));
        if head != native.head().map(|h| (h.seq, h.mac.clone())) {
            failures.push(format!(
                "head after the scenario: component {head:?}, native {:?}",
                native.head()
            ));
        }
    }
    h.drop_driver(comp);
    Replayed {
        crossings: crossings.len(),
        failures,
    }
}

#[test]
fn every_driver_transcript_replays_byte_for_byte() {
    let path = transcripts_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        doc["schema"].as_str(),
        Some(SCHEMA),
        "{}: schema",
        path.display()
    );
    let scenarios = doc["scenarios"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no scenarios array", path.display()));
    assert!(!scenarios.is_empty(), "{}: zero scenarios", path.display());
    let mut h = Host::new();
    let (mut ids, mut crossings, mut replayed, mut failures) =
        (BTreeSet::new(), 0usize, 0usize, Vec::new());
    for s in scenarios {
        let id = s["tcId"]
            .as_u64()
            .unwrap_or_else(|| panic!("a scenario without tcId: {}", s["comment"]));
        assert!(ids.insert(id), "duplicate tcId {id}");
        let r = replay(&mut h, s);
        crossings += r.crossings;
        replayed += 1;
        for f in r.failures {
            failures.push(format!(
                "tcId {id} ({}): {f}",
                s["comment"].as_str().unwrap_or("")
            ));
        }
    }
    assert_eq!(replayed, scenarios.len(), "a scenario was skipped");
    assert!(
        failures.is_empty(),
        "{} driver transcript failure(s):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
    println!(
        "driver transcripts: {} scenarios, {crossings} crossings, all identical ({})",
        scenarios.len(),
        path.display()
    );
}

#[test]
fn the_tables_are_the_native_tables() {
    let mut h = Host::new();
    assert_eq!(h.error_table(), tables::codes_json().to_string());
    assert_eq!(h.metric_table(), tables::metrics_json().to_string());
    assert_eq!(h.limit_table(), tables::limits_json().to_string());
    let codes: Value = serde_json::from_str(&h.error_table()).expect("error table is JSON");
    let names: Vec<&str> = codes
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["code"].as_str().expect("code"))
        .collect();
    let core: Vec<&str> = presidio_x402_core::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(
        names, core,
        "the error table lists every code in Code::ALL order"
    );
}

#[test]
fn driver_errors_cross_as_codes_not_traps() {
    let mut h = Host::new();
    let (rk, ak) = ([7u8; 32], [9u8; 32]);
    // create: config errors with their paths, a bad profile, a short key: as natively.
    for (config, profile, rk, ak) in [
        ("{\"nope\":1}", "", &rk[..], &ak[..]),
        ("{}", "{\"shared\":1}", &rk[..], &ak[..]),
        ("{}", "[", &rk[..], &ak[..]),
        ("{}", "{\"other\":true}", &rk[..], &ak[..]),
        ("{}", "", &rk[..4], &ak[..]),
        ("{}", "", &rk[..], &ak[..4]),
    ] {
        let got = h
            .driver_create(config, profile, rk, ak)
            .map(|d| h.drop_driver(d))
            .unwrap_err();
        let native: Vec<(String, &str)> = Driver::from_json(config, profile, rk, ak)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.path, e.code.as_str()))
            .collect();
        assert_eq!(got, native, "create({config}, {profile})");
    }
    let d = h.driver_create("{}", "", &rk, &ak).expect("default driver");
    let mut n = Driver::from_json("{}", "", &rk, &ak).expect("native");
    assert!(h.driver_head(d).is_none());
    assert_eq!(h.driver_state(d), n.state_json());
    assert_eq!(h.driver_load_state(d, "{"), Err("state-corrupt"));
    assert_eq!(h.driver_load_state(d, ""), Ok(()));
    assert_eq!(
        h.driver_handle(d, 42, 1, "{\"on\":\"wake\"}"),
        Err("invalid-input")
    );
    assert_eq!(h.driver_handle(d, 42, 1, "not json"), Err("invalid-input"));
    assert_eq!(h.driver_begin(d, "{}", 1), Err("invalid-input"));
    assert_eq!(h.driver_begin(d, "[", 1), Err("invalid-input"));
    // A payment without a challenge is refused at once (task id 0), the same bytes natively.
    let begin = "{\"url\":\"https://api.example.com/x\",\"seed\":1}";
    assert_eq!(
        h.driver_begin(d, begin, 1000),
        Ok(n.begin_json(begin, 1000).expect("native begin"))
    );
    assert_eq!(h.driver_open(d), n.open_json());
    assert_eq!(
        h.driver_head(d).map(|h| (h.seq, h.mac)),
        n.head().map(|h| (h.seq, h.mac.clone()))
    );
    assert_eq!(h.driver_state(d), n.state_json());
    h.drop_driver(d);
}
