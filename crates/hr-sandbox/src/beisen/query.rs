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
pub(super) struct Body(Map<String, Value>);

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
    pub const CAPACITY_TOO_LARGE: &str = "每批次数据量必须小于等于300";
    pub const CAPACITY_TOO_SMALL: &str = "每批次数据量必须大于0";
    pub const TIME_MISSING: &str = "开始时间和结束时间不能为空";
    pub const TIME_FORMAT: &str = "时间格式不正确,格式:2021-01-01T00:00:00";
    pub const START_AFTER_STOP: &str = "开始时间不能大于结束时间";
    pub const QUERY_TYPE: &str = "timeWindowQueryType参数不正确,1修改时间、2业务修改时间";
    pub const SCROLL_ID: &str = "scrollId无效";
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
            Ok(Value::Object(map)) => Ok(Body(map)),
            Ok(_) => Err(msg::BODY.to_owned()),
            Err(e) => Err(format!("{}: {e}", msg::BODY)),
        }
    }

    /// The value of `key` (exact, else ignoring ASCII case); null is absent.
    pub(super) fn get(&self, key: &str) -> Option<&Value> {
        let v = match self.0.get(key) {
            Some(v) => Some(v),
            None => self
                .0
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
    fn lists_accept_numeric_strings_but_oids_do_not() {
        let b = body(json!({"empStatus": [2, "3"], "oIds": ["1"]}));
        assert_eq!(b.int_list("empStatus").unwrap(), Some(vec![2, 3]));
        assert_eq!(oids(&b).unwrap_err(), msg::IDS_NOT_INTEGERS);
        assert_eq!(oids(&body(json!({}))).unwrap_err(), msg::IDS_NULL);
    }
}
