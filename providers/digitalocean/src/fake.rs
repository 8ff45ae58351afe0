//! A stand-in for DigitalOcean's API in unit tests: a local HTTP server that answers each
//! request as a test's handler says, and records the requests it got.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A request the server got: method and path (with its query).
pub type Request = (String, String);

/// What the handler answers: a status line (`200 OK`) and a JSON body.
pub type Answer = (&'static str, String);

/// Starts a server answering every request with `handler(method, path, requests so
/// far)`. Returns its URL and the requests it got.
pub async fn serve<H>(handler: H) -> (String, Arc<Mutex<Vec<Request>>>)
where
    H: Fn(&str, &str, &[Request]) -> Answer + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let log = log.clone();
            let handler = handler.clone();
            tokio::spawn(async move {
                let Some((method, path)) = read_request(&mut socket).await else {
                    return;
                };
                let (status, body) = {
                    let mut log = log.lock().unwrap();
                    let answer = handler(&method, &path, &log);
                    log.push((method, path));
                    answer
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

/// Reads a request's head and body; its method and path.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                let mut words = text.split_whitespace();
                return Some((words.next()?.to_string(), words.next()?.to_string()));
            }
        }
    }
}
