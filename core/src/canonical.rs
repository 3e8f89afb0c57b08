//! Canonical JSON (RFC 8785, JCS) and a strict JSON parser.
//!
//! * [`to_canonical`] / [`write_canonical`] serialise a [`Value`] the RFC 8785
//!   way: no whitespace, object members sorted by the UTF-16 code units of
//!   their keys, strings with the minimal JCS escaping (`\"`, `\\`, `\b`,
//!   `\f`, `\n`, `\r`, `\t`, other controls as `\u00xx`, everything else
//!   literal). Only **integers** in the IEEE-754 safe range
//!   (|n| ≤ 2⁵³ − 1) are accepted as numbers, because for them the JCS number
//!   form is simply the decimal integer; fractions, exponents and larger
//!   integers are refused ([`CanonicalError::UnsupportedNumber`]). Values in
//!   audit entries and approval requests never need them (money travels as
//!   decimal strings).
//! * [`parse_strict`] parses RFC 8259 JSON text under a byte cap and a nesting
//!   cap, rejecting duplicate object keys (after unescaping), lone
//!   surrogates, a byte-order mark and trailing content. Numbers keep their
//!   exact text (`serde_json`'s `arbitrary_precision`).
//!
//! Both are recursive with a depth bounded by [`HARD_MAX_DEPTH`], so hostile
//! input can never exhaust the stack.

use serde_json::{Map, Number, Value};

/// Nesting cap applied whatever the caller asks for (also bounds recursion).
pub const HARD_MAX_DEPTH: usize = 128;

/// Largest integer magnitude JCS prints as a plain integer (2⁵³ − 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a value has no canonical form here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanonicalError {
    /// A number is not an integer in the safe range (|n| ≤ 2⁵³ − 1).
    UnsupportedNumber,
    /// The value nests deeper than [`HARD_MAX_DEPTH`].
    TooDeep,
}

/// Why [`parse_strict`] refused a text. Callers map these to their own codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrictJsonError {
    /// The text is longer than `max_bytes`.
    TooLarge,
    /// Arrays/objects nest deeper than `max_depth` (or [`HARD_MAX_DEPTH`]).
    TooDeep,
    /// The text is not valid JSON (syntax, lone surrogate, trailing data, BOM).
    Invalid,
    /// An object repeats a key (compared after unescaping).
    DuplicateKey,
}

/// The canonical (RFC 8785) text of `v`.
///
/// ```
/// use presidio_x402_core::canonical::to_canonical;
/// let v = serde_json::json!({"b": [1, true, null], "a": "x\ny"});
/// assert_eq!(to_canonical(&v).unwrap(), r#"{"a":"x\ny","b":[1,true,null]}"#);
/// ```
pub fn to_canonical(v: &Value) -> Result<String, CanonicalError> {
    let mut out = String::with_capacity(256);
    write_canonical(v, &mut out)?;
    Ok(out)
}

/// Appends the canonical (RFC 8785) text of `v` to `out`. On error `out` may
/// hold a partial text.
pub fn write_canonical(v: &Value, out: &mut String) -> Result<(), CanonicalError> {
    write_value(v, out, 0)
}

fn write_value(v: &Value, out: &mut String, depth: usize) -> Result<(), CanonicalError> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            if depth >= HARD_MAX_DEPTH {
                return Err(CanonicalError::TooDeep);
            }
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(x, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(m) => {
            if depth >= HARD_MAX_DEPTH {
                return Err(CanonicalError::TooDeep);
            }
            out.push('{');
            let mut keys: Vec<&String> = m.keys().collect();
            // serde_json's map iterates in UTF-8 byte (= code point) order, which
            // equals UTF-16 order for ASCII; only re-sort when a key is not ASCII.
            if !keys.iter().all(|k| k.is_ascii()) {
                keys.sort_unstable_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            }
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                if let Some(x) = m.get(k) {
                    write_value(x, out, depth + 1)?;
                }
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_number(n: &Number, out: &mut String) -> Result<(), CanonicalError> {
    if let Some(u) = n.as_u64() {
        if u <= MAX_SAFE_INTEGER {
            out.push_str(&u.to_string());
            return Ok(());
        }
    } else if let Some(i) = n.as_i64() {
        if i.unsigned_abs() <= MAX_SAFE_INTEGER {
            // `-0` parses as 0 and prints as `0`, as JCS requires.
            out.push_str(&i.to_string());
            return Ok(());
        }
    }
    Err(CanonicalError::UnsupportedNumber)
}

/// Appends `s` as an RFC 8785 JSON string.
pub(crate) fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let b = s.as_bytes();
    let mut start = 0;
    loop {
        // Stops only on ASCII bytes (or the end): both slices end on char
        // boundaries.
        let i = next_special(b, start);
        out.push_str(&s[start..i]);
        let Some(&c) = b.get(i) else { break };
        let esc: &str = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            _ => "",
        };
        if esc.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(c >> 4)]));
            out.push(char::from(HEX[usize::from(c & 15)]));
        } else {
            out.push_str(esc);
        }
        start = i + 1;
    }
    out.push('"');
}

/// The position of the first byte at or after `from` that a JSON string
/// cannot hold as it is (`"`, `\`, a control byte below 0x20), or
/// `b.len()`. Eight bytes are tested at a time: a word with none of them
/// is skipped whole (the tests compare with the byte-wise answer).
fn next_special(b: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Whether a byte of `w` is zero: exact as a yes/no for the whole word.
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH != 0;
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_ne_bytes(word);
        // A byte below 0x20: `w - 0x20…` borrows into a clear high bit.
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
        if control
            || has_zero(w ^ (ONES * u64::from(b'"')))
            || has_zero(w ^ (ONES * u64::from(b'\\')))
        {
            break;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// Parses `text` as one JSON value, strictly.
///
/// Refuses texts over `max_bytes` ([`StrictJsonError::TooLarge`], checked
/// before any parsing), nesting deeper than `max_depth` containers
/// (`min(max_depth, HARD_MAX_DEPTH)`; a bare scalar has depth 0, `[]` depth 1),
/// repeated object keys, and anything RFC 8259 does not allow (including a
/// leading BOM, lone surrogate escapes and trailing non-whitespace).
///
/// ```
/// use presidio_x402_core::canonical::{parse_strict, StrictJsonError};
/// assert!(parse_strict(r#"{"a":1}"#, 100, 4).is_ok());
/// assert_eq!(parse_strict(r#"{"a":1,"\u0061":2}"#, 100, 4), Err(StrictJsonError::DuplicateKey));
/// assert_eq!(parse_strict("[[1]]", 100, 1), Err(StrictJsonError::TooDeep));
/// ```
pub fn parse_strict(
    text: &str,
    max_bytes: usize,
    max_depth: usize,
) -> Result<Value, StrictJsonError> {
    if text.len() > max_bytes {
        return Err(StrictJsonError::TooLarge);
    }
    let mut p = Parser {
        b: text.as_bytes(),
        s: text,
        i: 0,
        max_depth: max_depth.min(HARD_MAX_DEPTH),
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(StrictJsonError::Invalid);
    }
    Ok(v)
}

struct Parser<'a> {
    b: &'a [u8],
    s: &'a str,
    i: usize,
    max_depth: usize,
}

type PResult<T> = Result<T, StrictJsonError>;
use StrictJsonError::Invalid;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> PResult<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    fn lit(&mut self, word: &str, v: Value) -> PResult<Value> {
        if self.b.get(self.i..self.i + word.len()) == Some(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(Invalid)
        }
    }

    fn value(&mut self, depth: usize) -> PResult<Value> {
        match self.peek().ok_or(Invalid)? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.lit("true", Value::Bool(true)),
            b'f' => self.lit("false", Value::Bool(false)),
            b'n' => self.lit("null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Invalid),
        }
    }

    fn object(&mut self, depth: usize) -> PResult<Value> {
        if depth > self.max_depth {
            return Err(StrictJsonError::TooDeep);
        }
        self.i += 1;
        let mut m = Map::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Object(m));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(Invalid);
            }
            let k = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let v = self.value(depth)?;
            if m.insert(k, v).is_some() {
                return Err(StrictJsonError::DuplicateKey);
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(m));
                }
                _ => return Err(Invalid),
            }
        }
    }

    fn array(&mut self, depth: usize) -> PResult<Value> {
        if depth > self.max_depth {
            return Err(StrictJsonError::TooDeep);
        }
        self.i += 1;
        let mut a = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(a));
        }
        loop {
            self.ws();
            a.push(self.value(depth)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(a));
                }
                _ => return Err(Invalid),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> PResult<Value> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Invalid),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        let text = self.s.get(start..self.i).ok_or(Invalid)?;
        text.parse::<Number>()
            .map(Value::Number)
            .map_err(|_| Invalid)
    }

    fn string(&mut self) -> PResult<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let run = self.i;
            self.i = next_special(self.b, run);
            // Stops only on ASCII bytes, so the slice ends on a char boundary.
            out.push_str(self.s.get(run..self.i).ok_or(Invalid)?);
            match self.peek().ok_or(Invalid)? {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let (c, len) = json_escape(&self.b[self.i..]).ok_or(Invalid)?;
                    self.i += len;
                    out.push(c);
                }
                _ => return Err(Invalid), // raw control character
            }
        }
    }
}

/// The JSON string escape at the start of `b` (RFC 8259: `\"`, `\\`, `\/`,
/// `\b`, `\f`, `\n`, `\r`, `\t`, and `\uXXXX` with a surrogate pair read as
/// one char): the char it stands for and its length in bytes. `None` when `b`
/// starts with no such escape, a lone surrogate included. The parser here
/// and the PII normaliser (`pii::norm`) both read escapes with it.
pub(crate) fn json_escape(b: &[u8]) -> Option<(char, usize)> {
    if b.first() != Some(&b'\\') {
        return None;
    }
    let hex4 = |at: usize| -> Option<u32> {
        b.get(at..at + 4)?
            .iter()
            .try_fold(0u32, |v, &c| Some((v << 4) | char::from(c).to_digit(16)?))
    };
    Some(match *b.get(1)? {
        c @ (b'"' | b'\\' | b'/') => (char::from(c), 2),
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'n' => ('\n', 2),
        b'r' => ('\r', 2),
        b't' => ('\t', 2),
        b'u' => {
            let hi = hex4(2)?;
            if (0xD800..0xDC00).contains(&hi) {
                if b.get(6..8) != Some(b"\\u") {
                    return None;
                }
                let lo = hex4(8)?;
                if !(0xDC00..0xE000).contains(&lo) {
                    return None;
                }
                (
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?,
                    12,
                )
            } else {
                (char::from_u32(hi)?, 6)
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_integers_parse_as_serde_json_does() {
        for t in [
            "0",
            "1",
            "9",
            "10",
            "60",
            "1000000",
            "9999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "-0",
            "-1",
            "1.0",
            "1e3",
            "01",
        ] {
            let want = serde_json::from_str::<Value>(t).ok();
            let got = parse_strict(t, 100, 4).ok();
            assert_eq!(got, want, "{t}");
            if let (Some(Value::Number(a)), Some(Value::Number(b))) = (&got, &want) {
                assert_eq!(
                    (a.as_u64(), a.as_i64(), a.as_f64()),
                    (b.as_u64(), b.as_i64(), b.as_f64())
                );
            }
        }
    }

    #[test]
    fn next_special_is_the_bytewise_search() {
        let special = |c: u8| c == b'"' || c == b'\\' || c < 0x20;
        let probes = [
            0x00, 0x01, 0x1f, 0x20, 0x21, b'"', 0x23, b'\\', 0x5b, 0x5d, 0x7f, 0x80, 0xa2, 0xdc,
            0xff,
        ];
        for fill in [b'a', 0x20, 0x21, 0x7f, 0x80, 0xff] {
            for len in 0..=26 {
                for at in 0..len.max(1) {
                    for &p in &probes {
                        for &q in &[fill, p] {
                            let mut b = vec![fill; len];
                            if len > 0 {
                                b[at] = p;
                                b[len - 1 - at] = q;
                            }
                            for from in 0..=len {
                                let want = (from..len).find(|&i| special(b[i])).unwrap_or(len);
                                assert_eq!(next_special(&b, from), want, "{b:?} from {from}");
                            }
                        }
                    }
                }
            }
        }
    }
    use serde_json::json;

    #[test]
    fn jcs_sorts_by_utf16_and_escapes_minimally() {
        // U+E000 sorts after U+1F600 in UTF-8 order but before it in UTF-16.
        let v = json!({"\u{1F600}": 1, "\u{E000}": 2, "a": "\u{1}\u{7f}/\u{2028}é\"\\"});
        assert_eq!(
            to_canonical(&v).unwrap(),
            "{\"a\":\"\\u0001\u{7f}/\u{2028}é\\\"\\\\\",\"\u{1F600}\":1,\"\u{E000}\":2}"
        );
    }

    #[test]
    fn numbers_are_safe_integers_only() {
        for (t, ok) in [
            ("0", "0"),
            ("-0", "0"),
            ("9007199254740991", "9007199254740991"),
            ("-5", "-5"),
        ] {
            let v = parse_strict(t, 100, 1).unwrap();
            assert_eq!(to_canonical(&v).unwrap(), ok);
        }
        for t in ["1.5", "1e3", "9007199254740992", "-9007199254740992", "1.0"] {
            let v = parse_strict(t, 100, 1).unwrap();
            assert_eq!(
                to_canonical(&v),
                Err(CanonicalError::UnsupportedNumber),
                "{t}"
            );
        }
    }

    #[test]
    fn strict_parse_keeps_number_text() {
        let v = parse_strict(" {\"x\": 0.10 } ", 100, 1).unwrap();
        assert_eq!(v["x"].to_string(), "0.10");
    }

    #[test]
    fn strict_parse_rejects() {
        use StrictJsonError::*;
        let cases: &[(&str, StrictJsonError)] = &[
            ("", Invalid),
            ("\u{feff}{}", Invalid),
            ("{} x", Invalid),
            ("{,}", Invalid),
            ("[1,]", Invalid),
            ("{\"a\":1,}", Invalid),
            ("01", Invalid),
            ("1.", Invalid),
            ("-", Invalid),
            ("1e", Invalid),
            ("NaN", Invalid),
            ("\"\\ud800\"", Invalid),
            ("\"\\udc00\"", Invalid),
            ("\"\\ud800\\u0041\"", Invalid),
            ("\"a\tb\"", Invalid),
            ("\"\\x\"", Invalid),
            ("\"abc", Invalid),
            ("tru", Invalid),
            ("{\"a\":{\"b\":1,\"b\":2}}", DuplicateKey),
            ("[[[]]]", TooDeep),
        ];
        for (t, e) in cases {
            assert_eq!(parse_strict(t, 1000, 2), Err(*e), "{t:?}");
        }
        assert_eq!(parse_strict("[1]", 2, 2), Err(TooLarge));
        let deep = "[".repeat(10_000);
        assert_eq!(parse_strict(&deep, 1 << 20, usize::MAX), Err(TooDeep));
        assert_eq!(
            parse_strict("\"\\ud83d\\ude00\"", 100, 0).unwrap(),
            json!("\u{1F600}")
        );
    }

    #[test]
    fn parse_then_canonical_round_trips() {
        let t = r#"{"a":[1,-2,{"c":null,"b":false}],"s":"\u00e9\n"}"#;
        let v = parse_strict(t, 1000, 8).unwrap();
        assert_eq!(
            to_canonical(&v).unwrap(),
            "{\"a\":[1,-2,{\"b\":false,\"c\":null}],\"s\":\"é\\n\"}"
        );
    }
}
