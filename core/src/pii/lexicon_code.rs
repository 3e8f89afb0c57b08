//! The lexicon's two forms and the code between them, shared by
//! `core/build.rs` (which includes this file as a module of its own) and the
//! core, so both sides run the same model and write the same layout.
//!
//! - **The packed layout** the lookups (`Lexicon` in
//!   `src/pii/gazetteer.rs`) read, stated and written at [`pack`]:
//!   front-coded blocks of [`BLOCK`] entries a length at five bits a
//!   character.
//! - **The compressed stream** the component carries instead: every entry
//!   in packed order as the length of the prefix it shares with the entry
//!   before it (of its length), the characters after that prefix and its
//!   class index, each coded by an adaptive binary range coder (LZMA's, with
//!   11-bit probabilities) under a small context model: the shared length by
//!   the entry's length, a character by the two before it (the first one
//!   after the shared prefix by the character the entry before has there and
//!   the one before it), the class by the entry's length. The build encodes
//!   ([`walk`] over an [`Encoder`], run by `core/build.rs`); the core decodes with
//!   [`walk`] over a [`Decoder`] on first use and packs the result, and a
//!   test checks the bytes are the build's packed ones.
//!
//! Measured on the 86,420 entries of 2026-12-07: 287,288 bytes packed,
//! 181,681 compressed (a prototype's estimate with probabilities moving by
//! a shift of 5 instead of [`ADAPT`]'s 4 was 187,000); with the 97,068 of
//! the same day's larger town list, 340,978 and 217,074.

/// Entries a lexicon block holds: its head stored whole, the others front
/// coded. Measured on the 37,620-entry lexicon of 2026-12-01 (5-bit class
/// symbols; bytes of `lexicon.bin`; native lookup of every entry, best of
/// 15, on the shared 2-core machine): fixed-width records 195,705
/// bytes, ~55 ns; blocks of 4: 163,562, ~63 ns; 8: 142,922, ~66 ns (~69 ns
/// with the index and one read an entry; the worst, a key after the last
/// entry of a block, ~83 ns); 16: 132,610, ~82 ns, and the `rio`
/// worst case (`Rio de ` repeated: both words near a block's end) went
/// from 0.61 to 1.0 ms. With 8 the slowest case stays as before (~0.75 ms)
/// but `rio` and `newyork` take ~0.1 ms more (0.57 -> 0.67-0.72 and 0.44 ->
/// 0.53-0.57 ms, A/B on the same load); 4 measured the same there, so that
/// cost is the head and block setup, not the block scan. On the 68,003-entry
/// lexicon of 2026-12-05 (6-bit classes, short class codes, the
/// first-character index), 16 against 8: 229,941 bytes against 250,773
/// (12: 236,879), the component 20.8 KB smaller; the scan of `make pii-eval`'s
/// dev triples 3.63 against 3.58 µs at the median (p95 7.30 against 7.13,
/// three interleaved rounds), and every `pii_worst` case within the noise
/// of two interleaved runs (`rio` 1.26 against 1.23 ms, the slowest,
/// `CapsNo`, 1.55 against 1.69). A body's shared lengths then take more than
/// one 64-bit read past 9 entries of 33+ characters, so the lookup reads
/// them 57 bits at a time.
pub(super) const BLOCK: usize = 32;

/// Bits of an entry's class symbol: up to 64 classes.
pub(super) const CLASS_BITS: u32 = 6;

/// Bits of a block body entry's short class code: codes `0..7` name the seven classes most
/// frequent in bodies (a first name only, a surname only, a place only…:
/// 97 % of the 59,031 body entries of 2026-12-03), code 7 says the entry's [`CLASS_BITS`]-bit symbol
/// is among the body's escapes. The stop words' class always has a short
/// code: stop words are the entries a scan looks up most. Measured on the
/// 60,661-entry lexicon of 2026-12-02: 247,599 bytes with every body
/// entry's full symbol, 221,925 with a canonical prefix code (Huffman) for
/// it, 228,821 with these codes. The prefix code was dropped for its lookup
/// cost: every code before a hit had to be decoded (`Lexicon::class` took
/// twice the instructions on the `cue-name-x` worst case, which went from
/// 0.85 to 1.02 ms); with these codes a body costs one more read (its
/// codes, and how many are escapes) and a hit none.
pub(super) const COMMON_BITS: u32 = 3;

/// Bits of a shared-prefix length in a `k`-character bucket (lengths
/// `0..k`; none for `k = 1`).
pub(super) fn lcp_bits(k: usize) -> u32 {
    usize::BITS - k.saturating_sub(1).leading_zeros()
}

/// Appends bits most significant first; [`Bits::bytes`] pads the last byte
/// with zeros.
#[derive(Default)]
pub(super) struct Bits {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl Bits {
    /// Appends the low `bits` bits of `value` (at most 8 bits at a time).
    pub(super) fn put(&mut self, value: u32, bits: u32) {
        debug_assert!(bits <= 8 && value < 1 << bits);
        self.acc = (self.acc << bits) | value;
        self.n += bits;
        while self.n >= 8 {
            self.n -= 8;
            self.out.push((self.acc >> self.n) as u8);
            self.acc &= (1 << self.n) - 1;
        }
    }

    /// The bytes written, the last one padded.
    pub(super) fn bytes(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push((self.acc << (8 - self.n)) as u8);
        }
        self.out
    }
}

/// The packed layout of the entries, which `Lexicon::class` in
/// `src/pii/gazetteer.rs` reads: `counts[k - 1]` entries of `k` characters,
/// shortest first, sorted; `codes` their characters (codes `1..=30`, the
/// gazetteer alphabet's) one after the other, `class` each one's class
/// index, `common` the class indices with a short code.
///
/// Per length `k` (shortest first), the entries in blocks of [`BLOCK`]:
/// - the heads: for each block, its first entry as a fixed-width record
///   (`ceil((5k + 6) / 8)` bytes: the characters, five bits each, then the
///   [`CLASS_BITS`]-bit class symbol, most significant bits first), then the
///   byte offset of the block's body from the start of this length's bodies
///   (2 bytes, big-endian);
/// - the bodies: for each block, starting on a byte, for each of its other
///   entries in order the length of the prefix it shares with the entry
///   before it ([`lcp_bits`] bits each, all together first, so a lookup reads
///   up to 57 bits of them at once), then their short class codes
///   ([`COMMON_BITS`] bits each, all together, two 57-bit reads), then the
///   class symbols of the entries whose short code is the escape, in order,
///   then each entry as the characters after its shared prefix (five bits
///   each; the count is `k` minus the prefix).
///
/// Returns the bytes; `at`, where `at[k - 1]` is `[heads start, bodies
/// start, entries]` of length `k` (its bodies end where length `k + 1`'s
/// heads start); and `first`, where `first[31 (k - 1) + c]` counts the heads
/// of length `k` whose first character's code is below `c` (so a key
/// starting with code `c` is in a block from `first[.. + c] - 1` to
/// `first[.. + c + 1] - 1`, for `c` in 1..=30).
pub(super) fn pack(
    counts: &[u32],
    codes: &[u8],
    class: &[u8],
    common: &[u8],
) -> (Vec<u8>, Vec<[u32; 3]>, Vec<u16>) {
    let escape = (1u32 << COMMON_BITS) - 1;
    let (mut bytes, mut at, mut first) = (Vec::new(), Vec::new(), Vec::new());
    let (mut c0, mut i0) = (0usize, 0usize);
    for (k, &count) in (1..).zip(counts) {
        let count = count as usize;
        let entry = |i: usize| &codes[c0 + i * k..c0 + (i + 1) * k];
        let (mut heads, mut bodies) = (Vec::new(), Vec::new());
        let mut below = [0u16; 31];
        for b in (0..count).step_by(BLOCK) {
            let end = (b + BLOCK).min(count);
            let head = entry(b);
            for c in below.iter_mut().skip(usize::from(head[0]) + 1) {
                *c += 1;
            }
            let mut record = Bits::default();
            for &ch in head {
                record.put(u32::from(ch), 5);
            }
            record.put(u32::from(class[i0 + b]), CLASS_BITS);
            heads.extend_from_slice(&record.bytes());
            heads.extend_from_slice(&(bodies.len() as u16).to_be_bytes());
            let shared: Vec<usize> = (b + 1..end)
                .map(|i| {
                    entry(i - 1)
                        .iter()
                        .zip(entry(i))
                        .take_while(|(x, y)| x == y)
                        .count()
                })
                .collect();
            let mut body = Bits::default();
            for &n in &shared {
                body.put(n as u32, lcp_bits(k));
            }
            let mut escapes = Vec::new();
            for i in b + 1..end {
                let c = class[i0 + i];
                match common.iter().position(|&x| x == c) {
                    Some(short) => body.put(short as u32, COMMON_BITS),
                    None => {
                        body.put(escape, COMMON_BITS);
                        escapes.push(c);
                    }
                }
            }
            for c in escapes {
                body.put(u32::from(c), CLASS_BITS);
            }
            for (i, &n) in (b + 1..end).zip(&shared) {
                for &ch in &entry(i)[n..] {
                    body.put(u32::from(ch), 5);
                }
            }
            bodies.extend_from_slice(&body.bytes());
        }
        first.extend_from_slice(&below);
        let start = bytes.len() as u32;
        bytes.extend_from_slice(&heads);
        let body_start = bytes.len() as u32;
        bytes.extend_from_slice(&bodies);
        at.push([start, body_start, count as u32]);
        c0 += count * k;
        i0 += count;
    }
    (bytes, at, first)
}

/// Bits of a probability (LZMA's: 2048 is certainty).
const PROB_BITS: u32 = 11;

/// How fast a probability moves toward what was seen (a shift).
const ADAPT: u32 = 4;

/// A probability's start: even odds.
const HALF: u16 = 1 << (PROB_BITS - 1);

/// One side of the range coder: codes a bit under an adaptive probability.
pub(super) trait Coder {
    /// Codes `bit` (the encoder) or returns the bit read (the decoder, which
    /// ignores `bit`) under `p`, the probability of a 0 in 11 bits, and
    /// moves `p` toward it.
    fn bit(&mut self, p: &mut u16, bit: u32) -> u32;
}

/// Moves `p` toward `bit`.
#[inline]
fn adapt(p: &mut u16, bit: u32) {
    // Both moves computed, one kept: a select, not a branch.
    let q = u32::from(*p);
    let up = q + (((1 << PROB_BITS) - q) >> ADAPT);
    let down = q - (q >> ADAPT);
    *p = if bit == 0 { up } else { down } as u16;
}

/// The range decoder over a stream the build's encoder wrote.
pub(super) struct Decoder<'a> {
    data: &'a [u8],
    at: usize,
    range: u32,
    code: u32,
}

impl<'a> Decoder<'a> {
    /// A decoder at the start of `data` (its first five bytes are read).
    pub(super) fn new(data: &'a [u8]) -> Self {
        let mut d = Decoder {
            data,
            at: 0,
            range: u32::MAX,
            code: 0,
        };
        for _ in 0..5 {
            d.code = (d.code << 8) | d.next();
        }
        d
    }

    /// The next byte of the stream (0 past its end).
    fn next(&mut self) -> u32 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        u32::from(b)
    }
}

impl Coder for Decoder<'_> {
    // The bit's outcome as a mask rather than a branch (about half of
    // them would be mispredicted).
    #[inline]
    fn bit(&mut self, p: &mut u16, _bit: u32) -> u32 {
        let bound = (self.range >> PROB_BITS) * u32::from(*p);
        let bit = u32::from(self.code >= bound);
        let mask = bit.wrapping_neg();
        self.code -= bound & mask;
        self.range = (bound & !mask) | ((self.range - bound) & mask);
        adapt(p, bit);
        if self.range < 1 << 24 {
            self.range <<= 8;
            self.code = (self.code << 8) | self.next();
        }
        bit
    }
}

/// The range encoder (LZMA's, with carry propagation), for `core/build.rs`.
pub(super) struct Encoder {
    out: Vec<u8>,
    low: u64,
    range: u32,
    cache: u8,
    pending: u64,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder {
            out: Vec::new(),
            low: 0,
            range: u32::MAX,
            cache: 0,
            pending: 1,
        }
    }
}

impl Encoder {
    fn shift_low(&mut self) {
        if self.low < 0xFF00_0000 || self.low >= 1 << 32 {
            let carry = (self.low >> 32) as u8;
            let mut byte = self.cache;
            while self.pending > 0 {
                self.out.push(byte.wrapping_add(carry));
                byte = 0xFF;
                self.pending -= 1;
            }
            self.cache = (self.low >> 24) as u8;
        }
        self.pending += 1;
        self.low = (self.low & 0x00FF_FFFF) << 8;
    }

    /// The stream, flushed.
    pub(super) fn finish(mut self) -> Vec<u8> {
        for _ in 0..5 {
            self.shift_low();
        }
        self.out
    }
}

impl Coder for Encoder {
    fn bit(&mut self, p: &mut u16, bit: u32) -> u32 {
        let bound = (self.range >> PROB_BITS) * u32::from(*p);
        if bit == 0 {
            self.range = bound;
        } else {
            self.low += u64::from(bound);
            self.range -= bound;
        }
        adapt(p, bit);
        while self.range < 1 << 24 {
            self.range <<= 8;
            self.shift_low();
        }
        bit
    }
}

/// Codes the low `bits` bits of `value` (the encoder; the decoder passes 0)
/// through the binary tree of probabilities `probs` (`2^bits` of them),
/// most significant bit first; returns the value coded.
#[inline]
fn tree<C: Coder>(c: &mut C, probs: &mut [u16], bits: u32, value: u32) -> u32 {
    let mut m = 1usize;
    for i in (0..bits).rev() {
        let b = c.bit(&mut probs[m], (value >> i) & 1);
        m = 2 * m + b as usize;
    }
    (m - (1 << bits)) as u32
}

/// Longest entry length with a context of its own in the shared-length
/// and class models.
const LEN_CONTEXTS: usize = 40;

/// Codes every entry in packed order: `counts`, `codes` and `class` as for
/// [`pack`]. The encoder reads `codes` and `class`; the decoder fills them
/// (they start zeroed, sized from `counts`). Returns false when a decoded
/// entry is not what the layout needs (a shared length past the entry, a
/// character code outside `1..=30`, or an entry not above the one before).
pub(super) fn walk<C: Coder>(
    c: &mut C,
    counts: &[u32],
    codes: &mut [u8],
    class: &mut [u8],
) -> bool {
    let mut lcp = vec![HALF; (LEN_CONTEXTS + 1) << 6];
    let mut after = vec![HALF; 32 * 32 * 32];
    let mut chars = vec![HALF; 32 * 32 * 32];
    let mut classes = vec![HALF; 16 << CLASS_BITS];
    let (mut c0, mut i0) = (0usize, 0usize);
    for (k, &count) in (1usize..).zip(counts) {
        let lctx = k.min(LEN_CONTEXTS);
        for i in 0..count as usize {
            let at = c0 + i * k;
            let m = if i == 0 {
                0
            } else {
                let shared = codes[at - k..at]
                    .iter()
                    .zip(&codes[at..at + k])
                    .take_while(|(x, y)| x == y)
                    .count();
                let m = tree(c, &mut lcp[lctx << 6..][..64], 6, shared as u32) as usize;
                if m >= k {
                    return false;
                }
                codes.copy_within(at - k..at - k + m, at);
                m
            };
            for j in m..k {
                let p1 = if j > 0 {
                    usize::from(codes[at + j - 1])
                } else {
                    0
                };
                let x = if i > 0 && j == m {
                    let above = usize::from(codes[at - k + j]);
                    let ctx = (above * 32 + p1) * 32;
                    tree(c, &mut after[ctx..ctx + 32], 5, u32::from(codes[at + j]))
                } else {
                    let p2 = if j > 1 {
                        usize::from(codes[at + j - 2])
                    } else {
                        0
                    };
                    let ctx = (p1 * 32 + p2) * 32;
                    tree(c, &mut chars[ctx..ctx + 32], 5, u32::from(codes[at + j]))
                };
                if !(1..=30).contains(&x) || (i > 0 && j == m && x as u8 <= codes[at - k + j]) {
                    return false;
                }
                codes[at + j] = x as u8;
            }
            let cctx = k.min(15) << CLASS_BITS;
            let v = tree(
                c,
                &mut classes[cctx..cctx + (1 << CLASS_BITS)],
                CLASS_BITS,
                u32::from(class[i0 + i]),
            );
            class[i0 + i] = v as u8;
        }
        c0 += count as usize * k;
        i0 += count as usize;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the encoder writes the decoder reads back, entry for entry,
    /// over lengths with no entries, one entry and shared prefixes; and a
    /// decoder told of more entries than were written does not invent a
    /// sorted lexicon.
    #[test]
    fn streams_round_trip() {
        let entries: [&[u8]; 7] = [b"a", b"ab", b"ac", b"abcd", b"abce", b"abde", b"zzzz"];
        let mut counts = vec![0u32; 4];
        let (mut codes, mut class) = (Vec::new(), Vec::new());
        for (i, e) in entries.iter().enumerate() {
            counts[e.len() - 1] += 1;
            codes.extend(e.iter().map(|&c| c - b'a' + 5));
            class.push((i * 9 % 64) as u8);
        }
        let mut enc = Encoder::default();
        let (mut c, mut k) = (codes.clone(), class.clone());
        assert!(walk(&mut enc, &counts, &mut c, &mut k));
        let stream = enc.finish();
        let (mut c2, mut k2) = (vec![0; codes.len()], vec![0; class.len()]);
        assert!(walk(&mut Decoder::new(&stream), &counts, &mut c2, &mut k2));
        assert_eq!((c2, k2), (codes.clone(), class.clone()));
        let (bytes, at, first) = pack(&counts, &codes, &class, &[0, 9, 18]);
        assert_eq!(at.len(), 4);
        assert_eq!(first.len(), 4 * 31);
        assert_eq!(at[2], [at[2][0], at[2][1], 0], "no entry of three letters");
        assert!(!bytes.is_empty());
        let more: Vec<u32> = counts.iter().map(|n| n + 3).collect();
        let chars: usize = more.iter().zip(1..).map(|(&n, k)| n as usize * k).sum();
        let n: usize = more.iter().map(|&n| n as usize).sum();
        let (mut c3, mut k3) = (vec![0; chars], vec![0; n]);
        assert!(!walk(&mut Decoder::new(&stream), &more, &mut c3, &mut k3));
    }
}
