//! A minimal SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
//! that records the messages it receives, decoded by `mail-parser` (MIME parts,
//! quoted-printable, base64, RFC 2047 encoded words) as a mail client would.

use serde::Serialize;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// A message as received.
#[derive(Clone, Debug, Serialize)]
pub struct ReceivedMail {
    /// Envelope sender.
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
    /// Decoded subject.
    pub subject: String,
    /// Decoded plain-text part.
    pub text: String,
    /// Decoded HTML part.
    pub html: String,
    /// Raw message as transmitted (after dot-unstuffing).
    pub raw: String,
}

impl ReceivedMail {
    fn parse(from: String, to: Vec<String>, raw: String) -> Self {
        let parsed = mail_parser::MessageParser::default().parse(raw.as_bytes());
        let (subject, text, html) = match &parsed {
            Some(m) => (
                m.subject().unwrap_or_default().to_string(),
                m.body_text(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default(),
                m.body_html(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default(),
            ),
            None => Default::default(),
        };
        ReceivedMail { from, to, subject, text, html, raw }
    }

    /// Every `http(s)://` link in the plain-text part, in order.
    pub fn links(&self) -> Vec<String> {
        self.text
            .split_whitespace()
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(|w| w.trim_end_matches(['.', ',', ')', '>']).to_string())
            .collect()
    }

    /// True when one of the recipients is `address` (case-insensitive).
    pub fn is_to(&self, address: &str) -> bool {
        self.to.iter().any(|t| t.eq_ignore_ascii_case(address))
    }
}

type Store = Arc<Mutex<Vec<ReceivedMail>>>;

/// How the sink answers the end of a message: at once, or after a delay (a slow server,
/// so that a test can kill a client in the middle of sending).
#[derive(Debug, Default)]
struct Pace {
    accept_delay: Mutex<Duration>,
    in_progress: std::sync::atomic::AtomicUsize,
}

/// A running (or stopped) SMTP sink.
pub struct SmtpSink {
    addr: SocketAddr,
    store: Store,
    notify: Arc<Notify>,
    pace: Arc<Pace>,
    task: Option<JoinHandle<()>>,
}

impl SmtpSink {
    /// Starts on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0".parse().expect("valid address")).await
    }

    /// Starts on a given address.
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        let mut sink =
            SmtpSink { addr, store: Arc::default(), notify: Arc::new(Notify::new()), pace: Arc::default(), task: None };
        sink.listen().await?;
        Ok(sink)
    }

    async fn listen(&mut self) -> std::io::Result<()> {
        let listener = TcpListener::bind(self.addr).await?;
        self.addr = listener.local_addr()?;
        let store = self.store.clone();
        let notify = self.notify.clone();
        let pace = self.pace.clone();
        self.task = Some(tokio::spawn(async move {
            let mut sessions = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let store = store.clone();
                let notify = notify.clone();
                let pace = pace.clone();
                sessions.spawn(async move {
                    let _ = session(stream, store, notify, pace).await;
                });
            }
        }));
        Ok(())
    }

    /// From now on, holds each message this long before accepting it (a message whose
    /// sender disconnects meanwhile is not accepted, as a real server would not).
    pub fn set_accept_delay(&self, delay: Duration) {
        if let Ok(mut d) = self.pace.accept_delay.lock() {
            *d = delay;
        }
    }

    /// Messages fully transmitted and not yet accepted (held by the accept delay).
    pub fn in_progress(&self) -> usize {
        self.pace.in_progress.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// An `smtp://` URL for the application's configuration.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Stops listening and drops open connections: the port refuses connections.
    pub async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) -> std::io::Result<()> {
        self.stop().await;
        for _ in 0..50 {
            match self.listen().await {
                Ok(()) => return Ok(()),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        self.listen().await
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.store.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Forgets every message.
    pub fn clear(&self) {
        if let Ok(mut m) = self.store.lock() {
            m.clear();
        }
    }

    /// Waits until a message satisfying `pred` has arrived, or `timeout` passes.
    pub async fn wait_for(&self, timeout: Duration, pred: impl Fn(&ReceivedMail) -> bool) -> Option<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.notify.notified();
            if let Some(m) = self.messages().into_iter().find(|m| pred(m)) {
                return Some(m);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.messages().into_iter().find(|m| pred(m));
            }
        }
    }

    /// Waits for the next message sent to `address` whose subject contains `subject`.
    pub async fn wait_for_mail_to(&self, address: &str, subject: &str) -> Option<ReceivedMail> {
        self.wait_for(Duration::from_secs(15), |m| m.is_to(address) && m.subject.contains(subject)).await
    }

    /// A shared handle to the message store (for the HTTP view of the binary).
    pub fn store(&self) -> Arc<Mutex<Vec<ReceivedMail>>> {
        self.store.clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn address_of(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.rfind('>')) {
        (Some(a), Some(b)) if b > a => arg[a + 1..b].to_string(),
        _ => arg.split_whitespace().next().unwrap_or_default().to_string(),
    }
}

async fn session(stream: TcpStream, store: Store, notify: Arc<Notify>, pace: Arc<Pace>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 sesame-testkit ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut to: Vec<String> = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or_default().to_string();
        match verb.as_str() {
            "EHLO" => write.write_all(b"250-sesame-testkit\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n").await?,
            "HELO" => write.write_all(b"250 sesame-testkit\r\n").await?,
            "MAIL" => {
                from = address_of(line.split_once(':').map(|x| x.1).unwrap_or_default());
                to.clear();
                write.write_all(b"250 OK\r\n").await?;
            }
            "RCPT" => {
                to.push(address_of(line.split_once(':').map(|x| x.1).unwrap_or_default()));
                write.write_all(b"250 OK\r\n").await?;
            }
            "DATA" => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let mut raw = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let l = line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line);
                    raw.push_str(l);
                }
                let delay = pace.accept_delay.lock().map(|d| *d).unwrap_or_default();
                if !delay.is_zero() {
                    pace.in_progress.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    pace.in_progress.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    // A sender that died meanwhile has closed the connection: nothing to accept.
                    if let Ok(Ok(buf)) = tokio::time::timeout(Duration::from_millis(20), reader.fill_buf()).await
                        && buf.is_empty()
                    {
                        return Ok(());
                    }
                }
                let mail = ReceivedMail::parse(std::mem::take(&mut from), std::mem::take(&mut to), raw);
                if let Ok(mut m) = store.lock() {
                    m.push(mail);
                }
                notify.notify_waiters();
                write.write_all(b"250 OK: queued\r\n").await?;
            }
            "RSET" => {
                from.clear();
                to.clear();
                write.write_all(b"250 OK\r\n").await?;
            }
            "NOOP" => write.write_all(b"250 OK\r\n").await?,
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"502 Command not implemented\r\n").await?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn receives_a_message_over_smtp() {
        let sink = SmtpSink::start().await.unwrap();
        let mut s = TcpStream::connect(sink.addr()).await.unwrap();
        let script = "EHLO test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<B@Y.test>\r\nDATA\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nVoir https://x.test/v?t=3D1. Caf=C3=A9 =\r\nsuite\r\n..point\r\n.\r\nQUIT\r\n";
        s.write_all(script.as_bytes()).await.unwrap();
        let m = sink.wait_for(Duration::from_secs(5), |_| true).await.unwrap();
        assert_eq!(m.from, "a@x.test");
        assert!(m.is_to("b@y.test"));
        assert_eq!(m.subject, "Café");
        assert_eq!(m.links(), vec!["https://x.test/v?t=1".to_string()]);
        assert!(m.text.contains("Café suite"), "{}", m.text);
        assert!(m.text.contains("\n.point"));
    }
}
