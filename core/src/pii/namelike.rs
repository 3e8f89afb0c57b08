//! Name-likeness: how much a word's letters look like a personal name's
//! rather than an English word's, for the rules that read a word no list
//! knows (`Landry will sort out the tip`, `/donors/njoya-zamri/pledges`).
//!
//! The table (`data/namelike.bin`, 16 KiB, built by `tools/gazetteer/build.py`
//! from the name lists, the given names of more countries that
//! `nomquamgender` lists, and the English words of Debian `wamerican`) holds a
//! 4-bit log-odds level for each of 32,768 buckets of letter trigrams; a word
//! scores the sum over the trigrams of `^word$`. The build script states how
//! the levels are made; `experiments/results/namelike-proto.md` how the
//! method was chosen and what it can and cannot tell apart (a brand named
//! after a person reads as a name: only context stops it).

/// Trigram levels, two a byte (bucket `b` in byte `b >> 1`, the low nibble
/// when `b` is even).
static TABLE: &[u8; BUCKETS / 2] = include_bytes!("data/namelike.bin");

/// Trigram buckets (`NAMELIKE_BITS` in `tools/gazetteer/build.py`): 2^15
/// since 2026-12-07 (2^14 from 2026-12-06, 2^12 before). Fewer trigrams
/// share a bucket, so the letters tell names from English words better (the
/// prototype's AUC 0.883 at 2^12, 0.906 at 2^14,
/// `experiments/results/namelike-proto.md`), for 6 KiB and then 8 KiB more
/// of the component. The thresholds kept their values: at 2^14 mapped
/// through the English words' score quantiles, each moved by at most 3 half
/// steps; at 2^15 the dev splits found 9 more names and 5 more places with no
/// false one, and a probe of 56 brands after ten verbs of contact read 200 of
/// 560 as names (190 at 2^14: Trezor, Mailchimp and Alchemy in, Lyft and
/// Bybit out).
const BUCKETS: usize = 1 << 15;

/// What context says about two words before their letters are read
/// ([`pair_namelike`]); the less it says, the more the letters must.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Context {
    /// A person's cue or role noun comes before (`/donors/vasea-cretu/`,
    /// `?by=visnu-shengelia`, `entered as keabetswe huamani`): the letters
    /// need only not read as English.
    Cued,
    /// The words stand alone: a clause or a key opens before them or one
    /// closes after them (`/exports/7/njoya-zamri.csv`, `Tshegofatso Mballa
    /// — deposit`). In running text no letters are enough: a brand may be
    /// named like a person (see `experiments/pii/HELDOUT.md`).
    Bounded,
}

impl Context {
    /// The least letters of each word, the least score of each word and the
    /// least score of both, in the table's half steps. Chosen on the dev
    /// splits (see `experiments/pii/HELDOUT.md`); `Bounded` was (4, 5, 19)
    /// with the table of the name lists alone, and (4, 3, 15) since it reads
    /// the given names of more countries (2026-12-05, dev PERSON +10 true
    /// positives and no false positive, no finding on any PII-free part or
    /// hard negative; (4, 0, 12) found 5 more and 2 false positives then).
    /// With the table of 2^14 buckets (2026-12-06) the values stay: (4, 0,
    /// 12) found 10 more dev true positives without a false positive, but
    /// reads a product's label in capitals (`{"name":"NDVI TILE"}`) and
    /// takes 1.1 % of random pairs of English words of 4+ letters (0.7 % at
    /// these values); (4, -3, 9) found 5 more still, and 1.8 % of them, with
    /// such brand-like pairs as `Ocean Breeze` and `Velvet Sky`.
    const fn minimums(self) -> (usize, i32, i32) {
        match self {
            Context::Cued => (3, -10, 0),
            Context::Bounded => (4, 3, 15),
        }
    }
}

/// Longest word scored; a longer one is no name.
const MAX_LEN: usize = 24;

/// The name-likeness of `word` in the table's half steps (each trigram adds
/// `2l - 15` for its level `l`), or `None` unless it is 3 to 24 ASCII letters
/// (either case: the score reads lower case).
// Out of line, as `pair_namelike`: inlined at each reading it cost 151
// bytes of the component, and it runs only where context allows a name.
#[inline(never)]
pub(crate) fn score(word: &[u8]) -> Option<i32> {
    if !(3..=MAX_LEN).contains(&word.len()) || !word.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    // Byte `k` of `^word$`, lower case.
    let at = |k: usize| match k {
        0 => b'^',
        k => word.get(k - 1).map_or(b'$', u8::to_ascii_lowercase),
    };
    let mut sum = 0;
    for k in 0..word.len() {
        let h = (k..k + 3).fold(0x811c_9dc5_u32, |h, j| {
            (h ^ u32::from(at(j))).wrapping_mul(0x0100_0193)
        });
        let b = h as usize & (BUCKETS - 1);
        let level = TABLE.get(b >> 1).map_or(0, |x| (x >> ((b & 1) * 4)) & 0xf);
        sum += 2 * i32::from(level) - 15;
    }
    Some(sum)
}

/// True when two words no list knows read as a personal name together
/// in `context`: each has a vowel and the [`Context::minimums`] of letters
/// and score, and both together their least score. `btc usdt` (no vowel),
/// `tide table`, `guest posts` and `news feed` are no name anywhere.
#[inline(never)]
pub(crate) fn pair_namelike(a: &[u8], b: &[u8], context: Context) -> bool {
    let (len, part_min, pair_min) = context.minimums();
    match (part(a, len), part(b, len)) {
        (Some(x), Some(y)) => x.min(y) >= part_min && x + y >= pair_min,
        _ => false,
    }
}

/// True when `b`, a word no list knows after a known given name, reads as
/// its surname in `context`: its own score meets the least of a part and of
/// the pair (a known given name's letters need not read as one: `tricia`
/// scores 0 in `handed over to tricia mahmoodi`).
pub(crate) fn surname_namelike(b: &[u8], context: Context) -> bool {
    let (len, part_min, pair_min) = context.minimums();
    part(b, len).is_some_and(|y| y >= part_min.max(pair_min))
}

/// The score of one word of a pair: `None` unless it has `len` letters or
/// more and a vowel, and the table can score it (see [`score`]).
fn part(x: &[u8], len: usize) -> Option<i32> {
    let vowel = x
        .iter()
        .any(|c| b"aeiouy".contains(&c.to_ascii_lowercase()));
    if x.len() >= len && vowel {
        score(x)
    } else {
        None
    }
}

/// True when both words are scored (3+ letters with a vowel) and do not
/// read as a name's after a cue ([`Context::Cued`]): `Coinbase Checkout`,
/// `Stripe Commerce`. A word the table cannot score (`Mhmd`,
/// `Q'ipiani`) reads as no English.
pub(crate) fn pair_english(a: &[u8], b: &[u8]) -> bool {
    part(a, 3).is_some() && part(b, 3).is_some() && !pair_namelike(a, b, Context::Cued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_words() {
        use Context::{Bounded, Cued};
        let pair = |a: &str, b: &str, c| pair_namelike(a.as_bytes(), b.as_bytes(), c);
        for (a, b) in [
            ("njoya", "zamri"),
            ("vardo", "ghvinjilia"),
            ("yazhisai", "hanya"),
        ] {
            assert!(pair(a, b, Bounded), "{a} {b}");
        }
        for (a, b) in [
            ("vasea", "cretu"),
            ("kagiso", "seretse"),
            ("goh", "aobakwe"),
        ] {
            assert!(pair(a, b, Cued) && !pair(a, b, Bounded), "{a} {b}");
        }
        let words = [
            ("btc", "usdt"),
            ("tide", "table"),
            ("weather", "forecast"),
            ("news", "feed"),
            ("guest", "posts"),
            ("stable", "diffusion"),
            ("price", "feed"),
            ("zzz", "zzz"),
        ];
        for (a, b) in words {
            assert!(!pair(a, b, Cued), "{a} {b}");
        }
        assert_eq!(score(b"ab"), None);
        assert_eq!(score(b"o'neil"), None);
        assert_eq!(score("zo\u{eb}".as_bytes()), None);
        assert_eq!(score(b"LANDRY"), score(b"landry"));
        assert!(score(b"thiruvalluvar") > score(b"settlement"));
        // English by the letters needs both words scored.
        let english = |a: &str, b: &str| pair_english(a.as_bytes(), b.as_bytes());
        assert!(english("coinbase", "checkout") && english("stripe", "commerce"));
        assert!(!english("zorvak", "telmiri") && !english("mhmd", "alkhafaji"));
        assert!(!english("bidya", "q'ipiani"));
    }
}
