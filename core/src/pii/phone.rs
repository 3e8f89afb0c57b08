//! International phone numbers by numbering plan.
//!
//! The country calling codes, the lengths of their national significant
//! numbers and the digits those may start with are generated from
//! libphonenumber's metadata (`tools/phoneplan/build.py`, PyPI
//! `phonenumbers==9.0.43`) into `data/phone_plan.rs`. Calling codes are
//! prefix-free, so a digit string has at most one reading.

mod data {
    include!("data/phone_plan.rs");
}

/// The calling code that starts `d` (digits 0..=9) and its length, when the
/// rest is a national number of a length and first digit the plan allows.
/// Code 1 (NANP) also needs `NXX NXX XXXX` (area and exchange not 0 or 1).
pub(crate) fn plan(d: &[u8]) -> Option<usize> {
    for k in 1..=3 {
        let head = d.get(..k)?;
        if head[0] == 0 {
            return None;
        }
        let cc = head.iter().fold(0u16, |a, &x| a * 10 + u16::from(x));
        let Ok(i) = data::PLAN.binary_search_by_key(&cc, |r| r.0) else {
            continue;
        };
        let (_, lens, first) = data::PLAN[i];
        let nat = &d[k..];
        let ok = !nat.is_empty()
            && nat.len() <= 17
            && lens >> nat.len() & 1 == 1
            && first >> nat[0] & 1 == 1
            && (cc != 1 || (nat.len() == 10 && nat[0] >= 2 && nat[3] >= 2));
        return ok.then_some(k);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<usize> {
        let d: Vec<u8> = s.bytes().map(|c| c - b'0').collect();
        plan(&d)
    }

    #[test]
    fn numbering_plans() {
        assert!(data::PLAN.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(p("33142685300"), Some(2)); // Paris
        assert_eq!(p("49895123467"), Some(2)); // Munich, 7 digits after the area code
        assert_eq!(p("442079460958"), Some(2)); // London
        assert_eq!(p("14155552671"), Some(1));
        assert_eq!(p("919876543210"), Some(2)); // India mobile
        assert_eq!(p("8613812345678"), Some(2)); // China mobile
        assert_eq!(p("15555552671"), Some(1));
        assert_eq!(p("11555552671"), None); // NANP area code starts with 1
        assert_eq!(p("330142685300"), None); // trunk 0 kept after +33
        assert_eq!(p("3314268530"), None); // too short for France
        assert_eq!(p("0033142685300"), None);
        assert_eq!(p("2500000000"), None);
    }
}
