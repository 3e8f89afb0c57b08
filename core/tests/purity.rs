//! The core is pure: no clock, randomness, file system, network, environment,
//! threads or `unsafe`. This scans the crate's sources for the APIs that would
//! break the rule (the component's empty import list checks it again in wasm).

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "std::fs",
    "std::net",
    "std::env",
    "std::time",
    "std::process",
    "std::thread",
    "SystemTime",
    "Instant::",
    "rand::",
    "getrandom",
    "thread_local!",
    "static mut",
    "unsafe ",
    "std::io::stdin",
    "println!",
    "eprintln!",
    "dbg!",
    "OnceLock",
    "LazyLock",
];

/// The one process-wide value the core may hold, and where: the PII
/// lexicon, constant data unpacked once on first use into a read-only table
/// (`gazetteer::lexicon`), which no input can change.
const ONCE_ALLOWED: (&str, &str) = ("src/pii/gazetteer.rs", "OnceLock");

fn scan(dir: &Path, bad: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            scan(&p, bad);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for f in FORBIDDEN {
                    let allowed = p.ends_with(ONCE_ALLOWED.0) && *f == ONCE_ALLOWED.1;
                    if code.contains(f) && !allowed {
                        bad.push(format!("{}:{}: {f}", p.display(), n + 1));
                    }
                }
            }
        }
    }
}

#[test]
fn core_sources_use_no_ambient_authority() {
    let mut bad = Vec::new();
    scan(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut bad);
    assert!(
        bad.is_empty(),
        "impure APIs in the core:\n{}",
        bad.join("\n")
    );
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(lib.contains("#![forbid(unsafe_code)]"));
}
