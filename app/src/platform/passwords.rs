//! Password hashing with argon2id on a fixed pool of threads, with a bounded number in flight.
//!
//! Each hash takes 19 MiB and tens of milliseconds of one core. One worker thread per core
//! does the hashing, each reusing its own 19 MiB block, taken at its first hash (an idle
//! server holds none): memory is at most `cores × 19 MiB`, whatever the load, and the async
//! runtime never blocks. A bounded queue waits behind the
//! workers; past that, callers are told at once that the service is overloaded (HTTP 503)
//! instead of piling up latency.

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, oneshot};

/// argon2id parameters: m = 19 MiB, t = 2, p = 1 (OWASP's first recommendation).
pub fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters")
}

fn argon2(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
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

/// Hashes a password into a PHC string with a fresh salt, using the given memory.
fn hash_with(memory: &mut Vec<Block>, password: &[u8]) -> Result<String, String> {
    let p = params();
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_raw = salt.as_salt().decode_b64(&mut salt_buf).map_err(|e| e.to_string())?;
    let mut out = [0u8; 32];
    if memory.len() < p.block_count() {
        memory.resize(p.block_count(), Block::default());
    }
    argon2(p.clone())
        .hash_password_into_with_memory(password, salt_raw, &mut out, &mut memory[..p.block_count()])
        .map_err(|e| e.to_string())?;
    let output = Output::new(&out).map_err(|e| e.to_string())?;
    Ok(format!("$argon2id$v=19$m={},t={},p={}${}${}", p.m_cost(), p.t_cost(), p.p_cost(), salt.as_str(), output))
}

/// Checks a password against a PHC string (in constant time), using the given memory.
fn verify_with(memory: &mut Vec<Block>, password: &[u8], phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    let (Ok(p), Some(salt), Some(expected)) = (Params::try_from(&parsed), parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else { return false };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_raw) = salt.decode_b64(&mut salt_buf) else { return false };
    let mut out = vec![0u8; expected.len()];
    if memory.len() < p.block_count() {
        memory.resize(p.block_count(), Block::default());
    }
    let argon = Argon2::new(algorithm, Version::V0x13, p.clone());
    if argon.hash_password_into_with_memory(password, salt_raw, &mut out, &mut memory[..p.block_count()]).is_err() {
        return false;
    }
    // `Output` compares in constant time.
    Output::new(&out).is_ok_and(|o| o == expected)
}

/// The hash checked for unknown accounts: the current parameters, a fixed salt and an output
/// no password is known to give. Checking it costs what checking a real hash costs; nothing
/// is computed (or 19 MiB allocated) at start.
fn dummy_hash() -> String {
    let p = params();
    // Base64 (no padding) of "sesame-dummy-salt", and of 32 zero bytes.
    format!(
        "$argon2id$v=19$m={},t={},p={}$c2VzYW1lLWR1bW15LXNhbHQ${}",
        p.m_cost(),
        p.t_cost(),
        p.p_cost(),
        "A".repeat(43)
    )
}

enum Job {
    Hash(String, oneshot::Sender<Result<String, String>>),
    Verify(String, String, oneshot::Sender<bool>),
}

/// The shared, bounded password hasher.
#[derive(Debug)]
pub struct PasswordHasher {
    jobs: Mutex<mpsc::Sender<Job>>,
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    max_wait: Duration,
    dummy_hash: String,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job(…)")
    }
}

impl PasswordHasher {
    /// A hasher with `parallelism` worker threads, at most `max_waiting` callers queued,
    /// each waiting at most `max_wait`.
    pub fn new(parallelism: usize, max_waiting: usize, max_wait: Duration) -> Self {
        let parallelism = parallelism.max(1);
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..parallelism {
            let rx = rx.clone();
            let _ = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                // Grown to the hashing parameters' size by the first hash, then reused.
                let mut memory: Vec<Block> = Vec::new();
                loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(Job::Hash(password, reply)) => {
                            let _ = reply.send(hash_with(&mut memory, password.as_bytes()));
                        }
                        Ok(Job::Verify(password, phc, reply)) => {
                            let _ = reply.send(verify_with(&mut memory, password.as_bytes(), &phc));
                        }
                        Err(_) => return, // the hasher was dropped
                    }
                }
            });
        }
        let dummy_hash = dummy_hash();
        PasswordHasher {
            jobs: Mutex::new(tx),
            running: Arc::new(Semaphore::new(parallelism)),
            waiting: AtomicUsize::new(0),
            max_waiting,
            max_wait,
            dummy_hash,
        }
    }

    /// A hasher sized for this machine: one worker per core, a queue of 16 per core.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self::new(cores, cores * 16, Duration::from_secs(5))
    }

    /// Waits for a free worker, or answers `Overloaded` at once when the queue is full.
    async fn slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, HashError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(HashError::Overloaded);
        }
        let permit = tokio::time::timeout(self.max_wait, self.running.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match permit {
            Ok(Ok(p)) => Ok(p),
            Ok(Err(_)) => Err(HashError::Failed("semaphore closed".into())),
            Err(_) => Err(HashError::Overloaded),
        }
    }

    fn submit(&self, job: Job) -> Result<(), HashError> {
        self.jobs
            .lock()
            .map_err(|_| HashError::Failed("poisoned".into()))?
            .send(job)
            .map_err(|_| HashError::Failed("workers gone".into()))
    }

    /// Hashes a new password (PHC string with a random salt).
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _permit = self.slot().await?;
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Hash(password, reply))?;
        answer.await.map_err(|e| HashError::Failed(e.to_string()))?.map_err(HashError::Failed)
    }

    /// Checks a password against a stored hash. With no stored hash (unknown account), a
    /// dummy hash is checked instead so that the answer takes the same time.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, HashError> {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| self.dummy_hash.clone());
        let _permit = self.slot().await?;
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Verify(password, phc, reply))?;
        let ok = answer.await.map_err(|e| HashError::Failed(e.to_string()))?;
        Ok(ok && known)
    }

    /// Whether a new caller would be refused at once (the queue is full): lets the server
    /// answer 503 before it reads a request's body, touches the database or renders a page.
    pub fn is_saturated(&self) -> bool {
        self.waiting.load(Ordering::SeqCst) >= self.max_waiting
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
        // Hashes made by the argon2 crate's own API verify too (and vice versa).
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let theirs = argon2(params())
            .hash_password(b"Autre-Mot-2!", &SaltString::generate(&mut rand::rngs::OsRng))
            .unwrap()
            .to_string();
        assert!(h.verify("Autre-Mot-2!".into(), Some(theirs)).await.unwrap());
        assert!(argon2(params()).verify_password(b"Lab0rat!", &PasswordHash::new(&hash).unwrap()).is_ok());
        assert!(h.verify("Lab0rat!".into(), Some(hash.clone())).await.unwrap());
        assert!(!h.verify("lab0rat!".into(), Some(hash)).await.unwrap());
        // unknown account: never true; the dummy hash parses, so it costs a real check
        assert!(!h.verify("dummy password for unknown accounts".into(), None).await.unwrap());
        let dummy = dummy_hash();
        let parsed = PasswordHash::new(&dummy).unwrap();
        assert_eq!(Params::try_from(&parsed).unwrap().block_count(), params().block_count());
        assert_eq!(parsed.hash.unwrap().len(), 32);
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
        assert!(!h.is_saturated(), "free again once the work is done");
    }
}
