//! Replays every committed fuzz input through its target: the minimized
//! corpora (`corpus/<target>/`) and every past crasher or slow input
//! (`regressions/<target>/`). A target without a corpus is a failure.
//! Speed is not asserted here (timed tests flake on a shared machine):
//! `make fuzz` reports each target's slowest input.

use std::fs;
use std::path::Path;

fn inputs(dir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Vec<u8>> = entries
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_file())
        .map(|p| fs::read(&p).expect("readable input"))
        .collect();
    out.sort();
    out
}

#[test]
fn corpora_and_regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for (name, run) in presidio_x402_fuzz::TARGETS {
        let corpus = inputs(&root.join("corpus").join(name));
        assert!(!corpus.is_empty(), "target {name} has no committed corpus");
        let regressions = inputs(&root.join("regressions").join(name));
        for data in corpus.iter().chain(&regressions) {
            let _ = run(data);
            total += 1;
        }
    }
    // A replay that runs nothing proves nothing.
    assert!(total > 0);
    println!(
        "fuzz replay: {total} inputs over {} targets",
        presidio_x402_fuzz::TARGETS.len()
    );
}
