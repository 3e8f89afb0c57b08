//! Totality: hostile input never panics; it gives a result or a code.

use base64::Engine as _;
use presidio_x402_core::{challenge, config::GuardConfig, facade, url};
use proptest::prelude::*;

const REAL_V2: &str = r#"{"x402Version":2,"error":"Payment required","resource":{"url":"http://127.0.0.1:4021/weather","description":"Weather data","mimeType":"application/json"},"accepts":[{"scheme":"exact","network":"eip155:84532","amount":"1000","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","maxTimeoutSeconds":300,"extra":{"name":"USDC","version":"2"}}]}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn challenge_parse_is_total(s in any::<String>(), bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = challenge::parse(None, Some(&s));
        let _ = challenge::parse(Some(&s), None);
        let h = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let _ = challenge::parse(Some(&h), None);
    }

    /// Single-byte mutations of a real challenge never panic.
    #[test]
    fn mutated_real_challenge_is_total(pos in 0usize..REAL_V2.len(), b in any::<u8>()) {
        let mut v = REAL_V2.as_bytes().to_vec();
        v[pos] = b;
        if let Ok(text) = String::from_utf8(v) {
            let _ = challenge::parse(None, Some(&text));
            let h = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
            let _ = challenge::parse(Some(&h), None);
        }
    }

    #[test]
    fn url_and_config_are_total(s in any::<String>()) {
        let _ = url::parse(&s);
        let _ = GuardConfig::from_json(&s);
        let _ = presidio_x402_core::url::EndpointKey::parse(&s);
    }

    /// Every façade operation survives arbitrary JSON input.
    #[test]
    fn every_operation_is_total(json in "\\{(\"[a-z_]{1,12}\":(\"[^\"]{0,20}\"|[0-9]{1,3}|null|true|\\[\\]|\\{\\}),?){0,6}\\}") {
        for op in facade::OPERATIONS {
            let _ = facade::call_json(op, &json);
            let _ = facade::call_json(op, "{\"steps\":[{\"op\":\"settle\",\"outcome\":\"settled\"}]}");
        }
    }
}
