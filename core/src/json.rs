//! Strict JSON parsing for hostile input.
//!
//! [`parse_strict`] caps the size and the nesting depth and refuses duplicate
//! object keys (two parsers that keep different duplicates could otherwise
//! read two different payments out of one challenge). Numbers keep their
//! exact text (`serde_json`'s `arbitrary_precision`).

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Why strict parsing failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrictError {
    /// Input longer than the size cap.
    TooLarge,
    /// Nesting deeper than the depth cap.
    TooDeep,
    /// Not valid JSON.
    Invalid,
    /// An object repeats a key.
    DuplicateKey,
}

const DUP: &str = "\u{0}duplicate-key";
const DEEP: &str = "\u{0}too-deep";

/// Parses `text` as one JSON value, within `max_bytes` and `max_depth`
/// (a scalar has depth 0, `[]` depth 1).
pub fn parse_strict(text: &str, max_bytes: usize, max_depth: usize) -> Result<Value, StrictError> {
    if text.len() > max_bytes {
        return Err(StrictError::TooLarge);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Seed { depth: 0, max: max_depth }.deserialize(&mut de).map_err(|e| {
        let m = e.to_string();
        if m.starts_with(DUP) {
            StrictError::DuplicateKey
        } else if m.starts_with(DEEP) || m.starts_with("recursion limit exceeded") {
            StrictError::TooDeep
        } else {
            StrictError::Invalid
        }
    })?;
    de.end().map_err(|_| StrictError::Invalid)?;
    Ok(v)
}

struct Seed {
    depth: usize,
    max: usize,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Seed {
    fn child<E: serde::de::Error>(&self) -> Result<Seed, E> {
        if self.depth + 1 > self.max {
            return Err(E::custom(DEEP));
        }
        Ok(Seed { depth: self.depth + 1, max: self.max })
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("bad number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let seed = self.child()?;
            match seq.next_element_seed(seed)? {
                Some(v) => out.push(v),
                None => return Ok(Value::Array(out)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // With arbitrary_precision, numbers arrive as a one-entry map with a
        // private key; let serde_json's own Value rebuild those.
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "$serde_json::private::Number" {
                let text: String = map.next_value()?;
                let n: serde_json::Number =
                    serde_json::from_str(&text).map_err(|_| A::Error::custom("bad number"))?;
                return Ok(Value::Number(n));
            }
            let v = map.next_value_seed(self.child()?)?;
            if out.insert(key, v).is_some() {
                return Err(A::Error::custom(DUP));
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictness() {
        assert_eq!(parse_strict(r#"{"a":1,"a":2}"#, 100, 4), Err(StrictError::DuplicateKey));
        assert_eq!(parse_strict("[[[[1]]]]", 100, 3), Err(StrictError::TooDeep));
        assert!(parse_strict("[[[1]]]", 100, 3).is_ok());
        assert_eq!(parse_strict("[1] x", 100, 3), Err(StrictError::Invalid));
        assert_eq!(parse_strict("[1]", 2, 3), Err(StrictError::TooLarge));
        let deep = "[".repeat(100_000);
        assert_eq!(parse_strict(&deep, 1 << 20, 16), Err(StrictError::TooDeep));
        let v = parse_strict(r#"{"x":0.10,"y":{"z":[1e2,-3]}}"#, 100, 4).unwrap();
        assert_eq!(v["x"].to_string(), "0.10");
        assert_eq!(v["y"]["z"][0].to_string(), "1e+2");
    }
}
