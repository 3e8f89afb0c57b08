//! The per-operation golden vectors (`vectors/*.json`), read and judged once
//! for every Rust host: the native core (`core/tests/vectors.rs`), the
//! component (`host-test/tests/component.rs`) and the sidecar over HTTP
//! (`sidecar/tests/vectors.rs`) include this file and give only how one
//! operation is called.
//!
//! Each file is Wycheproof-shaped: `algorithm` names the operation, and every
//! test has `tcId`, `comment`, `flags`, `input` and `result` (`valid` with an
//! `expected` JSON value, or `invalid` with an error `code`). `expected` is
//! matched by the core's rule ([`presidio_x402_core::facade::expected_matches`]:
//! a subset, arrays element by element). A file that cannot be read, names an
//! operation the host does not know, miscounts its tests or repeats a tcId
//! fails the run, and so does an operation without a file: nothing is skipped.

use presidio_x402_core::facade::expected_matches;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// What one run passed (it panics on any failure instead).
pub struct Passed {
    /// Vectors run and matched.
    pub vectors: usize,
    /// Files read.
    pub files: usize,
}

/// Runs every vector file in `dir` through `call(op, input)` (`Ok(answer)` or
/// `Err(code)`), for a host that knows the operations `ops`; panics with every
/// failure listed (`host` names the host in the message).
pub fn run_all<S: AsRef<str>>(
    dir: &Path,
    ops: &[S],
    host: &str,
    mut call: impl FnMut(&str, &Value) -> Result<Value, String>,
) -> Passed {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vector files in {}", dir.display());
    let (mut total, mut failures, mut ops_seen) = (0usize, Vec::new(), BTreeSet::new());
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let op = doc["algorithm"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no algorithm"));
        assert!(
            ops.iter().any(|o| o.as_ref() == op),
            "{name}: operation {op} unknown to the {host}"
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
                assert!(
                    t["comment"].is_string() && t["flags"].is_array(),
                    "{name} #{id}: comment/flags"
                );
                let got = call(op, &t["input"]);
                let ok = match (t["result"].as_str(), &got) {
                    (Some("valid"), Ok(v)) => expected_matches(&t["expected"], v),
                    (Some("invalid"), Err(c)) => t["code"].as_str() == Some(c.as_str()),
                    _ => false,
                };
                if !ok {
                    let want = if t["result"] == "valid" {
                        &t["expected"]
                    } else {
                        &t["code"]
                    };
                    let got = match &got {
                        Ok(v) => format!("valid {v}"),
                        Err(c) => format!("invalid {c:?}"),
                    };
                    failures.push(format!(
                        "{name} #{id} ({}): expected {} {want}, got {got}",
                        t["comment"].as_str().unwrap_or(""),
                        t["result"],
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
    for op in ops {
        let op = op.as_ref();
        assert!(ops_seen.contains(op), "operation {op} has no vector file");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} vectors failed in the {host}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    Passed {
        vectors: total,
        files: files.len(),
    }
}
