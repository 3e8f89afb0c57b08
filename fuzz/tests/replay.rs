//! Replays every committed fuzz input through its target: the minimized
//! corpora (`corpus/<target>/`) and every past crasher or slow input
//! (`regressions/<target>/`). A target without a corpus is a failure.
//! Speed is not asserted here (timed tests flake on a shared machine): the
//! slowest input of each target is printed, its fastest of three runs (the
//! 10 ms rule of the fuzzing runs is read from it and from `make fuzz`).
//! `X402_REPLAY_LIST_MS=<ms>` also lists every input slower than that.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// Every input file in `dir` (its path and bytes), sorted.
fn inputs(dir: &Path) -> Vec<(Vec<u8>, std::path::PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_file())
        .map(|p| (fs::read(&p).expect("readable input"), p))
        .collect();
    out.sort();
    out
}

#[test]
fn corpora_and_regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    let list_over = std::env::var("X402_REPLAY_LIST_MS").ok().map(|v| {
        let ms: f64 = v
            .parse()
            .ok()
            .filter(|ms: &f64| ms.is_finite() && *ms >= 0.0)
            .unwrap_or_else(|| panic!("X402_REPLAY_LIST_MS={v:?}: not a number of milliseconds"));
        Duration::from_secs_f64(ms / 1000.0)
    });
    for (name, run) in presidio_x402_fuzz::TARGETS {
        let corpus = inputs(&root.join("corpus").join(name));
        assert!(!corpus.is_empty(), "target {name} has no committed corpus");
        let regressions = inputs(&root.join("regressions").join(name));
        let mut slowest = (Duration::ZERO, 0);
        // Built-once tables (lazy statics) are not an input's time.
        if let Some((first, _)) = corpus.first() {
            let _ = run(first);
        }
        for (data, path) in corpus.iter().chain(&regressions) {
            let t = Instant::now();
            let _ = run(data);
            let mut took = t.elapsed();
            // A slow-looking input runs twice more and keeps its fastest time
            // (a loaded machine preempts, the input does not slow down).
            for _ in 0..2 {
                if took < Duration::from_millis(2) {
                    break;
                }
                let t = Instant::now();
                let _ = run(data);
                took = took.min(t.elapsed());
            }
            if list_over.is_some_and(|limit| took > limit) {
                println!(
                    "  {:.2} ms {} ({} bytes)",
                    took.as_secs_f64() * 1000.0,
                    path.display(),
                    data.len()
                );
            }
            if took > slowest.0 {
                slowest = (took, data.len());
            }
            total += 1;
        }
        println!(
            "fuzz replay {name}: {} inputs, slowest {:.2} ms ({} bytes)",
            corpus.len() + regressions.len(),
            slowest.0.as_secs_f64() * 1000.0,
            slowest.1
        );
    }
    // A replay that runs nothing proves nothing.
    assert!(total > 0);
    println!(
        "fuzz replay: {total} inputs over {} targets",
        presidio_x402_fuzz::TARGETS.len()
    );
}
