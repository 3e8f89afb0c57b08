//! Constant-time comparison of a hex MAC with the expected one.

use crate::hex;
use subtle::ConstantTimeEq;

/// Constant-time check that `hex_sig` (64 hex digits, either case) is the
/// HMAC `expected`.
pub(super) fn sig_matches(hex_sig: &str, expected: &[u8; 32]) -> Option<bool> {
    if hex_sig.len() != 64 {
        return None;
    }
    let got = hex::decode(hex_sig)?;
    Some(bool::from(got.ct_eq(expected)))
}
