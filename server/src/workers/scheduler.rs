//! The scheduler: invitation reminders and expiries (`invitations::lifecycle`) and
//! provisional access code reminders (`first_login::lifecycle`), professionals' daily
//! digests of new documents (`reports::notices`, after 07:00 Paris time), exports of a
//! person's data too large for the request (`my_data::export`), every
//! `SESAME_SCHEDULER_EVERY`. Safe with several instances: each reminder or expiry is
//! claimed by a conditional update in the transaction that queues its e-mail.

use sesame_app::first_login::lifecycle as access_codes;
use sesame_app::invitations::lifecycle as invitations;
use sesame_app::platform::AppState;
use std::time::Duration;
use tokio::sync::watch;

/// One pass of every scheduled rule.
async fn pass(state: &AppState) {
    match invitations::run_once(state).await {
        Ok(p) if p.reminders + p.expired > 0 => {
            tracing::info!(reminders = p.reminders, expired = p.expired, "invitations")
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "invitation scheduler failed"),
    }
    match access_codes::run_once(state).await {
        Ok(n) if n > 0 => tracing::info!(reminders = n, "provisional access codes"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "access code scheduler failed"),
    }
    match sesame_app::my_data::export::build_pending(state).await {
        Ok(n) if n > 0 => tracing::info!(exports = n, "data exports built"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "data export builder failed"),
    }
    match sesame_app::reports::notices::send_digests(state).await {
        Ok(n) if n > 0 => tracing::info!(digests = n, "professionals' daily digests"),
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "digest scheduler failed"),
    }
}

/// Runs a pass every `every` until shutdown.
pub(crate) async fn run(state: AppState, every: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        pass(&state).await;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
