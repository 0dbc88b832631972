//! The default store: one SQLite file, through rusqlite with SQLite
//! compiled in.
//!
//! # Schema (version 1, in `PRAGMA user_version`)
//!
//! ```sql
//! CREATE TABLE checkpoints (
//!     source     TEXT PRIMARY KEY,
//!     checkpoint TEXT NOT NULL,            -- the source's JSON
//!     updated_at TEXT NOT NULL             -- RFC 3339, UTC
//! );
//! CREATE TABLE users (
//!     source          TEXT NOT NULL,
//!     key             TEXT NOT NULL CHECK (key <> ''),
//!     hash            TEXT NOT NULL,       -- content hash of `payload`
//!     bind_id         TEXT,                -- the platform's bindId
//!     has_left        INTEGER NOT NULL,    -- 1: last pushed with isLeave true
//!     payload         TEXT NOT NULL,       -- the UserInfo JSON acknowledged
//!     last_pushed_run INTEGER,
//!     last_seen_run   INTEGER,
//!     updated_at      TEXT NOT NULL,
//!     PRIMARY KEY (source, key)
//! ) WITHOUT ROWID;
//! CREATE TABLE failures (
//!     source          TEXT NOT NULL,
//!     key             TEXT NOT NULL CHECK (key <> ''),
//!     payload         TEXT NOT NULL,       -- the UserInfo JSON refused
//!     description     TEXT NOT NULL,       -- the platform's reason
//!     attempts        INTEGER NOT NULL,
//!     first_failed_at TEXT NOT NULL,
//!     last_failed_at  TEXT NOT NULL,
//!     PRIMARY KEY (source, key)
//! ) WITHOUT ROWID;
//! CREATE TABLE runs (
//!     id          INTEGER PRIMARY KEY AUTOINCREMENT,
//!     source      TEXT NOT NULL,
//!     mode        TEXT NOT NULL,
//!     started_at  TEXT NOT NULL,
//!     finished_at TEXT,
//!     report      TEXT                     -- the SyncReport JSON
//! );
//! ```
//!
//! The file is opened in WAL mode with `synchronous = FULL`: a committed
//! batch survives a crash of the process and of the machine. The schema is
//! created (or migrated) when the file is opened; a file written by a newer
//! version is refused rather than misread. The file holds personal data
//! (the users as sent, mobile numbers included); on Unix a new file is
//! created readable by its owner only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use super::{BatchCommit, Failure, RunId, StateStore, UserState};
use crate::pipeline::Mode;
use crate::report::SyncReport;
use crate::source::SourceCheckpoint;
use crate::{Error, Result};

/// The schema version this crate writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA_V1: &str = "
CREATE TABLE checkpoints (
    source     TEXT PRIMARY KEY,
    checkpoint TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE users (
    source          TEXT NOT NULL,
    key             TEXT NOT NULL CHECK (key <> ''),
    hash            TEXT NOT NULL,
    bind_id         TEXT,
    has_left        INTEGER NOT NULL,
    payload         TEXT NOT NULL,
    last_pushed_run INTEGER,
    last_seen_run   INTEGER,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE TABLE failures (
    source          TEXT NOT NULL,
    key             TEXT NOT NULL CHECK (key <> ''),
    payload         TEXT NOT NULL,
    description     TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    first_failed_at TEXT NOT NULL,
    last_failed_at  TEXT NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source      TEXT NOT NULL,
    mode        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    report      TEXT
);
";

/// State in one SQLite file. See the [module docs](self) for the schema.
/// Clones share the connection.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use hr_sync::state::{StateStore, SqliteStore};
/// use hr_sync::SourceCheckpoint;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("sync.db");
/// let store = SqliteStore::open(&path)?;
/// store.save_checkpoint("beisen", &SourceCheckpoint::new(serde_json::json!({"through": "2024-12-31T00:00:00"}))).await?;
/// drop(store);
/// let again = SqliteStore::open(&path)?;
/// assert!(again.checkpoint("beisen").await?.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`, creating or migrating its
    /// schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let created = !path.exists();
        let conn = Connection::open(path)?;
        if created {
            restrict_permissions(path);
        }
        Self::init(conn, Some(path.to_owned()))
    }

    /// A store in memory (SQLite's `:memory:`), for tests of code written
    /// against SQLite.
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, None)
    }

    /// The file, for a store opened from one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        if path.is_some() {
            // WAL: readers never block the writer; FULL: a commit is on
            // disk when it returns, which is what a committed batch means.
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            path,
        })
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Runs `f` on the connection off the async runtime's threads.
    async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut conn)
        })
        .await
        .map_err(Error::store)?
    }
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
        tracing::warn!(path = %path.display(), error = %e, "could not make the state file private");
    }
}

#[cfg(not(unix))]
fn restrict_permissions(_: &Path) {}

fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Error::Config(format!(
            "the state file has schema version {version}; this hr-sync knows up to {SCHEMA_VERSION}: upgrade hr-sync"
        )));
    }
    if version < 1 {
        let tx = conn.transaction()?;
        tx.execute_batch(SCHEMA_V1)?;
        tx.pragma_update(None, "user_version", 1)?;
        tx.commit()?;
    }
    // Later versions: `if version < 2 { … }`, each in its own transaction.
    Ok(())
}

#[async_trait::async_trait]
impl StateStore for SqliteStore {
    async fn begin_run(&self, source: &str, mode: Mode) -> Result<RunId> {
        let source = source.to_owned();
        self.call(move |c| {
            c.execute(
                "INSERT INTO runs (source, mode, started_at) VALUES (?1, ?2, ?3)",
                params![source, mode.as_str(), now()],
            )?;
            Ok(c.last_insert_rowid())
        })
        .await
    }

    async fn finish_run(&self, run: RunId, report: &SyncReport) -> Result<()> {
        let json = serde_json::to_string(report).map_err(Error::store)?;
        self.call(move |c| {
            c.execute(
                "UPDATE runs SET finished_at = ?1, report = ?2 WHERE id = ?3",
                params![now(), json, run],
            )?;
            Ok(())
        })
        .await
    }

    async fn checkpoint(&self, source: &str) -> Result<Option<SourceCheckpoint>> {
        let source = source.to_owned();
        let text: Option<String> = self
            .call(move |c| {
                Ok(c.query_row(
                    "SELECT checkpoint FROM checkpoints WHERE source = ?1",
                    [source],
                    |r| r.get(0),
                )
                .optional()?)
            })
            .await?;
        text.map(|t| {
            serde_json::from_str(&t)
                .map(SourceCheckpoint)
                .map_err(Error::store)
        })
        .transpose()
    }

    async fn save_checkpoint(&self, source: &str, checkpoint: &SourceCheckpoint) -> Result<()> {
        let source = source.to_owned();
        let json = checkpoint.0.to_string();
        self.call(move |c| {
            c.execute(
                "INSERT INTO checkpoints (source, checkpoint, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at = excluded.updated_at",
                params![source, json, now()],
            )?;
            Ok(())
        })
        .await
    }

    async fn lookup(&self, source: &str, keys: &[String]) -> Result<HashMap<String, UserState>> {
        let source = source.to_owned();
        let keys = keys.to_vec();
        self.call(move |c| {
            let mut users = c.prepare_cached(
                "SELECT hash, bind_id, has_left FROM users WHERE source = ?1 AND key = ?2",
            )?;
            let mut failing =
                c.prepare_cached("SELECT 1 FROM failures WHERE source = ?1 AND key = ?2")?;
            let mut out = HashMap::new();
            for key in keys {
                let user = users
                    .query_row(params![source, key], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, bool>(2)?,
                        ))
                    })
                    .optional()?;
                let fails = failing.exists(params![source, key])?;
                if user.is_none() && !fails {
                    continue;
                }
                let (hash, bind_id, left) = match user {
                    Some((h, b, l)) => (Some(h), b, l),
                    None => (None, None, false),
                };
                out.insert(
                    key,
                    UserState {
                        hash,
                        bind_id,
                        left,
                        failing: fails,
                    },
                );
            }
            Ok(out)
        })
        .await
    }

    async fn commit_batch(&self, source: &str, batch: &BatchCommit) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let source = source.to_owned();
        let batch = batch.clone();
        self.call(move |c| {
            let at = now();
            // One transaction: dropped without `commit` on any error, which
            // rolls every statement of the batch back.
            let tx = c.transaction()?;
            {
                let mut upsert = tx.prepare_cached(
                    "INSERT INTO users (source, key, hash, bind_id, has_left, payload, last_pushed_run, last_seen_run, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)
                     ON CONFLICT (source, key) DO UPDATE SET
                        hash = excluded.hash,
                        bind_id = COALESCE(excluded.bind_id, users.bind_id),
                        has_left = excluded.has_left,
                        payload = excluded.payload,
                        last_pushed_run = excluded.last_pushed_run,
                        last_seen_run = excluded.last_seen_run,
                        updated_at = excluded.updated_at",
                )?;
                let mut forget =
                    tx.prepare_cached("DELETE FROM failures WHERE source = ?1 AND key = ?2")?;
                for u in &batch.synced {
                    upsert.execute(params![
                        source,
                        u.key,
                        u.hash,
                        u.bind_id,
                        u.left,
                        u.user_json,
                        batch.run,
                        at
                    ])?;
                    forget.execute(params![source, u.key])?;
                }
                let mut fail = tx.prepare_cached(
                    "INSERT INTO failures (source, key, payload, description, attempts, first_failed_at, last_failed_at)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)
                     ON CONFLICT (source, key) DO UPDATE SET
                        payload = excluded.payload,
                        description = excluded.description,
                        attempts = failures.attempts + 1,
                        last_failed_at = excluded.last_failed_at",
                )?;
                let mut seen = tx.prepare_cached(
                    "UPDATE users SET last_seen_run = ?3 WHERE source = ?1 AND key = ?2",
                )?;
                for u in &batch.failed {
                    fail.execute(params![source, u.key, u.user_json, u.description, at])?;
                    seen.execute(params![source, u.key, batch.run])?;
                }
                for key in &batch.resolved {
                    forget.execute(params![source, key])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn mark_seen(&self, source: &str, run: RunId, keys: &[String]) -> Result<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let source = source.to_owned();
        let keys = keys.to_vec();
        self.call(move |c| {
            let tx = c.transaction()?;
            {
                let mut seen = tx.prepare_cached(
                    "UPDATE users SET last_seen_run = ?3 WHERE source = ?1 AND key = ?2",
                )?;
                for key in &keys {
                    seen.execute(params![source, key, run])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn failures(&self, source: &str) -> Result<Vec<Failure>> {
        let source = source.to_owned();
        self.call(move |c| {
            let mut q = c.prepare_cached(
                "SELECT key, payload, description, attempts FROM failures WHERE source = ?1 ORDER BY key",
            )?;
            let rows = q.query_map([source], |r| {
                Ok(Failure {
                    key: r.get(0)?,
                    user_json: r.get(1)?,
                    description: r.get(2)?,
                    attempts: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .await
    }

    async fn active_keys(&self, source: &str) -> Result<Vec<String>> {
        let source = source.to_owned();
        self.call(move |c| {
            let mut q = c.prepare_cached(
                "SELECT key FROM users WHERE source = ?1 AND has_left = 0 ORDER BY key",
            )?;
            let rows = q.query_map([source], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
        })
        .await
    }

    async fn last_pushed(&self, source: &str, keys: &[String]) -> Result<HashMap<String, String>> {
        let source = source.to_owned();
        let keys = keys.to_vec();
        self.call(move |c| {
            let mut q =
                c.prepare_cached("SELECT payload FROM users WHERE source = ?1 AND key = ?2")?;
            let mut out = HashMap::new();
            for key in keys {
                if let Some(p) = q
                    .query_row(params![source, key], |r| r.get::<_, String>(0))
                    .optional()?
                {
                    out.insert(key, p);
                }
            }
            Ok(out)
        })
        .await
    }
}
