//! Generates `core/src/ucd/tables.rs` from `unicode-normalization` and the
//! standard library's `char::to_lowercase`, and checks the lookups against
//! them for every code point. (An integration test because it writes the
//! file; the module is compiled in here from its source.)

#[path = "../src/ucd/mod.rs"]
#[allow(dead_code)]
mod ucd;
use std::fmt::Write;
use ucd::*;
use unicode_normalization::char as un;

/// The rule of [`nfkc_repertoire`], on the crate's decompositions.
fn nfkc_reference(c: char) -> Option<Vec<char>> {
    let (mut canon, mut compat) = (Vec::new(), Vec::new());
    un::decompose_canonical(c, |d| canon.push(d));
    un::decompose_compatible(c, |d| compat.push(d));
    if canon == compat {
        let singleton = canon.len() == 1 && canon[0] != c;
        return (!singleton).then(|| vec![c]);
    }
    (!compat.iter().any(|&d| un::is_combining_mark(d))).then_some(compat)
}

/// [`fold_nfkd`] on the crate's decompositions.
fn fold_reference(c: char) -> Vec<char> {
    let mut v = vec![];
    un::decompose_compatible(c, |d| {
        if !un::is_combining_mark(d) {
            v.push(d)
        }
    });
    v
}

fn repertoire() -> impl Iterator<Item = char> {
    SCRIPTS.iter().flat_map(|&(a, b)| a..=b)
}

/// The code points [`lower_repertoire`] answers for: ASCII, the repertoire
/// and what its NFKC maps to, in order.
fn lower_domain() -> Vec<char> {
    let mut v: Vec<char> = ('\0'..='\u{7F}').chain(repertoire()).collect();
    v.extend(repertoire().filter_map(nfkc_reference).flatten());
    v.sort_unstable();
    v.dedup();
    v
}

/// `char::to_lowercase` of `c` when it is one code point.
fn lower_reference(c: char) -> Option<char> {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(d), None) => Some(d),
        _ => None,
    }
}

/// The text of `tables.rs`.
fn tables() -> String {
    let mut marks: Vec<(u32, u32)> = vec![];
    let mut bmp1: Vec<(u16, u16)> = vec![];
    let mut runs: Vec<[u32; 3]> = vec![]; // start, length, first value
    let (mut multi_keys, mut multi_text, mut multi_at) = (vec![], String::new(), vec![0u16]);
    for c in ('\u{80}'..=char::MAX).filter(|c| !(0xAC00..=0xD7A3).contains(&(*c as u32))) {
        let u = c as u32;
        if un::is_combining_mark(c) {
            match marks.last_mut() {
                Some(r) if r.1 + 1 == u => r.1 = u,
                _ => marks.push((u, u)),
            }
            continue;
        }
        let v = fold_reference(c);
        match v[..] {
            [d] if d == c => {}
            [d] => {
                let w = d as u32;
                match (u16::try_from(u), u16::try_from(w)) {
                    (Ok(a), Ok(b)) => bmp1.push((a, b)),
                    _ => match runs.last_mut() {
                        Some(r) if r[0] + r[1] == u && r[2] + r[1] == w => r[1] += 1,
                        _ => runs.push([u, 1, w]),
                    },
                }
            }
            _ => {
                multi_keys.push(u);
                multi_text.extend(&v);
                multi_at.push(u16::try_from(multi_text.len()).unwrap());
            }
        }
    }
    let (mut idna_keys, mut idna_text, mut idna_at) = (vec![], String::new(), vec![0u16]);
    for c in repertoire() {
        match nfkc_reference(c) {
            Some(v) if v == [c] => continue,
            Some(v) => {
                idna_keys.push(c as u32);
                idna_text.extend(&v);
            }
            None => idna_keys.push(c as u32 | 0x8000_0000),
        }
        idna_at.push(u16::try_from(idna_text.len()).unwrap());
    }
    // Runs of code points lower-cased by one offset, every code point or
    // every other one: start, end (inclusive), step, offset (wrapping); a
    // step of 0 marks a code point without a one-point lower case.
    let mut lower: Vec<[u16; 4]> = vec![];
    for c in lower_domain() {
        let u = u16::try_from(c as u32).expect("a BMP repertoire");
        let (step, delta) = match lower_reference(c) {
            Some(d) if d == c => continue,
            Some(d) => (1, u16::try_from(d as u32).unwrap().wrapping_sub(u)),
            None => (0, 0),
        };
        match lower.last_mut() {
            Some(r)
                if step > 0
                    && r[3] == delta
                    && r[2] != 0
                    && (r[0] == r[1] || r[2] == u - r[1])
                    && u - r[1] <= 2 =>
            {
                r[2] = u - r[1];
                r[1] = u;
            }
            _ => lower.push([u, u, step, delta]),
        }
    }
    let mut s = String::new();
    let mut w = |line: String| writeln!(s, "{line}").unwrap();
    w("// @generated from unicode-normalization (the version in Cargo.lock) and the".into());
    w("// standard library's char::to_lowercase (LOWER) by".into());
    w("// core/tests/ucd_tables.rs (`tables_are_current`); do not edit.".into());
    w(format!(
        "// {} mark ranges, {} BMP single mappings, {} runs, {} multi mappings ({} bytes), {} idna entries ({} bytes), {} lower-case runs.",
        marks.len(),
        bmp1.len(),
        runs.len(),
        multi_keys.len(),
        multi_text.len(),
        idna_keys.len(),
        idna_text.len(),
        lower.len()
    ));
    w(format!(
        "pub(super) const MARKS: &[(u32, u32)] = &{marks:?};"
    ));
    w(format!("pub(super) const BMP1: &[(u16, u16)] = &{bmp1:?};"));
    w(format!("pub(super) const RUNS: &[[u32; 3]] = &{runs:?};"));
    w(format!(
        "pub(super) const MULTI_KEYS: &[u32] = &{multi_keys:?};"
    ));
    w(format!(
        "pub(super) const MULTI_AT: &[u16] = &{multi_at:?};"
    ));
    w(format!(
        "pub(super) const MULTI_TEXT: &str = {multi_text:?};"
    ));
    w(format!(
        "pub(super) const IDNA_KEYS: &[u32] = &{idna_keys:?};"
    ));
    w(format!("pub(super) const IDNA_AT: &[u16] = &{idna_at:?};"));
    w(format!("pub(super) const IDNA_TEXT: &str = {idna_text:?};"));
    w(format!("pub(super) const LOWER: &[[u16; 4]] = &{lower:?};"));
    s
}

/// `tables.rs` is what the pinned crate generates; rewritten when
/// `PRESIDIO_X402_REGENERATE_UCD=1`.
#[test]
fn tables_are_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/ucd/tables.rs");
    let want = tables();
    if std::env::var_os("PRESIDIO_X402_REGENERATE_UCD").is_some_and(|v| v == "1") {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap();
    assert!(
        have == want,
        "core/src/ucd/tables.rs is stale: PRESIDIO_X402_REGENERATE_UCD=1 cargo test -p presidio-x402-core --profile host --test ucd_tables"
    );
}

/// Every code point: the lookups answer as the crate does.
#[test]
fn same_as_unicode_normalization() {
    for c in '\0'..=char::MAX {
        assert_eq!(
            is_combining_mark(c),
            un::is_combining_mark(c),
            "{:X}",
            c as u32
        );
        let mut a = vec![];
        fold_nfkd(c, |d| a.push(d));
        assert_eq!(a, fold_reference(c), "{:X}", c as u32);
    }
}

/// Every code point of the repertoire: `nfkc_repertoire` follows its rule.
#[test]
fn idna_same_as_unicode_normalization() {
    for c in repertoire() {
        assert_eq!(nfkc_repertoire(c), nfkc_reference(c), "{:X}", c as u32);
    }
}

/// ASCII, the repertoire and its NFKC: `lower_repertoire` is `char::to_lowercase`.
#[test]
fn lower_same_as_std() {
    for c in lower_domain() {
        assert_eq!(lower_repertoire(c), lower_reference(c), "{:X}", c as u32);
    }
}
