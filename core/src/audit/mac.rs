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

/// An audit-chain key with its HMAC-SHA256 key schedule computed once (the
/// inner and outer pads hashed): each line's MAC clones it instead of hashing
/// the pads again. Holders that keep one key (the driver, a guard) build it
/// once and reuse it.
#[derive(Clone)]
pub struct AuditMac {
    key: Vec<u8>,
    state: HmacSha256,
}

impl core::fmt::Debug for AuditMac {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AuditMac(..)")
    }
}

impl AuditMac {
    /// Keys the MAC; [`crate::Code::KeyTooShort`] under
    /// [`super::MIN_KEY_BYTES`] bytes.
    pub fn new(key: &[u8]) -> Result<AuditMac, crate::Code> {
        if key.len() < super::MIN_KEY_BYTES {
            return Err(crate::Code::KeyTooShort);
        }
        let state = keyed(key).ok_or(crate::Code::KeyTooShort)?;
        Ok(AuditMac {
            key: key.to_vec(),
            state,
        })
    }

    /// True when this is the MAC of `key` (compared in constant time).
    pub fn is_for(&self, key: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        self.key.len() == key.len() && bool::from(self.key.as_slice().ct_eq(key))
    }

    /// HMAC-SHA256 of `data` under this key (the same as [`hmac_sha256`]).
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        finish(self.state.clone(), data)
    }
}
