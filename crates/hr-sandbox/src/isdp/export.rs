//! The asynchronous person export: create a task, poll it until done,
//! download the file.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::org::OrgTree;
use super::params::{self, Result};
use super::people::{PersonFilter, export_csv};
use super::{Isdp, Style, page_json, parse_body};

/// The first task id handed out: the one in the vendor's example.
const FIRST_TASK_ID: i64 = 5_047_646;
/// File ids are the task id plus this, so that they never equal a task id
/// and a client mixing the two up fails loudly.
const FILE_ID_OFFSET: i64 = 880_000_000;

/// One export task.
#[derive(Debug)]
pub(super) struct Task {
    id: i64,
    name: String,
    param: String,
    created_by: Option<i64>,
    filter: PersonFilter,
    fail: bool,
    polls: u32,
    status: u8,
    start_time: Option<String>,
    end_time: Option<String>,
    file_id: Option<i64>,
    file_size: usize,
    records: usize,
    err_info: Option<String>,
}

/// Every export task and finished file.
#[derive(Debug, Default)]
pub(super) struct Exports {
    tasks: BTreeMap<i64, Task>,
    files: HashMap<i64, Bytes>,
}

fn now_text() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

impl Task {
    fn json(&self) -> Value {
        let progress = match self.status {
            0 => "0",
            1 | 3 => "50",
            _ => "100",
        };
        json!({
            "taskId": self.id,
            "taskName": self.name,
            "progressRate": progress,
            "fileName": "personModelExport",
            "taskType": "export",
            "errorFileSuffix": null,
            "moduleName": "人员信息导出",
            "status": self.status,
            "docId": self.file_id.map(|id| id.to_string()),
            "fileSize": self.file_size,
            "syncFlag": "1",
            "startTime": self.start_time,
            "endTime": self.end_time,
            "records": self.records,
            "blankRows": 0,
            "param": self.param,
            "errInfo": self.err_info,
            "createdBy": self.created_by,
            "totalRows": self.records,
            "successRows": self.records,
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

fn create_task(isdp: &Isdp, body: &Value) -> Result<Value> {
    let filter = PersonFilter::parse(body)?;
    let name = params::string(body, "exportName")?.unwrap_or_else(|| "personModel.export".into());
    let created_by = params::int(body, "createdBy")?;
    // `param` echoes the request plus the module name, as a JSON string.
    let mut param = body.as_object().cloned().unwrap_or_default();
    param.insert("moduleName".into(), json!("人员信息导出"));
    let mut inner = isdp.lock();
    let exports = &mut inner.exports;
    let id = exports
        .tasks
        .keys()
        .next_back()
        .map_or(FIRST_TASK_ID, |last| last + 1);
    let task = Task {
        id,
        fail: name == super::FAILING_EXPORT_NAME,
        name,
        param: Value::Object(param).to_string(),
        created_by,
        filter,
        polls: 0,
        status: 0,
        start_time: None,
        end_time: None,
        file_id: None,
        file_size: 0,
        records: 0,
        err_info: None,
    };
    let out = task.json();
    exports.tasks.insert(id, task);
    Ok(out)
}

/// `POST /openapi/v1/excelRecord/findPageExcelRecordModelListById`: a bare
/// page of tasks; each call moves the tasks it names along.
pub(super) async fn poll(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::EXPORT_POLL_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::Bare.respond(poll_tasks(&isdp, &body))
}

fn poll_tasks(isdp: &Isdp, body: &Value) -> Result<Value> {
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

    let per_step = isdp.ctx.config.isdp.export_polls_per_step.max(1);
    let mut guard = isdp.lock();
    let inner = &mut *guard;
    let selected: Vec<i64> = inner
        .exports
        .tasks
        .keys()
        .copied()
        .filter(|id| ids.as_ref().is_none_or(|ids| ids.contains(id)))
        .collect();
    for id in &selected {
        let Some(task) = inner.exports.tasks.get_mut(id) else {
            continue;
        };
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
            task.end_time = Some(now_text());
            if task.fail {
                task.status = 3;
                task.err_info = Some(format!(
                    "sandbox: export failed because exportName was \"{}\"",
                    super::FAILING_EXPORT_NAME
                ));
                continue;
            }
            // The file is cut when the task finishes, so later writes do not
            // change a finished export.
            let tree = OrgTree::build(&isdp.ctx.data, &inner.orgs);
            let people = super::people::People {
                data: &isdp.ctx.data,
                catalog: &isdp.catalog,
                overlay: &inner.people,
            };
            let records = people.all_matching(&task.filter, &tree);
            let bytes = export_csv(&records, &tree, &isdp.catalog);
            let file_id = task.id + FILE_ID_OFFSET;
            task.status = 2;
            task.records = records.len();
            task.file_size = bytes.len();
            task.file_id = Some(file_id);
            inner.exports.files.insert(file_id, Bytes::from(bytes));
        }
    }
    let items: Vec<&Task> = selected
        .iter()
        .filter_map(|id| inner.exports.tasks.get(id))
        .filter(|t| status.is_none_or(|s| i64::from(t.status) == s))
        .filter(|_| task_type.as_deref().is_none_or(|t| t == "export"))
        .filter(|_| {
            file_name
                .as_deref()
                .is_none_or(|f| f == "personModelExport")
        })
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

/// `POST /openapi/v1/file/serveFile`: the raw bytes of a finished export.
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
    let file = isdp.lock().exports.files.get(&file_id).cloned();
    let Some(bytes) = file else {
        return Style::Bare.respond(Err(format!("file {file_id} does not exist")));
    };
    let mut response = (StatusCode::OK, Body::from(bytes)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"personModelExport.csv\""),
    );
    response
}
