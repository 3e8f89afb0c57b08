//! The PII engine on adversarial inputs at the 16 KiB cap
//! (`support/adversarial.rs`): every case gives a well-formed result, and the
//! string and JSON paths agree. Their timings are in `make bench` (row "PII
//! worst case at 16 KiB", target ≤ 1 ms natively), not here.

#[path = "support/adversarial.rs"]
mod adversarial;

use presidio_x402_core::pii::{redact, redact_json, scan, PiiConfig, MAX_TEXT_BYTES};
use serde_json::{json, Value};

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
