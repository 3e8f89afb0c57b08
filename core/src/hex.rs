//! Lowercase hex encoding and strict decoding: the one hex codec of the core
//! and of every crate over it (component, glue, host-test, benches).

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = vec![0u8; bytes.len() * 2];
    for (pair, &b) in s.chunks_exact_mut(2).zip(bytes) {
        pair[0] = D[usize::from(b >> 4)];
        pair[1] = D[usize::from(b & 15)];
    }
    // Hex digits are ASCII: the conversion cannot fail.
    String::from_utf8(s).unwrap_or_default()
}

/// Decodes hex (either case); `None` on odd length or a non-hex digit.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    let v = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    b.chunks(2)
        .map(|p| Some(v(p[0])? << 4 | v(p[1])?))
        .collect()
}

/// True when `s` is exactly `len` lowercase hex digits.
pub(crate) fn is_lower(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        assert_eq!(super::encode(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(super::decode("00ABff"), Some(vec![0, 0xab, 0xff]));
        assert_eq!(super::decode("0"), None);
        assert_eq!(super::decode("zz"), None);
        assert_eq!(super::decode("\u{e9}a"), None);
    }

    #[test]
    fn lower_only() {
        assert!(super::is_lower("00abff", 6));
        assert!(!super::is_lower("00ABff", 6));
        assert!(!super::is_lower("00abff", 4));
    }
}
