//! Setting objects and records read by time window beyond organisations
//! and positions: job levels (职级), employment forms (用工形式), the items of
//! `CommonMetaObject` (legal entities, 法人公司, among them), offers and
//! labour contracts.
//!
//! Sources of the shapes: tourcoding/hztic `hztic/services/beisen.py`
//! (job levels, employment forms, `CommonMetaObject` with
//! `metaObjectName: "Corporation"` and its `fields` map), fxp/skillify
//! `skills/beisen/references/employee-lifecycle.md` (the contract's
//! `firstPartyCode`, `contractType`, `effectiveDate`) and a public Beisen
//! connector's `Offer/GetByTimeWindow` and `Contract/GetByUserIds` columns
//! (`UserID`, `IDNumber`, `ApprovalStatus`, `OfferStatus`, `FirstParty`,
//! `FirstPartyCode`, `Status`, `ContractType`). What no source names stays
//! in `extra`.

use std::collections::BTreeMap;

use hr_common::civil_time::{self, CivilDateTime};
use hr_common::sensitive::IdNumber;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::custom::{CustomProperties, TranslateProperties};
use crate::ids::UserId;

/// Reads a number or a numeric string; the setting objects' status and
/// rank have come as both in peers' code, and a text that is not a number
/// is kept out of the typed field rather than failing the page.
fn loose_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(Value::Bool(b)) => Some(i64::from(b)),
        _ => None,
    })
}

/// Reads a string or a number as text (codes the vendor sends either way).
fn loose_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// 职级: a job level (`JobLevel/GetByTimeWindow`), the rank a travel policy
/// keys on.
///
/// ```
/// use beisen_client::models::{JobLevel, WindowRecord};
///
/// let level: JobLevel = serde_json::from_value(serde_json::json!({
///     "oId": "c28789f8-4e66-4365-84a3-b84a1f49d5c7", "name": "P3 工程师",
///     "code": "P3", "level": 3, "status": 1,
///     "modifiedTime": "2024-03-01T10:00:00"
/// }))?;
/// assert_eq!(level.code.as_deref(), Some("P3"));
/// assert_eq!(level.level, Some(3));
/// assert_eq!(level.dedup_key().as_deref(), Some("c28789f8-4e66-4365-84a3-b84a1f49d5c7"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JobLevel {
    /// 职级 OId, a GUID; what a person's `oIdJobLevel` names.
    #[serde(rename = "oId", default, deserialize_with = "loose_text")]
    pub oid: Option<String>,
    /// 对象 id (the same GUID on the tenants seen).
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 名称.
    #[serde(rename = "name", default)]
    pub name: Option<String>,
    /// 编码 (`"P3"`).
    #[serde(rename = "code", default)]
    pub code: Option<String>,
    /// 状态: 1 enabled, 0 disabled.
    #[serde(rename = "status", default, deserialize_with = "loose_int")]
    pub status: Option<i64>,
    /// 级别: the rank, 1 the lowest.
    #[serde(rename = "level", default, deserialize_with = "loose_int")]
    pub level: Option<i64>,
    /// 职级类别 (GUID).
    #[serde(rename = "oIdJobLevelType", default)]
    pub oid_job_level_type: Option<String>,
    /// 生效日期.
    #[serde(rename = "startDate", default, with = "civil_time::option")]
    pub start_date: Option<CivilDateTime>,
    /// 失效日期 (`9999-12-31T00:00:00` when open).
    #[serde(rename = "stopDate", default, with = "civil_time::option")]
    pub stop_date: Option<CivilDateTime>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段 (`null` on tenants created after 2026-03-13).
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

impl JobLevel {
    /// A job level with every field `None`, as decoding `{}` gives.
    ///
    /// ```
    /// let level = beisen_client::models::JobLevel::new().with_oid("g-1").with_code("P3");
    /// assert_eq!(serde_json::to_value(&level)?["code"], "P3");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

hr_common::with_setters!(JobLevel {
    with_oid => oid: String,
    with_object_id => object_id: String,
    with_name => name: String,
    with_code => code: String,
    with_status => status: i64,
    with_level => level: i64,
    with_oid_job_level_type => oid_job_level_type: String,
    with_start_date => start_date: CivilDateTime,
    with_stop_date => stop_date: CivilDateTime,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_created_time => created_time: CivilDateTime,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
});

/// 用工形式: an employment form (`EmploymentForm/GetByTimeWindow`): staff,
/// labour dispatch, part-time…; what a person's `employmentForm` names.
///
/// ```
/// let form: beisen_client::models::EmploymentForm =
///     serde_json::from_str(r#"{"oId":"5e0c…","name":"劳务派遣","status":"1"}"#)?;
/// assert_eq!((form.name.as_deref(), form.status), (Some("劳务派遣"), Some(1)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmploymentForm {
    /// 用工形式 OId, a GUID.
    #[serde(rename = "oId", default, deserialize_with = "loose_text")]
    pub oid: Option<String>,
    /// 对象 id.
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 名称.
    #[serde(rename = "name", default)]
    pub name: Option<String>,
    /// 编码.
    #[serde(rename = "code", default)]
    pub code: Option<String>,
    /// 状态: 1 enabled, 0 disabled.
    #[serde(rename = "status", default, deserialize_with = "loose_int")]
    pub status: Option<i64>,
    /// 生效日期.
    #[serde(rename = "startDate", default, with = "civil_time::option")]
    pub start_date: Option<CivilDateTime>,
    /// 失效日期.
    #[serde(rename = "stopDate", default, with = "civil_time::option")]
    pub stop_date: Option<CivilDateTime>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

impl EmploymentForm {
    /// An employment form with every field `None`, as decoding `{}` gives.
    ///
    /// ```
    /// let form = beisen_client::models::EmploymentForm::new().with_name("正式");
    /// assert_eq!(form.name.as_deref(), Some("正式"));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

hr_common::with_setters!(EmploymentForm {
    with_oid => oid: String,
    with_object_id => object_id: String,
    with_name => name: String,
    with_code => code: String,
    with_status => status: i64,
    with_start_date => start_date: CivilDateTime,
    with_stop_date => stop_date: CivilDateTime,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_created_time => created_time: CivilDateTime,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
});

/// One item of `CommonMetaObject/GetByTimeWindow`: a record of any
/// metadata object, as a `fields` map keyed by PascalCase column (`OId`,
/// `Name`, `ModifiedTime`, and the tenant's `ext…` custom fields).
///
/// ```
/// use beisen_client::models::{MetaObjectRecord, WindowRecord};
/// use beisen_client::window::QueryType;
///
/// let item: MetaObjectRecord = serde_json::from_value(serde_json::json!({"fields": {
///     "OId": "9f1e…", "Name": "沙箱科技有限公司", "Status": 1,
///     "extzuzhidaima_609792_945002890": "91310000MA1FL0001X",
///     "ModifiedTime": "2024-05-06T07:08:09"
/// }}))?;
/// assert_eq!(item.get_str("Name"), Some("沙箱科技有限公司"));
/// assert_eq!(item.get_str_by_prefix("extzuzhidaima_"), Some("91310000MA1FL0001X"));
/// assert_eq!(item.version(QueryType::Modified).as_deref(), Some("2024-05-06T07:08:09"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MetaObjectRecord {
    /// The record's columns, PascalCase, as sent.
    pub fields: BTreeMap<String, Value>,
    /// Keys of the item beside `fields`, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
    /// `ModifiedTime` and `BusinessModifiedTime` of `fields`, parsed once
    /// for the stream's de-duplication.
    #[serde(skip)]
    times: [Option<CivilDateTime>; 2],
}

impl<'de> Deserialize<'de> for MetaObjectRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default, deserialize_with = "crate::envelope::null_as_empty")]
            fields: BTreeMap<String, Value>,
            #[serde(flatten)]
            extra: crate::custom::Extra,
        }
        let raw = Raw::deserialize(d)?;
        Ok(MetaObjectRecord::from_parts(raw.fields, raw.extra))
    }
}

impl MetaObjectRecord {
    fn from_parts(fields: BTreeMap<String, Value>, extra: crate::custom::Extra) -> Self {
        let time = |key: &str| {
            fields
                .get(key)
                .and_then(Value::as_str)
                .and_then(|s| CivilDateTime::parse(s).ok().flatten())
        };
        let times = [time("ModifiedTime"), time("BusinessModifiedTime")];
        MetaObjectRecord {
            fields,
            extra,
            times,
        }
    }

    /// A record of these columns.
    ///
    /// ```
    /// use beisen_client::models::MetaObjectRecord;
    /// let r = MetaObjectRecord::new([("OId", serde_json::json!("a")), ("Name", "甲".into())]);
    /// assert_eq!(r.get_str("OId"), Some("a"));
    /// ```
    pub fn new(fields: impl IntoIterator<Item = (impl Into<String>, Value)>) -> Self {
        Self::from_parts(
            fields.into_iter().map(|(k, v)| (k.into(), v)).collect(),
            Default::default(),
        )
    }

    /// The column `name` (exact, PascalCase); `None` when absent or null.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name).filter(|v| !v.is_null())
    }

    /// The column `name` as text: a string as sent, a number in decimal.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The column `name` as an integer (a number or a numeric string).
    pub fn get_i64(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The columns whose name starts with `prefix`, in name order: custom
    /// fields are named `ext<name>_<tenant>_<n>`, so a prefix such as
    /// `"extyinhangzhanghao_"` finds one on any tenant.
    pub fn by_prefix<'a, 'p>(
        &'a self,
        prefix: &'p str,
    ) -> impl Iterator<Item = (&'a str, &'a Value)> + use<'a, 'p> {
        self.fields
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// The first non-null text column whose name starts with `prefix`.
    pub fn get_str_by_prefix(&self, prefix: &str) -> Option<&str> {
        self.by_prefix(prefix).find_map(|(_, v)| v.as_str())
    }

    /// `ModifiedTime`.
    pub fn modified_time(&self) -> Option<&CivilDateTime> {
        self.times[0].as_ref()
    }

    /// `BusinessModifiedTime`.
    pub fn business_modified_time(&self) -> Option<&CivilDateTime> {
        self.times[1].as_ref()
    }
}

/// The custom columns of a legal entity a finance or travel integration
/// reads. Their names are the tenant's own (`ext<name>_<tenant>_<n>`): the
/// defaults are the prefixes of the tenant hztic reads
/// (`extzuzhidaima_`, `extkaihuyinhang_`, `extyinhangzhanghao_`,
/// `extdianhua_`, `extdengjidizhi_`), matched by prefix; set exact names
/// or other prefixes for other tenants.
///
/// ```
/// use beisen_client::models::CorporationFields;
/// let names = CorporationFields::default().bank_account("extzhanghao_");
/// assert_eq!(names.bank_account, "extzhanghao_");
/// assert_eq!(names.credit_code, "extzuzhidaima_");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CorporationFields {
    /// 统一社会信用代码 / 组织机构代码 (also the tax number).
    pub credit_code: String,
    /// 开户银行.
    pub bank: String,
    /// 银行账号.
    pub bank_account: String,
    /// 电话.
    pub phone: String,
    /// 登记地址.
    pub address: String,
}

impl Default for CorporationFields {
    fn default() -> Self {
        CorporationFields {
            credit_code: "extzuzhidaima_".into(),
            bank: "extkaihuyinhang_".into(),
            bank_account: "extyinhangzhanghao_".into(),
            phone: "extdianhua_".into(),
            address: "extdengjidizhi_".into(),
        }
    }
}

impl CorporationFields {
    /// The credit-code column (a name or a prefix).
    #[must_use]
    pub fn credit_code(mut self, name: impl Into<String>) -> Self {
        self.credit_code = name.into();
        self
    }
    /// The bank column (a name or a prefix).
    #[must_use]
    pub fn bank(mut self, name: impl Into<String>) -> Self {
        self.bank = name.into();
        self
    }
    /// The bank-account column (a name or a prefix).
    #[must_use]
    pub fn bank_account(mut self, name: impl Into<String>) -> Self {
        self.bank_account = name.into();
        self
    }
    /// The phone column (a name or a prefix).
    #[must_use]
    pub fn phone(mut self, name: impl Into<String>) -> Self {
        self.phone = name.into();
        self
    }
    /// The address column (a name or a prefix).
    #[must_use]
    pub fn address(mut self, name: impl Into<String>) -> Self {
        self.address = name.into();
        self
    }
}

/// 法人公司: a legal entity, read from a [`MetaObjectRecord`] of
/// `metaObjectName: "Corporation"` (what a travel platform calls the
/// branch, and an expense system pays from).
///
/// ```
/// use beisen_client::models::{Corporation, CorporationFields, MetaObjectRecord};
/// use serde_json::json;
///
/// let record = MetaObjectRecord::new([
///     ("OId", json!("9f1e")), ("Name", json!("沙箱科技有限公司")), ("Code", json!("C01")),
///     ("Status", json!(1)), ("extyinhangzhanghao_100001_13", json!("6222 0000 0001")),
/// ]);
/// let corp = Corporation::from(record);
/// assert_eq!((corp.oid.as_deref(), corp.code.as_deref()), (Some("9f1e"), Some("C01")));
/// let names = CorporationFields::default();
/// assert_eq!(corp.bank_account(&names), Some("6222 0000 0001"));
/// assert_eq!(corp.credit_code(&names), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Corporation {
    /// `OId` (a GUID).
    pub oid: Option<String>,
    /// `Name`.
    pub name: Option<String>,
    /// `Code`.
    pub code: Option<String>,
    /// `Status`: 1 enabled.
    pub status: Option<i64>,
    /// The whole record, for every other column.
    pub record: MetaObjectRecord,
}

impl From<MetaObjectRecord> for Corporation {
    fn from(record: MetaObjectRecord) -> Self {
        Corporation {
            oid: record
                .get_str("OId")
                .map(str::to_owned)
                .or_else(|| record.get_i64("OId").map(|n| n.to_string())),
            name: record.get_str("Name").map(str::to_owned),
            code: record.get_str("Code").map(str::to_owned),
            status: record.get_i64("Status"),
            record,
        }
    }
}

impl Corporation {
    /// A column's text by exact name, else as the first column with that
    /// prefix.
    pub fn field(&self, name_or_prefix: &str) -> Option<&str> {
        self.record
            .get_str(name_or_prefix)
            .or_else(|| self.record.get_str_by_prefix(name_or_prefix))
    }

    /// 统一社会信用代码 (also the tax number).
    pub fn credit_code(&self, names: &CorporationFields) -> Option<&str> {
        self.field(&names.credit_code)
    }

    /// 开户银行.
    pub fn bank(&self, names: &CorporationFields) -> Option<&str> {
        self.field(&names.bank)
    }

    /// 银行账号.
    pub fn bank_account(&self, names: &CorporationFields) -> Option<&str> {
        self.field(&names.bank_account)
    }

    /// 电话.
    pub fn phone(&self, names: &CorporationFields) -> Option<&str> {
        self.field(&names.phone)
    }

    /// 登记地址.
    pub fn address(&self, names: &CorporationFields) -> Option<&str> {
        self.field(&names.address)
    }
}

/// Offer: a hire's offer (`Offer/GetByTimeWindow`), the record of a person
/// before day one. Typed: the columns a public connector selects; the rest
/// (the offer's pay, the tenant's custom fields) stays in `extra` and
/// `custom_properties`.
///
/// ```
/// let offer: beisen_client::models::Offer = serde_json::from_value(serde_json::json!({
///     "userID": 100000123, "objectId": "0d6f…", "approvalStatus": 4, "offerStatus": "2",
///     "iDNumber": "110101199001011234", "entryDate": "2024-12-02T00:00:00"
/// }))?;
/// assert_eq!(offer.user_id.map(|u| u.get()), Some(100000123));
/// assert!(!format!("{offer:?}").contains("199001011234"));
/// assert_eq!(offer.extra.get("entryDate").and_then(|v| v.as_str()), Some("2024-12-02T00:00:00"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Offer {
    /// 员工 (the person the offer will become).
    #[serde(rename = "userID", default)]
    pub user_id: Option<UserId>,
    /// 对象 id: the offer's own id.
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 证件号码.
    #[serde(rename = "iDNumber", default)]
    pub id_number: Option<IdNumber>,
    /// 审批状态 (CoreHR's 0–6; 4 in effect).
    #[serde(rename = "approvalStatus", default, deserialize_with = "loose_int")]
    pub approval_status: Option<i64>,
    /// Offer 状态 (a tenant option code).
    #[serde(rename = "offerStatus", default, deserialize_with = "loose_text")]
    pub offer_status: Option<String>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

impl Offer {
    /// An offer with every field `None`, as decoding `{}` gives.
    ///
    /// ```
    /// let offer = beisen_client::models::Offer::new().with_user_id(100000007).with_object_id("o-1");
    /// assert_eq!(serde_json::to_value(&offer)?["userID"], 100000007);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

hr_common::with_setters!(Offer {
    with_user_id => user_id: UserId,
    with_object_id => object_id: String,
    with_approval_status => approval_status: i64,
    with_offer_status => offer_status: String,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_created_time => created_time: CivilDateTime,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
} sensitive {
    with_id_number => id_number,
});

/// 合同: a labour contract (`Contract/GetByTimeWindow`), one of a person's
/// contracts with a legal entity (`firstParty`), for its term.
///
/// ```
/// let c: beisen_client::models::Contract = serde_json::from_value(serde_json::json!({
///     "userID": 100000007, "objectId": "c-1", "contractType": 1, "status": 1,
///     "firstParty": "沙箱科技有限公司", "firstPartyCode": "C01",
///     "startDate": "2021-03-01T00:00:00", "stopDate": "2024-02-29T00:00:00"
/// }))?;
/// assert_eq!(c.contract_type.as_deref(), Some("1"));
/// assert_eq!(c.stop_date.unwrap().date().to_string(), "2024-02-29");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Contract {
    /// 员工.
    #[serde(rename = "userID", default)]
    pub user_id: Option<UserId>,
    /// 对象 id: the contract's own id.
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 合同类型 (a tenant option code, sent as a number or a string).
    #[serde(rename = "contractType", default, deserialize_with = "loose_text")]
    pub contract_type: Option<String>,
    /// 合同状态: 1 in effect.
    #[serde(rename = "status", default, deserialize_with = "loose_int")]
    pub status: Option<i64>,
    /// 甲方: the legal entity's name.
    #[serde(rename = "firstParty", default)]
    pub first_party: Option<String>,
    /// 甲方编码: the legal entity's code.
    #[serde(rename = "firstPartyCode", default)]
    pub first_party_code: Option<String>,
    /// 合同开始日期.
    #[serde(rename = "startDate", default, with = "civil_time::option")]
    pub start_date: Option<CivilDateTime>,
    /// 合同结束日期 (open-ended contracts: `9999-12-31T00:00:00` or null).
    #[serde(rename = "stopDate", default, with = "civil_time::option")]
    pub stop_date: Option<CivilDateTime>,
    /// 生效日期.
    #[serde(rename = "effectiveDate", default, with = "civil_time::option")]
    pub effective_date: Option<CivilDateTime>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

impl Contract {
    /// A contract with every field `None`, as decoding `{}` gives.
    ///
    /// ```
    /// let c = beisen_client::models::Contract::new().with_user_id(100000007).with_status(1);
    /// assert_eq!(serde_json::to_value(&c)?["status"], 1);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

hr_common::with_setters!(Contract {
    with_user_id => user_id: UserId,
    with_object_id => object_id: String,
    with_contract_type => contract_type: String,
    with_status => status: i64,
    with_first_party => first_party: String,
    with_first_party_code => first_party_code: String,
    with_start_date => start_date: CivilDateTime,
    with_stop_date => stop_date: CivilDateTime,
    with_effective_date => effective_date: CivilDateTime,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_created_time => created_time: CivilDateTime,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
});
