//! Name and place gazetteers: generated, sorted, fixed-width tables.
//!
//! The tables in `data/` are produced by `tools/gazetteer/build.py` from US
//! Census 1990 names, GeoNames places and the SCOWL word list (sources and
//! licences in `data/README.md`). Each table stores its entries bucketed by
//! length, so a lookup is a binary search over fixed-width records with no
//! index built at run time and no allocation.

/// One generated table: `text` holds one line per entry length.
pub(crate) struct Table {
    /// Line `k` (1-based) holds every entry of `k` bytes, sorted, concatenated.
    text: &'static str,
    /// Byte offset of each line; `at[k]` is where line `k + 1` starts.
    at: &'static [usize],
}

mod tables {
    #![allow(clippy::all)]
    include!("data/tables.rs");
}

impl Table {
    /// True when `key` (lowercase ASCII) is an entry.
    pub(crate) fn contains(&self, key: &[u8]) -> bool {
        let k = key.len();
        if k == 0 || k + 1 >= self.at.len() {
            return false;
        }
        let (Some(&lo), Some(&hi)) = (self.at.get(k - 1), self.at.get(k)) else {
            return false;
        };
        // The line without its trailing newline.
        let Some(line) = self.text.as_bytes().get(lo..hi.saturating_sub(1)) else {
            return false;
        };
        let n = line.len() / k;
        let (mut a, mut b) = (0usize, n);
        while a < b {
            let m = a + (b - a) / 2;
            let Some(rec) = line.get(m * k..m * k + k) else {
                return false;
            };
            match cmp_bytes(rec, key) {
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
    }
}
