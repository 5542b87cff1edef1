//! The tamper-evident chain: each stored event's `hash` is the SHA-256 of the hash
//! before it and of the event's stored columns, in commit order (`seq`). Editing a
//! row, removing one or reordering them breaks the link at or after the change. This
//! module only computes links: it never reads the database (`store` walks the rows
//! and asks it), so the rule is one function, used alike by the writer and `verify`.

/// What one link covers: every stored column of the event but its `seq` (assigned by
/// the database at insert; the order is what the links themselves prove) and its
/// `hash`.
pub struct Link<'a> {
    pub event_id: &'a str,
    pub consent_id: &'a str,
    pub policy_version: &'a str,
    pub choice: &'a str,
    pub client_at: i64,
    pub received_at: i64,
    pub body: &'a str,
}

/// The hash before the first event of a log that was never purged: none.
pub const START: &str = "";

/// Names this encoding inside every hashed text, so a later encoding cannot collide.
const VERSION: &[u8] = b"assent-chain-1";

/// `sha256:` and the hex SHA-256 of the version, the previous link's hash and each
/// column, every part preceded by its length in bytes (8 bytes, big-endian), so no
/// two different rows hash the same text.
pub fn link_hash(previous: &str, link: &Link<'_>) -> String {
    let client_at = link.client_at.to_string();
    let received_at = link.received_at.to_string();
    let parts: [&[u8]; 9] = [
        VERSION,
        previous.as_bytes(),
        link.event_id.as_bytes(),
        link.consent_id.as_bytes(),
        link.policy_version.as_bytes(),
        link.choice.as_bytes(),
        client_at.as_bytes(),
        received_at.as_bytes(),
        link.body.as_bytes(),
    ];
    let mut text = Vec::with_capacity(parts.iter().map(|part| part.len() + 8).sum());
    for part in parts {
        text.extend_from_slice(&(part.len() as u64).to_be_bytes());
        text.extend_from_slice(part);
    }
    assent::history::sha256(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(body: &str) -> Link<'_> {
        Link {
            event_id: "e1",
            consent_id: "c1",
            policy_version: "p1",
            choice: "accept-all",
            client_at: 1,
            received_at: 2,
            body,
        }
    }

    #[test]
    fn every_column_and_the_previous_link_count() {
        let base = link_hash(START, &link("{}"));
        assert!(
            base.starts_with("sha256:") && base.len() == 7 + 64,
            "{base}"
        );
        assert_eq!(base, link_hash(START, &link("{}")), "deterministic");
        assert_ne!(
            base,
            link_hash(&base, &link("{}")),
            "the previous link counts"
        );
        assert_ne!(base, link_hash(START, &link("{ }")), "the body counts");
        let mut other = link("{}");
        other.received_at = 3;
        assert_ne!(base, link_hash(START, &other), "the receive time counts");
        // Lengths are part of the text: moving a byte between columns changes it.
        let (mut a, mut b) = (link("{}"), link("{}"));
        a.event_id = "e1c";
        a.consent_id = "1";
        b.event_id = "e1";
        b.consent_id = "c1";
        assert_ne!(link_hash(START, &a), link_hash(START, &b));
    }
}
