//! Times [`presidio_x402_core::facade::call_json`] natively on saved inputs
//! in the `call` fuzz target's format (`op`, a NUL byte, the input JSON), e.g.
//! the slowest ones `X402_REPLAY_LIST_MS=1 make test-fuzz-replay` lists:
//! `cargo run --release --example call_time -- FILE... [--reps N]` prints the
//! median and fastest of N runs (default 15) of each, slowest first. This is
//! the core's own cost; the fuzz replay's time also includes the harness
//! parsing each answer back as JSON. `--worst` times, instead of files, the
//! tests' generated worst cases at the 16 KiB cap: every entry point's
//! (`core/tests/support/entry_worst.rs`) and the PII engine's
//! (`core/tests/support/adversarial.rs`, through `pii.redact`); `make bench`
//! reports the same cases beside the other hosts. `--only TEXT` keeps the
//! cases whose label contains TEXT (e.g. to profile one).
use presidio_x402_core::facade::call_json;
use presidio_x402_core::pii::MAX_TEXT_BYTES;
use std::time::Instant;

#[path = "../tests/support/adversarial.rs"]
mod adversarial;
#[path = "../tests/support/entry_worst.rs"]
mod entry_worst;

/// The `(label, op, input)` of every generated worst case.
fn worst_cases() -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = entry_worst::cases(MAX_TEXT_BYTES)
        .into_iter()
        .map(|(name, op, input)| (format!("entry_worst {name}"), op.to_string(), input))
        .collect();
    for (name, text) in adversarial::cases() {
        let input = serde_json::json!({ "text": text }).to_string();
        v.push((format!("adversarial {name}"), "pii.redact".into(), input));
    }
    v
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut reps = 15usize;
    if let Some(i) = args.iter().position(|a| a == "--reps") {
        reps = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .expect("--reps N");
        args.drain(i..i + 2);
    }
    let mut only = String::new();
    if let Some(i) = args.iter().position(|a| a == "--only") {
        only = args.get(i + 1).cloned().expect("--only TEXT");
        args.drain(i..i + 2);
    }
    let mut inputs: Vec<(String, String, String)> = if args.iter().any(|a| a == "--worst") {
        worst_cases()
    } else {
        args.iter().map(|path| read_input(path)).collect()
    };
    inputs.retain(|(label, _, _)| label.contains(&only));
    let mut rows: Vec<(f64, f64, String, usize, String)> = Vec::new();
    for (label, op, input) in &inputs {
        let (op, input) = (op.as_str(), input.as_str());
        let answer = call_json(op, input);
        let verdict = match &answer {
            Ok(out) => format!("ok, {} bytes out", out.len()),
            Err(code) => format!("refused {}", code.as_str()),
        };
        let mut ms: Vec<f64> = (0..reps.max(1))
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(call_json(op, input).ok());
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        ms.sort_by(f64::total_cmp);
        rows.push((
            ms[ms.len() / 2],
            ms[0],
            op.to_string(),
            input.len(),
            format!("{label}: {verdict}"),
        ));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (median, fastest, op, len, what) in rows {
        println!("{median:8.3} ms median {fastest:8.3} ms fastest  {op} {len} B  {what}");
    }
}

/// A saved `call` fuzz input: `(path, op, input)`.
fn read_input(path: &str) -> (String, String, String) {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let nul = data
        .iter()
        .position(|b| *b == 0)
        .unwrap_or_else(|| panic!("{path}: no NUL between op and input"));
    let text = |b: &[u8], what: &str| {
        String::from_utf8(b.to_vec()).unwrap_or_else(|_| panic!("{path}: {what} is not UTF-8"))
    };
    (
        path.to_string(),
        text(&data[..nul], "op"),
        text(&data[nul + 1..], "input"),
    )
}
