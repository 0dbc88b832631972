//! Employees: the filters of the time-window queries, and the JSON of
//! `employeeInfo` and `recordInfo`, written field by field from a
//! [`Person`] in the order of the vendor's schema.

#[cfg(test)]
use chrono::Timelike;
use chrono::{Datelike, Duration as ChronoDuration, Months, NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Value, json};

use super::json::{Columns, DOTNET_MIN, Day, Dt, Fields, Guid, OPEN_END, Texts, hash};
use super::query::{Body, ExtQuery, Window, WindowBy};
use super::scroll::View;
use crate::data::{Dataset, JOB_LEVELS, Org, Person, USER_ID_BASE};

/// `createdBy`/`modifiedBy` of generated records: the tenant's first user.
pub(super) const ADMIN: i64 = USER_ID_BASE;

/// Salts of the fields this module derives per person.
mod salt {
    pub const PART_TIME: u64 = 0xB0_01;
    pub const PART_TIME_ORG: u64 = 0xB0_02;
    pub const PART_TIME_POST: u64 = 0xB0_03;
    pub const PART_TIME_START: u64 = 0xB0_04;
    pub const EMPLOYEE_OID: u64 = 0xB0_05;
    pub const RECORD_OID: u64 = 0xB0_06;
    pub const PART_TIME_RECORD_OID: u64 = 0xB0_07;
    pub const PART_TIME_POSITION: u64 = 0xB0_08;
    pub const PROFILE: u64 = 0xB0_09;
    pub const GRADE: u64 = 0xB0_0A;
    pub const CONTRACT: u64 = 0xB0_0B;
    pub const MILLIS: u64 = 0xB0_0C;
    pub const BUSINESS_MILLIS: u64 = 0xB0_0D;
    pub const UNSET_DATES: u64 = 0xB0_0E;
}

/// The custom properties [`Dataset::person`] generates (their keys carry
/// the sandbox's fixed tenant `100001`); `extQueries` on them filter.
pub(super) const PERSON_CUSTOM_FIELDS: &[&str] = &[
    "extCostCenter_100001_1",
    "extWorkCity_100001_2",
    "extShirtSize_100001_3",
    "extProbationNote_100001_4",
];

/// The record's custom property: the contract type, for about 60%.
pub(super) fn contract_field(tenant: i64) -> String {
    format!("extContractType_{tenant}_9")
}

/// The contract type of person `i`'s records, if any.
fn contract_of(seed: u64, i: u64) -> Option<&'static str> {
    let c = hash(seed, i, salt::CONTRACT);
    (c % 10 < 6).then(|| *pick(CONTRACT_TYPES, c, 8))
}

/// Milliseconds Beisen's clock adds to a person's audit second: none for
/// about 30% of people, 1–999 for the rest, so responses mix
/// `…T10:11:12` with `…T10:11:12.347` (and `.34`, `.3`: trailing zeros are
/// dropped, as .NET writes them).
fn millis(seed: u64, i: u64, salt: u64) -> i64 {
    let h = hash(seed, i, salt);
    if h % 10 < 3 {
        0
    } else {
        1 + ((h >> 8) % 999) as i64
    }
}

/// `modifiedTime` of person `i` as Beisen reports and selects it: the
/// dataset's second plus [`millis`]; for a person changed since start-up,
/// the time of the change as it is (already to the millisecond), so a
/// window ending just after the change finds it.
pub(super) fn modified_at(data: &Dataset, i: usize) -> NaiveDateTime {
    if data.is_changed(i) {
        return data.modified_time(i);
    }
    data.modified_time(i)
        + ChronoDuration::milliseconds(millis(data.config().seed, i as u64, salt::MILLIS))
}

/// `businessModifiedTime` of person `i`, likewise; never after
/// [`modified_at`].
pub(super) fn business_modified_at(data: &Dataset, i: usize) -> NaiveDateTime {
    if data.is_changed(i) {
        return data.business_modified_time(i).min(data.modified_time(i));
    }
    let ms = millis(data.config().seed, i as u64, salt::BUSINESS_MILLIS);
    (data.business_modified_time(i) + ChronoDuration::milliseconds(ms)).min(modified_at(data, i))
}

/// Statuses of `empStatus: null`/`[]` without `withDisabled`: 试用、正式、返聘.
const ACTIVE_STATUSES: u16 = (1 << 2) | (1 << 3) | (1 << 7);
const ALL_STATUSES: u16 = 0b1_1111_1111_1110;
/// serviceType values Beisen defines (2 is unused).
const SERVICE_TYPES: u8 = 0b11_1011;

/// Which employees a time-window query selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EmployeeFilter {
    /// Bit `n`: EmpStatus `n` (1–12).
    statuses: u16,
    /// Bit `n`: employType `n` (0–3).
    employ_types: u8,
    /// Bit `n`: serviceType `n`.
    pub(super) service_types: u8,
    with_deleted: bool,
    /// Bit `n`: approvalStatus `n` (0–6).
    approvals: u8,
    /// `extQueries` on custom properties that exist; all must pass.
    conditions: Vec<Condition>,
}

/// An `extQueries` condition on a custom property that exists.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Condition {
    /// On the record's contract type rather than a person's property.
    on_record: bool,
    query: ExtQuery,
}

/// approvalStatus 4, 审批生效: the only one listed by default ("默认查询…审批生效的员工信息").
const EFFECTIVE: u8 = 1 << 4;
/// approvalStatus 0–6: 草稿、审批中、审批通过、审批拒绝、审批生效、作废、已驳回.
const APPROVAL_STATUSES: u32 = 0b111_1111;

fn bits(values: &[i64], allowed: u32, name: &str) -> Result<u32, String> {
    values
        .iter()
        .try_fold(0u32, |acc, v| match u32::try_from(*v) {
            Ok(v) if v < 32 && allowed & (1 << v) != 0 => Ok(acc | (1 << v)),
            _ => Err(format!("{name}参数不正确: {v}")),
        })
}

impl EmployeeFilter {
    /// Reads `empStatus`, `withDisabled`, `employType`, `serviceType`,
    /// `approvalStatuses`, `isWithDeleted` and `extQueries`, with the
    /// vendor's defaults. `extQueries` on properties the tenant does not
    /// have are dropped, as the vendor says it does ("会指定过滤掉不存在的
    /// 自定义字段,而非校验提示").
    pub(super) fn from_body(body: &Body, tenant: i64) -> Result<Self, String> {
        let with_disabled = body.bool("withDisabled")?.unwrap_or(false);
        let statuses = match body.int_list("empStatus")? {
            Some(list) if !list.is_empty() => {
                bits(&list, u32::from(ALL_STATUSES), "empStatus")? as u16
            }
            _ if with_disabled => ALL_STATUSES,
            _ => ACTIVE_STATUSES,
        };
        let employ_types = match body.int_list("employType")? {
            Some(list) if !list.is_empty() => bits(&list, 0b1111, "employType")? as u8,
            _ => 1,
        };
        let service_types = match body.int_list("serviceType")? {
            Some(list) if !list.is_empty() => {
                bits(&list, u32::from(SERVICE_TYPES), "serviceType")? as u8
            }
            _ => 1,
        };
        let approvals = match body.int_list("approvalStatuses")? {
            Some(list) if !list.is_empty() => {
                bits(&list, APPROVAL_STATUSES, "approvalStatuses")? as u8
            }
            _ => EFFECTIVE,
        };
        let contract = contract_field(tenant);
        let conditions = body
            .ext_queries()?
            .into_iter()
            .filter_map(|query| {
                let on_record = query.field == contract;
                (on_record || PERSON_CUSTOM_FIELDS.contains(&query.field.as_str()))
                    .then_some(Condition { on_record, query })
            })
            .collect();
        for flag in ["isGetLatestRecord", "isGetOfferRecord", "enableTranslate"] {
            body.bool(flag)?;
        }
        Ok(EmployeeFilter {
            statuses,
            employ_types,
            service_types,
            with_deleted: body.bool("isWithDeleted")?.unwrap_or(false),
            approvals,
            conditions,
        })
    }

    /// Whether person `i` is selected; the cheap tests run first.
    pub(super) fn matches(&self, data: &Dataset, i: usize, window: &Window) -> bool {
        let t = match window.by {
            WindowBy::Modified => modified_at(data, i),
            WindowBy::BusinessModified => business_modified_at(data, i),
        };
        window.contains(t)
            && (self.with_deleted || !data.is_deleted(i))
            && self.statuses & (1 << data.emp_status(i)) != 0
            && self.employ_types & (1 << data.employ_type(i)) != 0
            && self.service_types & record_types(data, i) != 0
            && self.approvals & (1 << data.approval_status(i)) != 0
            && self.conditions_pass(data, i)
    }

    /// The `extQueries`; a person is built only when one needs their
    /// properties, and only once.
    fn conditions_pass(&self, data: &Dataset, i: usize) -> bool {
        let mut person: Option<Person> = None;
        self.conditions.iter().all(|c| {
            if c.on_record {
                return c.query.passes(contract_of(data.config().seed, i as u64));
            }
            let p = person.get_or_insert_with(|| data.person(i));
            let value =
                p.custom
                    .iter()
                    .find(|(k, _)| *k == c.query.field)
                    .and_then(|(_, v)| match v {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        other => Some(other.to_string()),
                    });
            c.query.passes(value.as_deref())
        })
    }
}

/// Bit set of the serviceTypes of person `i`'s records.
fn record_types(data: &Dataset, i: usize) -> u8 {
    let main = 1 << data.service_type(i);
    if has_part_time(data, i) {
        main | 0b10
    } else {
        main
    }
}

/// About 8% of people in a main job who have not left also hold a
/// part-time post in another department.
pub(super) fn has_part_time(data: &Dataset, i: usize) -> bool {
    data.service_type(i) == 0
        && !matches!(data.emp_status(i), 6 | 8 | 9 | 10)
        && hash(data.config().seed, i as u64, salt::PART_TIME) % 100 < 8
}

struct City {
    name: &'static str,
    postal: &'static str,
    place: &'static str,
    office: &'static str,
}

const CITIES: &[City] = &[
    City {
        name: "北京",
        postal: "100020",
        place: "1100",
        office: "北京市朝阳区建国路88号",
    },
    City {
        name: "上海",
        postal: "200120",
        place: "3100",
        office: "上海市浦东新区世纪大道100号",
    },
    City {
        name: "深圳",
        postal: "518057",
        place: "4403",
        office: "深圳市南山区科技园路1号",
    },
    City {
        name: "广州",
        postal: "510623",
        place: "4401",
        office: "广州市天河区珠江新城花城大道5号",
    },
    City {
        name: "杭州",
        postal: "310012",
        place: "3301",
        office: "杭州市西湖区文三路90号",
    },
    City {
        name: "成都",
        postal: "610041",
        place: "5101",
        office: "成都市高新区天府大道中段500号",
    },
    City {
        name: "武汉",
        postal: "430070",
        place: "4201",
        office: "武汉市洪山区光谷大道77号",
    },
    City {
        name: "西安",
        postal: "710065",
        place: "6101",
        office: "西安市雁塔区科技路48号",
    },
];
const STREETS: &[&str] = &["人民路", "中山路", "解放路", "建设路", "和平路", "胜利路"];
const EDUCATION: &[(&str, &str)] = &[
    ("3", "大专"),
    ("4", "本科"),
    ("4", "本科"),
    ("5", "硕士"),
    ("6", "博士"),
];
const MAJORS: &[&str] = &[
    "计算机科学与技术",
    "软件工程",
    "工商管理",
    "会计学",
    "市场营销",
    "人力资源管理",
    "机械工程",
    "法学",
    "汉语言文学",
    "统计学",
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
    "华中科技大学",
    "南京大学",
];
const MARRIAGE: &[(&str, &str)] = &[("1", "未婚"), ("2", "已婚"), ("2", "已婚")];
const POLITICAL: &[(&str, &str)] = &[
    ("13", "群众"),
    ("13", "群众"),
    ("1", "中共党员"),
    ("3", "共青团员"),
];
const NATIONS: &[(&str, &str)] = &[
    ("1", "汉族"),
    ("1", "汉族"),
    ("1", "汉族"),
    ("3", "回族"),
    ("5", "满族"),
];
const GENDERS: &[&str] = &["男", "女"];
const STATUS_CODES: &[&str] = &[
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
];
const STATUS_TEXTS: &[&str] = &[
    "",
    "待入职",
    "试用",
    "正式",
    "调出",
    "待调入",
    "退休",
    "返聘",
    "离职",
    "身故",
    "返聘结束",
    "待返聘",
    "非正式",
];
const EMPLOY_TYPE_TEXTS: &[&str] = &["内部员工", "外部人员", "实习生", "顾问"];
const SERVICE_TYPE_TEXTS: &[&str] = &["主职", "兼职", "", "返聘", "借调", "外派"];
const APPROVAL_TEXTS: &[&str] = &[
    "草稿",
    "审批中",
    "审批通过",
    "审批拒绝",
    "审批生效",
    "作废",
    "已驳回",
];
const CONTRACT_TYPES: &[&str] = &["固定期限", "无固定期限", "以完成一定工作任务为期限"];

/// Everything derived per person beyond the dataset's fields.
struct Facts {
    city: &'static City,
    birth_city: &'static City,
    street: &'static str,
    house: u64,
    education: (&'static str, &'static str),
    major: &'static str,
    school: &'static str,
    marriage: (&'static str, &'static str),
    political: (&'static str, &'static str),
    nation: (&'static str, &'static str),
    domicile: u8,
    work_date: NaiveDate,
    graduate_date: NaiveDate,
    probation_months: u32,
    employee_oid: Guid,
    record_oid: Guid,
    grade: Guid,
    contract: Option<&'static str>,
}

fn pick<T>(items: &'static [T], h: u64, shift: u32) -> &'static T {
    &items[((h >> shift) % items.len() as u64) as usize]
}

impl Facts {
    fn new(seed: u64, tenant_seed: u64, p: &Person) -> Facts {
        let i = p.index as u64;
        let h = hash(seed, i, salt::PROFILE);
        let years_before = 1 + (h >> 40) % 8;
        let work_date = p
            .entry_date
            .checked_sub_months(Months::new(12 * years_before as u32))
            .unwrap_or(p.entry_date)
            .max(p.birthday + ChronoDuration::days(20 * 365));
        let level = JOB_LEVELS
            .iter()
            .position(|l| *l == p.job_level)
            .unwrap_or(0) as u64;
        Facts {
            city: pick(CITIES, h, 0),
            birth_city: pick(CITIES, h, 4),
            street: pick::<&str>(STREETS, h, 8),
            house: 1 + (h >> 12) % 300,
            education: *pick(EDUCATION, h, 20),
            major: pick::<&str>(MAJORS, h, 24),
            school: pick::<&str>(SCHOOLS, h, 28),
            marriage: *pick(MARRIAGE, h, 32),
            political: *pick(POLITICAL, h, 36),
            nation: *pick(NATIONS, h, 44),
            domicile: 1 + ((h >> 48) % 2) as u8,
            work_date,
            graduate_date: work_date - ChronoDuration::days(30 + ((h >> 52) % 60) as i64),
            probation_months: if (h >> 58).is_multiple_of(4) { 6 } else { 3 },
            employee_oid: Guid::of(seed, i, salt::EMPLOYEE_OID),
            record_oid: Guid::of(seed, i, salt::RECORD_OID),
            grade: Guid::of(tenant_seed, level, salt::GRADE),
            contract: contract_of(seed, i),
        }
    }
}

/// What records are rendered with.
pub(super) struct Render<'a> {
    pub data: &'a Dataset,
    pub view: &'a View,
}

impl Render<'_> {
    fn seed(&self) -> u64 {
        self.data.config().seed
    }

    fn columns(&self) -> Option<&Columns> {
        self.view.columns.as_ref()
    }

    fn org(&self, oid: i64) -> Option<&Org> {
        org_of(self.data, oid)
    }
}

/// The department `oid`, found by position first (departments are
/// numbered 1,000,000 + their index) since pages look one up per record.
pub(super) fn org_of(data: &Dataset, oid: i64) -> Option<&Org> {
    let orgs = data.orgs();
    usize::try_from(oid - 1_000_000)
        .ok()
        .and_then(|k| orgs.get(k))
        .filter(|o| o.oid == oid)
        .or_else(|| data.org(oid))
}

/// One employee and their records, as a time-window page lists them.
struct Item<'a> {
    p: &'a Person,
    f: &'a Facts,
    r: &'a Render<'a>,
    list: bool,
}

impl Serialize for Item<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("originalId", &())?;
        map.serialize_entry(
            "employeeInfo",
            &EmployeeInfo {
                p: self.p,
                f: self.f,
                r: self.r,
            },
        )?;
        let record = |part_time| RecordInfo {
            p: self.p,
            f: self.f,
            r: self.r,
            part_time,
        };
        let wanted = self.r.view.service_types;
        let main_wanted = wanted & (1 << self.p.service_type) != 0;
        let part_time = has_part_time(self.r.data, self.p.index) && wanted & 0b10 != 0;
        if self.list {
            let mut records = Vec::with_capacity(2);
            if main_wanted {
                records.push(record(false));
            }
            if part_time {
                records.push(record(true));
            }
            map.serialize_entry("recordInfos", &records)?;
        } else {
            // One record: the main job when it is wanted.
            map.serialize_entry("recordInfo", &record(!main_wanted && part_time))?;
        }
        map.end()
    }
}

/// A page of employees, built person by person while serialising.
pub(super) struct EmployeePage<'a> {
    pub r: Render<'a>,
    pub indices: &'a [u32],
    /// `recordInfos` (GetListByTimeWindow) instead of `recordInfo`.
    pub list: bool,
}

impl Serialize for EmployeePage<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.indices.len()))?;
        let tenant_seed = self.r.data.tenant_id() as u64;
        for &i in self.indices {
            let p = self.r.data.person(i as usize);
            let f = Facts::new(self.r.seed(), tenant_seed, &p);
            seq.serialize_element(&Item {
                p: &p,
                f: &f,
                r: &self.r,
                list: self.list,
            })?;
        }
        seq.end()
    }
}

/// Flat `employeeInfo` objects (GetBasicInfoByIds).
pub(super) struct BasicInfos<'a> {
    pub r: Render<'a>,
    pub indices: &'a [usize],
}

impl Serialize for BasicInfos<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.indices.len()))?;
        let tenant_seed = self.r.data.tenant_id() as u64;
        for &i in self.indices {
            let p = self.r.data.person(i);
            let f = Facts::new(self.r.seed(), tenant_seed, &p);
            seq.serialize_element(&EmployeeInfo {
                p: &p,
                f: &f,
                r: &self.r,
            })?;
        }
        seq.end()
    }
}

struct EmployeeInfo<'a> {
    p: &'a Person,
    f: &'a Facts,
    r: &'a Render<'a>,
}

fn years(from: NaiveDate, to: NaiveDate, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let y = (to - from).num_days().max(0) as f64 / 365.25;
    (y * scale).round() / scale
}

fn age(birthday: NaiveDate, on: NaiveDate) -> i32 {
    let had_birthday = (on.month(), on.day()) >= (birthday.month(), birthday.day());
    on.year() - birthday.year() - i32::from(!had_birthday)
}

impl Serialize for EmployeeInfo<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (p, f) = (self.p, self.f);
        let address = format!("{}市{}{}号", f.city.name, f.street, f.house);
        let mut m = Fields::new(s.serialize_map(None)?, self.r.columns());
        m.key("userID", &p.user_id)?;
        m.col("name", &p.name)?;
        m.col("_Name", &p.name)?;
        m.col("gender", &p.gender)?;
        m.col("email", &p.email)?;
        m.col("iDType", "1")?;
        m.col("iDNumber", &p.id_number)?;
        m.col("birthday", &Day(p.birthday))?;
        m.col("workDate", &Day(f.work_date))?;
        m.col("homeAddress", &address)?;
        m.col("mobilePhone", &p.mobile)?;
        m.col("weiXin", &())?;
        m.col("iDPhoto", &())?;
        m.col("personalHomepage", &())?;
        m.col("speciality", &())?;
        m.col("major", f.major)?;
        m.col("postalCode", f.city.postal)?;
        m.col("passportNumber", &())?;
        m.col("constellation", &())?;
        m.col("bloodType", &())?;
        m.col("residenceAddress", &address)?;
        m.col("joinPartyDate", &())?;
        m.col("domicileType", &f.domicile)?;
        m.col("emergencyContact", &())?;
        m.col("emergencyContactRelationship", &())?;
        m.col("emergencyContactPhone", &())?;
        m.col("qQ", &())?;
        m.col("aboutMe", &())?;
        m.col("homePhone", &())?;
        m.col("graduateDate", &Day(f.graduate_date))?;
        m.col("marryCategory", f.marriage.0)?;
        m.col("politicalStatus", f.political.0)?;
        m.col("nationality", &1)?;
        m.col("nation", f.nation.0)?;
        m.col("birthplace", f.birth_city.name)?;
        m.col("registAddress", f.birth_city.name)?;
        m.col("educationLevel", f.education.0)?;
        m.col("lastSchool", f.school)?;
        m.col("engName", &p.eng_name)?;
        m.col("officeTel", &())?;
        m.col("businessAddress", f.city.office)?;
        m.col("backupMail", &())?;
        m.col("applicantId", &())?;
        m.col("age", &age(p.birthday, p.modified_time.date()))?;
        m.col("businessModifiedBy", &ADMIN)?;
        m.col(
            "businessModifiedTime",
            &Dt(business_modified_at(self.r.data, p.index)),
        )?;
        m.col("sourceType", &0)?;
        m.key("objectId", &f.employee_oid)?;
        m.custom("customProperties", &p.custom)?;
        if self.r.view.translate {
            let texts = [
                ("GenderText", GENDERS[usize::from(p.gender) % 2]),
                ("IDTypeText", "居民身份证"),
                ("EducationLevelText", f.education.1),
                ("MarryCategoryText", f.marriage.1),
                ("PoliticalStatusText", f.political.1),
                ("NationText", f.nation.1),
                ("NationalityText", "中国"),
            ];
            m.key("translateProperties", &Texts(&texts))?;
        } else {
            m.key("translateProperties", &())?;
        }
        m.col("createdBy", &ADMIN)?;
        m.col("createdTime", &Dt(p.created_time))?;
        m.col("modifiedBy", &ADMIN)?;
        m.col("modifiedTime", &Dt(modified_at(self.r.data, p.index)))?;
        m.col("stdIsDeleted", &p.is_deleted)?;
        // Fields the documents never listed, as live responses carry.
        for (k, v) in &p.extra {
            m.key(k, v)?;
        }
        m.end()
    }
}

struct RecordInfo<'a> {
    p: &'a Person,
    f: &'a Facts,
    r: &'a Render<'a>,
    part_time: bool,
}

impl Serialize for RecordInfo<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (p, f, r) = (self.p, self.f, self.r);
        let seed = r.seed();
        let i = p.index as u64;
        let (department, job_post, position, start, order, service_type, object_id) =
            if self.part_time {
                let orgs = r.data.orgs();
                let k = 1 + hash(seed, i, salt::PART_TIME_ORG) % (orgs.len() as u64 - 1);
                let start = (p.entry_date
                    + ChronoDuration::days((hash(seed, i, salt::PART_TIME_START) % 720) as i64))
                .min(p.modified_time.date());
                (
                    orgs[k as usize].oid,
                    format!("{}", 20_000 + hash(seed, i, salt::PART_TIME_POST) % 300),
                    Guid::of(seed, i, salt::PART_TIME_POSITION).to_string(),
                    start,
                    1,
                    1,
                    Guid::of(seed, i, salt::PART_TIME_RECORD_OID),
                )
            } else {
                (
                    p.org_oid,
                    p.job_post_oid.clone(),
                    p.position_oid.clone(),
                    p.entry_date,
                    0,
                    p.service_type,
                    f.record_oid,
                )
            };
        let org = r.org(department);
        let probation_stop = p
            .entry_date
            .checked_add_months(Months::new(f.probation_months))
            .unwrap_or(p.entry_date);
        let regularized = !matches!(p.emp_status, 1 | 2);
        let reference = p.modified_time.date();
        let left = p.has_left();
        let is_charge =
            !self.part_time && org.is_some_and(|o| o.person_in_charge == Some(p.user_id));
        let business_type = match p.emp_status {
            _ if left => "8",
            3 => "3",
            _ => "1",
        };
        let function = job_post.parse::<u64>().unwrap_or(0) % 12;
        let sequence = format!("{}", 3001 + function);
        let custom: Vec<(String, Value)> = f
            .contract
            .map(|c| (contract_field(r.data.tenant_id()), json!(c)))
            .into_iter()
            .collect();
        // Unset dates come as .NET's MinValue or as null, per person: the
        // vendor is not consistent, so clients must treat both as unset.
        let unset = hash(seed, i, salt::UNSET_DATES);
        let last_work_date = match p.last_work_date {
            Some(day) => When::Day(day),
            None if unset.is_multiple_of(2) => When::Text(DOTNET_MIN),
            None => When::Null,
        };
        let stop_date = if (unset >> 8).is_multiple_of(10) {
            DOTNET_MIN
        } else {
            OPEN_END
        };
        let (modified, business) = (
            modified_at(r.data, p.index),
            business_modified_at(r.data, p.index),
        );

        let mut m = Fields::new(s.serialize_map(None)?, r.columns());
        m.key("userID", &p.user_id)?;
        m.col("pObjectDataID", &f.employee_oid)?;
        m.col("oIdDepartment", &department)?;
        m.col("startDate", &Day(start))?;
        m.col("stopDate", stop_date)?;
        m.col("jobNumber", &p.job_number)?;
        m.col("entryDate", &Day(p.entry_date))?;
        m.col("lastWorkDate", &last_work_date)?;
        m.col(
            "regularizationDate",
            &regularized.then_some(Day(probation_stop)),
        )?;
        m.col("probation", &f.probation_months)?;
        m.col("order", &order)?;
        m.col("employType", &p.employ_type)?;
        m.col("serviceType", &service_type)?;
        m.col("serviceStatus", &0)?;
        m.col("approvalStatus", &p.approval_status)?;
        m.col("employmentSource", if p.index % 5 == 0 { "2" } else { "1" })?;
        // The form's and the level's oIds (GUIDs), as a real tenant sends
        // them (hztic services/beisen.py filters OIdJobLevel on GUIDs); the
        // catalogues list them under JobLevel / EmploymentForm windows.
        let form = r.data.employment_form_of(p.index, self.part_time);
        m.col("employmentForm", &form.oid)?;
        m.col("isCharge", if is_charge { "1" } else { "0" })?;
        m.col("oIdJobPost", &job_post)?;
        m.col("oIdJobSequence", &sequence)?;
        m.col("oIdJobPosition", &position)?;
        m.col("oIdJobLevel", super::org::level_oid(r.data, &p.job_level))?;
        m.col("oidJobGrade", &f.grade)?;
        m.col("place", f.city.place)?;
        m.col(
            "employeeStatus",
            STATUS_CODES[usize::from(p.emp_status) % 13],
        )?;
        m.col("employmentType", "1")?;
        m.col("employmentChangeID", &())?;
        m.col("changedStatus", &())?;
        m.col("pOIdEmpAdmin", &p.manager_user_id)?;
        m.col("pOIdEmpReserve2", &())?;
        m.col("businessTypeOID", business_type)?;
        m.col("changeTypeOID", &())?;
        m.col("workYearBefore", &years(f.work_date, p.entry_date, 1))?;
        m.col("workYearGroupBefore", &0.0)?;
        m.col("workYearCompanyBefore", &0.0)?;
        m.col("workYearTotal", &years(f.work_date, reference, 2))?;
        m.col("workYearGroupTotal", &years(p.entry_date, reference, 2))?;
        m.col("workYearCompanyTotal", &years(p.entry_date, reference, 2))?;
        m.col("oIdOrganization", &r.data.orgs()[0].oid)?;
        m.col("whereabouts", &())?;
        m.col("blackStaffDesc", &())?;
        m.col("blackListAddReason", &())?;
        m.col("transitionTypeOID", &())?;
        m.col("changeReason", &left.then_some("个人原因"))?;
        m.col("probationResult", &regularized.then_some("1"))?;
        if regularized {
            m.col("probationActualStopDate", &Day(probation_stop))?;
        } else {
            // .NET's MinValue rather than null, as the vendor sends it.
            m.col("probationActualStopDate", DOTNET_MIN)?;
        }
        m.col("probationStartDate", &Day(p.entry_date))?;
        m.col("probationStopDate", &Day(probation_stop))?;
        m.col("isHaveProbation", "1")?;
        m.col("remarks", &())?;
        m.col("addOrNotBlackList", &false)?;
        m.col("businessModifiedBy", &ADMIN)?;
        m.col("businessModifiedTime", &Dt(business))?;
        m.key("objectId", &object_id)?;
        m.custom("customProperties", &custom)?;
        if r.view.translate {
            let texts = [
                (
                    "EmployTypeText",
                    EMPLOY_TYPE_TEXTS[usize::from(p.employ_type) % 4],
                ),
                (
                    "ServiceTypeText",
                    SERVICE_TYPE_TEXTS[usize::from(service_type) % 6],
                ),
                (
                    "EmployeeStatusText",
                    STATUS_TEXTS[usize::from(p.emp_status) % 13],
                ),
                (
                    "ApprovalStatusText",
                    APPROVAL_TEXTS[usize::from(p.approval_status) % 7],
                ),
                ("OIdDepartmentText", org.map_or("", |o| o.name.as_str())),
                (
                    "OIdJobLevelText",
                    r.data
                        .job_level(&p.job_level)
                        .map_or(p.job_level.as_str(), |l| l.name),
                ),
                ("EmploymentFormText", form.name),
                ("PlaceText", f.city.name),
            ];
            m.key("translateProperties", &Texts(&texts))?;
        } else {
            m.key("translateProperties", &())?;
        }
        m.col("createdBy", &ADMIN)?;
        m.col(
            "createdTime",
            &Dt(start.and_hms_opt(9, 0, 0).unwrap_or_default()),
        )?;
        m.col("modifiedBy", &ADMIN)?;
        m.col("modifiedTime", &Dt(modified))?;
        m.col("stdIsDeleted", &p.is_deleted)?;
        m.col("isCurrentRecord", &true)?;
        m.end()
    }
}

/// A date field that may be unset in either of the vendor's ways.
enum When {
    Day(NaiveDate),
    Text(&'static str),
    Null,
}

impl Serialize for When {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            When::Day(day) => Day(*day).serialize(s),
            When::Text(text) => s.serialize_str(text),
            When::Null => s.serialize_unit(),
        }
    }
}

/// The `objectId`s person `i`'s employee information and main employment
/// record are rendered with: what `Employee/Create` answers as
/// `employeeInformationId` and `employmentRecordId`.
pub(super) fn object_ids(data: &Dataset, i: usize) -> (Guid, Guid) {
    let seed = data.config().seed;
    (
        Guid::of(seed, i as u64, salt::EMPLOYEE_OID),
        Guid::of(seed, i as u64, salt::RECORD_OID),
    )
}

/// Flat `recordInfo` objects (GetServiceInfoByIds): `(index, part_time)`
/// pairs, the part-time record being the one [`has_part_time`] gives.
pub(super) struct Records<'a> {
    pub r: Render<'a>,
    pub records: &'a [(usize, bool)],
}

impl Serialize for Records<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.records.len()))?;
        let tenant_seed = self.r.data.tenant_id() as u64;
        for &(i, part_time) in self.records {
            let p = self.r.data.person(i);
            let f = Facts::new(self.r.seed(), tenant_seed, &p);
            seq.serialize_element(&RecordInfo {
                p: &p,
                f: &f,
                r: &self.r,
                part_time,
            })?;
        }
        seq.end()
    }
}

/// The index of the person whose e-mail is exactly `email`. Generated
/// e-mails end their local part with the person's index, so this is one
/// lookup; a hire's own e-mail is looked for among the (few) hires.
pub(super) fn index_of_email(data: &Dataset, email: &str) -> Option<usize> {
    let by_index = || {
        let local = email.split('@').next()?;
        let digits = local.len() - local.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let i: usize = local[local.len() - digits..].parse().ok()?;
        (i < data.len() && data.person(i).email == email).then_some(i)
    };
    by_index().or_else(|| data.find_hire(|p| p.email == email))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataConfig;

    #[test]
    fn every_generated_custom_property_is_known_to_ext_queries() {
        let data = Dataset::new(DataConfig::default());
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..data.len() {
            for (k, _) in data.person(i).custom {
                assert!(PERSON_CUSTOM_FIELDS.contains(&k.as_str()), "{k}");
                seen.insert(k);
            }
        }
        assert_eq!(seen.len(), PERSON_CUSTOM_FIELDS.len());
    }

    #[test]
    fn precise_times_keep_the_second_and_business_never_follows_modified() {
        let data = Dataset::new(DataConfig::default());
        let mut with_millis = 0;
        for i in 0..data.len() {
            let (m, b) = (modified_at(&data, i), business_modified_at(&data, i));
            assert_eq!(m.with_nanosecond(0), Some(data.modified_time(i)));
            assert!(b <= m);
            with_millis += usize::from(m.nanosecond() != 0);
        }
        assert!((600..=800).contains(&with_millis), "{with_millis}");
    }
}
