//! A real SMTP server for tests: it speaks SMTP to the application's mail transport, keeps
//! every message it receives, and can be stopped and restarted on the same port to test
//! that an outage loses no mail. The `smtp-sink` binary serves the messages over HTTP as
//! JSON for the browser tests.

pub mod smtp;

pub use smtp::{ReceivedMail, SmtpSink};
