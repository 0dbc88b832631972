//! A store in memory, for tests and experiments.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::{BatchCommit, Failure, RunId, StateStore, UserState};
use crate::pipeline::Mode;
use crate::report::SyncReport;
use crate::source::SourceCheckpoint;
use crate::{Error, Result};

#[derive(Debug, Clone)]
struct User {
    hash: String,
    bind_id: Option<String>,
    left: bool,
    user_json: String,
    last_seen_run: Option<RunId>,
}

#[derive(Debug, Default)]
struct Inner {
    runs: Vec<(String, Mode, Option<SyncReport>)>,
    checkpoints: HashMap<String, SourceCheckpoint>,
    users: BTreeMap<(String, String), User>,
    failures: BTreeMap<(String, String), Failure>,
}

/// State in memory: gone when the last clone is dropped. Clones share
/// the state, so a test can keep one and hand another to a job.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use hr_sync::state::{BatchCommit, StateStore, SyncedUser};
/// let store = hr_sync::MemoryStore::new();
/// store.commit_batch("src", &BatchCommit::new(1).synced(SyncedUser::new("E1", "h", None, false, "{}"))).await?;
/// let known = store.lookup("src", &["E1".into(), "E2".into()]).await?;
/// assert_eq!(known["E1"].hash.as_deref(), Some("h"));
/// assert!(!known.contains_key("E2"));
/// # Ok::<(), hr_sync::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many runs were recorded.
    pub fn runs(&self) -> usize {
        self.lock().runs.len()
    }

    /// The last run that pushed or saw the user `key` of `source`.
    pub fn last_seen_run(&self, source: &str, key: &str) -> Option<RunId> {
        self.lock()
            .users
            .get(&id(source, key))
            .and_then(|u| u.last_seen_run)
    }
}

fn id(source: &str, key: &str) -> (String, String) {
    (source.to_owned(), key.to_owned())
}

#[async_trait::async_trait]
impl StateStore for MemoryStore {
    async fn begin_run(&self, source: &str, mode: Mode) -> Result<RunId> {
        let mut inner = self.lock();
        inner.runs.push((source.to_owned(), mode, None));
        Ok(inner.runs.len() as RunId)
    }

    async fn finish_run(&self, run: RunId, report: &SyncReport) -> Result<()> {
        let mut inner = self.lock();
        if let Some(r) = usize::try_from(run - 1)
            .ok()
            .and_then(|i| inner.runs.get_mut(i))
        {
            r.2 = Some(report.clone());
        }
        Ok(())
    }

    async fn checkpoint(&self, source: &str) -> Result<Option<SourceCheckpoint>> {
        Ok(self.lock().checkpoints.get(source).cloned())
    }

    async fn save_checkpoint(&self, source: &str, checkpoint: &SourceCheckpoint) -> Result<()> {
        self.lock()
            .checkpoints
            .insert(source.to_owned(), checkpoint.clone());
        Ok(())
    }

    async fn lookup(&self, source: &str, keys: &[String]) -> Result<HashMap<String, UserState>> {
        let inner = self.lock();
        let mut out = HashMap::new();
        for key in keys {
            let user = inner.users.get(&id(source, key));
            let failing = inner.failures.contains_key(&id(source, key));
            if user.is_none() && !failing {
                continue;
            }
            out.insert(
                key.clone(),
                UserState {
                    hash: user.map(|u| u.hash.clone()),
                    bind_id: user.and_then(|u| u.bind_id.clone()),
                    left: user.is_some_and(|u| u.left),
                    failing,
                },
            );
        }
        Ok(out)
    }

    async fn commit_batch(&self, source: &str, batch: &BatchCommit) -> Result<()> {
        // Checked before anything changes, so a refused batch writes
        // nothing, as SQLite's transaction guarantees.
        let keys = batch
            .synced
            .iter()
            .map(|u| &u.key)
            .chain(batch.failed.iter().map(|u| &u.key))
            .chain(&batch.resolved);
        for key in keys {
            if key.is_empty() {
                return Err(Error::store(std::io::Error::other(
                    "an empty key cannot be stored",
                )));
            }
        }
        let mut inner = self.lock();
        for u in &batch.synced {
            let previous = inner.users.get(&id(source, &u.key));
            let bind_id = u
                .bind_id
                .clone()
                .or_else(|| previous.and_then(|p| p.bind_id.clone()));
            inner.users.insert(
                id(source, &u.key),
                User {
                    hash: u.hash.clone(),
                    bind_id,
                    left: u.left,
                    user_json: u.user_json.clone(),
                    last_seen_run: Some(batch.run),
                },
            );
            inner.failures.remove(&id(source, &u.key));
        }
        for u in &batch.failed {
            let attempts = inner
                .failures
                .get(&id(source, &u.key))
                .map_or(0, |f| f.attempts);
            inner.failures.insert(
                id(source, &u.key),
                Failure {
                    key: u.key.clone(),
                    user_json: u.user_json.clone(),
                    description: u.description.clone(),
                    attempts: attempts + 1,
                },
            );
            if let Some(user) = inner.users.get_mut(&id(source, &u.key)) {
                user.last_seen_run = Some(batch.run);
            }
        }
        for key in &batch.resolved {
            inner.failures.remove(&id(source, key));
        }
        Ok(())
    }

    async fn mark_seen(&self, source: &str, run: RunId, keys: &[String]) -> Result<()> {
        let mut inner = self.lock();
        for key in keys {
            if let Some(user) = inner.users.get_mut(&id(source, key)) {
                user.last_seen_run = Some(run);
            }
        }
        Ok(())
    }

    async fn failures(&self, source: &str) -> Result<Vec<Failure>> {
        Ok(self
            .lock()
            .failures
            .iter()
            .filter(|((s, _), _)| s == source)
            .map(|(_, f)| f.clone())
            .collect())
    }

    async fn active_keys(&self, source: &str) -> Result<Vec<String>> {
        Ok(self
            .lock()
            .users
            .iter()
            .filter(|((s, _), u)| s == source && !u.left)
            .map(|((_, k), _)| k.clone())
            .collect())
    }

    async fn last_pushed(&self, source: &str, keys: &[String]) -> Result<HashMap<String, String>> {
        let inner = self.lock();
        Ok(keys
            .iter()
            .filter_map(|k| {
                inner
                    .users
                    .get(&id(source, k))
                    .map(|u| (k.clone(), u.user_json.clone()))
            })
            .collect())
    }
}
