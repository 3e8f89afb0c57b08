//! Seeded generators of random and hostile inputs for the differential test.
//!
//! A tiny xorshift64* generator keeps runs reproducible from one logged seed.

use base64::Engine as _;
use serde_json::{json, Map, Value};

/// xorshift64*: small, fast, reproducible.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value, zero included).
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `num/den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den < num
    }

    /// A random element.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// Random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// Fragments that stress parsers, normalisers and PII recognisers.
const FRAGMENTS: &[&str] = &[
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\0",
    "\u{7f}",
    "\u{200b}",
    "\u{200d}",
    "\u{feff}",
    "\u{202e}",
    "\u{2028}",
    "\u{ff10}\u{ff11}\u{ff12}",
    "\u{0301}",
    "é",
    "ß",
    "İ",
    "ﬁ",
    "𝟘𝟙𝟚",
    "😀",
    "\u{10ffff}",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "null",
    "true",
    "1e308",
    "-0",
    "0x10",
    "1.0",
    "01",
    "340282366920938463463374607431768211455",
    "340282366920938463463374607431768211456",
    "18446744073709551616",
    "9007199254740993",
    "@",
    "alice@example.com",
    "a.b+c@sub.example.co.uk",
    "john.doe@example",
    "123-45-6789",
    "078-05-1120",
    "4111 1111 1111 1111",
    "4111-1111-1111-1112",
    "+1 (415) 555-0132",
    "415.555.0132",
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "192.168.0.1",
    "8.8.8.8",
    "::1",
    "2001:db8::1",
    "John Smith",
    "Maria Garcia",
    "Paris",
    "New York",
    "Mr. Jones",
    "https://",
    "http://",
    "//",
    "..",
    "%2e%2e",
    "%00",
    "%",
    "?",
    "#",
    "@evil.com",
    ":443",
    ":0",
    ":99999",
    "[::1]",
    "xn--",
    "localhost",
    "127.1",
    "0x7f.0.0.1",
    "eip155:8453",
    "base-sepolia",
    "solana",
    "exact",
    "upto",
    "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    "x402Version",
    "accepts",
    "payTo",
    "maxAmountRequired",
    "amount",
    "maxTimeoutSeconds",
    "resource",
    "extra",
    "description",
    "<REDACTED>",
    "{entity_type}",
    "=",
    "==",
    "+/",
    "-_",
    "AAAA",
    "eyJ4NDAyVmVyc2lvbiI6Mn0=",
];

/// A random string: fragments, random code points and ASCII, of varied length.
pub fn string(rng: &mut Rng) -> String {
    let parts = match rng.below(10) {
        0 => 0,
        1..=6 => 1 + rng.below(4),
        7 | 8 => 4 + rng.below(40),
        _ => 40 + rng.below(400),
    };
    let mut s = String::new();
    for _ in 0..parts {
        match rng.below(4) {
            0 | 1 => s.push_str(rng.pick::<&str>(FRAGMENTS)),
            2 => {
                for _ in 0..1 + rng.below(12) {
                    s.push((b' ' + rng.below(95) as u8) as char);
                }
            }
            _ => s.push(char_any(rng)),
        }
    }
    s
}

/// A random Unicode scalar value, biased to interesting planes.
pub fn char_any(rng: &mut Rng) -> char {
    let cp = match rng.below(6) {
        0 => rng.below(0x80) as u32,
        1 => rng.below(0x800) as u32,
        2 => 0x2000 + rng.below(0x100) as u32,
        3 => 0xff00 + rng.below(0x100) as u32,
        4 => 0x1d400 + rng.below(0x400) as u32,
        _ => rng.below(0x11_0000) as u32,
    };
    char::from_u32(cp).unwrap_or('\u{fffd}')
}

/// A hostile atomic amount or USD string.
pub fn amount(rng: &mut Rng) -> String {
    match rng.below(8) {
        0 => rng.next_u64().to_string(),
        1 => (rng.next_u64() % 100_000_000).to_string(),
        2 => format!(
            "{}.{}",
            rng.below(1000),
            rng.next_u64() % 1_000_000_000_000_000_000
        ),
        3 => "9".repeat(1 + rng.below(60)),
        4 => format!("{}{}", rng.next_u64(), rng.next_u64()),
        5 => (*rng.pick(&[
            "1e3",
            "-1",
            "+1",
            " 1",
            "1 ",
            "0x10",
            "01",
            "1.",
            ".5",
            "NaN",
            "inf",
            "",
            "0",
            "0.000000000000000001",
            "0.0000000000000000001",
        ]))
        .to_string(),
        _ => string(rng),
    }
}

/// A hostile URL.
pub fn url(rng: &mut Rng) -> String {
    let scheme = *rng.pick(&[
        "https://",
        "http://",
        "HTTPS://",
        "ftp://",
        "",
        "javascript:",
        "https:/",
        "https:\\\\",
    ]);
    let host = match rng.below(6) {
        0 => "api.example.com".to_string(),
        1 => "API.Example.COM.".to_string(),
        2 => format!("{}.{}", string(rng), "com"),
        3 => (*rng.pick(&[
            "127.0.0.1",
            "[::1]",
            "10.0.0.1",
            "user:pass@api.example.com",
            "api.example.com:443",
            "xn--80ak6aa92e.com",
            "premium-api.io.evil.com",
        ]))
        .to_string(),
        4 => string(rng),
        _ => "premium-api.io".to_string(),
    };
    let path = match rng.below(4) {
        0 => String::new(),
        1 => "/weather".to_string(),
        2 => format!("/{}?q={}#{}", string(rng), string(rng), string(rng)),
        _ => format!(
            "/users/{}/export?email={}",
            string(rng),
            *rng.pick(FRAGMENTS)
        ),
    };
    format!("{scheme}{host}{path}")
}

/// A random JSON value, at most `depth` deep.
pub fn json_value(rng: &mut Rng, depth: usize) -> Value {
    let k = if depth == 0 {
        rng.below(5)
    } else {
        rng.below(8)
    };
    match k {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(1, 2)),
        2 => match rng.below(4) {
            0 => json!(rng.next_u64()),
            1 => json!(-(rng.below(1000) as i64)),
            2 => serde_json::from_str(rng.pick::<&str>(&[
                "1e400",
                "0.1",
                "-0",
                "1.5e-7",
                "123456789012345678901234567890",
            ]))
            .unwrap_or(Value::Null),
            _ => json!(rng.below(100)),
        },
        3 | 4 => Value::String(string(rng)),
        5 | 6 => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                m.insert(string(rng), json_value(rng, depth - 1));
            }
            Value::Object(m)
        }
        _ => Value::Array(
            (0..rng.below(6))
                .map(|_| json_value(rng, depth - 1))
                .collect(),
        ),
    }
}

/// A value nested `n` levels deep (arrays or objects).
pub fn deep(n: usize, arrays: bool) -> String {
    if arrays {
        format!("{}{}", "[".repeat(n), "]".repeat(n))
    } else {
        format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n))
    }
}

fn b64_json(s: &str) -> Option<Value> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.is_object().then_some(v)
}

/// Mutates a string: edits text, or decodes base64 JSON, mutates it and re-encodes.
pub fn mutate_string(rng: &mut Rng, s: &str) -> String {
    if s.len() > 16 && rng.chance(1, 2) {
        if let Some(v) = b64_json(s) {
            let m = mutate_value(rng, &v, 3);
            return base64::engine::general_purpose::STANDARD.encode(m.to_string());
        }
    }
    if rng.chance(1, 8) {
        if let Ok(v @ (Value::Object(_) | Value::Array(_))) = serde_json::from_str::<Value>(s) {
            return mutate_value(rng, &v, 3).to_string();
        }
    }
    mutate_text(rng, s)
}

/// Edits text at a random char boundary: cut, insert, duplicate, case flip, replace.
pub fn mutate_text(rng: &mut Rng, s: &str) -> String {
    let cuts: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
    let at = *rng.pick(&cuts);
    let to = *rng.pick(&cuts);
    let (a, b) = (at.min(to), at.max(to));
    match rng.below(8) {
        0 => s[..a].to_string(),
        1 => format!("{}{}{}", &s[..a], string(rng), &s[a..]),
        2 => format!("{}{}", &s[..b], &s[a..]),
        3 => format!("{}{}{}", &s[..a], s[a..b].to_uppercase(), &s[b..]),
        4 => format!("{}{}{}", &s[..a], *rng.pick(FRAGMENTS), &s[b..]),
        5 => format!("{}{}", &s[..a], &s[b..]),
        6 => s.repeat(1 + rng.below(3)),
        _ => string(rng),
    }
}

/// Returns a copy of `v` with a few random edits at random places.
pub fn mutate_value(rng: &mut Rng, v: &Value, edits: usize) -> Value {
    let mut out = v.clone();
    for _ in 0..1 + rng.below(edits.max(1)) {
        let n = count_nodes(&out);
        let target = rng.below(n);
        let mut i = 0;
        edit_at(rng, &mut out, target, &mut i);
    }
    out
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(m) => m.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn edit_at(rng: &mut Rng, v: &mut Value, target: usize, i: &mut usize) -> bool {
    if *i == target {
        edit_node(rng, v);
        return true;
    }
    *i += 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|x| edit_at(rng, x, target, i)),
        Value::Object(m) => m.values_mut().any(|x| edit_at(rng, x, target, i)),
        _ => false,
    }
}

fn edit_node(rng: &mut Rng, v: &mut Value) {
    match v {
        Value::String(s) if rng.chance(3, 4) => *s = mutate_string(rng, s),
        Value::Number(_) if rng.chance(1, 2) => {
            *v = match rng.below(4) {
                0 => Value::String(amount(rng)),
                1 => json!(rng.next_u64()),
                2 => serde_json::from_str(rng.pick::<&str>(&[
                    "-1",
                    "0",
                    "1e3",
                    "0.5",
                    "18446744073709551616",
                    "1.0",
                ]))
                .unwrap_or(Value::Null),
                _ => json!(rng.below(10)),
            }
        }
        Value::Object(m) if !m.is_empty() && rng.chance(2, 3) => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = rng.pick(&keys).clone();
            match rng.below(3) {
                0 => {
                    m.remove(&k);
                }
                1 => {
                    let x = m.remove(&k).unwrap_or(Value::Null);
                    m.insert(mutate_text(rng, &k), x);
                }
                _ => {
                    m.insert(string(rng), json_value(rng, 2));
                }
            }
        }
        Value::Array(a) if !a.is_empty() && rng.chance(2, 3) => match rng.below(3) {
            0 => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            1 => {
                let x = a[rng.below(a.len())].clone();
                for _ in 0..1 + rng.below(40) {
                    a.push(x.clone());
                }
            }
            _ => a.reverse(),
        },
        _ => *v = json_value(rng, 3),
    }
}
