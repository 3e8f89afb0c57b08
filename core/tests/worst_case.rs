//! The PII engine on adversarial inputs at the 16 KiB cap
//! (`support/adversarial.rs`): every case gives a well-formed result, and the
//! string and JSON paths agree. Every core entry point that takes text
//! (`support/entry_worst.rs`, and the string scan's cases) does work linear
//! in its input: the work at 16 KiB is compared with the work at 2 KiB, by
//! counting (bytes and blocks allocated, on this thread only) and by this
//! thread's CPU time (the fastest of several runs, with a ratio far from
//! the quadratic one: no wall-clock assertion). Their timings are in `make
//! bench` (rows "PII worst case at 16 KiB", target ≤ 1 ms natively, and
//! "entry_worst"), not here.

#[path = "support/adversarial.rs"]
mod adversarial;
#[path = "support/entry_worst.rs"]
mod entry_worst;

use presidio_x402_core::facade::call_json;
use presidio_x402_core::pii::{
    redact, redact_json, redact_json_paths, scan, PiiConfig, MAX_JSON_PATH_BYTES, MAX_TEXT_BYTES,
};
use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The system allocator, counting what this thread allocates.
struct Counting;

thread_local! {
    static ALLOCS: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counter is a thread-local `Cell` with a const initialiser (no allocation).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| {
            let (n, b) = c.get();
            c.set((n + 1, b + l.size() as u64));
        });
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: `p` came from `alloc` above, that is from `System`.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| {
            let (n, b) = c.get();
            c.set((n + 1, b + new as u64));
        });
        // SAFETY: forwarded; `p` came from `System`.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// This thread's CPU time in nanoseconds (not wall-clock: a preempted
/// thread does not accumulate it).
fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// The work `f` does: (blocks allocated, bytes allocated, fastest CPU ns of
/// `runs` runs).
fn work(runs: usize, mut f: impl FnMut()) -> (u64, u64, u64) {
    f(); // lazy tables, first-touch pages
    let before = ALLOCS.with(Cell::get);
    f();
    let after = ALLOCS.with(Cell::get);
    let cpu = (0..runs)
        .map(|_| {
            let t = thread_cpu_ns();
            f();
            thread_cpu_ns() - t
        })
        .min()
        .unwrap_or(0);
    (after.0 - before.0, after.1 - before.1, cpu.max(1))
}

/// Small and large input sizes: the large one is the 16 KiB cap.
const SMALL: usize = 2 * 1024;
const LARGE: usize = 16 * 1024;

/// Linear growth from `SMALL` to `LARGE` (8×): counts may grow at most 16×
/// (quadratic would be 64×; at the cap a redaction that outgrows it builds
/// its text twice, a constant factor), CPU time at most 24× (timer and cache
/// noise on a shared machine). Returns the CPU ratio.
fn assert_linear(
    name: &str,
    small: (u64, u64, u64),
    large: (u64, u64, u64),
    in_small: usize,
    in_large: usize,
) -> f64 {
    let scale = in_large as f64 / in_small.max(1) as f64;
    let ratio = |a: u64, b: u64| b as f64 / (a.max(1)) as f64;
    let (rn, rb, rc) = (
        ratio(small.0, large.0),
        ratio(small.1, large.1),
        ratio(small.2, large.2),
    );
    // Counts: a fixed cost plus a per-byte cost, so at most the input ratio
    // with slack; a few blocks more are not growth.
    assert!(
        rn <= 2.0 * scale || large.0 < 64,
        "{name}: allocations grew {rn:.1}x for {scale:.1}x input ({small:?} -> {large:?})"
    );
    assert!(
        rb <= 2.0 * scale || large.1 < 64 * 1024,
        "{name}: allocated bytes grew {rb:.1}x for {scale:.1}x input ({small:?} -> {large:?})"
    );
    assert!(
        rc <= 3.0 * scale || large.2 < 200_000,
        "{name}: CPU time grew {rc:.1}x for {scale:.1}x input ({small:?} -> {large:?})"
    );
    rc
}

#[test]
fn every_entry_point_is_linear() {
    let small = entry_worst::cases(SMALL);
    let large = entry_worst::cases(LARGE);
    assert_eq!(small.len(), large.len());
    assert!(large.len() >= 23, "the generator set shrank");
    for ((name, op, s), (_, _, l)) in small.iter().zip(&large) {
        assert!(
            l.len() > s.len() * 4,
            "{name}: the input did not grow ({} -> {})",
            s.len(),
            l.len()
        );
        let ws = work(7, || {
            let _ = call_json(op, s);
        });
        let wl = work(7, || {
            let _ = call_json(op, l);
        });
        let rc = assert_linear(name, ws, wl, s.len(), l.len());
        println!(
            "entry {name}: {} -> {} bytes, allocations {}x, CPU {rc:.1}x, {:.3} ms at the large size",
            s.len(),
            l.len(),
            wl.1 / ws.1.max(1),
            wl.2 as f64 / 1e6
        );
    }
}

#[test]
fn string_scan_is_linear() {
    let cfg = PiiConfig::default();
    for (name, text) in adversarial::cases() {
        let unit_len = text.len() / 8;
        let small = &text[..(0..=unit_len)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0)];
        let ws = work(5, || {
            let _ = redact(small, &cfg);
        });
        let wl = work(5, || {
            let _ = redact(&text, &cfg);
        });
        assert_linear(name, ws, wl, small.len(), text.len());
    }
}

#[test]
fn json_walk_edge_cases_are_exact() {
    let cfg = PiiConfig::default();
    // Colliding keys get the first free `#n`, even when some are original
    // keys or were given earlier.
    let v = json!({"<REDACTED>#2": 0, "a@example.com": 1, "b@example.com": 2, "<REDACTED>": 3, "c@example.com": 4});
    let (out, found) = redact_json_paths(&v, &cfg).unwrap();
    let mut keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "<REDACTED>",
            "<REDACTED>#2",
            "<REDACTED>#3",
            "<REDACTED>#4",
            "<REDACTED>#5"
        ]
    );
    assert_eq!(found.len(), 3);
    assert!(found
        .iter()
        .all(|f| f.in_key && f.path.starts_with("/<REDACTED>")));
    // Pointers are written only when asked for; their total is capped.
    let (_, plain) = redact_json(&v, &cfg).unwrap();
    assert_eq!(plain.len(), 3);
    let many: Vec<Value> = (0..40).map(|_| json!("a@example.com")).collect();
    let mut m = serde_json::Map::new();
    m.insert("k".repeat(MAX_JSON_PATH_BYTES / 40), json!(many));
    let big = Value::Object(m);
    assert_eq!(
        redact_json_paths(&big, &cfg).map(|_| ()),
        Err(presidio_x402_core::error::Code::PiiInputTooLarge)
    );
    assert_eq!(redact_json(&big, &cfg).map(|(_, f)| f.len()), Ok(40));
}

#[test]
fn adversarial_inputs_give_well_formed_results() {
    let cfg = PiiConfig::default();
    let cases = adversarial::cases();
    assert!(cases.len() >= 60, "the generator set shrank");
    let mut with_findings = 0;
    for (name, text) in &cases {
        assert!(
            text.len() <= MAX_TEXT_BYTES && text.len() > MAX_TEXT_BYTES - 80,
            "{name}"
        );
        let found = scan(text, &cfg).unwrap_or_else(|c| panic!("{name}: {c:?}"));
        for f in &found {
            assert!(f.start < f.end && f.end <= text.len(), "{name}: {f:?}");
            assert!(
                text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
                "{name}"
            );
        }
        assert!(
            found.windows(2).all(|p| p[0].end <= p[1].start),
            "{name}: findings overlap or are out of order"
        );
        with_findings += usize::from(!found.is_empty());
        let r = redact(text, &cfg).unwrap_or_else(|c| panic!("{name}: {c:?}"));
        assert_eq!(r.findings.is_empty(), found.is_empty(), "{name}");
        if found.is_empty() {
            assert_eq!(&r.text, text, "{name}: changed without a finding");
        } else {
            assert_ne!(&r.text, text, "{name}: findings but nothing replaced");
        }
        let (v, jf) = redact_json(&json!({ "k": text }), &cfg).unwrap();
        assert_eq!(
            v["k"],
            Value::String(r.text.clone()),
            "{name}: JSON and string paths differ"
        );
        assert_eq!(jf.len(), r.findings.len(), "{name}");
    }
    // The set exercises the recognizers, not only their prefilters.
    assert!(
        with_findings >= 25,
        "only {with_findings} cases found anything"
    );
}

#[test]
fn pii_answers_written_directly_match_the_values() {
    // `call_json` writes the `pii.*` answers as text; they are exactly the
    // serialised values built one finding at a time, and `call` reads them
    // back.
    let mut inputs: Vec<(&str, String)> = entry_worst::cases(SMALL)
        .into_iter()
        .filter(|(_, op, _)| op.starts_with("pii."))
        .map(|(_, op, s)| (op, s))
        .collect();
    for (_, text) in adversarial::cases().iter().step_by(7) {
        let n = (0..=text.len().min(600))
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let t = &text[..n];
        for op in ["pii.scan", "pii.redact"] {
            inputs.push((op, json!({ "text": t }).to_string()));
        }
        inputs.push((
            "pii.redact-json",
            json!({ "value": { t: [t, {"k\"/~": t}] }, "template": "<{entity_type}\u{2028}\u{7}>" }).to_string(),
        ));
        inputs.push((
            "pii.redact",
            json!({ "text": t, "action": "warn", "entities": ["EMAIL_ADDRESS"] }).to_string(),
        ));
    }
    inputs.push(("pii.redact-json", json!({ "value": 1 }).to_string()));
    inputs.push(("pii.redact-json", json!({ "nothing": 1 }).to_string()));
    inputs.push((
        "pii.scan",
        json!({ "text": "a@b.co", "action": "block" }).to_string(),
    ));
    for (op, s) in &inputs {
        let v: Value = serde_json::from_str(s).unwrap();
        let expected = oracle(op, &v).map(|o| o.to_string());
        assert_eq!(call_json(op, s), expected, "{op} {s}");
        assert_eq!(
            presidio_x402_core::facade::call(op, &v).map(|o| o.to_string()),
            expected,
            "{op} {s}"
        );
    }
}

/// The `pii.*` answers as values built one finding at a time (what the
/// façade built before it wrote text directly).
fn oracle(op: &str, input: &Value) -> Result<Value, presidio_x402_core::error::Code> {
    use presidio_x402_core::error::Code;
    use presidio_x402_core::pii::{apply, apply_json, config_from_json, Finding};
    let finding = |text: &str, f: &Finding| {
        json!({"entity_type": f.entity.as_str(), "start": f.start, "end": f.end, "score": f.score,
               "text": text.get(f.start..f.end).unwrap_or("")})
    };
    let text = || {
        input
            .get("text")
            .and_then(Value::as_str)
            .ok_or(Code::InvalidInput)
    };
    match op {
        "pii.scan" => {
            let t = text()?;
            let found = scan(t, &config_from_json(input)?)?;
            Ok(json!({ "findings": found.iter().map(|f| finding(t, f)).collect::<Vec<_>>() }))
        }
        "pii.redact" => {
            let t = text()?;
            let r = apply(t, &config_from_json(input)?)?;
            Ok(
                json!({"text": r.text, "entities": r.findings.iter().map(|f| finding(t, f)).collect::<Vec<_>>()}),
            )
        }
        _ => {
            let value = input.get("value").ok_or(Code::InvalidInput)?;
            let (v, found) = apply_json(value, &config_from_json(input)?)?;
            let entities: Vec<Value> = found
                .iter()
                .map(|j| {
                    let f = &j.finding;
                    json!({"path": j.path, "key": j.in_key, "entity_type": f.entity.as_str(),
                           "start": f.start, "end": f.end, "score": f.score})
                })
                .collect();
            Ok(json!({ "value": v, "entities": entities }))
        }
    }
}

/// The redacted text is a fixpoint: whenever [`redact`]'s output is within
/// the size cap, [`scan`] of it finds nothing (no place or name unmasked by
/// replacing its neighbour is left behind), for every adversarial text and
/// every `pii.*` entry-point case; and the first scan already finds what
/// redaction finds (one rescan, finding nothing, confirms it).
#[test]
fn redacted_text_is_a_fixpoint() {
    let cfg = PiiConfig::default();
    let mut texts: Vec<(String, String)> = adversarial::cases()
        .into_iter()
        .map(|(n, t)| (n.to_string(), t))
        .collect();
    for (name, op, input) in entry_worst::cases(LARGE) {
        if !op.starts_with("pii.") {
            continue;
        }
        let v: Value = serde_json::from_str(&input).unwrap();
        let mut strings = Vec::new();
        collect_strings(&v, &mut strings);
        for (k, s) in strings.into_iter().enumerate() {
            texts.push((format!("{name}#{k}"), s));
        }
    }
    let mut checked = 0;
    let mut failed = Vec::new();
    // A one-byte template keeps every output within the cap.
    let short = PiiConfig {
        template: "*".to_string(),
        ..PiiConfig::default()
    };
    for ((name, text), cfg) in texts.iter().flat_map(|t| [(t, &cfg), (t, &short)]) {
        let Ok(r) = redact(text, cfg) else { continue };
        // The first scan decides every run of words at once (no cascade
        // for the rescans to unmask): it finds what redaction finds.
        if scan(text, cfg).ok().as_ref() != Some(&r.findings) {
            failed.push(format!(
                "{name} (template {:?}): redaction found more than the first scan",
                cfg.template
            ));
        }
        let Ok(again) = scan(&r.text, cfg) else {
            continue; // over the size cap: nothing to check
        };
        checked += 1;
        if !again.is_empty() {
            failed.push(format!(
                "{name} (template {:?}): {} findings, e.g. {:?}",
                cfg.template,
                again.len(),
                again
                    .iter()
                    .take(3)
                    .map(|f| &r.text[f.start..f.end])
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "redacted texts that still hold PII:\n{}",
        failed.join("\n")
    );
    assert!(checked >= 120, "only {checked} texts checked");
}

/// Every string (keys and values) in `v`.
fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                collect_strings(x, out);
            }
        }
        _ => {}
    }
}
