//! What the server's tests share: the built binary started on a free loopback port
//! with its own SQLite file, stopped by its process id; an HTTP client that returns
//! every status as a value; the database read directly (after or beside the server);
//! and the core's events fixture (`tests/fixtures/events.json` at the workspace root).

#![allow(dead_code)] // each test file uses part of it

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A running `assent-server`. Dropping it kills the process if a test did not stop it.
pub struct Server {
    child: Child,
    pub base: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts the binary on `127.0.0.1:0` (the server logs the port it got) with the
    /// database `db` and the extra environment `env`; waits until it listens.
    pub fn start(db: &Path, env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_assent-server"));
        for name in [
            "ASSENT_LISTEN",
            "DATABASE_URL",
            "ASSENT_ALLOWED_ORIGINS",
            "ASSENT_READ_TOKEN",
            "ASSENT_RATE_LIMIT",
            "ASSENT_COMMIT_WAIT_MS",
        ] {
            command.env_remove(name);
        }
        command
            .env("ASSENT_LISTEN", "127.0.0.1:0")
            .env("DATABASE_URL", format!("sqlite://{}", db.display()))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the server binary starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Mutex::new(String::new()));
        let (listening, address) = mpsc::channel();
        let log_writer = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Ok(entry) = serde_json::from_str::<Value>(&line) {
                    if let Some(listen) = entry["fields"]["listen"].as_str() {
                        let _ = listening.send(listen.to_string());
                    }
                }
                let mut log = log_writer.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let listen = match address.recv_timeout(Duration::from_secs(30)) {
            Ok(listen) => listen,
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start: {}", log.lock().unwrap());
            }
        };
        Server {
            child,
            base: format!("http://{listen}"),
            log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM to the process and waits for it to exit (at most 30 s).
    pub fn stop(mut self) -> (ExitStatus, String) {
        terminate(self.pid());
        let status = wait(&mut self.child, Duration::from_secs(30));
        // Give the reader thread a moment to take the last lines.
        std::thread::sleep(Duration::from_millis(50));
        (status, self.log())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// SIGTERM to one process id.
pub fn terminate(pid: u32) {
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -TERM {pid}");
}

fn wait(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the server can be waited for") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the server did not stop within {limit:?} of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A fresh temporary folder and the database path inside it.
pub fn database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("log.db");
    (dir, db)
}

/// An HTTP answer: status, headers we look at, body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|_| panic!("a JSON answer, got {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A client that answers every status as a value (a 4xx is not an error here).
pub fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn answer(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Answer, ureq::Error> {
    let mut response = response?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    Ok(Answer {
        status: response.status().as_u16(),
        headers,
        body: response.body_mut().read_to_string()?,
    })
}

/// POSTs `body` with the content type `content_type` (none: no header).
pub fn try_post(
    agent: &ureq::Agent,
    url: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Answer, ureq::Error> {
    let mut request = agent.post(url);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    answer(request.send(body))
}

/// POSTs a JSON body as the page's outbox does.
pub fn post(agent: &ureq::Agent, url: &str, body: &str) -> Answer {
    try_post(agent, url, Some("application/json"), body.as_bytes()).expect("the server answers")
}

/// GETs `url`, with `Authorization: Bearer {token}` when given.
pub fn get(agent: &ureq::Agent, url: &str, token: Option<&str>) -> Answer {
    let mut request = agent.get(url);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    answer(request.call()).expect("the server answers")
}

/// A CORS preflight for `POST /events` from `origin`.
pub fn preflight(agent: &ureq::Agent, url: &str, origin: &str) -> Answer {
    let request = ureq::http::Request::options(url)
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .body(())
        .unwrap();
    answer(agent.run(request)).expect("the server answers")
}

/// The outbox bodies the core makes (`tests/fixtures/events.json`), as JSON text.
pub fn fixture_events() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/events.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fixture's first event under another `eventId`.
pub fn event_with_id(event_id: &str) -> String {
    let mut event = fixture_events().remove(0);
    event["eventId"] = Value::String(event_id.to_string());
    event.to_string()
}

/// One stored row, read from the database file itself.
#[derive(Debug)]
pub struct Row {
    pub seq: i64,
    pub event_id: String,
    pub consent_id: String,
    pub body: String,
}

/// Every row of the log in commit order, read with sqlx from `db`.
pub fn rows(db: &Path) -> Vec<Row> {
    query(db, |mut connection| async move {
        use sqlx::Row as _;
        let rows = sqlx::query("SELECT seq, event_id, consent_id, body FROM events ORDER BY seq")
            .fetch_all(&mut connection)
            .await
            .unwrap();
        rows.iter()
            .map(|row| Row {
                seq: row.get("seq"),
                event_id: row.get("event_id"),
                consent_id: row.get("consent_id"),
                body: row.get("body"),
            })
            .collect()
    })
}

/// The journal mode stored in the database file (`wal` once the server opened it).
pub fn journal_mode(db: &Path) -> String {
    query(db, |mut connection| async move {
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut connection)
            .await
            .unwrap()
    })
}

fn query<T, F>(db: &Path, read: impl FnOnce(sqlx::SqliteConnection) -> F) -> T
where
    F: std::future::Future<Output = T>,
{
    use sqlx::Connection as _;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
        let connection = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        read(connection).await
    })
}
