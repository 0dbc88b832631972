//! The asynchronous person export: create a task, poll it until done,
//! download the file.
//!
//! No file is ever held in memory. A task keeps its filter and the
//! [`Snapshot`] of the data when it was created (an `Arc`: it costs a copy
//! of the write overlay only if a write happens afterwards); the file's
//! size is computed once, on the blocking pool, and the file itself is
//! generated again, in chunks, each time it is downloaded. The dataset is
//! deterministic, so every generation yields the same bytes.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, MutexGuard};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, SizeHint};
use serde_json::{Value, json};
use tokio::sync::{OnceCell, mpsc};

use super::import::{ImportOutcome, Upload};
use super::params::{self, Result};
use super::people::{CSV_HEADER, PersonFilter, push_csv_row};
use super::{Isdp, Snapshot, Style, page_json, parse_body};

/// The first task id handed out: the one in the vendor's example.
const FIRST_TASK_ID: i64 = 5_047_646;
/// File ids are the task id plus this, so that they never equal a task id
/// and a client mixing the two up fails loudly.
const FILE_ID_OFFSET: i64 = 880_000_000;
/// Bytes per chunk of a downloaded file: large enough to keep the channel
/// cheap, small enough that memory stays flat whatever the file's size.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks generated ahead of a slow reader.
const CHUNKS_AHEAD: usize = 4;

/// The rows and bytes of a finished file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileSize {
    records: usize,
    bytes: usize,
}

/// What a task exports: its filter over the data as it stood when the
/// task was created.
pub(super) struct ExportSource {
    filter: PersonFilter,
    snap: Arc<Snapshot>,
    /// Computed once, however many polls ask.
    size: OnceCell<Result<FileSize>>,
}

impl ExportSource {
    /// Generates the file, handing `sink` chunks of about [`CHUNK_BYTES`]
    /// with the number of rows in each, until done or `sink` returns
    /// `false`. Heavy over a large dataset: run it on the blocking pool.
    fn generate(&self, isdp: &Isdp, mut sink: impl FnMut(String, usize) -> bool) {
        let mut chunk = String::with_capacity(CHUNK_BYTES + 1024);
        chunk.push_str(CSV_HEADER);
        let mut rows = 0;
        let mut open = true;
        isdp.people(&self.snap)
            .for_each_match(&self.filter, &self.snap.tree, |rec| {
                push_csv_row(&mut chunk, &rec, &self.snap.tree, &isdp.catalog);
                rows += 1;
                if chunk.len() >= CHUNK_BYTES {
                    let full =
                        std::mem::replace(&mut chunk, String::with_capacity(CHUNK_BYTES + 1024));
                    open = sink(full, std::mem::take(&mut rows));
                }
                open
            });
        if open && !chunk.is_empty() {
            sink(chunk, rows);
        }
    }

    /// The file's size, computed on the blocking pool the first time.
    async fn size(self: &Arc<Self>, isdp: &Arc<Isdp>) -> Result<FileSize> {
        self.size
            .get_or_init(|| {
                let (source, isdp) = (self.clone(), isdp.clone());
                async move {
                    tokio::task::spawn_blocking(move || {
                        let mut size = FileSize {
                            records: 0,
                            bytes: 0,
                        };
                        source.generate(&isdp, |chunk, rows| {
                            size.records += rows;
                            size.bytes += chunk.len();
                            true
                        });
                        size
                    })
                    .await
                    .map_err(|e| format!("sandbox: the export failed: {e}"))
                }
            })
            .await
            .clone()
    }
}

/// What a task does.
#[derive(Clone)]
pub(super) enum Job {
    /// Exports persons to a file.
    Export(Arc<ExportSource>),
    /// Imports the persons of an uploaded file.
    Import(Arc<Upload>),
}

/// How a task that reached its last step came out.
enum Finished {
    Export(Result<FileSize>),
    Import(ImportOutcome),
}

/// One export or import task; both share the ids and the poll.
pub(super) struct Task {
    id: i64,
    name: String,
    param: String,
    created_by: Option<i64>,
    job: Job,
    /// Why the task will fail, known when it is created (it fails on its
    /// way, as a real one would, rather than at once).
    fail: Option<String>,
    polls: u32,
    status: u8,
    start_time: Option<String>,
    end_time: Option<String>,
    file_id: Option<i64>,
    file_size: usize,
    records: usize,
    blank_rows: usize,
    success_rows: usize,
    err_info: Option<String>,
}

/// The export tasks kept, oldest first.
#[derive(Default)]
pub(super) struct Exports {
    tasks: BTreeMap<i64, Task>,
    /// The id of the last task created, so ids never repeat even after
    /// old tasks are dropped.
    last_id: Option<i64>,
}

impl Isdp {
    fn exports(&self) -> MutexGuard<'_, Exports> {
        self.exports.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn now_text() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

impl Task {
    /// A new task of `job`, pending.
    pub(super) fn new(
        name: String,
        param: String,
        created_by: Option<i64>,
        job: Job,
        fail: Option<String>,
    ) -> Task {
        Task {
            id: 0,
            name,
            param,
            created_by,
            job,
            fail,
            polls: 0,
            status: 0,
            start_time: None,
            end_time: None,
            file_id: None,
            file_size: 0,
            records: 0,
            blank_rows: 0,
            success_rows: 0,
            err_info: None,
        }
    }

    fn task_type(&self) -> &'static str {
        match self.job {
            Job::Export(_) => "export",
            Job::Import(_) => "import",
        }
    }

    fn file_name(&self) -> &str {
        match &self.job {
            Job::Export(_) => "personModelExport",
            Job::Import(upload) => &upload.file_name,
        }
    }

    /// The status of a failed task: 3 for an export, 4 for an import
    /// (the code importData's reference uses).
    fn failed_status(&self) -> u8 {
        match self.job {
            Job::Export(_) => 3,
            Job::Import(_) => 4,
        }
    }

    fn json(&self) -> Value {
        let progress = match self.status {
            0 => "0",
            1 | 3 | 4 => "50",
            _ => "100",
        };
        let (module, size) = match &self.job {
            Job::Export(_) => ("人员信息导出", self.file_size),
            Job::Import(upload) => (super::import::MODULE_NAME, upload.size),
        };
        json!({
            "taskId": self.id,
            "taskName": self.name,
            "progressRate": progress,
            "fileName": self.file_name(),
            "taskType": self.task_type(),
            "errorFileSuffix": null,
            "moduleName": module,
            "status": self.status,
            "docId": self.file_id.map(|id| id.to_string()),
            "fileSize": size,
            "syncFlag": "1",
            "startTime": self.start_time,
            "endTime": self.end_time,
            "records": self.records,
            "blankRows": self.blank_rows,
            "param": self.param,
            "errInfo": self.err_info,
            "createdBy": self.created_by,
            "totalRows": self.records,
            "successRows": self.success_rows,
            "serviceId": null,
        })
    }
}

/// `POST /openapi/v1/person/exportPersonModel`: the bare task object.
pub(super) async fn create(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::EXPORT_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::Bare.respond(create_task(&isdp, &body))
}

fn create_task(isdp: &Arc<Isdp>, body: &Value) -> Result<Value> {
    let filter = PersonFilter::parse(body)?;
    let name = params::string(body, "exportName")?.unwrap_or_else(|| "personModel.export".into());
    let created_by = params::int(body, "createdBy")?;
    // `param` echoes the request plus the module name, as a JSON string.
    let mut param = body.as_object().cloned().unwrap_or_default();
    param.insert("moduleName".into(), json!("人员信息导出"));
    let fail = (name == super::FAILING_EXPORT_NAME).then(|| {
        format!(
            "sandbox: export failed because exportName was \"{}\"",
            super::FAILING_EXPORT_NAME
        )
    });
    let source = Arc::new(ExportSource {
        filter,
        snap: isdp.snapshot(),
        size: OnceCell::new(),
    });
    if fail.is_none() {
        // Size the file right away, so that the poll that finishes the task
        // rarely has to wait for it.
        let (source, isdp) = (source.clone(), isdp.clone());
        tokio::spawn(async move {
            let _ = source.size(&isdp).await;
        });
    }
    let task = Task::new(
        name,
        Value::Object(param).to_string(),
        created_by,
        Job::Export(source),
        fail,
    );
    Ok(isdp.add_task(task))
}

impl Isdp {
    /// Keeps `task` under a new id and answers it as created.
    pub(super) fn add_task(&self, mut task: Task) -> Value {
        let mut exports = self.exports();
        let id = exports.last_id.map_or(FIRST_TASK_ID, |last| last + 1);
        exports.last_id = Some(id);
        task.id = id;
        let out = task.json();
        exports.tasks.insert(id, task);
        // The oldest tasks go, with their files, so memory stays bounded.
        let kept = self.ctx.config.isdp.export_tasks_kept.max(1);
        while exports.tasks.len() > kept {
            exports.tasks.pop_first();
        }
        out
    }
}

/// `POST /openapi/v1/excelRecord/findPageExcelRecordModelListById`: a bare
/// page of tasks; each call moves the tasks it names along.
pub(super) async fn poll(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::EXPORT_POLL_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::Bare.respond(poll_tasks(&isdp, &body).await)
}

async fn poll_tasks(isdp: &Arc<Isdp>, body: &Value) -> Result<Value> {
    let (start, count) = params::page(body)?;
    let none = Value::Null;
    let po = match params::get(body, "po") {
        None => &none,
        Some(v @ Value::Object(_)) => v,
        Some(_) => return Err("po: expected an object".into()),
    };
    let ids = params::ints(po, "taskId")?;
    let status = params::int(po, "status")?;
    let task_type = params::string(po, "taskType")?;
    let file_name = params::string(po, "fileName")?;

    // Move the named tasks along; a poll without `taskId` only lists.
    let per_step = isdp.ctx.config.isdp.export_polls_per_step.max(1);
    let mut finishing = Vec::new();
    if let Some(ids) = &ids {
        let mut exports = isdp.exports();
        for task in exports.tasks.values_mut().filter(|t| ids.contains(&t.id)) {
            if task.status >= 2 {
                continue;
            }
            task.polls += 1;
            let target = (task.polls / per_step).min(2) as u8;
            if target >= 1 && task.status == 0 {
                task.status = 1;
                task.start_time = Some(now_text());
            }
            if target == 2 && task.status == 1 {
                if let Some(why) = &task.fail {
                    task.end_time = Some(now_text());
                    task.status = task.failed_status();
                    task.err_info = Some(why.clone());
                } else {
                    finishing.push((task.id, task.job.clone()));
                }
            }
        }
    }
    // The file's size, or the import's writes, without holding the lock:
    // over a large dataset sizing may wait for the scan started when the
    // task was created.
    let mut done = Vec::with_capacity(finishing.len());
    for (id, job) in finishing {
        let outcome = match job {
            Job::Export(source) => Finished::Export(source.size(isdp).await),
            Job::Import(upload) => Finished::Import(upload.apply(isdp).clone()),
        };
        done.push((id, outcome));
    }

    let mut exports = isdp.exports();
    for (id, outcome) in done {
        // A concurrent poll may have finished it already.
        let Some(task) = exports.tasks.get_mut(&id).filter(|t| t.status == 1) else {
            continue;
        };
        task.end_time = Some(now_text());
        match outcome {
            Finished::Export(Ok(size)) => {
                task.status = 2;
                task.records = size.records;
                task.success_rows = size.records;
                task.file_size = size.bytes;
                task.file_id = Some(task.id + FILE_ID_OFFSET);
            }
            Finished::Import(outcome) => {
                task.status = 2;
                task.records = outcome.total_rows;
                task.blank_rows = outcome.blank_rows;
                task.success_rows = outcome.success_rows;
                task.err_info = outcome.err_info;
            }
            Finished::Export(Err(e)) => {
                task.status = 3;
                task.err_info = Some(e);
            }
        }
    }
    let items: Vec<&Task> = exports
        .tasks
        .values()
        .filter(|t| ids.as_ref().is_none_or(|ids| ids.contains(&t.id)))
        .filter(|t| status.is_none_or(|s| i64::from(t.status) == s))
        .filter(|t| task_type.as_deref().is_none_or(|ty| ty == t.task_type()))
        .filter(|t| file_name.as_deref().is_none_or(|f| f == t.file_name()))
        .collect();
    let total = items.len();
    let data = items
        .into_iter()
        .skip(start)
        .take(count)
        .map(Task::json)
        .collect();
    Ok(page_json(data, start, total))
}

/// A response body fed by the generator thread through a bounded channel,
/// so a slow reader holds back generation instead of filling memory.
struct ChunkBody {
    chunks: mpsc::Receiver<Bytes>,
    size: u64,
}

impl hyper::body::Body for ChunkBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, Infallible>>> {
        self.chunks
            .poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok(Frame::data(c))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.size)
    }
}

/// `POST /openapi/v1/file/serveFile`: the raw bytes of a finished export,
/// generated as they are sent.
pub(super) async fn serve_file(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::SERVE_FILE_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let file_id = match params::int(&body, "fileId") {
        Ok(Some(id)) => id,
        Ok(None) => return Style::Bare.respond(Err("fileId is required".into())),
        Err(e) => return Style::Bare.respond(Err(e)),
    };
    let file = isdp
        .exports()
        .tasks
        .get(&file_id.wrapping_sub(FILE_ID_OFFSET))
        .filter(|t| t.file_id == Some(file_id))
        .and_then(|t| match &t.job {
            Job::Export(source) => Some((source.clone(), t.file_size)),
            Job::Import(_) => None,
        });
    let Some((source, size)) = file else {
        return Style::Bare.respond(Err(format!("file {file_id} does not exist")));
    };
    let (tx, rx) = mpsc::channel(CHUNKS_AHEAD);
    let generator = isdp.clone();
    tokio::task::spawn_blocking(move || {
        // A closed channel means the client went away: stop generating.
        source.generate(&generator, |chunk, _| {
            tx.blocking_send(Bytes::from(chunk)).is_ok()
        });
    });
    let body = ChunkBody {
        chunks: rx,
        size: size as u64,
    };
    let mut response = (StatusCode::OK, Body::new(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"personModelExport.csv\""),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    response
}
