//! IBAN_CODE: ISO 13616, compact or in groups of four, country length and
//! mod-97 checked.

use super::hit::Hit;
use super::EntityType;

/// Each country code's IBAN length, generated from schwifty's registry
/// (`tools/ibanplan/build.py`): SWIFT's countries, the territories that
/// write their own code (`AX`, `JE`, `RE`…) and the countries whose banks
/// issue IBANs ahead of SWIFT's registry (`AO`, `CI`, `SN`, `MA`…).
mod data {
    include!("data/iban_plan.rs");
}
use data::LENGTHS;

fn expected_len(cc: [u8; 2]) -> Option<usize> {
    let cc = [cc[0].to_ascii_uppercase(), cc[1].to_ascii_uppercase()];
    LENGTHS
        .binary_search_by_key(&cc, |r| [r[0], r[1]])
        .ok()
        .map(|i| usize::from(LENGTHS[i][2]))
}

/// ISO 7064 mod 97-10 over the rearranged IBAN.
fn mod97(iban: &[u8]) -> bool {
    let mut r: u32 = 0;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        let c = c.to_ascii_uppercase();
        if c.is_ascii_digit() {
            r = (r * 10 + u32::from(c - b'0')) % 97;
        } else if c.is_ascii_uppercase() {
            r = (r * 100 + u32::from(c - b'A' + 10)) % 97;
        } else {
            return false;
        }
    }
    r == 1
}

/// Finds IBANs in normalised text.
pub(crate) fn scan(t: &str, out: &mut Vec<Hit>) {
    let b = t.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        let start = i;
        i += 1;
        if super::hit::CLASS[b[start] as usize] & (super::hit::UPPER | super::hit::LOWER) == 0 {
            continue;
        }
        // Only at the start of an alphanumeric run; skip the rest of the run.
        if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_') {
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        if !(b[start].is_ascii_alphabetic()
            && b[start + 1].is_ascii_alphabetic()
            && b[start + 2].is_ascii_digit()
            && b[start + 3].is_ascii_digit())
        {
            continue;
        }
        if in_id(b, start) {
            continue;
        }
        let Some(want) = expected_len([b[start], b[start + 1]]) else {
            continue;
        };
        if let Some(end) = read(b, start, want) {
            out.push(Hit::new(EntityType::IbanCode, start, end, 1000));
            i = end;
        }
    }
}

/// True when the candidate at `start` goes on a hex id after a `-` (a
/// UUID's second group: `8a5c39b5-ad02-42ad-a3cf-b5d09e39be14` holds a
/// valid Andorran IBAN from `ad02`); a word before the `-` is no id
/// (`iban-DE89…`).
fn in_id(b: &[u8], start: usize) -> bool {
    if start < 2 || b[start - 1] != b'-' {
        return false;
    }
    let run = b[..start - 1]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric());
    let (mut len, mut digit, mut hex) = (0, false, true);
    for c in run {
        len += 1;
        digit |= c.is_ascii_digit();
        hex &= c.is_ascii_hexdigit();
    }
    len > 0 && digit && hex
}

/// Reads `want` alphanumerics from `start`, compact or grouped by four with a
/// single separator (see the loop); returns the end when the IBAN validates.
fn read(b: &[u8], start: usize, want: usize) -> Option<usize> {
    let mut buf = [0u8; 34];
    let mut n = 0;
    let mut j = start;
    let mut in_group = 0;
    let mut sep: Option<u8> = None;
    while n < want {
        let c = *b.get(j)?;
        if c.is_ascii_alphanumeric() {
            *buf.get_mut(n)? = c;
            n += 1;
            in_group += 1;
            j += 1;
            continue;
        }
        // A separator is allowed only after a full group of four, the same
        // one throughout (a space, `-`, `.`, `_` or a tab).
        if matches!(c, b' ' | b'-' | b'.' | b'_' | b'\t')
            && in_group == 4
            && sep.is_none_or(|s| s == c)
            && b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            sep = Some(c);
            in_group = 0;
            j += 1;
            continue;
        }
        return None;
    }
    if b.get(j)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
    {
        return None;
    }
    // Letters of one case only, so random mixed-case tokens do not qualify.
    let s = &buf[..n];
    let upper = s.iter().any(u8::is_ascii_uppercase);
    let lower = s.iter().any(u8::is_ascii_lowercase);
    if upper && lower {
        return None;
    }
    mod97(s).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<&str> {
        let mut v = Vec::new();
        scan(t, &mut v);
        v.iter().map(|h| &t[h.start..h.end]).collect()
    }

    #[test]
    fn every_registered_country() {
        // `expected_len` searches the generated table: sorted, one row a code.
        assert!(LENGTHS.windows(2).all(|w| w[0][..2] < w[1][..2]));
        // Territories with their own code and countries ahead of SWIFT's
        // registry (schwifty's), compact and printed.
        for t in [
            "AO29563865426932870462055",
            "AO29 5638 6542 6932 8704 6205 5",
            "CI38 DD67 1144 1233 7091 3998 1471",
            "SN55XB8365128756393025042018",
            "JE13 LBHJ 8920 1574 6959 75",
            "RE47 0856 3971 23JB I0UR CJUV C85",
            "AX6467761923855932",
        ] {
            assert_eq!(found(t), [t], "{t}");
        }
        // A length that is not the country's.
        assert_eq!(found("AO2956386542693287046205"), Vec::<&str>::new());
    }

    #[test]
    fn ibans() {
        assert_eq!(
            found("iban DE89370400440532013000."),
            ["DE89370400440532013000"]
        );
        assert_eq!(
            found("GB82 WEST 1234 5698 7654 32 thanks"),
            ["GB82 WEST 1234 5698 7654 32"]
        );
        // Groups of four by dots, underscores or tabs, one kind throughout.
        for t in [
            "DE89.3704.0044.0532.0130.00",
            "DE89_3704_0044_0532_0130_00",
            "DE89\t3704\t0044\t0532\t0130\t00",
        ] {
            assert_eq!(found(t), [t], "{t}");
        }
        assert_eq!(found("DE89.3704-0044.0532.0130.00"), Vec::<&str>::new());
        assert_eq!(found("DE89370400440532013001"), Vec::<&str>::new());
        assert_eq!(found("DE8937040044053201300012"), Vec::<&str>::new());
        assert_eq!(found("xDE89370400440532013000"), Vec::<&str>::new());
    }

    /// A UUID's later groups may spell a valid IBAN (`ad02-42ad-a3cf-…` is
    /// a checksummed Andorran one); after a hex id and a `-` nothing
    /// starts, after a word and a `-` an IBAN does.
    #[test]
    fn no_iban_inside_an_id() {
        assert_eq!(
            found("span 8a5c39b5-ad02-42ad-a3cf-b5d09e39be14"),
            Vec::<&str>::new()
        );
        assert_eq!(
            found("ad02-42ad-a3cf-b5d09e39be14"),
            ["ad02-42ad-a3cf-b5d09e39be14"]
        );
        assert_eq!(
            found("ref iban-DE89370400440532013000"),
            ["DE89370400440532013000"]
        );
    }
}
