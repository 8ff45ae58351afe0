//! For unit tests: the server side of a stand-in AWS endpoint on a local port, which
//! tests answer as the service would.

use std::io::{Read, Write};
use std::net::TcpStream;

/// One request as the stand-in read it.
pub struct Request {
    /// `POST / HTTP/1.1`, `HEAD /logs HTTP/1.1`.
    pub line: String,
    pub body: String,
}

/// Reads the request on `conn` to the end of its body (`Content-Length`), so that
/// closing the connection after the answer does not reset it.
pub fn read(conn: &mut TcpStream) -> Request {
    let mut request = Vec::new();
    let mut buf = [0u8; 8192];
    let header_end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = conn.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break request.len();
        }
        request.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&request[..header_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while request.len() < header_end + length {
        let n = conn.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    Request {
        line: head.lines().next().unwrap_or_default().to_string(),
        body: String::from_utf8_lossy(&request[header_end..]).to_string(),
    }
}

/// Answers with `status`, the `headers` (`Name: value` lines) and `body`; a HEAD
/// request gets no body.
pub fn answer(conn: &mut TcpStream, request: &Request, status: u16, headers: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\n{headers}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(head.as_bytes());
    if !request.line.starts_with("HEAD") {
        let _ = conn.write_all(body.as_bytes());
    }
}

/// The `Content-Type` of EC2's XML answers.
pub const XML: &str = "Content-Type: text/xml\r\n";
