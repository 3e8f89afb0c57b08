//! Name and place gazetteers: generated, sorted, fixed-width tables.
//!
//! The tables in `data/` are produced by `tools/gazetteer/build.py` from US
//! Census 1990 names, GeoNames places and the SCOWL word list (sources and
//! licences in `data/README.md`). Each table stores its entries bucketed by
//! length; `core/build.rs` packs them at five bits a character (see
//! [`ALPHABET`]), so a lookup is a binary search over fixed-width records
//! with no index built at run time and no allocation.

/// One packed table.
pub(crate) struct Table {
    /// The records of every length, shortest first: `ceil(5k / 8)` bytes each.
    packed: &'static [u8],
    /// Byte offset of each length's records; `at[k - 1]..at[k]` holds the
    /// records of `k`-character entries.
    at: &'static [usize],
}

mod tables {
    #![allow(clippy::all)]
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

/// Census first names (female and male).
pub(crate) const FIRST: &Table = &tables::FIRST;
/// The most frequent Census surnames.
pub(crate) const LAST: &Table = &tables::LAST;
/// First names that are also common words (May, Will, Grant): need context.
pub(crate) const FIRST_AMBIGUOUS: &Table = &tables::FIRST_AMBIGUOUS;
/// Surnames that are also common words (Brown, Price): weak evidence alone.
pub(crate) const LAST_WORDLIKE: &Table = &tables::LAST_WORDLIKE;
/// Countries, US states, large cities and common aliases.
pub(crate) const PLACES: &Table = &tables::PLACES;
/// Places that are also common words (Reading, Nice): need a location cue.
pub(crate) const PLACES_AMBIGUOUS: &Table = &tables::PLACES_AMBIGUOUS;
/// Every proper word prefix of a multi-word place (`new`, `rio de`), derived
/// from the places by `core/build.rs`: a place name is read on only while the
/// words so far are one of these.
pub(crate) const PLACE_PREFIXES: &Table = &tables::PLACE_PREFIXES;
/// Organisations and products named like people (`morgan stanley`).
pub(crate) const ORGS: &Table = &tables::ORGS;
/// Common metadata words that are never part of a name.
pub(crate) const STOP: &Table = &tables::STOP;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert!(FIRST.contains(b"john"));
        assert!(FIRST.contains(b"mary"));
        assert!(LAST.contains(b"smith"));
        assert!(LAST.contains(b"nguyen"));
        assert!(!LAST.contains(b"zzzzqx"));
        assert!(FIRST_AMBIGUOUS.contains(b"will"));
        assert!(!FIRST_AMBIGUOUS.contains(b"john"));
        assert!(PLACES.contains(b"new york"));
        assert!(PLACES.contains(b"germany"));
        assert!(PLACES_AMBIGUOUS.contains(b"reading"));
        assert!(STOP.contains(b"premium"));
        assert!(!FIRST.contains(b""));
        assert!(!FIRST.contains(&[b'a'; 200]));
        assert!(!LAST.contains(b"smith!"), "outside the packed alphabet");
    }

    /// Every entry of every text is found after packing, and a one-letter
    /// change of it only when that is an entry too.
    #[test]
    fn every_entry_survives_packing() {
        let tables: [(&Table, &str); 8] = [
            (FIRST, include_str!("data/first.txt")),
            (LAST, include_str!("data/last.txt")),
            (FIRST_AMBIGUOUS, include_str!("data/first_ambiguous.txt")),
            (LAST_WORDLIKE, include_str!("data/last_wordlike.txt")),
            (PLACES, include_str!("data/places.txt")),
            (PLACES_AMBIGUOUS, include_str!("data/places_ambiguous.txt")),
            (ORGS, include_str!("data/orgs.txt")),
            (STOP, include_str!("data/stop.txt")),
        ];
        for (table, text) in tables {
            let mut all = std::collections::HashSet::new();
            for (i, line) in text.split_terminator('\n').enumerate() {
                for e in line.as_bytes().chunks(i + 1) {
                    all.insert(e.to_vec());
                }
            }
            for e in &all {
                assert!(table.contains(e), "{:?}", String::from_utf8_lossy(e));
                let mut near = e.clone();
                near[0] = if near[0] == b'z' { b'a' } else { near[0] + 1 };
                assert_eq!(table.contains(&near), all.contains(&near));
            }
        }
    }
}
