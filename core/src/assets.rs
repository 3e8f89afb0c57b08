//! Networks and the trusted asset table.
//!
//! Decimals never come from the wire: x402 puts only atomic amounts there,
//! and `extra.name`/`extra.version` are merely the EIP-712 domain. An asset is
//! priced only if it is in [`BUILT_IN`] or in the user's configuration; any
//! other asset (including a "USDC" symbol on an unknown contract) cannot be
//! priced and is blocked with [`Code::AssetUntrusted`].

use crate::error::{Code, ConfigError};
use crate::money::{Usd, USD_ONE};
use serde_json::Value;

/// CAIP-2 id of Solana mainnet.
pub const SOLANA_MAINNET: &str = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp";
/// CAIP-2 id of Solana devnet.
pub const SOLANA_DEVNET: &str = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";

/// x402 v1 network names and their CAIP-2 ids.
pub const V1_NETWORKS: &[(&str, &str)] = &[
    ("base", "eip155:8453"),
    ("base-sepolia", "eip155:84532"),
    ("ethereum", "eip155:1"),
    ("mainnet", "eip155:1"),
    ("sepolia", "eip155:11155111"),
    ("polygon", "eip155:137"),
    ("polygon-amoy", "eip155:80002"),
    ("arbitrum", "eip155:42161"),
    ("arbitrum-sepolia", "eip155:421614"),
    ("optimism", "eip155:10"),
    ("optimism-sepolia", "eip155:11155420"),
    ("avalanche", "eip155:43114"),
    ("avalanche-fuji", "eip155:43113"),
    ("sei", "eip155:1329"),
    ("sei-testnet", "eip155:1328"),
    ("iotex", "eip155:4689"),
    ("solana", SOLANA_MAINNET),
    ("solana-devnet", SOLANA_DEVNET),
];

/// An asset the guard can price.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedAsset {
    /// CAIP-2 network id.
    pub network: String,
    /// Contract address (EVM, compared case-insensitively) or mint (Solana, exact).
    pub address: String,
    /// Ticker, for display only.
    pub symbol: String,
    /// Decimals of one whole token.
    pub decimals: u8,
    /// USD value of one whole token.
    pub usd_price: Usd,
}

/// A built-in entry: (CAIP-2 network, address, symbol, decimals). USDC is valued at $1.
pub const BUILT_IN: &[(&str, &str, &str, u8)] = &[
    (
        "eip155:8453",
        "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        "USDC",
        6,
    ),
    (
        "eip155:84532",
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        "USDC",
        6,
    ),
    (
        "eip155:1",
        "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        "USDC",
        6,
    ),
    (
        "eip155:137",
        "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359",
        "USDC",
        6,
    ),
    (
        "eip155:42161",
        "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
        "USDC",
        6,
    ),
    (
        "eip155:10",
        "0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85",
        "USDC",
        6,
    ),
    (
        "eip155:43114",
        "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E",
        "USDC",
        6,
    ),
    (
        SOLANA_MAINNET,
        "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        "USDC",
        6,
    ),
    (
        SOLANA_DEVNET,
        "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
        "USDC",
        6,
    ),
];

/// The built-in table as [`TrustedAsset`]s.
pub fn built_in() -> Vec<TrustedAsset> {
    BUILT_IN
        .iter()
        .map(|&(network, address, symbol, decimals)| TrustedAsset {
            network: network.to_string(),
            address: address.to_string(),
            symbol: symbol.to_string(),
            decimals,
            usd_price: Usd(USD_ONE),
        })
        .collect()
}

/// True for `eip155:*` networks, whose hex addresses are case-insensitive.
pub fn is_evm(network: &str) -> bool {
    network.starts_with("eip155:")
}

/// Canonical form of an address on `network`: lower-cased on EVM chains
/// (EIP-55 case is only a checksum), unchanged elsewhere (base58 is case-sensitive).
pub fn canonical_address(network: &str, address: &str) -> String {
    if is_evm(network) {
        address.to_ascii_lowercase()
    } else {
        address.to_string()
    }
}

/// Validates an address for `network`: `0x` + 40 hex digits on EVM; 32–44
/// base58 characters on Solana; 1–128 printable ASCII characters elsewhere.
pub fn valid_address(network: &str, address: &str) -> bool {
    if is_evm(network) {
        address.len() == 42
            && (address.starts_with("0x") || address.starts_with("0X"))
            && address[2..].bytes().all(|b| b.is_ascii_hexdigit())
    } else if network.starts_with("solana:") {
        (32..=44).contains(&address.len())
            && address
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l'))
    } else {
        (1..=128).contains(&address.len()) && address.bytes().all(|b| b.is_ascii_graphic())
    }
}

/// Maps a wire network id to CAIP-2: v1 names through [`V1_NETWORKS`]; v2
/// ids must already look like CAIP-2 (`namespace:reference`).
pub fn normalize_network(raw: &str, x402_version: u8) -> Result<String, Code> {
    if let Some((_, caip)) = V1_NETWORKS.iter().find(|(name, _)| *name == raw) {
        return Ok((*caip).to_string());
    }
    if x402_version >= 2 || raw.contains(':') {
        if is_caip2(raw) {
            return Ok(raw.to_string());
        }
        return Err(Code::UnknownNetwork);
    }
    Err(Code::UnknownNetwork)
}

/// CAIP-2 syntax: `[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}`.
pub fn is_caip2(s: &str) -> bool {
    let Some((ns, reference)) = s.split_once(':') else {
        return false;
    };
    (3..=8).contains(&ns.len())
        && ns
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && (1..=32).contains(&reference.len())
        && reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Finds the trusted entry for (`network`, `address`) in `table`.
pub fn lookup<'a>(
    table: &'a [TrustedAsset],
    network: &str,
    address: &str,
) -> Option<&'a TrustedAsset> {
    let want = canonical_address(network, address);
    table
        .iter()
        .find(|a| a.network == network && canonical_address(network, &a.address) == want)
}

/// The CAIP-2 `network` and the `address` of an asset entry at `path`
/// (`config-bad-asset` / `config-bad-address` when bad).
pub(crate) fn asset_id<'a>(
    o: &'a serde_json::Map<String, Value>,
    path: &str,
    errs: &mut Vec<ConfigError>,
) -> (Option<String>, Option<&'a str>) {
    let s = |k: &str| o.get(k).and_then(Value::as_str);
    let network = s("network").and_then(|n| normalize_network(n, 1).ok());
    if network.is_none() {
        ConfigError::push(errs, &format!("{path}.network"), Code::ConfigBadAsset);
    }
    let address = s("address").filter(|a| network.as_ref().is_some_and(|n| valid_address(n, a)));
    if address.is_none() {
        ConfigError::push(errs, &format!("{path}.address"), Code::ConfigBadAddress);
    }
    (network, address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_map_and_validate() {
        assert_eq!(
            normalize_network("base-sepolia", 1).unwrap(),
            "eip155:84532"
        );
        assert_eq!(
            normalize_network("solana-devnet", 1).unwrap(),
            SOLANA_DEVNET
        );
        assert_eq!(normalize_network("eip155:8453", 2).unwrap(), "eip155:8453");
        assert_eq!(normalize_network("atlantis", 1), Err(Code::UnknownNetwork));
        assert_eq!(normalize_network("EIP155:1", 2), Err(Code::UnknownNetwork));
        for (n, a, _, _) in BUILT_IN {
            assert!(valid_address(n, a), "{a}");
        }
    }

    #[test]
    fn lookup_is_case_insensitive_on_evm_only() {
        let t = built_in();
        assert!(lookup(
            &t,
            "eip155:84532",
            "0x036cbd53842c5426634e7929541ec2318f3dcf7e"
        )
        .is_some());
        assert!(lookup(
            &t,
            "eip155:8453",
            "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
        )
        .is_none());
        assert!(lookup(
            &t,
            SOLANA_MAINNET,
            "epjfwdd5aufqssqem2qn1xzybapc8g4wegGkZwyTDt1v"
        )
        .is_none());
    }
}
