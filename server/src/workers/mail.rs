//! The mail worker: delivers what the outbox holds, retries with exponential backoff, and
//! on shutdown finishes the mail it is sending before it stops.

use sesame_app::platform::AppState;
use sesame_app::platform::mail::Mailbox;
use sesame_app::platform::mail::outbox;
use sesame_app::platform::mail::transport::{MailTransport, SendError};
use std::time::Duration;
use tokio::sync::watch;

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct MailWorkerSettings {
    /// Sender address.
    pub from: Mailbox,
    /// Longest sleep between two looks at the outbox (a queued mail wakes it at once).
    pub poll: Duration,
    /// First retry delay; doubles at each failure.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_cap: Duration,
    /// Attempts before a mail is marked failed.
    pub max_attempts: i64,
    /// How long a claimed mail is reserved for this instance (another takes it over after).
    pub lease: Duration,
}

impl MailWorkerSettings {
    /// Production pacing: first retry after 5 s, then doubling up to 10 min, for ~3 days;
    /// poll and lease from the configuration.
    pub fn standard(from: Mailbox, poll: Duration, lease: Duration) -> Self {
        MailWorkerSettings {
            from,
            poll,
            backoff_base: Duration::from_secs(5),
            backoff_cap: Duration::from_secs(600),
            max_attempts: 450,
            lease,
        }
    }

    /// Delay before attempt number `attempts + 1`.
    pub fn backoff(&self, attempts: i64) -> Duration {
        let factor = 1u32.checked_shl(attempts.clamp(0, 20) as u32).unwrap_or(u32::MAX);
        self.backoff_base.saturating_mul(factor).min(self.backoff_cap)
    }
}

/// Removes e-mail addresses from an error text: SMTP servers quote the recipient in their
/// replies (`550 <jean@x.fr> unknown`), and addresses must not reach logs or the database.
pub fn redact_addresses(text: &str) -> String {
    text.split(' ').map(|word| if word.contains('@') { "<address>" } else { word }).collect::<Vec<_>>().join(" ")
}

/// Delivers every due mail once; returns how many were sent. Stops early (releasing the
/// rest of its batch) when shutdown is requested.
pub async fn deliver_due(
    state: &AppState,
    transport: &MailTransport,
    settings: &MailWorkerSettings,
    shutdown: &watch::Receiver<bool>,
) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    loop {
        let batch = outbox::claim_due(&state.db, state.now(), settings.lease.as_millis() as i64, 20).await?;
        if batch.is_empty() {
            return Ok(sent);
        }
        for claimed in batch {
            if *shutdown.borrow() {
                // Not started: leave it for the next run (its lease simply expires).
                return Ok(sent);
            }
            match transport.send(&settings.from, &claimed.mail).await {
                Ok(()) => {
                    outbox::mark_sent(&state.db, claimed.id, state.now()).await?;
                    tracing::info!(mail_id = claimed.id, template = %claimed.mail.template, "mail delivered");
                    sent += 1;
                }
                Err(e) => {
                    let (max, message) = match &e {
                        SendError::Invalid(m) => (claimed.attempts + 1, redact_addresses(m)),
                        SendError::Transient(m) => (settings.max_attempts, redact_addresses(m)),
                    };
                    let next = state.now() + settings.backoff(claimed.attempts).as_millis() as i64;
                    // The error text of lettre never contains the message body; it may name
                    // the server, not the recipient.
                    tracing::warn!(mail_id = claimed.id, attempts = claimed.attempts + 1, error = %message, "mail delivery failed; will retry");
                    outbox::mark_retry(&state.db, claimed.id, claimed.attempts, state.now(), next, &message, max)
                        .await?;
                }
            }
        }
    }
}

/// Runs until shutdown is requested.
pub async fn run(
    state: AppState,
    transport: MailTransport,
    settings: MailWorkerSettings,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        if let Err(e) = deliver_due(&state, &transport, &settings, &shutdown).await {
            tracing::error!(error = %e, "mail worker could not read the outbox");
        }
        if *shutdown.borrow() {
            return;
        }
        // Sleep until woken by a new mail, the next retry is due, or the poll interval.
        let mut sleep = settings.poll;
        if let Ok(Some(due)) = outbox::next_due(&state.db).await {
            let until = (due - state.now()).max(0) as u64;
            sleep = sleep.min(Duration::from_millis(until.max(50)));
        }
        tokio::select! {
            _ = state.mail_wakeup.notified() => {}
            _ = tokio::time::sleep(sleep) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_never_reach_logs() {
        assert_eq!(redact_addresses("550 5.1.1 <jean.dupont@exemple.fr>: unknown"), "550 5.1.1 <address> unknown");
        assert_eq!(redact_addresses("Connection refused (os error 111)"), "Connection refused (os error 111)");
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let s =
            MailWorkerSettings::standard("a@b.fr".parse().unwrap(), Duration::from_secs(5), Duration::from_secs(60));
        assert_eq!(s.backoff(0), Duration::from_secs(5));
        assert_eq!(s.backoff(1), Duration::from_secs(10));
        assert_eq!(s.backoff(3), Duration::from_secs(40));
        assert_eq!(s.backoff(10), Duration::from_secs(600));
        assert_eq!(s.backoff(100), Duration::from_secs(600));
    }
}
