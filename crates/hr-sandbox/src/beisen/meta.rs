//! Setting objects read by time window (job levels, grades, sequences,
//! employment forms, employee subsets, `CommonMetaObject` legal entities),
//! the people's offers and contracts, and
//! `Employee/GetEmployeeOfOrganization`: selection and JSON.
//!
//! Offers and contracts are indexed by person: a person awaiting entry
//! (EmpStatus 1) has one offer and no contract yet; everybody else has one
//! contract, the current term (three-year fixed terms from the entry date,
//! renewed; cut at the last working day of people who left), with the
//! legal entity of their department as `firstParty`. An offer changes with
//! its person's record; a contract on its own times (a hire's, with the
//! hire).
//!
//! The objects are small catalogues of the [`Dataset`]
//! ([`Dataset::job_levels`], [`Dataset::employment_forms`],
//! [`Dataset::corporations`]) or derived per index (grades, sequences,
//! education records); their modification times are spread over the
//! dataset's span like positions'. Every id a person's record carries
//! resolves here: `oIdJobLevel` to a job level's `oId`, `oidJobGrade` to a
//! grade's `oId`, `oIdJobSequence` to a sequence's `oId`,
//! `employmentForm` to an employment form's `oId`; a department's legal
//! entity is its custom property [`corporation_field`].

use std::collections::HashSet;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use super::employee::EmployeeFilter;
use super::json::{Day, Dt, Fields, Guid, OPEN_END, hash};
use super::org::{self, Basics};
use super::query::{Body, Window, WindowBy, msg, parse_civil};
use super::scroll::{Kind, View};
use crate::data::{Corporation, Dataset, USER_ID_BASE};

mod salt {
    pub const LEVEL_TIME: u64 = 0xD0_01;
    pub const GRADE_TIME: u64 = 0xD0_02;
    pub const SEQUENCE_TIME: u64 = 0xD0_03;
    pub const FORM_TIME: u64 = 0xD0_04;
    pub const CORP_TIME: u64 = 0xD0_05;
    pub const EDUCATION_TIME: u64 = 0xD0_06;
    pub const EDUCATION_OID: u64 = 0xD0_07;
    pub const EDUCATION: u64 = 0xD0_08;
    pub const LEVEL_TYPE: u64 = 0xD0_09;
    pub const SEQUENCE_OID: u64 = 0xD0_0A;
    pub const CONTRACT_TIME: u64 = 0xD0_0B;
    pub const CONTRACT_OID: u64 = 0xD0_0C;
    pub const OFFER_OID: u64 = 0xD0_0D;
    pub const OFFER_PAY: u64 = 0xD0_0E;
    /// The grade GUIDs `employee.rs`, `org.rs` already send (`oidJobGrade`).
    pub const GRADE: u64 = 0xB0_0A;
}

/// Number of job grades (职等): one per entry of [`crate::data::JOB_LEVELS`],
/// which is how records pick theirs.
pub(super) const GRADES: usize = 9;
/// Number of job sequences (职务序列), `oId` `"3001"`–`"3012"`.
pub(super) const SEQUENCES: usize = 12;
const SEQUENCE_BASE: u64 = 3001;
const FUNCTIONS: &[&str] = &[
    "研发",
    "销售",
    "市场",
    "财务",
    "人力资源",
    "采购",
    "生产",
    "质量",
    "法务",
    "客服",
    "运营",
    "物流",
];
const LEVEL_TYPES: &[&str] = &["专业序列", "管理序列", "外部序列"];
const STATUS_TEXTS: &[&str] = &["停用", "启用"];

/// An employee subset (员工子集) `EmpSubset/GetByTimeWindow` serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subset {
    /// `EmpEducation` (教育经历): one record per generated person.
    Education,
}

/// A metadata object `CommonMetaObject/GetByTimeWindow` serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MetaObject {
    /// `Corporation` (法人公司).
    Corporation,
}

/// Sandbox wording (the vendor's is not public) of the `417`s here.
pub(super) mod message {
    pub const META_OBJECT_MISSING: &str = "metaObjectName不能为空";
    pub const META_OBJECT_UNKNOWN: &str = "暂不支持的元数据对象";
    pub const ORG_OID: &str = "OrgOId不能为空且为正整数！";
    pub const INCLUDE_SUB_ORG: &str = "IncludeSubOrg不能为空";
    pub const QUERY_DATE: &str = "QueryDate不能为空";
}

/// The kind a call lists: the route's, with `metaObjectName` read for the
/// two endpoints that take one. A scroll continues only with the same name.
pub(super) fn resolve(kind: Kind, body: &Body) -> Result<Kind, String> {
    let name = || -> Result<&str, String> {
        match body.str("metaObjectName")?.map(str::trim) {
            Some(name) if !name.is_empty() => Ok(name),
            _ => Err(message::META_OBJECT_MISSING.to_owned()),
        }
    };
    let unknown = |name: &str| format!("{}:{name}", message::META_OBJECT_UNKNOWN);
    match kind {
        Kind::EmpSubset(_) => match name()? {
            "EmpEducation" => Ok(Kind::EmpSubset(Subset::Education)),
            other => Err(unknown(other)),
        },
        Kind::CommonMeta(_) => match name()? {
            "Corporation" => Ok(Kind::CommonMeta(MetaObject::Corporation)),
            other => Err(unknown(other)),
        },
        other => Ok(other),
    }
}

/// Whether `kind` is one this module lists.
pub(super) fn is_meta(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::JobLevel
            | Kind::JobGrade
            | Kind::JobSequence
            | Kind::EmploymentForm
            | Kind::EmpSubset(_)
            | Kind::CommonMeta(_)
            | Kind::Offer
            | Kind::Contract
    )
}

/// How many items of `kind` there are (indices `0..count`).
fn count(data: &Dataset, kind: Kind) -> usize {
    match kind {
        Kind::JobLevel => data.job_levels().len(),
        Kind::JobGrade => GRADES,
        Kind::JobSequence => SEQUENCES,
        Kind::EmploymentForm => data.employment_forms().len(),
        Kind::EmpSubset(Subset::Education) => data.generated_len(),
        Kind::CommonMeta(MetaObject::Corporation) => data.corporations().len(),
        Kind::Offer | Kind::Contract => data.len(),
        _ => 0,
    }
}

fn time_salt(kind: Kind) -> u64 {
    match kind {
        Kind::JobLevel => salt::LEVEL_TIME,
        Kind::JobGrade => salt::GRADE_TIME,
        Kind::JobSequence => salt::SEQUENCE_TIME,
        Kind::EmploymentForm => salt::FORM_TIME,
        Kind::EmpSubset(_) => salt::EDUCATION_TIME,
        Kind::Contract => salt::CONTRACT_TIME,
        _ => salt::CORP_TIME,
    }
}

/// `(modifiedTime, businessModifiedTime)` of item `i` of `kind`, as windows
/// select it, items show it and `sort` orders by it.
pub(super) fn times_of(data: &Dataset, kind: Kind, i: usize) -> (NaiveDateTime, NaiveDateTime) {
    let person = || (data.modified_time(i), data.business_modified_time(i));
    match kind {
        Kind::Offer => person(),
        Kind::Contract if i >= data.generated_len() => person(),
        _ => org::derived_times(data, i as u64, time_salt(kind)),
    }
}

/// Whether item `i` of `kind` exists: a person awaiting entry has an
/// offer and no contract, everybody else a contract and no offer.
fn exists(data: &Dataset, kind: Kind, i: usize) -> bool {
    match kind {
        Kind::Offer => data.emp_status(i) == 1,
        Kind::Contract => data.emp_status(i) != 1,
        _ => true,
    }
}

/// `(status, deleted)` of item `i`: job levels carry their status (the
/// retired `P0` is disabled); an education record is deleted with its
/// person; everything else is enabled and live.
fn state(data: &Dataset, kind: Kind, i: usize) -> (u8, bool) {
    match kind {
        Kind::JobLevel => (data.job_levels()[i].status, false),
        Kind::EmpSubset(_) | Kind::Offer | Kind::Contract => (1, data.is_deleted(i)),
        _ => (1, false),
    }
}

/// The items of `kind` in the window, in index order, enabled and
/// undeleted ones only unless `basics` says otherwise.
pub(super) fn select(data: &Dataset, kind: Kind, window: &Window, basics: Basics) -> Vec<u32> {
    (0..count(data, kind) as u32)
        .filter(|&i| {
            let (status, deleted) = state(data, kind, i as usize);
            let (modified, business) = times_of(data, kind, i as usize);
            let t = match window.by {
                WindowBy::Modified => modified,
                WindowBy::BusinessModified => business,
            };
            (basics.with_disabled || status == 1)
                && (basics.with_deleted || !deleted)
                && window.contains(t)
                && exists(data, kind, i as usize)
        })
        .collect()
}

/// The custom property of departments naming their legal entity
/// (所属公司主体) by `OId`, as production tenants add one.
pub(super) fn corporation_field(tenant: i64) -> String {
    format!("extsuoshugongsizhuti_{tenant}_16")
}

/// The custom fields of legal entities a finance integration reads: 组织机构代码
/// (here the 统一社会信用代码, which is also the tax number), 开户银行,
/// 银行账号, 电话, 登记地址.
pub(super) fn corporation_fields(tenant: i64) -> [String; 5] {
    [
        format!("extzuzhidaima_{tenant}_11"),
        format!("extkaihuyinhang_{tenant}_12"),
        format!("extyinhangzhanghao_{tenant}_13"),
        format!("extdianhua_{tenant}_14"),
        format!("extdengjidizhi_{tenant}_15"),
    ]
}

/// A page of setting objects, by index.
pub(super) struct MetaItems<'a> {
    pub data: &'a Dataset,
    pub view: &'a View,
    pub kind: Kind,
    pub indices: &'a [u32],
}

impl Serialize for MetaItems<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.indices.len()))?;
        for &i in self.indices {
            seq.serialize_element(&MetaItem {
                data: self.data,
                view: self.view,
                kind: self.kind,
                index: i as usize,
            })?;
        }
        seq.end()
    }
}

struct MetaItem<'a> {
    data: &'a Dataset,
    view: &'a View,
    kind: Kind,
    index: usize,
}

fn catalogue_created() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2018, 3, 1)
        .unwrap_or_default()
        .and_time(NaiveTime::MIN)
}

impl Serialize for MetaItem<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (data, i) = (self.data, self.index);
        let (modified, business) = times_of(data, self.kind, i);
        let (status, deleted) = state(data, self.kind, i);
        let created = catalogue_created().min(modified);
        let tenant = data.tenant_id() as u64;
        let columns = self.view.columns.as_ref();
        if let Kind::CommonMeta(MetaObject::Corporation) = self.kind {
            let mut m = s.serialize_map(Some(1))?;
            m.serialize_entry(
                "fields",
                &CorporationFields {
                    corp: &data.corporations()[i],
                    view: self.view,
                    tenant: data.tenant_id(),
                    created,
                    modified,
                    business,
                },
            )?;
            return m.end();
        }
        let mut m = Fields::new(s.serialize_map(None)?, columns);
        let status_text = STATUS_TEXTS[usize::from(status) % 2];
        match self.kind {
            Kind::JobLevel => {
                let level = &data.job_levels()[i];
                let level_type = usize::from(level.level_type) % LEVEL_TYPES.len();
                m.col("name", level.name)?;
                m.col("code", level.code)?;
                m.key("oId", &level.oid)?;
                m.col("status", &status)?;
                m.col("level", &level.rank)?;
                m.col(
                    "oIdJobLevelType",
                    &Guid::of(tenant, level_type as u64, salt::LEVEL_TYPE),
                )?;
                common(&mut m, i, created)?;
                m.key("objectId", &level.oid)?;
                m.custom("customProperties", &[])?;
                org::translate(
                    &mut m,
                    self.view,
                    &[
                        ("StatusText", status_text),
                        ("OIdJobLevelTypeText", LEVEL_TYPES[level_type]),
                    ],
                )?;
            }
            Kind::JobGrade => {
                let oid = Guid::of(tenant, i as u64, salt::GRADE);
                m.col("name", &format!("{}职等", i + 1))?;
                m.col("code", &format!("G{:02}", i + 1))?;
                m.key("oId", &oid)?;
                m.col("status", &status)?;
                m.col("level", &(i + 1))?;
                common(&mut m, i, created)?;
                m.key("objectId", &oid)?;
                m.custom("customProperties", &[])?;
                org::translate(&mut m, self.view, &[("StatusText", status_text)])?;
            }
            Kind::JobSequence => {
                m.col("name", &format!("{}序列", FUNCTIONS[i % FUNCTIONS.len()]))?;
                m.col("code", &format!("SEQ{:02}", i + 1))?;
                m.key("oId", &format!("{}", SEQUENCE_BASE + i as u64))?;
                m.col("status", &status)?;
                m.col("pOIdJobSequence", &())?;
                common(&mut m, i, created)?;
                m.key(
                    "objectId",
                    &Guid::of(data.config().seed, i as u64, salt::SEQUENCE_OID),
                )?;
                m.custom("customProperties", &[])?;
                org::translate(&mut m, self.view, &[("StatusText", status_text)])?;
            }
            Kind::Offer => offer(&mut m, data, self.view, i)?,
            Kind::Contract => contract(&mut m, data, self.view, i)?,
            Kind::EmploymentForm => {
                let form = &data.employment_forms()[i];
                m.col("name", form.name)?;
                m.col("code", form.code)?;
                m.key("oId", &form.oid)?;
                m.col("status", &status)?;
                common(&mut m, i, created)?;
                m.key("objectId", &form.oid)?;
                m.custom("customProperties", &[])?;
                org::translate(&mut m, self.view, &[("StatusText", status_text)])?;
            }
            _ => {
                // EmpEducation: the person's highest degree.
                let seed = data.config().seed;
                let h = hash(seed, i as u64, salt::EDUCATION);
                let (code, text, degree) = EDUCATION[(h % EDUCATION.len() as u64) as usize];
                let birthday = data.person(i).birthday;
                let start = NaiveDate::from_ymd_opt(birthday.year_ce().1 as i32 + 18, 9, 1)
                    .unwrap_or(birthday);
                let years = if code == "3" { 3 } else { 4 };
                let stop = NaiveDate::from_ymd_opt(start.year_ce().1 as i32 + years, 7, 1)
                    .unwrap_or(start);
                m.key("userID", &(USER_ID_BASE + i as i64))?;
                m.col("startDate", &Day(start))?;
                m.col("stopDate", &Day(stop))?;
                m.col(
                    "schoolName",
                    SCHOOLS[((h >> 8) % SCHOOLS.len() as u64) as usize],
                )?;
                m.col("major", MAJORS[((h >> 16) % MAJORS.len() as u64) as usize])?;
                m.col("educationLevel", code)?;
                m.col("degree", degree)?;
                m.col("isHighestEducation", &true)?;
                m.col("isFullTime", &true)?;
                m.key("objectId", &Guid::of(seed, i as u64, salt::EDUCATION_OID))?;
                m.custom("customProperties", &[])?;
                org::translate(&mut m, self.view, &[("EducationLevelText", text)])?;
            }
        }
        org::audit(&mut m, created, modified, business, deleted)?;
        m.end()
    }
}

const EDUCATION: &[(&str, &str, &str)] = &[
    ("3", "大专", "无"),
    ("4", "本科", "学士"),
    ("4", "本科", "学士"),
    ("5", "硕士", "硕士"),
    ("6", "博士", "博士"),
];
const SCHOOLS: &[&str] = &[
    "北京大学",
    "清华大学",
    "复旦大学",
    "浙江大学",
    "武汉大学",
    "中山大学",
    "四川大学",
    "西安交通大学",
];
const MAJORS: &[&str] = &[
    "计算机科学与技术",
    "软件工程",
    "工商管理",
    "会计学",
    "市场营销",
    "人力资源管理",
    "法学",
    "统计学",
];

/// An offer's fields: columns of a public connector's `Offer` query
/// (`UserID`, `IDNumber`, `ApprovalStatus`, `OfferStatus`, `ObjectId`,
/// `SocialSecurityRadices`, `HousingFundRadices`) and the hire's planned
/// entry.
fn offer<M: SerializeMap>(
    m: &mut Fields<'_, M>,
    data: &Dataset,
    view: &View,
    i: usize,
) -> Result<(), M::Error> {
    let p = data.person(i);
    let seed = data.config().seed;
    // Pay bases in whole hundreds, 5,000 to 30,000 yuan.
    let base = 5_000 + (hash(seed, i as u64, salt::OFFER_PAY) % 251) * 100;
    m.key("userID", &p.user_id)?;
    m.col("name", &p.name)?;
    m.col("iDNumber", &p.id_number)?;
    m.col("oIdDepartment", &p.org_oid)?;
    m.col("jobNumber", &p.job_number)?;
    m.col("entryDate", &Day(p.entry_date))?;
    m.col("approvalStatus", &4)?;
    m.col("offerStatus", "1")?;
    m.col("socialSecurityRadices", &base)?;
    m.col("housingFundRadices", &base)?;
    m.key("objectId", &Guid::of(seed, i as u64, salt::OFFER_OID))?;
    m.custom("customProperties", &[])?;
    org::translate(
        m,
        view,
        &[
            ("ApprovalStatusText", "已生效"),
            ("OfferStatusText", "已接受"),
        ],
    )
}

/// The current term of a contract signed on `entry`: three-year fixed
/// terms, renewed, the one holding `on`.
fn contract_term(entry: NaiveDate, on: NaiveDate) -> (NaiveDate, NaiveDate) {
    let months = (on.year() - entry.year()) * 12 + on.month() as i32 - entry.month() as i32;
    let terms = (months.max(0) / 36) as u32;
    let start = entry
        .checked_add_months(Months::new(36 * terms))
        .unwrap_or(entry);
    let stop = start
        .checked_add_months(Months::new(36))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    if stop < on {
        // `on` falls in the days the month count rounds away: next term.
        let next = stop.succ_opt().unwrap_or(stop);
        let next_stop = next
            .checked_add_months(Months::new(36))
            .and_then(|d| d.pred_opt())
            .unwrap_or(next);
        return (next, next_stop);
    }
    (start, stop)
}

/// A contract's fields: the person, the legal entity of their department
/// as 甲方 (`firstParty`, `firstPartyCode`, as the contract columns of a
/// public connector name them), type, status and term.
fn contract<M: SerializeMap>(
    m: &mut Fields<'_, M>,
    data: &Dataset,
    view: &View,
    i: usize,
) -> Result<(), M::Error> {
    let p = data.person(i);
    let corp = data.corporation_of_org(p.org_oid);
    let on = p.last_work_date.unwrap_or(data.config().last_day());
    let (start, mut stop) = contract_term(p.entry_date, on.max(p.entry_date));
    let ended = p.has_left();
    if let Some(last) = p.last_work_date.filter(|_| ended) {
        stop = last.max(start);
    }
    m.key("userID", &p.user_id)?;
    m.col("contractNo", &format!("HT-{}", p.job_number))?;
    m.col("contractType", "1")?;
    m.col("firstParty", &corp.name)?;
    m.col("firstPartyCode", &corp.code)?;
    m.col("startDate", &Day(start))?;
    m.col("stopDate", &Day(stop))?;
    m.col("effectiveDate", &Day(start))?;
    m.col("signDate", &Day(start))?;
    m.col("status", &u8::from(!ended))?;
    m.col("isCurrentEffective", &!ended)?;
    m.key(
        "objectId",
        &Guid::of(data.config().seed, i as u64, salt::CONTRACT_OID),
    )?;
    m.custom("customProperties", &[])?;
    org::translate(
        m,
        view,
        &[
            ("ContractTypeText", "固定期限劳动合同"),
            ("StatusText", if ended { "终止" } else { "生效" }),
        ],
    )
}

/// The fields every catalogue object shares after its own.
fn common<M: SerializeMap>(
    m: &mut Fields<'_, M>,
    i: usize,
    created: NaiveDateTime,
) -> Result<(), M::Error> {
    m.col("startDate", &Day(created.date()))?;
    m.col("stopDate", OPEN_END)?;
    m.col("order", &i)?;
    m.col("description", &())?;
    m.col("isCurrentRecord", &true)
}

/// The `fields` map of a legal entity, keyed by PascalCase column.
struct CorporationFields<'a> {
    corp: &'a Corporation,
    view: &'a View,
    tenant: i64,
    created: NaiveDateTime,
    modified: NaiveDateTime,
    business: NaiveDateTime,
}

impl Serialize for CorporationFields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.corp;
        let admin = super::employee::ADMIN;
        let [code, bank, account, phone, address] = corporation_fields(self.tenant);
        let mut m = Fields::new(s.serialize_map(None)?, self.view.columns.as_ref());
        m.key("OId", &c.oid)?;
        m.col("Name", &c.name)?;
        m.col("Code", &c.code)?;
        m.col("Status", &1)?;
        m.col("StartDate", &Day(self.created.date()))?;
        m.col("StopDate", OPEN_END)?;
        m.col(&code, &c.credit_code)?;
        m.col(&bank, &c.bank)?;
        m.col(&account, &c.bank_account)?;
        m.col(&phone, &c.phone)?;
        m.col(&address, &c.address)?;
        m.col("CreatedBy", &admin)?;
        m.col("CreatedTime", &Dt(self.created))?;
        m.col("ModifiedBy", &admin)?;
        m.col("ModifiedTime", &Dt(self.modified))?;
        m.col("BusinessModifiedBy", &admin)?;
        m.col("BusinessModifiedTime", &Dt(self.business))?;
        m.col("StdIsDeleted", &false)?;
        m.end()
    }
}

/// The departments an `Employee/GetEmployeeOfOrganization` call lists
/// people of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct OrgScope {
    oids: HashSet<i64>,
}

impl OrgScope {
    /// Reads `orgOId` (required, a positive integer), `includeSubOrg`
    /// (required; null means false), `isWithDisable` (descend into
    /// disabled departments too) and `queryDate` (required; null means
    /// today, and records have one timeline here, so any date lists the
    /// same people). An `orgOId` the tree does not have lists nobody.
    pub(super) fn from_body(data: &Dataset, body: &Body, raw: &[u8]) -> Result<OrgScope, String> {
        let org = match body.int("orgOId") {
            Ok(Some(oid)) if oid > 0 => oid,
            _ => return Err(message::ORG_OID.to_owned()),
        };
        // Required keys that may be null: presence is read from the raw
        // object, since `Body` reads null as absent.
        let present = |key: &str| -> bool {
            serde_json::from_slice::<Map<String, Value>>(raw)
                .is_ok_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(key)))
        };
        if !present("includeSubOrg") {
            return Err(message::INCLUDE_SUB_ORG.to_owned());
        }
        let include_sub = body.bool("includeSubOrg")?.unwrap_or(false);
        if !present("queryDate") {
            return Err(message::QUERY_DATE.to_owned());
        }
        if let Some(date) = body.str("queryDate")?
            && parse_civil(date).is_none()
        {
            return Err(msg::TIME_FORMAT.to_owned());
        }
        let with_disabled = body.bool("isWithDisable")?.unwrap_or(false);
        // Kept by older clients, checked as the model binder would.
        body.bool("withDisabled")?;
        Ok(OrgScope {
            oids: subtree(data, org, include_sub, with_disabled),
        })
    }
}

/// A window that holds every time: the filter of the time windows, without
/// the window.
pub(super) fn all_time() -> Window {
    Window {
        start: NaiveDateTime::MIN,
        stop: NaiveDateTime::MAX,
        by: WindowBy::Modified,
    }
}

/// `org` and, with `include_sub`, every department below it; a disabled
/// department (and what hangs below it) only `with_disabled`. The tree
/// lists parents before children, so one pass finds the subtree.
fn subtree(data: &Dataset, org: i64, include_sub: bool, with_disabled: bool) -> HashSet<i64> {
    let mut oids = HashSet::new();
    if data.org(org).is_none() {
        return oids;
    }
    oids.insert(org);
    if include_sub {
        for o in data.orgs() {
            if let Some(parent) = o.parent_oid
                && oids.contains(&parent)
                && (with_disabled || o.status == 1)
            {
                oids.insert(o.oid);
            }
        }
    }
    oids
}

/// The people `Employee/GetEmployeeOfOrganization` lists: those whose main
/// record is in `scope` and who pass `filter` (the time windows' filter:
/// `empStatus`, `withDisabled`, `employType`, `serviceType`,
/// `approvalStatuses`, `isWithDeleted`, `extQueries`), in `userID` order.
pub(super) fn select_employees(
    data: &Dataset,
    scope: &OrgScope,
    filter: &EmployeeFilter,
) -> Vec<u32> {
    let window = all_time();
    (0..data.len() as u32)
        .filter(|&i| {
            scope.oids.contains(&data.org_oid(i as usize))
                && filter.matches(data, i as usize, &window)
        })
        .collect()
}
