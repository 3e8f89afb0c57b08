//! Replays every committed fuzz input through its target: the minimized
//! corpora (`corpus/<target>/`) and every past crasher or slow input
//! (`regressions/<target>/`). A target without a corpus is a failure.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// An input slower than this (in a release build) fails the replay; the
/// fuzzing runs use the same bound (`-timeout` is coarser, so `make fuzz`
/// also reports the slowest input).
const SLOW: Duration = Duration::from_millis(10);

fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.display().to_string(),
                fs::read(&p).expect("readable input"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn corpora_and_regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    let mut slow = Vec::new();
    for (name, run) in presidio_x402_fuzz::TARGETS {
        let corpus = inputs(&root.join("corpus").join(name));
        assert!(!corpus.is_empty(), "target {name} has no committed corpus");
        let regressions = inputs(&root.join("regressions").join(name));
        for (path, data) in corpus.iter().chain(&regressions) {
            let _ = run(data); // once untimed: lazily built tables are not the input's cost
            let t = Instant::now();
            let _ = run(data);
            // Timings only count in an optimised build (make test runs --release).
            if !cfg!(debug_assertions) && t.elapsed() > SLOW {
                slow.push(format!("{path}: {:?}", t.elapsed()));
            }
            total += 1;
        }
    }
    // A replay that runs nothing proves nothing.
    assert!(total > 0);
    assert!(slow.is_empty(), "inputs slower than {SLOW:?}: {slow:?}");
    println!(
        "fuzz replay: {total} inputs over {} targets",
        presidio_x402_fuzz::TARGETS.len()
    );
}
