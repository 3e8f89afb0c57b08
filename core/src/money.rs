//! Exact money: atomic token amounts and USD, all integers.
//!
//! * Atomic amounts are `u128`, parsed by [`parse_atomic`] from strict
//!   decimal-integer strings (`"10000"`), exactly as x402 puts them on the wire.
//! * USD values are [`Usd`]: an integer count of 10⁻¹⁸ dollars ("atto-dollars").
//!   Configuration values such as `0.10` are parsed exactly by [`Usd::parse`];
//!   no float ever takes part in a decision.
//! * [`to_usd`] prices an atomic amount with a trusted decimals/price pair,
//!   rounding **up**, so a limit check never under-counts.

use crate::error::Code;
use core::fmt;

/// Number of fractional decimal digits in a [`Usd`] value.
pub const USD_DECIMALS: u32 = 18;
/// One dollar in [`Usd`] units.
pub const USD_ONE: u128 = 1_000_000_000_000_000_000;
/// Longest decimal string accepted for an amount (u128::MAX has 39 digits).
pub const MAX_AMOUNT_DIGITS: usize = 39;

/// An exact USD value in units of 10⁻¹⁸ dollars.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(pub u128);

/// Parses an atomic amount: ASCII digits only, no sign, no whitespace, no
/// exponent, no fraction, no `0x`, no `_`, no leading zero (except `"0"`).
///
/// ```
/// use presidio_x402_core::money::parse_atomic;
/// assert_eq!(parse_atomic("10000"), Ok(10_000));
/// assert!(parse_atomic("1e2").is_err());
/// ```
pub fn parse_atomic(s: &str) -> Result<u128, Code> {
    let b = s.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return Err(Code::AmountMalformed);
    }
    if b.len() > 1 && b[0] == b'0' {
        return Err(Code::AmountMalformed);
    }
    if b.len() > MAX_AMOUNT_DIGITS {
        return Err(Code::AmountOverflow);
    }
    let mut v: u128 = 0;
    for &d in b {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(d - b'0')))
            .ok_or(Code::AmountOverflow)?;
    }
    Ok(v)
}

fn pow10(e: u32) -> Option<u128> {
    10u128.checked_pow(e)
}

impl Usd {
    /// Zero dollars.
    pub const ZERO: Usd = Usd(0);

    /// A whole number of dollars.
    pub const fn dollars(d: u64) -> Usd {
        Usd(d as u128 * USD_ONE)
    }

    /// Parses a non-negative decimal USD value exactly: `5`, `0.10`,
    /// `0.000001`, and (as JSON numbers may print them) `1e-05`, `2.5E+3`.
    /// Signs, whitespace, `$`, `NaN`, `inf`, hex, `_`, empty parts (`.5`,
    /// `5.`) and more than 18 significant fractional digits are rejected.
    ///
    /// ```
    /// use presidio_x402_core::money::{Usd, USD_ONE};
    /// assert_eq!(Usd::parse("0.10"), Ok(Usd(USD_ONE / 10)));
    /// assert!(Usd::parse("-1").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Usd, Code> {
        let (mantissa, exp) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], parse_exponent(&s[i + 1..])?),
            None => (s, 0i64),
        };
        let (int, frac) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        let digits_ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits_ok(int) || (mantissa.contains('.') && !digits_ok(frac)) {
            return Err(Code::UsdMalformed);
        }
        // value = 0.int frac digits × 10^(exp - frac.len())
        let all: String = [int, frac].concat();
        let all = all.trim_start_matches('0');
        let scale = exp - frac.len() as i64 + i64::from(USD_DECIMALS);
        if all.is_empty() {
            return Ok(Usd::ZERO);
        }
        let trimmed = all.trim_end_matches('0');
        let scale = scale + (all.len() - trimmed.len()) as i64;
        if scale < 0 {
            return Err(Code::UsdTooPrecise);
        }
        if trimmed.len() > MAX_AMOUNT_DIGITS || scale > 38 {
            return Err(Code::UsdOverflow);
        }
        let m = parse_atomic(trimmed).map_err(|_| Code::UsdOverflow)?;
        let f = pow10(scale as u32).ok_or(Code::UsdOverflow)?;
        m.checked_mul(f).map(Usd).ok_or(Code::UsdOverflow)
    }

    /// Adds, failing with [`Code::UsdOverflow`] instead of wrapping.
    pub fn checked_add(self, o: Usd) -> Result<Usd, Code> {
        self.0.checked_add(o.0).map(Usd).ok_or(Code::UsdOverflow)
    }

    /// Subtracts, saturating at zero.
    pub fn saturating_sub(self, o: Usd) -> Usd {
        Usd(self.0.saturating_sub(o.0))
    }
}

fn parse_exponent(s: &str) -> Result<i64, Code> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Code::UsdMalformed);
    }
    let v: i64 = digits.parse().map_err(|_| Code::UsdMalformed)?;
    Ok(if s.starts_with('-') { -v } else { v })
}

impl fmt::Display for Usd {
    /// Plain decimal dollars with no trailing zeros: `0.01`, `5`, `0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written with `decimal` (this runs on every decision: audit lines
        // and metrics): the same text as `{int}.{frac:018}` with the
        // fraction's trailing zeros (and a bare `.`) dropped.
        // Amounts under $18.44 (nearly all) fit a u64, whose division is
        // far cheaper than a u128's.
        const ONE: u64 = USD_ONE as u64;
        let (int, frac) = match u64::try_from(self.0) {
            Ok(v) => (u128::from(v / ONE), v % ONE),
            // Below 10^18, so it fits a u64.
            Err(_) => (self.0 / USD_ONE, (self.0 % USD_ONE) as u64),
        };
        let mut buf = [0u8; 20];
        match u64::try_from(int) {
            Ok(i) => f.write_str(decimal(i, 1, &mut buf))?,
            Err(_) => write!(f, "{int}")?,
        }
        if frac != 0 {
            f.write_str(".")?;
            f.write_str(decimal(frac, 18, &mut buf).trim_end_matches('0'))?;
        }
        Ok(())
    }
}

/// The decimal digits of `v`, zero-padded to at least `width` (at most 20)
/// digits, written into `buf`: the hot paths' integer writer (audit
/// timestamps and seqs, USD amounts, URL ports), without the formatting
/// machinery.
#[inline(never)]
pub(crate) fn decimal(v: u64, width: usize, buf: &mut [u8; 20]) -> &str {
    buf.fill(b'0');
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len().saturating_sub(width));
    core::str::from_utf8(&buf[start..]).unwrap_or_default()
}

/// Prices `atomic` units of an asset with `decimals` decimals worth
/// `price_per_token` each, rounding up to the next 10⁻¹⁸ dollar.
///
/// ```
/// use presidio_x402_core::money::{to_usd, Usd};
/// // 10000 atomic USDC (6 decimals) at $1 is one cent.
/// assert_eq!(to_usd(10_000, 6, Usd::dollars(1)).unwrap().to_string(), "0.01");
/// ```
pub fn to_usd(atomic: u128, decimals: u8, price_per_token: Usd) -> Result<Usd, Code> {
    let d = pow10(u32::from(decimals)).ok_or(Code::AmountOverflow)?;
    mul_div_ceil(atomic, price_per_token.0, d)
        .map(Usd)
        .ok_or(Code::AmountOverflow)
}

/// `ceil(a * b / d)` with a 256-bit intermediate; `None` if the result
/// exceeds `u128` or `d == 0`.
fn mul_div_ceil(a: u128, b: u128, d: u128) -> Option<u128> {
    if d == 0 {
        return None;
    }
    if let Some(p) = a.checked_mul(b) {
        let q = p / d;
        return Some(if p % d == 0 { q } else { q.checked_add(1)? });
    }
    let (hi, lo) = mul_wide(a, b);
    // Long division of the 256-bit (hi, lo) by d, one bit at a time.
    let mut rem: u128 = 0;
    let mut q_hi: u128 = 0;
    let mut q_lo: u128 = 0;
    for i in (0..256).rev() {
        let bit = if i >= 128 {
            (hi >> (i - 128)) & 1
        } else {
            (lo >> i) & 1
        };
        let carry = rem >> 127;
        rem = (rem << 1) | bit;
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            if i >= 128 {
                q_hi |= 1 << (i - 128);
            } else {
                q_lo |= 1 << i;
            }
        }
    }
    if q_hi != 0 {
        return None;
    }
    if rem != 0 {
        q_lo.checked_add(1)
    } else {
        Some(q_lo)
    }
}

/// Full 128×128→256-bit product as (high, low).
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    let mask = u128::from(u64::MAX);
    let (a1, a0) = (a >> 64, a & mask);
    let (b1, b0) = (b >> 64, b & mask);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
    let lo = (p00 & mask) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The formatter `Display for Usd` replaced (differential reference).
    fn usd_reference(u: Usd) -> String {
        let int = u.0 / USD_ONE;
        let frac = u.0 % USD_ONE;
        if frac == 0 {
            return format!("{int}");
        }
        let s = format!("{frac:018}");
        format!("{int}.{}", s.trim_end_matches('0'))
    }

    proptest::proptest! {
        #[test]
        fn the_digit_writer_matches_the_formatter(v: u128, small in 0u128..(1u128 << 70), shift in 0u32..40) {
            for x in [v, small, small * 10u128.pow(shift % 19), v >> shift] {
                proptest::prop_assert_eq!(Usd(x).to_string(), usd_reference(Usd(x)));
            }
        }
    }

    #[test]
    fn decimal_pads_and_writes_every_u64() {
        let mut b = [0u8; 20];
        for (v, w) in [
            (0, 1),
            (0, 3),
            (7, 2),
            (123, 2),
            (u64::MAX, 1),
            (u64::MAX, 20),
            (5, 18),
        ] {
            assert_eq!(decimal(v, w, &mut b), format!("{v:0w$}"));
        }
    }

    #[test]
    fn the_digit_writer_matches_the_formatter_at_the_edges() {
        for x in [
            0,
            1,
            9,
            10,
            USD_ONE - 1,
            USD_ONE,
            USD_ONE + 1,
            10 * USD_ONE,
            u128::from(u64::MAX) * USD_ONE,
            u128::MAX,
            u128::MAX - 1,
        ] {
            assert_eq!(Usd(x).to_string(), usd_reference(Usd(x)));
        }
    }

    #[test]
    fn atomic_rejects_hostile_forms() {
        for s in [
            "",
            "1e2",
            "1_0",
            "NaN",
            "-0.5",
            "inf",
            " 0.01 ",
            "0x10",
            "0.1000000000000000055",
            "+1",
            "01",
            "１",
            "1 ",
            "-1",
        ] {
            assert_eq!(parse_atomic(s), Err(Code::AmountMalformed), "{s:?}");
        }
        assert_eq!(
            parse_atomic("340282366920938463463374607431768211455"),
            Ok(u128::MAX)
        );
        assert_eq!(
            parse_atomic("340282366920938463463374607431768211456"),
            Err(Code::AmountOverflow)
        );
        assert_eq!(parse_atomic("0"), Ok(0));
    }

    #[test]
    fn usd_parse_exact() {
        assert_eq!(Usd::parse("0.10").unwrap().to_string(), "0.1");
        assert_eq!(Usd::parse("5").unwrap(), Usd::dollars(5));
        assert_eq!(Usd::parse("1e-05").unwrap().to_string(), "0.00001");
        assert_eq!(Usd::parse("2.5E+3").unwrap(), Usd::dollars(2500));
        assert_eq!(Usd::parse("0.000000000000000001").unwrap(), Usd(1));
        assert_eq!(Usd::parse("0.0000000000000000010").unwrap(), Usd(1));
        assert_eq!(
            Usd::parse("0.0000000000000000001"),
            Err(Code::UsdTooPrecise)
        );
        assert_eq!(
            Usd::parse("0.1000000000000000055"),
            Err(Code::UsdTooPrecise)
        );
        assert_eq!(Usd::parse("0e999"), Ok(Usd::ZERO));
        for s in [
            "-1", "$1", " 1", "1 ", ".5", "5.", "NaN", "inf", "0x1", "1_0", "", "1e", "1e+", "１",
        ] {
            assert_eq!(Usd::parse(s), Err(Code::UsdMalformed), "{s:?}");
        }
        assert_eq!(Usd::parse("1e30"), Err(Code::UsdOverflow));
    }

    #[test]
    fn to_usd_rounds_up_and_handles_wide_products() {
        assert_eq!(
            to_usd(1, 6, Usd::dollars(1)).unwrap(),
            Usd(1_000_000_000_000)
        );
        assert_eq!(to_usd(1, 30, Usd::dollars(1)).unwrap(), Usd(1));
        assert_eq!(
            to_usd(u128::MAX, 38, Usd::dollars(1)).unwrap(),
            Usd(3_402_823_669_209_384_635)
        );
        assert_eq!(
            to_usd(u128::MAX, 6, Usd::dollars(1)),
            Err(Code::AmountOverflow)
        );
        let (hi, lo) = mul_wide(u128::MAX, u128::MAX);
        assert_eq!((hi, lo), (u128::MAX - 1, 1));
        assert_eq!(
            mul_div_ceil(u128::MAX, u128::MAX, u128::MAX),
            Some(u128::MAX)
        );
        assert_eq!(mul_div_ceil(7, 3, 2), Some(11));
    }
}
