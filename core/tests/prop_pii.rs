//! Property tests of the PII engine: totality, span sanity, idempotence.
//!
//! Seeds: proptest prints the failing seed and keeps it in
//! `proptest-regressions/`; set `PROPTEST_CASES` to run more cases.

use presidio_x402_core::pii::{redact, scan, PiiConfig};
use proptest::prelude::*;

/// Fragments that make PII-like text: names, places, digits, separators,
/// escapes, look-alikes and invisible characters.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("John".to_string()),
        Just("Smith".to_string()),
        Just("john".to_string()),
        Just("smith".to_string()),
        Just("Mary".to_string()),
        Just("Garcia".to_string()),
        Just("May".to_string()),
        Just("for".to_string()),
        Just("patient".to_string()),
        Just("Dr.".to_string()),
        Just("Paris".to_string()),
        Just("New York".to_string()),
        Just("in".to_string()),
        Just("Reading".to_string()),
        Just("J.".to_string()),
        Just("@".to_string()),
        Just("example.com".to_string()),
        Just("alice".to_string()),
        Just("%40".to_string()),
        Just("%2540".to_string()),
        Just("&#64;".to_string()),
        Just("4111".to_string()),
        Just("1111".to_string()),
        Just("123".to_string()),
        Just("45".to_string()),
        Just("6789".to_string()),
        Just("555".to_string()),
        Just("+1".to_string()),
        Just("+44".to_string()),
        Just("(415)".to_string()),
        Just("192.168.1.1".to_string()),
        Just("2001:db8::1".to_string()),
        Just("::".to_string()),
        Just("DE89".to_string()),
        Just("3704".to_string()),
        Just("0044".to_string()),
        Just("0532".to_string()),
        Just("0130".to_string()),
        Just("00".to_string()),
        Just(" ".to_string()),
        Just("-".to_string()),
        Just("_".to_string()),
        Just(".".to_string()),
        Just(",".to_string()),
        Just("=".to_string()),
        Just("&".to_string()),
        Just("/".to_string()),
        Just("?q=".to_string()),
        Just("user=".to_string()),
        Just("name=".to_string()),
        Just("YWxpY2VAZXhhbXBsZS5jb20".to_string()),
        Just("<REDACTED>".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{ff20}".to_string()),
        Just("\u{430}".to_string()),
        Just("\u{3b1}".to_string()),
        Just("\u{2013}".to_string()),
        Just("é".to_string()),
        Just("%".to_string()),
        Just("%E2%80%8B".to_string()),
        "[a-zA-Z0-9]{1,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

/// Cases per property: `PROPTEST_CASES` or 2048.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2048)
}

fn pii_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|v| v.concat())
}

fn check_spans(text: &str) {
    let cfg = PiiConfig::default();
    let found = scan(text, &cfg).expect("within the size cap");
    let mut last = 0;
    for f in &found {
        assert!(f.start < f.end && f.end <= text.len(), "{f:?} in {text:?}");
        assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{f:?} in {text:?}"
        );
        assert!(f.start >= last, "overlap {f:?} in {text:?}");
        assert!(f.score <= 1000);
        last = f.end;
    }
}

fn check_idempotent(text: &str) {
    let cfg = PiiConfig::default();
    let once = redact(text, &cfg).expect("redacts").text;
    let twice = redact(&once, &cfg).expect("redacts").text;
    assert_eq!(once, twice, "not idempotent for {text:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn never_panics_and_spans_are_sane(text in any::<String>()) {
        check_spans(&text);
    }

    #[test]
    fn spans_sane_on_pii_like_text(text in pii_text()) {
        check_spans(&text);
    }

    #[test]
    fn redaction_is_idempotent(text in pii_text()) {
        check_idempotent(&text);
    }

    #[test]
    fn redaction_is_idempotent_on_arbitrary(text in any::<String>()) {
        check_idempotent(&text);
    }

    #[test]
    fn surroundings_are_byte_identical(text in pii_text()) {
        let cfg = PiiConfig::default();
        let r = redact(&text, &cfg).expect("redacts");
        let mut rebuilt = String::new();
        let mut at = 0;
        for f in &r.findings {
            rebuilt.push_str(&text[at..f.start]);
            rebuilt.push_str("<REDACTED>");
            at = f.end;
        }
        rebuilt.push_str(&text[at..]);
        prop_assert_eq!(rebuilt, r.text);
    }
}

#[test]
fn oversized_input_fails_closed() {
    let big = "a".repeat(presidio_x402_core::pii::MAX_TEXT_BYTES + 1);
    assert!(scan(&big, &PiiConfig::default()).is_err());
}
