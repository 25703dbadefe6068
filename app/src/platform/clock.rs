//! The time source. Injectable so tests can run a 14-day invitation cycle in milliseconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Where "now" comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default()
    }
}

/// A clock that tests move forward by hand: real time plus an offset, so that time still
/// flows (retries become due) and a test can jump 14 days ahead in an instant.
#[derive(Debug)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock that reads the wall-clock time until moved.
    pub fn new() -> Arc<Self> {
        Arc::new(ManualClock(AtomicI64::new(0)))
    }

    /// Moves time forward.
    pub fn advance(&self, millis: i64) {
        self.0.fetch_add(millis, Ordering::SeqCst);
    }

    /// Moves time forward by whole days.
    pub fn advance_days(&self, days: i64) {
        self.advance(days * DAY);
    }
}

impl Clock for ManualClock {
    fn now_millis(&self) -> i64 {
        SystemClock.now_millis() + self.0.load(Ordering::SeqCst)
    }
}

/// One second in milliseconds.
pub const SECOND: i64 = 1000;
/// One minute in milliseconds.
pub const MINUTE: i64 = 60 * SECOND;
/// One hour in milliseconds.
pub const HOUR: i64 = 60 * MINUTE;
/// One day in milliseconds.
pub const DAY: i64 = 24 * HOUR;
