//! A small HTTP/1.1 client over one kept-alive TCP connection, for the load test: it keeps its
//! cookies, posts forms as our pages do (same origin, `Sec-Fetch-Site`), and reads bodies sized
//! by `Content-Length` or sent chunked. One request at a time, as one browser tab.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

pub struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
    cookies: BTreeMap<String, String>,
    timeout: Duration,
    /// Connections opened, the first included.
    pub connects: u64,
}

impl Client {
    pub fn new(addr: SocketAddr, timeout: Duration) -> Client {
        Client { addr, conn: None, cookies: BTreeMap::new(), timeout, connects: 0 }
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<Response> {
        self.request("GET", path, None).await
    }

    /// Posts `fields` url-encoded, from our own origin.
    pub async fn post_form(&mut self, path: &str, fields: &[(String, String)]) -> anyhow::Result<Response> {
        let body = serde_urlencoded::to_string(fields)?;
        self.request("POST", path, Some(body.into_bytes())).await
    }

    /// One request, within the timeout (a timeout is an error, and the connection is dropped).
    async fn request(&mut self, method: &str, path: &str, body: Option<Vec<u8>>) -> anyhow::Result<Response> {
        match tokio::time::timeout(self.timeout, self.exchange(method, path, body.as_deref())).await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => {
                self.conn = None;
                Err(e)
            }
            Err(_) => {
                self.conn = None;
                bail!("超时：{} 秒内没有收到完整的响应", self.timeout.as_secs())
            }
        }
    }

    async fn exchange(&mut self, method: &str, path: &str, body: Option<&[u8]>) -> anyhow::Result<Response> {
        let host = self.addr.to_string();
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: shuangyong-load\r\nAccept: text/html\r\n");
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        if let Some(b) = body {
            head.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nOrigin: http://{host}\r\nSec-Fetch-Site: same-origin\r\n",
                b.len()
            ));
        }
        head.push_str("\r\n");
        let mut message = head.into_bytes();
        if let Some(b) = body {
            message.extend_from_slice(b);
        }
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr).await.with_context(|| format!("无法连接 {host}"))?;
            s.set_nodelay(true)?;
            self.conn = Some(BufReader::with_capacity(64 << 10, s));
            self.connects += 1;
        }
        let conn = self.conn.as_mut().expect("connected above");
        conn.get_mut().write_all(&message).await.context("发送请求")?;
        let (res, keep) = read_response(conn, method == "HEAD").await?;
        if !keep {
            self.conn = None;
        }
        for c in &res.1 {
            self.set_cookie(c);
        }
        Ok(res.0)
    }

    fn set_cookie(&mut self, header: &str) {
        let pair = header.split(';').next().unwrap_or("");
        let Some((name, value)) = pair.split_once('=') else { return };
        let expired = header.to_ascii_lowercase().contains("max-age=0");
        if value.is_empty() || expired {
            self.cookies.remove(name.trim());
        } else {
            self.cookies.insert(name.trim().to_owned(), value.trim().to_owned());
        }
    }
}

type Parsed = ((Response, Vec<String>), bool);

/// Reads one response; returns it with its `Set-Cookie` headers, and whether the connection
/// may carry the next request.
async fn read_response(conn: &mut BufReader<TcpStream>, head_only: bool) -> anyhow::Result<Parsed> {
    let mut line = String::new();
    if conn.read_line(&mut line).await.context("读取状态行")? == 0 {
        bail!("服务器关闭了连接，未返回响应");
    }
    let mut parts = line.split_whitespace();
    let version = parts.next().unwrap_or("");
    let status: u16 = parts.next().and_then(|s| s.parse().ok()).with_context(|| format!("状态行有误：{line:?}"))?;
    anyhow::ensure!(version.starts_with("HTTP/1."), "不是 HTTP/1.x 响应：{line:?}");
    let mut length: Option<usize> = None;
    let mut chunked = false;
    let mut keep = version == "HTTP/1.1";
    let mut location = None;
    let mut cookies = Vec::new();
    loop {
        line.clear();
        if conn.read_line(&mut line).await? == 0 {
            bail!("响应头未读完连接就关闭了");
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else { bail!("响应头有误：{l:?}") };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = Some(value.parse().context("Content-Length")?),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            "connection" => keep = !value.eq_ignore_ascii_case("close"),
            "location" => location = Some(value.to_owned()),
            "set-cookie" => cookies.push(value.to_owned()),
            _ => {}
        }
    }
    let mut body = Vec::new();
    if head_only || status == 204 || status == 304 || (100..200).contains(&status) {
    } else if chunked {
        loop {
            line.clear();
            conn.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .with_context(|| format!("分块长度有误：{line:?}"))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    line.clear();
                    if conn.read_line(&mut line).await? == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            conn.read_exact(&mut body[start..]).await?;
            let mut crlf = [0u8; 2];
            conn.read_exact(&mut crlf).await?;
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        conn.read_exact(&mut body).await.context("读取响应正文")?;
    } else {
        conn.read_to_end(&mut body).await?;
        keep = false;
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    Ok(((Response { status, location, body }, cookies), keep))
}
