//! Reading request bodies the way an ASP.NET model binder does: keys match
//! ignoring case, numbers may arrive as strings (`"timeWindowQueryType":"1"`,
//! as PHP clients send them), and a bad value is a business error (`417`),
//! not a transport one.

use std::cmp::Ordering;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Map, Value, json};

use super::json::{Columns, Dt, json_response};
use crate::data::Person;

/// A request's JSON object.
#[derive(Debug, Default)]
pub(super) struct Body {
    map: Map<String, Value>,
    /// `sort` as sent, keys in request order (a JSON map here would sort
    /// them, and the order of sort keys matters); `None` when absent.
    sort: Option<Vec<(String, Value)>>,
}

/// The longest window the time-window endpoints accept, both ends included
/// in the count as the vendor words it ("限定在90天(包含90天)").
pub(super) const MAX_WINDOW_DAYS: i64 = 90;
/// The largest `capacity` of a time-window query.
pub(super) const MAX_CAPACITY: i64 = 300;
/// `capacity` when none is sent.
pub(super) const DEFAULT_CAPACITY: i64 = 100;

/// Messages of the `417` answers, in the vendor's words where it has any.
pub(super) mod msg {
    pub const WINDOW_TOO_LONG: &str = "只支持查询90天范围内的数据,请分段查询";
    /// The same, with the full-width comma the issue tracker quotes.
    pub const WINDOW_TOO_LONG_FULLWIDTH: &str = "只支持查询90天范围内的数据，请分段查询";
    pub const CAPACITY_TOO_LARGE: &str = "每批次数据量必须小于等于300";
    pub const CAPACITY_TOO_SMALL: &str = "每批次数据量必须大于0";
    pub const TIME_MISSING: &str = "开始时间和结束时间不能为空";
    pub const TIME_FORMAT: &str = "时间格式不正确,格式:2021-01-01T00:00:00";
    pub const START_AFTER_STOP: &str = "开始时间不能大于结束时间";
    pub const QUERY_TYPE: &str = "timeWindowQueryType参数不正确,1修改时间、2业务修改时间";
    pub const SCROLL_ID: &str = "scrollId无效";
    pub const SCROLL_ID_STALE: &str = "scrollId无效或已过期";
    pub const SORT: &str = "sort参数不正确";
    pub const SORT_FIELD: &str = "暂不支持的排序字段";
    pub const EXT_QUERIES: &str = "extQueries参数格式不正确";
    pub const EXT_FIELD_NAME: &str = "extQueries.fieldName不能为空";
    pub const EXT_QUERY_TYPE: &str = "extQueries.queryType参数不正确";
    pub const EXT_VALUES_EMPTY: &str = "extQueries.values至少包含一个元素";
    pub const EXT_VALUES_TOO_MANY: &str = "extQueries.values最多支持300个值";
    /// Types 1 to 4, in the words of the field's description.
    pub const EXT_VALUES_ONE: &str = "extQueries.values只能包含一个值";
    /// Type 7, likewise.
    pub const EXT_VALUES_TWO: &str = "extQueries.values只能包含两个值";
    /// A comparison (types 1 to 4 and 7) with a null or empty bound: only
    /// `=` and `!=` give null and `""` a meaning (emptiness).
    pub const EXT_VALUE_BLANK: &str = "extQueries.values比较条件的值不能为空";
    pub const IDS_NULL: &str =
        "Value cannot be null.\r\nParameter name: Argument name: Ids is null";
    pub const IDS_NOT_INTEGERS: &str = "OIds所有元素必须为大于等于0的整数";
    pub const IDS_TOO_MANY: &str = "OIds数量不能超过300";
    pub const BODY: &str = "请求参数格式不正确";
}

impl Body {
    /// Parses a JSON object body (comments allowed, as the vendor's reader
    /// allows them); `Err` carries the `417` message.
    pub(super) fn parse(bytes: &[u8]) -> Result<Body, String> {
        let bytes = &*super::jsonc::strip_comments(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body::default());
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => {
                // The body parsed as an object, so this parses too.
                let sort = serde_json::from_slice::<SortOnly>(bytes)
                    .ok()
                    .and_then(|s| s.0);
                Ok(Body { map, sort })
            }
            Ok(_) => Err(msg::BODY.to_owned()),
            Err(e) => Err(format!("{}: {e}", msg::BODY)),
        }
    }

    /// The value of `key` (exact, else ignoring ASCII case); null is absent.
    pub(super) fn get(&self, key: &str) -> Option<&Value> {
        let v = match self.map.get(key) {
            Some(v) => Some(v),
            None => self
                .map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
        };
        v.filter(|v| !v.is_null())
    }

    pub(super) fn str(&self, key: &str) -> Result<Option<&str>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("{key}参数格式不正确")),
        }
    }

    pub(super) fn int(&self, key: &str) -> Result<Option<i64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => lenient_int(v)
                .map(Some)
                .ok_or_else(|| format!("{key}参数格式不正确")),
        }
    }

    pub(super) fn bool(&self, key: &str) -> Result<Option<bool>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(format!("{key}参数格式不正确")),
        }
    }

    /// An array of integers (or numeric strings). `None` when absent or
    /// null, which some fields treat differently from `[]`.
    pub(super) fn int_list(&self, key: &str) -> Result<Option<Vec<i64>>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(lenient_int)
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| format!("{key}参数格式不正确")),
            Some(_) => Err(format!("{key}参数格式不正确")),
        }
    }

    /// `columns`: `None` when absent or null (every column).
    pub(super) fn columns(&self) -> Result<Option<Columns>, String> {
        match self.get("columns") {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(|c| Some(Columns(c)))
                .ok_or_else(|| "columns参数格式不正确".to_owned()),
            Some(_) => Err("columns参数格式不正确".to_owned()),
        }
    }

    /// `sort`: `(field, direction)` in request order, directions 0 (none,
    /// dropped here), 1 ascending, 2 descending; null or `{}` is no sort.
    /// `-1` is read as descending too, as clients used to Mongo-style
    /// sorts send it.
    pub(super) fn sort(&self) -> Result<Vec<(String, Direction)>, String> {
        match (&self.sort, self.get("sort")) {
            (_, None) => Ok(Vec::new()),
            (Some(pairs), Some(Value::Object(_))) => pairs
                .iter()
                .filter_map(|(field, v)| match lenient_int(v) {
                    Some(0) => None,
                    Some(1) => Some(Ok((field.clone(), Direction::Ascending))),
                    Some(2 | -1) => Some(Ok((field.clone(), Direction::Descending))),
                    _ => Some(Err(msg::SORT.to_owned())),
                })
                .collect(),
            _ => Err(msg::SORT.to_owned()),
        }
    }

    /// `extQueries`, checked as the vendor documents them: types 1 to 4
    /// take one value, 7 two (`includeLowerValue`/`includeUpperValue`
    /// default to true), 5 and 6 up to 300. A condition without any member
    /// (`[{}]`, as one production client sends every day) is no condition.
    pub(super) fn ext_queries(&self) -> Result<Vec<ExtQuery>, String> {
        let Some(value) = self.get("extQueries") else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = value else {
            return Err(msg::EXT_QUERIES.to_owned());
        };
        items
            .iter()
            .filter(|item| !is_blank_condition(item))
            .map(ExtQuery::parse)
            .collect()
    }
}

/// `{}`, or an object whose members are all null: nothing to filter on.
fn is_blank_condition(item: &Value) -> bool {
    matches!(item, Value::Object(map) if map.values().all(Value::is_null))
}

/// A sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Ascending,
    Descending,
}

/// One `extQueries` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ExtQuery {
    /// The custom property, matched exactly (the vendor: "严格区分大小写").
    pub field: String,
    /// What the property's value must satisfy.
    pub test: Test,
}

/// The test of an [`ExtQuery`], by `queryType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Test {
    /// 5 (`equal` true) and 6: the value is (not) one of `values`; `None`
    /// stands for null and `""`, which test emptiness.
    Equal {
        equal: bool,
        values: Vec<Option<String>>,
    },
    /// 1 `>`, 2 `>=`, 3 `<`, 4 `<=`: the value compared with `bound`
    /// passes when the ordering is one of `accept`.
    Compare {
        accept: &'static [Ordering],
        bound: String,
    },
    /// 7: between `lower` and `upper`, each end included or not.
    Range {
        lower: String,
        upper: String,
        include_lower: bool,
        include_upper: bool,
    },
}

/// The orderings `value ? bound` that pass types 1 to 4.
const GREATER: &[Ordering] = &[Ordering::Greater];
const GREATER_OR_EQUAL: &[Ordering] = &[Ordering::Greater, Ordering::Equal];
const LESS: &[Ordering] = &[Ordering::Less];
const LESS_OR_EQUAL: &[Ordering] = &[Ordering::Less, Ordering::Equal];

/// `queryType` as a number (1 to 7, also as a string) or as the name of
/// the schema's enum, which some generated clients send.
fn query_type(v: &Value) -> Option<i64> {
    if let Some(n) = lenient_int(v) {
        return (1..=7).contains(&n).then_some(n);
    }
    let name = v.as_str()?.trim().to_ascii_lowercase();
    Some(match name.as_str() {
        "greater" | "greaterthan" => 1,
        "greaterorequal" | "greaterthanorequal" | "greaterequal" => 2,
        "less" | "lessthan" => 3,
        "lessorequal" | "lessthanorequal" | "lessequal" => 4,
        "equal" | "equals" => 5,
        "notequal" | "notequals" => 6,
        "range" | "between" => 7,
        _ => return None,
    })
}

impl ExtQuery {
    /// Reads and checks one condition; `Err` is the `417` message.
    fn parse(item: &Value) -> Result<ExtQuery, String> {
        let Value::Object(map) = item else {
            return Err(msg::EXT_QUERIES.to_owned());
        };
        let item = Body {
            map: map.clone(),
            sort: None,
        };
        let field = match item.str("fieldName") {
            Ok(Some(f)) if !f.trim().is_empty() => f.to_owned(),
            _ => return Err(msg::EXT_FIELD_NAME.to_owned()),
        };
        let kind = item
            .get("queryType")
            .and_then(query_type)
            .ok_or_else(|| msg::EXT_QUERY_TYPE.to_owned())?;
        let values = match item.get("values") {
            Some(Value::Array(values)) if !values.is_empty() => values,
            _ => return Err(msg::EXT_VALUES_EMPTY.to_owned()),
        };
        let values = values
            .iter()
            .map(|v| match v {
                Value::Null => Ok(None),
                Value::String(s) if s.is_empty() => Ok(None),
                Value::String(s) => Ok(Some(s.clone())),
                Value::Number(_) | Value::Bool(_) => Ok(Some(v.to_string())),
                _ => Err(msg::EXT_QUERIES.to_owned()),
            })
            .collect::<Result<Vec<_>, _>>()?;
        // A comparison needs real bounds.
        let bound = |v: &Option<String>| v.clone().ok_or_else(|| msg::EXT_VALUE_BLANK.to_owned());
        let test = match kind {
            5 | 6 if values.len() > MAX_CAPACITY as usize => {
                return Err(msg::EXT_VALUES_TOO_MANY.to_owned());
            }
            5 | 6 => Test::Equal {
                equal: kind == 5,
                values,
            },
            7 => {
                let [lower, upper] = values.as_slice() else {
                    return Err(msg::EXT_VALUES_TWO.to_owned());
                };
                Test::Range {
                    lower: bound(lower)?,
                    upper: bound(upper)?,
                    include_lower: item.bool("includeLowerValue")?.unwrap_or(true),
                    include_upper: item.bool("includeUpperValue")?.unwrap_or(true),
                }
            }
            _ => {
                let [value] = values.as_slice() else {
                    return Err(msg::EXT_VALUES_ONE.to_owned());
                };
                let accept = match kind {
                    1 => GREATER,
                    2 => GREATER_OR_EQUAL,
                    3 => LESS,
                    _ => LESS_OR_EQUAL,
                };
                Test::Compare {
                    accept,
                    bound: bound(value)?,
                }
            }
        };
        Ok(ExtQuery { field, test })
    }

    /// Whether a property whose value is `actual` (`None`: absent, null or
    /// empty) passes. `=` passes when it equals any value (an empty value
    /// matching an empty property); `!=` when it equals none, so an absent
    /// property passes `!= "x"`, as a `must_not` in Elasticsearch would.
    /// Comparisons never pass an empty property, as an Elasticsearch
    /// `range` never matches a missing one.
    pub(super) fn passes(&self, actual: Option<&str>) -> bool {
        let actual = actual.filter(|a| !a.is_empty());
        match &self.test {
            Test::Equal { equal, values } => {
                let equals_any = values.iter().any(|v| v.as_deref() == actual);
                equals_any == *equal
            }
            Test::Compare { accept, bound } => {
                actual.is_some_and(|a| accept.contains(&compare_text(a, bound)))
            }
            Test::Range {
                lower,
                upper,
                include_lower,
                include_upper,
            } => actual.is_some_and(|a| {
                let above = match compare_text(a, lower) {
                    Ordering::Greater => true,
                    Ordering::Equal => *include_lower,
                    Ordering::Less => false,
                };
                let below = match compare_text(a, upper) {
                    Ordering::Less => true,
                    Ordering::Equal => *include_upper,
                    Ordering::Greater => false,
                };
                above && below
            }),
        }
    }
}

/// Orders two property values as their type would: as numbers when both
/// are numbers, as date-times when both are, else as text (which is also
/// how Elasticsearch orders a `keyword`).
pub(super) fn compare_text(a: &str, b: &str) -> Ordering {
    let number = |s: &str| s.trim().parse::<f64>().ok().filter(|n| n.is_finite());
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x.total_cmp(&y);
    }
    if let (Some(x), Some(y)) = (parse_civil(a), parse_civil(b)) {
        return x.cmp(&y);
    }
    a.cmp(b)
}

/// A field's value as a sort key. Beisen sorts in Elasticsearch, which
/// puts records without the field last whichever the direction.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum SortValue {
    Bool(bool),
    Number(f64),
    Text(String),
    /// Absent, null, or not a scalar.
    Missing,
}

impl SortValue {
    /// The sort key of a JSON value.
    pub(super) fn of(v: Option<&Value>) -> SortValue {
        match v {
            Some(Value::Bool(b)) => SortValue::Bool(*b),
            Some(Value::Number(n)) => n.as_f64().map_or(SortValue::Missing, SortValue::Number),
            Some(Value::String(s)) => SortValue::Text(s.clone()),
            _ => SortValue::Missing,
        }
    }

    /// Orders `self` before or after `other` in `direction`; missing values
    /// come last either way.
    pub(super) fn cmp_in(&self, other: &SortValue, direction: Direction) -> Ordering {
        use SortValue::*;
        let rank = |v: &SortValue| match v {
            Bool(_) => 0,
            Number(_) => 1,
            Text(_) => 2,
            Missing => 3,
        };
        let ordering = match (self, other) {
            (Missing, Missing) => return Ordering::Equal,
            (Missing, _) => return Ordering::Greater,
            (_, Missing) => return Ordering::Less,
            (Bool(a), Bool(b)) => a.cmp(b),
            (Number(a), Number(b)) => a.total_cmp(b),
            // Dates are text that orders chronologically: the same layout,
            // with trailing zeros of the fraction dropped.
            (Text(a), Text(b)) => a.cmp(b),
            (a, b) => rank(a).cmp(&rank(b)),
        };
        match direction {
            Direction::Ascending => ordering,
            Direction::Descending => ordering.reverse(),
        }
    }
}

/// The member `name` of a record (exact, else ignoring ASCII case, so
/// PascalCase column names find camelCase keys).
pub(super) fn field_of<'v>(record: &'v Value, name: &str) -> Option<&'v Value> {
    let map = record.as_object()?;
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The `employeeInfo` fields seed 003 documents for the employee time
/// windows (its response example), less the two maps: what `sort` takes.
pub(super) const EMPLOYEE_INFO_FIELDS: &[&str] = &[
    "userID",
    "name",
    "_Name",
    "gender",
    "email",
    "iDType",
    "iDNumber",
    "birthday",
    "workDate",
    "homeAddress",
    "mobilePhone",
    "weiXin",
    "iDPhoto",
    "personalHomepage",
    "speciality",
    "major",
    "postalCode",
    "passportNumber",
    "constellation",
    "bloodType",
    "residenceAddress",
    "joinPartyDate",
    "domicileType",
    "emergencyContact",
    "emergencyContactRelationship",
    "emergencyContactPhone",
    "qQ",
    "aboutMe",
    "homePhone",
    "graduateDate",
    "marryCategory",
    "politicalStatus",
    "nationality",
    "nation",
    "birthplace",
    "registAddress",
    "educationLevel",
    "lastSchool",
    "engName",
    "officeTel",
    "businessAddress",
    "backupMail",
    "applicantId",
    "age",
    "businessModifiedBy",
    "businessModifiedTime",
    "sourceType",
    "objectId",
    "createdBy",
    "createdTime",
    "modifiedBy",
    "modifiedTime",
    "stdIsDeleted",
];

/// The `recordInfo` fields seed 003 documents, likewise.
pub(super) const RECORD_INFO_FIELDS: &[&str] = &[
    "userID",
    "pObjectDataID",
    "oIdDepartment",
    "startDate",
    "stopDate",
    "jobNumber",
    "entryDate",
    "lastWorkDate",
    "regularizationDate",
    "probation",
    "order",
    "employType",
    "serviceType",
    "serviceStatus",
    "approvalStatus",
    "employmentSource",
    "employmentForm",
    "isCharge",
    "oIdJobPost",
    "oIdJobSequence",
    "oIdJobPosition",
    "oIdJobLevel",
    "oidJobGrade",
    "place",
    "employeeStatus",
    "employmentType",
    "employmentChangeID",
    "changedStatus",
    "pOIdEmpAdmin",
    "pOIdEmpReserve2",
    "businessTypeOID",
    "changeTypeOID",
    "workYearBefore",
    "workYearGroupBefore",
    "workYearCompanyBefore",
    "workYearTotal",
    "workYearGroupTotal",
    "workYearCompanyTotal",
    "oIdOrganization",
    "whereabouts",
    "blackStaffDesc",
    "blackListAddReason",
    "transitionTypeOID",
    "changeReason",
    "probationResult",
    "probationActualStopDate",
    "probationStartDate",
    "probationStopDate",
    "isHaveProbation",
    "remarks",
    "addOrNotBlackList",
    "businessModifiedBy",
    "businessModifiedTime",
    "objectId",
    "createdBy",
    "createdTime",
    "modifiedBy",
    "modifiedTime",
    "stdIsDeleted",
];

/// The sort key of a documented employee `field` that a [`Person`] holds
/// exactly as it is rendered, so that sorting by it needs no rendering;
/// `None` for the other fields (whatever the person).
pub(super) fn person_sort_value(p: &Person, field: &str) -> Option<SortValue> {
    let text = |s: &str| SortValue::Text(s.to_owned());
    let day = |d: NaiveDate| SortValue::Text(Dt(d.and_time(NaiveTime::MIN)).to_string());
    let number = |n: i64| SortValue::Number(n as f64);
    let is = |name: &str| field.eq_ignore_ascii_case(name);
    Some(match () {
        _ if is("name") || is("_Name") => text(&p.name),
        _ if is("email") => text(&p.email),
        _ if is("mobilePhone") => text(&p.mobile),
        _ if is("iDNumber") => text(&p.id_number),
        _ if is("engName") => text(&p.eng_name),
        _ if is("jobNumber") => text(&p.job_number),
        _ if is("birthday") => day(p.birthday),
        _ if is("entryDate") => day(p.entry_date),
        _ if is("createdTime") => SortValue::Text(Dt(p.created_time).to_string()),
        _ if is("gender") => number(i64::from(p.gender)),
        _ if is("employType") => number(i64::from(p.employ_type)),
        _ if is("approvalStatus") => number(i64::from(p.approval_status)),
        _ if is("pOIdEmpAdmin") => p.manager_user_id.map_or(SortValue::Missing, number),
        _ if is("stdIsDeleted") => SortValue::Bool(p.is_deleted),
        _ => return None,
    })
}

/// Whether `field` (any ASCII case) is a documented employee field.
pub(super) fn is_employee_field(field: &str) -> bool {
    EMPLOYEE_INFO_FIELDS
        .iter()
        .chain(RECORD_INFO_FIELDS)
        .any(|f| f.eq_ignore_ascii_case(field))
}

/// Deserialises just the `sort` member of a body, keeping its key order.
struct SortOnly(Option<Vec<(String, Value)>>);

impl<'de> serde::Deserialize<'de> for SortOnly {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Top;
        impl<'de> serde::de::Visitor<'de> for Top {
            type Value = SortOnly;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SortOnly, A::Error> {
                let mut exact = None;
                let mut folded = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "sort" {
                        exact = map.next_value::<Option<Ordered>>()?;
                    } else if key.eq_ignore_ascii_case("sort") {
                        folded = map.next_value::<Option<Ordered>>()?;
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                // As `Body::get`: the exact key wins over a differently cased one.
                Ok(SortOnly(exact.or(folded).map(|o| o.0)))
            }
        }
        d.deserialize_map(Top)
    }
}

/// A JSON object's members in document order; anything else is `None`.
struct Ordered(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    members.push(entry);
                }
                Ok(Ordered(members))
            }
        }
        d.deserialize_map(Members)
    }
}

fn lenient_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Parses the date-times Beisen accepts: `2021-01-01T00:00:00`,
/// `2021-01-01 00:00:00` (either with fractional seconds) and `2021-01-01`,
/// which means midnight ("不传递时分秒，则时分秒默认为 00:00:00"); and, as
/// the seed types these fields `string <date-time>`, RFC 3339 with an
/// offset (`…Z`, `…+08:00`, what clients generated from that schema send),
/// read as the tenant's civil time (China, +08:00) as .NET binds it.
pub(super) fn parse_civil(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day.and_time(NaiveTime::MIN));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            let china = chrono::FixedOffset::east_opt(8 * 3600)?;
            chrono::DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.with_timezone(&china).naive_local())
        })
}

/// Which timestamp a time window selects by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WindowBy {
    /// `timeWindowQueryType` 1: `modifiedTime` (system changes move it too).
    Modified,
    /// `timeWindowQueryType` 2: `businessModifiedTime`.
    BusinessModified,
}

/// A validated `startTime`/`stopTime` window: `start <= t < stop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Window {
    pub start: NaiveDateTime,
    pub stop: NaiveDateTime,
    pub by: WindowBy,
}

impl Window {
    /// Reads and checks the window of a v5 time-window request.
    pub(super) fn from_body(body: &Body) -> Result<Window, String> {
        let (Some(start), Some(stop)) = (body.str("startTime")?, body.str("stopTime")?) else {
            return Err(msg::TIME_MISSING.to_owned());
        };
        let (Some(start), Some(stop)) = (parse_civil(start), parse_civil(stop)) else {
            return Err(msg::TIME_FORMAT.to_owned());
        };
        if start > stop {
            return Err(msg::START_AFTER_STOP.to_owned());
        }
        if stop - start > ChronoDuration::days(MAX_WINDOW_DAYS) {
            return Err(msg::WINDOW_TOO_LONG.to_owned());
        }
        // Required by the documents, yet clients omit it and get data: 1.
        let by = match body.get("timeWindowQueryType") {
            None => WindowBy::Modified,
            Some(Value::String(s)) if s == "ModifiedTime" => WindowBy::Modified,
            Some(Value::String(s)) if s == "BusinessModifiedTime" => WindowBy::BusinessModified,
            Some(v) => match lenient_int(v) {
                Some(1) => WindowBy::Modified,
                Some(2) => WindowBy::BusinessModified,
                _ => return Err(msg::QUERY_TYPE.to_owned()),
            },
        };
        Ok(Window { start, stop, by })
    }

    pub(super) fn contains(&self, t: NaiveDateTime) -> bool {
        self.start <= t && t < self.stop
    }
}

/// `capacity`: 100 by default, 1 to 300.
pub(super) fn capacity(body: &Body) -> Result<usize, String> {
    let c = body.int("capacity")?.unwrap_or(DEFAULT_CAPACITY);
    if c > MAX_CAPACITY {
        return Err(msg::CAPACITY_TOO_LARGE.to_owned());
    }
    if c < 1 {
        return Err(msg::CAPACITY_TOO_SMALL.to_owned());
    }
    Ok(c as usize)
}

/// `oIds` of the by-id endpoints: present, at most 300, integers ≥ 0.
/// Numeric strings are refused, as the PHP SDK's authors found out
/// (`这里的$oIds需要是array<int>`).
pub(super) fn oids(body: &Body) -> Result<Vec<i64>, String> {
    let Some(value) = body.get("oIds") else {
        return Err(msg::IDS_NULL.to_owned());
    };
    let Value::Array(items) = value else {
        return Err(msg::IDS_NOT_INTEGERS.to_owned());
    };
    if items.len() > MAX_CAPACITY as usize {
        return Err(msg::IDS_TOO_MANY.to_owned());
    }
    items
        .iter()
        .map(|v| v.as_i64().filter(|n| *n >= 0))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| msg::IDS_NOT_INTEGERS.to_owned())
}

/// Whether a business endpoint got JSON: ASP.NET answers anything else
/// with [`unsupported_media_type`] before the handler runs.
pub(super) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"))
}

/// ASP.NET's 415.
pub(super) fn unsupported_media_type() -> Response {
    json_response(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &json!({"title": "Unsupported Media Type", "status": 415}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Body {
        Body::parse(v.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn windows_parse_both_shapes_and_enforce_ninety_days() {
        let w = Window::from_body(&body(
            json!({"startTime": "2021-01-01", "stopTime": "2021-04-01T00:00:00"}),
        ))
        .unwrap();
        assert_eq!(w.by, WindowBy::Modified);
        assert!(w.contains(w.start) && !w.contains(w.stop));
        let ninety_one =
            body(json!({"startTime": "2021-01-01", "stopTime": "2021-04-02 00:00:01"}));
        assert_eq!(
            Window::from_body(&ninety_one).unwrap_err(),
            msg::WINDOW_TOO_LONG
        );
        let typed = body(
            json!({"StartTime": "2021-01-01", "stopTime": "2021-01-02", "timeWindowQueryType": "2"}),
        );
        assert_eq!(
            Window::from_body(&typed).unwrap().by,
            WindowBy::BusinessModified
        );
    }

    #[test]
    fn rfc3339_times_are_read_in_china_time() {
        let civil = |t: &str| parse_civil(t).map(|t| t.to_string());
        let midnight = Some("2021-01-01 00:00:00".to_owned());
        assert_eq!(civil("2020-12-31T16:00:00Z"), midnight);
        assert_eq!(civil("2020-12-31T16:00:00.000Z"), midnight);
        assert_eq!(civil("2021-01-01T00:00:00+08:00"), midnight);
        assert_eq!(civil("2021-01-01T00:00:00"), midnight);
        assert_eq!(civil("2021-01-01T00:00:00+25:00"), None);
    }

    #[test]
    fn a_body_with_the_vendors_comments_parses() {
        let b =
            Body::parse(b"{\"capacity\": 5, //\xe6\xaf\x8f\n \"scrollId\": \"\" /* x */}").unwrap();
        assert_eq!(b.get("capacity"), Some(&json!(5)));
    }

    #[test]
    fn sort_keeps_request_order_and_drops_zeros() {
        let b = Body::parse(br#"{"Sort": {"ModifiedTime": 2, "Name": 0, "UserID": "1"}}"#).unwrap();
        assert_eq!(
            b.sort().unwrap(),
            vec![
                ("ModifiedTime".to_owned(), Direction::Descending),
                ("UserID".to_owned(), Direction::Ascending)
            ]
        );
        assert_eq!(body(json!({"sort": null})).sort().unwrap(), vec![]);
        assert_eq!(
            body(json!({"sort": {"Name": -1}})).sort().unwrap(),
            vec![("Name".to_owned(), Direction::Descending)]
        );
        assert_eq!(
            body(json!({"sort": {"UserID": 3}})).sort().unwrap_err(),
            msg::SORT
        );
        assert_eq!(
            body(json!({"sort": "UserID"})).sort().unwrap_err(),
            msg::SORT
        );
    }

    fn parse_one(condition: Value) -> Result<ExtQuery, String> {
        let mut all = body(json!({ "extQueries": [condition] })).ext_queries()?;
        assert_eq!(all.len(), 1);
        Ok(all.remove(0))
    }

    #[test]
    fn ext_queries_equal_and_not_equal_test_values_and_emptiness() {
        let q = |equal, values: Vec<Option<&str>>| ExtQuery {
            field: "f".into(),
            test: Test::Equal {
                equal,
                values: values.into_iter().map(|v| v.map(str::to_owned)).collect(),
            },
        };
        assert!(q(true, vec![Some("a"), Some("b")]).passes(Some("b")));
        assert!(!q(true, vec![Some("a")]).passes(None));
        assert!(q(true, vec![None]).passes(None) && q(true, vec![None]).passes(Some("")));
        assert!(q(false, vec![Some("a")]).passes(None));
        assert!(!q(false, vec![None]).passes(None) && q(false, vec![None]).passes(Some("x")));
        let parsed =
            parse_one(json!({"fieldName": "f", "queryType": "5", "values": [1, null, ""]}));
        assert_eq!(parsed, Ok(q(true, vec![Some("1"), None, None])));
    }

    #[test]
    fn ext_queries_compare_numbers_dates_and_text() {
        let passes =
            |condition: Value, actual: Option<&str>| parse_one(condition).unwrap().passes(actual);
        // 1 >, 2 >=, 3 <, 4 <=: numerically when both sides are numbers.
        let c = |t: i64, v: &str| json!({"fieldName": "f", "queryType": t, "values": [v]});
        assert!(
            passes(c(1, "9"), Some("10")),
            "10 > 9 as numbers, not as text"
        );
        assert!(!passes(c(1, "10"), Some("10")) && passes(c(2, "10"), Some("10.0")));
        assert!(passes(c(3, "2021-01-02"), Some("2021-01-01T23:59:59")));
        assert!(passes(c(4, "CC0012"), Some("CC0012")) && !passes(c(3, "CC0012"), Some("CC0013")));
        // An empty property never passes a comparison.
        for t in 1..=4 {
            assert!(!passes(c(t, "1"), None), "type {t}");
        }
        // 7: both ends included by default; each can be excluded.
        let range = |lower: Option<bool>, upper: Option<bool>| {
            let mut v = json!({"fieldName": "f", "queryType": 7, "values": ["1", "1000"]});
            if let Some(l) = lower {
                v["includeLowerValue"] = json!(l);
            }
            if let Some(u) = upper {
                v["includeUpperValue"] = json!(u);
            }
            v
        };
        assert!(passes(range(None, None), Some("1")) && passes(range(None, None), Some("1000")));
        assert!(!passes(range(Some(false), None), Some("1")));
        assert!(!passes(range(Some(true), Some(false)), Some("1000")));
        assert!(passes(range(Some(true), Some(false)), Some("999.5")));
        assert!(!passes(range(None, None), Some("1001")) && !passes(range(None, None), None));
        // The schema's enum names are read too.
        let named = json!({"fieldName": "f", "queryType": "GreaterThan", "values": ["1"]});
        assert!(passes(named, Some("2")));
    }

    #[test]
    fn ext_queries_are_checked_and_blank_conditions_ignored() {
        assert_eq!(body(json!({"extQueries": [{}]})).ext_queries(), Ok(vec![]));
        let blank = json!({"extQueries": [{"fieldName": null, "queryType": null}]});
        assert_eq!(body(blank).ext_queries(), Ok(vec![]));
        for (condition, message) in [
            (
                json!({"fieldName": "f", "queryType": 1, "values": ["1", "2"]}),
                msg::EXT_VALUES_ONE,
            ),
            (
                json!({"fieldName": "f", "queryType": 7, "values": ["1"]}),
                msg::EXT_VALUES_TWO,
            ),
            (
                json!({"fieldName": "f", "queryType": 7, "values": ["1", null]}),
                msg::EXT_VALUE_BLANK,
            ),
            (
                json!({"fieldName": "f", "queryType": 3, "values": [""]}),
                msg::EXT_VALUE_BLANK,
            ),
            (
                json!({"fieldName": "f", "queryType": 8, "values": ["1"]}),
                msg::EXT_QUERY_TYPE,
            ),
            (
                json!({"fieldName": "f", "queryType": 5, "values": []}),
                msg::EXT_VALUES_EMPTY,
            ),
            (
                json!({"queryType": 5, "values": ["1"]}),
                msg::EXT_FIELD_NAME,
            ),
            (json!("f"), msg::EXT_QUERIES),
        ] {
            assert_eq!(
                parse_one(condition.clone()),
                Err(message.to_owned()),
                "{condition}"
            );
        }
    }

    #[test]
    fn sort_values_put_missing_last_both_ways() {
        let values = [
            SortValue::Text("b".into()),
            SortValue::Missing,
            SortValue::Text("a".into()),
        ];
        for (direction, want) in [
            (Direction::Ascending, ["a", "b"]),
            (Direction::Descending, ["b", "a"]),
        ] {
            let mut sorted = values.to_vec();
            sorted.sort_by(|x, y| x.cmp_in(y, direction));
            assert_eq!(sorted[2], SortValue::Missing, "{direction:?}");
            assert_eq!(
                sorted[..2],
                want.map(|t| SortValue::Text(t.into())),
                "{direction:?}"
            );
        }
        assert_eq!(
            SortValue::Number(2.0).cmp_in(&SortValue::Number(10.0), Direction::Ascending),
            Ordering::Less
        );
        let record = json!({"oIdDepartment": 3});
        assert_eq!(field_of(&record, "OIdDepartment"), Some(&json!(3)));
        assert!(
            is_employee_field("Name")
                && is_employee_field("EntryDate")
                && !is_employee_field("Nope")
        );
    }

    #[test]
    fn fast_person_keys_equal_the_rendered_fields() {
        use super::super::employee::{EmployeePage, Render};
        use super::super::scroll::View;
        use crate::data::{DataConfig, Dataset};

        let data = Dataset::new(DataConfig::default());
        let fields: Vec<&str> = EMPLOYEE_INFO_FIELDS
            .iter()
            .chain(RECORD_INFO_FIELDS)
            .copied()
            .filter(|f| person_sort_value(&data.person(0), f).is_some())
            .collect();
        assert!(fields.len() >= 10, "{fields:?}");
        let view = View {
            service_types: 1,
            ..View::default()
        };
        for i in (0..data.len() as u32).step_by(7) {
            let page = EmployeePage {
                r: Render {
                    data: &data,
                    view: &view,
                },
                indices: &[i],
                list: false,
            };
            let record = &serde_json::to_value(&page).unwrap()[0];
            let p = data.person(i as usize);
            for field in &fields {
                let rendered = field_of(&record["employeeInfo"], field)
                    .or_else(|| field_of(&record["recordInfo"], field));
                assert_eq!(
                    person_sort_value(&p, field),
                    Some(SortValue::of(rendered)),
                    "person {i}, {field}"
                );
            }
        }
    }

    #[test]
    fn lists_accept_numeric_strings_but_oids_do_not() {
        let b = body(json!({"empStatus": [2, "3"], "oIds": ["1"]}));
        assert_eq!(b.int_list("empStatus").unwrap(), Some(vec![2, 3]));
        assert_eq!(oids(&b).unwrap_err(), msg::IDS_NOT_INTEGERS);
        assert_eq!(oids(&body(json!({}))).unwrap_err(), msg::IDS_NULL);
    }
}
