//! State in PostgreSQL (feature `postgres`): several workers, on one
//! machine or many, share one database, and the [leases](super#leases-one-worker-per-source)
//! keep two of them from syncing the same source at once.
//!
//! Through [`tokio-postgres`](https://docs.rs/tokio-postgres) rather than
//! sqlx: the store needs a dozen fixed statements, and tokio-postgres
//! brings them with a small dependency tree, no macros and no database
//! at compile time.
//!
//! # Schema (version 1)
//!
//! The tables of [`SqliteStore`](super::SqliteStore), with PostgreSQL's
//! types (`BOOLEAN` for flags, `BIGINT` run ids, `TIMESTAMPTZ` stamps from
//! the server's clock), in one schema (`hr_sync` unless
//! [`connect_with_schema`](PostgresStore::connect_with_schema) names
//! another), plus the leases and the schema's version:
//!
//! ```sql
//! CREATE TABLE hr_sync.schema_version (version INTEGER NOT NULL);
//! CREATE TABLE hr_sync.checkpoints (
//!     source     TEXT PRIMARY KEY,
//!     checkpoint TEXT NOT NULL,            -- the source's JSON
//!     updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
//! );
//! CREATE TABLE hr_sync.users (
//!     source          TEXT NOT NULL,
//!     key             TEXT NOT NULL CHECK (key <> ''),
//!     hash            TEXT NOT NULL,       -- content hash of `payload`
//!     bind_id         TEXT,                -- the platform's bindId
//!     has_left        BOOLEAN NOT NULL,    -- last pushed with isLeave true
//!     payload         TEXT NOT NULL,       -- the UserInfo JSON acknowledged
//!     last_pushed_run BIGINT,
//!     last_seen_run   BIGINT,
//!     updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
//!     PRIMARY KEY (source, key)
//! );
//! CREATE TABLE hr_sync.failures (
//!     source          TEXT NOT NULL,
//!     key             TEXT NOT NULL CHECK (key <> ''),
//!     payload         TEXT NOT NULL,       -- the UserInfo JSON refused
//!     description     TEXT NOT NULL,       -- the platform's reason
//!     attempts        INTEGER NOT NULL,
//!     first_failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
//!     last_failed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
//!     PRIMARY KEY (source, key)
//! );
//! CREATE TABLE hr_sync.runs (
//!     id          BIGSERIAL PRIMARY KEY,
//!     source      TEXT NOT NULL,
//!     mode        TEXT NOT NULL,
//!     started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
//!     finished_at TIMESTAMPTZ,
//!     report      TEXT                     -- the SyncReport JSON
//! );
//! CREATE TABLE hr_sync.leases (
//!     source      TEXT PRIMARY KEY,
//!     holder      TEXT NOT NULL,
//!     token       BIGINT NOT NULL,         -- grows with every new holder
//!     acquired_at TIMESTAMPTZ NOT NULL,
//!     expires_at  TIMESTAMPTZ NOT NULL     -- on the server's clock
//! );
//! ```
//!
//! JSON is kept as `TEXT`, not `JSONB`, so that a user comes back byte for
//! byte as it was sent, as from SQLite.
//!
//! The schema is created (or migrated) by [`connect`](PostgresStore::connect),
//! in one transaction that first takes a transaction-scoped advisory lock
//! (`pg_advisory_xact_lock`) on the schema's name: workers starting
//! together migrate one after the other, and the later ones find the work
//! done. A schema written by a newer hr-sync is refused rather than
//! misread. Once the schema exists, a role with `SELECT`, `INSERT`,
//! `UPDATE` and `DELETE` on its tables (and `USAGE` on the schema and the
//! `runs` sequence) is enough to run; creating it needs `CREATE` on the
//! database.
//!
//! # Connection
//!
//! One connection, behind an async mutex, reopened when it was closed (a
//! server restart). The pipeline calls the store from several tasks at
//! once, but each call is a statement or a short transaction over
//! pipelined statements (a batch commit sends its 200 or so statements in
//! one flight), so one connection keeps up with the pushes, which wait on
//! the travel platform far longer; and a single connection keeps a
//! transaction's statements from ever interleaving with another task's.
//! Workers each open their own store. Commits are durable when they
//! return as long as the server keeps `synchronous_commit` on (its
//! default).
//!
//! # TLS
//!
//! None ([`NoTls`]): the store is meant for a database on loopback or a
//! private network, as next to the workers in one cluster. To reach one
//! across an untrusted network, put the connection behind TLS yourself:
//! `tokio-postgres-rustls` gives a `MakeTlsConnect` for
//! `tokio_postgres::Config::connect`, which this module would take instead
//! of `NoTls` (a change of a few lines here; not built in, to keep the
//! default dependency tree small).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, MutexGuard};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, NoTls, Statement};

use super::{BatchCommit, Failure, Lease, RunId, StateStore, UserState};
use crate::pipeline::Mode;
use crate::report::SyncReport;
use crate::source::SourceCheckpoint;
use crate::{Error, Result};

/// The schema version this crate writes (in `schema_version`).
pub const SCHEMA_VERSION: i32 = 1;

/// The PostgreSQL schema the tables go in unless told otherwise.
pub const DEFAULT_SCHEMA: &str = "hr_sync";

/// Version 1; `{s}` is the quoted schema.
const SCHEMA_V1: &str = "
CREATE TABLE {s}.checkpoints (
    source     TEXT PRIMARY KEY,
    checkpoint TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE {s}.users (
    source          TEXT NOT NULL,
    key             TEXT NOT NULL CHECK (key <> ''),
    hash            TEXT NOT NULL,
    bind_id         TEXT,
    has_left        BOOLEAN NOT NULL,
    payload         TEXT NOT NULL,
    last_pushed_run BIGINT,
    last_seen_run   BIGINT,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source, key)
);
CREATE TABLE {s}.failures (
    source          TEXT NOT NULL,
    key             TEXT NOT NULL CHECK (key <> ''),
    payload         TEXT NOT NULL,
    description     TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    first_failed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_failed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source, key)
);
CREATE TABLE {s}.runs (
    id          BIGSERIAL PRIMARY KEY,
    source      TEXT NOT NULL,
    mode        TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    report      TEXT
);
CREATE TABLE {s}.leases (
    source      TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    token       BIGINT NOT NULL,
    acquired_at TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
";

/// The statements, prepared once per connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Q {
    BeginRun,
    FinishRun,
    Checkpoint,
    SaveCheckpoint,
    Lookup,
    UpsertUser,
    ForgetFailure,
    Fail,
    SeenOne,
    MarkSeen,
    Failures,
    ActiveKeys,
    LastPushed,
    Acquire,
    HeldBy,
    Renew,
    Release,
}

impl Q {
    /// The text, with `{s}` for the quoted schema.
    fn sql(self) -> &'static str {
        match self {
            Q::BeginRun => "INSERT INTO {s}.runs (source, mode) VALUES ($1, $2) RETURNING id",
            Q::FinishRun => {
                "UPDATE {s}.runs SET finished_at = now(), report = $2 WHERE id = $1"
            }
            Q::Checkpoint => "SELECT checkpoint FROM {s}.checkpoints WHERE source = $1",
            Q::SaveCheckpoint => {
                "INSERT INTO {s}.checkpoints (source, checkpoint) VALUES ($1, $2)
                 ON CONFLICT (source) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at = now()"
            }
            Q::Lookup => {
                "SELECT k.key, u.hash, u.bind_id, COALESCE(u.has_left, false), f.key IS NOT NULL
                 FROM unnest($2::text[]) AS k(key)
                 LEFT JOIN {s}.users u ON u.source = $1 AND u.key = k.key
                 LEFT JOIN {s}.failures f ON f.source = $1 AND f.key = k.key
                 WHERE u.key IS NOT NULL OR f.key IS NOT NULL"
            }
            Q::UpsertUser => {
                "INSERT INTO {s}.users AS u (source, key, hash, bind_id, has_left, payload, last_pushed_run, last_seen_run)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
                 ON CONFLICT (source, key) DO UPDATE SET
                    hash = excluded.hash,
                    bind_id = COALESCE(excluded.bind_id, u.bind_id),
                    has_left = excluded.has_left,
                    payload = excluded.payload,
                    last_pushed_run = excluded.last_pushed_run,
                    last_seen_run = excluded.last_seen_run,
                    updated_at = now()"
            }
            Q::ForgetFailure => "DELETE FROM {s}.failures WHERE source = $1 AND key = $2",
            Q::Fail => {
                "INSERT INTO {s}.failures AS f (source, key, payload, description, attempts)
                 VALUES ($1, $2, $3, $4, 1)
                 ON CONFLICT (source, key) DO UPDATE SET
                    payload = excluded.payload,
                    description = excluded.description,
                    attempts = f.attempts + 1,
                    last_failed_at = now()"
            }
            Q::SeenOne => "UPDATE {s}.users SET last_seen_run = $3 WHERE source = $1 AND key = $2",
            Q::MarkSeen => {
                "UPDATE {s}.users SET last_seen_run = $2 WHERE source = $1 AND key = ANY($3::text[])"
            }
            // COLLATE "C": byte order whatever the database's locale, as
            // SQLite sorts.
            Q::Failures => {
                "SELECT key, payload, description, attempts FROM {s}.failures
                 WHERE source = $1 ORDER BY key COLLATE \"C\""
            }
            Q::ActiveKeys => {
                "SELECT key FROM {s}.users WHERE source = $1 AND NOT has_left ORDER BY key COLLATE \"C\""
            }
            Q::LastPushed => {
                "SELECT key, payload FROM {s}.users WHERE source = $1 AND key = ANY($2::text[])"
            }
            // Granted when there is no row, or the row's lease has
            // expired; the server's clock decides, so workers' clocks may
            // disagree.
            Q::Acquire => {
                "INSERT INTO {s}.leases AS l (source, holder, token, acquired_at, expires_at)
                 VALUES ($1, $2, 1, now(), now() + $3::bigint * interval '1 millisecond')
                 ON CONFLICT (source) DO UPDATE SET
                    holder = excluded.holder,
                    token = l.token + 1,
                    acquired_at = excluded.acquired_at,
                    expires_at = excluded.expires_at
                 WHERE l.expires_at <= now()
                 RETURNING token"
            }
            Q::HeldBy => {
                "SELECT holder, GREATEST(EXTRACT(EPOCH FROM expires_at - now()), 0)::float8
                 FROM {s}.leases WHERE source = $1"
            }
            // The token, not the expiry, says whether the lease is still
            // ours: a lease renewed late that nobody took over is renewed.
            Q::Renew => {
                "UPDATE {s}.leases SET expires_at = now() + $4::bigint * interval '1 millisecond'
                 WHERE source = $1 AND holder = $2 AND token = $3"
            }
            Q::Release => {
                "UPDATE {s}.leases SET expires_at = now()
                 WHERE source = $1 AND holder = $2 AND token = $3 AND expires_at > now()"
            }
        }
    }
}

/// A tokio-postgres error with the server's message in its text
/// (tokio-postgres says only "db error" and keeps the rest as its source).
#[derive(Debug)]
struct PgError(tokio_postgres::Error);

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::error::Error::source(&self.0) {
            Some(cause) => write!(f, "PostgreSQL: {}: {cause}", self.0),
            None => write!(f, "PostgreSQL: {}", self.0),
        }
    }
}

impl std::error::Error for PgError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        Error::store(PgError(e))
    }
}

struct Conn {
    client: Client,
    prepared: HashMap<Q, Statement>,
}

impl Conn {
    async fn open(config: &Config) -> Result<Conn> {
        let (client, connection) = config.connect(NoTls).await?;
        // tokio-postgres's design: the socket is driven by its own task,
        // which ends when the client is dropped or the server goes away.
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %PgError(e), "PostgreSQL connection closed");
            }
        });
        Ok(Conn {
            client,
            prepared: HashMap::new(),
        })
    }

    async fn stmt(&mut self, q: Q, schema: &str) -> Result<Statement> {
        if let Some(s) = self.prepared.get(&q) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&q.sql().replace("{s}", schema)).await?;
        self.prepared.insert(q, s.clone());
        Ok(s)
    }
}

struct Inner {
    config: Config,
    /// As given.
    schema: String,
    /// Quoted, for statements.
    quoted: String,
    conn: Mutex<Conn>,
}

/// State in a PostgreSQL database, shared by any number of workers. See
/// the [module docs](self) for the schema, the connection and TLS. Clones
/// share the connection.
///
/// ```no_run
/// # async fn demo() -> Result<(), hr_sync::Error> {
/// use hr_sync::state::{PostgresStore, StateStore};
///
/// // Creates the `hr_sync` schema and its tables on first use.
/// let store = PostgresStore::connect("postgres://hr_sync@db.internal/hr").await?;
/// assert!(store.checkpoint("beisen").await?.is_none());
/// // Another tenant's state, in its own schema of the same database:
/// let other = PostgresStore::connect_with_schema("postgres://hr_sync@db.internal/hr", "tenant_b").await?;
/// # let _ = other; Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

impl fmt::Debug for PostgresStore {
    // Not the config: it may hold a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.inner.schema)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`, or
    /// `host=… user=… dbname=…`) and creates or migrates the tables in
    /// the [`DEFAULT_SCHEMA`].
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with_schema(url, DEFAULT_SCHEMA).await
    }

    /// Connects to `url` with the tables in `schema` (lower-case ASCII
    /// letters, digits and `_`, not starting with a digit, at most 63
    /// bytes): one database can hold several independent states.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let err = hr_sync::state::PostgresStore::connect_with_schema("postgres://localhost/x", "Bad-Name")
    ///     .await
    ///     .unwrap_err();
    /// assert!(err.is_config(), "{err}");
    /// # });
    /// ```
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self> {
        check_schema_name(schema)?;
        let mut config: Config = url.parse().map_err(|e: tokio_postgres::Error| {
            Error::Config(format!("the PostgreSQL address cannot be read: {e}"))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("hr-sync");
        }
        let quoted = format!("\"{schema}\"");
        let mut conn = Conn::open(&config).await?;
        migrate(&mut conn.client, schema, &quoted).await?;
        Ok(PostgresStore {
            inner: Arc::new(Inner {
                config,
                schema: schema.to_owned(),
                quoted,
                conn: Mutex::new(conn),
            }),
        })
    }

    /// The PostgreSQL schema the tables are in.
    pub fn schema(&self) -> &str {
        &self.inner.schema
    }

    /// The version of the schema in the database.
    pub async fn schema_version(&self) -> Result<i32> {
        let c = self.conn().await?;
        let sql = format!(
            "SELECT COALESCE(max(version), 0) FROM {}.schema_version",
            self.inner.quoted
        );
        Ok(c.client.query_one(&sql, &[]).await?.get(0))
    }

    /// The connection, reopened first if it was closed.
    async fn conn(&self) -> Result<MutexGuard<'_, Conn>> {
        let mut guard = self.inner.conn.lock().await;
        if guard.client.is_closed() {
            tracing::info!(schema = %self.inner.schema, "reconnecting to PostgreSQL");
            *guard = Conn::open(&self.inner.config).await?;
        }
        Ok(guard)
    }

    async fn stmt(&self, c: &mut Conn, q: Q) -> Result<Statement> {
        c.stmt(q, &self.inner.quoted).await
    }
}

fn check_schema_name(schema: &str) -> Result<()> {
    let mut chars = schema.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if first_ok && rest_ok && schema.len() <= 63 {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "the PostgreSQL schema name {schema:?} is not lower-case ASCII letters, digits and `_` \
             (not starting with a digit, at most 63 bytes)"
        )))
    }
}

async fn migrate(client: &mut Client, schema: &str, quoted: &str) -> Result<()> {
    let tx = client.transaction().await?;
    // Workers starting together: the lock is held to the end of this
    // transaction, so the second sees the first one's tables, never half.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        &[&format!("hr-sync schema {schema}")],
    )
    .await?;
    let exists: bool = tx
        .query_one(
            "SELECT to_regclass($1) IS NOT NULL",
            &[&format!("{quoted}.schema_version")],
        )
        .await?
        .get(0);
    let version: i32 = if exists {
        tx.query_one(
            &format!("SELECT COALESCE(max(version), 0) FROM {quoted}.schema_version"),
            &[],
        )
        .await?
        .get(0)
    } else {
        0
    };
    if version > SCHEMA_VERSION {
        return Err(Error::Config(format!(
            "the PostgreSQL schema {schema} has schema version {version}; this hr-sync knows up to {SCHEMA_VERSION}: upgrade hr-sync"
        )));
    }
    if version < 1 {
        tx.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {quoted};
             CREATE TABLE IF NOT EXISTS {quoted}.schema_version (version INTEGER NOT NULL);"
        ))
        .await?;
        tx.batch_execute(&SCHEMA_V1.replace("{s}", quoted)).await?;
        tx.execute(
            &format!("INSERT INTO {quoted}.schema_version (version) VALUES (1)"),
            &[],
        )
        .await?;
    }
    // Later versions: `if version < 2 { … }`, in this same transaction,
    // then `UPDATE schema_version`.
    tx.commit().await?;
    Ok(())
}

/// A duration in whole milliseconds for an interval, at least 1 ms and at
/// most a year (a larger interval is out of PostgreSQL's range anyway).
fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis())
        .unwrap_or(i64::MAX)
        .clamp(1, 365 * 24 * 3_600_000)
}

/// PostgreSQL's `TEXT` cannot hold NUL, which a platform's description
/// (network input) might.
fn text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\0') {
        s.replace('\0', "\u{FFFD}").into()
    } else {
        s.into()
    }
}

type Param<'a> = &'a (dyn ToSql + Sync);

#[async_trait::async_trait]
impl StateStore for PostgresStore {
    async fn begin_run(&self, source: &str, mode: Mode) -> Result<RunId> {
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::BeginRun).await?;
        Ok(c.client
            .query_one(&st, &[&source, &mode.as_str()])
            .await?
            .get(0))
    }

    async fn finish_run(&self, run: RunId, report: &SyncReport) -> Result<()> {
        let json = serde_json::to_string(report).map_err(Error::store)?;
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::FinishRun).await?;
        c.client.execute(&st, &[&run, &json]).await?;
        Ok(())
    }

    async fn checkpoint(&self, source: &str) -> Result<Option<SourceCheckpoint>> {
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::Checkpoint).await?;
        let row = c.client.query_opt(&st, &[&source]).await?;
        drop(c);
        row.map(|r| {
            serde_json::from_str(r.get::<_, &str>(0))
                .map(SourceCheckpoint)
                .map_err(Error::store)
        })
        .transpose()
    }

    async fn save_checkpoint(&self, source: &str, checkpoint: &SourceCheckpoint) -> Result<()> {
        let json = checkpoint.0.to_string();
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::SaveCheckpoint).await?;
        c.client.execute(&st, &[&source, &json]).await?;
        Ok(())
    }

    async fn lookup(&self, source: &str, keys: &[String]) -> Result<HashMap<String, UserState>> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::Lookup).await?;
        let rows = c.client.query(&st, &[&source, &keys]).await?;
        drop(c);
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    r.get(0),
                    UserState {
                        hash: r.get(1),
                        bind_id: r.get(2),
                        left: r.get(3),
                        failing: r.get(4),
                    },
                )
            })
            .collect())
    }

    async fn commit_batch(&self, source: &str, batch: &BatchCommit) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let descriptions: Vec<_> = batch.failed.iter().map(|u| text(&u.description)).collect();
        let mut c = self.conn().await?;
        let upsert = self.stmt(&mut c, Q::UpsertUser).await?;
        let forget = self.stmt(&mut c, Q::ForgetFailure).await?;
        let fail = self.stmt(&mut c, Q::Fail).await?;
        let seen = self.stmt(&mut c, Q::SeenOne).await?;
        // One transaction: dropped without `commit` on any error, which
        // rolls the whole batch back. Its statements go out together
        // (tokio-postgres pipelines futures polled at once) and the server
        // runs them in order, so the batch costs one round trip, not one
        // per user.
        let tx = c.client.transaction().await?;
        let mut ops = Vec::new();
        for u in &batch.synced {
            let p: Vec<Param<'_>> = vec![
                &source,
                &u.key,
                &u.hash,
                &u.bind_id,
                &u.left,
                &u.user_json,
                &batch.run,
            ];
            ops.push(tx.execute_raw(&upsert, p));
            ops.push(tx.execute_raw(&forget, vec![&source as Param<'_>, &u.key]));
        }
        for (u, why) in batch.failed.iter().zip(&descriptions) {
            let why: Param<'_> = why;
            ops.push(tx.execute_raw(&fail, vec![&source, &u.key, &u.user_json, why]));
            ops.push(tx.execute_raw(&seen, vec![&source as Param<'_>, &u.key, &batch.run]));
        }
        for key in &batch.resolved {
            ops.push(tx.execute_raw(&forget, vec![&source as Param<'_>, key]));
        }
        futures::future::try_join_all(ops).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn mark_seen(&self, source: &str, run: RunId, keys: &[String]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::MarkSeen).await?;
        c.client.execute(&st, &[&source, &run, &keys]).await?;
        Ok(())
    }

    async fn failures(&self, source: &str) -> Result<Vec<Failure>> {
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::Failures).await?;
        let rows = c.client.query(&st, &[&source]).await?;
        drop(c);
        Ok(rows
            .into_iter()
            .map(|r| Failure {
                key: r.get(0),
                user_json: r.get(1),
                description: r.get(2),
                attempts: u32::try_from(r.get::<_, i32>(3)).unwrap_or_default(),
            })
            .collect())
    }

    async fn active_keys(&self, source: &str) -> Result<Vec<String>> {
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::ActiveKeys).await?;
        let rows = c.client.query(&st, &[&source]).await?;
        Ok(rows.into_iter().map(|r| r.get(0)).collect())
    }

    async fn last_pushed(&self, source: &str, keys: &[String]) -> Result<HashMap<String, String>> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::LastPushed).await?;
        let rows = c.client.query(&st, &[&source, &keys]).await?;
        Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    async fn acquire_lease(&self, source: &str, holder: &str, ttl: Duration) -> Result<Lease> {
        let mut c = self.conn().await?;
        let acquire = self.stmt(&mut c, Q::Acquire).await?;
        if let Some(row) = c
            .client
            .query_opt(&acquire, &[&source, &holder, &millis(ttl)])
            .await?
        {
            return Ok(Lease::new(source, holder, row.get(0), ttl));
        }
        let held_by = self.stmt(&mut c, Q::HeldBy).await?;
        let row = c.client.query_opt(&held_by, &[&source]).await?;
        let (holder, secs) = row.map_or_else(
            || ("(unknown)".to_owned(), 0.0),
            |r| (r.get::<_, String>(0), r.get::<_, f64>(1)),
        );
        Err(Error::LeaseHeld {
            source_name: source.to_owned(),
            holder,
            expires_in: Duration::try_from_secs_f64(secs).unwrap_or_default(),
        })
    }

    async fn renew_lease(&self, lease: &Lease) -> Result<bool> {
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::Renew).await?;
        let n = c
            .client
            .execute(
                &st,
                &[
                    &lease.source,
                    &lease.holder,
                    &lease.token,
                    &millis(lease.ttl),
                ],
            )
            .await?;
        Ok(n == 1)
    }

    async fn release_lease(&self, lease: &Lease) -> Result<()> {
        let mut c = self.conn().await?;
        let st = self.stmt(&mut c, Q::Release).await?;
        c.client
            .execute(&st, &[&lease.source, &lease.holder, &lease.token])
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        for good in ["hr_sync", "_x", "tenant_42", &"a".repeat(63)] {
            assert!(check_schema_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "9x",
            "Hr",
            "a-b",
            "a\"b",
            "a;drop",
            "é",
            &"a".repeat(64),
        ] {
            assert!(check_schema_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn intervals_stay_in_range() {
        assert_eq!(millis(Duration::ZERO), 1);
        assert_eq!(millis(Duration::from_secs(60)), 60_000);
        assert_eq!(millis(Duration::MAX), 365 * 24 * 3_600_000);
    }

    #[test]
    fn nul_is_replaced() {
        assert_eq!(text("a\0b"), "a\u{FFFD}b");
        assert!(matches!(text("ab"), std::borrow::Cow::Borrowed("ab")));
    }
}
