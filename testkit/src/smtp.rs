//! A minimal SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
//! that records the messages it receives, with decoders for what mail libraries send
//! (quoted-printable, base64, RFC 2047 encoded words, multipart/alternative).

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
        let (headers, body) = split_headers(&raw);
        let subject = decode_words(&header(&headers, "subject").unwrap_or_default());
        let mut text = String::new();
        let mut html = String::new();
        collect_parts(&headers, body, &mut text, &mut html);
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

fn split_headers(raw: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = match raw.find("\r\n\r\n") {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => match raw.find("\n\n") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => (raw, ""),
        },
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    (headers, body)
}

fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn collect_parts(headers: &[(String, String)], body: &str, text: &mut String, html: &mut String) {
    let ctype = header(headers, "content-type").unwrap_or_else(|| "text/plain".into());
    let lower = ctype.to_ascii_lowercase();
    if lower.starts_with("multipart/") {
        let Some(boundary) = param(&ctype, "boundary") else { return };
        let delimiter = format!("--{boundary}");
        for part in body.split(&delimiter).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let part = part.trim_start_matches(['\r', '\n']);
            let (h, b) = split_headers(part);
            collect_parts(&h, b, text, html);
        }
        return;
    }
    let encoding = header(headers, "content-transfer-encoding").unwrap_or_default().to_ascii_lowercase();
    let decoded = match encoding.as_str() {
        "quoted-printable" => decode_qp(body),
        "base64" => String::from_utf8_lossy(&decode_base64(body)).into_owned(),
        _ => body.to_string(),
    };
    let decoded = decoded.replace("\r\n", "\n");
    if lower.starts_with("text/html") {
        html.push_str(&decoded);
    } else if lower.starts_with("text/plain") {
        text.push_str(&decoded);
    }
}

/// Decodes quoted-printable text.
pub fn decode_qp(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if bytes.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if let Some(h) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(h);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes base64 (whitespace ignored).
pub fn decode_base64(s: &str) -> Vec<u8> {
    fn val(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let Some(v) = val(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`).
pub fn decode_words(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        let after = &rest[start + 2..];
        let parts: Vec<&str> = after.splitn(3, '?').collect();
        if parts.len() < 3 {
            out.push_str(&rest[start..]);
            return out;
        }
        let Some(end) = parts[2].find("?=") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let payload = &parts[2][..end];
        let decoded = if parts[1].eq_ignore_ascii_case("b") {
            String::from_utf8_lossy(&decode_base64(payload)).into_owned()
        } else {
            decode_qp(&payload.replace('_', " "))
        };
        out.push_str(&decoded);
        let consumed = start + 2 + parts[0].len() + 1 + parts[1].len() + 1 + end + 2;
        rest = &rest[consumed..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
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

    #[test]
    fn decoders() {
        assert_eq!(decode_qp("caf=C3=A9 =\r\nsuite"), "café suite");
        assert_eq!(decode_base64("Y2Fmw6k="), "café".as_bytes());
        assert_eq!(decode_words("=?utf-8?b?Q29uZmlybWV6IHZvdHJlIGFkcmVzc2U=?="), "Confirmez votre adresse");
        assert_eq!(decode_words("=?utf-8?q?V=C3=A9rifiez?= =?utf-8?q?_votre?="), "Vérifiez votre");
        assert_eq!(decode_words("Plain subject"), "Plain subject");
    }

    #[tokio::test]
    async fn receives_a_message_over_smtp() {
        let sink = SmtpSink::start().await.unwrap();
        let mut s = TcpStream::connect(sink.addr()).await.unwrap();
        let script = "EHLO test\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<B@Y.test>\r\nDATA\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\nContent-Type: text/plain\r\n\r\nVoir https://x.test/v?t=1.\r\n..point\r\n.\r\nQUIT\r\n";
        s.write_all(script.as_bytes()).await.unwrap();
        let m = sink.wait_for(Duration::from_secs(5), |_| true).await.unwrap();
        assert_eq!(m.from, "a@x.test");
        assert!(m.is_to("b@y.test"));
        assert_eq!(m.subject, "Café");
        assert_eq!(m.links(), vec!["https://x.test/v?t=1".to_string()]);
        assert!(m.text.contains("\n.point"));
    }
}
