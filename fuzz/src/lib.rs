//! Fuzz target bodies for the core's parsers and entry points.
//!
//! Each function takes the fuzzer's bytes and checks what must hold for
//! every input: no panic (the component would trap), and where a round trip
//! exists, that it is stable. `fuzz_targets/<name>.rs` hands libFuzzer's
//! inputs to the function of the same name; `tests/replay.rs` runs the
//! committed corpus and every past crasher (`corpus/<name>/`,
//! `regressions/<name>/`) through them in `make test`.
//!
//! Written by hand: the bodies are the project's own invariants; libFuzzer
//! (through `libfuzzer-sys`, the cargo-fuzz runtime) does the searching.

#![forbid(unsafe_code)]

mod driver;
pub use driver::driver;

use presidio_x402_core::audit::verify_text;
use presidio_x402_core::canonical::{parse_strict, to_canonical};
use presidio_x402_core::challenge;
use presidio_x402_core::config::GuardConfig;
use presidio_x402_core::driver::settlement;
use presidio_x402_core::facade::{call_json, OPERATIONS};
use presidio_x402_core::money::{parse_atomic, Usd};
use presidio_x402_core::pii::{self, PiiConfig};
use presidio_x402_core::url;
use presidio_x402_core::url_mask;

/// A target's body: the fuzzer's bytes in, `None` when they were not an
/// input of its kind (a panic is a finding).
pub type Target = fn(&[u8]) -> Option<()>;

/// Every fuzz target, by name (the file names under `fuzz_targets/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("call", call),
    ("challenge", challenge),
    ("money", money),
    ("url", url),
    ("canonical", canonical),
    ("pii", pii),
    ("config", config),
    ("audit", audit),
    ("settlement", settlement),
    ("driver", driver),
];

/// When an input counts as slow while fuzzing: 50 ms of the fuzzing
/// thread's CPU time. The limit that matters is 10 ms natively (issue 19);
/// the coverage and compare tracing of a fuzz build costs up to about 5x (a
/// `pii.redact` input that takes 2.5 ms natively takes 12 ms traced), so a
/// flagged input is a candidate that `make test-fuzz-replay` times natively
/// once it is committed. `X402_FUZZ_SLOW_MS` sets another number of
/// milliseconds (e.g. 0, to see that the check fires).
pub const SLOW_LIMIT: std::time::Duration = std::time::Duration::from_millis(50);

#[cfg(feature = "libfuzzer")]
fn slow_limit() -> std::time::Duration {
    static LIMIT: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("X402_FUZZ_SLOW_MS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(SLOW_LIMIT, std::time::Duration::from_millis)
    })
}

/// What a `fuzz_targets/<name>.rs` entry runs: target `name` on `data`,
/// timed in the thread's CPU time (so a loaded machine does not make an input
/// look slow). An input over [`SLOW_LIMIT`] (or `X402_FUZZ_SLOW_MS`) prints a `SLOW` line on stderr
/// and, when `X402_FUZZ_SLOW_DIR` is set (`make fuzz` sets `fuzz/slow`), is
/// saved as `<dir>/<name>/<fnv64 of the bytes>` so `make fuzz` fails and the
/// input can be replayed and fixed like a crasher.
#[cfg(feature = "libfuzzer")]
pub fn run_timed(name: &str, data: &[u8]) {
    let target = TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .expect("a target of TARGETS");
    let start = cpu_time::ThreadTime::now();
    let _ = target(data);
    let took = start.elapsed();
    if took > slow_limit() {
        let file = format!("{:016x}", fnv64(data));
        eprintln!(
            "SLOW {name}: {:.2} ms of CPU for {} bytes ({file})",
            took.as_secs_f64() * 1000.0,
            data.len()
        );
        if let Some(dir) = std::env::var_os("X402_FUZZ_SLOW_DIR") {
            let dir = std::path::Path::new(&dir).join(name);
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(file), data);
        }
    }
}

/// FNV-1a, 64 bits: a stable file name for a slow input.
#[cfg(feature = "libfuzzer")]
fn fnv64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A fixed 32-byte key for the targets that need one.
const KEY: [u8; 32] = [0x5a; 32];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `call(op, json)`: the operation's name, a NUL, and its JSON input. Never
/// panics; a result is valid JSON.
pub fn call(data: &[u8]) -> Option<()> {
    let nul = data.iter().position(|b| *b == 0)?;
    let op = text(&data[..nul])?;
    if !OPERATIONS.contains(&op) {
        return None;
    }
    if let Ok(out) = call_json(op, text(&data[nul + 1..])?) {
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "{op}: output is not JSON"
        );
    }
    Some(())
}

/// The v2 header and the v1 body (split at the first NUL: header, body), and
/// the body as bytes with a content type (split at the second NUL).
pub fn challenge(data: &[u8]) -> Option<()> {
    let mut parts = data.splitn(3, |b| *b == 0);
    let header = parts.next().and_then(text);
    let body = parts.next();
    let content_type = parts.next().and_then(text);
    let _ = challenge::parse(header, body.and_then(text));
    if let Some(bytes) = body {
        if let Ok(decoded) = challenge::decode_body(bytes, content_type) {
            let _ = challenge::parse_body(&decoded);
        }
    }
    Some(())
}

/// Atomic amounts and USD strings: what parses prints back to a value that
/// parses to the same amount.
pub fn money(data: &[u8]) -> Option<()> {
    let s = text(data)?;
    if let Ok(n) = parse_atomic(s) {
        assert_eq!(n.to_string(), s, "an atomic amount has one spelling");
    }
    if let Ok(u) = Usd::parse(s) {
        assert_eq!(Usd::parse(&u.to_string()), Ok(u), "USD round trip");
    }
    Some(())
}

/// URLs: the canonical form is a fixed point; masking never panics and is
/// idempotent (within its size cap).
pub fn url(data: &[u8]) -> Option<()> {
    let s = text(data)?;
    if let Ok(u) = url::parse(s) {
        let c = u.to_url_string();
        let again = url::parse(&c).expect("a canonical URL parses");
        assert_eq!(again.to_url_string(), c, "canonical form is stable");
    }
    let m = url_mask::mask(s);
    // Masking can lengthen a URL (`k=1` -> `k=***`) past the cap, which
    // masks everything: idempotent within the cap.
    if m.len() <= url_mask::MAX_MASK_BYTES {
        assert_eq!(url_mask::mask(&m), m, "masking is idempotent");
    }
    Some(())
}

/// The strict JSON parser and the RFC 8785 writer: canonical text parses to
/// a value that writes the same text.
pub fn canonical(data: &[u8]) -> Option<()> {
    let s = text(data)?;
    let v = parse_strict(s, 1 << 20, 64).ok()?;
    let c = to_canonical(&v).ok()?;
    let v2 = parse_strict(&c, 1 << 20, 64).expect("canonical JSON parses");
    assert_eq!(
        to_canonical(&v2).ok(),
        Some(c),
        "canonical JSON is a fixed point"
    );
    Some(())
}

/// PII scan, redaction and JSON redaction with the default configuration.
pub fn pii(data: &[u8]) -> Option<()> {
    let s = text(data)?;
    let cfg = PiiConfig::default();
    let _ = pii::scan(s, &cfg);
    let _ = pii::redact(s, &cfg);
    if let Ok(v) = parse_strict(s, 1 << 16, 32) {
        let _ = pii::redact_json(&v, &cfg);
    }
    Some(())
}

/// Guard configuration JSON.
pub fn config(data: &[u8]) -> Option<()> {
    let _ = GuardConfig::from_json(text(data)?);
    Some(())
}

/// Audit log verification (JSONL text under a fixed key).
pub fn audit(data: &[u8]) -> Option<()> {
    let _ = verify_text(&KEY, text(data)?, None, None);
    Some(())
}

/// The paid response's settlement header.
pub fn settlement(data: &[u8]) -> Option<()> {
    let _ = settlement::read_header(text(data)?);
    Some(())
}
