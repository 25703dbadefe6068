//! The database: SQLite or PostgreSQL, chosen at run time from the URL.
//!
//! Queries go through sqlx's `Any` driver with `$1`-style placeholders, which both backends
//! understand, so each query is written once. Where the two SQL dialects differ, the code
//! asks [`Db::backend`]. Timestamps are Unix milliseconds (`BIGINT`), booleans are `0`/`1`,
//! so the same Rust types decode from both.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Transaction};
use std::time::Duration;

/// Which database engine is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (the default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The embedded migrations of an engine.
fn migrator(backend: Backend) -> sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => sqlx::migrate!("../migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("../migrations/postgres"),
    }
}

/// A fingerprint of an engine's migrations (16 hexadecimal characters) that changes when
/// any migration does: the test harness names its migrated template database after it.
pub fn migrations_fingerprint(backend: Backend) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for m in migrator(backend).iter() {
        hash.update(m.version.to_be_bytes());
        hash.update(&m.checksum[..]);
    }
    super::crypto::hex(&hash.finalize()[..8])
}

/// A database transaction on either backend.
pub type Tx = Transaction<'static, Any>;

/// The connection pool and its backend.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// Errors while connecting or migrating.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names no supported database.
    #[error("unsupported database URL (expected sqlite:// or postgres://)")]
    UnsupportedUrl,
    /// The database could not be reached or opened.
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

impl Db {
    /// Connects to the database named by `url` (`sqlite://path?mode=rwc` or `postgres://…`).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl);
        };
        // Fail fast when the database is away: a request waits at most 3 s for a connection.
        let options = AnyPoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(3));
        let options = match backend {
            // No ping before handing out a connection: an SQLite connection is a file opened
            // by this process and cannot go stale, and sqlx's default check costs a second
            // round trip to the connection's thread for every statement (a sign-in makes a
            // dozen). PostgreSQL keeps it: it finds connections the server dropped.
            Backend::Sqlite => options.test_before_acquire(false).after_connect(|conn, _| {
                Box::pin(async move {
                    use sqlx::Executor;
                    // WAL lets readers proceed while one writer commits; foreign keys on;
                    // NORMAL sync is durable in WAL mode except on power loss.
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
                        .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        let pool = options.connect(url).await.map_err(DbError::Connect)?;
        Ok(Db { pool, backend })
    }

    /// Applies the migrations of this backend that are not applied yet.
    pub async fn migrate(&self) -> Result<(), DbError> {
        migrator(self.backend).run(&self.pool).await.map_err(DbError::Migrate)
    }

    /// The pool, for single statements outside a transaction.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue instead of failing when one upgrades a
    /// read lock; on PostgreSQL it is a plain `BEGIN`.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `sqlx::QueryBuilder` writes `?` placeholders through the `Any` driver, which
/// PostgreSQL rejects: this numbers them `$1, $2…`, which both engines accept. Dynamic SQL
/// is built with `QueryBuilder`, then run with [`numbered`] SQL and the builder's arguments.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut in_literal = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                in_literal = !in_literal;
                out.push(c);
            }
            '?' if !in_literal => {
                n += 1;
                out.push_str(&format!("${n}"));
            }
            c => out.push(c),
        }
    }
    out
}

/// Runs a `QueryBuilder`'s query as typed rows on either engine (see [`numbered`]).
pub async fn fetch_built<T>(db: &Db, mut builder: sqlx::QueryBuilder<'_, Any>) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    use sqlx::Execute;
    let mut query = builder.build();
    let args = query.take_arguments().map_err(sqlx::Error::Encode)?.unwrap_or_default();
    let sql = numbered(query.sql());
    sqlx::query_as_with::<_, T, _>(&sql, args).fetch_all(db.pool()).await
}

/// Like [`fetch_built`], for one value of one row.
pub async fn scalar_built<T>(db: &Db, mut builder: sqlx::QueryBuilder<'_, Any>) -> Result<T, sqlx::Error>
where
    T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> + Send + Unpin,
    (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    use sqlx::Execute;
    let mut query = builder.build();
    let args = query.take_arguments().map_err(sqlx::Error::Encode)?.unwrap_or_default();
    let sql = numbered(query.sql());
    sqlx::query_scalar_with::<_, T, _>(&sql, args).fetch_one(db.pool()).await
}

/// A 0/1 column read as a boolean (booleans are integers on both engines).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(v: i64) -> Self {
        Flag(v != 0)
    }
}

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

/// True when the error is a violated unique constraint (an e-mail already taken, a code
/// already used…), whatever the backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// True when the database cannot serve the request right now — unreachable, refusing
/// connections, closed pool, or busy past its wait — as opposed to a bug in a query: the
/// caller answers 503 and the request can be retried as is.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(e) => {
            is_busy(err)
                // PostgreSQL: connection exceptions, cannot connect now, admin shutdown, too many connections.
                || e.code().as_deref().is_some_and(|c| c.starts_with("08") || matches!(c, "55000" | "57P01" | "57P02" | "57P03" | "53300" | "3D000"))
        }
        _ => false,
    }
}

/// True when the error means the database is busy (SQLite lock wait expired, PostgreSQL
/// serialization failure or deadlock): the operation may be retried.
pub fn is_busy(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(e) => {
            matches!(e.code().as_deref(), Some("5" | "6" | "517" | "40001" | "40P01"))
        }
        sqlx::Error::PoolTimedOut => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_literals() {
        assert_eq!(numbered("a = ? AND b = '?' AND c IN (?, ?)"), "a = $1 AND b = '?' AND c IN ($2, $3)");
    }
}
