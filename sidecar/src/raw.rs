//! Scratch drivers for conformance replays (`/v1/raw/…`, on with
//! `--raw-driver`): a caller makes a driver with its own configuration,
//! profile and keys, and crosses `open`, `begin` and `handle` with JSON
//! text; the answers are the core's text, byte for byte. They touch no store
//! and no audit sink: the caller performs the actions. At most
//! [`MAX_RAW_DRIVERS`] live; the oldest is dropped beyond.

use presidio_x402_core::driver::Driver;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Most scratch drivers kept at once.
pub const MAX_RAW_DRIVERS: usize = 64;

/// The scratch drivers.
#[derive(Default)]
pub struct RawDrivers {
    inner: Mutex<(u64, BTreeMap<u64, Driver>)>,
}

impl RawDrivers {
    /// Keeps a new driver; its id.
    pub fn add(&self, d: Driver) -> u64 {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.0 += 1;
        let id = g.0;
        while g.1.len() >= MAX_RAW_DRIVERS {
            g.1.pop_first();
        }
        g.1.insert(id, d);
        id
    }

    /// Runs `f` on driver `id` (`None` when unknown).
    pub fn with<T>(&self, id: u64, f: impl FnOnce(&mut Driver) -> T) -> Option<T> {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.1.get_mut(&id).map(f)
    }

    /// Drops driver `id`; whether it existed.
    pub fn remove(&self, id: u64) -> bool {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.1.remove(&id).is_some()
    }
}
