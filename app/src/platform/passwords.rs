//! Password hashing with argon2id, off the async runtime, with a bounded number in flight.
//!
//! Each hash takes 19 MiB and tens of milliseconds of one core. At most one hash per core
//! runs at a time; a bounded queue waits behind them; past that, callers are told at once
//! that the service is overloaded (HTTP 503) instead of piling up memory and latency.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// argon2id parameters: m = 19 MiB, t = 2, p = 1 (OWASP's first recommendation).
pub fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters")
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

/// Why a hash could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Too many hashes are queued; answer 503.
    #[error("password hashing is overloaded")]
    Overloaded,
    /// The hashing task failed (should not happen).
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// The shared, bounded password hasher.
#[derive(Debug)]
pub struct PasswordHasher {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    max_wait: Duration,
    dummy_hash: String,
}

impl PasswordHasher {
    /// A hasher running at most `parallelism` hashes at once, with at most `max_waiting`
    /// callers queued, each waiting at most `max_wait`.
    pub fn new(parallelism: usize, max_waiting: usize, max_wait: Duration) -> Self {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let dummy_hash = argon2()
            .hash_password(b"dummy password for unknown accounts", &salt)
            .expect("argon2 hashes a constant")
            .to_string();
        PasswordHasher {
            running: Arc::new(Semaphore::new(parallelism.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
            max_wait,
            dummy_hash,
        }
    }

    /// A hasher sized for this machine: one hash per core, a queue of 16 per core.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::new(cores, cores * 16, Duration::from_secs(5))
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(HashError::Overloaded);
        }
        let permit = tokio::time::timeout(self.max_wait, self.running.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let permit = match permit {
            Ok(Ok(p)) => p,
            Ok(Err(_)) => return Err(HashError::Failed("semaphore closed".into())),
            Err(_) => return Err(HashError::Overloaded),
        };
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await
        .map_err(|e| HashError::Failed(e.to_string()))
    }

    /// Hashes a new password (PHC string with a random salt).
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| HashError::Failed(e.to_string()))
        })
        .await?
    }

    /// Checks a password against a stored hash. With no stored hash (unknown account), a
    /// dummy hash is checked instead so that the answer takes the same time.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, HashError> {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.clone());
        let ok = self
            .run(move || match PasswordHash::new(&hash) {
                Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
                Err(_) => false,
            })
            .await?;
        Ok(ok && known)
    }

    /// Callers currently queued (for metrics and tests).
    pub fn queued(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_and_verifies() {
        let h = PasswordHasher::new(1, 4, Duration::from_secs(5));
        let hash = h.hash("Lab0rat!".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(h.verify("Lab0rat!".into(), Some(hash.clone())).await.unwrap());
        assert!(!h.verify("lab0rat!".into(), Some(hash)).await.unwrap());
        // unknown account: never true, even with the dummy's own password
        assert!(!h.verify("dummy password for unknown accounts".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn overload_is_refused_quickly() {
        let h = Arc::new(PasswordHasher::new(1, 1, Duration::from_secs(30)));
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let h = h.clone();
            tasks.push(tokio::spawn(async move { h.hash("Lab0rat!".into()).await }));
        }
        let mut overloaded = 0;
        for t in tasks {
            if matches!(t.await.unwrap(), Err(HashError::Overloaded)) {
                overloaded += 1;
            }
        }
        // one running + one queued at most; the others are refused
        assert!(overloaded >= 3, "only {overloaded} refused");
    }
}
