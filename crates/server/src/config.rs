//! The server's settings, read once from the environment at start. Only this module
//! reads environment variables; everything after it takes a [`Settings`] value. It
//! must not open a socket or a database: it only says what to open.

use std::net::SocketAddr;
use std::time::Duration;

/// Where to listen when `ASSENT_LISTEN` is unset: loopback only, so a server started
/// by hand is never reachable from outside until an operator says so.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
/// The database when `DATABASE_URL` is unset: a file beside the working directory,
/// created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://assent-log.db";
/// Requests per second one client address may make to `POST /events` when
/// `ASSENT_RATE_LIMIT` is unset (a page sends one event per decision; a backlog of
/// 200 queued events drains in a few seconds).
pub const DEFAULT_RATE_LIMIT: u32 = 50;

/// What the environment asked for.
#[derive(Clone, Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub database_url: String,
    /// Origins that may POST from a browser (CORS); empty: same-origin only.
    pub allowed_origins: Vec<String>,
    /// The bearer token of the read endpoint; `None`: reads are off (404).
    pub read_token: Option<String>,
    /// Requests per second per client address, with a burst of the same size.
    pub rate_limit: u32,
    /// How long the batch writer waits for more events after the first one of a
    /// batch (`ASSENT_COMMIT_WAIT_MS`, default 0: commit what is waiting at once).
    pub commit_wait: Duration,
    /// How many days `purge` keeps (`ASSENT_RETENTION_DAYS`); `None`: keep every
    /// event, and `purge` refuses to run.
    pub retention_days: Option<u32>,
}

/// A setting the server cannot start with.
#[derive(Debug)]
pub enum ConfigError {
    /// `ASSENT_LISTEN` is not an address and port (`127.0.0.1:8787`).
    Listen(String),
    /// A number setting is not a whole number in range.
    Number { name: &'static str, value: String },
    /// `ASSENT_READ_TOKEN` is set but empty or blank: that would let anyone read.
    EmptyReadToken,
    /// An origin in `ASSENT_ALLOWED_ORIGINS` is not `scheme://host[:port]`.
    Origin(String),
    /// `purge` ran without `ASSENT_RETENTION_DAYS` (the default keeps every event).
    NoRetention,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Listen(value) => {
                write!(f, "ASSENT_LISTEN is not an address and port: {value:?}")
            }
            ConfigError::Number { name, value } => {
                write!(f, "{name} is not a whole number in range: {value:?}")
            }
            ConfigError::EmptyReadToken => {
                write!(
                    f,
                    "ASSENT_READ_TOKEN is set but blank; unset it to turn reads off"
                )
            }
            ConfigError::NoRetention => write!(
                f,
                "ASSENT_RETENTION_DAYS is not set: the log keeps every event, so there is nothing to purge"
            ),
            ConfigError::Origin(value) => write!(
                f,
                "ASSENT_ALLOWED_ORIGINS: {value:?} is not an origin (scheme://host[:port], no path)"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Settings {
    /// The settings from the process environment.
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings from any lookup (the environment, or a test's map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let listen_text = lookup("ASSENT_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.to_string());
        let listen = listen_text
            .trim()
            .parse::<SocketAddr>()
            .map_err(|_| ConfigError::Listen(listen_text.clone()))?;
        let database_url = lookup("DATABASE_URL")
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let allowed_origins = match lookup("ASSENT_ALLOWED_ORIGINS") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|origin| !origin.is_empty())
                .map(origin)
                .collect::<Result<_, _>>()?,
        };
        let read_token = match lookup("ASSENT_READ_TOKEN") {
            None => None,
            Some(token) if token.trim().is_empty() => return Err(ConfigError::EmptyReadToken),
            Some(token) => Some(token),
        };
        let rate_limit = number(&lookup, "ASSENT_RATE_LIMIT", DEFAULT_RATE_LIMIT, 1)?;
        let commit_wait_ms = number(&lookup, "ASSENT_COMMIT_WAIT_MS", 0, 0)?;
        let retention_days = match lookup("ASSENT_RETENTION_DAYS") {
            None => None,
            Some(_) => Some(number(&lookup, "ASSENT_RETENTION_DAYS", 0, 1)?),
        };
        Ok(Settings {
            listen,
            database_url,
            allowed_origins,
            read_token,
            rate_limit,
            commit_wait: Duration::from_millis(u64::from(commit_wait_ms)),
            retention_days,
        })
    }
}

/// An origin as browsers send it in `Origin`: scheme, host and port, no path and no
/// trailing slash (so `https://shop.example/` is written `https://shop.example`).
fn origin(text: &str) -> Result<String, ConfigError> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => {
            Ok(text.to_string())
        }
        _ => Err(ConfigError::Origin(text.to_string())),
    }
}

fn number(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u32,
    minimum: u32,
) -> Result<u32, ConfigError> {
    match lookup(name) {
        None => Ok(default),
        Some(value) => match value.trim().parse::<u32>() {
            Ok(n) if n >= minimum => Ok(n),
            _ => Err(ConfigError::Number { name, value }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_listen_on_loopback_with_reads_off() {
        let settings = settings(&[]).unwrap();
        assert_eq!(settings.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(settings.database_url, DEFAULT_DATABASE_URL);
        assert!(settings.allowed_origins.is_empty());
        assert!(settings.read_token.is_none());
        assert!(
            settings.retention_days.is_none(),
            "the default keeps every event"
        );
    }

    #[test]
    fn origins_are_a_comma_separated_list_without_paths() {
        let settings = settings(&[(
            "ASSENT_ALLOWED_ORIGINS",
            "https://shop.example, http://127.0.0.1:8080",
        )])
        .unwrap();
        assert_eq!(
            settings.allowed_origins,
            ["https://shop.example", "http://127.0.0.1:8080"]
        );
        assert!(matches!(
            settings_err(&[("ASSENT_ALLOWED_ORIGINS", "https://shop.example/")]),
            ConfigError::Origin(_)
        ));
        assert!(matches!(
            settings_err(&[("ASSENT_ALLOWED_ORIGINS", "shop.example")]),
            ConfigError::Origin(_)
        ));
    }

    #[test]
    fn a_blank_token_or_a_bad_address_is_refused() {
        assert!(matches!(
            settings_err(&[("ASSENT_READ_TOKEN", " ")]),
            ConfigError::EmptyReadToken
        ));
        assert!(matches!(
            settings_err(&[("ASSENT_LISTEN", "localhost")]),
            ConfigError::Listen(_)
        ));
        assert!(matches!(
            settings_err(&[("ASSENT_RATE_LIMIT", "0")]),
            ConfigError::Number { .. }
        ));
        for days in ["0", "-3", "thirty", ""] {
            assert!(matches!(
                settings_err(&[("ASSENT_RETENTION_DAYS", days)]),
                ConfigError::Number {
                    name: "ASSENT_RETENTION_DAYS",
                    ..
                }
            ));
        }
        assert_eq!(
            settings(&[("ASSENT_RETENTION_DAYS", "30")])
                .unwrap()
                .retention_days,
            Some(30)
        );
    }

    fn settings_err(pairs: &[(&str, &str)]) -> ConfigError {
        match settings(pairs) {
            Ok(settings) => panic!("expected an error, got {settings:?}"),
            Err(error) => error,
        }
    }
}
