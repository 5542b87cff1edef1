//! What is particular to the two backends: their migrations give the same tables and
//! columns, and a PostgreSQL that could lose an acknowledged event is refused. Each
//! test starts its own throw-away PostgreSQL (support::Postgres) and stops it.

mod support;

use std::collections::BTreeSet;

use support::{database, query, Db, Postgres, Server};

/// One column as both engines can say it: table, column, type family, NOT NULL.
type Column = (String, String, String, bool);

/// The tables and columns of `db` after the server migrated it, without sqlx's own
/// bookkeeping table. Types are compared by family: SQLite's INTEGER is PostgreSQL's
/// BIGINT (both 64-bit), TEXT is TEXT.
fn schema(db: &Db) -> BTreeSet<Column> {
    let family = |name: &str| match name.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer".to_string(),
        "text" => "text".to_string(),
        other => format!("other: {other}"),
    };
    let rows: Vec<(String, String, String, bool)> = query(db, |mut connection| async move {
        use sqlx::Row as _;
        let statement = match db {
            // A SQLite INTEGER PRIMARY KEY is never NULL, though table_info says 0.
            Db::Sqlite(_) => {
                "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
                 (p.\"notnull\" = 1 OR p.pk > 0) AS not_null \
                 FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                 AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\'"
            }
            Db::Postgres(_) => {
                "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                 data_type::text AS data_type, (is_nullable = 'NO') AS not_null \
                 FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'"
            }
        };
        sqlx::query(statement)
            .fetch_all(&mut connection)
            .await
            .unwrap()
            .iter()
            .map(|row| {
                let not_null: bool = match db {
                    Db::Sqlite(_) => row.get::<i64, _>("not_null") != 0,
                    Db::Postgres(_) => row.get("not_null"),
                };
                (
                    row.get("table_name"),
                    row.get("column_name"),
                    row.get("data_type"),
                    not_null,
                )
            })
            .collect()
    });
    rows.into_iter()
        .map(|(table, column, data_type, not_null)| (table, column, family(&data_type), not_null))
        .collect()
}

#[test]
fn both_backends_migrate_to_the_same_tables_and_columns() {
    let Some(postgres) = Postgres::start(&[]) else {
        return;
    };
    let (_dir, sqlite) = database();
    for db in [&sqlite, &postgres.db()] {
        let (status, log) = Server::start(db, &[]).stop();
        assert!(status.success(), "{log}");
    }
    let (sqlite, postgres) = (schema(&sqlite), schema(&postgres.db()));
    assert_eq!(
        sqlite, postgres,
        "SQLite's tables and columns, then PostgreSQL's"
    );
    let events: BTreeSet<&str> = sqlite
        .iter()
        .filter(|(table, ..)| table == "events")
        .map(|(_, column, ..)| column.as_str())
        .collect();
    for column in ["seq", "event_id", "consent_id", "received_at", "body"] {
        assert!(events.contains(column), "events.{column}: {sqlite:?}");
    }
    assert!(
        sqlite
            .iter()
            .all(|(.., family, _)| !family.starts_with("other")),
        "a type outside the families compared: {sqlite:?}"
    );
}

/// `fsync` is a server setting no session can turn on: the server refuses to start
/// rather than acknowledge events a crash could lose. `synchronous_commit` off on the
/// server is turned on for every connection of the log, and the start line says so.
#[test]
fn a_postgresql_that_could_lose_acknowledged_events_is_refused() {
    let Some(no_fsync) = Postgres::start(&["fsync=off"]) else {
        return;
    };
    let log = match Server::try_start(&no_fsync.db(), &[]) {
        Ok(server) => panic!("started on fsync=off: {}", server.stop().1),
        Err(log) => log,
    };
    assert!(
        log.contains("fsync = off") && log.contains("set fsync = on"),
        "{log}"
    );
    drop(no_fsync);

    let Some(lazy) = Postgres::start(&["synchronous_commit=off"]) else {
        return;
    };
    let server = Server::start(&lazy.db(), &[]);
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");
    assert!(
        log.contains(r#""durability":"fsync=on synchronous_commit=on""#),
        "{log}"
    );
}
