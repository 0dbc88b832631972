//! Organisations, positions (职位) and job posts (职务): selection and JSON.
//!
//! Departments come from [`Dataset::orgs`]. Every person holds one
//! position, whose `oId` is their `position_oid` GUID. Job posts are the 300
//! numeric-string `oId`s (`"20000"`–`"20299"`) people's `job_post_oid` draws
//! from. Positions and job posts get modification times spread over the
//! dataset's span like people's. Every department names its legal entity
//! ([`Dataset::corporation_of_org`]) in a custom property, and carries its
//! chain of parents as ids and names.

use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::employee::{ADMIN, org_of};
use super::json::{Columns, Day, Dt, Fields, Guid, OPEN_END, Texts, hash};
use super::meta::corporation_field;
use super::query::{ExtQuery, Window, WindowBy};
use super::scroll::View;
use crate::data::{Dataset, JOB_LEVELS, Org};

mod salt {
    pub const ORG_BUSINESS: u64 = 0xC0_01;
    pub const ORG_OID: u64 = 0xC0_02;
    pub const ORG_LEVEL: u64 = 0xC0_03;
    pub const ORG_DEPUTY: u64 = 0xC0_04;
    pub const POSITION_TIME: u64 = 0xC1_01;
    pub const POSITION_STATE: u64 = 0xC1_02;
    pub const POSITION_OID: u64 = 0xC1_03;
    pub const JOB_POST_TIME: u64 = 0xC2_01;
    pub const JOB_POST_STATE: u64 = 0xC2_02;
    pub const JOB_POST_OID: u64 = 0xC2_03;
    pub const GRADE: u64 = 0xB0_0A;
}

/// Number of job posts, `oId` 20000 to 20299.
pub(super) const JOB_POSTS: usize = 300;
const JOB_POST_BASE: u64 = 20_000;
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
const TITLES: &[&str] = &[
    "专员",
    "高级专员",
    "主管",
    "经理",
    "高级经理",
    "总监",
    "工程师",
    "高级工程师",
    "资深工程师",
    "专家",
    "助理",
    "实习生",
    "分析师",
    "顾问",
    "架构师",
    "设计师",
    "代表",
    "组长",
    "副总监",
    "总经理助理",
    "培训师",
    "协调员",
    "研究员",
    "项目经理",
    "产品经理",
];
const STATUS_TEXTS: &[&str] = &["停用", "启用"];

/// The name of job post `k` (0–299): a function and a title.
pub(super) fn job_post_name(k: u64) -> String {
    let k = k as usize % JOB_POSTS;
    format!(
        "{}{}",
        FUNCTIONS[k % FUNCTIONS.len()],
        TITLES[k / FUNCTIONS.len() % TITLES.len()]
    )
}

fn span_start(data: &Dataset) -> NaiveDateTime {
    data.config().span_start.and_time(NaiveTime::MIN)
}

/// `(modifiedTime, businessModifiedTime)` for an object whose times the
/// dataset does not carry: spread over the span, business time up to 30
/// days earlier (never before the span).
pub(super) fn derived_times(
    data: &Dataset,
    index: u64,
    salt: u64,
) -> (NaiveDateTime, NaiveDateTime) {
    let seed = data.config().seed;
    let span = u64::from(data.config().span_days) * 86_400;
    let modified =
        span_start(data) + ChronoDuration::seconds((hash(seed, index, salt) % span) as i64);
    (modified, business_before(data, modified, index, salt))
}

fn business_before(
    data: &Dataset,
    modified: NaiveDateTime,
    index: u64,
    salt: u64,
) -> NaiveDateTime {
    let back = hash(data.config().seed, index, salt ^ 0xB5) % (30 * 86_400);
    (modified - ChronoDuration::seconds(back as i64)).max(span_start(data).min(modified))
}

fn pick(window: &Window, times: (NaiveDateTime, NaiveDateTime)) -> NaiveDateTime {
    match window.by {
        WindowBy::Modified => times.0,
        WindowBy::BusinessModified => times.1,
    }
}

/// `(status, deleted)` of position or job post `index`: 3% disabled, 0.5% deleted.
fn state(data: &Dataset, index: u64, salt: u64) -> (u8, bool) {
    let h = hash(data.config().seed, index, salt);
    (u8::from(h % 100 >= 3), (h >> 20) % 1000 < 5)
}

fn org_times(data: &Dataset, org: &Org) -> (NaiveDateTime, NaiveDateTime) {
    let business = business_before(data, org.modified_time, org.oid as u64, salt::ORG_BUSINESS);
    (org.modified_time, business)
}

/// `(modifiedTime, businessModifiedTime)` of item `index` of `what`, as
/// windows select it and items show it (for `sort`).
pub(super) fn times_of(data: &Dataset, what: What, index: usize) -> (NaiveDateTime, NaiveDateTime) {
    match what {
        What::Organization => org_times(data, &data.orgs()[index]),
        What::Position => derived_times(data, index as u64, salt::POSITION_TIME),
        What::JobPost => derived_times(data, index as u64, salt::JOB_POST_TIME),
    }
}

/// Filters shared by the organisation, position and job-post windows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Basics {
    pub with_disabled: bool,
    pub with_deleted: bool,
}

/// The departments in the window; `conditions` are `extQueries` on their
/// one custom property, the legal entity ([`corporation_field`]).
pub(super) fn select_orgs(
    data: &Dataset,
    window: &Window,
    basics: Basics,
    conditions: &[ExtQuery],
) -> Vec<u32> {
    (0..data.orgs().len() as u32)
        .filter(|&k| {
            let org = &data.orgs()[k as usize];
            (basics.with_disabled || org.status == 1)
                && window.contains(pick(window, org_times(data, org)))
                && (conditions.is_empty() || {
                    let corp = data.corporation_of_org(org.oid).oid.as_str();
                    conditions.iter().all(|c| c.passes(Some(corp)))
                })
        })
        .collect()
}

pub(super) fn select_positions(data: &Dataset, window: &Window, basics: Basics) -> Vec<u32> {
    // One position per generated person: hires do not add positions.
    (0..data.generated_len() as u32)
        .filter(|&i| {
            let (status, deleted) = state(data, u64::from(i), salt::POSITION_STATE);
            (basics.with_disabled || status == 1)
                && (basics.with_deleted || !deleted)
                && window.contains(pick(
                    window,
                    derived_times(data, u64::from(i), salt::POSITION_TIME),
                ))
        })
        .collect()
}

pub(super) fn select_job_posts(data: &Dataset, window: &Window, basics: Basics) -> Vec<u32> {
    (0..JOB_POSTS as u32)
        .filter(|&k| {
            let (status, deleted) = state(data, u64::from(k), salt::JOB_POST_STATE);
            (basics.with_disabled || status == 1)
                && (basics.with_deleted || !deleted)
                && window.contains(pick(
                    window,
                    derived_times(data, u64::from(k), salt::JOB_POST_TIME),
                ))
        })
        .collect()
}

/// A list of organisations, positions or job posts, by index.
pub(super) struct Items<'a> {
    pub data: &'a Dataset,
    pub view: &'a View,
    pub what: What,
    pub indices: &'a [u32],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum What {
    Organization,
    Position,
    JobPost,
}

impl Serialize for Items<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.indices.len()))?;
        for &k in self.indices {
            let item = Item {
                data: self.data,
                view: self.view,
                index: k as usize,
            };
            match self.what {
                What::Organization => seq.serialize_element(&OrgJson(item))?,
                What::Position => seq.serialize_element(&PositionJson(item))?,
                What::JobPost => seq.serialize_element(&JobPostJson(item))?,
            }
        }
        seq.end()
    }
}

struct Item<'a> {
    data: &'a Dataset,
    view: &'a View,
    index: usize,
}

impl Item<'_> {
    fn columns(&self) -> Option<&Columns> {
        self.view.columns.as_ref()
    }

    fn seed(&self) -> u64 {
        self.data.config().seed
    }
}

struct OrgJson<'a>(Item<'a>);

impl Serialize for OrgJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let it = &self.0;
        let org = &it.data.orgs()[it.index];
        let (modified, business) = org_times(it.data, org);
        let seed = it.seed();
        let tenant = it.data.tenant_id() as u64;
        // A third of departments have deputies, sent as "id,id".
        let h = hash(seed, org.oid as u64, salt::ORG_DEPUTY);
        let deputies = h.is_multiple_of(3).then(|| {
            let n = it.data.generated_len() as u64;
            format!(
                "{},{}",
                100_000_000 + (h >> 8) % n,
                100_000_000 + (h >> 32) % n
            )
        });
        let chain = chain_of(it.data, org);
        let oid_path = chain
            .iter()
            .map(|o| o.oid.to_string())
            .collect::<Vec<_>>()
            .join("/");
        let name_path = chain
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join("/");
        let in_charge = org
            .person_in_charge
            .and_then(|u| it.data.index_of_user_id(u))
            .map(|i| it.data.person(i).name);
        let corp = it.data.corporation_of_org(org.oid);
        let corp_field = corporation_field(it.data.tenant_id());
        let mut m = Fields::new(s.serialize_map(None)?, it.columns());
        m.col("name", &org.name)?;
        m.col("shortName", &org.short_name)?;
        m.col("code", &org.code)?;
        m.key("oId", &org.oid)?;
        m.col(
            "level",
            &Guid::of(tenant, u64::from(org.level), salt::ORG_LEVEL),
        )?;
        m.col("status", &org.status)?;
        m.col("establishDate", &Day(org.created_time.date()))?;
        m.col("startDate", &Day(org.created_time.date()))?;
        m.col("stopDate", OPEN_END)?;
        m.col("changeDate", &Day(modified.date()))?;
        m.col("pOIdOrgAdmin", &org.parent_oid)?;
        m.col("pOIdOrgReserve2", &-2)?;
        m.col("pOIdOrgReserve3", &())?;
        m.col("isCurrentRecord", &true)?;
        m.col("personInCharge", &org.person_in_charge)?;
        m.col("hRBP", &())?;
        m.col("shopOwner", &())?;
        m.col("administrativeAssistant", &())?;
        m.col("personInChargeDeputy", &deputies)?;
        m.col("costCenterOIdV2", &())?;
        m.col("orderAdmin", &it.index)?;
        m.col("description", &())?;
        m.col("pOIdOrgAdmin_TreePath", &oid_path)?;
        m.col("pOIdOrgAdmin_TreeLevel", &(u32::from(org.level) + 1))?;
        m.col("pOIdOrgAdminNameTreePath", &name_path)?;
        m.key("objectId", &Guid::of(seed, org.oid as u64, salt::ORG_OID))?;
        m.custom(
            "customProperties",
            &[(
                corp_field.clone(),
                serde_json::Value::from(corp.oid.as_str()),
            )],
        )?;
        let corp_text = format!("{corp_field}Text");
        let mut texts = vec![
            ("StatusText", STATUS_TEXTS[usize::from(org.status) % 2]),
            ("POIdOrgAdminNameTreePathText", name_path.as_str()),
            (corp_text.as_str(), corp.name.as_str()),
        ];
        if let Some(name) = &in_charge {
            texts.push(("PersonInChargeText", name.as_str()));
        }
        translate(&mut m, it.view, &texts)?;
        audit(&mut m, org.created_time, modified, business, false)?;
        m.end()
    }
}

struct PositionJson<'a>(Item<'a>);

impl Serialize for PositionJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let it = &self.0;
        let p = it.data.person(it.index);
        let i = it.index as u64;
        let (modified, business) = derived_times(it.data, i, salt::POSITION_TIME);
        let (status, deleted) = state(it.data, i, salt::POSITION_STATE);
        let org = org_of(it.data, p.org_oid);
        let post = p.job_post_oid.parse::<u64>().unwrap_or(JOB_POST_BASE) - JOB_POST_BASE;
        let name = format!(
            "{}{}",
            org.map_or("", |o| o.short_name.as_str()),
            job_post_name(post)
        );
        let level = JOB_LEVELS
            .iter()
            .position(|l| *l == p.job_level)
            .unwrap_or(0) as u64;
        let created = p.entry_date.and_time(NaiveTime::MIN);
        let mut m = Fields::new(s.serialize_map(None)?, it.columns());
        m.col("name", &name)?;
        m.col("code", &format!("POS{:07}", it.index))?;
        m.key("oId", &p.position_oid)?;
        m.col("status", &status)?;
        m.col("startDate", &Day(p.entry_date))?;
        m.col("stopDate", OPEN_END)?;
        m.col("oIdJobPost", &p.job_post_oid)?;
        m.col(
            "oIdJobGrade",
            &Guid::of(it.data.tenant_id() as u64, level, salt::GRADE),
        )?;
        m.col("oIdJobLevelType", &())?;
        m.col("oIdProfessionalLine", &())?;
        m.col("oIdJobSequence", &format!("{}", 3001 + post % 12))?;
        m.col("oIdOrganization", &p.org_oid)?;
        let level_oid = level_oid(it.data, &p.job_level);
        m.col("oIdJobLevel", level_oid)?;
        m.col("highestOIdJobLevel", level_oid)?;
        m.col("description", &())?;
        m.col("place", &())?;
        m.col("positionKey", &false)?;
        m.col("positionSecret", &false)?;
        m.col("isCurrentRecord", &true)?;
        m.key("objectId", &Guid::of(it.seed(), i, salt::POSITION_OID))?;
        m.custom("customProperties", &[])?;
        translate(
            &mut m,
            it.view,
            &[
                ("StatusText", STATUS_TEXTS[usize::from(status)]),
                ("OIdOrganizationText", org.map_or("", |o| o.name.as_str())),
            ],
        )?;
        audit(&mut m, created, modified, business, deleted)?;
        m.end()
    }
}

struct JobPostJson<'a>(Item<'a>);

impl Serialize for JobPostJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let it = &self.0;
        let k = it.index as u64;
        let (modified, business) = derived_times(it.data, k, salt::JOB_POST_TIME);
        let (status, deleted) = state(it.data, k, salt::JOB_POST_STATE);
        let tenant = it.data.tenant_id() as u64;
        let low = k % 3;
        let created = NaiveDate::from_ymd_opt(2018, 3, 1)
            .unwrap_or_default()
            .and_time(NaiveTime::MIN);
        let mut m = Fields::new(s.serialize_map(None)?, it.columns());
        m.col("name", &job_post_name(k))?;
        m.key("oId", &format!("{}", JOB_POST_BASE + k))?;
        m.col("code", &format!("JP{k:05}"))?;
        m.col("status", &status)?;
        m.col("startDate", &Day(created.date()))?;
        m.col("stopDate", OPEN_END)?;
        m.col("oIdResourceSet", &())?;
        m.col("oIdJobGradeLow", &Guid::of(tenant, low, salt::GRADE))?;
        m.col("oIdJobGradeHigh", &Guid::of(tenant, low + 3, salt::GRADE))?;
        m.col("oIdJobSequence", &format!("{}", 3001 + k % 12))?;
        m.col("oIdJobLevel", level_oid(it.data, JOB_LEVELS[low as usize]))?;
        m.col(
            "highestOIdJobLevel",
            level_oid(it.data, JOB_LEVELS[low as usize + 3]),
        )?;
        m.col("oIdJobLevelType", &())?;
        m.col("oIdProfessionalLine", &())?;
        m.col("oIdTalentCriterion", &())?;
        m.col("order", &k)?;
        m.col("score", &())?;
        m.col("description", &())?;
        m.col("isCurrentRecord", &true)?;
        m.key("objectId", &Guid::of(it.seed(), k, salt::JOB_POST_OID))?;
        m.custom("customProperties", &[])?;
        translate(
            &mut m,
            it.view,
            &[("StatusText", STATUS_TEXTS[usize::from(status)])],
        )?;
        audit(&mut m, created, modified, business, deleted)?;
        m.end()
    }
}

/// The `oId` of the job level with this code; a code the catalogue does
/// not know (a hire's) is sent as it is.
pub(super) fn level_oid<'a>(data: &'a Dataset, code: &'a str) -> &'a str {
    data.job_level(code).map_or(code, |l| l.oid.as_str())
}

/// The departments from the root down to `org`, both included.
fn chain_of<'a>(data: &'a Dataset, org: &'a Org) -> Vec<&'a Org> {
    let mut chain = vec![org];
    let mut at = org;
    // The depth bounds the walk, should a parent be missing or looping.
    while let Some(parent) = at.parent_oid.and_then(|p| org_of(data, p))
        && chain.len() <= usize::from(org.level)
    {
        chain.push(parent);
        at = parent;
    }
    chain.reverse();
    chain
}

pub(super) fn translate<M: SerializeMap>(
    m: &mut Fields<'_, M>,
    view: &View,
    texts: &[(&str, &str)],
) -> Result<(), M::Error> {
    if view.translate {
        m.key("translateProperties", &Texts(texts))
    } else {
        m.key("translateProperties", &())
    }
}

pub(super) fn audit<M: SerializeMap>(
    m: &mut Fields<'_, M>,
    created: NaiveDateTime,
    modified: NaiveDateTime,
    business: NaiveDateTime,
    deleted: bool,
) -> Result<(), M::Error> {
    m.col("createdBy", &ADMIN)?;
    m.col("createdTime", &Dt(created))?;
    m.col("modifiedBy", &ADMIN)?;
    m.col("modifiedTime", &Dt(modified))?;
    m.col("businessModifiedBy", &ADMIN)?;
    m.col("businessModifiedTime", &Dt(business))?;
    m.col("stdIsDeleted", &deleted)
}
