//! Word tokens for the PERSON and LOCATION rules, with lazily cached
//! gazetteer flags.

use super::cues::{cue_bits, LOC, PLACE_KIND, STRONG, TITLE, WEAK};
use super::gazetteer as gz;
use super::hit::{is_among, Hit, CLASS, LOWER, UPPER};
use super::namelike::Context;
use super::EntityType;

/// Letter case of a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `John`, `McDonald`, `O'Brien`.
    Title,
    /// `JOHN` (two letters or more).
    Upper,
    /// `john`.
    Lower,
    /// `J` (one capital letter).
    Initial,
    /// Anything else (`jOHN`, `iPhone`).
    Other,
    /// Letters of a script without case (Arabic, Hebrew, the CJK scripts,
    /// Devanagari, Thai…; see [`uncased_letter`]): read only as a person's
    /// key's value (`{"customer":"محمد أحمد"}`, `?name=王伟`).
    Script,
}

/// The bytes between two words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gap {
    /// One or more spaces (or a form-encoded `+`, already a space).
    Space,
    /// A single `-`, `_` or `.` with no spaces: a slug or handle joint.
    Join(u8),
    /// `,` or `, `.
    Comma,
    /// `. ` after an initial or a title (`Dr. `).
    DotSpace,
    /// `=`, `:`, `: `, `/`, `="`, a JSON key's `":"` or `":["` (its list's first
    /// value) and similar key/value or path joints.
    Key,
    /// Anything else (or the text's edge).
    Break,
}

/// Letters of the scripts without case that names are written in, as the
/// normaliser leaves them (marks dropped, Hangul as jamo), inclusive ranges:
/// Hebrew, Arabic and its supplement, Devanagari, Bengali, Thai, Georgian,
/// Hangul jamo, Hiragana and Katakana, CJK ideographs and extension A, and
/// Hangul syllables (as written, before the normaliser).
const UNCASED: [(u32, u32); 14] = [
    (0x5D0, 0x5EA),
    (0x620, 0x64A),
    (0x66E, 0x6D3),
    (0x750, 0x77F),
    (0x904, 0x939),
    (0x985, 0x9B9),
    (0xE01, 0xE30),
    (0x10D0, 0x10FA),
    (0x1100, 0x11FF),
    (0x3041, 0x3096),
    (0x30A1, 0x30FC),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
];

/// True for a letter of [`UNCASED`].
fn uncased_letter(c: char) -> bool {
    let u = c as u32;
    UNCASED.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

/// Most letters of a word of a script without case that may name someone
/// (of CJK ideographs: [`HAN_MAX`]).
const SCRIPT_MAX: usize = 16;

/// Most CJK ideographs of a name's word (`王伟`, `欧阳娜娜`); a longer run
/// is a phrase (`高级会员计划`, a plan's name).
const HAN_MAX: usize = 4;

/// [`Shape::Script`] for a word of a script without case that is short
/// enough to name someone, else [`Shape::Other`].
fn script_shape(word: &str) -> Shape {
    let n = word.chars().count();
    let han = word.chars().any(|c| ('\u{3400}'..='\u{9FFF}').contains(&c));
    if n > SCRIPT_MAX || (han && n > HAN_MAX) {
        Shape::Other
    } else {
        Shape::Script
    }
}

/// One word: a run of ASCII letters, possibly with inner apostrophes, or
/// of one script's letters without case ([`Shape::Script`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Word {
    /// Start byte in the normalised text.
    pub(crate) s: usize,
    /// End byte (exclusive).
    pub(crate) e: usize,
    /// Letter case.
    pub(crate) shape: Shape,
    /// The gap before this word (from the previous word).
    pub(crate) gap: Gap,
    cue: u8,
}

/// Surname endings of name families whose surnames the Census list lacks
/// (`Ibragimov`, `Abilova`, `Todorovski`, `Kovalenko`, `Petrosyan`), each
/// followed by the least length a word needs to count (`nova`, `whisky`,
/// `linen` and `lesson` do not).
const SURNAME_ENDINGS: &[u8] = b"ov5 ev5 ova6 eva6 ski6 ska6 sky7 enko6 chuk6 vich6 ovic6 evic6 \
                                 shvili7 dze5 yan6 escu6 poulos7 akis6 nen7";

/// Common file extensions of media, documents and data (see
/// `Words::extension`).
const FILE_EXTENSIONS: &str = "aac avi bin csv deb doc docx flac gif go gz heic htm html ics jpeg \
    jpg json m4a md mid mkv mov mp3 mp4 ogg opus pdf png svg tar tex tgz tif tiff tsv txt wav webm \
    webp xls xlsx xml yaml zip";

/// True when `key` (a lower-case ASCII word the lexicon does not know) ends
/// like a surname of [`SURNAME_ENDINGS`].
fn surname_suffix(key: &[u8]) -> bool {
    SURNAME_ENDINGS
        .split(|&c| c == b' ')
        .any(|p| match p.split_last() {
            Some((min, end)) => key.ends_with(end) && key.len() >= usize::from(min - b'0'),
            None => false,
        })
}

/// Flag bits cached per word (the lexicon's class bits, see
/// [`gz::Lexicon`]): a Census first name.
pub(crate) const FIRST: u8 = gz::FIRST as u8;
/// An ambiguous first name (May, Will).
pub(crate) const FIRST_AMB: u8 = gz::FIRST_AMB as u8;
/// A Census surname.
pub(crate) const LAST: u8 = gz::LAST as u8;
/// A surname that is also a word (Brown).
pub(crate) const LAST_WL: u8 = gz::LAST_WL as u8;
/// A stop word.
pub(crate) const STOP: u8 = gz::STOP as u8;
/// A one-word place.
pub(crate) const PLACE: u8 = gz::PLACE as u8;
/// The first word of a multi-word place.
pub(crate) const PREFIX: u8 = gz::PREFIX as u8;
/// A place that is also a common word (Reading).
pub(crate) const PLACE_AMB: u8 = gz::PLACE_AMB as u8;
/// Set in a flags memo once the word was looked up.
const DONE: u16 = 512;
/// Memo bit: the word is a surname by its ending alone (see
/// [`SURNAME_ENDINGS`]); its flags carry [`LAST`].
pub(crate) const ENDING: u16 = 1024;
/// Set in a word's cue bits once they were looked up.
const CUE_DONE: u8 = 128;

/// Longest key looked up.
pub(crate) const KEY_MAX: usize = 40;

/// Most words tokenised per text: as many as a text at the size cap holds
/// (a word and a separator take two bytes at least), so every word of such
/// a text is read. (At 4,096, the words past the cap were only read by the
/// rescan of the redacted text, one more round.)
const MAX_WORDS: usize = super::MAX_TEXT_BYTES / 2 + 1;

/// The tokenised text.
pub(crate) struct Words<'a> {
    /// The normalised text.
    pub(crate) b: &'a [u8],
    /// Its words, in order.
    pub(crate) w: Vec<Word>,
    /// Per word, the length of the place name starting there plus one (0:
    /// not yet looked up); see [`super::places::place_len`].
    pub(crate) place: Vec<core::cell::Cell<u8>>,
    /// Per word, the place cue before it plus one (0: not yet computed);
    /// see [`super::places::place_cue`].
    pub(crate) place_cues: Vec<core::cell::Cell<u8>>,
    /// Per word, its flags ([`FIRST`]… [`PLACE_AMB`], with `DONE` once
    /// looked up); see [`Words::flags`].
    flags: Vec<core::cell::Cell<u16>>,
    /// False when the context rules are off: [`Words::cue`] is then 0.
    pub(crate) ctx: bool,
    /// The index of the word right after the last finding of two words or
    /// more of the word scan (`usize::MAX`: none yet). After a one-word
    /// finding (a given name after a cue: `by Daniele Çorlu`) a capitalised
    /// word may still be its surname: a place there joins the finding (see
    /// [`super::places::place_at`]).
    pub(crate) hit_end: usize,
    /// Which bytes came from letters outside ASCII (see
    /// [`Words::accented`]).
    pub(crate) marks: super::norm::Marks<'a>,
}

/// The shape of a word of `up` upper- and `low` lower-case letters. An
/// apostrophe after the first letter is skipped: `O'Brien`, `D'Angelo` and
/// `K'atsadze` (a transliterated ejective) are title case, like `McDonald`;
/// a contraction (`I'm`, `Don't`, `We'll`) is not.
fn shape(s: &[u8], up: usize, low: usize) -> Shape {
    let first_up = s.first().is_some_and(u8::is_ascii_uppercase);
    if first_up && contraction(s) {
        return Shape::Other;
    }
    let second = match s.get(1) {
        Some(b'\'') => s.get(2).filter(|c| c.is_ascii_alphabetic()),
        c => c.filter(|c| c.is_ascii_lowercase()),
    };
    if up + low == 1 && first_up {
        Shape::Initial
    } else if low == 0 {
        Shape::Upper
    } else if up == 0 {
        Shape::Lower
    } else if first_up && second.is_some() {
        Shape::Title
    } else {
        Shape::Other
    }
}

/// True when `s` ends in an English contraction: `'m`, `'d`, `'ll`, `'ve`,
/// `'re` or `n't` (a possessive `'s` is cut off before).
fn contraction(s: &[u8]) -> bool {
    let Some(q) = s.iter().rposition(|&c| c == b'\'') else {
        return false;
    };
    let tail = s.get(q + 1..).unwrap_or_default();
    let n_t = q > 0
        && s.get(q - 1).is_some_and(|c| c.eq_ignore_ascii_case(&b'n'))
        && tail.eq_ignore_ascii_case(b"t");
    n_t || [&b"m"[..], b"d", b"ll", b"ve", b"re"]
        .iter()
        .any(|x| tail.eq_ignore_ascii_case(x))
}

fn gap(g: &[u8]) -> Gap {
    match g {
        [] => Gap::Break,
        [b'-' | b'_' | b'.'] => Gap::Join(g[0]),
        [b','] | [b',', b' '] => Gap::Comma,
        [b'.', b' '] => Gap::DotSpace,
        [b'=' | b':' | b'/']
        | [b':', b' ']
        | [b'=', b'"' | b'\'']
        | [b':', b' ', b'"']
        | [b'"', b':', b'"']
        | [b'"', b':', b' ', b'"']
        | [b'"', b':', b'[', b'"']
        | [b'"', b':', b' ', b'[', b'"']
        // `class location → Hajin`: an arrow between a label and its value.
        | [b' ', 0xE2, 0x86, 0x92, b' '] => Gap::Key,
        _ if g.len() <= 3 && g.iter().all(|&c| c == b' ' || c == b'\t') => Gap::Space,
        _ => Gap::Break,
    }
}

/// The class bits that `key`, in no list, takes from its singular: a
/// plural of a stop word (`Facilitators`, `Endpoints`) is a stop word, no
/// name part either, and a plural of a role noun (`landlords`, `donors`) a
/// role noun.
fn plural_class(key: &[u8]) -> u16 {
    if key.len() < 5 || key.last() != Some(&b's') {
        return 0;
    }
    let c = key
        .get(..key.len() - 1)
        .and_then(gz::Key::new)
        .map_or(0, |k| gz::lexicon().class(&k));
    c & (gz::STOP | gz::ROLE)
}

/// The lexicon class bits of a lower-case `key` as a word's (see
/// `Words::class`): its own, or its singular's stop or role bits; a stop
/// word's name bits dropped; a surname by its ending alone (`ENDING`).
pub(crate) fn key_class(key: &[u8]) -> u16 {
    let mut c = gz::Key::new(key).map_or(0, |k| gz::lexicon().class(&k));
    if c == 0 {
        c = plural_class(key);
    }
    if c & gz::STOP != 0 {
        c &= !(gz::FIRST | gz::FIRST_AMB | gz::LAST | gz::LAST_WL);
    } else if c == 0 && surname_suffix(key) {
        c = gz::LAST | ENDING;
    }
    c
}

impl<'a> Words<'a> {
    /// Tokenises normalised text.
    pub(crate) fn new(t: &'a str) -> Words<'a> {
        let b = t.as_bytes();
        let mut w = Vec::with_capacity(b.len() / 5 + 4);
        let mut i = 0;
        let mut prev_end = 0;
        while i < b.len() && w.len() < MAX_WORDS {
            if CLASS[b[i] as usize] & (UPPER | LOWER) == 0 {
                // A run of letters of a script without case is a word.
                let s = i;
                let script = |i: usize| {
                    t.get(i..)
                        .and_then(|r| r.chars().next())
                        .filter(|&c| uncased_letter(c))
                };
                while let Some(c) = b
                    .get(i)
                    .is_some_and(|&x| x >= 0xC0)
                    .then(|| script(i))
                    .flatten()
                {
                    i += c.len_utf8();
                }
                if i > s {
                    let g = if w.is_empty() {
                        Gap::Break
                    } else {
                        gap(&b[prev_end..s])
                    };
                    w.push(Word {
                        s,
                        e: i,
                        shape: script_shape(t.get(s..i).unwrap_or_default()),
                        gap: g,
                        cue: 0,
                    });
                    prev_end = i;
                } else {
                    i += 1;
                }
                continue;
            }
            let s = i;
            let (mut up, mut low) = (0usize, 0usize);
            while i < b.len() {
                let k = CLASS[b[i] as usize];
                if k & UPPER != 0 {
                    up += 1;
                } else if k & LOWER != 0 {
                    low += 1;
                } else if !(b[i] == b'\''
                    && i > s
                    && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic))
                {
                    break;
                }
                i += 1;
            }
            // A possessive `'s` is not part of the word (Wright's -> Wright).
            if i >= s + 3 && b[i - 1] == b's' && b[i - 2] == b'\'' {
                i -= 2;
                low = low.saturating_sub(1);
            }
            // Letters glued to digits (`abc123`, `2fa`) are not words.
            let glued =
                (s > 0 && b[s - 1].is_ascii_digit()) || b.get(i).is_some_and(u8::is_ascii_digit);
            let g = if w.is_empty() || glued {
                Gap::Break
            } else {
                gap(&b[prev_end..s])
            };
            let sh = if glued {
                Shape::Other
            } else {
                shape(&b[s..i], up, low)
            };
            w.push(Word {
                s,
                e: i,
                shape: sh,
                gap: g,
                cue: 0,
            });
            prev_end = i;
        }
        let place = vec![core::cell::Cell::new(0); w.len()];
        let place_cues = vec![core::cell::Cell::new(0); w.len()];
        let flags = vec![core::cell::Cell::new(0); w.len()];
        Words {
            b,
            w,
            place,
            place_cues,
            flags,
            ctx: true,
            hit_end: usize::MAX,
            marks: super::norm::Marks::default(),
        }
    }

    /// The word's lowercase key (apostrophes dropped), or `None` when too long.
    pub(crate) fn key(&self, i: usize, buf: &mut [u8; KEY_MAX]) -> Option<usize> {
        let w = self.w.get(i)?;
        let mut n = 0;
        for &c in self.b.get(w.s..w.e)? {
            if c == b'\'' {
                continue;
            }
            *buf.get_mut(n)? = c.to_ascii_lowercase();
            n += 1;
        }
        Some(n)
    }

    /// Gazetteer flags of word `i` (computed on first use): one lexicon
    /// lookup answers every list. A stop word is no name.
    pub(crate) fn flags(&self, i: usize) -> u8 {
        (self.class(i) & 0xFF) as u8
    }

    /// True when word `i` is a surname only by its ending (see
    /// [`SURNAME_ENDINGS`]): no list knows it.
    pub(crate) fn surname_ending(&self, i: usize) -> bool {
        self.class(i) & ENDING != 0
    }

    /// True when word `i` is a role noun (`landlord`, `tutor`; the
    /// lexicon's [`gz::ROLE`] bit): a cue for the name after it.
    pub(crate) fn role(&self, i: usize) -> bool {
        self.class(i) & gz::ROLE != 0
    }

    /// True when words `i` and `j` read as a personal name together by
    /// their letters (see [`super::namelike::pair_namelike`]).
    pub(crate) fn namelike_pair(&self, i: usize, j: usize, context: Context) -> bool {
        self.pair_bytes(i, j)
            .is_some_and(|(a, b)| super::namelike::pair_namelike(a, b, context))
    }

    /// True when word `j`, after a known given name, reads as its surname
    /// by its letters (see [`super::namelike::surname_namelike`]).
    pub(crate) fn surname_namelike(&self, j: usize, context: Context) -> bool {
        self.w
            .get(j)
            .and_then(|x| self.b.get(x.s..x.e))
            .is_some_and(|b| super::namelike::surname_namelike(b, context))
    }

    /// True when words `i` and `j` read as English by their letters (see
    /// [`super::namelike::pair_english`]).
    pub(crate) fn pair_english(&self, i: usize, j: usize) -> bool {
        self.pair_bytes(i, j)
            .is_some_and(|(a, b)| super::namelike::pair_english(a, b))
    }

    /// The bytes of words `i` and `j`, when both exist.
    fn pair_bytes(&self, i: usize, j: usize) -> Option<(&'a [u8], &'a [u8])> {
        let word = |k: usize| self.w.get(k).and_then(|w| self.b.get(w.s..w.e));
        word(i).zip(word(j))
    }

    /// True when word `k` ends a value: the next word starts at a key's
    /// joint, or none follows (the text's edge or a break).
    pub(crate) fn value_end(&self, k: usize) -> bool {
        self.w
            .get(k + 1)
            .is_none_or(|z| matches!(z.gap, Gap::Key | Gap::Break))
    }

    /// True when word `k` follows word `k - 1` after a single `/`
    /// (`SMITH/JOHN`, a ticket's `Last/First`).
    pub(crate) fn slashed(&self, k: usize) -> bool {
        k > 0
            && self
                .w
                .get(k)
                .is_some_and(|y| self.b.get(self.w[k - 1].e..y.s) == Some(b"/".as_slice()))
    }

    /// The name-likeness of word `i` by its letters (see
    /// [`super::namelike::score`]), or `None` when it has too few or too
    /// many letters.
    pub(crate) fn namelike_word(&self, i: usize) -> Option<i32> {
        let x = self.w.get(i)?;
        super::namelike::score(self.b.get(x.s..x.e)?)
    }

    /// True when word `i` was written with a letter outside ASCII
    /// (`Pérgamos`, `Ţubas`, `Galkynyş`, which the normaliser folds; see
    /// [`super::norm::Marks`]), which English words and most brands are
    /// not.
    pub(crate) fn accented(&self, i: usize) -> bool {
        self.w.get(i).is_some_and(|x| self.marks.any(x.s, x.e))
    }

    /// The lexicon class bits of word `i`, memoised; a stop word's name
    /// bits are dropped.
    fn class(&self, i: usize) -> u16 {
        let Some(memo) = self.flags.get(i) else {
            return 0;
        };
        let m = memo.get();
        if m & DONE != 0 {
            return m & !DONE;
        }
        let mut buf = [0u8; KEY_MAX];
        let mut c = 0;
        if let Some(n) = self.key(i, &mut buf) {
            let key = buf.get(..n).unwrap_or(&[]);
            c = if self.extension(i, key) {
                gz::STOP
            } else {
                key_class(key)
            };
        }
        memo.set(DONE | c);
        c
    }

    /// True when word `i` (lower case, `key`) is the extension of a file
    /// name in a path (`clip.ogg`, `scan.tiff`: after a `.`, before the
    /// end, `/`, `?`, `#` or `&`) and one of [`FILE_EXTENSIONS`]: no name
    /// part, though `Ogg` and `Tiff` are names (`li.wei` stays a slug).
    fn extension(&self, i: usize, key: &[u8]) -> bool {
        self.w.get(i).is_some_and(|w| {
            w.shape == Shape::Lower
                && w.s > 0
                && self.b.get(w.s - 1) == Some(&b'.')
                && matches!(self.b.get(w.e), None | Some(b'/' | b'?' | b'#' | b'&'))
                && is_among(key, FILE_EXTENSIONS)
        })
    }

    /// Cue bits of word `i` (see [`Words::cue_uncached`]), cached.
    pub(crate) fn cue(&mut self, i: usize) -> u8 {
        let Some(w) = self.w.get(i) else {
            return 0;
        };
        if w.cue & CUE_DONE != 0 {
            return w.cue & !CUE_DONE;
        }
        let c = self.cue_uncached(i);
        if let Some(w) = self.w.get_mut(i) {
            w.cue = c | CUE_DONE;
        }
        c
    }

    /// Cue bits of word `i` (see [`cue_bits`]); 0 when the context rules
    /// are off. For callers that cannot cache (`hit`).
    pub(crate) fn cue_uncached(&self, i: usize) -> u8 {
        let Some(w) = self.w.get(i).filter(|_| self.ctx) else {
            return 0;
        };
        // Hex letters right after a digit end an id (`…-6500ac73a2cc/`), no
        // cue; other words keep theirs (`9patient: …` is no way to hide a name).
        let in_id = w.s > 0
            && self.b.get(w.s - 1).is_some_and(u8::is_ascii_digit)
            && self
                .b
                .get(w.s..w.e)
                .is_some_and(|s| s.iter().all(u8::is_ascii_hexdigit));
        let mut c = 0;
        if w.e - w.s <= 14 && !in_id {
            c = bits_of(self.b.get(w.s..w.e).unwrap_or_default());
        }
        // A camelCase key is read by its last hump (`firstName:`,
        // `customerName=`, `approvedBy`): its person and place bits, as
        // `first_name` is read by `name`.
        if c == 0 {
            if let Some(h) = self.hump(i) {
                c = bits_of(h) & (STRONG | WEAK | LOC | PLACE_KIND);
            }
        }
        if c == 0 && self.role_name_part(i) {
            c = STRONG;
        }
        c
    }

    /// True when word `i` is a key naming part of a person's name after a
    /// person's word (`patient_last=`, `guest-first:`, `"memberSurname":`):
    /// read as `last_name` is, by its [`NAME_PARTS`] word and the strong cue
    /// joined before it.
    fn role_name_part(&self, i: usize) -> bool {
        let (Some(x), Some(n)) = (self.w.get(i), self.w.get(i + 1)) else {
            return false;
        };
        if n.gap != Gap::Key {
            return false;
        }
        if let Some((head, h)) = self.hump_split(i) {
            return is_among(h, NAME_PARTS) && bits_of(head) & STRONG != 0;
        }
        let b: &[u8] = self.b;
        let whole = b.get(x.s..x.e).unwrap_or_default();
        matches!(x.gap, Gap::Join(b'_' | b'-' | b'.'))
            && is_among(whole, NAME_PARTS)
            && i > 0
            && self
                .w
                .get(i - 1)
                .and_then(|p| b.get(p.s..p.e))
                .is_some_and(|p| bits_of(p) & STRONG != 0)
    }

    /// The last hump of word `i` when it is a camelCase key (`Name` of
    /// `firstName:`, `By` of `"approvedBy":`): a lower-case letter before
    /// the hump's capital, a [`Gap::Key`] after the word, and no digit
    /// glued to it.
    pub(crate) fn hump(&self, i: usize) -> Option<&'a [u8]> {
        let x = self.w.get(i)?;
        if !matches!(x.shape, Shape::Other | Shape::Title)
            || self.w.get(i + 1).is_none_or(|n| n.gap != Gap::Key)
        {
            return None;
        }
        let b: &'a [u8] = self.b;
        let s = b.get(x.s..x.e)?;
        let p = s.windows(2).rposition(
            |p| matches!(p, [a, b] if a.is_ascii_lowercase() && b.is_ascii_uppercase()),
        )?;
        s.get(p + 1..)
            .filter(|h| h.len() >= 2 && h.iter().skip(1).all(u8::is_ascii_lowercase))
    }

    /// Word `i` split at its last camelCase hump (see [`Words::hump`]): the
    /// part before it and the hump (`patient` and `Last` of `patientLast:`).
    pub(crate) fn hump_split(&self, i: usize) -> Option<(&'a [u8], &'a [u8])> {
        let h = self.hump(i)?;
        let x = self.w.get(i)?;
        let b: &'a [u8] = self.b;
        let whole = b.get(x.s..x.e)?;
        Some((whole.get(..whole.len() - h.len())?, h))
    }

    /// True when word `k` is the first key of a JSON object that is the
    /// value of word `k - 1`'s key, or the first of a list of them
    /// (`{"route":{"from":`, `{"name":[{"family":`, spaces allowed).
    pub(crate) fn nested_key(&self, k: usize) -> bool {
        let (Some(p), Some(x)) = (k.checked_sub(1).and_then(|j| self.w.get(j)), self.w.get(k))
        else {
            return false;
        };
        let gap = self.b.get(p.e..x.s).unwrap_or_default();
        let g = gap.iter().copied().filter(|&c| c != b' ');
        x.gap == Gap::Break && (g.clone().eq(*br#"":{""#) || g.eq(*br#"":[{""#))
    }

    /// What word `i`, a `name` key, names (`place` of `placeName:`, `city`
    /// of `city_name=`, `merchant` of `{"merchant":{"name":`): the part
    /// before a camelCase key's `Name` hump, or the word joined before a
    /// `name` key or whose object it opens; a [`Gap::Key`] after it.
    pub(crate) fn name_key_head(&self, i: usize) -> Option<&'a [u8]> {
        if self.w.get(i + 1).is_none_or(|y| y.gap != Gap::Key) {
            return None;
        }
        let b: &'a [u8] = self.b;
        if let Some((head, h)) = self.hump_split(i) {
            return h.eq_ignore_ascii_case(b"name").then_some(head);
        }
        let x = self.w.get(i)?;
        let p = self.w.get(i.checked_sub(1)?)?;
        (self.is(i, "name")
            && (matches!(x.gap, Gap::Join(b'_' | b'-' | b'.')) || self.nested_key(i)))
        .then(|| b.get(p.s..p.e))
        .flatten()
    }

    /// True when word `i` lowercased is one of the space-separated words
    /// of `list` (see [`is_among`]).
    pub(crate) fn is(&self, i: usize, list: &str) -> bool {
        self.w
            .get(i)
            .and_then(|w| self.b.get(w.s..w.e))
            .is_some_and(|s| is_among(s, list))
    }

    /// True when word `i` starts right after a `/`: a path's segment
    /// (`/weather/Kampot`, the `o` of `c/o`).
    pub(crate) fn after_slash(&self, i: usize) -> bool {
        self.w
            .get(i)
            .is_some_and(|x| x.s > 0 && self.b.get(x.s - 1) == Some(&b'/'))
    }

    /// True when words `i - 1` and `i` each follow a space and word `i - 1`
    /// is one of `list` (see [`Words::is`]): `in Kampot`, `around Kampot`.
    pub(crate) fn spaced_after(&self, i: usize, list: &str) -> bool {
        i > 0
            && self.w.get(i).is_some_and(|x| x.gap == Gap::Space)
            && self.w.get(i - 1).is_some_and(|x| x.gap == Gap::Space)
            && self.is(i - 1, list)
    }

    /// True when word `i` is lower case and a space comes before it.
    pub(crate) fn spaced_lower(&self, i: usize) -> bool {
        self.w
            .get(i)
            .is_some_and(|y| y.gap == Gap::Space && y.shape == Shape::Lower)
    }

    /// True when word `i` is a lower-case patronymic's word after a space
    /// ([`PATRONYMICS`]: `uly` in `Bayshy Muqan uly`): part of the name
    /// before it, in [`hit`] and in the head-noun check after a name.
    pub(crate) fn patronymic(&self, i: usize) -> bool {
        self.spaced_lower(i) && self.is(i, PATRONYMICS)
    }

    /// True when word `i` is the prefix of an id: an all-caps word that a
    /// hyphen and a digit follow (`ORD-3263303`). A Title-case word before
    /// them stays a name part (`John Smith-2`: no way to hide a name).
    pub(crate) fn id_prefix(&self, i: usize) -> bool {
        self.w.get(i).is_some_and(|x| {
            x.shape == Shape::Upper
                && self.b.get(x.e) == Some(&b'-')
                && self.b.get(x.e + 1).is_some_and(u8::is_ascii_digit)
        })
    }

    /// True when a capital letter alone, a surname's initial, follows word
    /// `i` after a space and ends the clause (the text ends, or `'s`, `;`,
    /// `,` or `)` follows; not `.`: `Anna B. Smith`).
    pub(crate) fn initial_after(&self, i: usize) -> bool {
        self.w.get(i + 1).is_some_and(|y| {
            y.gap == Gap::Space
                && y.shape == Shape::Initial
                && y.e == y.s + 1
                && matches!(self.after(i + 1), 0 | b'\'' | b';' | b',' | b')')
        })
    }

    /// The byte right after word `i` (0 at the end).
    pub(crate) fn after(&self, i: usize) -> u8 {
        self.w
            .get(i)
            .and_then(|w| self.b.get(w.e))
            .copied()
            .unwrap_or(0)
    }

    /// The first byte after word `i` that is not a space (0 at the end).
    pub(crate) fn next_mark(&self, i: usize) -> u8 {
        let end = self.w.get(i).map_or(0, |w| w.e);
        let rest = self.b.get(end..).unwrap_or_default();
        rest.iter().find(|&&c| c != b' ').copied().unwrap_or(0)
    }
}

/// Cue bits of a word's letters (any case; apostrophes dropped, as in
/// [`Words::key`]).
fn bits_of(s: &[u8]) -> u8 {
    let mut buf = [0u8; KEY_MAX];
    let mut n = 0;
    for &c in s.iter().filter(|&&c| c != b'\'') {
        let Some(d) = buf.get_mut(n) else {
            return 0;
        };
        *d = c.to_ascii_lowercase();
        n += 1;
    }
    cue_bits(buf.get(..n).unwrap_or_default())
}

/// True when `word` has `min` letters or more and ends in an `s` that
/// reads as a plural's or a verb's (`pins`, `covers`), not `ss`, `us` or
/// `is` (`glass`, `bonus`, `basis`).
pub(crate) fn s_ending(word: &[u8], min: usize) -> bool {
    word.len() >= min
        && word.ends_with(b"s")
        && !matches!(word.get(word.len() - 2), Some(b's' | b'u' | b'i'))
}

/// A capitalised word shape (`John`, `JOHN`).
pub(crate) fn capital(s: Shape) -> bool {
    matches!(s, Shape::Title | Shape::Upper)
}

/// Words of a key that name part of a person's name after a person's word
/// (see [`Words::role_name_part`]).
const NAME_PARTS: &str = "last first given family middle surname forename lastname firstname";

/// Name particles (lower-case keys) that join a given name to a surname:
/// `van der`, `de la`, `de los`, the Filipino `Delos` and `Dela`, `von`,
/// `Mac`, `Mc`, `O` (`Ó` folds to it), `Ni`, and the Malay and Arabic `son
/// of` and `daughter of` (`bin`, `binti`, `ibn`). No name ends with one
/// (see [`hit`]).
pub(crate) const PARTICLES: &str =
    "van von der den de del della di da du la le ter ten mac mc giolla o ni \
                                    nic dos das los las delos dela bin binti binte bint ibn";

/// A booking's titles, after an airline's `LAST/FIRST` passenger name
/// (`SMITH/JOHN MR`; see [`hit`] and `names::booked_name`).
pub(crate) const BOOKING_TITLES: &str = "mr mrs ms miss mstr dr";

/// The `son of` and `daughter of` words that end Turkic patronymic names
/// (Kazakh `uly`, `qyzy`; Kyrgyz `uulu`, `kyzy`; Azerbaijani `oglu`, `qizi`;
/// Uzbek `ugli`): part of the name before them (see [`hit`]), and no head
/// noun of it (see [`Words::patronymic`]).
const PATRONYMICS: &str = "uly ulu uulu qyzy kyzy oglu ogly ugli qizi gizi";

/// A hit of entity `e` spanning words `a..=b`. A person's name takes the
/// Title-case words hyphenated to its last one (`Kwame Mensah-Bonsu`,
/// `Ana García-López`): a double surname is one name, and its second half
/// would be left in the clear; and a one-word name the initial of its
/// surname, when that ends the clause (`Anna B`, `landlord Zhana I`; see
/// [`Words::initial_after`]).
pub(crate) fn hit(
    w: &Words<'_>,
    mut a: usize,
    mut b: usize,
    e: EntityType,
    score: u16,
) -> Option<Hit> {
    if e == EntityType::Person {
        // `by Director Anna Berg`, `Manager Kofi Boateng`: a capitalised
        // role noun that is no given name opens a name as its title, no
        // part of it.
        if a < b
            && w.w.get(a).is_some_and(|x| x.shape == Shape::Title)
            && w.w.get(a + 1).is_some_and(|y| y.gap == Gap::Space)
            && w.flags(a) & FIRST == 0
            && (w.role(a) || w.cue_uncached(a) & (STRONG | TITLE) == STRONG)
        {
            a += 1;
        }
        // A strong key's value (`customer: …`, `{"name":"…"}`).
        let keyed = a > 0
            && w.w.get(a).is_some_and(|x| x.gap == Gap::Key)
            && w.cue_uncached(a - 1) & STRONG != 0;
        let value_end = |k: usize| w.value_end(k);
        // A double surname's second half: `Anna Smith-Jones`, in capitals
        // `KWAME MENSAH-BONSU`; in a lower-case slug a listed surname
        // (`sophie-dubois-martin`, not `maria-garcia-interview`), or, in a
        // strong key's value, a last part that is no stop word
        // (`/customers/kwame-mensah-bonsu/`, the segment a person's).
        //
        // A lower-case slug's particle joins with the part after it
        // (`kiki-o-danachair`, `leda-van-rooyen`), and in a strong key's
        // value a dot joins as a hyphen does (`sten.o-hearchaidh`,
        // `/students/san-martin.candela`).
        let particle = |k: usize| {
            w.is(k, PARTICLES)
                && w.w.get(k + 1).is_some_and(|z| {
                    z.gap == Gap::Join(b'-')
                        && z.shape == Shape::Lower
                        && w.flags(k + 1) & STOP == 0
                })
        };
        while w.w.get(b + 1).is_some_and(|y| {
            let dot = keyed && y.gap == Gap::Join(b'.') && y.shape == Shape::Lower;
            (y.gap == Gap::Join(b'-') || dot)
                && match w.w.get(b).map(|x| x.shape) {
                    Some(Shape::Upper) => y.shape == Shape::Upper,
                    Some(Shape::Lower) => {
                        let f = w.flags(b + 1);
                        y.shape == Shape::Lower
                            && (f & (LAST | LAST_WL | STOP) == LAST
                                || (keyed && value_end(b + 1) && f & STOP == 0)
                                || particle(b + 1)
                                || (f & STOP == 0 && w.is(b, PARTICLES)))
                    }
                    _ => y.shape == Shape::Title,
                }
        }) {
            b += 1;
        }
        // ... and a slug that the name's particle opens takes the given
        // name before it (`perman-de-la-torre`, `arnas_de-jesus`).
        if a > 0
            && w.w
                .get(a)
                .is_some_and(|x| x.shape == Shape::Lower && matches!(x.gap, Gap::Join(b'-' | b'_')))
            && w.is(a, PARTICLES)
            && w.w.get(a - 1).is_some_and(|p| {
                p.shape == Shape::Lower && p.e - p.s >= 2 && !matches!(p.gap, Gap::Join(_))
            })
            && w.flags(a - 1) & STOP == 0
        {
            a -= 1;
        }
        if a == b && w.initial_after(b) {
            b += 1;
        }
        // No name ends with a particle: the surname after it is part of the
        // name (`Alketa Delos Santos`, where `Santos` is also a town;
        // `JUAN DE LA CRUZ`), and none with Arabic's article in Title case
        // (`Ahmed Al Mansouri` was `Ahmed Al`; lower case, `al` and `el`
        // join places' names too: `Deir el Asad`), nor with `Abu` (`Lubna
        // Abu Zaid`).
        while a < b
            && w.w
                .get(b)
                .is_some_and(|x| matches!(x.shape, Shape::Title | Shape::Upper))
            && (w.is(b, PARTICLES) || w.is(b, "al el abu"))
            && w.w.get(b + 1).is_some_and(|y| {
                y.gap == Gap::Space
                    && (y.shape == Shape::Title
                        || (y.shape == Shape::Upper && w.w[b].shape == Shape::Upper))
            })
            && w.flags(b + 1) & STOP == 0
        {
            b += 1;
        }
        // A second surname after a pair, as Spanish and Portuguese names
        // have (`Maria Garcia Lopez`, `anne-marie dubois`): a listed
        // surname that is no word, given name or place, in the pair's case;
        // in a strong key's value, any capitalised word of that case that
        // ends it and is no title and no stop word longer than two letters
        // (`name: Nguyen Thi Mai`, `Nguyen Van An`; not `customer: Kofi
        // Boateng Team` nor `passenger: SMITH/JOHN MR`).
        if a < b
            && w.w.get(b + 1).is_some_and(|y| {
                y.gap == Gap::Space
                    && y.e - y.s >= 2
                    && matches!(y.shape, Shape::Title | Shape::Upper | Shape::Lower)
                    && w.w.get(b).is_some_and(|x| x.shape == y.shape)
            })
            && ((w.flags(b + 1) & (LAST | LAST_WL | STOP | FIRST | FIRST_AMB | PLACE | PLACE_AMB)
                == LAST
                && w.cue_uncached(b + 1) == 0)
                || (keyed
                    && value_end(b + 1)
                    && w.w[b + 1].shape != Shape::Lower
                    && (w.flags(b + 1) & STOP == 0 || w.w[b + 1].e - w.w[b + 1].s <= 2)
                    && w.cue_uncached(b + 1) & TITLE == 0))
        {
            b += 1;
        }
        // `customer: de la Cruz, Juan`, `{"name":"Garcia Lopez, Maria"}`,
        // `?passenger=SMITH/JOHN` (an airline's `LAST/FIRST`): a strong
        // key's value of surnames, a comma or a slash and a given name that
        // ends the value (a known one, or a word of three letters or more
        // that is no word, place or cue: `customer: Mac Domhnaill,
        // Cathriona`, `Mac Íoság, Bartley`) is the name whole. A booking's
        // title may follow the slash form (`MR`).
        let given = |k: usize| {
            let f = w.flags(k);
            f & (FIRST | FIRST_AMB | STOP) == FIRST
                || (f & (FIRST_AMB | LAST_WL | STOP | PLACE | PLACE_AMB) == 0
                    && w.cue_uncached(k) == 0
                    && w.w[k].e - w.w[k].s >= 3)
        };
        let slashed = |k: usize| {
            w.slashed(k)
                && w.w[k].shape == w.w[k - 1].shape
                && (value_end(k) || (w.is(k + 1, BOOKING_TITLES) && value_end(k + 1)))
        };
        if keyed
            && !w.w[a + 1..=b].iter().any(|y| y.gap == Gap::Comma)
            && w.w.get(b + 1).is_some_and(|y| {
                matches!(y.shape, Shape::Title | Shape::Upper)
                    && (y.gap == Gap::Comma && value_end(b + 1) || slashed(b + 1))
            })
            && given(b + 1)
        {
            b += 1;
        }
        // `Bayshy Muqan uly`, `Ali Mammadov oglu`: a Turkic patronymic's
        // `son of` or `daughter of` after it is part of the name.
        if w.patronymic(b + 1) {
            b += 1;
        }
    }
    let (s, t) = (w.w.get(a)?.s, w.w.get(b)?.e);
    Some(Hit::new(e, s, t, score))
}
