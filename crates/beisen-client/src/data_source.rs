//! `DataSource/GetDataSource`: the names of coded fields (人员状态, 工作地点,
//! 用工形式, 国籍, 证件类型…), and [`CodeNames`], a cache that resolves many
//! codes with few calls.
//!
//! Time-window records carry codes and GUIDs (`employeeStatus: "3"`,
//! `place: "1100"`, `employmentForm: "<guid>"`). The old way to get their
//! names, `enableTranslate`, is retired (tenants created after 2026-03-13
//! get `translateProperties: null`); this endpoint replaces it.
//!
//! Shapes, as the vendor documents them (scraped in fxp/skillify
//! `skills/beisen/references/employees.md` §8, "根据查询条件获取数据源";
//! not checked against a live tenant):
//!
//! ```text
//! POST /dataservice/api/DataSource/GetDataSource
//! → {"app":"…","metaObjectName":"TenantBase.EmploymentRecord",
//!    "listFilter":[{"dsName":"…","fieldName":"…","values":["…"],"isShowInactive":true}]}   (≤ 10 filters)
//! ← {"code":"200","message":…,"data":[{"key":"…","fieldName":"…","application":"…",
//!    "metaObjectName":"…","dataSourceResults":[{"text":"正式","value":"3","isActive":true}]}]}
//! ```
//!
//! Errors (the vendor's codes): `000001` a parameter is missing, `000002`
//! a parameter is too long, `1000024` more than 10 filters. The limit is
//! 30 calls a second and 1,000 a minute, counted in the limiter group
//! [`DATA_SOURCE_GROUP`] at
//! [`DATA_SOURCE_LIMITS`](crate::DATA_SOURCE_LIMITS).
//!
//! The source does not say which envelope the data service answers in; it
//! is read as every v5 read is (`code` 200 proves success, anything else is
//! an [`Error::Api`]). It does not say either which `dsName` each standard
//! field binds to (the pages it points at were not scraped): the
//! [`CodedField`] presets send the field's name as both `dsName` and
//! `fieldName`, which the sandbox serves; check them against your tenant.
//!
//! More than 10 filters: [`GetDataSource::send`] splits them into calls of
//! 10 (sent concurrently, replies kept in filter order); one call of more
//! than 10 (the [`Endpoint`] impl) is refused before anything is sent.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::{BoxFuture, Shared};
use futures::{FutureExt, StreamExt, TryStreamExt};
use hr_common::endpoint::{self, Endpoint, json_request};
use hr_common::transport::{CallOptions, Request, Response};
use hr_common::{Error, Result};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::BeisenClient;
use crate::client::DATA_SOURCE_GROUP;
use crate::envelope::{list, null_as_empty};

/// `POST /dataservice/api/DataSource/GetDataSource`.
pub const GET_DATA_SOURCE: &str = "/dataservice/api/DataSource/GetDataSource";

/// The most filters (`listFilter` entries) one call takes; the vendor
/// answers `1000024` to more. [`GetDataSource::send`] splits larger
/// requests.
pub const MAX_FILTERS: usize = 10;

/// `DataSource/GetDataSource`: the options (value ↔ text) of up to 10 data
/// sources of one metadata object per call; [`send`](Self::send) takes any
/// number and splits them.
///
/// ```
/// use beisen_client::data_source::{DataSourceFilter, GetDataSource};
///
/// let req = GetDataSource::new(
///     "TenantBase",
///     "TenantBase.EmploymentRecord",
///     [DataSourceFilter::new("EmployeeStatus").field_name("EmployeeStatus").values(["2", "3"])],
/// )
/// .filter(DataSourceFilter::new("Place").show_inactive(true));
/// assert_eq!(
///     serde_json::to_value(&req)?,
///     serde_json::json!({
///         "app": "TenantBase",
///         "metaObjectName": "TenantBase.EmploymentRecord",
///         "listFilter": [
///             {"dsName": "EmployeeStatus", "fieldName": "EmployeeStatus", "values": ["2", "3"]},
///             {"dsName": "Place", "isShowInactive": true}
///         ]
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("DataSource/GetDataSource", "根据查询条件获取数据源"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetDataSource {
    /// `app`: the application code (`Compensation`, `TenantBase`…).
    pub app: String,
    /// `metaObjectName`: the object whose fields the data sources belong to
    /// (`TenantBase.EmployeeInformation`, `TenantBase.EmploymentRecord`).
    pub meta_object_name: String,
    /// `listFilter`: the data sources asked; at most [`MAX_FILTERS`] a call.
    pub list_filter: Vec<DataSourceFilter>,
}

/// One `listFilter` entry: a data source, optionally narrowed to some
/// values.
///
/// ```
/// use beisen_client::data_source::DataSourceFilter;
/// let f = DataSourceFilter::new("IDType").values(["1"]);
/// assert_eq!(serde_json::to_string(&f)?, r#"{"dsName":"IDType","values":["1"]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DataSourceFilter {
    /// `dsName`: the data source's code (required).
    pub ds_name: String,
    /// `fieldName`: the field's code, for a data source bound to a field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_name: Option<String>,
    /// `values`: only these values (all when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// `isShowInactive`: also the options that are no longer enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_show_inactive: Option<bool>,
}

impl DataSourceFilter {
    /// The whole data source `ds_name`.
    pub fn new(ds_name: impl Into<String>) -> Self {
        DataSourceFilter {
            ds_name: ds_name.into(),
            field_name: None,
            values: None,
            is_show_inactive: None,
        }
    }

    /// Sets `fieldName`.
    pub fn field_name(mut self, field_name: impl Into<String>) -> Self {
        self.field_name = Some(field_name.into());
        self
    }

    /// Sets `values`: only these are answered.
    pub fn values(mut self, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.values = Some(values.into_iter().map(Into::into).collect());
        self
    }

    /// Sets `isShowInactive`.
    pub fn show_inactive(mut self, show: bool) -> Self {
        self.is_show_inactive = Some(show);
        self
    }

    /// Whether `entry` is this filter's answer: the same data source
    /// (`key`), and the same field when both name one (ignoring ASCII
    /// case, as the vendor's field codes are PascalCase in requests and
    /// camelCase in records).
    fn answered_by(&self, entry: &DataSource) -> bool {
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let key = match &entry.key {
            Some(key) => same(key, &self.ds_name),
            None => false,
        };
        let field = match (&self.field_name, &entry.field_name) {
            (Some(a), Some(b)) => same(a, b),
            _ => true,
        };
        key && field
    }
}

impl GetDataSource {
    /// A request for `filters` of `meta_object_name` in `app`; any number
    /// of filters (see [`send`](Self::send)).
    pub fn new(
        app: impl Into<String>,
        meta_object_name: impl Into<String>,
        filters: impl IntoIterator<Item = DataSourceFilter>,
    ) -> Self {
        GetDataSource {
            app: app.into(),
            meta_object_name: meta_object_name.into(),
            list_filter: filters.into_iter().collect(),
        }
    }

    /// Adds a filter.
    pub fn filter(mut self, filter: DataSourceFilter) -> Self {
        self.list_filter.push(filter);
        self
    }

    /// Sends the request: calls of at most 10 filters, at most the client's
    /// [`concurrency`](BeisenClient::concurrency) in flight, their entries
    /// in filter order. A call that fails fails the whole request.
    pub async fn send(&self, client: &BeisenClient) -> Result<DataSources> {
        self.send_with(client, &CallOptions::new()).await
    }

    /// [`send`](Self::send) with per-call options over the client's
    /// defaults (for each call).
    pub async fn send_with(
        &self,
        client: &BeisenClient,
        options: &CallOptions,
    ) -> Result<DataSources> {
        if self.list_filter.len() <= MAX_FILTERS {
            return endpoint::send(client, self, options).await;
        }
        self.check_header()?;
        let calls: Vec<GetDataSource> = self
            .list_filter
            .chunks(MAX_FILTERS)
            .map(|filters| GetDataSource {
                app: self.app.clone(),
                meta_object_name: self.meta_object_name.clone(),
                list_filter: filters.to_vec(),
            })
            .collect();
        let parts: Vec<DataSources> = futures::stream::iter(calls.iter())
            .map(|call| endpoint::send(client, call, options))
            .buffered(client.concurrency().max(1))
            .try_collect()
            .await?;
        Ok(DataSources {
            entries: parts.into_iter().flat_map(|p| p.entries).collect(),
        })
    }

    /// What every call of this request needs: `app`, `metaObjectName`, at
    /// least one filter, each with a `dsName`.
    fn check_header(&self) -> Result<()> {
        if self.app.trim().is_empty() {
            return Err(Error::invalid_request("app", "is required"));
        }
        if self.meta_object_name.trim().is_empty() {
            return Err(Error::invalid_request("metaObjectName", "is required"));
        }
        if self.list_filter.is_empty() {
            return Err(Error::invalid_request(
                "listFilter",
                "needs at least one data source",
            ));
        }
        if let Some(i) = self
            .list_filter
            .iter()
            .position(|f| f.ds_name.trim().is_empty())
        {
            return Err(Error::invalid_request(
                "listFilter",
                format!("entry {i} has no dsName"),
            ));
        }
        Ok(())
    }
}

/// One call: at most 10 filters ([`GetDataSource::send`] splits larger
/// requests); the data-source endpoints share the limiter group
/// [`DATA_SOURCE_GROUP`].
impl Endpoint for GetDataSource {
    type Client = BeisenClient;
    type Output = DataSources;
    type Envelope = DataSourceReply;
    const PATH: &'static str = GET_DATA_SOURCE;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed(DATA_SOURCE_GROUP)
    }

    fn validate(&self) -> Result<()> {
        self.check_header()?;
        let n = self.list_filter.len();
        if n > MAX_FILTERS {
            return Err(Error::invalid_request(
                "listFilter",
                format!("{n} filters; at most {MAX_FILTERS} per call (`send` splits them)"),
            ));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

/// The reply of `DataSource/GetDataSource`: `code` 200 and a `data` list
/// of [`DataSource`] entries (or `null`, none).
#[derive(Debug)]
pub enum DataSourceReply {}

impl endpoint::Envelope<DataSources> for DataSourceReply {
    fn decode(response: &Response) -> Result<DataSources> {
        Ok(DataSources {
            entries: list::<DataSource>(response)?.data,
        })
    }
}

/// The entries of a reply, one per data source answered.
///
/// ```
/// use beisen_client::data_source::DataSources;
/// let reply = DataSources::from_entries(serde_json::from_value(serde_json::json!([
///     {"key": "EmployeeStatus", "fieldName": "EmployeeStatus",
///      "dataSourceResults": [{"text": "正式", "value": "3", "isActive": true}]}
/// ]))?);
/// assert_eq!(reply.text("EmployeeStatus", "3"), Some("正式"));
/// assert_eq!(reply.text("EmployeeStatus", "99"), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataSources {
    entries: Vec<DataSource>,
}

impl DataSources {
    /// A reply made of `entries`.
    pub fn from_entries(entries: Vec<DataSource>) -> Self {
        DataSources { entries }
    }

    /// Every entry, in reply order.
    pub fn entries(&self) -> &[DataSource] {
        &self.entries
    }

    /// The entries.
    pub fn into_entries(self) -> Vec<DataSource> {
        self.entries
    }

    /// The entry of data source `ds_name` (its `key`, ignoring ASCII case).
    pub fn get(&self, ds_name: &str) -> Option<&DataSource> {
        self.entries.iter().find(|e| {
            e.key
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case(ds_name))
        })
    }

    /// The entry that answers `filter` (same `key`, and same `fieldName`
    /// when both name one).
    pub fn for_filter(&self, filter: &DataSourceFilter) -> Option<&DataSource> {
        self.entries.iter().find(|e| filter.answered_by(e))
    }

    /// The text of `value` in data source `ds_name`.
    pub fn text(&self, ds_name: &str, value: &str) -> Option<&str> {
        self.get(ds_name)?.text(value)
    }

    /// The entry of each filter of one call, in filter order: by `key`
    /// (and `fieldName`), or, for a reply whose entries name neither and
    /// match the filters one to one, by position.
    fn answers<'a>(&'a self, filters: &[DataSourceFilter]) -> Vec<Option<&'a DataSource>> {
        filters
            .iter()
            .enumerate()
            .map(|(i, f)| {
                self.for_filter(f).or_else(|| {
                    let anonymous = |e: &DataSource| e.key.is_none() && e.field_name.is_none();
                    (self.entries.len() == filters.len())
                        .then(|| &self.entries[i])
                        .filter(|e| anonymous(e))
                })
            })
            .collect()
    }
}

/// One data source of a reply: `{key, fieldName, application,
/// metaObjectName, dataSourceResults}`. `key` is the data source's code
/// (`dsName` is read too); every field but the results may be absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "WireDataSource", rename_all = "camelCase")]
#[non_exhaustive]
pub struct DataSource {
    /// `key`: the data source's code, as asked in `dsName`.
    pub key: Option<String>,
    /// `fieldName`.
    pub field_name: Option<String>,
    /// `application`.
    pub application: Option<String>,
    /// `metaObjectName`.
    pub meta_object_name: Option<String>,
    /// `dataSourceResults`: the options (`null` is none).
    pub data_source_results: Vec<DataSourceItem>,
}

impl DataSource {
    /// The option whose `value` is `value` (surrounding blanks ignored).
    pub fn item(&self, value: &str) -> Option<&DataSourceItem> {
        let value = value.trim();
        self.data_source_results
            .iter()
            .find(|i| i.value.trim() == value)
    }

    /// The text of `value`.
    pub fn text(&self, value: &str) -> Option<&str> {
        self.item(value).map(|i| i.text.as_str())
    }
}

/// The documented spelling, and `dsName` for `key` (a second reading of
/// the source's "dsName echo"): a reply carrying both keys is not a
/// duplicate-field error.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDataSource {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    ds_name: Option<String>,
    #[serde(default)]
    field_name: Option<String>,
    #[serde(default)]
    application: Option<String>,
    #[serde(default)]
    meta_object_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    data_source_results: Vec<DataSourceItem>,
}

impl From<WireDataSource> for DataSource {
    fn from(w: WireDataSource) -> Self {
        DataSource {
            key: w.key.or(w.ds_name),
            field_name: w.field_name,
            application: w.application,
            meta_object_name: w.meta_object_name,
            data_source_results: w.data_source_results,
        }
    }
}

/// One option of a data source.
///
/// ```
/// use beisen_client::data_source::DataSourceItem;
/// let item: DataSourceItem = serde_json::from_str(
///     r#"{"text":"中国","value":1,"isActive":true,"order":1}"#,
/// )?;
/// assert_eq!((item.text.as_str(), item.value.as_str()), ("中国", "1"));
/// assert_eq!(item.is_active, Some(true));
/// assert_eq!(item.extra["order"], 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DataSourceItem {
    /// `text`: the name (`""` when null).
    #[serde(default, deserialize_with = "text_or_number")]
    pub text: String,
    /// `value`: the code records carry (a number is read as its digits).
    #[serde(deserialize_with = "text_or_number")]
    pub value: String,
    /// `isActive`: whether the option is enabled (`true`/`false`, `1`/`0`
    /// or their strings).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub is_active: Option<bool>,
    /// Whatever else the option carries.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected text or a number, got {}",
            hr_common::json::kind(&other)
        ))),
    }
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

// ---------------------------------------------------------------------------
// The cache
// ---------------------------------------------------------------------------

/// A coded field: which data source names its codes (`app`,
/// `metaObjectName`, `dsName` and optionally `fieldName`).
///
/// The presets cover the standard fields a travel or expense user record
/// needs. The vendor does not publish their `dsName`s (skillify
/// `employees.md` §8: "组织员工标准字段各自对应的 app / dsName 取值" are
/// undocumented): they send app `TenantBase`, the field's object, and the
/// field's PascalCase name as `dsName` and `fieldName`, as the sandbox
/// serves them. Use [`new`](Self::new) for your tenant's names.
///
/// ```
/// use beisen_client::data_source::CodedField;
/// let status = CodedField::employee_status();
/// assert_eq!(status.meta_object_name, "TenantBase.EmploymentRecord");
/// let custom = CodedField::new("TenantBase", "TenantBase.EmploymentRecord", "ds_contract_type")
///     .field_name("extContractType_100001_9");
/// assert_eq!(custom.field_name.as_deref(), Some("extContractType_100001_9"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CodedField {
    /// `app`.
    pub app: String,
    /// `metaObjectName`.
    pub meta_object_name: String,
    /// `dsName`.
    pub ds_name: String,
    /// `fieldName`.
    pub field_name: Option<String>,
}

/// `TenantBase.EmployeeInformation`: the object of `employeeInfo`.
pub const EMPLOYEE_INFORMATION: &str = "TenantBase.EmployeeInformation";
/// `TenantBase.EmploymentRecord`: the object of `recordInfo`.
pub const EMPLOYMENT_RECORD: &str = "TenantBase.EmploymentRecord";

impl CodedField {
    /// The data source `ds_name` of `meta_object_name` in `app`.
    pub fn new(
        app: impl Into<String>,
        meta_object_name: impl Into<String>,
        ds_name: impl Into<String>,
    ) -> Self {
        CodedField {
            app: app.into(),
            meta_object_name: meta_object_name.into(),
            ds_name: ds_name.into(),
            field_name: None,
        }
    }

    /// Sets `fieldName`.
    pub fn field_name(mut self, field_name: impl Into<String>) -> Self {
        self.field_name = Some(field_name.into());
        self
    }

    fn standard(meta: &str, name: &str) -> Self {
        CodedField::new("TenantBase", meta, name).field_name(name)
    }

    /// `recordInfo.employeeStatus` (人员状态).
    pub fn employee_status() -> Self {
        Self::standard(EMPLOYMENT_RECORD, "EmployeeStatus")
    }

    /// `recordInfo.place` (工作地点).
    pub fn place() -> Self {
        Self::standard(EMPLOYMENT_RECORD, "Place")
    }

    /// `recordInfo.employmentForm` (用工形式, a GUID).
    pub fn employment_form() -> Self {
        Self::standard(EMPLOYMENT_RECORD, "EmploymentForm")
    }

    /// `recordInfo.employType` (雇佣关系).
    pub fn employ_type() -> Self {
        Self::standard(EMPLOYMENT_RECORD, "EmployType")
    }

    /// `recordInfo.serviceType` (任职类型).
    pub fn service_type() -> Self {
        Self::standard(EMPLOYMENT_RECORD, "ServiceType")
    }

    /// `recordInfo.approvalStatus` (审批状态).
    pub fn approval_status() -> Self {
        Self::standard(EMPLOYMENT_RECORD, "ApprovalStatus")
    }

    /// `employeeInfo.nationality` (国籍).
    pub fn nationality() -> Self {
        Self::standard(EMPLOYEE_INFORMATION, "Nationality")
    }

    /// `employeeInfo.iDType` (证件类型).
    pub fn id_type() -> Self {
        Self::standard(EMPLOYEE_INFORMATION, "IDType")
    }

    /// `employeeInfo.gender` (性别).
    pub fn gender() -> Self {
        Self::standard(EMPLOYEE_INFORMATION, "Gender")
    }

    /// `employeeInfo.nation` (民族).
    pub fn nation() -> Self {
        Self::standard(EMPLOYEE_INFORMATION, "Nation")
    }

    /// `employeeInfo.educationLevel` (学历).
    pub fn education_level() -> Self {
        Self::standard(EMPLOYEE_INFORMATION, "EducationLevel")
    }

    /// `employeeInfo.marryCategory` (婚姻状况).
    pub fn marry_category() -> Self {
        Self::standard(EMPLOYEE_INFORMATION, "MarryCategory")
    }

    /// `employeeInfo.politicalStatus` (政治面貌).
    pub fn political_status() -> Self {
        Self::standard(EMPLOYEE_INFORMATION, "PoliticalStatus")
    }

    /// The filter that fetches the whole source, disabled options
    /// included: an old record may hold a code that is no longer offered.
    fn filter(&self) -> DataSourceFilter {
        let mut f = DataSourceFilter::new(self.ds_name.clone()).show_inactive(true);
        f.field_name = self.field_name.clone();
        f
    }
}

/// The options of one data source, by value.
///
/// ```
/// use beisen_client::data_source::CodeTable;
/// let table = CodeTable::default();
/// assert!(table.is_empty());
/// assert_eq!(table.name("3"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeTable {
    by_value: HashMap<String, (String, Option<bool>)>,
}

impl CodeTable {
    fn from_entry(entry: Option<&DataSource>) -> Self {
        let by_value = entry
            .into_iter()
            .flat_map(|e| &e.data_source_results)
            .map(|i| (i.value.trim().to_owned(), (i.text.clone(), i.is_active)))
            .collect();
        CodeTable { by_value }
    }

    /// The name of `code` (surrounding blanks ignored).
    pub fn name(&self, code: &str) -> Option<&str> {
        self.by_value.get(code.trim()).map(|(t, _)| t.as_str())
    }

    /// Whether `code`'s option is enabled, when the reply said.
    pub fn is_active(&self, code: &str) -> Option<bool> {
        self.by_value.get(code.trim()).and_then(|(_, a)| *a)
    }

    /// Every code and its name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_value
            .iter()
            .map(|(v, (t, _))| (v.as_str(), t.as_str()))
    }

    /// How many options.
    pub fn len(&self) -> usize {
        self.by_value.len()
    }

    /// Whether the source had no options (or the reply had no entry for it).
    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty()
    }
}

type Batch = HashMap<CodedField, Arc<CodeTable>>;
type BatchFuture = Shared<BoxFuture<'static, Result<Arc<Batch>>>>;

#[derive(Clone)]
struct Slot {
    id: u64,
    born: Instant,
    batch: BatchFuture,
}

struct Inner {
    client: BeisenClient,
    ttl: Option<Duration>,
    slots: Mutex<HashMap<CodedField, Slot>>,
    next_batch: AtomicU64,
}

/// Names for coded fields, cached: each data source is fetched whole, once
/// (or once per TTL, see [`with_ttl`](Self::with_ttl)), in calls of up to 10 sources of one
/// object, and concurrent callers asking for the same source share one
/// fetch. Failed fetches are not cached. Cheap to clone; clones share the
/// cache.
///
/// Turning an employee's codes into names:
///
/// ```no_run
/// use beisen_client::data_source::{CodeNames, CodedField};
///
/// # async fn run() -> beisen_client::Result<()> {
/// let client = beisen_client::BeisenClient::from_env()?;
/// let names = CodeNames::new(&client);
/// # let (info, record): (beisen_client::models::EmployeeInfo, beisen_client::models::RecordInfo) = todo!();
/// // `info` and `record` are a person's `employeeInfo` and `recordInfo`.
/// let wanted = [
///     (CodedField::employee_status(), record.employee_status.map(|s| s.code().to_string())),
///     (CodedField::place(), record.place.clone()),
///     (CodedField::employment_form(), record.employment_form.clone()),
///     (CodedField::nationality(), info.nationality.map(|n| n.to_string())),
///     (CodedField::id_type(), info.id_type.clone()),
/// ];
/// // One call for the five sources (two objects: two calls), then none.
/// let resolved = names
///     .resolve(wanted.iter().filter_map(|(f, code)| Some((f.clone(), code.clone()?))))
///     .await?;
/// let status = resolved.get(&CodedField::employee_status(), "3"); // Some("正式")
/// # let _ = status;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CodeNames {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for CodeNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cached = self.inner.slots.lock().map(|s| s.len()).unwrap_or(0);
        f.debug_struct("CodeNames")
            .field("ttl", &self.inner.ttl)
            .field("cached_sources", &cached)
            .finish_non_exhaustive()
    }
}

/// The names [`CodeNames::resolve`] found, by field and code.
///
/// ```
/// use beisen_client::data_source::{CodedField, ResolvedNames};
/// let none = ResolvedNames::default();
/// assert_eq!(none.get(&CodedField::place(), "1100"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedNames {
    names: HashMap<(CodedField, String), Option<String>>,
}

impl ResolvedNames {
    /// The name of `code` in `field`; `None` when it was not asked or its
    /// source has no such option.
    pub fn get(&self, field: &CodedField, code: &str) -> Option<&str> {
        self.names
            .get(&(field.clone(), code.trim().to_owned()))
            .and_then(|n| n.as_deref())
    }

    /// The pairs asked whose source has no such option.
    pub fn unresolved(&self) -> impl Iterator<Item = (&CodedField, &str)> {
        self.names
            .iter()
            .filter(|(_, n)| n.is_none())
            .map(|((f, c), _)| (f, c.as_str()))
    }

    /// How many distinct pairs were asked.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether nothing was asked.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl CodeNames {
    /// A cache over `client`, kept for its own lifetime.
    pub fn new(client: &BeisenClient) -> Self {
        CodeNames {
            inner: Arc::new(Inner {
                client: client.clone(),
                ttl: None,
                slots: Mutex::new(HashMap::new()),
                next_batch: AtomicU64::new(0),
            }),
        }
    }

    /// A cache over `client` that fetches a source again once `ttl` has
    /// passed since its last fetch.
    ///
    /// ```
    /// # let client = beisen_client::BeisenClient::builder()
    /// #     .credentials(beisen_client::Credentials::app_key("k", "s")).build()?;
    /// use std::time::Duration;
    /// use beisen_client::data_source::CodeNames;
    /// let names = CodeNames::with_ttl(&client, Duration::from_secs(3600));
    /// # let _ = names; Ok::<_, beisen_client::Error>(())
    /// ```
    pub fn with_ttl(client: &BeisenClient, ttl: Duration) -> Self {
        CodeNames {
            inner: Arc::new(Inner {
                client: client.clone(),
                ttl: Some(ttl),
                slots: Mutex::new(HashMap::new()),
                next_batch: AtomicU64::new(0),
            }),
        }
    }

    /// Forgets every cached source.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The name of `code` in `field` (one fetch of the source, if not
    /// cached).
    pub async fn name(&self, field: &CodedField, code: &str) -> Result<Option<String>> {
        let tables = self.tables([field.clone()]).await?;
        Ok(tables
            .get(field)
            .and_then(|t| t.name(code))
            .map(str::to_owned))
    }

    /// The options of `field`'s source.
    pub async fn table(&self, field: &CodedField) -> Result<Arc<CodeTable>> {
        let tables = self.tables([field.clone()]).await?;
        Ok(tables.get(field).cloned().unwrap_or_default())
    }

    /// Fetches the sources of `fields` that are not cached (10 per call).
    pub async fn prefetch(&self, fields: impl IntoIterator<Item = CodedField>) -> Result<()> {
        self.tables(fields).await.map(drop)
    }

    /// The names of many `(field, code)` pairs: each source not cached is
    /// fetched once, 10 sources of one object per call.
    pub async fn resolve(
        &self,
        pairs: impl IntoIterator<Item = (CodedField, impl Into<String>)>,
    ) -> Result<ResolvedNames> {
        let pairs: Vec<(CodedField, String)> = pairs
            .into_iter()
            .map(|(f, c)| (f, c.into().trim().to_owned()))
            .collect();
        let tables = self.tables(pairs.iter().map(|(f, _)| f.clone())).await?;
        let names = pairs
            .into_iter()
            .map(|(f, c)| {
                let name = tables.get(&f).and_then(|t| t.name(&c)).map(str::to_owned);
                ((f, c), name)
            })
            .collect();
        Ok(ResolvedNames { names })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CodedField, Slot>> {
        // A panic while holding the lock cannot leave the map half-written
        // (each operation is one insert or remove), so a poisoned lock is
        // still a consistent cache.
        self.inner
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn tables(
        &self,
        fields: impl IntoIterator<Item = CodedField>,
    ) -> Result<HashMap<CodedField, Arc<CodeTable>>> {
        let mut seen = HashSet::new();
        let fields: Vec<CodedField> = fields
            .into_iter()
            .filter(|f| seen.insert(f.clone()))
            .collect();
        let wanted: Vec<(CodedField, Slot)> = {
            let mut slots = self.lock();
            let now = Instant::now();
            let fresh = |s: &Slot| self.inner.ttl.is_none_or(|ttl| now < s.born + ttl);
            let mut missing: Vec<&CodedField> = Vec::new();
            for f in &fields {
                if !slots.get(f).is_some_and(fresh) {
                    missing.push(f);
                }
            }
            // One call per 10 sources of one object.
            let mut groups: Vec<((&str, &str), Vec<CodedField>)> = Vec::new();
            for f in missing {
                let key = (f.app.as_str(), f.meta_object_name.as_str());
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, g)) => g.push(f.clone()),
                    None => groups.push((key, vec![f.clone()])),
                }
            }
            for (_, group) in groups {
                for chunk in group.chunks(MAX_FILTERS) {
                    let slot = Slot {
                        id: self.inner.next_batch.fetch_add(1, Ordering::Relaxed),
                        born: now,
                        batch: fetch(self.inner.client.clone(), chunk.to_vec())
                            .boxed()
                            .shared(),
                    };
                    for f in chunk {
                        slots.insert(f.clone(), slot.clone());
                    }
                }
            }
            fields
                .iter()
                .filter_map(|f| slots.get(f).map(|s| (f.clone(), s.clone())))
                .collect()
        };
        let mut batches: Vec<(u64, BatchFuture)> = Vec::new();
        for (_, slot) in &wanted {
            if !batches.iter().any(|(id, _)| *id == slot.id) {
                batches.push((slot.id, slot.batch.clone()));
            }
        }
        let results = futures::future::join_all(batches.iter().map(|(_, b)| b.clone())).await;
        let mut done: HashMap<u64, Arc<Batch>> = HashMap::new();
        let mut failure = None;
        for ((id, _), result) in batches.iter().zip(results) {
            match result {
                Ok(batch) => {
                    done.insert(*id, batch);
                }
                Err(e) => {
                    // Not cached: the next caller fetches again.
                    self.lock().retain(|_, s| s.id != *id);
                    failure.get_or_insert(e);
                }
            }
        }
        if let Some(e) = failure {
            return Err(e);
        }
        Ok(wanted
            .into_iter()
            .map(|(f, slot)| {
                let table = done
                    .get(&slot.id)
                    .and_then(|b| b.get(&f).cloned())
                    .unwrap_or_default();
                (f, table)
            })
            .collect())
    }
}

/// One call for `fields` (at most 10, one app and object).
async fn fetch(client: BeisenClient, fields: Vec<CodedField>) -> Result<Arc<Batch>> {
    let Some(first) = fields.first() else {
        return Ok(Arc::default());
    };
    let req = GetDataSource::new(
        first.app.clone(),
        first.meta_object_name.clone(),
        fields.iter().map(CodedField::filter),
    );
    let reply = endpoint::send(&client, &req, &CallOptions::new()).await?;
    let answers = reply.answers(&req.list_filter);
    Ok(Arc::new(
        fields
            .iter()
            .zip(answers)
            .map(|(f, entry)| (f.clone(), Arc::new(CodeTable::from_entry(entry))))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entries(v: Value) -> DataSources {
        DataSources::from_entries(serde_json::from_value(v).unwrap())
    }

    #[test]
    fn more_than_ten_filters_is_refused_for_one_call() {
        let filters = (0..11).map(|i| DataSourceFilter::new(format!("ds{i}")));
        let err = GetDataSource::new("TenantBase", EMPLOYMENT_RECORD, filters)
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("at most 10"), "{err}");
        let ten = (0..10).map(|i| DataSourceFilter::new(format!("ds{i}")));
        assert!(
            GetDataSource::new("TenantBase", EMPLOYMENT_RECORD, ten)
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn missing_parameters_are_refused_before_sending() {
        let ok = || DataSourceFilter::new("Place");
        for (req, field) in [
            (GetDataSource::new("", EMPLOYMENT_RECORD, [ok()]), "app"),
            (GetDataSource::new("a", " ", [ok()]), "metaObjectName"),
            (GetDataSource::new("a", "m", []), "listFilter"),
            (
                GetDataSource::new("a", "m", [ok(), DataSourceFilter::new("")]),
                "entry 1",
            ),
        ] {
            let err = req.validate().unwrap_err();
            assert!(err.to_string().contains(field), "{field}: {err}");
        }
    }

    #[test]
    fn entries_match_filters_by_key_and_field_or_by_position() {
        let filters = [
            DataSourceFilter::new("Place").field_name("Place"),
            DataSourceFilter::new("IDType"),
        ];
        let reply = entries(json!([
            {"dsName": "idtype", "dataSourceResults": [{"text": "护照", "value": "2"}]},
            {"key": "Place", "fieldName": "place", "dataSourceResults": null}
        ]));
        let answers = reply.answers(&filters);
        assert_eq!(answers[0].and_then(|e| e.key.as_deref()), Some("Place"));
        assert_eq!(answers[1].and_then(|e| e.text("2")), Some("护照"));

        let anonymous = entries(json!([
            {"dataSourceResults": [{"text": "北京", "value": "1100"}]},
            {"dataSourceResults": [{"text": "护照", "value": 2}]}
        ]));
        let answers = anonymous.answers(&filters);
        assert_eq!(answers[0].and_then(|e| e.text("1100")), Some("北京"));
        assert_eq!(answers[1].and_then(|e| e.text("2")), Some("护照"));

        let other_field = entries(json!([
            {"key": "Place", "fieldName": "OtherPlace", "dataSourceResults": []}
        ]));
        assert!(other_field.answers(&filters[..1])[0].is_none());
    }

    #[test]
    fn an_item_without_a_value_or_with_an_object_value_is_an_error() {
        assert!(serde_json::from_value::<DataSourceItem>(json!({"text": "x"})).is_err());
        assert!(
            serde_json::from_value::<DataSourceItem>(json!({"text": "x", "value": {}})).is_err()
        );
        let item: DataSourceItem =
            serde_json::from_value(json!({"text": null, "value": " 3 ", "isActive": "0"})).unwrap();
        assert_eq!((item.text.as_str(), item.is_active), ("", Some(false)));
        let source: DataSource = serde_json::from_value(
            json!({"key": "k", "dataSourceResults": [{"text": "正式", "value": " 3 "}]}),
        )
        .unwrap();
        assert_eq!(source.text("3"), Some("正式"));
    }
}
