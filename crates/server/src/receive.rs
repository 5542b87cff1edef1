//! What a `POST /events` body must be, checked before anything is stored: JSON (UTF-8),
//! nested at most [`MAX_DEPTH`] deep, an object with a string `eventId` beside the
//! fields of the core's own [`Event`] (the page's outbox sends
//! `{eventId, ...event}`). The core's type is the one owner of the shape: a field it
//! requires that is missing or mistyped is refused with its JSON path; a field it does
//! not know is kept, because the whole body is stored as it came. This module only
//! judges bytes: it never touches the database, the clock or the request's sender.

use assent::history::Event;
use serde_json::{Map, Value};

/// The largest body taken (413 above it). A real event is about 1 KiB; the page's
/// history keeps at most 50 ids' fingerprints per event.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The deepest nesting taken (400 below it). A real event is 2 deep (`shown`,
/// `decisions`); room is left for fields newer pages add.
pub const MAX_DEPTH: usize = 32;
/// The longest `eventId` taken, in bytes (the page's are 32 hex digits).
pub const MAX_EVENT_ID_BYTES: usize = 256;

/// A body that passed every check.
#[derive(Debug)]
pub struct ReceivedEvent {
    pub event_id: String,
    pub event: Event,
    /// The client's time (`at`, milliseconds since the epoch) as SQLite stores it.
    pub client_at: i64,
    /// The body exactly as sent: unknown fields and their order are kept.
    pub body: String,
}

/// Why a body is refused. Each says what is wrong and where (a JSON path, `$` for the
/// whole body).
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not UTF-8 or not JSON at all (400).
    NotJson(String),
    /// Nested deeper than [`MAX_DEPTH`] (400); `at` is the first container too deep.
    TooDeep { at: String },
    /// JSON, but not an object (422).
    NotAnObject,
    /// A required field missing, mistyped or out of range (422).
    Field { at: String, what: String },
}

impl Refusal {
    /// The JSON path the refusal names.
    pub fn at(&self) -> String {
        match self {
            Refusal::NotJson(_) | Refusal::NotAnObject => "$".to_string(),
            Refusal::TooDeep { at } | Refusal::Field { at, .. } => at.clone(),
        }
    }

    /// What is wrong, in words (lowercase, no trailing period).
    pub fn message(&self) -> String {
        match self {
            Refusal::NotJson(reason) => format!("the body is not JSON: {reason}"),
            Refusal::TooDeep { .. } => format!("the body is nested deeper than {MAX_DEPTH}"),
            Refusal::NotAnObject => "the body is not a JSON object".to_string(),
            Refusal::Field { what, .. } => what.clone(),
        }
    }

    /// A short name for logs and, later, metrics: never the body's content.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::NotJson(_) => "not-json",
            Refusal::TooDeep { .. } => "too-deep",
            Refusal::NotAnObject => "not-an-object",
            Refusal::Field { .. } => "field",
        }
    }
}

/// Checks one body; on success the event, its id and the body as sent.
pub fn parse(body: &[u8]) -> Result<ReceivedEvent, Refusal> {
    let text =
        std::str::from_utf8(body).map_err(|_| Refusal::NotJson("it is not UTF-8".to_string()))?;
    let value: Value = serde_json::from_str(text).map_err(|error| {
        // serde_json stops at 128 levels by itself, before any stack is at risk.
        if error.to_string().contains("recursion limit") {
            Refusal::TooDeep {
                at: "$".to_string(),
            }
        } else {
            Refusal::NotJson(error.to_string())
        }
    })?;
    if let Some(at) = too_deep(&value, "$".to_string(), 0) {
        return Err(Refusal::TooDeep { at });
    }
    let Value::Object(mut object) = value else {
        return Err(Refusal::NotAnObject);
    };
    let event_id = event_id(&mut object)?;
    let event: Event =
        serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
            let base = json_path(&error.path().to_string());
            let what = error.inner().to_string();
            // serde names a missing field in its message, at the object that lacks it.
            // Otherwise the message is serde's alone ("invalid type: ..."): say where.
            match missing_field(&what) {
                Some(field) => Refusal::Field {
                    at: format!("{base}.{field}"),
                    what,
                },
                None => Refusal::Field {
                    what: format!("{base}: {what}"),
                    at: base,
                },
            }
        })?;
    if event.consent_id.is_empty() {
        return Err(Refusal::Field {
            at: "$.consentId".to_string(),
            what: "consentId must not be empty".to_string(),
        });
    }
    let client_at = i64::try_from(event.at).map_err(|_| Refusal::Field {
        at: "$.at".to_string(),
        what: "at is out of range (milliseconds since 1970 expected)".to_string(),
    })?;
    Ok(ReceivedEvent {
        event_id,
        event,
        client_at,
        body: text.to_string(),
    })
}

/// Takes `eventId` out of the body (the core's event does not have it): a non-empty
/// string of at most [`MAX_EVENT_ID_BYTES`].
fn event_id(object: &mut Map<String, Value>) -> Result<String, Refusal> {
    let refusal = |what: &str| Refusal::Field {
        at: "$.eventId".to_string(),
        what: what.to_string(),
    };
    match object.remove("eventId") {
        None => Err(refusal("missing field `eventId`")),
        Some(Value::String(id)) if id.is_empty() => Err(refusal("eventId must not be empty")),
        Some(Value::String(id)) if id.len() > MAX_EVENT_ID_BYTES => Err(refusal(&format!(
            "eventId is longer than {MAX_EVENT_ID_BYTES} bytes"
        ))),
        Some(Value::String(id)) => Ok(id),
        Some(_) => Err(refusal("invalid type: eventId must be a string")),
    }
}

/// The path of the first container nested deeper than [`MAX_DEPTH`], if any.
fn too_deep(value: &Value, path: String, depth: usize) -> Option<String> {
    if !matches!(value, Value::Array(_) | Value::Object(_)) {
        return None;
    }
    if depth >= MAX_DEPTH {
        return Some(path);
    }
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| too_deep(item, format!("{path}[{i}]"), depth + 1)),
        Value::Object(fields) => fields
            .iter()
            .find_map(|(key, item)| too_deep(item, format!("{path}.{key}"), depth + 1)),
        _ => None,
    }
}

/// serde_path_to_error's path (`shown.analytics`, `.` for the top) as a JSON path.
fn json_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "$".to_string()
    } else if path.starts_with('[') {
        format!("${path}")
    } else {
        format!("$.{path}")
    }
}

/// The field named by serde's "missing field `name`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")?
        .split('`')
        .next()
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> Value {
        json!({
            "eventId": "e1",
            "at": 1_700_000_000_000u64,
            "consentId": "c1",
            "policyVersion": "test-1",
            "disclosureHash": "sha256:00",
            "shown": {"analytics": "0123456789abcdef"},
            "choice": "accept-all",
            "decisions": {"analytics": true},
            "method": "banner",
            "language": "en"
        })
    }

    fn refusal(body: &Value) -> Refusal {
        parse(body.to_string().as_bytes()).unwrap_err()
    }

    #[test]
    fn a_valid_event_keeps_its_body_as_sent() {
        let text = event()
            .to_string()
            .replace("\"en\"", "\"en\", \"newField\": [1]");
        let received = parse(text.as_bytes()).unwrap();
        assert_eq!(received.event_id, "e1");
        assert_eq!(received.event.consent_id, "c1");
        assert_eq!(received.body, text);
    }

    #[test]
    fn each_required_field_is_named_where_it_is_missing_or_mistyped() {
        for field in ["eventId", "consentId", "policyVersion", "at", "choice"] {
            let mut body = event();
            body.as_object_mut().unwrap().remove(field);
            let refused = refusal(&body);
            assert_eq!(refused.at(), format!("$.{field}"), "{refused:?}");
        }
        let mut body = event();
        body["at"] = json!("yesterday");
        assert_eq!(refusal(&body).at(), "$.at");
        body = event();
        body["shown"]["analytics"] = json!(1);
        assert_eq!(refusal(&body).at(), "$.shown.analytics");
        body = event();
        body["eventId"] = json!(7);
        assert_eq!(refusal(&body).at(), "$.eventId");
        body = event();
        body["method"] = json!(false);
        assert_eq!(
            refusal(&body).at(),
            "$.method",
            "optional, but not of any type"
        );
    }

    /// Only the event's id, consent id, policy version, time and choice are required:
    /// an event without the rest is taken, and stored as it came.
    #[test]
    fn an_event_with_only_the_required_fields_is_taken() {
        let mut body = event();
        for field in [
            "disclosureHash",
            "shown",
            "decisions",
            "method",
            "language",
            "gpc",
            "set",
            "age",
        ] {
            body.as_object_mut().unwrap().remove(field);
        }
        assert_eq!(body.as_object().unwrap().len(), 5, "{body}");
        let received = parse(body.to_string().as_bytes()).unwrap();
        assert_eq!(received.event.choice, "accept-all");
        assert!(received.event.shown.is_empty() && received.event.method.is_empty());
        assert_eq!(received.body, body.to_string());
    }

    #[test]
    fn bodies_that_are_not_events_are_refused_whole() {
        assert!(matches!(parse(b"{\"eventId\":"), Err(Refusal::NotJson(_))));
        assert!(matches!(parse(&[0xff, 0xfe]), Err(Refusal::NotJson(_))));
        assert_eq!(parse(b"[1]").unwrap_err(), Refusal::NotAnObject);
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(Refusal::TooDeep { .. })
        ));
        let deeper = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        assert!(matches!(
            parse(deeper.as_bytes()),
            Err(Refusal::TooDeep { .. })
        ));
        let mut body = event();
        let mut nested = json!(1);
        for _ in 0..MAX_DEPTH {
            nested = json!([nested]);
        }
        body["extra"] = nested;
        assert_eq!(
            refusal(&body),
            Refusal::TooDeep {
                at: format!("$.extra{}", "[0]".repeat(MAX_DEPTH - 1))
            }
        );
    }
}
