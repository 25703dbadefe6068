//! Delivering a rendered mail: through SMTP (lettre), or, in development when no SMTP server
//! is configured, as `.eml` files in a folder.

use super::Mail;
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Where mails go.
#[derive(Clone)]
pub enum MailTransport {
    /// A real SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder (development only); links are logged when `log_links`.
    Files {
        /// The folder.
        dir: PathBuf,
        /// Log each mail's first link (development convenience).
        log_links: bool,
    },
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Smtp(_) => f.write_str("MailTransport::Smtp"),
            MailTransport::Files { dir, .. } => write!(f, "MailTransport::Files({})", dir.display()),
        }
    }
}

/// Why a mail could not be delivered this time.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The message could not be built (bad address): retrying will not help.
    #[error("invalid message: {0}")]
    Invalid(String),
    /// The server or folder refused or was unreachable: retry later.
    #[error("delivery failed: {0}")]
    Transient(String),
}

impl MailTransport {
    /// An SMTP transport from a URL such as `smtp://127.0.0.1:2525` or
    /// `smtps://user:pass@mail.example.org` (see lettre's URL format).
    pub fn smtp(url: &str) -> Result<Self, String> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| e.to_string())?;
        Ok(MailTransport::Smtp(builder.timeout(Some(Duration::from_secs(15))).build()))
    }

    /// Sends one mail from `from`.
    pub async fn send(&self, from: &Mailbox, mail: &Mail) -> Result<(), SendError> {
        let to: Mailbox =
            mail.to.parse().map_err(|e: lettre::address::AddressError| SendError::Invalid(e.to_string()))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&mail.subject)
            .raw_header(lettre::message::header::HeaderValue::new(
                lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        lettre::message::SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.clone()),
                    )
                    .singlepart(
                        lettre::message::SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html.clone()),
                    ),
            )
            .map_err(|e| SendError::Invalid(e.to_string()))?;
        match self {
            MailTransport::Smtp(t) => {
                t.send(message).await.map(|_| ()).map_err(|e| SendError::Transient(e.to_string()))
            }
            MailTransport::Files { dir, log_links } => {
                tokio::fs::create_dir_all(dir).await.map_err(|e| SendError::Transient(e.to_string()))?;
                let id = AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map_err(|e| SendError::Transient(e.to_string()))?;
                if *log_links {
                    let link = mail.text.split_whitespace().find(|w| w.starts_with("http"));
                    // Development only (no SMTP configured): the link is what a developer
                    // needs to continue the journey without a mail client.
                    tracing::info!(template = %mail.template, file = %format!("{id}.eml"), link = link.unwrap_or("-"), "mail written to the development outbox");
                }
                Ok(())
            }
        }
    }
}
