//! Solana `exact`: the signed transaction must transfer exactly the approved
//! amount of the approved mint to the payee.
//!
//! The payload is `{"transaction": <base64 wire transaction>}` (`@x402/svm`).
//! The core decodes the transaction (legacy or v0 message, no address-table
//! lookups) and accepts only the shape the x402 `exact` facilitators accept:
//! `SetComputeUnitLimit`, `SetComputeUnitPrice`, one SPL Token or Token-2022
//! `TransferChecked`, then at most three Memo or Lighthouse instructions.
//! Anything else is `payload-malformed`. On the transfer:
//!
//! * `mint` = the approved asset (`transaction.mint`),
//! * `amount` = the approved atomic amount (`transaction.amount`),
//! * `destination` = the payee's associated token account for that mint and
//!   token program (`transaction.destination`): the address must be
//!   `sha256(payTo ‖ tokenProgram ‖ mint ‖ [bump] ‖ ATA program ‖
//!   "ProgramDerivedAddress")` for some bump. The core does not run the
//!   ed25519 off-curve test that picks the canonical bump: any bump's address
//!   is derived from the payee's key, only the ATA program could sign for it,
//!   and that program creates only the canonical one, so a transfer to another
//!   bump's address cannot be settled (and cannot reach anyone else),
//! * `authority` = the configured wallet, when one is (`transaction.authority`).
//!
//! Not checked: the fee payer and the blockhash (the facilitator's), the
//! signatures, and the Lighthouse instructions' content (assertions only).

use super::{malformed, mismatch, Binding, Refusal};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// Largest wire transaction, in bytes (Solana's packet limit).
pub const MAX_TRANSACTION_BYTES: usize = 1232;

const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const TOKEN_2022: &str = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
const ATA_PROGRAM: &str = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
const COMPUTE_BUDGET: &str = "ComputeBudget111111111111111111111111111111";
const MEMO: &str = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
const LIGHTHOUSE: &str = "L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95";
/// SPL Token instruction tag of `TransferChecked`.
const TRANSFER_CHECKED: u8 = 12;

type Key = [u8; 32];

/// A base58 string of exactly 32 bytes.
pub fn base58_key(s: &str) -> Option<Key> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    if s.is_empty() || s.len() > 44 {
        return None;
    }
    let mut out = [0u8; 33];
    for c in s.bytes() {
        let mut carry = ALPHABET.iter().position(|&a| a == c)? as u32;
        for b in out.iter_mut().rev() {
            carry += u32::from(*b) * 58;
            *b = carry as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return None;
        }
    }
    // It fits 32 bytes and its leading '1's are exactly its leading zero bytes.
    let zeros = s.bytes().take_while(|&c| c == b'1').count();
    if out[0] != 0 || out[1..].iter().take_while(|&&b| b == 0).count() != zeros {
        return None;
    }
    let mut k = [0u8; 32];
    k.copy_from_slice(&out[1..]);
    Some(k)
}

fn key(s: &str) -> Key {
    base58_key(s).unwrap_or([0; 32])
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], Refusal> {
        let end = self.at.checked_add(n).ok_or(malformed("transaction"))?;
        let s = self.b.get(self.at..end).ok_or(malformed("transaction"))?;
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, Refusal> {
        Ok(self.bytes(1)?[0])
    }

    /// A compact-u16 length (at most 3 bytes, minimal encoding).
    fn len(&mut self) -> Result<usize, Refusal> {
        let mut v = 0usize;
        for i in 0..3 {
            let b = self.u8()?;
            v |= usize::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 || v > 0xffff {
                    return Err(malformed("transaction"));
                }
                return Ok(v);
            }
        }
        Err(malformed("transaction"))
    }
}

struct Instruction<'a> {
    program: Key,
    accounts: &'a [u8],
    data: &'a [u8],
}

/// Checks an `exact` Solana payload (`{"transaction": …}`) against the approval.
pub fn check(
    b: &Binding,
    ap: &super::Approved<'_>,
    p: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), Refusal> {
    super::only(p, &["transaction"], "payload")?;
    let tx = super::str_of(p, "transaction", "transaction")?;
    if tx.len() > MAX_TRANSACTION_BYTES.div_ceil(3) * 4 {
        return Err(malformed("transaction"));
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(tx)
        .map_err(|_| malformed("transaction"))?;
    let mut r = Reader { b: &raw, at: 0 };
    let sigs = r.len()?;
    r.bytes(sigs.checked_mul(64).ok_or(malformed("transaction"))?)?;
    let mut first = r.u8()?;
    let v0 = first & 0x80 != 0;
    if v0 {
        if first != 0x80 {
            return Err(malformed("transaction.version"));
        }
        first = r.u8()?;
    }
    let (required, _ro_signed, _ro_unsigned) = (first, r.u8()?, r.u8()?);
    if sigs == 0 || sigs != usize::from(required) {
        return Err(malformed("transaction"));
    }
    let nkeys = r.len()?;
    let keys: Vec<Key> = r
        .bytes(nkeys.checked_mul(32).ok_or(malformed("transaction"))?)?
        .chunks_exact(32)
        .map(|c| c.try_into().unwrap_or([0; 32]))
        .collect();
    if keys.len() < usize::from(required) {
        return Err(malformed("transaction"));
    }
    r.bytes(32)?; // recent blockhash
    let n = r.len()?;
    let mut ixs = Vec::with_capacity(n.min(8));
    for _ in 0..n {
        let program = *keys
            .get(usize::from(r.u8()?))
            .ok_or(malformed("transaction"))?;
        let na = r.len()?;
        let accounts = r.bytes(na)?;
        if accounts.iter().any(|&i| usize::from(i) >= keys.len()) {
            return Err(malformed("transaction"));
        }
        let nd = r.len()?;
        let data = r.bytes(nd)?;
        ixs.push(Instruction {
            program,
            accounts,
            data,
        });
    }
    if v0 && r.len()? != 0 {
        return Err(malformed("transaction.addressTableLookups"));
    }
    if r.at != raw.len() {
        return Err(malformed("transaction"));
    }
    if !(3..=6).contains(&ixs.len()) {
        return Err(malformed("transaction.instructions"));
    }
    let budget = key(COMPUTE_BUDGET);
    let shape = |ix: &Instruction<'_>, tag: u8, len: usize| {
        ix.program == budget && ix.data.len() == len && ix.data[0] == tag
    };
    if !shape(&ixs[0], 2, 5) || !shape(&ixs[1], 3, 9) {
        return Err(malformed("transaction.instructions"));
    }
    let (memo, lighthouse) = (key(MEMO), key(LIGHTHOUSE));
    if ixs[3..]
        .iter()
        .any(|ix| ix.program != memo && ix.program != lighthouse)
    {
        return Err(malformed("transaction.instructions"));
    }
    let t = &ixs[2];
    if t.program != key(TOKEN) && t.program != key(TOKEN_2022)
        || t.data.len() != 10
        || t.data[0] != TRANSFER_CHECKED
        || t.accounts.len() < 4
    {
        return Err(malformed("transaction.instructions"));
    }
    let acct = |i: usize| keys[usize::from(t.accounts[i])];
    let (mint, destination, authority) = (acct(1), acct(2), acct(3));
    let mut amount = [0u8; 8];
    amount.copy_from_slice(&t.data[1..9]);
    if Some(mint) != base58_key(ap.asset) {
        return Err(mismatch("transaction.mint"));
    }
    if u128::from(u64::from_le_bytes(amount)) != ap.amount {
        return Err(mismatch("transaction.amount"));
    }
    let payee = base58_key(ap.pay_to).ok_or(mismatch("transaction.destination"))?;
    if !is_ata(&destination, &payee, &t.program, &mint) {
        return Err(mismatch("transaction.destination"));
    }
    match &b.wallet {
        Some(w) if base58_key(w) != Some(authority) => Err(mismatch("transaction.authority")),
        _ => Ok(()),
    }
}

/// `address` is a program address of the associated-token-account seeds
/// `[owner, token_program, mint]` for some bump (see the module docs).
fn is_ata(address: &Key, owner: &Key, token_program: &Key, mint: &Key) -> bool {
    let ata = key(ATA_PROGRAM);
    (0..=255u8).rev().any(|bump| {
        let mut h = Sha256::new();
        h.update(owner);
        h.update(token_program);
        h.update(mint);
        h.update([bump]);
        h.update(ata);
        h.update(b"ProgramDerivedAddress");
        h.finalize().as_slice() == address
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58_keys_are_exactly_32_bytes_in_canonical_form() {
        assert_eq!(
            base58_key("11111111111111111111111111111111"),
            Some([0; 32])
        );
        assert_eq!(base58_key("111111111111111111111111111111111"), None);
        assert_eq!(base58_key(TOKEN).map(|k| k[0]), Some(6));
        assert_eq!(base58_key("0OIl"), None);
        assert_eq!(base58_key(""), None);
        // 2^256 does not fit.
        assert_eq!(base58_key(&"z".repeat(44)), None);
        // a one-byte value is not a key
        assert_eq!(base58_key("2"), None);
    }

    #[test]
    fn compact_lengths_are_minimal() {
        let len = |b: &[u8]| Reader { b, at: 0 }.len();
        assert_eq!(len(&[0x05]), Ok(5));
        assert_eq!(len(&[0x80, 0x01]), Ok(128));
        assert!(len(&[0x85, 0x00]).is_err());
        assert!(len(&[0xff, 0xff, 0x7f]).is_err());
        assert!(len(&[0x80]).is_err());
    }
}
