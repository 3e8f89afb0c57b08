//! Every structural value in every context a payment memo or URL puts it in:
//! each value of each type (every separator style the recognizers read) is
//! wrapped in each context below, and the scan must find it, as exactly that
//! value, whatever stands around it. The contexts that must *not* read a
//! value (a value glued to an identifier: `ORD-4111…`, `card_4111…`,
//! `eip155:8453`) are in the recognizers' own negative tests.

use presidio_x402_core::pii::{scan, EntityType, PiiConfig};

/// Values of each type, in the forms the recognizers read.
const VALUES: &[(EntityType, &str, &str)] = &[
    (EntityType::CreditCard, "card", "4111111111111111"),
    (EntityType::CreditCard, "card", "4723-8625-5118-4873"),
    (EntityType::CreditCard, "card", "4311-3879 8113.5111"),
    (EntityType::CreditCard, "card", "3481-478158-06997"),
    (EntityType::CreditCard, "card", "4916_3385_0608_2832"),
    (EntityType::UsSsn, "ssn", "779-97-0438"),
    (EntityType::UsSsn, "ssn", "835-97.6808"),
    (EntityType::UsSsn, "ssn", "401_62_7719"),
    (EntityType::PhoneNumber, "phone", "415-990-1408"),
    (EntityType::PhoneNumber, "phone", "(719) 474-9801"),
    (EntityType::PhoneNumber, "phone", "+1-439-886-8216"),
    (EntityType::PhoneNumber, "phone", "+19309499848"),
    (EntityType::PhoneNumber, "phone", "683.836.6799"),
    (EntityType::IpAddress, "ip", "60.185.118.150"),
    (EntityType::IpAddress, "ip", "2001:db8::3d02:1:fe8"),
    (
        EntityType::IpAddress,
        "ip",
        "c3eb:fc5c:d809:ee0:c:b83:b43:451f",
    ),
    (EntityType::IbanCode, "iban", "NL74IJOG0971002011"),
    (EntityType::IbanCode, "iban", "BE13 6216 4778 6364"),
    (EntityType::IbanCode, "iban", "DE89.3704.0044.0532.0130.00"),
];

/// Contexts in free text: `{L}` is the type's label word, `{v}` the value.
const TEXT: &[&str] = &[
    "{v}",
    "paid with {v}",
    "{L} {v}",
    "{L}: {v}",
    "{L}={v}",
    "{L}:{v};",
    "{L}:{v}",
    "{L}2:{v}",
    "{L}#{v}",
    "{L} no. {v}",
    "({v})",
    "{L}({v})",
    "[{v}]",
    "'{v}'",
    "\"{v}\"",
    "«{v}»",
    "<{v}>",
    "{v}.",
    "{v},",
    "{v};",
    "{v}!",
    "{v}?",
    "{L} -> {v}",
    "{L} | {v} | ok",
    "{L}\t{v}",
    "{L}\n{v}",
    "{\"{L}\":\"{v}\"}",
    "{\"meta\":{\"{L}\":\"{v}\"}}",
    "{\"note\":\"{L} {v}\"}",
    "{\"{L}\":[\"{v}\"]}",
    "refund to {v} requested",
    "{L} {v} was declined",
    "the {L} is {v} thanks",
    "{L} `{v}`",
    "**{v}**",
    "{L}\u{a0}{v}",
    "{L}\u{3000}{v}",
    "{L}\u{ff1a}{v}",
    "{L}\u{ff1a}{v}\u{3002}",
    "{L} {v}\u{200b}",
    "\u{200b}{v}",
    "{L} \u{2116}{v}",
    "{L}\u{2116}{v}",
    "line1\\n{v}",
    "line1\\t{v}",
    "{\"memo\":\"a\\n{v}\"}",
    "{\"memo\":\"{L}\\u003a {v}\"}",
    "{L}&#58;{v}",
    "{L}&nbsp;{v}",
    "{L}...{v}",
    "{L}=>{v}",
    "{L}/{v}",
    "{L},{v}",
    "{L}='{v}'",
    "{L}:\u{a0}{v}",
    "{L}\u{2009}{v}",
    "\u{feff}{v}",
];

/// Contexts in a URL (a space in the value is written `%20`).
const URL: &[&str] = &[
    "https://a.io/x?{L}={v}",
    "https://a.io/x?q=1&{L}={v}&z=2",
    "https://a.io/{L}s/{v}/x",
    "https://a.io/{L}/{v}",
    "https://a.io/{L}s/{v}.json",
    "https://a.io/x#{L}={v}",
    "https://a.io/x?note={L}+{v}",
    "https://a.io/x?note={L}%20{v}",
    "https://a.io/x?{L}={v}#frag",
    "https://a.io/x?m={L}:{v}",
    "https://a.io/x/{L}:{v}",
    "/x?{L}={v}",
];

/// True when a finding of `entity` in `text` is `value` (or, in a query
/// value, `value` less a leading `+`, which form encoding reads as a space).
fn check(entity: EntityType, text: &str, value: &str, misses: &mut Vec<String>) {
    let cfg = PiiConfig::default();
    let found = scan(text, &cfg).expect("scan");
    if !found.iter().any(|f| {
        let got = &text[f.start..f.end];
        f.entity == entity
            && (got == value || (text.contains('?') && value.strip_prefix('+') == Some(got)))
    }) {
        misses.push(format!("{entity:?} {value:?} in {text:?}: {found:?}"));
    }
}

#[test]
fn structural_values_in_every_context() {
    let mut misses = Vec::new();
    let mut n = 0;
    for &(entity, label, value) in VALUES {
        for t in TEXT {
            check(
                entity,
                &t.replace("{L}", label).replace("{v}", value),
                value,
                &mut misses,
            );
            n += 1;
        }
        // IPv6 text in a path segment before `.json` reads as one token.
        let in_url = value.replace(' ', "%20");
        for t in URL {
            if entity == EntityType::IpAddress && value.contains(':') && t.ends_with(".json") {
                continue;
            }
            check(
                entity,
                &t.replace("{L}", label).replace("{v}", &in_url),
                &in_url,
                &mut misses,
            );
            n += 1;
        }
    }
    assert!(n > 800, "{n} cases");
    assert!(
        misses.is_empty(),
        "{} of {n} missed:\n{}",
        misses.len(),
        misses.join("\n")
    );
}
