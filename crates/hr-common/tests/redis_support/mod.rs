//! A Redis for the tests, per the services contract: `HR_TEST_REDIS_URL`
//! when set; else a throwaway `redis-server` on a free loopback port in a
//! temporary directory, stopped when dropped; else the test is skipped
//! with a printed reason, unless `HR_REQUIRE_SERVICES=1`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A Redis to test against; a server this process started stops when this
/// is dropped.
pub struct TestRedis {
    pub url: String,
    server: Option<(Child, PathBuf)>,
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        if let Some((child, dir)) = &mut self.server {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The Redis to use, or `None` (after printing why) when there is none and
/// services are not required.
pub fn redis() -> Option<TestRedis> {
    if let Ok(url) = std::env::var("HR_TEST_REDIS_URL")
        && !url.trim().is_empty()
    {
        return Some(TestRedis {
            url: url.trim().to_owned(),
            server: None,
        });
    }
    match start() {
        Ok(redis) => Some(redis),
        Err(reason) => {
            if std::env::var("HR_REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!("HR_REQUIRE_SERVICES=1 but no Redis: {reason}");
            }
            eprintln!(
                "skipped: no Redis ({reason}); set HR_TEST_REDIS_URL or install redis-server"
            );
            None
        }
    }
}

/// A key prefix no other test (or earlier run on a shared server) uses.
pub fn unique_prefix(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("hr-test:{test}:{}:{nanos}", std::process::id())
}

/// A loopback port nothing listens on (just freed).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

/// Sends one command in RESP and returns the raw reply, for checks that
/// must not go through the code under test.
pub fn raw_command(url: &str, args: &[&str]) -> String {
    let addr = url
        .trim_start_matches("redis://")
        .trim_end_matches('/')
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut stream = TcpStream::connect(&addr).expect("connect to the test Redis");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut command = format!("*{}\r\n", args.len());
    for a in args {
        command.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    stream.write_all(command.as_bytes()).unwrap();
    let mut buf = [0u8; 4096];
    let n = stream.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn start() -> Result<TestRedis, String> {
    let mut last = String::new();
    // The freed port may be taken again before the server binds it.
    for _ in 0..3 {
        match start_once() {
            Ok(redis) => return Ok(redis),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn start_once() -> Result<TestRedis, String> {
    let port = free_port();
    let dir = std::env::temp_dir().join(unique_prefix("redis").replace(':', "-"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("temporary directory: {e}"))?;
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!("cannot run redis-server: {e}"));
        }
    };
    let url = format!("redis://127.0.0.1:{port}/");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(status)) = child.try_wait() {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!("redis-server exited at start: {status}"));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok()
            && raw_command(&url, &["PING"]).starts_with("+PONG")
        {
            return Ok(TestRedis {
                url,
                server: Some((child, dir)),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    Err("redis-server did not answer within 10 s".to_owned())
}
