//! The Sésame server: configuration, router assembly, background workers and command-line
//! subcommands. `main.rs` only parses the command line and calls into here, so the
//! integration tests start exactly what production starts.

pub mod cli;
pub mod config;
pub mod demo;
pub mod demo_calendar;
pub mod lab_api;
pub mod middleware;
pub mod router;
pub mod startup;
pub mod workers;

/// Sets up structured logging (`SESAME_LOG` filters, e.g. `info,sqlx=warn`).
pub fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("SESAME_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    // Colours only on a terminal: a log file or journal gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_ansi(ansi);
    let _ = if json { builder.json().try_init() } else { builder.compact().try_init() };
}
