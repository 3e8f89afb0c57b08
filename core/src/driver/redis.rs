//! The Lua scripts of the Redis store (`docs/STORES.md`, "Redis"), one
//! source for every host: the sidecar links the constants, the Node and
//! Python stores read [`scripts_json`] (the component's and the JS glue's
//! `redis-scripts`) once and register the same texts.
//!
//! KEYS and ARGV are the store's: the state hash holds `v` (the version,
//! `'0'` when absent) and `s` (the state text); every key of one guard
//! carries the tenant as its hash tag, so each script runs on one slot.

use serde_json::Value;

/// Compare-and-set of the state hash `KEYS[1]` on version `ARGV[1]`, storing
/// `ARGV[2]`: `{1, new version}` when stored, else `{0, v, s}` (the state as
/// it stands).
pub const CAS: &str = include_str!("redis/cas.lua");

/// The compare-and-set with the fingerprint `KEYS[2]` (a reservation's
/// `cas-state`): `{0, v, s}` on another version; `{2}` when the fingerprint
/// (or, on one Redis, its 0.4.0 key `KEYS[3]`) is live, nothing written;
/// else the state stored and the fingerprint set for `ARGV[3]` ms:
/// `{1, new version}`.
pub const CAS_FP: &str = include_str!("redis/cas_fp.lua");

/// The replay check-and-set: `SET KEYS[1] 1 NX PX ARGV[1]`, refused while
/// the 0.4.0 key `KEYS[3]` (when given) exists, then the state hash
/// `KEYS[2]`: `{fresh, v, s}`.
pub const REPLAY: &str = include_str!("redis/replay.lua");

/// Compare-and-set of a replica's audit head `KEYS[1]` on its `seq`
/// (`ARGV[1]`; 0 when absent), setting `seq` `ARGV[2]` and `mac` `ARGV[3]`,
/// then the state hash `KEYS[2]`: `{stored, v, s}`.
pub const HEAD: &str = include_str!("redis/head.lua");

/// The compare-and-set that also saves the replica's audit head (a
/// `cas-state` with `save_head`, `docs/STORES.md`): KEYS the state hash, the
/// head hash and, for a reservation, the fingerprint and (on one Redis) its
/// 0.4.0 key; ARGV version, state, `prev_seq`, `seq`, `mac` and, with a
/// fingerprint, its TTL in ms. `{0, v, s}` on another version; `{3}` when the
/// stored head's `seq` (0 when absent) is not `prev_seq`; `{2}` when the
/// fingerprint is live; in those three nothing is written. Else the state,
/// the head and the fingerprint are written together: `{1, new version}`.
pub const CAS_HEAD: &str = include_str!("redis/cas_head.lua");

/// Copies a 0.4.0 hash (`ARGV`: field, value, …) to its new key `KEYS[1]`
/// unless that exists: `{1}` when copied, `{0}` otherwise.
pub const ADOPT: &str = include_str!("redis/adopt.lua");

/// Every script by name (`cas`, `cas_fp`, `cas_head`, `replay`, `head`, `adopt`), as
/// JSON: what hosts register.
pub fn scripts_json() -> Value {
    obj!(
        ("cas", CAS),
        ("cas_fp", CAS_FP),
        ("cas_head", CAS_HEAD),
        ("replay", REPLAY),
        ("head", HEAD),
        ("adopt", ADOPT)
    )
}
