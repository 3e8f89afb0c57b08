//! The spend ledger: bounded time buckets per key, plus open reservations.
//!
//! Spend is recorded in buckets of `bucket_ms = ceil(window / 96)`. The
//! window total at `now` sums every bucket that *may* hold spend inside
//! `(now - window, now]`, so it can over-count by at most one bucket of old
//! spend and **never under-counts**. Old buckets are dropped, so the cost and
//! size of a ledger do not grow with history: at most [`MAX_BUCKETS`] per key.
//!
//! A passing payment is **reserved** (counted at once, so concurrent
//! payments cannot jointly exceed a limit), then **committed** when it
//! succeeds or **released** when signing or settlement fails. A reservation
//! left open by a process that died is released after its lease expires.

use crate::error::Code;
use crate::money::Usd;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Buckets per window.
pub const BUCKETS_PER_WINDOW: u64 = 96;
/// Most buckets kept per key (window buckets plus slack for clock skew).
pub const MAX_BUCKETS: usize = 128;
/// Most open reservations.
pub const MAX_RESERVATIONS: usize = 1024;
/// Most ledger keys (global plus endpoints).
pub const MAX_KEYS: usize = 1024;

/// Spend recorded in one time bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Committed (paid) spend.
    pub committed: Usd,
    /// Reserved (in-flight) spend.
    pub reserved: Usd,
}

/// An open reservation of spend, returned by a passing policy evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reservation {
    /// Unique within its state.
    pub id: u64,
    /// Amount reserved.
    pub amount: Usd,
    /// Ledger keys charged.
    pub keys: Vec<String>,
    /// Bucket index the spend is recorded in.
    pub bucket: u64,
    /// When the lease ends and the reservation is released automatically.
    pub expires_at_ms: u64,
    /// Operator-control holds charged with it: per-asset caps and velocity
    /// slots (see [`crate::controls`]); empty when none apply.
    pub holds: Holds,
}

/// Operator-control holds of one reservation (committed, released and
/// expired together with its USD amount).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holds {
    /// Ledger keys charged with their own amount (per-asset caps: atomic units).
    pub extra: Vec<(String, u128)>,
    /// Velocity ring keys holding one slot of this reservation.
    pub velocity: Vec<String>,
    /// When the reservation was made (the time of its velocity slots).
    pub at_ms: u64,
}

/// One slot of a velocity ring: when the payment was reserved and, while it
/// is in flight, the reservation holding it (`None` once committed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Reservation time.
    pub at_ms: u64,
    /// The open reservation, or `None` once the payment is committed.
    pub open: Option<u64>,
}

/// Most slots a velocity ring may hold when read back (the configured
/// maximum is at most [`crate::controls::MAX_VELOCITY`]; late commits of
/// expired reservations may add up to [`MAX_RESERVATIONS`] more).
pub const MAX_SLOTS: usize = MAX_VELOCITY + MAX_RESERVATIONS;
/// Largest `max_payments` of a velocity rule (the ring size per key).
pub const MAX_VELOCITY: usize = 1000;

/// All spend state: per-key buckets and open reservations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpendState {
    /// Bucket width in ms (0 until first use).
    pub bucket_ms: u64,
    /// Key → bucket index → spend.
    pub ledgers: BTreeMap<String, BTreeMap<u64, Bucket>>,
    /// Open reservations by id.
    pub reservations: BTreeMap<u64, Reservation>,
    /// Next reservation id.
    pub next_id: u64,
    /// Velocity rings: key → slots, oldest first (see [`crate::controls`]).
    pub velocity: BTreeMap<String, Vec<Slot>>,
}

/// Bucket width for a window: `ceil(window_ms / 96)`, at least 1 ms.
pub fn bucket_ms_for(window_ms: u64) -> u64 {
    window_ms.div_ceil(BUCKETS_PER_WINDOW).max(1)
}

impl SpendState {
    /// Adapts the state to `bucket_ms` (after a window change), moving each
    /// old bucket to the new bucket holding its **latest** instant, which
    /// keeps the spend in the window at least as long as before.
    pub fn rebucket(&mut self, bucket_ms: u64) {
        if self.bucket_ms == bucket_ms {
            return;
        }
        let old = self.bucket_ms;
        self.bucket_ms = bucket_ms;
        if old == 0 {
            return;
        }
        let new = bucket_ms.max(1);
        let map = |i: u64| (i.saturating_add(1).saturating_mul(old).saturating_sub(1)) / new;
        for buckets in self.ledgers.values_mut() {
            let mut next: BTreeMap<u64, Bucket> = BTreeMap::new();
            for (i, b) in std::mem::take(buckets) {
                let e = next.entry(map(i)).or_default();
                e.committed = Usd(e.committed.0.saturating_add(b.committed.0));
                e.reserved = Usd(e.reserved.0.saturating_add(b.reserved.0));
            }
            *buckets = next;
        }
        for r in self.reservations.values_mut() {
            r.bucket = map(r.bucket);
        }
    }

    /// First bucket index that may hold spend inside `(now - window, now]`.
    fn first_live(&self, now_ms: u64, window_ms: u64) -> u64 {
        now_ms.saturating_sub(window_ms) / self.width()
    }

    /// The bucket width, never zero (a fresh state has none set yet).
    fn width(&self) -> u64 {
        self.bucket_ms.max(1)
    }

    /// Drops expired reservations (releasing them) and buckets older than the window.
    pub fn prune(&mut self, now_ms: u64, window_ms: u64) {
        let expired: Vec<u64> = self
            .reservations
            .values()
            .filter(|r| r.expires_at_ms <= now_ms)
            .map(|r| r.id)
            .collect();
        for id in expired {
            if let Some(r) = self.reservations.remove(&id) {
                self.unreserve(&r);
            }
        }
        let first = self.first_live(now_ms, window_ms);
        for buckets in self.ledgers.values_mut() {
            while let Some((&i, _)) = buckets.first_key_value() {
                if i >= first {
                    break;
                }
                buckets.pop_first();
            }
            while buckets.len() > MAX_BUCKETS {
                // Merge the oldest bucket into the next: later is conservative.
                if let Some((_, b)) = buckets.pop_first() {
                    if let Some(mut e) = buckets.first_entry() {
                        let n = e.get_mut();
                        n.committed = Usd(n.committed.0.saturating_add(b.committed.0));
                        n.reserved = Usd(n.reserved.0.saturating_add(b.reserved.0));
                    }
                }
            }
        }
        self.ledgers.retain(|_, b| !b.is_empty());
    }

    /// Committed plus reserved spend of `key` that may lie inside the window.
    pub fn window_total(&self, key: &str, now_ms: u64, window_ms: u64) -> Usd {
        let Some(buckets) = self.ledgers.get(key) else {
            return Usd::ZERO;
        };
        let first = self.first_live(now_ms, window_ms);
        let mut sum: u128 = 0;
        for (_, b) in buckets.range(first..) {
            sum = sum
                .saturating_add(b.committed.0)
                .saturating_add(b.reserved.0);
        }
        Usd(sum)
    }

    /// Reserves `amount` on every key in `keys`.
    pub fn reserve(
        &mut self,
        keys: Vec<String>,
        amount: Usd,
        now_ms: u64,
        lease_ms: u64,
    ) -> Result<Reservation, Code> {
        if self.reservations.len() >= MAX_RESERVATIONS {
            return Err(Code::TooManyReservations);
        }
        let new_keys = keys
            .iter()
            .filter(|k| !self.ledgers.contains_key(*k))
            .count();
        if self.ledgers.len() + new_keys > MAX_KEYS {
            return Err(Code::TooManyReservations);
        }
        let bucket = now_ms / self.width();
        for k in &keys {
            let b = self
                .ledgers
                .entry(k.clone())
                .or_default()
                .entry(bucket)
                .or_default();
            b.reserved = Usd(b.reserved.0.saturating_add(amount.0));
        }
        let r = Reservation {
            id: self.next_id,
            amount,
            keys,
            bucket,
            expires_at_ms: now_ms.saturating_add(lease_ms),
            holds: Holds::default(),
        };
        self.next_id = self.next_id.wrapping_add(1);
        self.reservations.insert(r.id, r.clone());
        Ok(r)
    }

    fn unreserve(&mut self, r: &Reservation) {
        let extra = r.holds.extra.iter().map(|(k, a)| (k, Usd(*a)));
        for (k, amount) in r.keys.iter().map(|k| (k, r.amount)).chain(extra) {
            if let Some(b) = self.ledgers.get_mut(k).and_then(|l| l.get_mut(&r.bucket)) {
                b.reserved = b.reserved.saturating_sub(amount);
            }
        }
        for k in &r.holds.velocity {
            if let Some(ring) = self.velocity.get_mut(k) {
                ring.retain(|s| s.open != Some(r.id));
            }
        }
    }

    /// Adds operator-control holds to the open reservation `r` (and to `r`):
    /// the extra amounts are reserved in `r`'s bucket and each velocity key
    /// gets a slot at `at_ms`. The caller checked the limits and the key
    /// count ([`crate::controls::check`]).
    pub fn hold(&mut self, r: &mut Reservation, holds: Holds) {
        for (k, a) in &holds.extra {
            let b = self
                .ledgers
                .entry(k.clone())
                .or_default()
                .entry(r.bucket)
                .or_default();
            b.reserved = Usd(b.reserved.0.saturating_add(*a));
        }
        for k in &holds.velocity {
            insert_slot(
                self.velocity.entry(k.clone()).or_default(),
                Slot {
                    at_ms: holds.at_ms,
                    open: Some(r.id),
                },
            );
        }
        r.holds = holds;
        if let Some(open) = self.reservations.get_mut(&r.id) {
            open.holds = r.holds.clone();
        }
    }

    /// Turns a reservation into committed spend. A reservation that already
    /// expired (its process was slow) is still charged: spend that happened is
    /// never dropped.
    pub fn commit(&mut self, r: &Reservation) {
        if let Some(open) = self.reservations.remove(&r.id) {
            self.unreserve(&open);
        }
        let extra = r.holds.extra.iter().map(|(k, a)| (k, *a));
        for (k, amount) in r.keys.iter().map(|k| (k, r.amount.0)).chain(extra) {
            let b = self
                .ledgers
                .entry(k.clone())
                .or_default()
                .entry(r.bucket)
                .or_default();
            b.committed = Usd(b.committed.0.saturating_add(amount));
        }
        for k in &r.holds.velocity {
            insert_slot(
                self.velocity.entry(k.clone()).or_default(),
                Slot {
                    at_ms: r.holds.at_ms,
                    open: None,
                },
            );
        }
    }

    /// Returns a reservation's spend (signing, sending or settlement failed).
    /// Unknown or already-expired reservations are a no-op.
    pub fn release(&mut self, r: &Reservation) {
        if let Some(open) = self.reservations.remove(&r.id) {
            self.unreserve(&open);
        }
    }

    /// The compact serialised form (JSON; amounts as decimal strings).
    pub fn to_json(&self) -> Value {
        // Inserted one by one, not collected: a collected map sorts its
        // entries first, and each such site added a sort to the component.
        let mut ledgers = serde_json::Map::new();
        for (k, b) in &self.ledgers {
            let rows = b
                .iter()
                .map(|(i, x)| json!([i, x.committed.0.to_string(), x.reserved.0.to_string()]))
                .collect();
            ledgers.insert(k.clone(), Value::Array(rows));
        }
        let res: Vec<Value> = self
            .reservations
            .values()
            .map(reservation_to_json)
            .collect();
        let mut out = obj!(
            ("v", 1),
            ("b", self.bucket_ms),
            ("n", self.next_id),
            ("l", ledgers),
            ("r", res)
        );
        if !self.velocity.is_empty() {
            let mut vel = serde_json::Map::new();
            for (k, ring) in &self.velocity {
                let rows = ring
                    .iter()
                    .map(|s| Value::Array(vec![s.at_ms.into(), s.open.into()]))
                    .collect();
                vel.insert(k.clone(), Value::Array(rows));
            }
            out["vel"] = Value::Object(vel);
        }
        out
    }

    /// Parses [`SpendState::to_json`] output; anything else is [`Code::StateCorrupt`].
    pub fn from_json(v: &Value) -> Result<SpendState, Code> {
        let bad = Code::StateCorrupt;
        if v.get("v").and_then(Value::as_u64) != Some(1) {
            return Err(bad);
        }
        let bucket_ms = v.get("b").and_then(Value::as_u64).ok_or(bad)?;
        let next_id = v.get("n").and_then(Value::as_u64).ok_or(bad)?;
        let mut s = SpendState {
            bucket_ms,
            next_id,
            ..Default::default()
        };
        let ledgers = v.get("l").and_then(Value::as_object).ok_or(bad)?;
        if ledgers.len() > MAX_KEYS {
            return Err(bad);
        }
        for (k, rows) in ledgers {
            let rows = rows
                .as_array()
                .filter(|r| r.len() <= MAX_BUCKETS * 2)
                .ok_or(bad)?;
            let mut m = BTreeMap::new();
            for row in rows {
                let (i, c, r) = match row.as_array().map(Vec::as_slice) {
                    Some([i, c, r]) => (i.as_u64().ok_or(bad)?, amount(c)?, amount(r)?),
                    _ => return Err(bad),
                };
                m.insert(
                    i,
                    Bucket {
                        committed: c,
                        reserved: r,
                    },
                );
            }
            s.ledgers.insert(k.clone(), m);
        }
        let res = v.get("r").and_then(Value::as_array).ok_or(bad)?;
        if res.len() > MAX_RESERVATIONS {
            return Err(bad);
        }
        for r in res {
            let r = reservation_from_json(r)?;
            s.reservations.insert(r.id, r);
        }
        if let Some(vel) = v.get("vel") {
            let vel = vel.as_object().filter(|m| m.len() <= MAX_KEYS).ok_or(bad)?;
            for (k, rows) in vel {
                let rows = rows
                    .as_array()
                    .filter(|r| r.len() <= MAX_SLOTS)
                    .ok_or(bad)?;
                let mut ring = Vec::with_capacity(rows.len());
                for row in rows {
                    let slot = match row.as_array().map(Vec::as_slice) {
                        Some([t, Value::Null]) => Slot {
                            at_ms: t.as_u64().ok_or(bad)?,
                            open: None,
                        },
                        Some([t, id]) => Slot {
                            at_ms: t.as_u64().ok_or(bad)?,
                            open: Some(id.as_u64().ok_or(bad)?),
                        },
                        _ => return Err(bad),
                    };
                    insert_slot(&mut ring, slot);
                }
                s.velocity.insert(k.clone(), ring);
            }
        }
        Ok(s)
    }
}

/// A bounded list inside a reservation's holds.
fn hold_list(x: &Value) -> Result<&Vec<Value>, Code> {
    x.as_array()
        .filter(|a| a.len() <= MAX_KEYS)
        .ok_or(Code::StateCorrupt)
}

/// Inserts a slot keeping the ring ordered by time.
fn insert_slot(ring: &mut Vec<Slot>, slot: Slot) {
    let at = ring.partition_point(|s| s.at_ms <= slot.at_ms);
    ring.insert(at, slot);
}

fn amount(v: &Value) -> Result<Usd, Code> {
    v.as_str()
        .and_then(|s| crate::money::parse_atomic(s).ok())
        .map(Usd)
        .ok_or(Code::StateCorrupt)
}

/// A reservation as JSON: `{id, amount_atto, keys, bucket, expires_at_ms}`.
pub fn reservation_to_json(r: &Reservation) -> Value {
    let mut out = obj!(
        ("id", r.id),
        ("amount_atto", r.amount.0.to_string()),
        ("keys", r.keys),
        ("bucket", r.bucket),
        ("expires_at_ms", r.expires_at_ms)
    );
    // Holds are written only when present, so states without operator
    // controls keep their exact bytes.
    // `[at_ms, [velocity keys], [[ledger key, atomic amount], …]]`.
    let h = &r.holds;
    if !h.extra.is_empty() || !h.velocity.is_empty() {
        let extra = h
            .extra
            .iter()
            .map(|(k, a)| Value::Array(vec![k.as_str().into(), a.to_string().into()]))
            .collect();
        out["holds"] = Value::Array(vec![
            h.at_ms.into(),
            h.velocity.clone().into(),
            Value::Array(extra),
        ]);
    }
    out
}

/// Parses [`reservation_to_json`] output.
pub fn reservation_from_json(v: &Value) -> Result<Reservation, Code> {
    let bad = Code::StateCorrupt;
    let keys = v
        .get("keys")
        .and_then(Value::as_array)
        .filter(|k| k.len() <= MAX_KEYS)
        .ok_or(bad)?
        .iter()
        .map(|k| k.as_str().map(str::to_string).ok_or(bad))
        .collect::<Result<Vec<_>, _>>()?;
    let mut holds = Holds::default();
    if let Some(h) = v.get("holds") {
        let Some([at, vel, extra]) = h.as_array().map(Vec::as_slice) else {
            return Err(bad);
        };
        holds.at_ms = at.as_u64().ok_or(bad)?;
        for k in hold_list(vel)? {
            holds.velocity.push(k.as_str().ok_or(bad)?.to_string());
        }
        for e in hold_list(extra)? {
            let Some([k, a]) = e.as_array().map(Vec::as_slice) else {
                return Err(bad);
            };
            holds
                .extra
                .push((k.as_str().ok_or(bad)?.to_string(), amount(a)?.0));
        }
    }
    Ok(Reservation {
        holds,
        id: v.get("id").and_then(Value::as_u64).ok_or(bad)?,
        amount: amount(v.get("amount_atto").ok_or(bad)?)?,
        keys,
        bucket: v.get("bucket").and_then(Value::as_u64).ok_or(bad)?,
        expires_at_ms: v.get("expires_at_ms").and_then(Value::as_u64).ok_or(bad)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u64 = 86_400_000;

    fn st() -> SpendState {
        let mut s = SpendState::default();
        s.rebucket(bucket_ms_for(W));
        s
    }

    #[test]
    fn never_under_counts_inside_window() {
        let mut s = st();
        let r = s.reserve(vec!["*".into()], Usd(5), 1_000, 60_000).unwrap();
        s.commit(&r);
        // At every instant until the spend leaves (t + window), it is counted.
        for now in [1_000, 1_000 + W / 2, 1_000 + W - 1] {
            s.prune(now, W);
            assert_eq!(s.window_total("*", now, W), Usd(5), "{now}");
        }
        // It is dropped at most one bucket after leaving the window.
        let later = 1_000 + W + bucket_ms_for(W) + 1;
        s.prune(later, W);
        assert_eq!(s.window_total("*", later, W), Usd::ZERO);
    }

    #[test]
    fn reserve_commit_release_and_lease() {
        let mut s = st();
        let a = s
            .reserve(vec!["*".into(), "e".into()], Usd(3), 0, 10)
            .unwrap();
        let b = s.reserve(vec!["*".into()], Usd(4), 0, 10).unwrap();
        assert_eq!(s.window_total("*", 0, W), Usd(7));
        s.release(&b);
        s.release(&b);
        assert_eq!(s.window_total("*", 0, W), Usd(3));
        s.prune(10, W); // lease over: a is released
        assert_eq!(s.window_total("e", 10, W), Usd::ZERO);
        s.commit(&a); // late commit still charges
        assert_eq!(s.window_total("e", 10, W), Usd(3));
        let back = SpendState::from_json(&s.to_json()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn rebucket_is_conservative() {
        let mut s = st();
        let r = s.reserve(vec!["*".into()], Usd(1), 900_000, 1).unwrap();
        s.commit(&r);
        s.rebucket(bucket_ms_for(3_600_000));
        assert_eq!(
            s.window_total("*", 900_000 + 3_600_000 - 1, 3_600_000),
            Usd(1)
        );
    }
}
