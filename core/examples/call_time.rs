//! Times [`presidio_x402_core::facade::call_json`] natively on saved inputs
//! in the `call` fuzz target's format (`op`, a NUL byte, the input JSON), e.g.
//! the slowest ones `X402_REPLAY_LIST_MS=1 make test-fuzz-replay` lists:
//! `cargo run --release --example call_time -- FILE... [--reps N]` prints the
//! median and fastest of N runs (default 15) of each, slowest first. This is
//! the core's own cost; the fuzz replay's time also includes the harness
//! parsing each answer back as JSON.
use presidio_x402_core::facade::call_json;
use std::time::Instant;

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
    let mut rows: Vec<(f64, f64, String, usize, String)> = Vec::new();
    for path in &args {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let nul = data
            .iter()
            .position(|b| *b == 0)
            .unwrap_or_else(|| panic!("{path}: no NUL between op and input"));
        let (op, input) = (
            std::str::from_utf8(&data[..nul]).expect("op is UTF-8"),
            std::str::from_utf8(&data[nul + 1..]).expect("input is UTF-8"),
        );
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
            data.len(),
            format!("{path}: {verdict}"),
        ));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (median, fastest, op, len, what) in rows {
        println!("{median:8.3} ms median {fastest:8.3} ms fastest  {op} {len} B  {what}");
    }
}
