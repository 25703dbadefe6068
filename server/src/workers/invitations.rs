//! The invitation scheduler: reminders and expiries (see `invitations::lifecycle`).

use sesame_app::invitations::lifecycle;
use sesame_app::platform::AppState;
use std::time::Duration;
use tokio::sync::watch;

/// Runs a pass every `every` until shutdown.
pub async fn run(state: AppState, every: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        match lifecycle::run_once(&state).await {
            Ok(pass) if pass.reminders + pass.expired > 0 => {
                tracing::info!(reminders = pass.reminders, expired = pass.expired, "invitations")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "invitation scheduler failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
