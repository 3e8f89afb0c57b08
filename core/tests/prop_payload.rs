//! Payload binding (`presidio_x402_core::payload`): hostile payloads never
//! panic, and a payload passes only when it authorizes exactly the approved
//! payment.

use presidio_x402_core::payload::{check, Approved, Binding};
use presidio_x402_core::Code;
use proptest::prelude::*;
use serde_json::{json, Value};

const PAY_TO: &str = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const ASSET: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const NOW_S: u64 = 1_767_225_600;

fn approved() -> Approved<'static> {
    Approved {
        x402_version: 2,
        scheme: "exact",
        network: "eip155:84532",
        asset: ASSET,
        pay_to: PAY_TO,
        amount: 1000,
        max_timeout_seconds: 300,
    }
}

fn payload(to: &str, value: &str, after: u64, before: u64) -> Value {
    json!({"signature": format!("0x{}", "ab".repeat(65)), "authorization": {
        "from": "0x1111111111111111111111111111111111111111", "to": to, "value": value,
        "validAfter": after.to_string(), "validBefore": before.to_string(),
        "nonce": format!("0x{}", "00".repeat(32))}})
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(|n| json!(n)),
        "[ -~]{0,80}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("signature".to_string()),
                    Just("authorization".to_string()),
                    Just("permit2Authorization".to_string()),
                    Just("x402Version".to_string()),
                    Just("payload".to_string()),
                    Just("accepted".to_string()),
                    "[a-zA-Z]{1,12}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Any JSON gives a verdict (never a panic); a refusal carries one of the three codes.
    #[test]
    fn check_is_total(v in arb_json(), now in any::<u64>()) {
        if let Err(r) = check(&Binding::default(), &approved(), &v, now) {
            prop_assert!(matches!(r.code, Code::PayloadMalformed | Code::PayloadMismatch | Code::PayloadExpiryTooLong));
            prop_assert!(!r.field.is_empty());
        }
    }

    /// Only the approved value passes, whatever the other value is.
    #[test]
    fn only_the_approved_value_passes(value in any::<u128>()) {
        let r = check(&Binding::default(), &approved(), &payload(PAY_TO, &value.to_string(), 0, NOW_S + 300), NOW_S * 1000);
        prop_assert_eq!(r.is_ok(), value == 1000);
    }

    /// Only the approved payee passes (in any letter case).
    #[test]
    fn only_the_approved_payee_passes(hex in "[0-9a-fA-F]{40}", upper in any::<bool>()) {
        let to = format!("0x{hex}");
        let to = if upper { to.to_ascii_uppercase().replacen("0X", "0x", 1) } else { to };
        let r = check(&Binding::default(), &approved(), &payload(&to, "1000", 0, NOW_S + 300), NOW_S * 1000);
        prop_assert_eq!(r.is_ok(), to.eq_ignore_ascii_case(PAY_TO));
    }

    /// The validity window: after <= now + skew, now - skew < before <= now + timeout + skew.
    #[test]
    fn the_window_is_exactly_the_offer(after in 0u64..NOW_S + 100, before in NOW_S - 100..NOW_S + 500) {
        let r = check(&Binding::default(), &approved(), &payload(PAY_TO, "1000", after, before), NOW_S * 1000);
        let ok = after <= NOW_S + 30 && before + 30 > NOW_S && before <= NOW_S + 330;
        prop_assert_eq!(r.is_ok(), ok);
        if before > NOW_S + 330 && after <= NOW_S + 30 && before + 30 > NOW_S {
            prop_assert_eq!(r.map_err(|e| e.code), Err(Code::PayloadExpiryTooLong));
        }
    }
}
