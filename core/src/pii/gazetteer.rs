//! Name and place gazetteers: generated, sorted, fixed-width tables.
//!
//! The lists in `data/` are produced by `tools/gazetteer/build.py` from US
//! Census 1990 names, GeoNames places and the SCOWL word list (sources and
//! licences in `data/README.md`). `core/build.rs` merges the name, stop-word
//! and place lists into one [`Lexicon`] (a word costs one lookup, which
//! answers every list it is in) and keeps the organisations as a separate
//! [`Table`]. Entries are bucketed by length and packed at five bits a
//! character (see [`ALPHABET`]); a table lookup is a binary search over
//! fixed-width records, a lexicon lookup one over the fixed-width heads of
//! front-coded blocks then a read of at most one block (see [`Lexicon`]),
//! with no allocation. The lexicon is built once, on first use, from the
//! compressed stream the component carries ([`lexicon`]).

use super::lexicon_code::{self, lcp_bits, pack, walk, Decoder, BLOCK};

/// One packed table.
pub(crate) struct Table {
    /// The records of every length, shortest first: `ceil(5k / 8)` bytes each.
    packed: &'static [u8],
    /// Byte offset of each length's records; `at[k - 1]..at[k]` holds the
    /// records of `k`-character entries.
    at: &'static [usize],
}

/// Bits of a lexicon entry's class symbol.
const CLASS_BITS: usize = lexicon_code::CLASS_BITS as usize;

/// Bits of a block body entry's short class code: an index in
/// [`Lexicon`]'s `common`, or the escape.
const COMMON_BITS: usize = lexicon_code::COMMON_BITS as usize;

/// The short code saying the entry's class symbol is among the body's escapes.
const ESCAPE: u128 = (1 << COMMON_BITS) - 1;

/// The lowest bit of each short-code field of a body's codes (as many
/// fields as two 57-bit reads hold).
const FIELD_LOW_BITS: u128 = (u128::MAX >> 2) / 7;

/// The merged lexicon: every entry of the first-name, surname, stop-word
/// and place lists and every place prefix once, with its class: the index
/// in `classes` of the set of lists it is in (as [`FIRST`]… [`PLACE_AMB`]
/// bits).
///
/// Front coded in blocks of `block` entries a length, each block's first
/// entry (its head) a fixed-width record and the others read from its body
/// (the layout is stated at `pack` in [`super::lexicon_code`]). A lookup
/// binary-searches the heads of the key's length that start with the key's
/// first character (`first` says where they are), then reads at most one
/// body (`block - 1` entries), skipping each entry that cannot equal the key
/// from its shared length alone. 112,033 entries in 377,820 bytes (blocks of
/// 32) and a 2,480-byte index, built on first use ([`lexicon`]); the answers
/// are the lists' (`lexicon_answers_every_entry_and_its_near_misses`).
pub(crate) struct Lexicon {
    /// Each length's heads then bodies, shortest length first.
    packed: Vec<u8>,
    /// `[heads start, bodies start, entries]` of each length `k` at
    /// `at[k - 1]`; the bodies end where the next length's heads start.
    at: Vec<[u32; 3]>,
    /// Per length `k`, 31 counts from `31 (k - 1)` on: the heads whose first
    /// character's code is below `c`, for `c` in 0..=30 (so the head search
    /// starts among one first character's blocks).
    first: Vec<u16>,
    /// The class bits of each class index (at most 64 classes).
    classes: &'static [u16],
    /// The class index of each short code of a body entry (the seven
    /// classes most frequent there).
    common: &'static [u8],
    /// Entries a block holds.
    block: usize,
}

/// The bits of `packed` from bit `at` on, most significant first: at
/// least 57 of them (zeros past its end).
#[inline]
fn peek(packed: &[u8], at: usize) -> u64 {
    let i = at / 8;
    let word = match packed.get(i..i + 8) {
        Some(&[a, b, c, d, e, f, g, h]) => u64::from_be_bytes([a, b, c, d, e, f, g, h]),
        _ => {
            let mut word = [0u8; 8];
            for (j, w) in word.iter_mut().enumerate() {
                *w = packed.get(i + j).copied().unwrap_or(0);
            }
            u64::from_be_bytes(word)
        }
    };
    word << (at % 8)
}

/// Compares the `n` characters of `packed` from bit `at` on with those of
/// `key` from character `i` on, eleven at a time: `Ok(())` when equal, else
/// how the packed ones compare and the count of leading characters equal.
#[inline]
fn cmp_codes(
    packed: &[u8],
    mut at: usize,
    key: &Key,
    mut i: usize,
    n: usize,
) -> Result<(), (core::cmp::Ordering, usize)> {
    let end = i + n;
    while i < end {
        let chunk = (end - i).min(11);
        let drop = 64 - 5 * chunk as u32;
        let (x, y) = (peek(packed, at) >> drop, peek(&key.bytes, 5 * i) >> drop);
        if x != y {
            let same = ((x ^ y).leading_zeros() - drop) as usize / 5;
            return Err((x.cmp(&y), i + same));
        }
        at += 5 * chunk;
        i += chunk;
    }
    Ok(())
}

mod tables {
    #![allow(clippy::all, dead_code)]
    use super::Table;
    include!(concat!(env!("OUT_DIR"), "/packed_tables.rs"));
}

/// The characters an entry may hold; `ALPHABET[i]` packs as `i + 1` (the
/// same table as `core/build.rs`).
const ALPHABET: &[u8; 30] = b" '-.abcdefghijklmnopqrstuvwxyz";

/// Each byte's code (0: not in [`ALPHABET`]).
const CODE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        t[ALPHABET[i] as usize] = i as u8 + 1;
        i += 1;
    }
    t
};

/// Longest key looked up (longer than any entry).
const MAX_KEY: usize = 64;

/// A key packed as `core/build.rs` packs an entry, to look up in several
/// tables without packing it again.
pub(crate) struct Key {
    len: usize,
    /// The first character.
    first: u8,
    bytes: [u8; MAX_KEY * 5 / 8 + 1],
    width: usize,
}

impl Key {
    /// Packs `key`; `None` when it is empty, too long, or has a character
    /// outside [`ALPHABET`] (then no entry can equal it).
    pub(crate) fn new(key: &[u8]) -> Option<Key> {
        if key.is_empty() || key.len() > MAX_KEY {
            return None;
        }
        let mut out = Key {
            len: key.len(),
            first: key[0],
            bytes: [0; MAX_KEY * 5 / 8 + 1],
            width: 0,
        };
        let (mut acc, mut bits, mut n) = (0u32, 0u32, 0usize);
        for &c in key {
            let code = CODE[usize::from(c)];
            if code == 0 {
                return None;
            }
            acc = (acc << 5) | u32::from(code);
            bits += 5;
            while bits >= 8 {
                bits -= 8;
                *out.bytes.get_mut(n)? = (acc >> bits) as u8;
                n += 1;
                acc &= (1 << bits) - 1;
            }
        }
        if bits > 0 {
            *out.bytes.get_mut(n)? = (acc << (8 - bits)) as u8;
            n += 1;
        }
        out.width = n;
        Some(out)
    }
}

impl Table {
    /// True when `key` (lowercase ASCII) is an entry.
    pub(crate) fn contains(&self, key: &[u8]) -> bool {
        Key::new(key).is_some_and(|k| self.has(&k))
    }

    /// True when the packed `key` is an entry.
    pub(crate) fn has(&self, key: &Key) -> bool {
        let (k, w) = (key.len, key.width);
        let (Some(&lo), Some(&hi)) = (self.at.get(k - 1), self.at.get(k)) else {
            return false;
        };
        let Some(line) = self.packed.get(lo..hi) else {
            return false;
        };
        let want = &key.bytes[..w];
        let (mut a, mut b) = (0usize, line.len() / w);
        while a < b {
            let m = a + (b - a) / 2;
            let Some(rec) = line.get(m * w..m * w + w) else {
                return false;
            };
            match cmp_bytes(rec, want) {
                core::cmp::Ordering::Equal => return true,
                core::cmp::Ordering::Less => a = m + 1,
                core::cmp::Ordering::Greater => b = m,
            }
        }
        false
    }
}

/// A Census first name (lexicon class bit).
pub(crate) const FIRST: u16 = 1;
/// A first name that is also a common word (May, Will): needs context.
pub(crate) const FIRST_AMB: u16 = 2;
/// A Census surname.
pub(crate) const LAST: u16 = 4;
/// A surname that is also a word (Brown, Price): weak evidence alone.
pub(crate) const LAST_WL: u16 = 8;
/// A metadata word that is never part of a name.
pub(crate) const STOP: u16 = 16;
/// A country, US state, large city or alias (one word or several).
pub(crate) const PLACE: u16 = 32;
/// A proper word prefix of a multi-word place (`new`, `rio de`): a place
/// name is read on only while the words so far are one.
pub(crate) const PREFIX: u16 = 64;
/// A place that is also a common word (Reading, Nice): needs a location cue.
pub(crate) const PLACE_AMB: u16 = 128;
/// A noun that only ever names a person (`landlord`, `tutor`): a role cue.
pub(crate) const ROLE: u16 = 256;

impl Lexicon {
    /// The class bits of the packed `key` (0 when it is no entry): one
    /// binary search over block heads and at most one block read answer
    /// every list.
    pub(crate) fn class(&self, key: &Key) -> u16 {
        let k = key.len;
        let Some(&[lo, mid, count]) = self.at.get(k - 1) else {
            return 0;
        };
        let (lo, mid, count) = (lo as usize, mid as usize, count as usize);
        let Some(heads) = self.packed.get(lo..mid) else {
            return 0;
        };
        // The key's bits are the first `5k` of a head: `full` whole bytes,
        // then `rest` bits of the next one (the class symbol follows them).
        let (full, rest) = (5 * k / 8, 5 * k % 8);
        let w = (5 * k + CLASS_BITS).div_ceil(8);
        let hw = w + 2;
        let mask = (0xFF00u16 >> rest) as u8;
        let want = &key.bytes[..full];
        let last = key.bytes.get(full).copied().unwrap_or(0);
        // The last head below the key: `a - 1` after the search, among
        // those with the key's first character (else the one before them).
        let c = usize::from(CODE[usize::from(key.first)]);
        let bound = |c: usize| {
            self.first
                .get(31 * (k - 1) + c)
                .map_or(0, |&n| usize::from(n))
        };
        let (mut a, mut b) = (
            bound(c),
            if c < 30 {
                bound(c + 1)
            } else {
                heads.len() / hw
            },
        );
        while a < b {
            let m = a + (b - a) / 2;
            let Some(rec) = heads.get(m * hw..m * hw + hw) else {
                return 0;
            };
            let (head, tail) = rec.split_at(full);
            let tail0 = tail.first().copied().unwrap_or(0);
            let ord = cmp_bytes(head, want).then((tail0 & mask).cmp(&last));
            match ord {
                core::cmp::Ordering::Equal => {
                    let index = peek(&self.packed, 8 * (lo + m * hw) + 5 * k) >> (64 - CLASS_BITS);
                    return self.classes.get(index as usize).copied().unwrap_or(0);
                }
                core::cmp::Ordering::Less => a = m + 1,
                core::cmp::Ordering::Greater => b = m,
            }
        }
        let Some(j) = a.checked_sub(1) else {
            return 0;
        };
        let Some(rec) = heads.get(j * hw..j * hw + hw) else {
            return 0;
        };
        let offset = usize::from(u16::from_be_bytes([rec[w], rec[w + 1]]));
        // `m`: the characters the entry before (below the key) shares with
        // the key. An entry sharing more with that one is below the key too
        // (its character `m` is the one below the key's); one sharing less is
        // above it (its character there is above the one the key has).
        let Err((_, mut m)) = cmp_codes(&self.packed, 8 * (lo + j * hw), key, 0, k) else {
            return 0;
        };
        let lcp_bits = lcp_bits(k);
        // The key's bits from character `m` on.
        let mut rest = peek(&key.bytes, 5 * m);
        let others = count.saturating_sub(j * self.block).min(self.block) - 1;
        // The body's shared lengths, read `per` at a time (a 64-bit read
        // holds at least 57 bits), then its entries: the next one at `at`.
        let start = 8 * (mid + offset);
        let per = 57usize.checked_div(lcp_bits as usize).unwrap_or(usize::MAX);
        let mut lengths = peek(&self.packed, start);
        let mut left = per;
        let codes = start + others * lcp_bits as usize;
        // The short codes, field 0 highest, from two 57-bit reads (a read
        // holds at least 57 bits); `escaped` has the lowest bit of each
        // field that is the escape (all its bits set).
        let pair = u128::from(peek(&self.packed, codes) >> 7) << 57
            | u128::from(peek(&self.packed, codes + 57) >> 7);
        let short = pair
            .checked_shr(114 - (others * COMMON_BITS) as u32)
            .unwrap_or(0);
        let escaped = short & (short >> 1) & (short >> 2) & FIELD_LOW_BITS;
        let escapes = codes + others * COMMON_BITS;
        let mut at = escapes + escaped.count_ones() as usize * CLASS_BITS;
        for i in 0..others {
            if left == 0 {
                lengths = peek(&self.packed, start + i * lcp_bits as usize);
                left = per;
            }
            left -= 1;
            let shared = lengths.checked_shr(64 - lcp_bits).unwrap_or(0) as usize;
            lengths = lengths.checked_shl(lcp_bits).unwrap_or(0);
            let n = k - shared;
            let next = at + 5 * n;
            if shared < m {
                return 0;
            }
            if shared == m {
                let ord = if n <= 11 {
                    let drop = 64 - 5 * n as u32;
                    let (x, y) = (peek(&self.packed, at) >> drop, rest >> drop);
                    if x == y {
                        Ok(())
                    } else {
                        let same = ((x ^ y).leading_zeros() - drop) as usize / 5;
                        Err((x.cmp(&y), shared + same))
                    }
                } else {
                    cmp_codes(&self.packed, at, key, shared, n)
                };
                match ord {
                    Ok(()) => {
                        let field = (others - 1 - i) * COMMON_BITS;
                        let code = (short >> field) & ESCAPE;
                        let index = if code != ESCAPE {
                            self.common.get(code as usize).copied().unwrap_or(0)
                        } else {
                            // After the symbols of the escapes before it.
                            let before = (escaped >> (field + COMMON_BITS)).count_ones() as usize;
                            (peek(&self.packed, escapes + before * CLASS_BITS) >> (64 - CLASS_BITS))
                                as u8
                        };
                        return self.classes.get(usize::from(index)).copied().unwrap_or(0);
                    }
                    Err((core::cmp::Ordering::Greater, _)) => return 0,
                    Err((_, same)) => {
                        m = same;
                        rest = peek(&key.bytes, 5 * m);
                    }
                }
            }
            at = next;
        }
        0
    }

    /// [`Lexicon::class`] of `key` (lowercase ASCII); 0 when it cannot be
    /// packed.
    #[cfg(test)]
    pub(crate) fn class_of(&self, key: &[u8]) -> u16 {
        Key::new(key).map_or(0, |k| self.class(&k))
    }
}

/// The row of a lowercase letter in a [`Heads`] set (26: anything else).
const fn head_index(c: u8) -> usize {
    if c.is_ascii_lowercase() {
        (c - b'a') as usize
    } else {
        26
    }
}

/// The first two characters of every entry of a word list, as a bit set:
/// a key whose first two characters are not in it is no entry, known
/// without a lookup (27 rows of 27 bits, 108 bytes).
pub(crate) struct Heads([u32; 27]);

impl Heads {
    /// No entry.
    pub(crate) const EMPTY: Heads = Heads([0; 27]);

    /// Adds an entry starting with `a`, `b` (`b` is 0 for one character).
    pub(crate) const fn with(mut self, a: u8, b: u8) -> Heads {
        self.0[head_index(a)] |= 1 << head_index(b);
        self
    }

    /// The heads of a line-per-length table text (see [`Table`]).
    const fn of_text(text: &str) -> Heads {
        let b = text.as_bytes();
        let mut h = Heads([0; 27]);
        let (mut i, mut k, mut at) = (0, 1, 0);
        while i < b.len() {
            if b[i] == b'\n' {
                k += 1;
                at = 0;
            } else {
                if at % k == 0 {
                    h = h.with(
                        b[i],
                        if k > 1 && i + 1 < b.len() {
                            b[i + 1]
                        } else {
                            0
                        },
                    );
                }
                at += 1;
            }
            i += 1;
        }
        h
    }

    /// True when some entry may start like `key` (lowercase ASCII).
    #[inline]
    pub(crate) fn may_start(&self, key: &[u8]) -> bool {
        let (a, b) = (
            key.first().copied().unwrap_or(0),
            key.get(1).copied().unwrap_or(0),
        );
        self.0[head_index(a)] >> head_index(b) & 1 != 0
    }
}

/// The first two characters of every organisation ([`ORGS`]), so that most
/// capitalised words cost no organisation lookup.
pub(crate) const ORG_HEADS: Heads = Heads::of_text(include_str!("data/orgs.txt"));

/// Byte-wise comparison of equal-length slices; inlined, exits at the first
/// difference (usually the first or second byte).
#[inline]
fn cmp_bytes(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Census first names, surnames, stop words, places (ambiguous ones too)
/// and place prefixes in one lexicon (see [`Lexicon`]): a word costs one
/// binary search, not one a list. Unpacked on first use.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEXICON.get_or_init(unpack)
}

/// The lexicon from the compressed stream the build wrote (see
/// [`super::lexicon_code`]): decoded, then packed as the build packs it.
/// The stream is 105,607 bytes smaller than the packed lexicon of 86,420
/// entries (the component 102,474 bytes smaller with the decoder; 123,904
/// for today's 97,068); the first scan of a process pays for it once:
/// with 86,420 entries about 18 ms natively (14.6 ms decoding, 3.1 ms
/// packing), with 97,068 about 22-27 ms natively and 27 ms in the
/// component under wasmtime-py (2026-12-07), where compiling the component
/// uncached takes about 0.5 s.
fn unpack() -> Lexicon {
    let counts = &tables::LEXICON_COUNTS;
    let chars = counts.iter().zip(1..).map(|(&n, k)| n as usize * k).sum();
    let entries = counts.iter().map(|&n| n as usize).sum();
    let (mut codes, mut class) = (vec![0; chars], vec![0; entries]);
    let mut stream = Decoder::new(tables::LEXICON_STREAM);
    // The stream is the build's own, checked by the tests: a failure is a
    // corrupt binary, and a scan without its lexicon must not run.
    assert!(walk(&mut stream, counts, &mut codes, &mut class));
    let (packed, at, first) = pack(counts, &codes, &class, &tables::LEXICON_COMMON);
    Lexicon {
        packed,
        at,
        first,
        classes: &tables::LEXICON_CLASSES,
        common: &tables::LEXICON_COMMON,
        block: BLOCK,
    }
}
/// Organisations and products named like people (`morgan stanley`; a small
/// table of two-word entries).
pub(crate) const ORGS: &Table = &tables::ORGS;

#[cfg(test)]
mod tests {
    use super::*;

    /// The entry counts `data/README.md` gives are the generated tables'
    /// (`tables.rs` states each one's count above it).
    #[test]
    fn readme_counts_are_the_tables() {
        let tables = include_str!("data/tables.rs");
        let mut rows = 0;
        for line in include_str!("data/README.md").lines() {
            let Some(rest) = line.strip_prefix("| `") else {
                continue;
            };
            let Some((name, rest)) = rest.split_once(".txt` | ") else {
                continue;
            };
            let count: String = rest
                .split(' ')
                .next()
                .unwrap_or_default()
                .chars()
                .filter(|&c| c != ',')
                .collect();
            let konst = format!("pub(super) const {}: Table", name.to_uppercase());
            let at = tables.find(&konst).expect("a table of the README");
            let doc = tables[..at].lines().last().unwrap_or_default();
            assert_eq!(
                doc,
                format!("/// {count} entries (see data/README.md)."),
                "{name}"
            );
            rows += 1;
        }
        assert_eq!(rows, 9, "every table has its README row");
    }

    /// The lexicon the core unpacks from the compressed stream is, byte for
    /// byte, the one the build packs (`lexicon.bin`), with its index.
    #[test]
    fn unpacked_lexicon_is_the_builds() {
        let l = lexicon();
        assert_eq!(l.packed, tables::LEXICON_PACKED);
        assert_eq!(l.at, tables::LEXICON_AT);
        assert_eq!(l.first, tables::LEXICON_FIRST);
        assert!(tables::LEXICON_STREAM.len() * 3 < l.packed.len() * 2);
    }

    /// A stream that is cut short or altered does not decode into the
    /// lexicon: the walk says so, or the entries differ.
    #[test]
    fn damaged_streams_do_not_pass_for_the_lexicon() {
        let counts = &tables::LEXICON_COUNTS;
        let chars = counts.iter().zip(1..).map(|(&n, k)| n as usize * k).sum();
        let entries = counts.iter().map(|&n| n as usize).sum();
        let decode = |stream: &[u8]| {
            let (mut codes, mut class) = (vec![0u8; chars], vec![0u8; entries]);
            let ok = walk(&mut Decoder::new(stream), counts, &mut codes, &mut class);
            ok.then(|| pack(counts, &codes, &class, &tables::LEXICON_COMMON).0)
        };
        let whole = tables::LEXICON_STREAM;
        assert_eq!(decode(whole).as_deref(), Some(tables::LEXICON_PACKED));
        let cut = &whole[..whole.len() / 2];
        let mut flipped = whole.to_vec();
        flipped[whole.len() / 3] ^= 0x10;
        for bad in [cut, &flipped[..]] {
            assert_ne!(decode(bad).as_deref(), Some(tables::LEXICON_PACKED));
        }
    }

    #[test]
    fn lookups() {
        let c = |k: &[u8]| lexicon().class_of(k);
        assert_ne!(c(b"john") & FIRST, 0);
        assert_ne!(c(b"mary") & FIRST, 0);
        assert_ne!(c(b"smith") & LAST, 0);
        assert_ne!(c(b"nguyen") & LAST, 0);
        assert_eq!(c(b"zzzzqx"), 0);
        assert_ne!(c(b"will") & FIRST_AMB, 0);
        assert_eq!(c(b"john") & FIRST_AMB, 0);
        assert_ne!(c(b"new york") & PLACE, 0);
        assert_ne!(c(b"new") & PREFIX, 0);
        assert_ne!(c(b"rio de") & PREFIX, 0);
        assert_ne!(c(b"germany") & PLACE, 0);
        assert_ne!(c(b"reading") & PLACE_AMB, 0);
        assert_ne!(c(b"premium") & STOP, 0);
        assert!(ORGS.contains(b"morgan stanley"));
        assert_eq!(c(b""), 0);
        assert_eq!(c(&[b'a'; 200]), 0);
        assert_eq!(c(b"smith!"), 0, "outside the packed alphabet");
    }

    /// Every entry of every text is found after packing, and a one-letter
    /// change of it only when that is an entry too.
    #[test]
    fn every_entry_survives_packing() {
        let tables: [(&Table, &str); 1] = [(ORGS, include_str!("data/orgs.txt"))];
        for (table, text) in tables {
            let all = set(text);
            for e in &all {
                assert!(table.contains(e), "{:?}", String::from_utf8_lossy(e));
                let mut near = e.clone();
                near[0] = if near[0] == b'z' { b'a' } else { near[0] + 1 };
                assert_eq!(table.contains(&near), all.contains(&near));
            }
        }
    }

    fn set(text: &str) -> std::collections::HashSet<Vec<u8>> {
        let mut all = std::collections::HashSet::new();
        for (i, line) in text.split_terminator('\n').enumerate() {
            for e in line.as_bytes().chunks(i + 1) {
                all.insert(e.to_vec());
            }
        }
        all
    }

    /// Entry -> class bits, computed from the list texts as `core/build.rs`
    /// computes them: the bit of every list an entry is in, and [`PREFIX`]
    /// for every proper word prefix of a multi-word place.
    fn reference() -> std::collections::HashMap<Vec<u8>, u16> {
        let lists: [(u16, &str); 8] = [
            (FIRST, include_str!("data/first.txt")),
            (FIRST_AMB, include_str!("data/first_ambiguous.txt")),
            (LAST, include_str!("data/last.txt")),
            (LAST_WL, include_str!("data/last_wordlike.txt")),
            (STOP, include_str!("data/stop.txt")),
            (PLACE, include_str!("data/places.txt")),
            (PLACE_AMB, include_str!("data/places_ambiguous.txt")),
            (ROLE, include_str!("data/roles.txt")),
        ];
        let mut want: std::collections::HashMap<Vec<u8>, u16> = std::collections::HashMap::new();
        for (bit, text) in lists {
            for e in set(text) {
                *want.entry(e).or_default() |= bit;
            }
        }
        for p in set(include_str!("data/places.txt")) {
            for (at, _) in p.iter().enumerate().filter(|(_, &c)| c == b' ') {
                *want.entry(p[..at].to_vec()).or_default() |= PREFIX;
            }
        }
        want
    }

    /// The front-coded lexicon answers exactly as the lists: every entry
    /// with its class, and every near miss of an entry (last character
    /// dropped, one appended, first or last changed) with the class of that
    /// word when it is an entry, else 0; so is every key of one or two
    /// characters. Near misses land between entries of every block, before
    /// the first head and after the last entry of a length.
    #[test]
    fn lexicon_answers_every_entry_and_its_near_misses() {
        let want = reference();
        assert_eq!(want.len(), 112_033);
        let check = |key: &[u8]| {
            assert_eq!(
                lexicon().class_of(key),
                want.get(key).copied().unwrap_or(0),
                "{:?}",
                String::from_utf8_lossy(key)
            );
        };
        let some: &[u8] = b" '-.abemnrsyz";
        let (mut found, mut checked) = (0usize, 0usize);
        for (e, bits) in &want {
            assert_eq!(
                lexicon().class_of(e),
                *bits,
                "{:?}",
                String::from_utf8_lossy(e)
            );
            check(&e[..e.len() - 1]);
            let last = e.len() - 1;
            for &c in some {
                let mut longer = e.clone();
                longer.push(c);
                let mut first = e.clone();
                first[0] = c;
                let mut end = e.clone();
                end[last] = c;
                for v in [longer, first, end] {
                    check(&v);
                    checked += 1;
                    found += usize::from(want.contains_key(&v));
                }
            }
        }
        assert!(
            found > 10_000,
            "the near misses hit entries too: {found} of {checked}"
        );
        for &a in ALPHABET {
            check(&[a]);
            for &b in ALPHABET {
                check(&[a, b]);
            }
        }
    }

    /// The lexicon gives every entry of every merged list exactly the bits
    /// of the lists it is in, and every place prefix (every proper word
    /// prefix of a multi-word place) the prefix bit; a one-letter change of
    /// an entry gets the bits of the changed word.
    #[test]
    fn lexicon_classes_are_the_lists() {
        let want = reference();
        assert!(want.len() > 30_000);
        for (e, bits) in &want {
            assert_eq!(
                lexicon().class_of(e),
                *bits,
                "{:?}",
                String::from_utf8_lossy(e)
            );
            let mut near = e.clone();
            let last = near.len() - 1;
            near[last] = if near[last] == b'z' {
                b'a'
            } else {
                near[last] + 1
            };
            assert_eq!(
                lexicon().class_of(&near),
                want.get(&near).copied().unwrap_or(0),
                "{:?}",
                String::from_utf8_lossy(&near)
            );
        }
    }
}
