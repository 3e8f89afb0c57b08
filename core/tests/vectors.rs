//! Runs every golden vector in `../vectors/` through [`presidio_x402_core::facade::call`].
//!
//! Each file is Wycheproof-shaped: `algorithm` names the operation, and every
//! test has `tcId`, `comment`, `flags`, `input` and `result` (`valid` with an
//! `expected` JSON value, or `invalid` with an error `code`). `expected` is
//! matched as a subset: every key it lists must be present and equal; arrays
//! must match element by element. A file that cannot be read, names an unknown
//! operation, miscounts its tests or repeats a tcId fails the run.

use presidio_x402_core::facade;
use serde_json::Value;
use std::path::Path;

use presidio_x402_core::facade::expected_matches as matches;

#[test]
fn every_vector_file_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("vectors/ is readable")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no vector files found in {}",
        dir.display()
    );
    let mut total = 0usize;
    let mut failures = Vec::new();
    let mut ops_seen = std::collections::BTreeSet::new();
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
        let groups = doc["testGroups"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no testGroups"));
        let mut count = 0usize;
        let mut ids = std::collections::BTreeSet::new();
        for g in groups {
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
                let got = facade::call(op, &t["input"]);
                let ok = match (t["result"].as_str(), &got) {
                    (Some("valid"), Ok(v)) => matches(&t["expected"], v),
                    (Some("invalid"), Err(c)) => t["code"].as_str() == Some(c.as_str()),
                    _ => false,
                };
                if !ok {
                    failures.push(format!(
                        "{name} #{id} ({}): expected {} {}, got {:?}",
                        t["comment"].as_str().unwrap_or(""),
                        t["result"],
                        if t["result"] == "valid" {
                            t["expected"].to_string()
                        } else {
                            t["code"].to_string()
                        },
                        got.map(|v| v.to_string()).map_err(|c| c.as_str())
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
        "{} of {total} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{total} vectors in {} files passed", files.len());
}
