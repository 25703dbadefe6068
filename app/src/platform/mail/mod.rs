//! E-mail: messages are rendered in the person's language, queued in the outbox table in
//! the same transaction as the change that causes them, and delivered by a worker.

pub mod outbox;
pub mod template;
pub mod transport;

/// A rendered e-mail ready to queue.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// Which template produced it (kept after sending, for statistics; no content).
    pub template: String,
}

impl std::fmt::Debug for Mail {
    // Mails carry addresses, names and links with secrets: debug shows the template only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail").field("template", &self.template).finish()
    }
}
/// An e-mail address with an optional display name (sender and recipients).
pub use lettre::message::Mailbox;
