//! Starting and stopping Sésame: state, HTTP server, background workers, graceful shutdown.
//! Used by `sesame serve` and by the integration tests (on port 0, fresh database each).

use crate::config::Config;
use crate::workers::mail::MailWorkerSettings;
use leptos::config::LeptosOptions;
use secrecy::ExposeSecret;
use sesame_app::platform::clock::{Clock, SystemClock};
use sesame_app::platform::db::Db;
use sesame_app::platform::mail::transport::MailTransport;
use sesame_app::platform::passwords::PasswordHasher;
use sesame_app::platform::{AppState, Settings};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// Knobs that tests turn (real values in production).
#[derive(Clone, Debug)]
pub struct Overrides {
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Mail worker pacing; `None` for the standard pacing.
    pub mail: Option<MailWorkerSettings>,
    /// Password hasher; `None` for one sized for the machine.
    pub hasher: Option<Arc<PasswordHasher>>,
    /// Whether to run the background workers.
    pub workers: bool,
}

impl Default for Overrides {
    fn default() -> Self {
        Overrides { clock: Arc::new(SystemClock), mail: None, hasher: None, workers: true }
    }
}

/// Connects and migrates the database named by the configuration.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url.expose_secret();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or_default();
        if let Some(parent) = std::path::Path::new(file).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)?;
        }
    }
    let db = Db::connect(url, config.database_max_connections).await?;
    db.migrate().await?;
    Ok(db)
}

/// Leptos rendering options for the built site.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    // Hashed file names are used when cargo-leptos wrote its hash file next to the binary.
    let hash_files = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|p| p.join("hash.txt")))
        .is_some_and(|p| p.exists());
    LeptosOptions::builder()
        .output_name("sesame")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .hash_files(hash_files)
        .build()
}

/// Builds the shared state.
pub fn build_state(config: &Config, db: Db, overrides: &Overrides) -> AppState {
    AppState {
        db,
        settings: Arc::new(Settings {
            public_url: config.public_url.clone(),
            secret_key: config.secret_key.expose_secret().as_bytes().to_vec().into(),
            secure_cookies: config.secure_cookies(),
            production: config.mode == crate::config::Mode::Production,
            log_mail_links: config.mode == crate::config::Mode::Development && config.smtp_url.is_none(),
            trust_proxy: config.client_ip_source != axum_client_ip::ClientIpSource::ConnectInfo,
        }),
        clock: overrides.clock.clone(),
        hasher: overrides.hasher.clone().unwrap_or_else(|| Arc::new(PasswordHasher::for_this_machine())),
        mail_wakeup: Arc::new(Notify::new()),
        leptos_options: Arc::new(leptos_options(config)),
        documents: match &config.documents_dir {
            Some(dir) => Arc::new(sesame_app::documents::DirectoryStorage::new(dir.clone())),
            None => Arc::new(sesame_app::documents::DatabaseStorage),
        },
    }
}

/// The mail transport the configuration asks for.
pub fn mail_transport(config: &Config) -> anyhow::Result<MailTransport> {
    Ok(match &config.smtp_url {
        Some(url) => MailTransport::smtp(url.expose_secret())
            .map_err(|e| anyhow::anyhow!("configuration error: SESAME_SMTP_URL: {e}"))?,
        None => MailTransport::Files {
            dir: config.mail_dir.clone(),
            log_links: config.mode == crate::config::Mode::Development,
        },
    })
}

/// A running Sésame: its address, state and the handles to stop it.
pub struct Running {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    /// Its shared state.
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    workers: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting requests, lets in-flight requests and the mail being sent finish,
    /// then returns.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(30), self.server).await;
        for w in self.workers {
            let _ = tokio::time::timeout(Duration::from_secs(30), w).await;
        }
        self.state.db.close().await;
    }

    /// Runs until Ctrl-C or SIGTERM, then shuts down gracefully.
    pub async fn until_signal(self) {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests and the mail being sent");
        self.shutdown().await;
        tracing::info!("stopped");
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Starts the HTTP server and the workers on an already opened database.
pub async fn spawn(config: &Config, db: Db, overrides: Overrides) -> anyhow::Result<Running> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} (SESAME_BIND): {e}", config.bind))?;
    spawn_on(listener, config, db, overrides).await
}

/// Like [`spawn`], on a listener the caller already bound (tests bind port 0 first so
/// that the public URL can name the port).
pub async fn spawn_on(
    listener: tokio::net::TcpListener,
    config: &Config,
    db: Db,
    overrides: Overrides,
) -> anyhow::Result<Running> {
    let state = build_state(config, db, &overrides);
    let transport = mail_transport(config)?;
    let mail_settings = overrides.mail.clone().unwrap_or_else(|| {
        MailWorkerSettings::standard(
            config.mail_from.parse().expect("validated by the configuration"),
            config.jobs.mail_poll,
            config.jobs.mail_lease,
        )
    });
    let (shutdown, shutdown_rx) = watch::channel(false);
    let workers = if overrides.workers {
        crate::workers::start(&state, config.jobs, transport, mail_settings, &shutdown_rx)
    } else {
        Vec::new()
    };

    let addr = listener.local_addr()?;
    let addressing = Arc::new(crate::middleware::context::ClientAddressing::new(
        config.client_ip_source.clone(),
        config.mode == crate::config::Mode::Production,
    ));
    let app = crate::router::build(state.clone(), addressing);
    let mut rx = shutdown_rx.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = rx.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(Running { addr, state, shutdown, server, workers })
}
