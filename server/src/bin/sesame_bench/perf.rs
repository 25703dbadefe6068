//! `sesame-bench perf`: every figure of the performance targets in one run, against the
//! release `sesame` binary in its own process (so its memory is its own), next to the
//! machine's raw argon2id rate:
//!
//! 1. JavaScript + WebAssembly each page downloads (brotli, as served);
//! 2. server-side rendering rate of `/inscription` (`wrk -t2 -c16` when wrk is installed,
//!    otherwise 16 concurrent keep-alive clients of this process);
//! 3. sign-in goodput with 8 clients, then with 64 clients that retry a 503 at once;
//! 4. resident memory idle, after the overload, and through a mixed load (`--soak-seconds`).
//!
//! First paint on the slow-phone profile is measured in Chromium by `end2end/perf/first-paint.mjs`
//! (`scripts/bench.sh` runs both).

use super::{PASSWORD, arg, client, insert_users_in, percentile, process_memory_mb, raw_argon2_rate};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Pages measured for their download, with or without islands.
const PAGES: &[&str] = &["/", "/connexion", "/inscription", "/activation", "/demande-acces", "/aide"];

/// The release server, in its own process on a throw-away SQLite database.
struct Server {
    child: tokio::process::Child,
    pid: u32,
    base: String,
    url: String,
    dir: std::path::PathBuf,
}

impl Server {
    async fn start() -> anyhow::Result<Server> {
        let exe = std::env::current_exe()?.with_file_name("sesame");
        anyhow::ensure!(exe.exists(), "{} is missing: cargo leptos build --release first", exe.display());
        let dir = std::env::temp_dir().join(format!("sesame-bench-perf-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let base = format!("http://127.0.0.1:{port}");
        let child = tokio::process::Command::new(&exe)
            .arg("serve")
            .env("SESAME_DATABASE_URL", &url)
            .env("SESAME_BIND", format!("127.0.0.1:{port}"))
            .env("SESAME_PUBLIC_URL", &base)
            .env("SESAME_SECRET_KEY", "sesame-bench-throwaway-key-0123456789abcdef")
            .env("SESAME_MAIL_DIR", dir.join("mail"))
            .env("SESAME_LOG", "warn")
            // As behind a reverse proxy: each bench client is its own address (a rush comes
            // from many people, not one address's attempt limit).
            .env("SESAME_TRUST_PROXY", "true")
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().unwrap_or(0);
        let http = reqwest::Client::new();
        for _ in 0..300 {
            if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(Server { child, pid, base, url, dir });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("the server did not start")
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    fn memory(&self) -> (f64, f64) {
        process_memory_mb(self.pid)
    }
}

/// Runs the whole measurement and prints it.
pub(crate) async fn run() -> anyhow::Result<()> {
    let seconds = arg("--seconds", 10);
    let soak = arg("--soak-seconds", 60);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    println!("== Performance targets ({cores} cores)");
    let (raw, hash) = raw_argon2_rate(cores, seconds.min(10));
    println!("raw argon2id verify (m=19 MiB, t=2, p=1), {cores} threads: {raw:.1} verifies/s");

    let server = Server::start().await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (idle, _) = server.memory();
    println!("memory, idle after start: {idle:.1} MiB resident");

    // `--only sign-in` skips the page measurements (to look at the sign-in figures alone).
    let only_sign_in = std::env::args().any(|a| a == "sign-in");
    if !only_sign_in {
        downloads(&server.base).await?;
        render_rate(&server.base, seconds).await?;
    }

    let db = sesame_app::platform::db::Db::connect(&server.url, 2).await?;
    let emails: Vec<String> = (0..256).map(|i| format!("perf{i}@sesame.test")).collect();
    insert_users_in(&db, &emails, &hash, "patient").await?;
    let emails = Arc::new(emails);
    let before = CpuUse::now(server.pid);
    let eight = sign_ins(&server.base, &emails, 8, false, seconds).await;
    let eight_cpu = CpuUse::now(server.pid).since(&before);
    let rush = sign_ins(&server.base, &emails, 64, true, seconds).await;
    let rush_cpu = CpuUse::now(server.pid).since(&eight_cpu.end);
    // The machine's speed drifts from one minute to the next (a shared machine): the raw
    // rate is measured again right after the sign-ins, and they are compared with the mean.
    let (raw_after, _) = raw_argon2_rate(cores, seconds.min(10));
    let reference = (raw + raw_after) / 2.0;
    println!(
        "raw argon2id again after the sign-ins: {raw_after:.1} verifies/s; sign-ins are compared with the mean, {reference:.1}/s ({:.1} ms of one core per verify)",
        cores as f64 * 1000.0 / reference
    );
    println!(
        "sign-in, 8 clients: {:.1} sign-ins/s = {:.0} % of raw (p50 {:.0} ms, p99 {:.0} ms; {:.1}/s other answers)",
        eight.ok_rate,
        eight.ok_rate / reference * 100.0,
        eight.p50,
        eight.p99,
        eight.other_rate
    );
    eight_cpu.print(eight.ok);
    println!(
        "sign-in, 64 clients retrying at once: {:.1} sign-ins/s = {:.0} % of raw; {:.0} answers/s in all, {:.0}/s 503, {:.1}/s other",
        rush.ok_rate,
        rush.ok_rate / reference * 100.0,
        rush.answers_rate,
        rush.answers_rate - rush.ok_rate - rush.other_rate,
        rush.other_rate
    );
    rush_cpu.print(rush.ok);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let r = client(&server.base)
        .post(format!("{}/api/connexion", server.base))
        .header("accept", "application/json")
        .form(&[("email", emails[0].as_str()), ("password", PASSWORD)])
        .send()
        .await?;
    println!("a sign-in once the rush is over: {} {}", r.status(), r.text().await.unwrap_or_default());
    let (after, peak) = server.memory();
    println!("memory after the overload: {after:.1} MiB resident, peak {peak:.1} MiB");

    if soak > 0 && !only_sign_in {
        mixed_load(&server, &emails, soak).await;
    }
    db.close().await;
    server.stop().await;
    Ok(())
}

/// The app's JavaScript and WebAssembly referenced by each page, brotli as served.
async fn downloads(base: &str) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let mut sizes = std::collections::HashMap::new();
    for page in PAGES {
        let html = http.get(format!("{base}{page}")).send().await?.text().await?;
        let html_br =
            http.get(format!("{base}{page}")).header("accept-encoding", "br").send().await?.bytes().await?.len();
        let mut total = 0;
        // The island loader's call names the package directory, the module and the
        // WebAssembly: `("", "pkg", "sesame.<hash>", "sesame.<hash>")`.
        let mut files = Vec::new();
        if let Some(call) = html.split("(\"\", \"").nth(1) {
            let args: Vec<&str> = call.split('"').step_by(2).take(3).collect();
            if let [_pkg, js, wasm] = args[..] {
                files.push(format!("{js}.js"));
                files.push(format!("{wasm}.wasm"));
            }
        }
        for name in &files {
            let name = name.as_str();
            if !sizes.contains_key(name) {
                let len = http
                    .get(format!("{base}/pkg/{name}"))
                    .header("accept-encoding", "br")
                    .send()
                    .await?
                    .bytes()
                    .await?
                    .len();
                sizes.insert(name.to_string(), len);
            }
            total += sizes[name];
        }
        println!(
            "download {page:<16} HTML {:>5.1} KB, JS + WebAssembly {:>6.1} KB (brotli)",
            html_br as f64 / 1024.0,
            total as f64 / 1024.0
        );
    }
    Ok(())
}

/// `/inscription` rendered as fast as the server can, with wrk when it is installed.
async fn render_rate(base: &str, seconds: u64) -> anyhow::Result<()> {
    let url = format!("{base}/inscription");
    let mut measured = false;
    for (label, headers) in [("", vec![]), (" (brotli, as browsers ask)", vec!["-H", "Accept-Encoding: br"])] {
        let seconds_arg = format!("-d{seconds}s");
        let mut args = vec!["-t2", "-c16", seconds_arg.as_str(), "--latency"];
        args.extend(headers);
        args.push(&url);
        if let Ok(out) = std::process::Command::new("wrk").args(&args).output()
            && out.status.success()
        {
            let text = String::from_utf8_lossy(&out.stdout);
            let rate = text.lines().find_map(|l| l.strip_prefix("Requests/sec:")).unwrap_or("?");
            let p99 = text.lines().find_map(|l| l.trim_start().strip_prefix("99%")).unwrap_or("?");
            println!("render /inscription{label}, wrk -t2 -c16 {seconds} s: {} req/s, p99 {}", rate.trim(), p99.trim());
            measured = true;
        }
    }
    if measured {
        return Ok(());
    }
    let http = reqwest::Client::builder().pool_max_idle_per_host(16).build()?;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (http, url, done, stop) = (http.clone(), url.clone(), done.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(r) = http.get(&url).send().await
                        && r.bytes().await.is_ok()
                    {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    println!(
        "render /inscription, 16 keep-alive clients of the bench (wrk not installed) {seconds} s: {:.0} req/s",
        done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// What a sign-in load gave.
struct SignIns {
    /// Sign-ins that succeeded.
    ok: u64,
    ok_rate: f64,
    answers_rate: f64,
    /// Answers per second that were neither a sign-in nor a 503 (should be none).
    other_rate: f64,
    p50: f64,
    p99: f64,
}

/// `clients` clients sign in for `seconds` (a fresh cookie jar each time); with `retry`,
/// a 503 is retried at once instead of counted and moved past.
async fn sign_ins(base: &str, emails: &Arc<Vec<String>>, clients: usize, retry: bool, seconds: u64) -> SignIns {
    let ok = Arc::new(AtomicU64::new(0));
    let answers = Arc::new(AtomicU64::new(0));
    let others = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (base, emails, ok, answers, others) =
                (base.to_string(), emails.clone(), ok.clone(), answers.clone(), others.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut i = c;
                while Instant::now() < deadline {
                    let http = client(&base);
                    let email = &emails[i % emails.len()];
                    let t = Instant::now();
                    loop {
                        let status = http
                            .post(format!("{base}/api/connexion"))
                            .header("accept", "application/json")
                            .header("x-forwarded-for", format!("10.0.{}.{}", c / 250, c % 250 + 1))
                            .form(&[("email", email.as_str()), ("password", PASSWORD)])
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                            .unwrap_or(0);
                        answers.fetch_add(1, Ordering::Relaxed);
                        if status == 200 {
                            ok.fetch_add(1, Ordering::Relaxed);
                            latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                        } else if status != 503 {
                            others.fetch_add(1, Ordering::Relaxed);
                        }
                        if !(retry && status == 503) || Instant::now() >= deadline {
                            break;
                        }
                    }
                    i += clients;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap_or_default());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    SignIns {
        ok: ok.load(Ordering::Relaxed),
        ok_rate: ok.load(Ordering::Relaxed) as f64 / elapsed,
        answers_rate: answers.load(Ordering::Relaxed) as f64 / elapsed,
        other_rate: others.load(Ordering::Relaxed) as f64 / elapsed,
        p50: percentile(&latencies, 0.5),
        p99: percentile(&latencies, 0.99),
    }
}

/// Pages and sign-ins together for `seconds`, the server's resident memory sampled ten
/// times: it should stay flat after the warm-up.
async fn mixed_load(server: &Server, emails: &Arc<Vec<String>>, seconds: u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for c in 0..4 {
        let (base, stop) = (server.base.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut i = c;
            while !stop.load(Ordering::Relaxed) {
                let _ = http.get(format!("{base}{}", PAGES[i % PAGES.len()])).send().await.map(|r| r.bytes());
                i += 1;
            }
        }));
    }
    let sign_in_load = {
        let (base, emails) = (server.base.clone(), emails.clone());
        tokio::spawn(async move { sign_ins(&base, &emails, 4, false, seconds).await })
    };
    let mut samples = Vec::new();
    let step = Duration::from_secs((seconds / 10).max(1));
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(step).await;
        samples.push(server.memory().0);
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let _ = sign_in_load.await;
    println!(
        "memory through {seconds} s of mixed load (pages + sign-ins), MiB resident every {} s: {}",
        step.as_secs(),
        samples.iter().map(|m| format!("{m:.1}")).collect::<Vec<_>>().join(" ")
    );
}

/// CPU time used so far (seconds): the server's argon2 threads, the rest of the server, and
/// this bench process (its HTTP clients). Where a sign-in's CPU goes shows what keeps the
/// goodput below the raw rate on a machine whose cores the load generator shares.
struct CpuUse {
    hashing: f64,
    server: f64,
    bench: f64,
}

/// What a load used: the CPU it took, and the reading it ended on.
struct CpuSpent {
    hashing: f64,
    rest_of_server: f64,
    bench: f64,
    end: CpuUse,
}

impl CpuUse {
    fn now(pid: u32) -> CpuUse {
        let hashing = std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|task| std::fs::read_to_string(task.path().join("stat")).ok())
            .filter(|stat| stat.contains("(argon2-"))
            .map(|stat| stat_cpu_seconds(&stat))
            .sum();
        let server = std::fs::read_to_string(format!("/proc/{pid}/stat")).map(|s| stat_cpu_seconds(&s)).unwrap_or(0.0);
        let bench = std::fs::read_to_string("/proc/self/stat").map(|s| stat_cpu_seconds(&s)).unwrap_or(0.0);
        CpuUse { hashing, server, bench }
    }

    fn since(self, start: &CpuUse) -> CpuSpent {
        let hashing = self.hashing - start.hashing;
        CpuSpent {
            hashing,
            rest_of_server: (self.server - start.server) - hashing,
            bench: self.bench - start.bench,
            end: self,
        }
    }
}

impl CpuSpent {
    /// Prints the CPU per sign-in, and the share of the server's CPU that went to hashing.
    fn print(&self, sign_ins: u64) {
        let per = |s: f64| s * 1000.0 / sign_ins.max(1) as f64;
        println!(
            "  CPU per sign-in: hashing {:.1} ms, rest of the server {:.1} ms, bench clients {:.1} ms; hashing is {:.0} % of the server's CPU, {:.0} % of all",
            per(self.hashing),
            per(self.rest_of_server),
            per(self.bench),
            self.hashing / (self.hashing + self.rest_of_server).max(f64::EPSILON) * 100.0,
            self.hashing / (self.hashing + self.rest_of_server + self.bench).max(f64::EPSILON) * 100.0,
        );
    }
}

/// User + system CPU seconds in a `/proc/.../stat` line (fields 14 and 15, counted in the
/// kernel's USER_HZ, 100 per second on Linux's x86_64 and arm64).
fn stat_cpu_seconds(stat: &str) -> f64 {
    // The command name is in parentheses and may hold spaces: fields are counted after it.
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
