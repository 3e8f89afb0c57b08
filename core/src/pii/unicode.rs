//! Character folding for matching: format characters, look-alikes, hyphens.
//!
//! Folding is for matching only: it never changes what the caller sends,
//! except inside a finding's span, which is redacted as a whole.

use crate::ucd::fold_nfkd;

/// Every Unicode general category Cf (format) range, as of Unicode 15.1
/// (generated from the UCD with Python's `unicodedata` 14.0, plus the 15.0
/// additions U+13439..U+1343F). Sorted, inclusive.
const CF: &[(u32, u32)] = &[
    (0xAD, 0xAD),
    (0x600, 0x605),
    (0x61C, 0x61C),
    (0x6DD, 0x6DD),
    (0x70F, 0x70F),
    (0x890, 0x891),
    (0x8E2, 0x8E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// True for a Unicode format (Cf) character.
pub(crate) fn is_cf(c: char) -> bool {
    let c = c as u32;
    CF.binary_search_by(|&(lo, hi)| {
        if hi < c {
            core::cmp::Ordering::Less
        } else if lo > c {
            core::cmp::Ordering::Greater
        } else {
            core::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

/// Invisible characters that are not Cf but render as nothing: Hangul fillers,
/// the combining grapheme joiner and variation selectors (the last two are
/// combining marks and are dropped anyway).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{034F}' | '\u{17B4}' | '\u{17B5}'
    )
}

/// The zero of every run of Unicode decimal digits (general category Nd)
/// that NFKD does not already fold to ASCII: Arabic-Indic, Extended
/// Arabic-Indic, Devanagari, Bengali, Thai, Myanmar… (generated from the UCD
/// with Python's `unicodedata` 14.0). Each run is ten consecutive digits.
const DIGIT_ZEROS: &[u32] = &[
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0x104A0,
    0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0,
    0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1E140,
    0x1E2F0, 0x1E950,
];

/// The ASCII digit for a decimal digit of another script (`٤` → `4`).
fn other_digit(c: char) -> Option<char> {
    let c = c as u32;
    let k = DIGIT_ZEROS.partition_point(|&z| z <= c);
    let zero = *DIGIT_ZEROS.get(k.checked_sub(1)?)?;
    let d = c - zero;
    (d < 10).then(|| char::from(b'0' + d as u8))
}

/// Non-ASCII hyphens and dashes, folded to `-`.
fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'
            ..='\u{2015}'
                | '\u{2043}'
                | '\u{2212}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{058A}'
                | '\u{05BE}'
                | '\u{1400}'
                | '\u{1806}'
                | '\u{2E17}'
                | '\u{2E1A}'
                | '\u{2E3A}'
                | '\u{2E3B}'
                | '\u{2E40}'
                | '\u{301C}'
                | '\u{30A0}'
                | '\u{2796}'
                | '\u{02D7}'
    )
}

/// Cyrillic and Greek letters that look like Latin ones (after NFKD), and a
/// few Latin variants NFKC leaves alone.
pub(crate) fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic lower case
        'а' => 'a',
        'в' => 'b',
        'е' => 'e',
        'ё' => 'e',
        'һ' => 'h',
        'і' => 'i',
        'ї' => 'i',
        'ј' => 'j',
        'к' => 'k',
        'ӏ' => 'l',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' => 't',
        'у' => 'y',
        'ԝ' => 'w',
        'х' => 'x',
        'с' => 'c',
        'ԁ' => 'd',
        'ɡ' => 'g',
        'ү' => 'y',
        'ъ' => 'b',
        'ь' => 'b',
        'п' => 'n',
        'г' => 'r',
        // Cyrillic upper case
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'Ё' => 'E',
        'З' => '3',
        'Һ' => 'H',
        'І' => 'I',
        'Ї' => 'I',
        'Ј' => 'J',
        'К' => 'K',
        'Ӏ' => 'I',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'Ԛ' => 'Q',
        'Ѕ' => 'S',
        'Т' => 'T',
        'У' => 'Y',
        'Ԝ' => 'W',
        'Х' => 'X',
        'С' => 'C',
        'Ԁ' => 'D',
        'Ү' => 'Y',
        // Greek lower case
        'α' => 'a',
        'β' => 'b',
        'γ' => 'y',
        'ε' => 'e',
        'η' => 'n',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'σ' => 'o',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'ω' => 'w',
        'ϲ' => 'c',
        'ϳ' => 'j',
        'ς' => 's',
        // Greek upper case
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        'Ϲ' => 'C',
        'Ϳ' => 'J',
        // Latin variants
        'ı' => 'i',
        'ȷ' => 'j',
        'ɑ' => 'a',
        'ɩ' => 'i',
        'ɪ' => 'i',
        'ʟ' => 'l',
        'ᴏ' => 'o',
        'ß' => 's',
        'ø' => 'o',
        'Ø' => 'O',
        'ł' => 'l',
        'Ł' => 'L',
        'đ' => 'd',
        'Đ' => 'D',
        'æ' => 'a',
        'Æ' => 'A',
        'œ' => 'o',
        'Œ' => 'O',
        'ð' => 'd',
        'þ' => 'p',
        'Þ' => 'P',
        'Ð' => 'D',
        'ħ' => 'h',
        'Ħ' => 'H',
        'ẞ' => 'S',
        'ĸ' => 'k',
        'ŀ' => 'l',
        'Ŀ' => 'L',
        // Letters of African, Azerbaijani and Sami alphabets (Hausa `ɓ ɗ ƙ
        // ƴ`, Ewe and Akan `ɛ ɔ ɖ ƒ ʋ ɣ ŋ`, Fula `ɲ`, Azerbaijani `ə`,
        // Skolt Sami `ʒ ǥ ŧ`), as their nearest Latin letter
        'ə' | 'ǝ' | 'ɛ' => 'e',
        'Ə' | 'Ǝ' | 'Ɛ' => 'E',
        'ɓ' => 'b',
        'Ɓ' => 'B',
        'ɗ' | 'ɖ' => 'd',
        'Ɗ' | 'Ɖ' => 'D',
        'ƙ' => 'k',
        'Ƙ' => 'K',
        'ƴ' => 'y',
        'Ƴ' => 'Y',
        'ɔ' => 'o',
        'Ɔ' => 'O',
        'ƒ' => 'f',
        'Ƒ' => 'F',
        'ʋ' => 'v',
        'Ʋ' => 'V',
        'ɣ' | 'ǥ' => 'g',
        'Ɣ' | 'Ǥ' => 'G',
        'ŋ' | 'ɲ' => 'n',
        'Ŋ' | 'Ɲ' => 'N',
        'ʒ' => 'z',
        'Ʒ' => 'Z',
        'ŧ' => 't',
        'Ŧ' => 'T',
        'ɨ' => 'i',
        'Ɨ' => 'I',
        'ʉ' => 'u',
        'Ʉ' => 'U',
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
        _ => return None,
    })
}

/// Folds one non-ASCII character for matching and hands each resulting
/// character to `out`: format and invisible characters vanish, hyphens become
/// `-`, `№` is `#`, NFKD compatibility forms are used with combining marks
/// dropped (so fullwidth `＠` is `@`, `é` is `e`), and look-alikes become Latin.
pub(crate) fn fold(c: char, out: &mut impl FnMut(char)) {
    if c.is_ascii() {
        out(c);
        return;
    }
    if is_cf(c) || is_invisible(c) {
        return;
    }
    if is_hyphen(c) {
        out('-');
        return;
    }
    // The numero sign is a label's end (`card №4111…`), not the letters
    // `No` its compatibility form would glue to the number.
    if c == '\u{2116}' {
        out('#');
        return;
    }
    if let Some(a) = homoglyph(c).or_else(|| other_digit(c)) {
        out(a);
        return;
    }
    fold_nfkd(c, |d| {
        if is_cf(d) {
            return;
        }
        if is_hyphen(d) {
            out('-');
        } else if let Some(a) = homoglyph(d) {
            out(a);
        } else if d.is_whitespace() {
            out(' ');
        } else {
            out(d);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        let mut o = String::new();
        for c in s.chars() {
            fold(c, &mut |d| o.push(d));
        }
        o
    }

    #[test]
    fn folds() {
        assert_eq!(f("alice\u{202e}@example.com"), "alice@example.com");
        assert_eq!(f("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ"), "alice@example.com");
        assert_eq!(f("аlісе"), "alice");
        assert_eq!(f("αlice"), "alice");
        assert_eq!(f("123\u{2013}45\u{2011}6789"), "123-45-6789");
        assert_eq!(f("José"), "Jose");
        // Letters with no decomposition read as their nearest Latin letter:
        // Icelandic, Azerbaijani, Hausa, Ewe and Akan names.
        assert_eq!(f("Þórðarson"), "Pordarson");
        assert_eq!(f("ÐÓRA"), "DORA");
        assert_eq!(f("Məmmədov"), "Memmedov");
        assert_eq!(f("Ɓello Ɗanjuma"), "Bello Danjuma");
        assert_eq!(f("Kwɛku Ŋɔ"), "Kweku No");
        assert_eq!(f("e\u{301}"), "e");
        assert_eq!(f("a\u{a0}b"), "a b");
        assert_eq!(f("٤٠١-٦٢-٧٧١٩"), "401-62-7719");
        assert_eq!(f("۴۰۱"), "401");
        assert_eq!(f("४०१"), "401");
        assert!(is_cf('\u{200b}') && is_cf('\u{e0041}') && !is_cf('a'));
    }
}
