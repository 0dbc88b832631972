//! Reading request bodies the way an ASP.NET model binder does: keys match
//! ignoring case, numbers may arrive as strings (`"timeWindowQueryType":"1"`,
//! as PHP clients send them), and a bad value is a business error (`417`),
//! not a transport one.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Map, Value, json};

use super::json::{Columns, json_response};

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
    pub const EXT_UNSUPPORTED: &str = "暂不支持的查询类型";
    pub const EXT_VALUES_EMPTY: &str = "extQueries.values至少包含一个元素";
    pub const EXT_VALUES_TOO_MANY: &str = "extQueries.values最多支持300个值";
    pub const IDS_NULL: &str =
        "Value cannot be null.\r\nParameter name: Argument name: Ids is null";
    pub const IDS_NOT_INTEGERS: &str = "OIds所有元素必须为大于等于0的整数";
    pub const IDS_TOO_MANY: &str = "OIds数量不能超过300";
    pub const BODY: &str = "请求参数格式不正确";
}

impl Body {
    /// Parses a JSON object body; `Err` carries the `417` message.
    pub(super) fn parse(bytes: &[u8]) -> Result<Body, String> {
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
    pub(super) fn sort(&self) -> Result<Vec<(String, Direction)>, String> {
        match (&self.sort, self.get("sort")) {
            (_, None) => Ok(Vec::new()),
            (Some(pairs), Some(Value::Object(_))) => pairs
                .iter()
                .filter_map(|(field, v)| match lenient_int(v) {
                    Some(0) => None,
                    Some(1) => Some(Ok((field.clone(), Direction::Ascending))),
                    Some(2) => Some(Ok((field.clone(), Direction::Descending))),
                    _ => Some(Err(msg::SORT.to_owned())),
                })
                .collect(),
            _ => Err(msg::SORT.to_owned()),
        }
    }

    /// `extQueries`, checked as the vendor documents them; only `5` (=) and
    /// `6` (!=) are supported, other valid types are a `417`.
    pub(super) fn ext_queries(&self) -> Result<Vec<ExtQuery>, String> {
        let Some(value) = self.get("extQueries") else {
            return Ok(Vec::new());
        };
        let Value::Array(items) = value else {
            return Err(msg::EXT_QUERIES.to_owned());
        };
        items
            .iter()
            .map(|item| {
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
                let equal = match item.int("queryType") {
                    Ok(Some(5)) => true,
                    Ok(Some(6)) => false,
                    Ok(Some(1..=4 | 7)) => return Err(msg::EXT_UNSUPPORTED.to_owned()),
                    _ => return Err(msg::EXT_QUERY_TYPE.to_owned()),
                };
                let values = match item.get("values") {
                    Some(Value::Array(values)) => values,
                    _ => return Err(msg::EXT_VALUES_EMPTY.to_owned()),
                };
                if values.is_empty() {
                    return Err(msg::EXT_VALUES_EMPTY.to_owned());
                }
                if values.len() > MAX_CAPACITY as usize {
                    return Err(msg::EXT_VALUES_TOO_MANY.to_owned());
                }
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
                Ok(ExtQuery {
                    field,
                    equal,
                    values,
                })
            })
            .collect()
    }
}

/// A sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Ascending,
    Descending,
}

/// One supported `extQueries` condition: `queryType` 5 (`equal`) or 6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ExtQuery {
    /// The custom property, matched exactly (the vendor: "严格区分大小写").
    pub field: String,
    /// `=` when true, `!=` when false.
    pub equal: bool,
    /// The values; `None` stands for null and `""`, which test emptiness.
    pub values: Vec<Option<String>>,
}

impl ExtQuery {
    /// Whether a property whose value is `actual` (`None`: absent, null or
    /// empty) passes. `=` passes when it equals any value (an empty value
    /// matching an empty property); `!=` when it equals none, so an absent
    /// property passes `!= "x"`, as a `must_not` in Elasticsearch would.
    pub(super) fn passes(&self, actual: Option<&str>) -> bool {
        let actual = actual.filter(|a| !a.is_empty());
        let equals_any = self.values.iter().any(|v| v.as_deref() == actual);
        equals_any == self.equal
    }
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
/// which means midnight ("不传递时分秒，则时分秒默认为 00:00:00").
pub(super) fn parse_civil(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(day.and_time(NaiveTime::MIN));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
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
            body(json!({"sort": {"UserID": 3}})).sort().unwrap_err(),
            msg::SORT
        );
        assert_eq!(
            body(json!({"sort": "UserID"})).sort().unwrap_err(),
            msg::SORT
        );
    }

    #[test]
    fn ext_queries_compare_values_and_emptiness() {
        let q = |equal, values: Vec<Option<&str>>| ExtQuery {
            field: "f".into(),
            equal,
            values: values.into_iter().map(|v| v.map(str::to_owned)).collect(),
        };
        assert!(q(true, vec![Some("a"), Some("b")]).passes(Some("b")));
        assert!(!q(true, vec![Some("a")]).passes(None));
        assert!(q(true, vec![None]).passes(None) && q(true, vec![None]).passes(Some("")));
        assert!(q(false, vec![Some("a")]).passes(None));
        assert!(!q(false, vec![None]).passes(None) && q(false, vec![None]).passes(Some("x")));
        let parsed = body(
            json!({"extQueries": [{"fieldName": "f", "queryType": "5", "values": [1, null, ""]}]}),
        )
        .ext_queries()
        .unwrap();
        assert_eq!(parsed, vec![q(true, vec![Some("1"), None, None])]);
    }

    #[test]
    fn lists_accept_numeric_strings_but_oids_do_not() {
        let b = body(json!({"empStatus": [2, "3"], "oIds": ["1"]}));
        assert_eq!(b.int_list("empStatus").unwrap(), Some(vec![2, 3]));
        assert_eq!(oids(&b).unwrap_err(), msg::IDS_NOT_INTEGERS);
        assert_eq!(oids(&body(json!({}))).unwrap_err(), msg::IDS_NULL);
    }
}
