//! The person import: `openFile/v1/person/importData` (a multipart upload
//! of a filled-in workbook, answered with a task polled like an export)
//! and `person/getTemplateExcel` (the workbook to fill in).

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::export::{Job, Task};
use super::people::{add_one, update_one};
use super::workbook;
use super::{Early, Isdp, Style, params, parse_body};

/// `moduleName` of an import task.
pub(super) const MODULE_NAME: &str = "人员信息导入";
/// `taskName` of an import without `importName`.
const DEFAULT_IMPORT_NAME: &str = "personModel.import";
/// Row errors quoted in `errInfo`; the rest are counted.
const ERRORS_QUOTED: usize = 10;

/// The template's columns; `*` marks what a new person needs.
pub(super) const TEMPLATE_COLUMNS: [&str; 8] = [
    "人员编码*",
    "人员名称*",
    "人员类型*",
    "人员状态",
    "手机号码*",
    "组织编码*",
    "岗位编码",
    "角色编码",
];

/// The request field a column header stands for: the template's Chinese
/// names (with or without the `*`), the export file's (so an export can
/// be edited and imported again), or the API's field names.
fn field_of(header: &str) -> Option<&'static str> {
    let name = header.trim().trim_matches(['*', '＊']).trim();
    let field = match name {
        "人员编码" => "personCode",
        "人员名称" => "personName",
        "人员类型" => "personType",
        "人员状态" => "personStatus",
        "手机号码" | "手机号" => "phone",
        "组织编码" => "orgNo",
        "岗位编码" => "positionCode",
        "角色编码" => "roleNo",
        "证件类型" => "certificateType",
        "证件号码" => "certificateNo",
        "集成账号" => "integrationAccount",
        _ => {
            const FIELDS: [&str; 12] = [
                "personCode",
                "personName",
                "personType",
                "personStatus",
                "phone",
                "orgNo",
                "positionCode",
                "roleNo",
                "certificateType",
                "certificateNo",
                "integrationAccount",
                "isSmartDevice",
            ];
            let udf = (1..=10).find(|n| {
                name.eq_ignore_ascii_case(&format!("udfExtend{n}"))
                    || name == format!("扩展字段{n}")
            });
            return match udf {
                Some(n) => super::people::UDF_FIELDS
                    .iter()
                    .copied()
                    .find(|f| *f == format!("udfExtend{n}")),
                None => FIELDS.into_iter().find(|f| f.eq_ignore_ascii_case(name)),
            };
        }
    };
    Some(field)
}

/// The persons of an uploaded file, read when it arrives and written when
/// its task finishes.
pub(super) struct Upload {
    pub(super) file_name: String,
    /// The file's size in bytes (`fileSize`).
    pub(super) size: usize,
    /// Each data row as the fields of a batchAdd item, `None` for a blank
    /// one, with its row number in the file.
    rows: Vec<(usize, Option<Value>)>,
    /// Written once, by the first poll that finishes the task.
    outcome: OnceLock<ImportOutcome>,
}

/// The counts of a finished import.
#[derive(Debug, Clone)]
pub(super) struct ImportOutcome {
    pub(super) total_rows: usize,
    pub(super) blank_rows: usize,
    pub(super) success_rows: usize,
    pub(super) err_info: Option<String>,
}

/// The data rows of `rows` (the header first) as request items.
fn items(rows: workbook::Rows) -> Result<Vec<(usize, Option<Value>)>, String> {
    let mut rows = rows.into_iter();
    let header = rows.next().ok_or("the file is empty")?;
    let columns: Vec<Option<&str>> = header.iter().map(|h| field_of(h)).collect();
    if !columns.contains(&Some("personCode")) {
        return Err(format!(
            "the first row must name the columns, 人员编码 (personCode) among them; it is {header:?}"
        ));
    }
    let items = rows
        .enumerate()
        .map(|(i, row)| {
            let mut item = Map::new();
            for (field, cell) in columns.iter().zip(&row) {
                let (Some(field), cell) = (field, cell.trim()) else {
                    continue;
                };
                // An export's masked phone (`135******78`) is no new number.
                if cell.is_empty() || (*field == "phone" && cell.contains('*')) {
                    continue;
                }
                item.insert((*field).to_owned(), json!(cell));
            }
            (i + 2, (!item.is_empty()).then_some(Value::Object(item)))
        })
        .collect();
    Ok(items)
}

impl Upload {
    /// Adds the persons whose `personCode` is new and updates the others,
    /// once however often it is called.
    pub(super) fn apply(&self, isdp: &Isdp) -> &ImportOutcome {
        self.outcome.get_or_init(|| {
            isdp.write(|snap| {
                let mut errors = Vec::new();
                let (mut total, mut blank, mut success) = (0, 0, 0);
                for (row, item) in &self.rows {
                    let Some(item) = item else {
                        blank += 1;
                        continue;
                    };
                    total += 1;
                    let code = params::string(item, "personCode").ok().flatten();
                    let exists = code
                        .as_deref()
                        .is_some_and(|c| isdp.people(snap).find_code(c).is_some());
                    let outcome = if exists {
                        update_one(isdp, snap, item)
                    } else {
                        add_one(isdp, snap, item)
                    };
                    match outcome {
                        Ok(_) => success += 1,
                        Err(msg) => errors.push(format!(
                            "row {row} ({}): {msg}",
                            code.as_deref().unwrap_or("no personCode")
                        )),
                    }
                }
                let err_info = (!errors.is_empty()).then(|| {
                    let more = errors.len().saturating_sub(ERRORS_QUOTED);
                    let mut text = format!(
                        "{} of {total} rows failed: {}",
                        errors.len(),
                        errors[..errors.len().min(ERRORS_QUOTED)].join("; ")
                    );
                    if more > 0 {
                        text.push_str(&format!("; and {more} more"));
                    }
                    text
                });
                ImportOutcome {
                    total_rows: total,
                    blank_rows: blank,
                    success_rows: success,
                    err_info,
                }
            })
        })
    }
}

/// One part of a `multipart/form-data` body.
struct Part<'a> {
    name: String,
    file_name: Option<String>,
    data: &'a [u8],
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// `%E4%BA%BA` → `人`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `key="value"` (or unquoted) parameter of a header value.
fn header_param(value: &str, key: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The parts of a multipart body, or `None` when it is malformed.
fn multipart<'a>(body: &'a [u8], boundary: &str) -> Option<Vec<Part<'a>>> {
    let delimiter = format!("--{boundary}");
    let mut at = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(at..at + 2)? == b"--" {
            return Some(parts);
        }
        at = find(body, b"\r\n", at)? + 2;
        let head_end = find(body, b"\r\n\r\n", at)?;
        let head = String::from_utf8_lossy(&body[at..head_end]);
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), head_end + 4)?;
        let disposition = head
            .split("\r\n")
            .find_map(|line| {
                let (k, v) = line.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then_some(v.trim())
            })
            .unwrap_or_default();
        let file_name = header_param(disposition, "filename*")
            .map(|v| percent_decode(v.rsplit('\'').next().unwrap_or_default()))
            .or_else(|| header_param(disposition, "filename"));
        parts.push(Part {
            name: header_param(disposition, "name").unwrap_or_default(),
            file_name,
            data: &body[head_end + 4..next],
        });
        at = next + 2 + delimiter.len();
    }
}

fn spring_400(message: &str) -> Response {
    Early::Unparsable {
        path: super::IMPORT_PATH,
        message: message.into(),
    }
    .into_response()
}

/// `POST /openapi/openFile/v1/person/importData`: multipart `file`,
/// `importName`, `createdBy`; answers the bare task object.
pub(super) async fn import_data(
    State(isdp): State<Arc<Isdp>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
        .then(|| header_param(content_type, "boundary"))
        .flatten();
    let Some(boundary) = boundary.filter(|b| !b.is_empty()) else {
        return spring_400("Current request is not a multipart request");
    };
    let Some(parts) = multipart(&body, &boundary) else {
        return spring_400("Failed to parse multipart servlet request");
    };
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name && p.file_name.is_none())
            .map(|p| String::from_utf8_lossy(p.data).trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let Some(file) = parts.iter().find(|p| p.name == "file") else {
        return spring_400("Required request part 'file' is not present");
    };
    let created_by = match text("createdBy").map(|v| v.parse::<i64>()) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Style::Bare.respond(Err("createdBy: expected an integer".into())),
    };
    let name = text("importName").unwrap_or_else(|| DEFAULT_IMPORT_NAME.into());
    let file_name = file
        .file_name
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "file".into());

    let mut fail = (name == super::FAILING_EXPORT_NAME).then(|| {
        format!(
            "sandbox: import failed because importName was \"{}\"",
            super::FAILING_EXPORT_NAME
        )
    });
    let rows = match workbook::read_rows(file.data).and_then(items) {
        Ok(rows) => rows,
        Err(e) => {
            fail.get_or_insert(e);
            Vec::new()
        }
    };
    let param = json!({
        "importName": name,
        "createdBy": created_by,
        "fileName": file_name,
        "moduleName": MODULE_NAME,
    });
    let upload = Upload {
        file_name,
        size: file.data.len(),
        rows,
        outcome: OnceLock::new(),
    };
    let task = Task::new(
        name,
        param.to_string(),
        created_by,
        Job::Import(Arc::new(upload)),
        fail,
    );
    Style::Bare.respond(Ok(isdp.add_task(task)))
}

/// `%`-encodes everything but unreserved ASCII, for `filename*`.
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The template workbook: the header row of [`TEMPLATE_COLUMNS`].
pub(super) fn template() -> Vec<u8> {
    workbook::write_xlsx(&[TEMPLATE_COLUMNS.iter().map(|c| c.to_string()).collect()])
}

/// `POST /openapi/v1/person/getTemplateExcel` `{fileName}`: the template,
/// as an `.xlsx` attachment named after `fileName`.
pub(super) async fn get_template_excel(State(_): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::TEMPLATE_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let name = match params::string(&body, "fileName") {
        Ok(Some(name)) => name,
        Ok(None) => return Style::Bare.respond(Err("fileName is required".into())),
        Err(e) => return Style::Bare.respond(Err(e)),
    };
    let name = if name.to_ascii_lowercase().ends_with(".xlsx") {
        name
    } else {
        format!("{name}.xlsx")
    };
    let disposition = format!(
        "attachment; filename=\"template.xlsx\"; filename*=UTF-8''{}",
        percent_encode(&name)
    );
    let mut response = (StatusCode::OK, template()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The content type of an `.xlsx` workbook.
pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_the_template_the_export_and_the_api_are_understood() {
        for (header, field) in [
            ("人员编码*", Some("personCode")),
            (" 手机号码 ", Some("phone")),
            ("组织编码＊", Some("orgNo")),
            ("personcode", Some("personCode")),
            ("udfExtend10", Some("udfExtend10")),
            ("扩展字段2", Some("udfExtend2")),
            ("udfExtend5", None),
            ("人员ID", None),
            ("最后更新时间", None),
        ] {
            assert_eq!(field_of(header), field, "{header}");
        }
    }

    #[test]
    fn rows_become_items_and_blank_rows_are_told_apart() {
        let rows = vec![
            vec!["人员编码".into(), "手机号码".into(), "人员ID".into()],
            vec!["E1".into(), "135******78".into(), "5001".into()],
            vec![" ".into(), "".into()],
            vec!["E2".into(), "13512345678".into()],
        ];
        assert_eq!(
            items(rows),
            Ok(vec![
                (2, Some(json!({"personCode": "E1"}))),
                (3, None),
                (4, Some(json!({"personCode": "E2", "phone": "13512345678"}))),
            ])
        );
        assert!(super::items(vec![vec!["姓名".into()]]).is_err());
        assert!(super::items(Vec::new()).is_err());
    }

    #[test]
    fn multipart_bodies_are_split_and_malformed_ones_refused() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E4%BA%BA.csv\r\nContent-Type: text/csv\r\n\r\na\r\n--b\r\n--XyZ\r\ncontent-disposition: form-data; name=\"importName\"\r\n\r\nx\r\n--XyZ--\r\n";
        let parts = multipart(body, "XyZ").expect("parsed");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "file");
        assert_eq!(parts[0].file_name.as_deref(), Some("人.csv"));
        assert_eq!(parts[0].data, b"a\r\n--b");
        assert_eq!(
            (parts[1].name.as_str(), parts[1].data),
            ("importName", &b"x"[..])
        );
        for cut in 0..body.len() - 4 {
            assert!(multipart(&body[..cut], "XyZ").is_none(), "cut at {cut}");
        }
    }
}
