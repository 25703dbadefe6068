//! `smtp-sink`: an SMTP server for browser tests that shows what it received over HTTP.
//!
//! `smtp-sink --smtp 127.0.0.1:2525 --http 127.0.0.1:2580`
//! - `GET /messages` → JSON array of received messages (`from`, `to`, `subject`, `text`,
//!   `html`, `links`);
//! - `DELETE /messages` → forget them.

use sesame_testkit::SmtpSink;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let smtp: SocketAddr = arg("--smtp", "127.0.0.1:2525").parse()?;
    let http: SocketAddr = arg("--http", "127.0.0.1:2580").parse()?;
    let sink = SmtpSink::start_on(smtp).await?;
    let store = sink.store();
    let listener = TcpListener::bind(http).await?;
    println!("smtp-sink: SMTP on {}, HTTP on {}", sink.addr(), listener.local_addr()?);
    loop {
        let (mut stream, _) = listener.accept().await?;
        let store = store.clone();
        tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let n = stream.read(&mut buf).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let first = request.lines().next().unwrap_or_default().to_string();
            let (status, body) = if first.starts_with("GET /messages") {
                let messages = store.lock().map(|m| m.clone()).unwrap_or_default();
                let json: Vec<serde_json::Value> = messages
                    .iter()
                    .map(|m| {
                        serde_json::json!({
                            "from": m.from, "to": m.to, "subject": m.subject,
                            "text": m.text, "html": m.html, "links": m.links(),
                        })
                    })
                    .collect();
                ("200 OK", serde_json::Value::Array(json).to_string())
            } else if first.starts_with("DELETE /messages") {
                if let Ok(mut m) = store.lock() {
                    m.clear();
                }
                ("200 OK", "[]".to_string())
            } else {
                ("404 Not Found", "{}".to_string())
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        });
    }
}
