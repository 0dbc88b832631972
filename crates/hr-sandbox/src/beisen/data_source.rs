//! `POST /dataservice/api/DataSource/GetDataSource`: the options (value ↔
//! text) of the data sources behind coded fields, the replacement of the
//! retired `enableTranslate`.
//!
//! Shapes follow the vendor's documents as scraped in fxp/skillify
//! `skills/beisen/references/employees.md` §8 ("根据查询条件获取数据源"):
//!
//! ```text
//! → {"app":"TenantBase","metaObjectName":"TenantBase.EmploymentRecord",
//!    "listFilter":[{"dsName":"EmployeeStatus","fieldName":"EmployeeStatus","values":["3"],"isShowInactive":false}]}
//! ← {"data":[{"key":"EmployeeStatus","fieldName":"EmployeeStatus","application":"TenantBase",
//!    "metaObjectName":"TenantBase.EmploymentRecord",
//!    "dataSourceResults":[{"text":"正式","value":"3","isActive":true}]}],"code":"200","message":null}
//! ```
//!
//! - `app`, `metaObjectName` and `listFilter` are required, and each filter's
//!   `dsName`: missing → `"000001"`; 1–10 filters, more → `"1000024"`; a
//!   `dsName` or `fieldName` over 100 characters, or over 1,000 `values` →
//!   `"000002"` (the documented codes; the limits of "too long" are the
//!   sandbox's). Errors are HTTP 200 with `data` null.
//! - The source documents neither the envelope (read here as every v5
//!   lookup's) nor which `dsName` each standard field binds to. The sandbox
//!   names each data source after its field (PascalCase, e.g.
//!   `EmployeeStatus`); a filter is resolved by its `fieldName` among the
//!   fields of `metaObjectName` (`TenantBase.EmploymentRecord`:
//!   `EmployeeStatus`, `Place`, `EmploymentForm`, `EmployType`,
//!   `ServiceType`, `ApprovalStatus`; `TenantBase.EmployeeInformation`:
//!   `Nationality`, `IDType`, `Gender`, `Nation`, `EducationLevel`,
//!   `MarryCategory`, `PoliticalStatus`), else by its `dsName` among all of
//!   them, ignoring ASCII case. An unknown source answers an entry with no
//!   results. `app` is echoed, not checked.
//! - `values` (strings or numbers) narrows the options; `isShowInactive`
//!   (default false) adds the disabled ones (a closed office, a retired ID
//!   type).
//! - Every code a generated record carries resolves, to the text that
//!   `enableTranslate` gives it (`employeeStatus`, `place`,
//!   `employmentForm` (the form's GUID), `nationality`, `iDType`, …).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Beisen;
use super::json::json_response;
use super::lookup::ok;
use super::query::{Body, is_json, unsupported_media_type};
use crate::data::Dataset;

/// The most `listFilter` entries a call takes (the vendor's `1000024`).
const MAX_FILTERS: usize = 10;
/// The sandbox's bounds of "参数过长" (`000002`); the vendor states none.
const MAX_NAME_CHARS: usize = 100;
const MAX_VALUES: usize = 1000;

const EMPLOYMENT_RECORD: &str = "TenantBase.EmploymentRecord";
const EMPLOYEE_INFORMATION: &str = "TenantBase.EmployeeInformation";

/// The vendor's codes (skillify employees.md §8); the wording after the
/// code's own words is the sandbox's.
mod code {
    pub const MISSING: &str = "000001";
    pub const TOO_LONG: &str = "000002";
    pub const TOO_MANY_FILTERS: &str = "1000024";
}

fn error(code: &str, message: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"data": null, "code": code, "message": message}),
    )
}

/// The data sources the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    EmployeeStatus,
    Place,
    EmploymentForm,
    EmployType,
    ServiceType,
    ApprovalStatus,
    Nationality,
    IdType,
    Gender,
    Nation,
    EducationLevel,
    MarryCategory,
    PoliticalStatus,
}

impl Source {
    const ALL: [Source; 13] = [
        Source::EmployeeStatus,
        Source::Place,
        Source::EmploymentForm,
        Source::EmployType,
        Source::ServiceType,
        Source::ApprovalStatus,
        Source::Nationality,
        Source::IdType,
        Source::Gender,
        Source::Nation,
        Source::EducationLevel,
        Source::MarryCategory,
        Source::PoliticalStatus,
    ];

    /// Its `dsName` and field name.
    fn name(self) -> &'static str {
        match self {
            Source::EmployeeStatus => "EmployeeStatus",
            Source::Place => "Place",
            Source::EmploymentForm => "EmploymentForm",
            Source::EmployType => "EmployType",
            Source::ServiceType => "ServiceType",
            Source::ApprovalStatus => "ApprovalStatus",
            Source::Nationality => "Nationality",
            Source::IdType => "IDType",
            Source::Gender => "Gender",
            Source::Nation => "Nation",
            Source::EducationLevel => "EducationLevel",
            Source::MarryCategory => "MarryCategory",
            Source::PoliticalStatus => "PoliticalStatus",
        }
    }

    /// The object whose field it is.
    fn meta(self) -> &'static str {
        match self {
            Source::EmployeeStatus
            | Source::Place
            | Source::EmploymentForm
            | Source::EmployType
            | Source::ServiceType
            | Source::ApprovalStatus => EMPLOYMENT_RECORD,
            _ => EMPLOYEE_INFORMATION,
        }
    }

    fn by_name(name: &str) -> Option<Source> {
        Source::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The source a filter asks for: its field in `meta`, else its `dsName`.
    fn resolve(meta: &str, ds_name: &str, field_name: Option<&str>) -> Option<Source> {
        field_name
            .and_then(Source::by_name)
            .filter(|s| s.meta().eq_ignore_ascii_case(meta.trim()))
            .or_else(|| Source::by_name(ds_name))
    }

    /// `(value, text, enabled)` of every option. The texts are those
    /// `enableTranslate` gives the generated records (employee.rs), so the
    /// two ways of naming a code agree.
    fn options(self, data: &Dataset) -> Vec<(String, String, bool)> {
        let fixed = |rows: &[(&str, &str, bool)]| {
            rows.iter()
                .map(|(v, t, a)| ((*v).to_owned(), (*t).to_owned(), *a))
                .collect()
        };
        match self {
            Source::EmployeeStatus => fixed(&[
                ("1", "待入职", true),
                ("2", "试用", true),
                ("3", "正式", true),
                ("4", "调出", true),
                ("5", "待调入", true),
                ("6", "退休", true),
                ("7", "返聘", true),
                ("8", "离职", true),
                ("9", "身故", true),
                ("10", "返聘结束", true),
                ("11", "待返聘", true),
                ("12", "非正式", true),
            ]),
            // Administrative division codes of the offices' cities; 长沙's
            // office closed, so its option is disabled.
            Source::Place => fixed(&[
                ("1100", "北京", true),
                ("3100", "上海", true),
                ("4403", "深圳", true),
                ("4401", "广州", true),
                ("3301", "杭州", true),
                ("5101", "成都", true),
                ("4201", "武汉", true),
                ("6101", "西安", true),
                ("4301", "长沙", false),
            ]),
            Source::EmploymentForm => data
                .employment_forms()
                .iter()
                .map(|f| (f.oid.clone(), f.name.to_owned(), true))
                .collect(),
            Source::EmployType => fixed(&[
                ("0", "内部员工", true),
                ("1", "外部人员", true),
                ("2", "实习生", true),
                ("3", "顾问", true),
            ]),
            Source::ServiceType => fixed(&[
                ("0", "主职", true),
                ("1", "兼职", true),
                ("3", "返聘", true),
                ("4", "借调", true),
                ("5", "外派", true),
            ]),
            Source::ApprovalStatus => fixed(&[
                ("0", "草稿", true),
                ("1", "审批中", true),
                ("2", "审批通过", true),
                ("3", "审批拒绝", true),
                ("4", "审批生效", true),
                ("5", "作废", true),
                ("6", "已驳回", true),
            ]),
            Source::Nationality => fixed(&[
                ("1", "中国", true),
                ("2", "中国香港", true),
                ("3", "中国澳门", true),
                ("4", "中国台湾", true),
                ("5", "美国", true),
                ("6", "日本", true),
                ("7", "新加坡", true),
            ]),
            Source::IdType => fixed(&[
                ("1", "居民身份证", true),
                ("2", "护照", true),
                ("3", "港澳居民来往内地通行证", true),
                ("4", "台湾居民来往大陆通行证", true),
                ("5", "外国人永久居留身份证", true),
                ("6", "军官证", false),
            ]),
            Source::Gender => fixed(&[("0", "男", true), ("1", "女", true)]),
            Source::Nation => fixed(&[
                ("1", "汉族", true),
                ("3", "回族", true),
                ("5", "满族", true),
            ]),
            Source::EducationLevel => fixed(&[
                ("1", "初中及以下", true),
                ("2", "高中/中专", true),
                ("3", "大专", true),
                ("4", "本科", true),
                ("5", "硕士", true),
                ("6", "博士", true),
            ]),
            Source::MarryCategory => fixed(&[
                ("1", "未婚", true),
                ("2", "已婚", true),
                ("3", "离异", true),
            ]),
            Source::PoliticalStatus => fixed(&[
                ("1", "中共党员", true),
                ("3", "共青团员", true),
                ("13", "群众", true),
            ]),
        }
    }
}

/// One filter as sent.
struct Filter {
    ds_name: String,
    field_name: Option<String>,
    values: Option<Vec<String>>,
    show_inactive: bool,
}

/// The value of `key` in a filter object (exact, else ignoring ASCII case);
/// null is absent.
fn member<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    map.get(key)
        .or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

/// A scalar as text (numbers as their digits).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The filters, or the `(code, message)` refusing them.
fn filters(body: &Body) -> Result<Vec<Filter>, (&'static str, String)> {
    let missing = |what: &str| (code::MISSING, format!("参数缺失:{what}"));
    let format = |what: &str| (code::MISSING, format!("{what}参数格式不正确"));
    let Some(list) = body.get("listFilter") else {
        return Err(missing("listFilter"));
    };
    let Value::Array(list) = list else {
        return Err(format("listFilter"));
    };
    if list.is_empty() {
        return Err(missing("listFilter"));
    }
    if list.len() > MAX_FILTERS {
        return Err((
            code::TOO_MANY_FILTERS,
            format!("listFilter数量过多,不能超过{MAX_FILTERS}个"),
        ));
    }
    let too_long = |what: &str| (code::TOO_LONG, format!("参数过长:{what}"));
    list.iter()
        .map(|f| {
            let Value::Object(f) = f else {
                return Err(format("listFilter"));
            };
            let ds_name = match member(f, "dsName") {
                None => return Err(missing("dsName")),
                Some(v) => text(v).ok_or_else(|| format("dsName"))?,
            };
            if ds_name.trim().is_empty() {
                return Err(missing("dsName"));
            }
            let field_name = match member(f, "fieldName") {
                None => None,
                Some(v) => Some(text(v).ok_or_else(|| format("fieldName"))?),
            };
            if ds_name.chars().count() > MAX_NAME_CHARS
                || field_name
                    .as_ref()
                    .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
            {
                return Err(too_long("dsName/fieldName"));
            }
            let values = match member(f, "values") {
                None => None,
                Some(Value::Array(vs)) => {
                    if vs.len() > MAX_VALUES {
                        return Err(too_long("values"));
                    }
                    let vs: Option<Vec<String>> = vs
                        .iter()
                        .map(|v| text(v).map(|t| t.trim().to_owned()))
                        .collect();
                    Some(vs.ok_or_else(|| format("values"))?)
                }
                Some(_) => return Err(format("values")),
            };
            let show_inactive = match member(f, "isShowInactive") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
                Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
                Some(_) => return Err(format("isShowInactive")),
            };
            Ok(Filter {
                ds_name,
                field_name,
                values,
                show_inactive,
            })
        })
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    key: String,
    field_name: Option<String>,
    application: String,
    meta_object_name: String,
    data_source_results: Vec<Item>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    text: String,
    value: String,
    is_active: bool,
}

/// `POST /dataservice/api/DataSource/GetDataSource`.
pub(super) async fn get_data_source(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let body = match Body::parse(&body) {
        Ok(body) => body,
        Err(m) => return error(code::MISSING, &m),
    };
    let required = |key: &str| match body.str(key) {
        Ok(Some(v)) if !v.trim().is_empty() => Ok(v.to_owned()),
        Ok(_) => Err(format!("参数缺失:{key}")),
        Err(m) => Err(m),
    };
    let (app, meta) = match (required("app"), required("metaObjectName")) {
        (Ok(app), Ok(meta)) => (app, meta),
        (Err(m), _) | (_, Err(m)) => return error(code::MISSING, &m),
    };
    let filters = match filters(&body) {
        Ok(f) => f,
        Err((code, message)) => return error(code, &message),
    };
    let data = &b.ctx.data;
    let entries: Vec<Entry> = filters
        .into_iter()
        .map(|f| {
            let source = Source::resolve(&meta, &f.ds_name, f.field_name.as_deref());
            let results = source
                .map(|s| s.options(data))
                .unwrap_or_default()
                .into_iter()
                .filter(|(_, _, active)| *active || f.show_inactive)
                .filter(|(value, _, _)| f.values.as_ref().is_none_or(|vs| vs.contains(value)))
                .map(|(value, text, is_active)| Item {
                    text,
                    value,
                    is_active,
                })
                .collect();
            Entry {
                key: f.ds_name,
                field_name: f.field_name,
                application: app.clone(),
                meta_object_name: meta.clone(),
                data_source_results: results,
            }
        })
        .collect();
    ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::beisen::employee::{EmployeePage, Render};
    use crate::beisen::scroll::View;
    use crate::data::DataConfig;

    /// Every code a generated record carries resolves, through the field's
    /// data source, to the text `enableTranslate` gives it.
    #[test]
    fn every_code_of_every_record_resolves_to_its_translated_text() {
        let data = Dataset::new(DataConfig::default());
        let view = View {
            columns: None,
            translate: true,
            service_types: 0b11_1011,
        };
        let indices: Vec<u32> = (0..data.len() as u32).collect();
        let page = serde_json::to_value(EmployeePage {
            r: Render {
                data: &data,
                view: &view,
            },
            indices: &indices,
            list: true,
        })
        .unwrap();
        let fields = [
            (
                "recordInfos",
                "employeeStatus",
                Source::EmployeeStatus,
                "EmployeeStatusText",
            ),
            ("recordInfos", "place", Source::Place, "PlaceText"),
            (
                "recordInfos",
                "employmentForm",
                Source::EmploymentForm,
                "EmploymentFormText",
            ),
            (
                "recordInfos",
                "employType",
                Source::EmployType,
                "EmployTypeText",
            ),
            (
                "recordInfos",
                "serviceType",
                Source::ServiceType,
                "ServiceTypeText",
            ),
            (
                "recordInfos",
                "approvalStatus",
                Source::ApprovalStatus,
                "ApprovalStatusText",
            ),
            (
                "employeeInfo",
                "nationality",
                Source::Nationality,
                "NationalityText",
            ),
            ("employeeInfo", "iDType", Source::IdType, "IDTypeText"),
            ("employeeInfo", "gender", Source::Gender, "GenderText"),
            ("employeeInfo", "nation", Source::Nation, "NationText"),
            (
                "employeeInfo",
                "educationLevel",
                Source::EducationLevel,
                "EducationLevelText",
            ),
            (
                "employeeInfo",
                "marryCategory",
                Source::MarryCategory,
                "MarryCategoryText",
            ),
            (
                "employeeInfo",
                "politicalStatus",
                Source::PoliticalStatus,
                "PoliticalStatusText",
            ),
        ];
        let mut checked = 0;
        for person in page.as_array().unwrap() {
            for (part, field, source, text_key) in fields {
                let records: Vec<&Value> = match &person[part] {
                    Value::Array(rs) => rs.iter().collect(),
                    one => vec![one],
                };
                for record in records {
                    let code = text(&record[field]).unwrap_or_else(|| panic!("{field}: {record}"));
                    let options = source.options(&data);
                    let option = options.iter().find(|(v, _, _)| *v == code);
                    let Some((_, name, _)) = option else {
                        panic!("{field} {code} has no option in {}", source.name());
                    };
                    assert_eq!(
                        Some(name.as_str()),
                        record["translateProperties"][text_key].as_str(),
                        "{field} {code}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 13 * data.len(), "{checked}");
    }

    #[test]
    fn a_filter_resolves_by_field_in_its_object_else_by_ds_name() {
        assert_eq!(
            Source::resolve(EMPLOYMENT_RECORD, "ds_whatever", Some("employeeStatus")),
            Some(Source::EmployeeStatus)
        );
        assert_eq!(
            Source::resolve(EMPLOYEE_INFORMATION, "IDType", Some("EmployeeStatus")),
            Some(Source::IdType),
            "the field is not in this object: the dsName decides"
        );
        assert_eq!(Source::resolve(EMPLOYEE_INFORMATION, "nope", None), None);
    }
}
