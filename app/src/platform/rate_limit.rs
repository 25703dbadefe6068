//! The owner of `rate_limits`: counters in the database that limit attempts per key
//! (account, code, client, e-mail), shared by every server instance.
//!
//! Every limit **counts the attempt first, atomically, then decides**: a single
//! `INSERT … ON CONFLICT DO UPDATE … RETURNING` increments the counter and returns the count
//! this attempt got, so parallel requests each get their own number and at most `max` of
//! them pass — no check-then-count window to race through. The actions themselves, with
//! their keys and windows, are named in [`super::limits`].
//!
//! Keys never contain personal data in clear: callers pass keyed hashes.

use super::db::Db;

/// At most `max` events per `window` milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Events allowed in one window.
    pub max: i64,
    /// Window length in milliseconds.
    pub window: i64,
}

/// The state of one counter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Counter {
    /// Events in the current window, this one included.
    pub count: i64,
    /// When the current window started.
    pub window_start: i64,
    /// When the last event happened.
    pub last_at: i64,
    /// Until when the key must wait before its next attempt (a progressive delay).
    pub blocked_until: i64,
}

impl Counter {
    /// Seconds until the window ends (at least 1).
    pub fn retry_after_secs(&self, limit: Limit, now: i64) -> u64 {
        (((self.window_start + limit.window - now).max(1000)) / 1000) as u64
    }

    /// True when this attempt is beyond the limit.
    pub fn over(&self, limit: Limit) -> bool {
        self.count > limit.max
    }
}

/// Counts one event atomically and returns the counter after it (a window that ended
/// starts again at 1).
pub async fn hit(db: &Db, key: &str, limit: Limit, now: i64) -> Result<Counter, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO rate_limits (key, window_start, count, last_at, blocked_until) VALUES ($1, $2, 1, $2, 0) \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.count + 1 END, \
           blocked_until = CASE WHEN rate_limits.window_start <= $3 THEN 0 ELSE rate_limits.blocked_until END, \
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END, \
           last_at = $2 \
         RETURNING count, window_start, last_at, blocked_until",
    )
    .bind(key)
    .bind(now)
    .bind(now - limit.window)
    .fetch_one(db.pool())
    .await
}

/// One row that [`take_turns`] returns: a counter and its key.
#[derive(sqlx::FromRow)]
struct KeyedCounter {
    key: String,
    #[sqlx(flatten)]
    counter: Counter,
}

/// `key IN ($i, …)` over the placeholders `first..first + n`, or a false condition when
/// `n` is 0 (an empty `IN ()` is not SQL).
fn key_in(first: usize, n: usize) -> String {
    if n == 0 {
        return "1 = 0".into();
    }
    let list: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("key IN ({})", list.join(", "))
}

/// Like [`hit`] on several counters in **one statement**, each with its own window, except
/// that an attempt made while a key must still wait (see [`block_until`]) is not counted on
/// it: that counter comes back unchanged with its `blocked_until` in the future, and the
/// caller refuses without doing the work. The counters come back in the order of `turns`.
/// A sign-in counts three keys: one statement instead of three saves two hand-offs to the
/// database on every attempt. The keys must differ.
pub async fn take_turns<const N: usize>(
    db: &Db,
    turns: [(&str, Limit); N],
    now: i64,
) -> Result<[Counter; N], sqlx::Error> {
    // $1 = now, $2.. = the keys, then one window start per key (a window that started at
    // or before it has ended).
    let rows: Vec<String> = (0..N).map(|i| format!("(${}, $1, 1, $1, 0)", i + 2)).collect();
    let ended: String = (0..N).map(|i| format!(" WHEN ${} THEN ${}", i + 2, i + 2 + N)).collect();
    let ended = format!("rate_limits.window_start <= CASE rate_limits.key{ended} END");
    let sql = format!(
        "INSERT INTO rate_limits (key, window_start, count, last_at, blocked_until) VALUES {rows} \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN {ended} THEN 1 \
                        WHEN rate_limits.blocked_until > $1 THEN rate_limits.count \
                        ELSE rate_limits.count + 1 END, \
           blocked_until = CASE WHEN {ended} THEN 0 ELSE rate_limits.blocked_until END, \
           window_start = CASE WHEN {ended} THEN $1 ELSE rate_limits.window_start END, \
           last_at = CASE WHEN rate_limits.blocked_until > $1 THEN rate_limits.last_at ELSE $1 END \
         RETURNING key, count, window_start, last_at, blocked_until",
        rows = rows.join(", "),
    );
    let mut query = sqlx::query_as::<_, KeyedCounter>(&sql).bind(now);
    for (key, _) in &turns {
        query = query.bind(*key);
    }
    for (_, limit) in &turns {
        query = query.bind(now - limit.window);
    }
    let returned = query.fetch_all(db.pool()).await?;
    let mut counters = [Counter::default(); N];
    for (slot, (key, _)) in counters.iter_mut().zip(&turns) {
        *slot = returned.iter().find(|r| r.key == *key).map(|r| r.counter).ok_or(sqlx::Error::RowNotFound)?;
    }
    Ok(counters)
}

/// Takes back one event on each key of `undo` and forgets each key of `forget`, in one
/// statement (what a sign-in does once its verdict is known). A forgotten counter keeps
/// its row at zero, with nothing to wait for: it reads and counts on as if deleted.
pub async fn settle(db: &Db, undo: &[&str], forget: &[&str]) -> Result<(), sqlx::Error> {
    let undone = key_in(1, undo.len());
    let sql = format!(
        "UPDATE rate_limits SET \
           count = CASE WHEN {undone} THEN CASE WHEN count > 0 THEN count - 1 ELSE 0 END ELSE 0 END, \
           blocked_until = CASE WHEN {undone} THEN blocked_until ELSE 0 END \
         WHERE {all}",
        all = key_in(1, undo.len() + forget.len()),
    );
    let mut query = sqlx::query(&sql);
    for key in undo.iter().chain(forget) {
        query = query.bind(*key);
    }
    query.execute(db.pool()).await.map(|_| ())
}

/// Makes a key wait until `until` before its next turn (progressive delays).
pub async fn block_until(db: &Db, key: &str, until: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rate_limits SET blocked_until = $1 WHERE key = $2")
        .bind(until)
        .bind(key)
        .execute(db.pool())
        .await
        .map(|_| ())
}

/// Takes back one event counted by [`hit`] (an attempt that turned out not to be a
/// failure, for counters that limit failures).
pub async fn undo(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rate_limits SET count = count - 1 WHERE key = $1 AND count > 0")
        .bind(key)
        .execute(db.pool())
        .await
        .map(|_| ())
}

/// Reads a counter without counting (an expired window reads as empty).
pub async fn peek(db: &Db, key: &str, limit: Limit, now: i64) -> Result<Counter, sqlx::Error> {
    let row: Option<Counter> =
        sqlx::query_as("SELECT count, window_start, last_at, blocked_until FROM rate_limits WHERE key = $1")
            .bind(key)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.filter(|c| c.window_start > now - limit.window).unwrap_or_default())
}

/// Forgets a counter (e.g. sign-in failures after a password reset).
pub async fn clear(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE key = $1").bind(key).execute(db.pool()).await.map(|_| ())
}

/// Forgets every counter whose key starts with `prefix` (every client's sign-in failures
/// of one account, after a reset).
pub async fn clear_prefix(db: &Db, prefix: &str) -> Result<u64, sqlx::Error> {
    // Keys are `purpose:hex…:hex`, with no LIKE wildcard in them.
    sqlx::query("DELETE FROM rate_limits WHERE key LIKE $1")
        .bind(format!("{prefix}%"))
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}

/// Deletes counters whose window ended long ago (run periodically).
pub async fn purge(db: &Db, older_than: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE last_at < $1 AND blocked_until < $1")
        .bind(older_than)
        .execute(db.pool())
        .await
        .map(|r| r.rows_affected())
}
