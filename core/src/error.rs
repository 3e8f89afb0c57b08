//! Stable error codes.
//!
//! Every failure the core can report is one [`Code`]. Codes are the contract
//! between the core, the WIT `error-code` enum, the golden vectors and the host
//! exceptions (`.code` in JS and Python). Their kebab-case strings never change
//! meaning once published; new codes are only ever added.

use core::fmt;

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $s:literal, )*) => {
        /// A stable, machine-readable reason for a refusal or an invalid input.
        ///
        /// `Display` and [`Code::as_str`] give the kebab-case string used on
        /// every wire (vectors, WIT, audit lines, host exceptions).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable kebab-case string of this code.
            pub const fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $s, )* }
            }

            /// Parses a kebab-case code string; `None` when unknown.
            pub fn parse(s: &str) -> Option<Code> {
                match s { $( $s => Some(Code::$variant), )* _ => None }
            }

            /// A short, fixed, human-readable description (never contains input data).
            pub fn describe(self) -> &'static str {
                match self { $( Code::$variant => concat!($($doc),*), )* }.trim()
            }
        }
    };
}

codes! {
    // ---- challenge parsing -------------------------------------------------
    /// The 402 challenge exceeds the 64 KiB size cap.
    ChallengeTooLarge = "challenge-too-large",
    /// The challenge JSON nests deeper than the depth cap.
    ChallengeTooDeep = "challenge-too-deep",
    /// The v2 PAYMENT-REQUIRED header is not valid padded standard base64.
    ChallengeBadBase64 = "challenge-bad-base64",
    /// The challenge is not valid UTF-8 JSON (or repeats an object key).
    ChallengeBadJson = "challenge-bad-json",
    /// The challenge has neither a v2 header nor a v1 body.
    ChallengeMissing = "challenge-missing",
    /// The challenge declares an x402Version this guard does not speak.
    ChallengeUnsupportedVersion = "challenge-unsupported-version",
    /// A required challenge field is missing.
    ChallengeMissingField = "challenge-missing-field",
    /// A challenge field has the wrong type or an invalid value.
    ChallengeBadField = "challenge-bad-field",
    /// The challenge offers no payment requirements.
    ChallengeNoOffers = "challenge-no-offers",
    /// The challenge offers more payment requirements than the cap allows.
    ChallengeTooManyOffers = "challenge-too-many-offers",
    /// A metadata string in the challenge exceeds its size cap.
    ChallengeFieldTooLong = "challenge-field-too-long",
    /// No offered requirement is acceptable under the configured schemes, networks and assets.
    NoAcceptableOffer = "no-acceptable-offer",
    /// The network name is not known (v1 names must map to CAIP-2).
    UnknownNetwork = "unknown-network",
    // ---- money -------------------------------------------------------------
    /// An atomic amount is not a canonical decimal integer string.
    AmountMalformed = "amount-malformed",
    /// An amount does not fit the exact integer range.
    AmountOverflow = "amount-overflow",
    /// A USD value is not a plain non-negative decimal.
    UsdMalformed = "usd-malformed",
    /// A USD value has more fractional digits than the exact unit allows.
    UsdTooPrecise = "usd-too-precise",
    /// A USD value is too large.
    UsdOverflow = "usd-overflow",
    /// The asset is not in the trusted asset table, so it cannot be priced.
    AssetUntrusted = "asset-untrusted",
    // ---- configuration -----------------------------------------------------
    /// The configuration is not a JSON object or is not valid JSON.
    ConfigMalformed = "config-malformed",
    /// The configuration has a key this version does not know.
    ConfigUnknownField = "config-unknown-field",
    /// A configuration value has the wrong type.
    ConfigBadType = "config-bad-type",
    /// A configuration value is out of its allowed range.
    ConfigOutOfRange = "config-out-of-range",
    /// A per-endpoint key is not an http(s) origin with an optional path prefix.
    ConfigBadEndpoint = "config-bad-endpoint",
    /// A trusted wallet or pinned address is malformed.
    ConfigBadAddress = "config-bad-address",
    /// A configured asset entry is invalid.
    ConfigBadAsset = "config-bad-asset",
    /// The MPA threshold must be >= 1 and cannot exceed number of approvers.
    ConfigBadThreshold = "config-bad-threshold",
    /// An MPA approver entry is invalid (duplicate id, missing url or secret).
    ConfigBadApprover = "config-bad-approver",
    /// A PII setting is invalid (unknown entity, action or template).
    ConfigBadPii = "config-bad-pii",
    /// The official x402 client has its own spendControls, which run before the guard's hooks: a payment they refuse is never audited. Put the limits in the guard's policy, or keep the client's controls explicitly.
    ConfigClientSpendControls = "config-client-spend-controls",
    // ---- URLs --------------------------------------------------------------
    /// A URL is not an absolute http(s) URL this guard can normalise.
    UrlInvalid = "url-invalid",
    // ---- policy ------------------------------------------------------------
    /// The payment exceeds the per-call limit.
    PolicyPerCallExceeded = "policy-per-call-exceeded",
    /// The payment would exceed the spend limit of the time window.
    PolicyWindowExceeded = "policy-window-exceeded",
    /// The payment would exceed a per-endpoint limit.
    PolicyEndpointExceeded = "policy-endpoint-exceeded",
    /// The payee is not in the trusted wallet allowlist.
    WalletNotTrusted = "wallet-not-trusted",
    /// The payee differs from the wallet pinned for this origin and network.
    PayToPinMismatch = "pay-to-pin-mismatch",
    /// Too many open reservations; the host must commit or release first.
    TooManyReservations = "too-many-reservations",
    /// The payment's spend reservation lapsed before the final verdict.
    ReservationExpired = "reservation-expired",
    /// Stored guard state is corrupt or from an incompatible version.
    StateCorrupt = "state-corrupt",
    /// A bounded state table (payee pins) is full.
    StateFull = "state-full",
    // ---- replay ------------------------------------------------------------
    /// The same payment was already made within the replay TTL.
    ReplayDetected = "replay-detected",
    /// A key (replay, audit or MPA secret) is too short.
    KeyTooShort = "key-too-short",
    // ---- audit -------------------------------------------------------------
    /// An audit line is not canonical JSON of an audit entry.
    AuditMalformedLine = "audit-malformed-line",
    /// An audit line's MAC does not verify (the line was edited).
    AuditBadMac = "audit-bad-mac",
    /// An audit line's sequence number is not the previous one plus one.
    AuditSeqGap = "audit-seq-gap",
    /// An audit line's prev_mac does not match the previous line's MAC.
    AuditChainBroken = "audit-chain-broken",
    /// The log ends before the expected head (lines were truncated).
    AuditTruncated = "audit-truncated",
    /// The log continues past, or diverges from, the expected head.
    AuditHeadMismatch = "audit-head-mismatch",
    /// An audit line exceeds the line size cap.
    AuditLineTooLong = "audit-line-too-long",
    /// The log ends with an unterminated, unparsable line (an interrupted append).
    AuditPartialLine = "audit-partial-line",
    /// An audit line names a different replica than the earlier lines of its chain.
    AuditReplicaMismatch = "audit-replica-mismatch",
    /// Two audit chains of one log directory belong to the same replica.
    AuditReplicaDuplicate = "audit-replica-duplicate",
    /// A replica has a stored audit head but no chain holds its lines (a deleted or emptied log).
    AuditLogMissing = "audit-log-missing",
    // ---- MPA ---------------------------------------------------------------
    /// Not enough approvals were received.
    MpaDenied = "mpa-denied",
    /// Approvals timed out before the threshold was reached.
    MpaTimeout = "mpa-timeout",
    /// The approval request has expired.
    MpaExpired = "mpa-expired",
    /// A countersignature is malformed or does not verify.
    MpaBadSignature = "mpa-bad-signature",
    /// A signature or vote names an approver that is not configured.
    MpaUnknownApprover = "mpa-unknown-approver",
    /// A webhook approver's answer is malformed, oversized or fails its HMAC.
    MpaBadResponse = "mpa-bad-response",
    // ---- PII ---------------------------------------------------------------
    /// Personal data was found and the PII action is `block`.
    PiiBlocked = "pii-blocked",
    /// A metadata value exceeds the PII scanner's size or depth cap.
    PiiInputTooLarge = "pii-input-too-large",
    // ---- host-reported outcomes --------------------------------------------
    /// The signer failed to produce a payment.
    SignerFailed = "signer-failed",
    /// The paid request or its settlement failed.
    SettlementFailed = "settlement-failed",
    // ---- signed payloads ---------------------------------------------------
    /// The signer's payload cannot be decoded (unknown scheme or shape); nothing was sent.
    PayloadMalformed = "payload-malformed",
    /// The signer's payload authorizes something other than what was approved; nothing was sent.
    PayloadMismatch = "payload-mismatch",
    /// The signer's payload stays valid longer than the offer's timeout allows; nothing was sent.
    PayloadExpiryTooLong = "payload-expiry-too-long",
    /// The purchase id given for a retry is malformed or belongs to another purchase.
    PaymentIdMismatch = "payment-id-mismatch",
    /// The host's state store was unreachable or answered badly.
    StoreUnavailable = "store-unavailable",
    /// An input to the core is malformed (host programming error).
    InvalidInput = "invalid-input",
    /// The first line checked does not verify: a wrong key, or the first line was edited.
    AuditBadKey = "audit-bad-key",
    /// A policy reload tries to change the guard's identity (its `replica_id` or `agent_id`).
    ConfigIdentityChanged = "config-identity-changed",
    /// A human approver could not be asked: the host has no approval prompt (`onHumanApproval` / `on_human_approval`).
    MpaHumanUnavailable = "mpa-human-unavailable",
    // ---- operator controls -------------------------------------------------
    /// The guard is halted by its operator (kill switch): every payment is refused.
    GuardHalted = "guard-halted",
    /// The payment would exceed a velocity limit (payments per interval).
    VelocityExceeded = "velocity-exceeded",
    /// The payment would exceed a per-asset cap in atomic units.
    AssetCapExceeded = "asset-cap-exceeded",
    /// The offer's price rose over the last price paid for the same resource by more than `max_quote_increase_ratio`.
    QuoteDriftExceeded = "quote-drift-exceeded",
}

/// One configuration problem: where it is (a JSON-pointer-like path such as
/// `per_endpoint.https://api.example.com` or `mpa.approvers[1].webhook_url`)
/// and its code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Dotted path of the offending value (`""` for the whole document).
    pub path: String,
    /// Why it is wrong.
    pub code: Code,
}

impl ConfigError {
    /// Appends an error at `path` to `errs`. Out of line: the ~100 checks of
    /// the configurations' readers each call it instead of building a
    /// `String` and pushing inline (5.2 KB of the component, 2026-12-07).
    #[inline(never)]
    pub(crate) fn push(errs: &mut Vec<ConfigError>, path: &str, code: Code) {
        errs.push(ConfigError::new(path, code));
    }

    /// Builds an error at `path`.
    pub fn new(path: impl Into<String>, code: Code) -> Self {
        ConfigError {
            path: path.into(),
            code,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            if self.path.is_empty() {
                "(root)"
            } else {
                &self.path
            },
            self.code
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for Code {}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert_eq!(Code::parse(s), Some(c));
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{s}"
            );
            assert!(!c.describe().is_empty());
        }
        assert_eq!(Code::parse("nope"), None);
    }
}
