//! The Beisen source: employees changed since the last run, by time window.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use beisen_client::models::{Employee, JobLevel as BeisenJobLevel};
use beisen_client::organization::{GetJobLevelsByTimeWindow, GetOrganizationsByIds};
use beisen_client::window::{QueryType, WindowBound};
use beisen_client::{BeisenClient, OrgOId};
use chrono::{NaiveDate, NaiveDateTime, Timelike, Utc};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use super::{Pull, Source, SourceCheckpoint, SourceRecord};
use crate::{Error, Result};

/// Records per department lookup: employees are read in chunks this big,
/// and the departments of a chunk not yet known are fetched in one call.
const ORG_CHUNK: usize = 200;
/// `Organization/GetByIds` takes at most 300 ids.
const MAX_ORG_IDS: usize = 300;
/// The default [`BeisenSource::lookback`]: a month's notice, and a day.
const DEFAULT_LOOKBACK_DAYS: i64 = 31;
/// The longest [`BeisenSource::lookback`]: a year's changes per run is
/// already a full read for most tenants.
const MAX_LOOKBACK_DAYS: i64 = 366;
/// Where the job-level catalogue is read from by default: before any
/// iTalent tenant existed, so every level ever changed is in the window.
const JOB_LEVELS_SINCE: (i32, u32, u32) = (2010, 1, 1);

/// A department as the mapping needs it: `oIdDepartment` resolved to the
/// organisation unit's code and name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Department {
    /// The unit's `oId`.
    pub oid: i64,
    /// Its `code`.
    pub code: Option<String>,
    /// Its `name`.
    pub name: Option<String>,
}

impl Department {
    /// A department.
    ///
    /// ```
    /// let d = hr_sync::source::Department::new(1000012, Some("D00012".into()), Some("北京研发部".into()));
    /// assert_eq!(d.code.as_deref(), Some("D00012"));
    /// ```
    pub fn new(oid: i64, code: Option<String>, name: Option<String>) -> Self {
        Department { oid, code, name }
    }
}

/// A job level (职级) as the mapping needs it: `recordInfo.oIdJobLevel`
/// resolved through `JobLevel/GetByTimeWindow` to the level's code, the
/// value a travel platform keys its policies on, and name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JobLevel {
    /// The level's `oId` (a GUID), what `oIdJobLevel` holds.
    pub oid: String,
    /// Its `code` (`"P3"`).
    pub code: Option<String>,
    /// Its `name`.
    pub name: Option<String>,
}

impl JobLevel {
    /// A job level.
    ///
    /// ```
    /// let l = hr_sync::source::JobLevel::new(
    ///     "c28789f8-4e66-4365-84a3-b84a1f49d5c7",
    ///     Some("P3".into()),
    ///     Some("P3 高级专员".into()),
    /// );
    /// assert_eq!(l.code.as_deref(), Some("P3"));
    /// ```
    pub fn new(oid: impl Into<String>, code: Option<String>, name: Option<String>) -> Self {
        JobLevel {
            oid: oid.into(),
            code,
            name,
        }
    }
}

/// A Beisen employee (`employeeInfo` and the record in effect) with the
/// department of `recordInfo.oIdDepartment` and the job level of
/// `recordInfo.oIdJobLevel` resolved.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BeisenRecord {
    /// The item as `Employee/GetByTimeWindow` returned it.
    pub employee: Employee,
    /// Its department, when it has one and Beisen knows it.
    pub department: Option<Department>,
    /// Its job level, when `oIdJobLevel` is the `oId` of a level the
    /// tenant's catalogue lists (tenants that send the level's code
    /// instead have none here, and the mapping takes the code as sent).
    pub job_level: Option<JobLevel>,
}

impl BeisenRecord {
    /// A record, for sources of your own and tests.
    ///
    /// ```
    /// use beisen_client::models::{Employee, EmployeeInfo};
    /// let r = hr_sync::source::BeisenRecord::new(Employee::new(EmployeeInfo::new(100000007)), None);
    /// assert!(r.department.is_none());
    /// ```
    pub fn new(employee: Employee, department: Option<Department>) -> Self {
        BeisenRecord {
            employee,
            department,
            job_level: None,
        }
    }

    /// The record with its job level resolved.
    ///
    /// ```
    /// use beisen_client::models::{Employee, EmployeeInfo};
    /// use hr_sync::source::{BeisenRecord, JobLevel};
    /// let level = JobLevel::new("c28789f8-4e66-4365-84a3-b84a1f49d5c7", Some("P3".into()), None);
    /// let r = BeisenRecord::new(Employee::new(EmployeeInfo::new(100000007)), None)
    ///     .with_job_level(level);
    /// assert_eq!(r.job_level.unwrap().code.as_deref(), Some("P3"));
    /// ```
    pub fn with_job_level(mut self, level: JobLevel) -> Self {
        self.job_level = Some(level);
        self
    }
}

/// What a Beisen run saves: everything changed before `through` has been
/// handled.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BeisenCheckpoint {
    through: NaiveDateTime,
    query_type: u8,
}

/// Employees changed since the last run, from `Employee/GetByTimeWindow`.
///
/// - **Window.** From the checkpoint of the last complete run, less
///   [`overlap`](Self::overlap) and at least [`lookback`](Self::lookback)
///   before the stop, or on a first run (and in full mode) from
///   [`since`](Self::since), to now (or [`until`](Self::until)), split into
///   90-day windows by the client's stream. The checkpoint saved is the
///   window's stop, and only by a run that handled every record.
/// - **Whose clock.** The stop is this machine's now, in the client's
///   zone, with no margin, so a change made just before a run is synced
///   by that run. A change Beisen stamps before our stop but makes visible
///   only after our read (Beisen's clock behind ours, a long transaction)
///   is read by the next run, which starts [`overlap`](Self::overlap)
///   (10 minutes) before this stop: keep the overlap above the clock skew
///   between this machine and Beisen (NTP keeps both within a second). A
///   Beisen clock *ahead* of ours loses nothing: its newest changes fall
///   after our stop and are read next time. Users read twice are
///   unchanged and not pushed again.
/// - **Future-dated changes.** Every run also re-reads the last
///   [`lookback`](Self::lookback) (31 days): the records are the ones *in
///   effect today*, so a departure entered last week that takes effect
///   today is seen today, though nothing was modified today (see the
///   [mapping docs](crate::mapping#when-a-departure-takes-effect)). Re-read
///   users that did not change are not pushed; the cost is the reads, one
///   call per 100 employees changed in the look-back.
/// - **Selection.** `timeWindowQueryType` 2, `businessModifiedTime`, by
///   default ([`query_type`](Self::query_type)); every employee status
///   (`.everyone()`: departures included, or they would never reach the
///   travel platform), the record in effect today
///   (`isGetLatestRecord: false`); soft-deleted employees too
///   ([`include_deleted`](Self::include_deleted)), so that the mapping
///   can push them as having left.
/// - **Departments.** `recordInfo.oIdDepartment` is resolved to the unit's
///   code and name with `Organization/GetByIds`, for the ids the run meets,
///   each fetched once per run and cached. That costs one call per 200
///   employees at most, and usually far fewer once the departments are
///   known, where reading the organisation tree by time window would read
///   every unit ever changed, 90 days per call, from the tenant's start.
/// - **Job levels.** A tenant sends `recordInfo.oIdJobLevel` as the
///   level's `oId`, a GUID; the travel platform knows the level's `code`
///   (`"P3"`). The first time a run meets a GUID-shaped `oIdJobLevel`, it
///   reads the catalogue with `JobLevel/GetByTimeWindow` (disabled and
///   deleted levels included) from [`job_levels_since`](Self::job_levels_since)
///   (2010-01-01) to the run's stop, once, 90 days per call, and resolves
///   every record's level from it ([`BeisenRecord::job_level`]). An
///   `oIdJobLevel` the catalogue does not list (a code, as older tenants
///   and some hires have) is left as it is, and a run that never meets a
///   GUID reads no catalogue. A failed read stops the run, as a failed
///   department lookup does.
/// - It is **not** a complete listing: an employee absent from a window
///   did not change, not leave.
///
/// ```no_run
/// # fn run(client: beisen_client::BeisenClient) {
/// use chrono::NaiveDate;
/// let source = hr_sync::BeisenSource::new(client)
///     .since(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
/// # let _ = source; }
/// ```
#[derive(Debug, Clone)]
pub struct BeisenSource {
    client: BeisenClient,
    name: String,
    since: Option<NaiveDateTime>,
    until: Option<NaiveDateTime>,
    query_type: QueryType,
    include_deleted: bool,
    overlap: chrono::Duration,
    lookback: chrono::Duration,
    parallel: usize,
    departments: bool,
    job_levels: bool,
    job_levels_since: NaiveDateTime,
}

impl BeisenSource {
    /// A source reading through `client`, named `beisen`.
    pub fn new(client: BeisenClient) -> Self {
        BeisenSource {
            client,
            name: "beisen".into(),
            since: None,
            until: None,
            query_type: QueryType::BusinessModified,
            include_deleted: true,
            overlap: chrono::Duration::minutes(10),
            lookback: chrono::Duration::days(DEFAULT_LOOKBACK_DAYS),
            parallel: 1,
            departments: true,
            job_levels: true,
            job_levels_since: NaiveDate::from_ymd_opt(
                JOB_LEVELS_SINCE.0,
                JOB_LEVELS_SINCE.1,
                JOB_LEVELS_SINCE.2,
            )
            .unwrap_or_default()
            .and_time(chrono::NaiveTime::MIN),
        }
    }

    /// The name state is kept under (default `beisen`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Where a first run (and a full run) starts: a date (midnight), a
    /// civil date-time, or a zoned one, in the client's zone.
    pub fn since(mut self, start: impl WindowBound) -> Self {
        self.since = Some(start.civil(self.client.time_zone()));
        self
    }

    /// Where every run stops (default: now). For tests and replays.
    pub fn until(mut self, stop: impl WindowBound) -> Self {
        self.until = Some(stop.civil(self.client.time_zone()));
        self
    }

    /// `timeWindowQueryType` (default 2, `businessModifiedTime`, which
    /// system jobs such as Beisen's nightly refresh of seniority fields
    /// leave alone; type 1, `modifiedTime`, moves with them and would read
    /// everyone every day). A checkpoint is tied to the type it was read
    /// with: after changing it, run once in [full](crate::Mode::Full)
    /// mode, or the next incremental run refuses to start.
    pub fn query_type(mut self, query_type: QueryType) -> Self {
        self.query_type = query_type;
        self
    }

    /// Whether soft-deleted employees are read (default yes; the default
    /// mapping pushes them as having left).
    pub fn include_deleted(mut self, yes: bool) -> Self {
        self.include_deleted = yes;
        self
    }

    /// How far before the last checkpoint a run starts again (default 10
    /// minutes), for changes Beisen stamps a little in the past (clock
    /// skew, long transactions). Re-read users are unchanged and not
    /// pushed again.
    pub fn overlap(mut self, overlap: std::time::Duration) -> Self {
        let max = chrono::Duration::days(MAX_LOOKBACK_DAYS);
        self.overlap = chrono::Duration::from_std(overlap).map_or(max, |o| o.min(max));
        self
    }

    /// How much of the recent past every incremental run reads again
    /// (default 31 days; zero turns it off; at most 366 days, more is
    /// read as 366), so that a change entered
    /// earlier that takes effect now (a departure with a future last
    /// working day) is seen on the day it takes effect. See the [type
    /// docs](Self).
    ///
    /// ```no_run
    /// # fn run(client: beisen_client::BeisenClient) {
    /// use std::time::Duration;
    /// // HR enters departures up to two months ahead.
    /// let source = hr_sync::BeisenSource::new(client).lookback(Duration::from_secs(62 * 86_400));
    /// # let _ = source; }
    /// ```
    pub fn lookback(mut self, lookback: std::time::Duration) -> Self {
        let max = chrono::Duration::days(MAX_LOOKBACK_DAYS);
        self.lookback = chrono::Duration::from_std(lookback).map_or(max, |l| l.min(max));
        self
    }

    /// Sub-windows read at once (default 1).
    pub fn parallel(mut self, n: usize) -> Self {
        self.parallel = n.max(1);
        self
    }

    /// Whether departments are resolved (default yes). Without, the
    /// mapping has no department code or name.
    pub fn resolve_departments(mut self, yes: bool) -> Self {
        self.departments = yes;
        self
    }

    /// Whether `oIdJobLevel` GUIDs are resolved to the levels' codes and
    /// names (default yes; see the [type docs](Self)). Without, the
    /// mapping takes `oIdJobLevel` as sent.
    pub fn resolve_job_levels(mut self, yes: bool) -> Self {
        self.job_levels = yes;
        self
    }

    /// Where the job-level catalogue read starts (default 2010-01-01,
    /// before any iTalent tenant): a level last changed before it is not
    /// resolved. A later start saves a call per 90 days.
    ///
    /// ```no_run
    /// # fn run(client: beisen_client::BeisenClient) {
    /// use chrono::NaiveDate;
    /// // The tenant was set up in 2019.
    /// let source = hr_sync::BeisenSource::new(client)
    ///     .job_levels_since(NaiveDate::from_ymd_opt(2019, 1, 1).unwrap());
    /// # let _ = source; }
    /// ```
    pub fn job_levels_since(mut self, start: impl WindowBound) -> Self {
        self.job_levels_since = start.civil(self.client.time_zone());
        self
    }

    /// Where a run that stops at `stop` starts.
    fn start(&self, from: Option<&SourceCheckpoint>, stop: NaiveDateTime) -> Result<NaiveDateTime> {
        if let Some(checkpoint) = from {
            let c: BeisenCheckpoint =
                serde_json::from_value(checkpoint.0.clone()).map_err(|e| {
                    Error::Config(format!(
                        "the stored checkpoint of source `{}` is not a Beisen checkpoint ({e}): {checkpoint}",
                        self.name
                    ))
                })?;
            if c.query_type != self.query_type.code() {
                // businessModifiedTime is never after modifiedTime: a
                // checkpoint of one type says nothing of the other.
                return Err(Error::Config(format!(
                    "the checkpoint of source `{}` was read with timeWindowQueryType {}, this source uses {}: \
                     run once in full mode to start over",
                    self.name,
                    c.query_type,
                    self.query_type.code()
                )));
            }
            let from_checkpoint = c
                .through
                .checked_sub_signed(self.overlap)
                .unwrap_or(c.through);
            let from_lookback = stop
                .checked_sub_signed(self.lookback)
                .unwrap_or(NaiveDateTime::MIN);
            return Ok(from_checkpoint.min(from_lookback));
        }
        self.since.ok_or_else(|| {
            Error::Config(format!(
                "source `{}` has no checkpoint yet: give the first run a start with `.since(date)`",
                self.name
            ))
        })
    }
}

#[async_trait::async_trait]
impl Source for BeisenSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn is_complete_listing(&self) -> bool {
        false
    }

    async fn pull(&self, from: Option<&SourceCheckpoint>) -> Result<Pull<'_>> {
        let zone = self.client.time_zone();
        let stop = self
            .until
            .unwrap_or_else(|| Utc::now().with_timezone(&zone).naive_local());
        let stop = stop.with_nanosecond(0).unwrap_or(stop);
        let start = self.start(from, stop)?.min(stop);
        let checkpoint = BeisenCheckpoint {
            through: stop,
            query_type: self.query_type.code(),
        };
        let checkpoint_after = SourceCheckpoint(
            serde_json::to_value(&checkpoint).map_err(|e| Error::Config(e.to_string()))?,
        );
        tracing::debug!(source = %self.name, %start, %stop, "reading Beisen employees");
        let mut window = self
            .client
            .employees()
            .changed_between(start, stop)
            .everyone()
            .query_type(self.query_type)
            .parallel(self.parallel);
        if self.include_deleted {
            window = window.with_deleted(true);
        }
        let employees = window.items();
        if !self.departments && !self.job_levels {
            let records = employees.map(|e| {
                e.map(|employee| SourceRecord::Beisen(Box::new(BeisenRecord::new(employee, None))))
                    .map_err(Error::Source)
            });
            return Ok(Pull::new(records, Some(checkpoint_after)));
        }
        let resolver = Arc::new(Resolver {
            client: self.client.clone(),
            departments: self.departments.then(Mutex::default),
            levels: self.job_levels.then(|| Levels {
                since: self.job_levels_since.min(stop),
                // A day past the run's stop: a level changed after it (or
                // on a vendor clock ahead of ours) must still be in the
                // catalogue, or its employees go out with the raw oId.
                stop: stop + chrono::Duration::days(1),
                parallel: self.parallel,
                catalogue: Mutex::default(),
            }),
        });
        let records = employees
            .chunks(ORG_CHUNK)
            .then(move |chunk| {
                let resolver = resolver.clone();
                async move { resolver.resolve(chunk).await }
            })
            .flat_map(futures::stream::iter);
        Ok(Pull::new(records, Some(checkpoint_after)))
    }
}

/// What one run resolves and remembers: departments by `oId`, job levels.
struct Resolver {
    client: BeisenClient,
    /// `None` when departments are not resolved.
    departments: Option<Mutex<HashMap<i64, Option<Department>>>>,
    /// `None` when job levels are not resolved.
    levels: Option<Levels>,
}

/// The job-level catalogue of a run, read at most once.
struct Levels {
    since: NaiveDateTime,
    stop: NaiveDateTime,
    parallel: usize,
    /// By `oId` and by `objectId` (a production client keys on `objectId`;
    /// the two are the same GUID for setting objects). `None` until read.
    catalogue: Mutex<Option<Arc<HashMap<String, JobLevel>>>>,
}

impl Levels {
    /// The catalogue, read now if this run has not read it yet. Chunks
    /// are resolved one after the other, so it is read once.
    async fn catalogue(&self, client: &BeisenClient) -> Result<Arc<HashMap<String, JobLevel>>> {
        if let Some(c) = self
            .catalogue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            return Ok(c);
        }
        let request = GetJobLevelsByTimeWindow::new(self.since, self.stop)
            .capacity(300)
            .with_disabled(true)
            .with_deleted(true);
        let records: Vec<BeisenJobLevel> = client
            .stream(request)
            .map_err(Error::Source)?
            .parallel(self.parallel)
            .items()
            .try_collect()
            .await
            .map_err(Error::Source)?;
        let mut catalogue = HashMap::new();
        for r in records {
            // `oId` arrives as text whether the tenant sends a GUID or a number.
            let oid = r.oid.clone();
            let Some(id) = oid.clone().or_else(|| r.object_id.clone()) else {
                continue;
            };
            let level = JobLevel::new(id, r.code.clone(), r.name.clone());
            for key in [oid, r.object_id].into_iter().flatten() {
                catalogue.insert(key, level.clone());
            }
        }
        tracing::debug!(
            levels = catalogue.len(),
            "read the Beisen job-level catalogue"
        );
        let catalogue = Arc::new(catalogue);
        *self
            .catalogue
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(catalogue.clone());
        Ok(catalogue)
    }
}

impl Resolver {
    /// Resolves the departments and job levels of a chunk, then wraps each
    /// employee. A failed lookup fails the chunk: the run stops and its
    /// checkpoint is not saved, so nothing is lost.
    async fn resolve(&self, chunk: Vec<hr_common::Result<Employee>>) -> Vec<Result<SourceRecord>> {
        if let Some(cache) = &self.departments
            && let Err(e) = fetch_departments(&self.client, cache, &chunk).await
        {
            return vec![Err(e)];
        }
        let levels = match &self.levels {
            Some(levels)
                if chunk
                    .iter()
                    .any(|e| e.as_ref().ok().and_then(job_level_of).is_some_and(is_guid)) =>
            {
                match levels.catalogue(&self.client).await {
                    Ok(c) => Some(c),
                    Err(e) => return vec![Err(e)],
                }
            }
            Some(levels) => levels
                .catalogue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            None => None,
        };
        let known = self
            .departments
            .as_ref()
            .map(|c| c.lock().unwrap_or_else(PoisonError::into_inner));
        chunk
            .into_iter()
            .map(|e| {
                let employee = e.map_err(Error::Source)?;
                let department = known.as_ref().and_then(|known| {
                    department_of(&employee).and_then(|id| known.get(&id).cloned().flatten())
                });
                let level = levels
                    .as_ref()
                    .and_then(|c| c.get(job_level_of(&employee)?).cloned());
                let mut record = BeisenRecord::new(employee, department);
                record.job_level = level;
                Ok(SourceRecord::Beisen(Box::new(record)))
            })
            .collect()
    }
}

fn job_level_of(employee: &Employee) -> Option<&str> {
    employee.record_info.as_ref()?.oid_job_level.as_deref()
}

/// Whether `s` has the shape of a GUID (`8-4-4-4-12` hex digits), as the
/// `oId`s of Beisen's setting objects have.
fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(k, c)| match k {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn department_of(employee: &Employee) -> Option<i64> {
    employee
        .record_info
        .as_ref()
        .and_then(|r| r.oid_department)
        .map(|OrgOId(id)| id)
}

/// Fetches the departments of a chunk not yet in `cache`.
async fn fetch_departments(
    client: &BeisenClient,
    cache: &Mutex<HashMap<i64, Option<Department>>>,
    chunk: &[hr_common::Result<Employee>],
) -> Result<()> {
    let missing: Vec<i64> = {
        let known = cache.lock().unwrap_or_else(PoisonError::into_inner);
        let mut ids: Vec<i64> = chunk
            .iter()
            .filter_map(|e| e.as_ref().ok().and_then(department_of))
            .filter(|id| !known.contains_key(id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    for ids in missing.chunks(MAX_ORG_IDS) {
        match GetOrganizationsByIds::new(ids.iter().copied())
            .with_deleted(true)
            .send(client)
            .await
        {
            Ok(found) => {
                let mut known = cache.lock().unwrap_or_else(PoisonError::into_inner);
                for id in ids {
                    known.insert(*id, None);
                }
                for org in found.data {
                    known.insert(
                        org.oid.0,
                        Some(Department::new(org.oid.0, org.code, org.name)),
                    );
                }
            }
            Err(e) => return Err(Error::Source(e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use beisen_client::Credentials;

    fn source() -> BeisenSource {
        let client = BeisenClient::builder()
            .base_url("http://127.0.0.1:9")
            .credentials(Credentials::app_key("k", "s"))
            .build()
            .unwrap();
        BeisenSource::new(client)
    }

    fn at(text: &str) -> NaiveDateTime {
        text.parse().unwrap()
    }

    fn checkpoint(through: &str, query_type: u8) -> SourceCheckpoint {
        SourceCheckpoint::new(serde_json::json!({"through": through, "queryType": query_type}))
    }

    #[test]
    fn the_window_starts_before_the_checkpoint_by_the_overlap_or_the_lookback() {
        let stop = at("2025-03-01T12:00:00");
        // A checkpoint a week old: the overlap decides.
        let c = checkpoint("2025-01-20T08:00:00", 2);
        assert_eq!(
            source().start(Some(&c), stop).unwrap(),
            at("2025-01-20T07:50:00")
        );
        // A recent one: the last 31 days are read again.
        let c = checkpoint("2025-03-01T11:00:00", 2);
        assert_eq!(
            source().start(Some(&c), stop).unwrap(),
            at("2025-01-29T12:00:00")
        );
        let no_lookback = source().lookback(std::time::Duration::ZERO);
        assert_eq!(
            no_lookback.start(Some(&c), stop).unwrap(),
            at("2025-03-01T10:50:00")
        );
        // Absurd settings are bounded, not wrapped to zero.
        let long = source()
            .lookback(std::time::Duration::MAX)
            .overlap(std::time::Duration::MAX);
        assert_eq!(
            long.start(Some(&c), stop).unwrap(),
            at("2024-02-29T11:00:00")
        );
        // No checkpoint: `since`, or an error saying so.
        assert!(source().start(None, stop).unwrap_err().is_config());
        let since = source().since(chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap());
        assert_eq!(since.start(None, stop).unwrap(), at("2024-06-01T00:00:00"));
        // A checkpoint of the other query type says nothing of this one.
        let err = source().start(Some(&checkpoint("2025-03-01T11:00:00", 1)), stop);
        assert!(err.unwrap_err().to_string().contains("full mode"));
    }
}
