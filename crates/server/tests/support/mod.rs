//! What the server's tests share: the built binary started on a free loopback port
//! with its own database, stopped by its process id; a throw-away PostgreSQL
//! (Debian's package: `initdb` into a temporary folder, as the current user or through
//! `su postgres` when root, on 127.0.0.1 and a free port, stopped by its process id);
//! an HTTP client that returns every status as a value; the database read directly
//! (after or beside the server); and the core's events fixture
//! (`tests/fixtures/events.json` at the workspace root).

#![allow(dead_code)] // each test file uses part of it

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
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
    pub fn start(db: &Db, env: &[(&str, &str)]) -> Server {
        match Server::try_start(db, env) {
            Ok(server) => server,
            Err(log) => panic!("the server did not start: {log}"),
        }
    }

    /// As [`Server::start`], but a server that exits before it listens is answered
    /// with its log.
    pub fn try_start(db: &Db, env: &[(&str, &str)]) -> Result<Server, String> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_assent-server"));
        for name in [
            "ASSENT_LISTEN",
            "DATABASE_URL",
            "ASSENT_ALLOWED_ORIGINS",
            "ASSENT_READ_TOKEN",
            "ASSENT_RATE_LIMIT",
            "ASSENT_COMMIT_WAIT_MS",
            "ASSENT_RETENTION_DAYS",
        ] {
            command.env_remove(name);
        }
        command
            .env("ASSENT_LISTEN", "127.0.0.1:0")
            .env("DATABASE_URL", db.url())
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
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(50));
                return Err(log.lock().unwrap().clone());
            }
        };
        Ok(Server {
            child,
            base: format!("http://{listen}"),
            log,
        })
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

    /// SIGKILL: the process ends at once, mid-commit or not (a crash); its log.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(50));
        self.log()
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

/// The database a test's server uses.
#[derive(Clone, Debug)]
pub enum Db {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by URL.
    Postgres(String),
}

impl Db {
    pub fn url(&self) -> String {
        match self {
            Db::Sqlite(path) => format!("sqlite://{}", path.display()),
            Db::Postgres(url) => url.clone(),
        }
    }
}

/// A fresh temporary folder and a SQLite database inside it.
pub fn database() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::Sqlite(dir.path().join("log.db"));
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

/// POSTs as `try_post` does, sending again (up to three times) when the connection
/// fails before an answer arrives, as the page's outbox does: a pooled keep-alive
/// connection the server has just closed fails on write under load, and a repeat is
/// safe because the server stores an `eventId` once.
pub fn post_retrying(
    agent: &ureq::Agent,
    url: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Answer, ureq::Error> {
    let mut attempt = 1;
    loop {
        match try_post(agent, url, content_type, body) {
            Err(_) if attempt < 3 => attempt += 1,
            result => return result,
        }
    }
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
    pub received_at: i64,
    pub hash: String,
}

/// Every row of the log in commit order, read with sqlx from `db`.
pub fn rows(db: &Db) -> Vec<Row> {
    query(db, |mut connection| async move {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "SELECT seq, event_id, consent_id, body, received_at, hash FROM events ORDER BY seq",
        )
        .fetch_all(&mut connection)
        .await
        .unwrap();
        rows.iter()
            .map(|row| Row {
                seq: row.get("seq"),
                event_id: row.get("event_id"),
                consent_id: row.get("consent_id"),
                body: row.get("body"),
                received_at: row.get("received_at"),
                hash: row.get("hash"),
            })
            .collect()
    })
}

/// Runs one statement on `db` (a test's edit of the log, as an intruder would make
/// it); the number of rows it changed.
pub fn execute(db: &Db, statement: &str) -> u64 {
    let statement = statement.to_string();
    query(db, |mut connection| async move {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut connection)
            .await
            .unwrap()
            .rows_affected()
    })
}

/// What `assent-server COMMAND` did on `db`: its exit code, standard output and
/// standard error.
pub fn command(db: &Db, arguments: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_assent-server"))
        .args(arguments)
        .env_remove("ASSENT_RETENTION_DAYS")
        .env("DATABASE_URL", db.url())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("the server binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// One test per backend for each scenario (a function taking `&Db` at the test
/// file's root): `sqlite::NAME` on a SQLite file, `postgres::NAME` on a throw-away
/// PostgreSQL (skipped without one, unless `CI` is set).
#[allow(unused_macros)] // a test file without scenarios on both backends
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $scenario() {
                    let (_dir, db) = crate::support::database();
                    super::$scenario(&db);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $scenario() {
                    let Some(postgres) = crate::support::Postgres::start(&[]) else { return };
                    super::$scenario(&postgres.db());
                }
            )*
        }
    };
}

/// The journal mode stored in a SQLite file (`wal` once the server opened it).
pub fn journal_mode(db: &Db) -> String {
    query(db, |mut connection| async move {
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut connection)
            .await
            .unwrap()
    })
}

/// Runs `read` on a connection of its own to `db` (sqlx's `Any` driver, as the
/// server uses), on a runtime of its own.
pub fn query<T, F>(db: &Db, read: impl FnOnce(sqlx::AnyConnection) -> F) -> T
where
    F: std::future::Future<Output = T>,
{
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let connection = sqlx::AnyConnection::connect(&db.url()).await.unwrap();
        read(connection).await
    })
}

/// A throw-away PostgreSQL server: its own data folder in a temporary folder, on
/// 127.0.0.1 and a free port, with `fsync` and `synchronous_commit` on unless a test
/// says otherwise. Dropping it stops it by its process id (a fast shutdown) and
/// removes the folder.
pub struct Postgres {
    dir: tempfile::TempDir,
    pid: u32,
    pub url: String,
}

impl Postgres {
    /// Starts one, with extra server settings (`-c name=value` each). `None` when
    /// PostgreSQL is not installed and `CI` is unset (the test says it skipped);
    /// under `CI` a missing PostgreSQL fails the test.
    pub fn start(settings: &[&str]) -> Option<Postgres> {
        let Some(bin) = postgres_bin() else {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "CI is set and PostgreSQL is not installed (no initdb): run scripts/setup.sh"
                );
            }
            eprintln!(
                "skipped: PostgreSQL is not installed (no initdb); scripts/setup.sh installs it"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let root = is_root();
        if root {
            // The server refuses to run as root: the folder is the postgres user's.
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown the folder to postgres");
        }
        let data = dir.path().join("data");
        let port = free_port();
        let mut options = format!(
            "-k {} -h 127.0.0.1 -p {port} -c fsync=on -c synchronous_commit=on",
            dir.path().display()
        );
        for setting in settings {
            options.push_str(&format!(" -c {setting}"));
        }
        // -N: initdb skips its own final sync (a throw-away folder); the server itself
        // runs with fsync on.
        let initdb = format!(
            "'{}' -D '{}' -A trust -U assent -N -E UTF8 --locale=C >/dev/null",
            bin.join("initdb").display(),
            data.display()
        );
        let start = format!(
            "'{}' -D '{}' -o '{options}' -l '{}' -w -t 60 start >/dev/null",
            bin.join("pg_ctl").display(),
            data.display(),
            dir.path().join("log").display()
        );
        let script = format!("{initdb} && {start}");
        let status = if root {
            Command::new("su")
                .args(["postgres", "-s", "/bin/sh", "-c", &script])
                .status()
        } else {
            Command::new("/bin/sh").args(["-c", &script]).status()
        }
        .unwrap();
        let log = std::fs::read_to_string(dir.path().join("log")).unwrap_or_default();
        assert!(status.success(), "PostgreSQL did not start:\n{log}");
        let pid = std::fs::read_to_string(data.join("postmaster.pid"))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        Some(Postgres {
            dir,
            pid,
            url: format!("postgres://assent@127.0.0.1:{port}/postgres"),
        })
    }

    pub fn db(&self) -> Db {
        Db::Postgres(self.url.clone())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGINT is PostgreSQL's fast shutdown; it removes postmaster.pid when done.
        let _ = Command::new("kill")
            .args(["-INT", &self.pid.to_string()])
            .status();
        let pid_file = self.dir.path().join("data").join("postmaster.pid");
        let started = Instant::now();
        while pid_file.exists() && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The folder of PostgreSQL's programs: `PG_BIN` if set, else Debian's newest
/// `/usr/lib/postgresql/N/bin`.
fn postgres_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("PG_BIN") {
        let bin = PathBuf::from(bin);
        return bin.join("initdb").exists().then_some(bin);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    let output = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

/// A port nothing listens on now (taken from the kernel, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
