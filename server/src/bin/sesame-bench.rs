//! `sesame-bench`: benchmarks that print numbers (they assert nothing).
//!
//! - `sesame-bench sign-in [--seconds 15] [--clients 16]`: the machine's raw argon2id verify
//!   rate (one verify per core, in parallel), then sign-in throughput and latency through the
//!   real HTTP stack, then an overload burst (how fast the excess is answered 503, and the
//!   process's peak memory).
//! - `sesame-bench users-list [--accounts 100000] [--runs 20]`: fills a database with that many
//!   accounts and times the admin list page per filter.
//!
//! - `sesame-bench reports [--seconds 10] [--clients 8] [--kb 300]`: starts the release
//!   `sesame` binary as its own process, creates 100 patients through the lab API, then
//!   publishes reports with a PDF of that size from concurrent clients (reports/s, latency);
//!   then sends 8 PDFs of 20 MB at once and prints the server process's peak memory.
//!
//! - `sesame-bench results [--reports 1000000] [--patients 200000] [--structures 500]
//!   [--runs 200]`: fills a database with that many reports (a tenth of them for one large
//!   structure, the rest spread over the others), patients with a NIR and structures with
//!   three sites each, then times `/resultats` (first page, a deep page, filters) for a
//!   biologist of the large structure and a collaborator limited to one site of a small one,
//!   and the NIR search, through the real HTTP stack.
//!
//! - `sesame-bench perf [--seconds 10] [--soak-seconds 60]`: the performance targets in one
//!   run against the release binary in its own process — downloads per page, rendering
//!   rate, sign-in goodput at 8 and 64 retrying clients, memory idle, after and under load
//!   (`perf.rs`; `scripts/bench.sh` adds the first paint measured in Chromium).
//!
//! They start Sésame on a throw-away SQLite database, or on `SESAME_BENCH_DATABASE_URL`
//! (a PostgreSQL database to fill).

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use sesame_app::platform::clock::SystemClock;
use sesame_app::platform::passwords::PasswordHasher;
use sesame_server::config::{Config, Mode};
use sesame_server::startup::{self, Overrides};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[path = "sesame_bench/perf.rs"]
mod perf;

const PASSWORD: &str = "Bench-Sesame-2026!";

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<f64>().unwrap_or(0.0))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn current_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<f64>().unwrap_or(0.0))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

struct Bench {
    running: sesame_server::startup::Running,
    base: String,
    dir: Option<PathBuf>,
}

impl Bench {
    async fn stop(self) {
        self.running.shutdown().await;
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

async fn start(hasher: Option<Arc<PasswordHasher>>) -> anyhow::Result<Bench> {
    let (url, dir) = match std::env::var("SESAME_BENCH_DATABASE_URL") {
        Ok(u) if !u.is_empty() => (u, None),
        _ => {
            static RUN: AtomicU64 = AtomicU64::new(0);
            let dir = std::env::temp_dir().join(format!(
                "sesame-bench-{}-{}",
                std::process::id(),
                RUN.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir)?;
            (format!("sqlite://{}/bench.db?mode=rwc", dir.display()), Some(dir))
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let base = format!("http://{addr}");
    let config = Config {
        mode: Mode::Development,
        database_url: url.into(),
        database_max_connections: 16,
        bind: addr,
        public_url: url::Url::parse(&base)?,
        smtp_url: None,
        mail_from: "Sésame <bench@sesame.test>".into(),
        mail_dir: std::env::temp_dir().join("sesame-bench-mail"),
        secret_key: "bench-secret-key-0123456789abcdef-0123456789".into(),
        site_root: PathBuf::from("target/site"),
        client_ip_source: axum_client_ip::ClientIpSource::ConnectInfo,
        log_json: false,
        jobs: sesame_server::config::JobIntervals::default(),
        documents_dir: None,
    };
    let db = startup::open_database(&config).await?;
    let overrides = Overrides { clock: Arc::new(SystemClock), mail: None, hasher, workers: false };
    let running = startup::spawn_on(listener, &config, db, overrides).await?;
    Ok(Bench { running, base, dir })
}

fn client(base: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", reqwest::header::HeaderValue::from_str(base).expect("origin"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

async fn insert_users(bench: &Bench, emails: &[String], hash: &str, kind: &str) -> anyhow::Result<()> {
    insert_users_in(&bench.running.state.db, emails, hash, kind).await
}

/// Creates active accounts with this password hash directly in a database.
async fn insert_users_in(
    db: &sesame_app::platform::db::Db,
    emails: &[String],
    hash: &str,
    kind: &str,
) -> anyhow::Result<()> {
    let now = jiff::Timestamp::now().as_millisecond();
    for chunk in emails.chunks(200) {
        let mut tx = db.begin().await?;
        for e in chunk {
            sqlx::query(
                "INSERT INTO users (email, email_key, password_hash, kind, status, last_name, first_name, lang, terms_accepted_at, email_verified_at, created_at, updated_at) \
                 VALUES ($1, $1, $2, $3, 'active', 'Banc', 'Essai', 'fr', $4, $4, $4, $4)",
            )
            .bind(e)
            .bind(hash)
            .bind(kind)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

async fn sign_in_bench() -> anyhow::Result<()> {
    let seconds = arg("--seconds", 15);
    let clients = arg("--clients", 16) as usize;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    println!("== Sign-in benchmark ({cores} cores)");

    // 1. Raw argon2id verify rate: one thread per core, no HTTP, no database.
    let (raw, hash) = raw_argon2_rate(cores, seconds.min(10));
    println!("raw argon2id verify (m=19 MiB, t=2, p=1), {cores} threads: {raw:.1} verifies/s");

    // 2. Sign-in through the real server: form post, database, session, cookie.
    let bench = start(None).await?;
    let emails: Vec<String> = (0..clients * 4).map(|i| format!("bench{i}@sesame.test")).collect();
    insert_users(&bench, &emails, &hash, "patient").await?;
    let latencies = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let (ok, overloaded, other) =
        (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (base, emails, latencies, ok, overloaded, other) =
            (bench.base.clone(), emails.clone(), latencies.clone(), ok.clone(), overloaded.clone(), other.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = c;
            while Instant::now() < deadline {
                let http = client(&base);
                let email = &emails[i % emails.len()];
                i += clients;
                let t = Instant::now();
                let r = http
                    .post(format!("{base}/api/connexion"))
                    .header("accept", "application/json")
                    .form(&[("email", email.as_str()), ("password", PASSWORD)])
                    .send()
                    .await;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                match r.map(|r| r.status().as_u16()) {
                    Ok(200) => {
                        ok.fetch_add(1, Ordering::Relaxed);
                        latencies.lock().await.push(ms);
                    }
                    Ok(503) => {
                        overloaded.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        other.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut l = latencies.lock().await.clone();
    l.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let rate = ok.load(Ordering::Relaxed) as f64 / elapsed;
    println!(
        "sign-in over HTTP, {clients} clients, {seconds} s: {rate:.1} sign-ins/s ({:.0} % of raw), p50 {:.0} ms, p99 {:.0} ms, 503: {}, other: {}",
        rate / raw * 100.0,
        percentile(&l, 0.5),
        percentile(&l, 0.99),
        overloaded.load(Ordering::Relaxed),
        other.load(Ordering::Relaxed)
    );
    bench.stop().await;

    // 3. Overload: a burst far above capacity is answered 503 quickly, memory stays bounded.
    let bench = start(Some(Arc::new(PasswordHasher::new(cores, cores * 4, Duration::from_secs(2))))).await?;
    insert_users(&bench, &emails, &hash, "patient").await?;
    // Reset the peak-memory counter, so the figure is the burst's alone.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = current_rss_mb();
    let burst = 400;
    let mut tasks = Vec::new();
    for i in 0..burst {
        let (base, email) = (bench.base.clone(), emails[i % emails.len()].clone());
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let r = client(&base)
                .post(format!("{base}/api/connexion"))
                .header("accept", "application/json")
                .form(&[("email", email.as_str()), ("password", PASSWORD)])
                .send()
                .await;
            (r.map(|r| r.status().as_u16()).unwrap_or(0), t.elapsed().as_secs_f64() * 1000.0)
        }));
    }
    let mut refused = Vec::new();
    let mut served = 0;
    for t in tasks {
        if let Ok((status, ms)) = t.await {
            if status == 503 {
                refused.push(ms);
            } else if status == 200 {
                served += 1;
            }
        }
    }
    refused.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    println!(
        "overload burst of {burst} at once: {served} served, {} answered 503 (p50 {:.0} ms, p99 {:.0} ms); memory before {before:.0} MiB, peak during the burst {:.0} MiB (server and the 400 clients, one process)",
        refused.len(),
        percentile(&refused, 0.5),
        percentile(&refused, 0.99),
        peak_rss_mb()
    );
    bench.stop().await;
    Ok(())
}

/// The machine's raw argon2id verify rate with Sésame's parameters, one thread per core for
/// `seconds`, no HTTP and no database; and the hash it verified (of [`PASSWORD`]).
fn raw_argon2_rate(cores: usize, seconds: u64) -> (f64, String) {
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        sesame_app::platform::passwords::params(),
    );
    let hash = argon
        .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut rand::rngs::OsRng))
        .expect("argon2 hashes")
        .to_string();
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let threads: Vec<_> = (0..cores)
        .map(|_| {
            let (hash, done, stop) = (hash.clone(), done.clone(), stop.clone());
            std::thread::spawn(move || {
                let argon = argon2::Argon2::new(
                    argon2::Algorithm::Argon2id,
                    argon2::Version::V0x13,
                    sesame_app::platform::passwords::params(),
                );
                let parsed = PasswordHash::new(&hash).expect("hash");
                while !stop.load(Ordering::Relaxed) {
                    let _ = argon.verify_password(PASSWORD.as_bytes(), &parsed);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let raw = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    (raw, hash)
}

async fn users_list_bench() -> anyhow::Result<()> {
    let accounts = arg("--accounts", 100_000) as usize;
    let runs = arg("--runs", 20) as usize;
    println!("== Admin list benchmark ({accounts} accounts, {runs} runs per filter)");
    let bench = start(None).await?;
    let state = bench.running.state.clone();
    let now = state.now();
    let started = Instant::now();
    // Reference data and the accounts, in batches of multi-row inserts.
    let lines = "correspondent_code,structure_name,site_name,city,postcode,departement\n86BV01,Laboratoire BioVienne,Poitiers,Poitiers,86000,86\n17ATL3,Laboratoire Atlantique,La Rochelle,La Rochelle,17000,17\n";
    sesame_app::structures::store::import_structures(
        &state.db,
        &sesame_app::structures::import::parse_structures(lines).map_err(|e| anyhow::anyhow!("{e:?}"))?,
        now,
    )
    .await?;
    const LAST: [&str; 20] = [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
        "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    ];
    const FIRST: [&str; 12] =
        ["Marie", "Jean", "Hélène", "Pierre", "Camille", "Lucas", "Léa", "Hugo", "Chloé", "Louis", "Emma", "Jules"];
    const STATUS: [&str; 6] = ["active", "active", "active", "invitation_sent", "invitation_expired", "deactivated"];
    const KIND: [&str; 3] = ["patient", "patient", "professional"];
    for batch in (0..accounts).collect::<Vec<_>>().chunks(500) {
        let mut sql = String::from(
            "INSERT INTO users (email, email_key, password_hash, kind, status, last_name, first_name, last_name_key, first_name_key, lang, is_admin, created_at, updated_at) VALUES ",
        );
        let values: Vec<String> = batch
            .iter()
            .map(|i| {
                let (last, first) = (LAST[i % LAST.len()], FIRST[(i / 7) % FIRST.len()]);
                let email = format!("{}.{}{i}@exemple.fr", first.to_lowercase(), last.to_lowercase());
                format!(
                    "('{email}', '{email}', NULL, '{}', '{}', '{}{}', '{first}', '{}', '{}', 'fr', {}, {now}, {now})",
                    KIND[i % KIND.len()],
                    STATUS[i % STATUS.len()],
                    last,
                    i % 1000,
                    sesame_app::domain::names::fold(&format!("{last}{}", i % 1000)),
                    sesame_app::domain::names::fold(first),
                    i64::from(i % 5000 == 0)
                )
            })
            .collect();
        sql.push_str(&values.join(","));
        sqlx::query(&sql).execute(state.db.pool()).await?;
    }
    sqlx::query(
        "INSERT INTO professional_access (user_id, structure_id, profile, results, invoices, all_sites, updated_at) \
         SELECT id, CASE WHEN id % 2 = 0 THEN 1 ELSE 2 END, CASE WHEN id % 10 = 0 THEN 'biologist' ELSE 'collaborator' END, 1, 0, 1, $1 FROM users WHERE kind = 'professional'",
    )
    .bind(now)
    .execute(state.db.pool())
    .await?;
    // As autovacuum would after such a load: up-to-date statistics for the planner.
    sqlx::query("ANALYZE").execute(state.db.pool()).await?;
    println!("filled in {:.1} s", started.elapsed().as_secs_f64());

    // A support administrator with a second factor, signed in over HTTP.
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let hash = state.hasher.hash(PASSWORD.to_string()).await?;
    sqlx::query(
        "INSERT INTO users (email, email_key, password_hash, kind, status, last_name, first_name, lang, is_admin, totp_secret, totp_enabled_at, created_at, updated_at) \
         VALUES ('admin@bench.test', 'admin@bench.test', $1, 'support', 'active', 'Admin', 'Bench', 'fr', 1, $2, $3, $3, $3)",
    )
    .bind(hash)
    .bind(state.seal_secret(secret.as_bytes())?)
    .bind(now)
    .execute(state.db.pool())
    .await?;
    let http = client(&bench.base);
    http.post(format!("{}/api/connexion", bench.base))
        .header("accept", "application/json")
        .form(&[("email", "admin@bench.test"), ("password", PASSWORD)])
        .send()
        .await?;
    let code = sesame_app::platform::totp::code_at(secret, (state.now() / 1000) as u64).unwrap_or_default();
    let r = http
        .post(format!("{}/api/connexion-code", bench.base))
        .header("accept", "application/json")
        .form(&[("code", code.as_str())])
        .send()
        .await?;
    anyhow::ensure!(r.status().is_success(), "second factor refused: {}", r.status());

    let filters = [
        ("no filter", ""),
        ("status = Actif", "?statut=active"),
        ("status = Invitation expirée", "?statut=invitation_expired"),
        ("kind = Professionnel", "?type=professional"),
        ("structure", "?structure=1"),
        ("role = Administrateur", "?role=admin"),
        ("role = Biologiste", "?role=biologist"),
        ("search 'lef' (name prefix)", "?q=lef"),
        ("search 'marie.dur' (e-mail prefix)", "?q=marie.dur"),
        ("search + status", "?q=mar&statut=active"),
        ("page 1000", "?page=1000"),
    ];
    println!("{:<36} {:>9} {:>9} {:>9}", "filter", "p50 ms", "p95 ms", "max ms");
    for (label, query) in filters {
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let r = http.get(format!("{}/admin/utilisateurs{query}", bench.base)).send().await?;
            anyhow::ensure!(r.status().is_success(), "{label}: {}", r.status());
            let _ = r.bytes().await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        println!(
            "{label:<36} {:>9.1} {:>9.1} {:>9.1}",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times.last().copied().unwrap_or(0.0)
        );
    }
    bench.stop().await;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("sign-in") => sign_in_bench().await,
        Some("users-list") => users_list_bench().await,
        Some("reports") => reports_bench().await,
        Some("results") => results_bench().await,
        Some("perf") => perf::run().await,
        _ => {
            eprintln!(
                "usage: sesame-bench sign-in [--seconds 15] [--clients 16] | users-list [--accounts 100000] [--runs 20] | reports [--seconds 10] [--clients 8] [--kb 300] | results [--reports 1000000] [--patients 200000] [--structures 500] [--runs 200] | perf [--seconds 10] [--soak-seconds 60]"
            );
            std::process::exit(2);
        }
    }
}

/// Resident and peak memory (MiB) of another process.
fn process_memory_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn bench_pdf(bytes: usize) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n% sesame-bench\n".to_vec();
    // Incompressible filler, like a real PDF's compressed streams.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while pdf.len() < bytes {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        pdf.extend_from_slice(&x.to_le_bytes());
    }
    pdf.truncate(bytes);
    pdf
}

/// The lab API under load, against the `sesame` binary in its own process.
async fn reports_bench() -> anyhow::Result<()> {
    use base64::Engine;
    let seconds = arg("--seconds", 10);
    let clients = arg("--clients", 8) as usize;
    let kb = arg("--kb", 300) as usize;
    let exe = std::env::current_exe()?.with_file_name("sesame");
    anyhow::ensure!(exe.exists(), "{} is missing: cargo build --release -p sesame-server first", exe.display());
    let dir = std::env::temp_dir().join(format!("sesame-bench-reports-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let url = match std::env::var("SESAME_BENCH_DATABASE_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => format!("sqlite://{}/bench.db?mode=rwc", dir.display()),
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}");
    let secret = "sesame-bench-throwaway-key-0123456789abcdef";
    let mut child = tokio::process::Command::new(&exe)
        .arg("serve")
        .env("SESAME_DATABASE_URL", &url)
        .env("SESAME_BIND", format!("127.0.0.1:{port}"))
        .env("SESAME_PUBLIC_URL", &base)
        .env("SESAME_SECRET_KEY", secret)
        .env("SESAME_MAIL_DIR", dir.join("mail"))
        .env("SESAME_DATABASE_MAX_CONNECTIONS", "16")
        .env("SESAME_LOG", "warn")
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().unwrap_or(0);
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    let mut up = false;
    for _ in 0..300 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::ensure!(up, "the server did not start");
    let db = sesame_app::platform::db::Db::connect(&url, 2).await?;
    let now = jiff::Timestamp::now().as_millisecond();
    let name = format!("bench-{}", std::process::id());
    let (token, _) = sesame_app::lab::store::create(&db, &name, now).await?;
    println!(
        "== Lab API: reports ingested ({clients} clients, {kb} KB PDF, {seconds} s, {})",
        if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" }
    );
    let run = std::process::id();
    for p in 0..100 {
        let r = http
            .put(format!("{base}/api/lab/v1/patients/B{run}-P{p}"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "last_name": "Banc", "first_names": "Essai", "birth_date": "1980-01-01", "sex": "U" }))
            .send()
            .await?;
        anyhow::ensure!(r.status().is_success(), "patient: {}", r.status());
    }
    let pdf_b64 = Arc::new(base64::engine::general_purpose::STANDARD.encode(bench_pdf(kb * 1024)));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let started = Instant::now();
    for c in 0..clients {
        let (http, base, token, pdf_b64, stop) =
            (http.clone(), base.clone(), token.clone(), pdf_b64.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0u64;
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let body = format!(
                    "{{\"patient\":\"B{run}-P{}\",\"sampled_on\":\"2026-01-10\",\"status\":\"complete\",\"title\":\"Bilan\",\"pdf_base64\":\"{pdf_b64}\"}}",
                    i % 100
                );
                let t = Instant::now();
                let r = http
                    .put(format!("{base}/api/lab/v1/reports/B{run}-C{c}-R{i}"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().as_u16() == 201 => latencies.push(t.elapsed().as_secs_f64() * 1000.0),
                    _ => failures += 1,
                }
                i += 1;
            }
            (latencies, failures)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (l, f) = t.await?;
        all.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    println!(
        "reports/s {:.1}   p50 {:.1} ms   p99 {:.1} ms   failures {failures}",
        all.len() as f64 / elapsed,
        percentile(&all, 0.5),
        percentile(&all, 0.99)
    );
    let (idle, _) = process_memory_mb(pid);
    println!("server memory before the large uploads: {idle:.0} MiB resident");
    let big = Arc::new(bench_pdf(20 * 1024 * 1024));
    let mut uploads = Vec::new();
    for u in 0..8 {
        let (http, base, token, big) = (http.clone(), base.clone(), token.clone(), big.clone());
        uploads.push(tokio::spawn(async move {
            let meta = format!(
                "{{\"patient\":\"B{run}-P0\",\"sampled_on\":\"2026-01-10\",\"status\":\"complete\",\"title\":\"Gros\"}}"
            );
            let form = reqwest::multipart::Form::new()
                .text("metadata", meta)
                .part("pdf", reqwest::multipart::Part::bytes(big.to_vec()).file_name("big.pdf"));
            let t = Instant::now();
            let r = http
                .put(format!("{base}/api/lab/v1/reports/B{run}-BIG{u}"))
                .bearer_auth(&token)
                .multipart(form)
                .send()
                .await;
            (r.map(|r| r.status().as_u16()).unwrap_or(0), t.elapsed().as_secs_f64())
        }));
    }
    let mut statuses = Vec::new();
    for u in uploads {
        statuses.push(u.await?);
    }
    let (after, peak) = process_memory_mb(pid);
    println!(
        "8 parallel 20 MB uploads: statuses {:?}, slowest {:.1} s; server peak memory {peak:.0} MiB, {after:.0} MiB resident after",
        statuses.iter().map(|s| s.0).collect::<Vec<_>>(),
        statuses.iter().map(|s| s.1).fold(0.0, f64::max)
    );
    let _ = child.kill().await;
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Times `runs` requests made by `request` (a fresh one each time); prints p50, p99, max.
async fn time_requests<F, Fut>(label: &str, runs: usize, mut request: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<(reqwest::StatusCode, Vec<u8>)>>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let (status, body) = request().await?;
        anyhow::ensure!(status.is_success(), "{label}: {status}");
        anyhow::ensure!(!body.is_empty(), "{label}: empty answer");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    println!(
        "{label:<52} {:>8.1} {:>8.1} {:>8.1}",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0)
    );
    Ok(())
}

/// A signed-in browser for a professional: a session opened directly in the database (the
/// sign-in itself is measured by `sign-in`).
async fn pro_browser(bench: &Bench, user_id: i64) -> anyhow::Result<reqwest::Client> {
    let state = &bench.running.state;
    let mut tx = state.db.begin().await?;
    let token = sesame_app::platform::session::create(
        &mut tx,
        user_id,
        state.now(),
        sesame_app::platform::session::Stage::Full,
        &sesame_app::platform::session::NewSession { authenticated_at: state.now(), ..Default::default() },
    )
    .await?;
    tx.commit().await?;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", reqwest::header::HeaderValue::from_str(&bench.base)?);
    headers.insert(
        reqwest::header::COOKIE,
        reqwest::header::HeaderValue::from_str(&format!(
            "{}={token}",
            sesame_app::platform::session::cookie_name(false)
        ))?,
    );
    Ok(reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).default_headers(headers).build()?)
}

/// The NIR of bench patient `i` (canonical, with its key).
fn bench_nir(i: u64) -> String {
    let body = 2_850_381_000_000u64 + i;
    format!("{body}{:02}", 97 - body % 97)
}

/// `/resultats` and the NIR search at the scale of a network: 1,000,000 reports.
async fn results_bench() -> anyhow::Result<()> {
    let reports = arg("--reports", 1_000_000);
    let patients = arg("--patients", 200_000);
    let structures = arg("--structures", 500).max(2);
    let runs = arg("--runs", 200) as usize;
    println!(
        "== Results benchmark ({reports} reports, {patients} patients, {structures} structures, {runs} runs each)"
    );
    let bench = start(None).await?;
    let state = bench.running.state.clone();
    let db = state.db.pool();
    let now = state.now();
    let started = Instant::now();
    // One statement per table, rows generated by the database itself.
    let series = |n: u64| {
        format!("WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {n}) ")
    };
    sqlx::query(&format!(
        "{} INSERT INTO structures (id, correspondent_code, name, created_at) SELECT i, 'B' || i, 'Structure ' || i, {now} FROM n",
        series(structures)
    ))
    .execute(db)
    .await?;
    sqlx::query(&format!(
        "{} INSERT INTO sites (id, structure_id, name, city, postcode, departement, migrated_at, created_at) \
         SELECT i, (i - 1) / 3 + 1, 'Site ' || i, 'Ville', '86000', '86', {now}, {now} FROM n",
        series(structures * 3)
    ))
    .execute(db)
    .await?;
    sqlx::query(&format!(
        "{} INSERT INTO patient_records (id, lab_reference, last_name, first_names, birth_date, sex, nir, created_at) \
         SELECT i, 'P-' || i, 'Nom' || (i % 5000), 'Prenom' || (i % 300), '1985-03-14', 'F', \
         CAST(2850381000000 + i AS TEXT) || CASE WHEN 97 - (2850381000000 + i) % 97 < 10 THEN '0' ELSE '' END \
         || CAST(97 - (2850381000000 + i) % 97 AS TEXT), {now} FROM n",
        series(patients)
    ))
    .execute(db)
    .await?;
    println!("reference data in {:.1} s", started.elapsed().as_secs_f64());
    // A tenth of the reports for structure 1 (a hospital), the rest spread over the others;
    // one a minute, the newest now.
    let others = structures - 1;
    sqlx::query(&format!(
        "{} INSERT INTO reports (id, record_id, reference, status, sampled_on, available_at, title, structure_id, site_id, updated_at) \
         SELECT i, (i * 7919) % {patients} + 1, 'CR-' || i, CASE WHEN i % 4 = 0 THEN 'partial' ELSE 'complete' END, \
         '2026-' || substr('010203040506070809101112', CAST((i % 12) * 2 + 1 AS INTEGER), 2) || '-' || substr('01020304050607080910111213141516171819202122232425262728', CAST((i % 28) * 2 + 1 AS INTEGER), 2), \
         {now} - ({reports} - i) * 60000, 'Bilan ' || (i % 40), s, (s - 1) * 3 + 1 + (i / 10) % 3, {now} \
         FROM (SELECT i, CASE WHEN i % 10 = 0 THEN 1 ELSE 2 + i % {others} END AS s FROM n) AS t",
        series(reports)
    ))
    .execute(db)
    .await?;
    sqlx::query(
        "INSERT INTO documents (id, storage, storage_key, sealed_key, key_id, size, created_at) VALUES (1, 'database', 'bench', 'x', 'k', 48213, $1)",
    )
    .bind(now)
    .execute(db)
    .await?;
    sqlx::query(
        "INSERT INTO report_versions (report_id, version, status, sampled_on, title, document_id, body_hash, created_at) \
         SELECT id, 1, status, sampled_on, title, 1, 'x', available_at FROM reports",
    )
    .execute(db)
    .await?;
    println!("reports and versions in {:.1} s", started.elapsed().as_secs_f64());

    // A biologist of the large structure (all sites), a collaborator of structure 2 limited
    // to one site, another limited to two of the large structure's three sites; the
    // biologist opened one report in fifty of the latest 100,000.
    let mut ids = Vec::new();
    for (email, structure, all) in
        [("bio@bench.test", 1i64, 1i64), ("collab@bench.test", 2, 0), ("collab-large@bench.test", 1, 0)]
    {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, email_key, password_hash, kind, status, last_name, first_name, lang, is_admin, created_at, updated_at) \
             VALUES ($1, $1, NULL, 'professional', 'active', 'Bench', 'Pro', 'fr', 0, $2, $2) RETURNING id",
        )
        .bind(email)
        .bind(now)
        .fetch_one(db)
        .await?;
        sqlx::query(
            "INSERT INTO professional_access (user_id, structure_id, profile, results, invoices, all_sites, updated_at) VALUES ($1, $2, 'biologist', 1, 1, $3, $4)",
        )
        .bind(id)
        .bind(structure)
        .bind(all)
        .bind(now)
        .execute(db)
        .await?;
        ids.push(id);
    }
    for (user, site) in [(ids[1], 4i64), (ids[2], 1), (ids[2], 2)] {
        sqlx::query("INSERT INTO professional_sites (user_id, site_id) VALUES ($1, $2)")
            .bind(user)
            .bind(site)
            .execute(db)
            .await?;
    }
    sqlx::query(&format!(
        "INSERT INTO document_accesses (document_id, item_kind, item_id, version, user_id, action, at) \
         SELECT 1, 'report', id, 1, {}, 'open', available_at + 1 FROM reports WHERE structure_id = 1 AND id > {} AND id % 50 = 0",
        ids[0],
        reports.saturating_sub(100_000)
    ))
    .execute(db)
    .await?;
    // As autovacuum would after such a load: up-to-date statistics for the planner.
    sqlx::query("ANALYZE").execute(db).await?;
    println!("filled in {:.1} s", started.elapsed().as_secs_f64());

    let bio = pro_browser(&bench, ids[0]).await?;
    let collab = pro_browser(&bench, ids[1]).await?;
    let collab_large = pro_browser(&bench, ids[2]).await?;
    let get = |c: &reqwest::Client, path: String| {
        let (c, url) = (c.clone(), format!("{}{path}", bench.base));
        async move {
            let r = c.get(url).send().await?;
            Ok((r.status(), r.bytes().await?.to_vec()))
        }
    };
    // The keyset of the 20th page of the large structure, for a deep page.
    let deep: (i64, i64) = sqlx::query_as(
        "SELECT available_at, id FROM reports WHERE structure_id = 1 ORDER BY available_at DESC, id DESC LIMIT 1 OFFSET 999",
    )
    .fetch_one(db)
    .await?;
    println!("{:<52} {:>8} {:>8} {:>8}", "request", "p50 ms", "p99 ms", "max ms");
    time_requests("/resultats, large structure, all sites", runs, || get(&bio, "/resultats".into())).await?;
    time_requests("/resultats, large structure, page 21", runs, || {
        get(&bio, format!("/resultats?apres={}-{}", deep.0, deep.1))
    })
    .await?;
    time_requests("/resultats, large structure, new only", runs, || get(&bio, "/resultats?nouveaux=1".into())).await?;
    time_requests("/resultats, large structure, one site, partial", runs, || {
        get(&bio, "/resultats?site=2&etat=partial".into())
    })
    .await?;
    time_requests("/resultats, large structure, a month sampled", runs, || {
        get(&bio, "/resultats?du=2026-03-01&au=2026-03-31".into())
    })
    .await?;
    time_requests("/resultats, small structure, one site", runs, || get(&collab, "/resultats".into())).await?;
    time_requests("/resultats, large structure, two of its three sites", runs, || {
        get(&collab_large, "/resultats".into())
    })
    .await?;
    time_requests("/resultats, large structure, two sites, page 21", runs, || {
        get(&collab_large, format!("/resultats?apres={}-{}", deep.0, deep.1))
    })
    .await?;
    // The search: patient 1234's reports (a few of them at the large structure).
    let target = 1234u64;
    let (last, first) = (format!("Nom{}", target % 5000), format!("Prenom{}", target % 300));
    let nir = bench_nir(target);
    let mut step = 0u64;
    time_requests("NIR search (form, no JavaScript), large structure", runs, || {
        step += 1;
        let (c, url, db) = (bio.clone(), format!("{}/resultats/recherche", bench.base), state.db.clone());
        // A different patient each time, so no answer is cached anywhere.
        let i = (target + step * 37) % patients + 1;
        let (nir, last, first) = if step == 1 {
            (nir.clone(), last.clone(), first.clone())
        } else {
            (bench_nir(i), format!("Nom{}", i % 5000), format!("Prenom{}", i % 300))
        };
        async move {
            // The hourly search limit is part of the rule, not of the measure.
            sqlx::query("DELETE FROM rate_limits").execute(db.pool()).await?;
            let r = c
                .post(url)
                .header("accept", "text/html")
                .form(&[
                    ("_fn", "/api/resultats-recherche"),
                    ("nir", nir.as_str()),
                    ("last_name", last.as_str()),
                    ("first_name", first.as_str()),
                ])
                .send()
                .await?;
            let status = r.status();
            let body = r.bytes().await?.to_vec();
            anyhow::ensure!(
                String::from_utf8_lossy(&body).contains("fiche"),
                "the search answered without a count of records"
            );
            Ok((status, body))
        }
    })
    .await?;
    bench.stop().await;
    Ok(())
}
