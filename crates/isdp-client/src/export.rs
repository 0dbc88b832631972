//! The asynchronous person export (seed 000): start a task with
//! `exportPersonModel`, poll `findPageExcelRecordModelListById` until
//! status 2, then download `docId` from `file/serveFile` as a byte stream.
//!
//! [`ExportJob`] runs the whole chain in one `await`; [`ExportPersons`],
//! [`FindExportTasks`] and [`ServeFile`] are the single steps.

use std::borrow::Cow;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use hr_common::endpoint::{Endpoint, json_request};
use hr_common::transport::{CallOptions, Request};
use hr_common::{CivilDateTime, Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::IsdpClient;
use crate::codes::{Codes, PersonStatus, ProfilePictureStatus, TaskStatus};
use crate::download::{self, Download};
use crate::envelope::{BarePage, SERVICE};
use crate::group;
use crate::ids::{FileId, OrgId, PersonId, TaskId, UserId};
use crate::page::{self, MAX_ID_LIST, PageRequest};
use crate::reply::{BarePageReply, BareReply};
use crate::setters::{list_setter, opt_setter};

/// `person/exportPersonModel`.
pub const EXPORT_PATH: &str = "/openapi/v1/person/exportPersonModel";
/// `excelRecord/findPageExcelRecordModelListById`.
pub const EXPORT_POLL_PATH: &str = "/openapi/v1/excelRecord/findPageExcelRecordModelListById";
/// `file/serveFile`.
pub const SERVE_FILE_PATH: &str = "/openapi/v1/file/serveFile";

/// An export or import task, as every step of the chain reports it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExportTask {
    /// `taskId`.
    pub task_id: TaskId,
    /// `taskName` (the `exportName`).
    #[serde(default)]
    pub task_name: Option<String>,
    /// `status`.
    pub status: TaskStatus,
    /// `progressRate`, a percentage as a string (`"50"`); see [`ExportTask::progress`].
    #[serde(default, with = "progress_rate")]
    pub progress_rate: Option<String>,
    /// `docId`: the file to download once the task is done.
    #[serde(default)]
    pub doc_id: Option<FileId>,
    /// `fileName`.
    #[serde(default)]
    pub file_name: Option<String>,
    /// `fileSize` in bytes.
    #[serde(default)]
    pub file_size: Option<u64>,
    /// `taskType` (`export`).
    #[serde(default)]
    pub task_type: Option<String>,
    /// `moduleName`.
    #[serde(default)]
    pub module_name: Option<String>,
    /// `syncFlag`.
    #[serde(default)]
    pub sync_flag: Option<String>,
    /// `startTime`.
    #[serde(default, with = "hr_common::civil_time::option")]
    pub start_time: Option<CivilDateTime>,
    /// `endTime`.
    #[serde(default, with = "hr_common::civil_time::option")]
    pub end_time: Option<CivilDateTime>,
    /// `records`.
    #[serde(default)]
    pub records: Option<u64>,
    /// `blankRows`.
    #[serde(default)]
    pub blank_rows: Option<u64>,
    /// `totalRows`.
    #[serde(default)]
    pub total_rows: Option<u64>,
    /// `successRows`.
    #[serde(default)]
    pub success_rows: Option<u64>,
    /// `param`: the request, as a JSON string.
    #[serde(default)]
    pub param: Option<String>,
    /// `errInfo`: why the task failed.
    #[serde(default)]
    pub err_info: Option<String>,
    /// `errorFileSuffix`.
    #[serde(default)]
    pub error_file_suffix: Option<String>,
    /// `createdBy`.
    #[serde(default)]
    pub created_by: Option<UserId>,
    /// `serviceId`.
    #[serde(default)]
    pub service_id: Option<i64>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `progressRate` is a string in the reference and could be a number.
mod progress_rate {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;

    pub fn serialize<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(v),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    }
}

impl ExportTask {
    /// `progressRate` as a number from 0 to 100, when it is one.
    pub fn progress(&self) -> Option<f64> {
        self.progress_rate
            .as_deref()?
            .trim()
            .trim_end_matches('%')
            .parse()
            .ok()
    }

    /// Whether the task failed: status 3 or 4, or a status this crate does
    /// not know that came with an `errInfo`.
    pub fn has_failed(&self) -> bool {
        self.status.is_failure()
            || (matches!(self.status, TaskStatus::Unknown(_))
                && self
                    .err_info
                    .as_deref()
                    .is_some_and(|e| !e.trim().is_empty()))
    }

    /// Whether the task will not change any more: done, or [failed](ExportTask::has_failed).
    pub fn is_over(&self) -> bool {
        self.status == TaskStatus::Succeeded || self.has_failed()
    }

    /// The task's failure as an [`Error::Api`], with `status` as the code
    /// and `errInfo` as the message.
    fn failure(&self) -> Error {
        Error::api(
            SERVICE,
            self.status.code().to_string(),
            format!(
                "export task {} failed: {}",
                self.task_id,
                self.err_info.as_deref().unwrap_or("no errInfo")
            ),
        )
    }
}

/// `person/exportPersonModel`: starts an export task. The fields are seed
/// 000's table.
///
/// ```
/// use isdp_client::{ExportPersons, PersonStatus};
/// let req = ExportPersons::new("ChengTiePersonModel.export")
///     .person_status([PersonStatus::NoAccountOpened, PersonStatus::OpeningAccount,
///                     PersonStatus::OpenAccount, PersonStatus::Freeze])
///     .id_list([235378]);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({
///     "personStatus": "NoAccountOpened;OpeningAccount;OpenAccount;Freeze",
///     "idList": [235378],
///     "exportName": "ChengTiePersonModel.export"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// `send` starts the task (one step; see [`ExportJob`] for the chain) and
/// answers it. It is not retried after a send failure, which could start a
/// second task. `idList` and `orgIdList` (≤ 200) are checked before sending.
#[doc(alias = "exportPersonModel")]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExportPersons {
    /// `exportName`, e.g. `ChengTiePersonModel.export`.
    pub export_name: String,
    /// `idList` (at most 200).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub id_list: Vec<PersonId>,
    /// `personStatus`.
    #[serde(skip_serializing_if = "Codes::is_empty")]
    pub person_status: Codes<PersonStatus>,
    /// `createdBy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<UserId>,
    /// `orgIncludeChild`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_include_child: Option<bool>,
    /// `profilePictureStatus`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_picture_status: Option<ProfilePictureStatus>,
    /// `personName`, a substring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_name: Option<String>,
    /// `personCode`, a substring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_code: Option<String>,
    /// `orgIdList` (at most 200).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub org_id_list: Vec<OrgId>,
    /// `positionCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position_code: Option<String>,
}

impl ExportPersons {
    /// An export of every person, under this `exportName`.
    pub fn new(export_name: impl Into<String>) -> Self {
        ExportPersons {
            export_name: export_name.into(),
            id_list: Vec::new(),
            person_status: Codes::new(),
            created_by: None,
            org_include_child: None,
            profile_picture_status: None,
            person_name: None,
            person_code: None,
            org_id_list: Vec::new(),
            position_code: None,
        }
    }

    list_setter!(/// `idList` (≤ 200, checked before sending).
        id_list: PersonId);
    list_setter!(/// `personStatus`.
        person_status: PersonStatus);
    opt_setter!(/// `createdBy`.
        created_by: UserId);
    opt_setter!(/// `orgIncludeChild`.
        org_include_child: bool);
    opt_setter!(/// `profilePictureStatus`.
        profile_picture_status: ProfilePictureStatus);
    opt_setter!(/// `personName`.
        person_name: String);
    opt_setter!(/// `personCode`.
        person_code: String);
    list_setter!(/// `orgIdList` (≤ 200, checked before sending).
        org_id_list: OrgId);
    opt_setter!(/// `positionCode`.
        position_code: String);
}

impl Endpoint for ExportPersons {
    type Client = IsdpClient;
    type Output = ExportTask;
    type Envelope = BareReply;
    const PATH: &'static str = EXPORT_PATH;
    const IDEMPOTENT: bool = false;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        page::check_len("idList", self.id_list.len(), MAX_ID_LIST)?;
        page::check_len("orgIdList", self.org_id_list.len(), MAX_ID_LIST)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(ExportPersons);

/// `excelRecord/findPageExcelRecordModelListById`: lists tasks, one page
/// per `send` (`count` ≤ 200, checked before sending).
#[doc(alias = "findPageExcelRecordModelListById")]
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct FindExportTasks {
    /// `po`: the filter.
    pub po: TaskFilter,
    /// `page`.
    pub page: PageRequest,
}

/// `po` of [`FindExportTasks`].
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaskFilter {
    /// `taskId`: the tasks to list. A task moves on only when polled by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub task_id: Vec<TaskId>,
    /// `status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    /// `taskType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
    /// `fileName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

impl FindExportTasks {
    /// Lists these tasks.
    pub fn by_ids(ids: impl IntoIterator<Item = impl Into<TaskId>>) -> Self {
        FindExportTasks {
            po: TaskFilter {
                task_id: ids.into_iter().map(Into::into).collect(),
                ..TaskFilter::default()
            },
            page: PageRequest::default(),
        }
    }
}

impl Endpoint for FindExportTasks {
    type Client = IsdpClient;
    type Output = BarePage<ExportTask>;
    type Envelope = BarePageReply;
    const PATH: &'static str = EXPORT_POLL_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        page::check_count(self.page.count)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(FindExportTasks);

/// `file/serveFile`: downloads a file as a byte stream.
///
/// Not an [`Endpoint`]: its body is streamed, not read whole and decoded.
#[doc(alias = "serveFile")]
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServeFile {
    /// `fileId`: a finished export's `docId`.
    pub file_id: FileId,
}

impl ServeFile {
    /// The file with this id.
    pub fn new(file_id: impl Into<FileId>) -> Self {
        ServeFile {
            file_id: file_id.into(),
        }
    }

    /// Starts the download: returns once the headers are in; the body comes
    /// as [`Download::into_stream`] is read, each chunk within the client's
    /// timeout of the last.
    pub async fn send(&self, client: &IsdpClient) -> Result<Download> {
        self.send_with(client, &CallOptions::new()).await
    }

    /// [`send`](Self::send) with per-call options over the client's
    /// defaults (they apply until the headers are in).
    pub async fn send_with(&self, client: &IsdpClient, options: &CallOptions) -> Result<Download> {
        download::open(client, SERVE_FILE_PATH, self, options).await
    }
}

/// A step of [`ExportJob`], for progress reports.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ExportProgress {
    /// The task was created.
    Started(ExportTask),
    /// A poll saw the task; [`ExportTask::progress`] has `progressRate`.
    Polled(ExportTask),
    /// The task is done and its file is being downloaded.
    Ready(ExportTask),
}

impl ExportProgress {
    /// The task as last seen.
    pub fn task(&self) -> &ExportTask {
        match self {
            ExportProgress::Started(t) | ExportProgress::Polled(t) | ExportProgress::Ready(t) => t,
        }
    }
}

/// The shortest wait between two polls of an export task, whatever
/// [`ExportJob::poll_interval`] says, so that the backoff can grow.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Names the task in an error of ours after it was started, so that the
/// caller can find it again; the vendor's own codes and messages
/// ([`Error::Api`], [`Error::Auth`]) stay verbatim (the task id is also in
/// [`ExportProgress::Started`]).
fn with_task(mut err: Error, id: TaskId) -> Error {
    let prefix = |m: &mut String| *m = format!("export task {id}: {m}");
    match &mut err {
        Error::Transport { message, .. }
        | Error::Decode { message, .. }
        | Error::Paging { message, .. }
        | Error::InvalidRequest { message, .. } => prefix(message),
        Error::RateLimited { message, .. } => {
            let mut m = message.take().unwrap_or_default();
            prefix(&mut m);
            *message = Some(m);
        }
        Error::Status { body_excerpt, .. } => prefix(body_excerpt),
        _ => {}
    }
    err
}

type ProgressFn = Box<dyn FnMut(&ExportProgress) + Send>;

/// The whole export chain, configured and then awaited: start, poll with
/// backoff until status 2 (3 and 4 are [`Error::Api`] with `errInfo`), open
/// the download. Made by [`Persons::export`](crate::Persons::export).
///
/// ```no_run
/// # async fn run(client: &isdp_client::IsdpClient) -> hr_common::Result<()> {
/// use futures::TryStreamExt;
/// use isdp_client::ExportPersons;
///
/// let (task, download) = client.persons()
///     .export(ExportPersons::new("ChengTiePersonModel.export"))
///     .on_progress(|p| eprintln!("export {}: {:?}%", p.task().task_id, p.task().progress()))
///     .await?;
/// let bytes: Vec<bytes::Bytes> = download.into_stream().try_collect().await?;
/// # let _ = (task, bytes); Ok(()) }
/// ```
#[must_use = "an export job does nothing until awaited"]
pub struct ExportJob<'a> {
    client: &'a IsdpClient,
    request: ExportPersons,
    first_poll: Duration,
    max_poll: Duration,
    timeout: Duration,
    progress: Option<ProgressFn>,
}

impl<'a> ExportJob<'a> {
    pub(crate) fn new(client: &'a IsdpClient, request: ExportPersons) -> Self {
        ExportJob {
            client,
            request,
            first_poll: Duration::from_millis(500),
            max_poll: Duration::from_secs(5),
            timeout: Duration::from_secs(30 * 60),
            progress: None,
        }
    }

    /// Wait before the first poll (default 500 ms, at least
    /// [`MIN_POLL_INTERVAL`]); each later wait grows by half, up to
    /// [`max_poll_interval`](ExportJob::max_poll_interval).
    pub fn poll_interval(mut self, first: Duration) -> Self {
        self.first_poll = first.max(MIN_POLL_INTERVAL);
        self
    }

    /// Longest wait between polls (default 5 s, at least [`MIN_POLL_INTERVAL`]).
    pub fn max_poll_interval(mut self, max: Duration) -> Self {
        self.max_poll = max.max(MIN_POLL_INTERVAL);
        self
    }

    /// How long the task may take to finish (default 30 minutes). Each
    /// call the job makes (the request, every poll, the file's headers)
    /// gets what is left of it as its deadline, or the client's deadline
    /// when that is shorter.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Called at every step with the task as last seen.
    pub fn on_progress(mut self, f: impl FnMut(&ExportProgress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    async fn run(mut self) -> Result<(ExportTask, Download)> {
        let client = self.client;
        let mut report = |p: ExportProgress| {
            if let Some(f) = self.progress.as_mut() {
                f(&p);
            }
            p
        };
        let started = tokio::time::Instant::now();
        let timeout = self.timeout;
        // Each call gets what is left of the job's timeout, but never more
        // than the client's own deadline: a poll must not outlive the job,
        // and a short job must not stretch one call past the client's.
        let within_job = |what: &str| -> Result<CallOptions> {
            let left = timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(Error::transport(
                    hr_common::error::TransportErrorKind::Deadline,
                    false,
                    format!("export task: no time left for {what} within {timeout:?}"),
                ));
            }
            let deadline = client.transport().deadline().map_or(left, |d| d.min(left));
            Ok(CallOptions::new().deadline(deadline))
        };
        let mut task = self
            .request
            .send_with(client, &within_job("the export request")?)
            .await?;
        let id = task.task_id;
        task = report(ExportProgress::Started(task)).task().clone();
        let mut wait = self.first_poll;
        while !task.is_over() {
            if started.elapsed() + wait > self.timeout {
                return Err(Error::transport(
                    hr_common::error::TransportErrorKind::Deadline,
                    true,
                    format!("export task {id} not finished after {:?}", self.timeout),
                ));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 3 / 2).min(self.max_poll);
            let page = FindExportTasks::by_ids([id])
                .send_with(client, &within_job("a poll")?)
                .await
                .map_err(|e| with_task(e, id))?;
            task = page
                .data
                .into_iter()
                .find(|t| t.task_id == id)
                .ok_or_else(|| {
                    Error::api(
                        SERVICE,
                        "task_missing",
                        format!("export task {id} is no longer listed"),
                    )
                })?;
            task = report(ExportProgress::Polled(task)).task().clone();
        }
        if task.has_failed() {
            return Err(task.failure());
        }
        let file = task.doc_id.ok_or_else(|| {
            Error::api(
                SERVICE,
                "no_doc_id",
                format!("export task {id} finished without a docId"),
            )
        })?;
        let task = report(ExportProgress::Ready(task)).task().clone();
        let download = ServeFile::new(file)
            .send_with(client, &within_job("the file")?)
            .await
            .map_err(|e| with_task(e, id))?
            .expect_size(task.file_size);
        Ok((task, download))
    }
}

impl<'a> IntoFuture for ExportJob<'a> {
    type Output = Result<(ExportTask, Download)>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
