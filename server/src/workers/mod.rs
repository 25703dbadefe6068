//! Background work, all started from [`start`]: e-mail delivery, the scheduler (invitation
//! and provisional-code reminders and expiries) and housekeeping (retention, expired
//! sessions). Each runs at the interval the configuration gives it and says so at start.

pub mod housekeeping;
pub mod mail;
pub mod scheduler;

use crate::config::JobIntervals;
use mail::MailWorkerSettings;
use sesame_app::platform::AppState;
use sesame_app::platform::mail::transport::MailTransport;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Starts every background job; they stop when `shutdown` turns true.
pub fn start(
    state: &AppState,
    jobs: JobIntervals,
    transport: MailTransport,
    mail: MailWorkerSettings,
    shutdown: &watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    tracing::info!(poll = ?mail.poll, lease = ?mail.lease, "mail worker started");
    tracing::info!(every = ?jobs.scheduler, "scheduler started (invitations, provisional access codes)");
    tracing::info!(every = ?jobs.housekeeping, "housekeeping started (retention, sessions)");
    vec![
        tokio::spawn(mail::run(state.clone(), transport, mail, shutdown.clone())),
        tokio::spawn(scheduler::run(state.clone(), jobs.scheduler, shutdown.clone())),
        tokio::spawn(housekeeping::run(state.clone(), jobs.housekeeping, shutdown.clone())),
    ]
}
