//! Housekeeping, every `SESAME_HOUSEKEEPING_EVERY`: the retention table
//! (`sesame_app::platform::retention`: unconfirmed sign-ups, inactive accounts, spent
//! links and codes, old logs and e-mail records, reviewed names), expired sessions and
//! stale attempt counters.

use sesame_app::platform::retention::{self, COUNTERS};
use sesame_app::platform::{AppState, rate_limit, session};
use std::time::Duration;
use tokio::sync::watch;

/// One pass of clean-up.
async fn run_once(state: &AppState) -> Result<(), sqlx::Error> {
    let now = state.now();
    let sessions = session::purge_expired(&state.db, now).await?;
    let counters = rate_limit::purge(&state.db, now - COUNTERS).await?;
    let purged = retention::apply(state).await?;
    if sessions + counters > 0 || purged != retention::Purged::default() {
        tracing::info!(sessions, counters, ?purged, "housekeeping");
    }
    Ok(())
}

/// Runs every `every` until shutdown.
pub(crate) async fn run(state: AppState, every: Duration, mut shutdown: watch::Receiver<bool>) {
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
