//! HMAC-SHA256, the chain's MAC (and the MPA signatures').

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(super) type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    keyed(key).map(|m| finish(m, data)).unwrap_or([0; 32])
}

/// Constant-time equality of two MACs in hex (the length is not secret).
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

pub(super) fn keyed(key: &[u8]) -> Option<HmacSha256> {
    HmacSha256::new_from_slice(key).ok()
}

fn finish(mut m: HmacSha256, data: &[u8]) -> [u8; 32] {
    m.update(data);
    m.finalize().into_bytes().into()
}
