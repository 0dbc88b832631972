//! The fields every v5 time-window query shares, and the trait the
//! streams drive.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{MAX_CAPACITY, TimeWindow, fmt_time};
use crate::envelope::ScrollReply;
use crate::models::WindowRecord;
use crate::{BeisenClient, ScrollResponse};
use hr_common::endpoint::Endpoint;
use hr_common::transport::Request;
use hr_common::{Error, Result};

/// Which time selects records (`timeWindowQueryType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum QueryType {
    /// 1: `modifiedTime` (the default).
    #[default]
    Modified,
    /// 2: `businessModifiedTime`.
    BusinessModified,
}

impl QueryType {
    /// The wire value.
    pub fn code(self) -> u8 {
        match self {
            QueryType::Modified => 1,
            QueryType::BusinessModified => 2,
        }
    }

    /// From the wire value (1 or 2).
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(QueryType::Modified),
            2 => Some(QueryType::BusinessModified),
            _ => None,
        }
    }
}

impl Serialize for QueryType {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

/// Sort direction of one `sort` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SortDirection {
    /// 0: not sorted by this key.
    None,
    /// 1: ascending.
    Ascending,
    /// 2: descending.
    Descending,
}

impl SortDirection {
    fn code(self) -> u8 {
        match self {
            SortDirection::None => 0,
            SortDirection::Ascending => 1,
            SortDirection::Descending => 2,
        }
    }
}

/// `sort` keys in order: Beisen sorts by them in request order, so this
/// is a list written as a JSON object, not a hash map.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sort(pub Vec<(String, SortDirection)>);

impl Serialize for Sort {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, &v.code())?;
        }
        map.end()
    }
}

/// One custom-field condition of `extQueries`.
///
/// ```
/// use beisen_client::window::ExtQuery;
/// let q = ExtQuery::equals("extCostCenter_100001_1", ["CC-1", "CC-2"]);
/// assert_eq!(
///     serde_json::to_value(&q)?,
///     serde_json::json!({"fieldName":"extCostCenter_100001_1","queryType":5,"values":["CC-1","CC-2"]})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExtQuery {
    /// The field's name, case-sensitive.
    pub field_name: String,
    /// 1 >, 2 >=, 3 <, 4 <=, 5 =, 6 !=, 7 range.
    pub query_type: u8,
    /// Values (≤ 300 for = and !=; `None` stands for "empty").
    pub values: Vec<Option<String>>,
    /// Range only: include the lower value (default yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_lower_value: Option<bool>,
    /// Range only: include the upper value (default yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_upper_value: Option<bool>,
}

impl ExtQuery {
    /// Any condition.
    pub fn new(
        field_name: impl Into<String>,
        query_type: u8,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        ExtQuery {
            field_name: field_name.into(),
            query_type,
            values: values.into_iter().map(|v| Some(v.into())).collect(),
            include_lower_value: None,
            include_upper_value: None,
        }
    }

    /// The field equals one of `values` (queryType 5).
    pub fn equals(
        field_name: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self::new(field_name, 5, values)
    }

    /// The field equals none of `values` (queryType 6).
    pub fn not_equals(
        field_name: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self::new(field_name, 6, values)
    }

    /// `lower <= field <= upper` (queryType 7) with the bounds' inclusion.
    pub fn range(
        field_name: impl Into<String>,
        lower: impl Into<String>,
        upper: impl Into<String>,
        include_lower: bool,
        include_upper: bool,
    ) -> Self {
        let mut q = Self::new(field_name, 7, [lower.into(), upper.into()]);
        q.include_lower_value = Some(include_lower);
        q.include_upper_value = Some(include_upper);
        q
    }

    pub(crate) fn check(&self) -> Result<()> {
        if matches!(self.query_type, 5 | 6) && self.values.len() > 300 {
            return Err(Error::invalid_request(
                "extQueries.values",
                format!("{} values; at most 300 are allowed", self.values.len()),
            ));
        }
        if self.values.is_empty() {
            return Err(Error::invalid_request(
                "extQueries.values",
                "at least one value is required",
            ));
        }
        Ok(())
    }
}

/// The fields every `…/GetByTimeWindow` query has.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WindowQuery {
    /// Window start, inclusive (`2021-01-01T00:00:00`).
    pub start_time: String,
    /// Window stop, exclusive.
    pub stop_time: String,
    /// Which time selects records.
    pub time_window_query_type: QueryType,
    /// `""` on the first call, then the previous page's id.
    pub scroll_id: String,
    /// Records per page (default 100, at most 300).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// Columns to fill (PascalCase); all when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sort: Option<Sort>,
    /// Custom-field conditions, all of which must hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext_queries: Option<Vec<ExtQuery>>,
    /// Include deleted records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Include disabled records / people who left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_disabled: Option<bool>,
    /// Fill `translateProperties`. Retired by the vendor: tenants created
    /// after 2026-03-13 get `translateProperties: null`; the replacement is
    /// `DataSource/GetDataSource`. The setters are deprecated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_translate: Option<bool>,
    /// Zoned bounds as given, re-read in the sending client's zone.
    #[serde(skip)]
    pub(crate) zoned: [Option<chrono::DateTime<chrono::FixedOffset>>; 2],
}

impl WindowQuery {
    pub(crate) fn new(window: TimeWindow) -> Self {
        WindowQuery {
            start_time: fmt_time(window.start()),
            stop_time: fmt_time(window.stop()),
            time_window_query_type: QueryType::Modified,
            scroll_id: String::new(),
            capacity: None,
            columns: None,
            sort: None,
            ext_queries: None,
            is_with_deleted: None,
            with_disabled: None,
            enable_translate: None,
            zoned: [None, None],
        }
    }

    /// A query for `[start, stop)`: civil bounds as given; zoned bounds
    /// converted to UTC+8 now and to the client's zone when sent.
    pub(crate) fn from_bounds(
        start: impl super::WindowBound,
        stop: impl super::WindowBound,
    ) -> Self {
        let zoned = [start.zoned(), stop.zoned()];
        let mut q = Self::new(TimeWindow::new(start, stop));
        q.zoned = zoned;
        q
    }

    /// Re-reads zoned bounds as civil time in `zone` (the client's).
    pub(crate) fn apply_zone(&mut self, zone: chrono::FixedOffset) {
        use chrono::Timelike;
        let civil = |t: chrono::DateTime<chrono::FixedOffset>| {
            let n = t.with_timezone(&zone).naive_local();
            fmt_time(n.with_nanosecond(0).unwrap_or(n))
        };
        if let Some(t) = self.zoned[0] {
            self.start_time = civil(t);
        }
        if let Some(t) = self.zoned[1] {
            self.stop_time = civil(t);
        }
    }

    pub(crate) fn set_window(&mut self, window: TimeWindow) {
        self.zoned = [None, None];
        self.start_time = fmt_time(window.start());
        self.stop_time = fmt_time(window.stop());
    }

    pub(crate) fn window(&self) -> Result<TimeWindow> {
        let parse = |field: &str, s: &str| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                .map_err(|e| Error::invalid_request(field, format!("`{s}`: {e}")))
        };
        Ok(TimeWindow::from_civil(
            parse("startTime", &self.start_time)?,
            parse("stopTime", &self.stop_time)?,
        ))
    }

    pub(crate) fn check(&self) -> Result<()> {
        if let Some(c) = self.capacity
            && !(1..=MAX_CAPACITY).contains(&c)
        {
            return Err(Error::invalid_request(
                "capacity",
                format!("must be 1 to {MAX_CAPACITY}, got {c}"),
            ));
        }
        for q in self.ext_queries.iter().flatten() {
            q.check()?;
        }
        self.window()?.check_span()
    }
}

/// A `…/GetByTimeWindow` request: what a [`WindowStream`](super::WindowStream) drives.
///
/// The crate's requests also implement [`Endpoint`] (one page per
/// `send`); a stream sends its pages through
/// [`hr_common::endpoint::send`] itself, so a request type of your own
/// needs only this trait.
pub trait TimeWindowRequest: Serialize + Clone + Send + Sync + 'static {
    /// One record.
    type Item: DeserializeOwned + WindowRecord + Send + 'static;
    /// The endpoint's path.
    const PATH: &'static str;
    /// The path this request is sent to, and its limiter group: [`PATH`](Self::PATH)
    /// unless the request carries its own (a
    /// [`RawWindowRequest`](crate::raw::RawWindowRequest) does).
    fn path(&self) -> Cow<'static, str> {
        Cow::Borrowed(Self::PATH)
    }
    /// The shared query fields.
    fn query(&self) -> &WindowQuery;
    /// The shared query fields, mutably.
    fn query_mut(&mut self) -> &mut WindowQuery;
    /// Checks the request's own fields beside the shared ones (a required
    /// `metaObjectName`, say), before every page call. Default: nothing.
    fn check_own(&self) -> Result<()> {
        Ok(())
    }
}

/// Writes the shared impls of a time-window request struct: `new`, the
/// setters of the [`WindowQuery`] fields, [`Endpoint`], `send`/`send_with`
/// and [`TimeWindowRequest`].
///
/// The struct itself is written out where it belongs (so `grep` and
/// go-to-definition find it), with `#[serde(flatten)] pub query:
/// WindowQuery` first and every other field an `Option` skipped when
/// `None`; the macro is given the names of those other fields, which `new`
/// leaves `None`.
macro_rules! time_window_request {
    ($name:ident => $item:ty, $path:expr $(; $($field:ident),* $(,)?)? $(=> check $check:path)?) => {
        impl $name {
            /// A query for `[start, stop)`. Dates and naive date-times are
            /// civil time as given; zoned date-times are converted to the
            /// zone of the client that sends the request.
            pub fn new(start: impl $crate::window::WindowBound, stop: impl $crate::window::WindowBound) -> Self {
                $name {
                    query: $crate::window::WindowQuery::from_bounds(start, stop),
                    $($( $field: None, )*)?
                }
            }

            /// Which time selects records (default modification time).
            pub fn query_type(mut self, t: $crate::window::QueryType) -> Self {
                self.query.time_window_query_type = t;
                self
            }

            /// Records per page, at most 300.
            pub fn capacity(mut self, capacity: u32) -> Self {
                self.query.capacity = Some(capacity);
                self
            }

            /// The scroll id of the previous page.
            pub fn scroll_id(mut self, id: impl Into<String>) -> Self {
                self.query.scroll_id = id.into();
                self
            }

            /// Columns to fill, PascalCase (`"Name"`, `"Email"`).
            pub fn columns(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
                self.query.columns = Some(columns.into_iter().map(Into::into).collect());
                self
            }

            /// Adds a sort key; keys apply in the order added.
            pub fn sort(mut self, field: impl Into<String>, direction: $crate::window::SortDirection) -> Self {
                self.query.sort.get_or_insert_with(Default::default).0.push((field.into(), direction));
                self
            }

            /// Adds a custom-field condition.
            pub fn ext_query(mut self, q: $crate::window::ExtQuery) -> Self {
                self.query.ext_queries.get_or_insert_with(Vec::new).push(q);
                self
            }

            /// Include deleted records.
            pub fn with_deleted(mut self, yes: bool) -> Self {
                self.query.is_with_deleted = Some(yes);
                self
            }

            /// Include disabled records (for employees: every status when
            /// no status is given).
            pub fn with_disabled(mut self, yes: bool) -> Self {
                self.query.with_disabled = Some(yes);
                self
            }

            /// Ask for `translateProperties`. Retired by the vendor: tenants
            /// created after 2026-03-13 get `translateProperties: null`.
            #[deprecated(note = "Beisen retired enableTranslate: tenants created after 2026-03-13 get `translateProperties: null`. Translate coded fields with DataSource/GetDataSource (POST /dataservice/api/DataSource/GetDataSource) instead.")]
            pub fn enable_translate(mut self, yes: bool) -> Self {
                self.query.enable_translate = Some(yes);
                self
            }

            /// Sends one call: one page of the scroll, with the client's
            /// timeout, deadline and retry policy. Checked first:
            /// capacity ≤ 300, window ≤ 90 days.
            pub async fn send(
                &self,
                client: &$crate::BeisenClient,
            ) -> hr_common::Result<$crate::ScrollResponse<$item>> {
                self.send_with(client, &hr_common::transport::CallOptions::new()).await
            }

            /// Sends one call with per-call options over the client's
            /// defaults. Zoned bounds are read in the client's zone first.
            pub async fn send_with(
                &self,
                client: &$crate::BeisenClient,
                options: &hr_common::transport::CallOptions,
            ) -> hr_common::Result<$crate::ScrollResponse<$item>> {
                // Written out rather than by `impl_send!`: the zone of the
                // sending client decides the civil bounds, and `Endpoint`
                // builds its request without the client.
                let mut request = self.clone();
                request.query.apply_zone(client.time_zone());
                hr_common::endpoint::send(client, &request, options).await
            }
        }

        impl hr_common::endpoint::Endpoint for $name {
            type Client = $crate::BeisenClient;
            type Output = $crate::ScrollResponse<$item>;
            type Envelope = $crate::reply::ScrollReply;
            const PATH: &'static str = $path;
            const IDEMPOTENT: bool = true;

            /// Capacity 1 to 300, custom-field conditions, window ≤ 90 days.
            fn validate(&self) -> hr_common::Result<()> {
                self.query.check()?;
                $crate::window::TimeWindowRequest::check_own(self)
            }

            fn to_request(&self) -> hr_common::Result<hr_common::transport::Request> {
                hr_common::endpoint::json_request(self)
            }
        }

        impl $crate::window::TimeWindowRequest for $name {
            type Item = $item;
            const PATH: &'static str = $path;
            fn query(&self) -> &$crate::window::WindowQuery {
                &self.query
            }
            fn query_mut(&mut self) -> &mut $crate::window::WindowQuery {
                &mut self.query
            }
            $(
                fn check_own(&self) -> hr_common::Result<()> {
                    $check(self)
                }
            )?
        }
    };
}

pub(crate) use time_window_request;

/// One page call of any [`TimeWindowRequest`], as the window streams send
/// it: the request as its body, the path as its limiter group. The
/// request's window and scroll id are already set; a stream's sub-windows
/// are cut in civil time, so no zone is applied here.
#[derive(Serialize)]
#[serde(transparent)]
pub(crate) struct ScrollCall<'a, R>(pub(crate) &'a R);

impl<R: TimeWindowRequest> Endpoint for ScrollCall<'_, R> {
    type Client = BeisenClient;
    type Output = ScrollResponse<R::Item>;
    type Envelope = ScrollReply;
    const PATH: &'static str = R::PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        crate::client::group_for_path(&self.0.path())
    }

    /// The query's limits, and a path that stays below the base URL (a
    /// raw request's path is the caller's).
    fn validate(&self) -> Result<()> {
        hr_common::endpoint::check_relative_path(&self.0.path())?;
        self.0.query().check()?;
        self.0.check_own()
    }

    fn to_request(&self) -> Result<Request> {
        Request::new(Self::METHOD, self.0.path()).json(self)
    }
}
