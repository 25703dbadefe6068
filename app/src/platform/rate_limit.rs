//! Counters in the database that limit attempts per key (account, code, client, e-mail),
//! shared by every server instance.
//!
//! Keys never contain personal data in clear: callers pass keyed hashes.

use super::db::Db;
use sqlx::Row;

/// At most `max` events per `window` milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// Events allowed in one window.
    pub max: i64,
    /// Window length in milliseconds.
    pub window: i64,
}

/// The state of one counter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counter {
    /// Events in the current window.
    pub count: i64,
    /// When the current window started.
    pub window_start: i64,
    /// When the last event happened.
    pub last_at: i64,
}

impl Counter {
    /// Seconds until the window ends (at least 1).
    pub fn retry_after_secs(&self, limit: Limit, now: i64) -> u64 {
        (((self.window_start + limit.window - now).max(1000)) / 1000) as u64
    }
}

/// Reads a counter without counting (an expired window reads as empty).
pub async fn peek(db: &Db, key: &str, limit: Limit, now: i64) -> Result<Counter, sqlx::Error> {
    let row = sqlx::query("SELECT count, window_start, last_at FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(r) if r.try_get::<i64, _>("window_start")? > now - limit.window => Counter {
            count: r.try_get("count")?,
            window_start: r.try_get("window_start")?,
            last_at: r.try_get("last_at")?,
        },
        _ => Counter::default(),
    })
}

/// Returns `Some(seconds to wait)` when the counter has reached its limit.
pub async fn exceeded(db: &Db, key: &str, limit: Limit, now: i64) -> Result<Option<u64>, sqlx::Error> {
    let c = peek(db, key, limit, now).await?;
    Ok((c.count >= limit.max).then(|| c.retry_after_secs(limit, now)))
}

/// Counts one event atomically and returns the counter after it.
pub async fn hit(db: &Db, key: &str, limit: Limit, now: i64) -> Result<Counter, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO rate_limits (key, window_start, count, last_at) VALUES ($1, $2, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.count + 1 END, \
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END, \
           last_at = $2 \
         RETURNING count, window_start, last_at",
    )
    .bind(key)
    .bind(now)
    .bind(now - limit.window)
    .fetch_one(db.pool())
    .await?;
    Ok(Counter {
        count: row.try_get("count")?,
        window_start: row.try_get("window_start")?,
        last_at: row.try_get("last_at")?,
    })
}

/// Forgets a counter (e.g. sign-in failures after a password reset).
pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE key = $1").bind(key).execute(db.pool()).await.map(|_| ())
}

/// Deletes counters whose window ended long ago (run periodically).
pub async fn purge(db: &Db, older_than: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE last_at < $1")
        .bind(older_than)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}
