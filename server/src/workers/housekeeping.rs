//! Periodic clean-up: expired sessions and stale rate-limit counters.

use sesame_app::platform::clock::DAY;
use sesame_app::platform::{AppState, rate_limit, session};
use std::time::Duration;
use tokio::sync::watch;

/// One pass of clean-up.
pub async fn run_once(state: &AppState) -> Result<(), sqlx::Error> {
    let now = state.now();
    let sessions = session::purge_expired(&state.db, now).await?;
    let counters = rate_limit::purge(&state.db, now - 31 * DAY).await?;
    if sessions + counters > 0 {
        tracing::info!(sessions, counters, "housekeeping");
    }
    Ok(())
}

/// Runs every `every` until shutdown.
pub async fn run(state: AppState, every: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(e) = run_once(&state).await {
            tracing::error!(error = %e, "housekeeping failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
