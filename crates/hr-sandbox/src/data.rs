//! The simulated workforce: deterministic from a seed and a size, generated
//! lazily, one person at a time.
//!
//! Nothing is stored per person: [`Dataset::person`] derives every field of
//! person `i` from `hash(seed, i)`, so a million employees cost no memory,
//! and the same seed gives the same people in every run and in every vendor
//! (Beisen's `jobNumber` is ISDP's `personCode`), so a sync can be checked
//! end to end. The cheap accessors ([`Dataset::modified_time`],
//! [`Dataset::emp_status`]) let a time-window query scan a million people
//! without building records.
//!
//! # The span
//!
//! Modification times fall in `[span_start, span_end())`. By default that
//! is the 365 days before today (China Standard Time, when the
//! [`DataConfig`] is made), so "the last 30 days" finds people on any date
//! and no generated time lies in the future of the sandbox's clock.
//! [`DataConfig::pinned`] and [`DataConfig::year_2024`] fix the span, for
//! tests that query fixed dates.
//!
//! # Changes
//!
//! [`Dataset::hire`], [`Dataset::dismiss`] (and [`Dataset::dismiss_on`]),
//! [`Dataset::transfer`] and [`Dataset::set_mobile`] change the workforce
//! after start-up (the sandbox calls them with its
//! clock's now: [`Sandbox::hire`](crate::Sandbox::hire)). Changes live in a
//! small overlay that every accessor consults: edits of generated people by
//! index, and hires appended at indices `generated_len()..len()`, so every
//! vendor sees them. With no change, the overlay costs an atomic load per
//! accessor call.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{OnceLock, RwLock};

use chrono::{Datelike, Duration as ChronoDuration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::clock::Clock;

/// How the dataset is generated.
///
/// The default spans the 365 days before today; the same seed, size and
/// span give the same people.
///
/// ```
/// use hr_sandbox::data::{DataConfig, Dataset};
///
/// let data = Dataset::new(DataConfig { employees: 100, ..DataConfig::default() });
/// assert_eq!(data.len(), 100);
/// assert_eq!(data.person(7).job_number, Dataset::new(DataConfig { employees: 100, ..DataConfig::default() }).person(7).job_number);
///
/// // Tests that query fixed dates pin the span.
/// let pinned = DataConfig::year_2024();
/// assert_eq!(pinned.span_end(), chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DataConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of employees, 10 to 1,000,000 (clamped).
    pub employees: usize,
    /// First day over which modification times are spread.
    pub span_start: NaiveDate,
    /// Number of days over which modification times are spread: they fall
    /// in `[span_start, span_start + span_days)`, see [`span_end`](Self::span_end).
    pub span_days: u32,
    /// Optional skew: a share of all people modified on one day, as when a
    /// nightly job touches everyone.
    pub skew: Option<Skew>,
    /// Beisen tenant id (also the ISDP tenant id).
    pub tenant_id: i64,
}

/// A share of the records modified on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skew {
    /// Share of records, 0.0 to 1.0.
    pub fraction: f64,
    /// The day they were modified.
    pub day: NaiveDate,
}

impl Default for DataConfig {
    /// 1,000 employees of seed 42 whose modification times fall in the 365
    /// days before today (China Standard Time, read when this is called):
    /// `span_end()` is today, exclusive, so every generated time is before
    /// the sandbox clock's now.
    fn default() -> Self {
        DataConfig::ending(Clock::new().today(), 365)
    }
}

impl DataConfig {
    /// The default settings over a fixed span: `span_days` days from
    /// `span_start`, whatever the date today.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let config = hr_sandbox::DataConfig::pinned(NaiveDate::from_ymd_opt(2023, 6, 1).unwrap(), 30);
    /// assert_eq!(config.last_day(), NaiveDate::from_ymd_opt(2023, 6, 30).unwrap());
    /// ```
    pub fn pinned(span_start: NaiveDate, span_days: u32) -> Self {
        DataConfig {
            seed: 42,
            employees: 1_000,
            span_start,
            span_days,
            skew: None,
            tenant_id: 100_001,
        }
    }

    /// The default settings over the `span_days` days before `end`:
    /// [`span_end`](Self::span_end) is `end` (exclusive).
    pub fn ending(end: NaiveDate, span_days: u32) -> Self {
        DataConfig::pinned(end - ChronoDuration::days(i64::from(span_days)), span_days)
    }

    /// The span the default had before it followed the calendar: 365 days
    /// from 2024-01-01 (through 2024-12-30), the same people as then.
    pub fn year_2024() -> Self {
        DataConfig::pinned(
            NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date"),
            365,
        )
    }

    /// The day after the span, exclusive: modification times are before
    /// its midnight. For the default, today.
    pub fn span_end(&self) -> NaiveDate {
        self.span_start + ChronoDuration::days(i64::from(self.span_days))
    }

    /// The last day of the span, inclusive (the day before
    /// [`span_end`](Self::span_end)).
    pub fn last_day(&self) -> NaiveDate {
        self.span_end() - ChronoDuration::days(1)
    }
}

/// A new employee for [`Sandbox::hire`](crate::Sandbox::hire): a name and a
/// mobile number, the rest optional (generated from the new index when
/// absent). Over HTTP, `POST /_sandbox/hire` takes it as JSON:
/// `{"name": "张三", "mobile": "13800138000", "email": null,
/// "department_oid": 1000003, "job_level": "P3"}`.
///
/// ```
/// let hire = hr_sandbox::NewHire::new("张三", "13800138000")
///     .with_email("zhang.san@corp.example.com")
///     .with_department_oid(1_000_003)
///     .with_job_level("P3");
/// assert_eq!(hire.job_level.as_deref(), Some("P3"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct NewHire {
    /// Chinese name.
    pub name: String,
    /// Mobile number, taken as is (an invalid one too, for tests of what
    /// a sync skips).
    pub mobile: String,
    /// Work e-mail; default `hire.<index>@corp.example.com`.
    #[serde(default)]
    pub email: Option<String>,
    /// Department `oId`; default a generated one. An `oId` the tree does
    /// not have is kept for Beisen, and ISDP files the person under the
    /// root organisation.
    #[serde(default, alias = "departmentOid", alias = "oIdDepartment")]
    pub department_oid: Option<i64>,
    /// Job level (`oIdJobLevel`, the travel level code); default a
    /// generated one.
    #[serde(default, alias = "jobLevel", alias = "oIdJobLevel")]
    pub job_level: Option<String>,
    /// Entry date (`entryDate`); default the day of the hire.
    #[serde(default, alias = "entryDate")]
    pub entry_date: Option<NaiveDate>,
    /// Beisen `employType` (0 internal, 1 external, 2 intern, 3
    /// consultant); default 0.
    #[serde(default, alias = "employType")]
    pub employ_type: Option<u8>,
}

impl NewHire {
    /// A hire with this name and mobile number.
    pub fn new(name: impl Into<String>, mobile: impl Into<String>) -> Self {
        NewHire {
            name: name.into(),
            mobile: mobile.into(),
            email: None,
            department_oid: None,
            job_level: None,
            entry_date: None,
            employ_type: None,
        }
    }

    /// Sets the work e-mail.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the department `oId`.
    pub fn with_department_oid(mut self, oid: i64) -> Self {
        self.department_oid = Some(oid);
        self
    }

    /// Sets the job level.
    pub fn with_job_level(mut self, level: impl Into<String>) -> Self {
        self.job_level = Some(level.into());
        self
    }

    /// Sets the entry date.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let day = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    /// let hire = hr_sandbox::NewHire::new("张三", "13800138000").with_entry_date(day);
    /// assert_eq!(hire.entry_date, Some(day));
    /// ```
    pub fn with_entry_date(mut self, day: NaiveDate) -> Self {
        self.entry_date = Some(day);
        self
    }

    /// Sets Beisen's `employType` (0 internal, 1 external, 2 intern, 3
    /// consultant).
    ///
    /// ```
    /// let hire = hr_sandbox::NewHire::new("张三", "13800138000").with_employ_type(2);
    /// assert_eq!(hire.employ_type, Some(2));
    /// ```
    pub fn with_employ_type(mut self, employ_type: u8) -> Self {
        self.employ_type = Some(employ_type);
        self
    }
}

/// What [`Dataset::transfer`] changes (Beisen `Employee/Transfer`); a
/// field left `None` keeps its current value.
///
/// ```
/// let moves = hr_sandbox::data::Transfer::new()
///     .with_department_oid(1_000_003)
///     .with_manager_user_id(100_000_007)
///     .with_job_level("M1");
/// assert_eq!(moves.job_level.as_deref(), Some("M1"));
/// assert_eq!(moves.position_oid, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transfer {
    /// New department `oId`.
    pub department_oid: Option<i64>,
    /// New direct manager's `userID`.
    pub manager_user_id: Option<i64>,
    /// New job post `oId` (a numeric string).
    pub job_post_oid: Option<String>,
    /// New position `oId` (a GUID).
    pub position_oid: Option<String>,
    /// New job level, as its code (`"P3"`, what [`Person::job_level`]
    /// holds), not its `oIdJobLevel` GUID.
    pub job_level: Option<String>,
}

impl Transfer {
    /// A transfer that changes nothing yet.
    pub fn new() -> Self {
        Transfer::default()
    }

    /// Moves to this department.
    pub fn with_department_oid(mut self, oid: i64) -> Self {
        self.department_oid = Some(oid);
        self
    }

    /// Reports to this manager (`userID`).
    pub fn with_manager_user_id(mut self, user_id: i64) -> Self {
        self.manager_user_id = Some(user_id);
        self
    }

    /// Takes this job post.
    pub fn with_job_post_oid(mut self, oid: impl Into<String>) -> Self {
        self.job_post_oid = Some(oid.into());
        self
    }

    /// Takes this position.
    pub fn with_position_oid(mut self, oid: impl Into<String>) -> Self {
        self.position_oid = Some(oid.into());
        self
    }

    /// Takes this job level (its code).
    pub fn with_job_level(mut self, code: impl Into<String>) -> Self {
        self.job_level = Some(code.into());
        self
    }

    /// Overwrites the fields `later` sets: successive transfers accumulate.
    fn merge(&mut self, later: Transfer) {
        if later.department_oid.is_some() {
            self.department_oid = later.department_oid;
        }
        if later.manager_user_id.is_some() {
            self.manager_user_id = later.manager_user_id;
        }
        if later.job_post_oid.is_some() {
            self.job_post_oid = later.job_post_oid;
        }
        if later.position_oid.is_some() {
            self.position_oid = later.position_oid;
        }
        if later.job_level.is_some() {
            self.job_level = later.job_level;
        }
    }
}

/// A department in the organisation tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Org {
    /// Beisen `oId`.
    pub oid: i64,
    /// ISDP organisation id.
    pub isdp_id: i64,
    /// Parent `oId`; `None` for the root.
    pub parent_oid: Option<i64>,
    /// Display name.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// Organisation code (ISDP `orgNo`).
    pub code: String,
    /// Depth: 0 for the root.
    pub level: u8,
    /// 1 enabled, 0 disabled.
    pub status: u8,
    /// `userID` of the person in charge, if any.
    pub person_in_charge: Option<i64>,
    /// Last modification.
    pub modified_time: NaiveDateTime,
    /// Creation.
    pub created_time: NaiveDateTime,
}

/// One employee, as every simulated vendor sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Position in the dataset.
    pub index: usize,
    /// Beisen `userID`.
    pub user_id: i64,
    /// Beisen `jobNumber`, also ISDP `personCode` and travel `userNo`.
    pub job_number: String,
    /// Chinese name.
    pub name: String,
    /// Pinyin-ish English name.
    pub eng_name: String,
    /// 0 male, 1 female.
    pub gender: u8,
    /// Date of birth, also encoded in the ID number.
    pub birthday: NaiveDate,
    /// 18-character mainland ID number with a valid GB 11643 checksum.
    pub id_number: String,
    /// 11-digit mainland mobile number.
    pub mobile: String,
    /// Work e-mail.
    pub email: String,
    /// Department `oId`.
    pub org_oid: i64,
    /// Job post `oId`: a numeric string.
    pub job_post_oid: String,
    /// Position `oId`: a GUID.
    pub position_oid: String,
    /// Job level code (`"P3"`), the travel-platform level. Beisen sends
    /// the level's GUID as `oIdJobLevel` ([`JobLevel::oid`], found with
    /// [`Dataset::job_level`]); a hire's code the catalogue does not know
    /// is sent as given.
    pub job_level: String,
    /// Beisen EmpStatus 1–12 (3 regular, 2 probation, 8 departed, 6 retired…).
    pub emp_status: u8,
    /// 0 internal, 1 external, 2 intern, 3 consultant.
    pub employ_type: u8,
    /// 0 main, 1 part-time, 3 rehire, 4 secondment, 5 expatriate.
    pub service_type: u8,
    /// 0–6; 4 = effective for almost everyone.
    pub approval_status: u8,
    /// Entry date.
    pub entry_date: NaiveDate,
    /// Last working day, for departed and retired people.
    pub last_work_date: Option<NaiveDate>,
    /// Direct manager's `userID`.
    pub manager_user_id: Option<i64>,
    /// Creation time.
    pub created_time: NaiveDateTime,
    /// `modifiedTime`.
    pub modified_time: NaiveDateTime,
    /// `businessModifiedTime` (never after `modified_time`).
    pub business_modified_time: NaiveDateTime,
    /// Soft-deleted in Beisen.
    pub is_deleted: bool,
    /// Custom properties. Some values are JSON null: the Beisen simulator
    /// omits those keys, as the real service does.
    pub custom: Vec<(String, Value)>,
    /// Fields the vendors' documents do not list, as real responses carry.
    pub extra: Vec<(String, Value)>,
    /// ISDP `personId`.
    pub isdp_person_id: i64,
    /// ISDP `userId`.
    pub isdp_user_id: i64,
    /// ISDP organisation id of the department.
    pub isdp_org_id: i64,
}

impl Person {
    /// Whether Beisen's EmpStatus counts as having left (departed, retired,
    /// deceased, rehire ended).
    pub fn has_left(&self) -> bool {
        matches!(self.emp_status, 6 | 8 | 9 | 10)
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "欧阳", "司马", "诸葛",
];
const SURNAMES_PINYIN: &[&str] = &[
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Xu",
    "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Ouyang", "Sima", "Zhuge",
];
const GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("勇", "yong"),
    ("军", "jun"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀", "xiu"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂", "gui"),
    ("英", "ying"),
    ("华", "hua"),
    ("文", "wen"),
    ("婷", "ting"),
    ("建", "jian"),
    ("国", "guo"),
    ("鹏", "peng"),
    ("辉", "hui"),
    ("丽", "li"),
    ("浩", "hao"),
    ("宇", "yu"),
    ("欣", "xin"),
    ("怡", "yi"),
    ("子", "zi"),
    ("涵", "han"),
    ("晨", "chen"),
];
const REGIONS: &[&str] = &[
    "110101", "110105", "310101", "310115", "440106", "440305", "330106", "320102", "510104",
    "420102", "610113", "500103", "120101", "370102", "430104",
];
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "191", "199",
];
const CITIES: &[&str] = &[
    "北京", "上海", "深圳", "广州", "杭州", "成都", "武汉", "西安",
];
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
const TEAMS: &[&str] = &["一组", "二组", "三组", "平台组", "综合组"];
/// Travel-platform level codes; the travel simulator knows all but the last.
pub const JOB_LEVELS: &[&str] = &["P1", "P2", "P3", "P4", "P5", "M1", "M2", "M3", "X9"];

/// SplitMix64: tiny, fast and good enough to derive fields from `(seed, i)`.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Field-specific random numbers for one person.
struct Draw {
    base: u64,
}

impl Draw {
    fn new(seed: u64, index: usize) -> Self {
        Draw {
            base: mix(seed ^ mix(index as u64)),
        }
    }

    /// A number in `0..n` for field `salt`.
    fn below(&self, salt: u64, n: u64) -> u64 {
        mix(self.base ^ salt.wrapping_mul(0xA24B_AED4_963E_E407)) % n.max(1)
    }

    /// A number in `[0, 1)` for field `salt`.
    fn unit(&self, salt: u64) -> f64 {
        (mix(self.base ^ salt.wrapping_mul(0x9FB2_1C65_1E98_DF25)) >> 11) as f64
            / (1u64 << 53) as f64
    }

    fn pick<'a, T>(&self, salt: u64, items: &'a [T]) -> &'a T {
        &items[self.below(salt, items.len() as u64) as usize]
    }
}

/// The generated workforce and organisation tree, under the changes made
/// since (see [Changes](self#changes)). A clone copies the changes made so
/// far; later changes to one do not show in the other.
#[derive(Debug, Clone)]
pub struct Dataset {
    config: DataConfig,
    orgs: Vec<Org>,
    job_levels: Vec<JobLevel>,
    employment_forms: Vec<EmploymentForm>,
    corporations: Vec<Corporation>,
    changes: Changes,
}

/// A change to a generated person.
#[derive(Debug, Clone, Default, PartialEq)]
struct Edit {
    /// Both `modifiedTime` and `businessModifiedTime`.
    modified: Option<NaiveDateTime>,
    emp_status: Option<u8>,
    last_work_date: Option<NaiveDate>,
    mobile: Option<String>,
    /// Every transfer so far, merged.
    transfer: Option<Transfer>,
    /// ISDP org id of the transfer's department, resolved when the edit is
    /// made (the tree is the dataset's, so `apply` needs no dataset).
    isdp_org_id: Option<i64>,
}

/// What changed since generation.
#[derive(Debug, Clone, Default)]
struct Overlay {
    /// Edits of generated people, by index.
    edits: HashMap<usize, Edit>,
    /// Hired people, complete; hire `k` has index `generated_len + k`.
    hires: Vec<Person>,
}

/// The overlay and what lets an accessor skip it cheaply.
#[derive(Debug, Default)]
struct Changes {
    overlay: RwLock<Overlay>,
    /// One bit per generated person, set once they are edited; allocated
    /// by the first edit, so an unchanged dataset pays one atomic load.
    /// Bits are set after the edit is stored, and never cleared.
    edited: OnceLock<Box<[AtomicU64]>>,
    /// `overlay.hires.len()`, published after each push.
    hired: AtomicUsize,
    /// Bumped by every change.
    revision: AtomicU64,
}

impl Clone for Changes {
    fn clone(&self) -> Self {
        let overlay = self.read().clone();
        let copy = Changes {
            hired: AtomicUsize::new(overlay.hires.len()),
            revision: AtomicU64::new(self.revision.load(Ordering::Acquire)),
            edited: OnceLock::new(),
            overlay: RwLock::new(Overlay::default()),
        };
        if let Some(bits) = self.edited.get() {
            let _ = copy.edited.set(
                bits.iter()
                    .map(|w| AtomicU64::new(w.load(Ordering::Acquire)))
                    .collect(),
            );
        }
        *copy.overlay.write().unwrap_or_else(|e| e.into_inner()) = overlay;
        copy
    }
}

impl Changes {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Overlay> {
        self.overlay.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Overlay> {
        self.overlay.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether generated person `index` has an edit.
    fn is_edited(&self, index: usize) -> bool {
        self.edited.get().is_some_and(|bits| {
            bits.get(index / 64)
                .is_some_and(|w| w.load(Ordering::Acquire) & (1 << (index % 64)) != 0)
        })
    }
}

impl Dataset {
    /// Generates the organisation tree; people are derived on demand.
    pub fn new(mut config: DataConfig) -> Self {
        config.employees = config.employees.clamp(10, 1_000_000);
        // Past a century chrono's date arithmetic would overflow.
        config.span_days = config.span_days.clamp(1, 36_500);
        let orgs = build_orgs(&config);
        Dataset {
            job_levels: build_job_levels(&config),
            employment_forms: build_employment_forms(&config),
            corporations: build_corporations(&config, &orgs),
            config,
            orgs,
            changes: Changes::default(),
        }
    }

    /// The configuration the dataset was built from.
    pub fn config(&self) -> &DataConfig {
        &self.config
    }

    /// Number of employees: the generated ones and those hired since.
    pub fn len(&self) -> usize {
        self.config.employees + self.changes.hired.load(Ordering::Acquire)
    }

    /// Number of generated employees (the configured size, clamped);
    /// indices from here on are hires.
    pub fn generated_len(&self) -> usize {
        self.config.employees
    }

    /// How many changes ([`hire`](Self::hire), [`dismiss`](Self::dismiss),
    /// [`transfer`](Self::transfer), [`set_mobile`](Self::set_mobile)) were
    /// made: a value to key caches of derived results on.
    pub fn revision(&self) -> u64 {
        self.changes.revision.load(Ordering::Acquire)
    }

    /// Whether person `index` was hired or edited since generation.
    pub fn is_changed(&self, index: usize) -> bool {
        index >= self.config.employees || self.changes.is_edited(index)
    }

    /// Runs `f` on hire `index` (an index past the generated people).
    fn with_hire<R>(&self, index: usize, f: impl FnOnce(&Person) -> R) -> Option<R> {
        let k = index.checked_sub(self.config.employees)?;
        self.changes.read().hires.get(k).map(f)
    }

    /// Runs `f` on the edit of generated person `index`, if any.
    fn with_edit<R>(&self, index: usize, f: impl FnOnce(&Edit) -> Option<R>) -> Option<R> {
        if !self.changes.is_edited(index) {
            return None;
        }
        self.changes.read().edits.get(&index).and_then(f)
    }

    /// The index of the first hire for which `f` is true.
    pub(crate) fn find_hire(&self, f: impl Fn(&Person) -> bool) -> Option<usize> {
        if self.changes.hired.load(Ordering::Acquire) == 0 {
            return None;
        }
        let overlay = self.changes.read();
        let k = overlay.hires.iter().position(f)?;
        Some(self.config.employees + k)
    }

    /// Adds an employee modified at `at` (civil China time) and returns
    /// their job number. They are on probation (EmpStatus 2), approved,
    /// entered on `at`'s day; fields [`NewHire`] leaves out are generated
    /// for their index, as for everyone else.
    pub fn hire(&self, hire: NewHire, at: NaiveDateTime) -> String {
        let mut overlay = self.changes.write();
        let index = self.config.employees + overlay.hires.len();
        let mut p = self.generate(index);
        p.name = hire.name;
        p.eng_name = String::new();
        p.mobile = hire.mobile;
        p.email = hire
            .email
            .unwrap_or_else(|| format!("hire.{index}@corp.example.com"));
        if let Some(oid) = hire.department_oid {
            p.org_oid = oid;
            p.isdp_org_id = self.org(oid).unwrap_or(&self.orgs[0]).isdp_id;
        }
        if let Some(level) = hire.job_level {
            p.job_level = level;
        }
        p.emp_status = 2;
        p.employ_type = hire.employ_type.unwrap_or(0);
        p.service_type = 0;
        p.approval_status = 4;
        p.is_deleted = false;
        p.entry_date = hire.entry_date.unwrap_or(at.date());
        p.last_work_date = None;
        p.created_time = at;
        p.modified_time = at;
        p.business_modified_time = at;
        let job_number = p.job_number.clone();
        overlay.hires.push(p);
        // Published after the push: whoever sees the new length finds the hire.
        self.changes
            .hired
            .store(overlay.hires.len(), Ordering::Release);
        self.changes.revision.fetch_add(1, Ordering::AcqRel);
        job_number
    }

    /// The employee with this job number leaves on `at`'s day (EmpStatus 8
    /// 离职, last working day that day), modified at `at`. `false` when no
    /// one has this job number.
    pub fn dismiss(&self, job_number: &str, at: NaiveDateTime) -> bool {
        self.change(job_number, at, |edit| {
            edit.emp_status = Some(8);
            edit.last_work_date = Some(at.date());
        })
    }

    /// Like [`dismiss`](Self::dismiss), with the last working day given
    /// (Beisen `Employee/Dimission` takes it).
    ///
    /// ```
    /// use hr_sandbox::data::{DataConfig, Dataset};
    ///
    /// let data = Dataset::new(DataConfig::year_2024());
    /// let at = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let day = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    /// assert!(data.dismiss_on("E0000003", day, at));
    /// assert_eq!(data.person(3).last_work_date, Some(day));
    /// assert_eq!(data.emp_status(3), 8);
    /// ```
    pub fn dismiss_on(
        &self,
        job_number: &str,
        last_work_date: NaiveDate,
        at: NaiveDateTime,
    ) -> bool {
        self.change(job_number, at, |edit| {
            edit.emp_status = Some(8);
            edit.last_work_date = Some(last_work_date);
        })
    }

    /// The employee with this job number moves (department, manager, job
    /// post, position, level), modified at `at`; what `transfer` leaves
    /// out stays as it is. `false` when no one has this job number. A
    /// department the tree does not have is kept for Beisen, and ISDP
    /// files the person under the root organisation, as for a hire.
    ///
    /// ```
    /// use hr_sandbox::data::{DataConfig, Dataset, Transfer};
    ///
    /// let data = Dataset::new(DataConfig::year_2024());
    /// let at = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let to = data.orgs()[2].clone();
    /// assert!(data.transfer("E0000003", Transfer::new().with_department_oid(to.oid), at));
    /// let p = data.person(3);
    /// assert_eq!((p.org_oid, p.isdp_org_id, p.modified_time), (to.oid, to.isdp_id, at));
    /// assert_eq!(data.org_oid(3), to.oid);
    /// ```
    pub fn transfer(&self, job_number: &str, transfer: Transfer, at: NaiveDateTime) -> bool {
        let isdp = transfer
            .department_oid
            .map(|oid| self.org(oid).unwrap_or(&self.orgs[0]).isdp_id);
        self.change(job_number, at, |edit| {
            edit.transfer
                .get_or_insert_with(Transfer::default)
                .merge(transfer);
            if isdp.is_some() {
                edit.isdp_org_id = isdp;
            }
        })
    }

    /// A new EmpStatus for the employee with this job number, modified at
    /// `at` (Beisen `Employee/CreateForEntry` makes a hire pending, 1;
    /// `Employee/Entry` makes a pending hire an employee, 2). `false` when
    /// no one has this job number.
    ///
    /// ```
    /// use hr_sandbox::data::{DataConfig, Dataset};
    ///
    /// let data = Dataset::new(DataConfig::year_2024());
    /// let at = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// assert!(data.set_emp_status("E0000003", 1, at));
    /// assert_eq!(data.emp_status(3), 1);
    /// ```
    pub fn set_emp_status(&self, job_number: &str, status: u8, at: NaiveDateTime) -> bool {
        let last_work_date = self
            .index_of_job_number(job_number)
            .and_then(|i| self.person(i).last_work_date);
        self.change(job_number, at, |edit| {
            edit.emp_status = Some(status);
            edit.last_work_date = last_work_date;
        })
    }

    /// A new mobile number for the employee with this job number, modified
    /// at `at`. `false` when no one has this job number.
    pub fn set_mobile(&self, job_number: &str, mobile: &str, at: NaiveDateTime) -> bool {
        self.change(job_number, at, |edit| edit.mobile = Some(mobile.to_owned()))
    }

    /// Applies `f` to the edit of `job_number`'s person (a hire's record is
    /// edited in place) and marks them modified at `at`.
    fn change(&self, job_number: &str, at: NaiveDateTime, f: impl FnOnce(&mut Edit)) -> bool {
        let Some(index) = self.index_of_job_number(job_number) else {
            return false;
        };
        let mut overlay = self.changes.write();
        if let Some(k) = index.checked_sub(self.config.employees) {
            let Some(p) = overlay.hires.get_mut(k) else {
                return false;
            };
            let mut edit = Edit::default();
            f(&mut edit);
            apply(p, &edit);
            p.modified_time = at;
            p.business_modified_time = at;
        } else {
            let edit = overlay.edits.entry(index).or_default();
            f(edit);
            edit.modified = Some(at);
            let bits = self.changes.edited.get_or_init(|| {
                (0..self.config.employees.div_ceil(64))
                    .map(|_| AtomicU64::new(0))
                    .collect()
            });
            // Set after the edit is stored and while the write lock is held:
            // a reader that sees the bit finds the edit.
            bits[index / 64].fetch_or(1 << (index % 64), Ordering::AcqRel);
        }
        drop(overlay);
        self.changes.revision.fetch_add(1, Ordering::AcqRel);
        true
    }

    /// Always false: a dataset has at least 10 employees.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The tenant id.
    pub fn tenant_id(&self) -> i64 {
        self.config.tenant_id
    }

    /// All departments, root first, parents before children.
    pub fn orgs(&self) -> &[Org] {
        &self.orgs
    }

    /// The department with this `oId`.
    pub fn org(&self, oid: i64) -> Option<&Org> {
        self.orgs.iter().find(|o| o.oid == oid)
    }

    /// The job levels (职级), the retired `P0` last.
    pub fn job_levels(&self) -> &[JobLevel] {
        &self.job_levels
    }

    /// The job level with this code (`"P3"`): how a person's
    /// [`job_level`](Person::job_level) resolves to the `oIdJobLevel` Beisen
    /// sends. A hire's code the catalogue does not know resolves to none.
    pub fn job_level(&self, code: &str) -> Option<&JobLevel> {
        self.job_levels.iter().find(|l| l.code == code)
    }

    /// The job level with this `oId`.
    pub fn job_level_by_oid(&self, oid: &str) -> Option<&JobLevel> {
        self.job_levels.iter().find(|l| l.oid == oid)
    }

    /// The employment forms (用工形式).
    pub fn employment_forms(&self) -> &[EmploymentForm] {
        &self.employment_forms
    }

    /// The employment form of person `index`'s main record, or of their
    /// part-time record (兼职): interns 实习, external staff 劳务外包,
    /// rehired retirees (EmpStatus 7) 退休返聘, about 5% of the others
    /// 劳务派遣, everyone else 全职.
    ///
    /// ```
    /// use hr_sandbox::data::{DataConfig, Dataset};
    ///
    /// let data = Dataset::new(DataConfig::default());
    /// assert_eq!(data.employment_form_of(3, true).name, "兼职");
    /// ```
    pub fn employment_form_of(&self, index: usize, part_time: bool) -> &EmploymentForm {
        let k = if part_time {
            1
        } else {
            match (self.employ_type(index), self.emp_status(index)) {
                (2, _) => 3,
                (1, _) => 5,
                (_, 7) => 4,
                _ if Draw::new(self.config.seed, index).unit(37) < 0.05 => 2,
                _ => 0,
            }
        };
        &self.employment_forms[k]
    }

    /// The legal entities: the head office first, then one branch per
    /// division.
    pub fn corporations(&self) -> &[Corporation] {
        &self.corporations
    }

    /// The legal entity department `oid` belongs to: its division's
    /// branch, or the head office for the root (and an unknown `oid`).
    pub fn corporation_of_org(&self, oid: i64) -> &Corporation {
        let mut org = self.org(oid);
        // Walk up to the root's child (a division) or the root.
        while let Some(o) = org
            && o.level > 1
        {
            org = o.parent_oid.and_then(|p| self.org(p));
        }
        let oid = org.map_or(self.orgs[0].oid, |o| o.oid);
        self.corporations
            .iter()
            .find(|c| c.org_oid == oid)
            .unwrap_or(&self.corporations[0])
    }

    /// The department (`oId`) of person `index`, without building the
    /// person.
    pub fn org_oid(&self, index: usize) -> i64 {
        if let Some(oid) = self.with_hire(index, |p| p.org_oid) {
            return oid;
        }
        if let Some(oid) = self.with_edit(index, |e| e.transfer.as_ref()?.department_oid) {
            return oid;
        }
        let d = Draw::new(self.config.seed, index);
        self.orgs[1 + d.below(20, self.orgs.len() as u64 - 1) as usize].oid
    }

    /// The department with this ISDP id.
    pub fn org_by_isdp_id(&self, id: i64) -> Option<&Org> {
        self.orgs.iter().find(|o| o.isdp_id == id)
    }

    /// The index of the person with this Beisen `userID`.
    pub fn index_of_user_id(&self, user_id: i64) -> Option<usize> {
        let i = user_id.checked_sub(USER_ID_BASE)?;
        (0..self.len() as i64).contains(&i).then_some(i as usize)
    }

    /// The index of the person with this ISDP `personId`.
    pub fn index_of_isdp_person_id(&self, person_id: i64) -> Option<usize> {
        let i = person_id.checked_sub(ISDP_PERSON_ID_BASE)?;
        (0..self.len() as i64).contains(&i).then_some(i as usize)
    }

    /// The index of the person with this job number / person code.
    pub fn index_of_job_number(&self, job_number: &str) -> Option<usize> {
        let i: usize = job_number.strip_prefix('E')?.parse().ok()?;
        (i < self.len() && job_number == job_number_of(i)).then_some(i)
    }

    /// `modifiedTime` of person `index`, without building the person:
    /// whole seconds for generated people, the time of the change (to the
    /// millisecond, say) for changed ones.
    pub fn modified_time(&self, index: usize) -> NaiveDateTime {
        if let Some(t) = self.with_hire(index, |p| p.modified_time) {
            return t;
        }
        if let Some(t) = self.with_edit(index, |e| e.modified) {
            return t;
        }
        self.generated_modified_time(index)
    }

    fn generated_modified_time(&self, index: usize) -> NaiveDateTime {
        let d = Draw::new(self.config.seed, index);
        let start = self.config.span_start.and_time(NaiveTime::MIN);
        if let Some(skew) = self.config.skew
            && d.unit(1) < skew.fraction
        {
            // The nightly job runs 02:00–03:00.
            return skew.day.and_time(NaiveTime::MIN)
                + ChronoDuration::seconds(7200 + d.below(2, 3600) as i64);
        }
        let span = self.config.span_days as u64 * 86_400;
        start + ChronoDuration::seconds(d.below(3, span) as i64)
    }

    /// `businessModifiedTime` of person `index`: up to 30 days before
    /// `modifiedTime` for generated people, equal to it for changed ones.
    pub fn business_modified_time(&self, index: usize) -> NaiveDateTime {
        if let Some(t) = self.with_hire(index, |p| p.business_modified_time) {
            return t;
        }
        if let Some(t) = self.with_edit(index, |e| e.modified) {
            return t;
        }
        self.generated_business_modified_time(index)
    }

    fn generated_business_modified_time(&self, index: usize) -> NaiveDateTime {
        let d = Draw::new(self.config.seed, index);
        let back = d.below(4, 30 * 86_400) as i64;
        let modified = self.generated_modified_time(index);
        let earliest = self.config.span_start.and_time(NaiveTime::MIN);
        (modified - ChronoDuration::seconds(back)).max(earliest.min(modified))
    }

    /// Beisen EmpStatus of person `index`, without building the person.
    pub fn emp_status(&self, index: usize) -> u8 {
        if let Some(s) = self.with_hire(index, |p| p.emp_status) {
            return s;
        }
        if let Some(s) = self.with_edit(index, |e| e.emp_status) {
            return s;
        }
        self.generated_emp_status(index)
    }

    fn generated_emp_status(&self, index: usize) -> u8 {
        let u = Draw::new(self.config.seed, index).unit(5);
        match u {
            u if u < 0.68 => 3,
            u if u < 0.78 => 2,
            u if u < 0.88 => 8,
            u if u < 0.91 => 6,
            u if u < 0.93 => 1,
            u if u < 0.94 => 4,
            u if u < 0.95 => 5,
            u if u < 0.96 => 7,
            u if u < 0.965 => 9,
            u if u < 0.975 => 10,
            u if u < 0.985 => 11,
            _ => 12,
        }
    }

    /// Beisen employType of person `index`.
    pub fn employ_type(&self, index: usize) -> u8 {
        if let Some(t) = self.with_hire(index, |p| p.employ_type) {
            return t;
        }
        self.generated_employ_type(index)
    }

    fn generated_employ_type(&self, index: usize) -> u8 {
        match Draw::new(self.config.seed, index).unit(6) {
            u if u < 0.90 => 0,
            u if u < 0.95 => 2,
            u if u < 0.98 => 1,
            _ => 3,
        }
    }

    /// Beisen serviceType of person `index`.
    pub fn service_type(&self, index: usize) -> u8 {
        if let Some(t) = self.with_hire(index, |p| p.service_type) {
            return t;
        }
        self.generated_service_type(index)
    }

    fn generated_service_type(&self, index: usize) -> u8 {
        match Draw::new(self.config.seed, index).unit(7) {
            u if u < 0.95 => 0,
            u if u < 0.98 => 1,
            u if u < 0.99 => 4,
            _ => 5,
        }
    }

    /// Beisen approvalStatus of person `index`: 4 (effective) for most, 2
    /// (approved, not yet effective) for about 2%.
    pub fn approval_status(&self, index: usize) -> u8 {
        if let Some(a) = self.with_hire(index, |p| p.approval_status) {
            return a;
        }
        self.generated_approval_status(index)
    }

    fn generated_approval_status(&self, index: usize) -> u8 {
        if Draw::new(self.config.seed, index).unit(34) < 0.98 {
            4
        } else {
            2
        }
    }

    /// Whether person `index` is soft-deleted in Beisen.
    pub fn is_deleted(&self, index: usize) -> bool {
        if let Some(d) = self.with_hire(index, |p| p.is_deleted) {
            return d;
        }
        self.generated_is_deleted(index)
    }

    fn generated_is_deleted(&self, index: usize) -> bool {
        Draw::new(self.config.seed, index).unit(8) < 0.01
    }

    /// Builds every field of person `index`.
    ///
    /// # Panics
    ///
    /// When `index >= len()`.
    pub fn person(&self, index: usize) -> Person {
        if let Some(p) = self.with_hire(index, Person::clone) {
            return p;
        }
        assert!(
            index < self.config.employees,
            "person {index} of {}",
            self.len()
        );
        let mut p = self.generate(index);
        if let Some(edit) = self.with_edit(index, |e| Some(e.clone())) {
            apply(&mut p, &edit);
            if let Some(t) = edit.modified {
                p.modified_time = t;
                p.business_modified_time = t;
            }
        }
        p
    }

    /// Person `index` as generated, for any index.
    fn generate(&self, index: usize) -> Person {
        let seed = self.config.seed;
        let d = Draw::new(seed, index);

        let surname_i = d.below(10, SURNAMES.len() as u64) as usize;
        let (g1, p1) = *d.pick(11, GIVEN);
        let (g2, p2) = *d.pick(12, GIVEN);
        let two_chars = d.unit(13) < 0.6;
        let name = if two_chars {
            format!("{}{g1}{g2}", SURNAMES[surname_i])
        } else {
            format!("{}{g1}", SURNAMES[surname_i])
        };
        let given_pinyin = if two_chars {
            format!("{p1}{p2}")
        } else {
            p1.to_owned()
        };
        let eng_name = format!(
            "{} {}",
            capitalise(&given_pinyin),
            SURNAMES_PINYIN[surname_i]
        );
        let gender = d.below(14, 2) as u8;

        let birthday = NaiveDate::from_ymd_opt(1965, 1, 1).expect("valid date")
            + ChronoDuration::days(d.below(15, 38 * 365) as i64);
        let id_number = id_number(
            d.pick::<&str>(16, REGIONS),
            birthday,
            d.below(17, 50) as u32,
            gender,
        );
        let mobile = format!(
            "{}{:08}",
            d.pick(18, MOBILE_PREFIXES),
            d.below(19, 100_000_000)
        );
        let email = format!(
            "{}.{}{}@corp.example.com",
            given_pinyin,
            SURNAMES_PINYIN[surname_i].to_lowercase(),
            index
        );

        // People sit in leaf-ish departments (not the root).
        let org = &self.orgs[1 + d.below(20, self.orgs.len() as u64 - 1) as usize];
        let emp_status = self.generated_emp_status(index);
        let modified_time = self.generated_modified_time(index);
        let entry_date = (self.config.span_start - ChronoDuration::days(30))
            - ChronoDuration::days(d.below(21, 15 * 365) as i64);
        let last_work_date = matches!(emp_status, 6 | 8 | 9 | 10)
            .then(|| modified_time.date() - ChronoDuration::days(d.below(22, 20) as i64));
        let manager_user_id = (index > 0 && d.unit(23) < 0.9)
            .then(|| USER_ID_BASE + d.below(24, index as u64) as i64);

        let mut custom = vec![(
            "extCostCenter_100001_1".to_owned(),
            json!(format!("CC{:04}", org.oid % 10_000)),
        )];
        if d.unit(25) < 0.5 {
            custom.push(("extWorkCity_100001_2".to_owned(), json!(d.pick(26, CITIES))));
        }
        if d.unit(27) < 0.3 {
            custom.push((
                "extShirtSize_100001_3".to_owned(),
                json!(d.pick(28, &["S", "M", "L", "XL"])),
            ));
        }
        // Null for about half the people, so the Beisen rule "null custom
        // keys are omitted" is exercised (and clients meet the key missing).
        let note = (d.unit(35) >= 0.5).then(|| {
            json!(d.pick(
                36,
                &["试用期表现良好", "延长试用期", "免试用期", "提前转正"]
            ))
        });
        custom.push((
            "extProbationNote_100001_4".to_owned(),
            note.unwrap_or(Value::Null),
        ));
        let mut extra = Vec::new();
        if d.unit(29) < 0.2 {
            extra.push(("stdTenantTag".to_owned(), json!("sandbox")));
        }
        if d.unit(30) < 0.1 {
            extra.push((
                "newFieldNotInDocs".to_owned(),
                json!({"since": "2026", "v": d.below(31, 9)}),
            ));
        }

        Person {
            index,
            user_id: USER_ID_BASE + index as i64,
            job_number: job_number_of(index),
            name,
            eng_name,
            gender,
            birthday,
            id_number,
            mobile,
            email,
            org_oid: org.oid,
            job_post_oid: format!("{}", 20_000 + d.below(32, 300)),
            position_oid: guid(seed, index),
            job_level: (*d.pick(33, JOB_LEVELS)).to_owned(),
            emp_status,
            employ_type: self.generated_employ_type(index),
            service_type: self.generated_service_type(index),
            approval_status: self.generated_approval_status(index),
            entry_date,
            last_work_date,
            manager_user_id,
            created_time: entry_date.and_time(NaiveTime::MIN) + ChronoDuration::hours(9),
            modified_time,
            business_modified_time: self.generated_business_modified_time(index),
            is_deleted: self.generated_is_deleted(index),
            custom,
            extra,
            isdp_person_id: ISDP_PERSON_ID_BASE + index as i64,
            isdp_user_id: 8_000_000 + index as i64,
            isdp_org_id: org.isdp_id,
        }
    }
}

/// Applies an edit's fields (not its time) to a person.
fn apply(p: &mut Person, edit: &Edit) {
    if let Some(status) = edit.emp_status {
        p.emp_status = status;
        p.last_work_date = edit.last_work_date;
    }
    if let Some(mobile) = &edit.mobile {
        p.mobile.clone_from(mobile);
    }
    if let Some(t) = &edit.transfer {
        if let Some(oid) = t.department_oid {
            p.org_oid = oid;
        }
        if let Some(id) = edit.isdp_org_id {
            p.isdp_org_id = id;
        }
        if let Some(m) = t.manager_user_id {
            p.manager_user_id = Some(m);
        }
        if let Some(v) = &t.job_post_oid {
            p.job_post_oid.clone_from(v);
        }
        if let Some(v) = &t.position_oid {
            p.position_oid.clone_from(v);
        }
        if let Some(v) = &t.job_level {
            p.job_level.clone_from(v);
        }
    }
}

/// A job level (职级) of the tenant: what `recordInfo.oIdJobLevel`
/// references, listed by `JobLevel/GetByTimeWindow`.
///
/// Beisen identifies job levels by a GUID (a production client filters
/// `OIdJobLevel` on values such as `"c28789f8-4e66-4365-84a3-b84a1f49d5c7"`
/// and keys its level table on `objectId`); the short code a travel or
/// expense platform knows (`"P3"`) is the level's `code`. A person's
/// [`Person::job_level`] is that code.
///
/// ```
/// use hr_sandbox::data::{DataConfig, Dataset};
///
/// let data = Dataset::new(DataConfig::default());
/// let p3 = data.job_level("P3").unwrap();
/// assert_eq!(p3.oid.len(), 36);
/// assert_eq!(data.job_level_by_oid(&p3.oid), Some(p3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLevel {
    /// `oId` (and `objectId`): a GUID.
    pub oid: String,
    /// `code`: the level code other systems key on (`"P3"`).
    pub code: &'static str,
    /// `name`.
    pub name: &'static str,
    /// `level`: the rank, 1 lowest.
    pub rank: u8,
    /// 职级类别 (`oIdJobLevelType`): 0 professional, 1 management, 2 external.
    pub level_type: u8,
    /// 1 enabled, 0 disabled.
    pub status: u8,
}

/// An employment form (用工形式): what `recordInfo.employmentForm`
/// references, listed by `EmploymentForm/GetByTimeWindow`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentForm {
    /// `oId` (and `objectId`): a GUID.
    pub oid: String,
    /// `code`.
    pub code: &'static str,
    /// `name`.
    pub name: &'static str,
}

/// A legal entity (法人公司, metaObject `Corporation`), with the fields a
/// finance integration reads. Every department belongs to one (its
/// division's branch, the head office for the root), see
/// [`Dataset::corporation_of_org`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corporation {
    /// `OId`: a GUID.
    pub oid: String,
    /// `Name`, e.g. `沙箱科技有限公司上海分公司`.
    pub name: String,
    /// `Code`.
    pub code: String,
    /// The `oId` of the department (the root, or a division) it serves.
    pub org_oid: i64,
    /// 统一社会信用代码 (also the tax number), 18 characters with valid
    /// GB 32100 and GB 11714 check characters.
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

/// `(code, name, rank, type)` of the job levels; `P0` is a retired level
/// (disabled, held by nobody).
const LEVEL_TABLE: &[(&str, &str, u8, u8)] = &[
    ("P1", "P1 助理", 1, 0),
    ("P2", "P2 专员", 2, 0),
    ("P3", "P3 高级专员", 3, 0),
    ("P4", "P4 资深专家", 4, 0),
    ("P5", "P5 首席专家", 5, 0),
    ("M1", "M1 主管", 4, 1),
    ("M2", "M2 经理", 5, 1),
    ("M3", "M3 总监", 6, 1),
    ("X9", "X9 外部顾问", 3, 2),
    ("P0", "P0 见习", 0, 0),
];
const FORM_TABLE: &[(&str, &str)] = &[
    ("01", "全职"),
    ("02", "兼职"),
    ("03", "劳务派遣"),
    ("04", "实习"),
    ("05", "退休返聘"),
    ("06", "劳务外包"),
];
/// Per city of [`CITIES`]: administrative division code, phone area code,
/// bank branch and registered address.
const CITY_FACTS: &[(&str, &str, &str, &str)] = &[
    (
        "110105",
        "010",
        "招商银行北京分行朝阳支行",
        "北京市朝阳区建国路88号",
    ),
    (
        "310115",
        "021",
        "中国工商银行上海市浦东分行",
        "上海市浦东新区世纪大道100号",
    ),
    (
        "440305",
        "0755",
        "中国银行深圳南山支行",
        "深圳市南山区科技园路1号",
    ),
    (
        "440106",
        "020",
        "中国建设银行广州天河支行",
        "广州市天河区珠江新城花城大道5号",
    ),
    (
        "330106",
        "0571",
        "杭州银行西湖支行",
        "杭州市西湖区文三路90号",
    ),
    (
        "510107",
        "028",
        "中国农业银行成都高新支行",
        "成都市高新区天府大道中段500号",
    ),
    (
        "420111",
        "027",
        "交通银行武汉光谷支行",
        "武汉市洪山区光谷大道77号",
    ),
    (
        "610113",
        "029",
        "中信银行西安雁塔支行",
        "西安市雁塔区科技路48号",
    ),
];

/// A GUID for catalogue entry `index` of kind `salt`.
fn catalogue_guid(config: &DataConfig, salt: u64, index: usize) -> String {
    guid(
        config.seed ^ mix(config.tenant_id as u64 ^ salt.wrapping_mul(0x100_0193)),
        index,
    )
}

/// A 统一社会信用代码: registration authority 9 (market regulator), type 1
/// (company), the region, a 9-character organisation code with its GB 11714
/// check, and the GB 32100 check character.
fn credit_code(region: &str, h: u64) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    // The organisation code: 8 digits and a check (GB 11714).
    let body: Vec<u32> = (0..8).map(|k| ((h >> (k * 4)) % 10) as u32).collect();
    let weights = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.iter().zip(weights).map(|(d, w)| d * w).sum();
    let check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from_digit(c, 10).unwrap_or('0'),
    };
    let mut code = format!("91{region}");
    code.extend(body.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')));
    code.push(check);
    let weights = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: usize = code
        .bytes()
        .zip(weights)
        .map(|(c, w)| CHARS.iter().position(|x| *x == c).unwrap_or(0) * w)
        .sum();
    code.push(char::from(CHARS[(31 - sum % 31) % 31]));
    code
}

fn build_job_levels(config: &DataConfig) -> Vec<JobLevel> {
    LEVEL_TABLE
        .iter()
        .enumerate()
        .map(|(k, &(code, name, rank, level_type))| JobLevel {
            oid: catalogue_guid(config, 0x1E_7E1, k),
            code,
            name,
            rank,
            level_type,
            status: u8::from(code != "P0"),
        })
        .collect()
}

fn build_employment_forms(config: &DataConfig) -> Vec<EmploymentForm> {
    FORM_TABLE
        .iter()
        .enumerate()
        .map(|(k, &(code, name))| EmploymentForm {
            oid: catalogue_guid(config, 0xF0_2A, k),
            code,
            name,
        })
        .collect()
}

/// The head office (the root department) and a branch per division.
fn build_corporations(config: &DataConfig, orgs: &[Org]) -> Vec<Corporation> {
    orgs.iter()
        .filter(|o| o.level <= 1)
        .enumerate()
        .map(|(k, org)| {
            let h = mix(config.seed ^ mix(0xC0_4B ^ k as u64));
            let city = if k == 0 {
                0
            } else {
                (k - 1) % CITY_FACTS.len()
            };
            let (region, area, bank, address) = CITY_FACTS[city];
            let name = if k == 0 {
                orgs[0].name.clone()
            } else {
                format!("{}{}", orgs[0].name, org.name)
            };
            Corporation {
                oid: catalogue_guid(config, 0xC0_4B, k),
                name,
                code: format!("LE{k:03}"),
                org_oid: org.oid,
                credit_code: credit_code(region, h),
                bank: bank.to_owned(),
                bank_account: format!(
                    "{:04}{:012}",
                    6_000 + (h >> 50) % 4_000,
                    (h >> 8) % 1_000_000_000_000
                ),
                phone: format!("{area}-{:08}", 60_000_000 + (h >> 20) % 30_000_000),
                address: address.to_owned(),
            }
        })
        .collect()
}

/// Beisen `userID` of person 0.
pub const USER_ID_BASE: i64 = 100_000_000;
/// ISDP `personId` of person 0.
pub const ISDP_PERSON_ID_BASE: i64 = 5_000_000;

/// The job number of person `index` (`E0000042`).
pub fn job_number_of(index: usize) -> String {
    format!("E{index:07}")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(crate) fn guid(seed: u64, index: usize) -> String {
    let a = mix(seed ^ 0x5EED ^ mix(index as u64 + 1));
    let b = mix(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// An 18-character mainland ID number with a valid GB 11643 check character.
///
/// ```
/// let id = hr_sandbox::data::id_number("110105", chrono::NaiveDate::from_ymd_opt(1949, 12, 31).unwrap(), 0, 1);
/// assert_eq!(id.len(), 18);
/// assert_eq!(&id[6..14], "19491231");
/// ```
pub fn id_number(region: &str, birthday: NaiveDate, seq: u32, gender: u8) -> String {
    // The 17th digit is odd for men and even for women.
    let order = (seq % 50) * 20 + (seq % 10) * 2 + u32::from(gender == 0);
    let body = format!(
        "{region}{:04}{:02}{:02}{:03}",
        birthday.year(),
        birthday.month(),
        birthday.day(),
        order % 1000
    );
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize])
}

fn build_orgs(config: &DataConfig) -> Vec<Org> {
    let count = (config.employees / 40).clamp(8, 2_000);
    let seed = config.seed ^ 0x0_2C;
    let root_oid: i64 = format!("900{}", config.tenant_id)
        .parse()
        .unwrap_or(900_000);
    let created = NaiveDate::from_ymd_opt(2018, 3, 1)
        .expect("valid date")
        .and_time(NaiveTime::MIN);
    let span = config.span_days as i64 * 86_400;
    let start = config.span_start.and_time(NaiveTime::MIN);
    let mut orgs = vec![Org {
        oid: root_oid,
        isdp_id: 9_911_000_000,
        parent_oid: None,
        name: "沙箱科技有限公司".into(),
        short_name: "沙箱科技".into(),
        code: "RootOrg".into(),
        level: 0,
        status: 1,
        person_in_charge: Some(USER_ID_BASE),
        modified_time: start,
        created_time: created,
    }];
    // Level 1: one division per city; level 2: functions; level 3: teams.
    let divisions = CITIES.len().min(count / 2).max(1);
    for k in 1..count {
        let d = Draw::new(seed, k);
        let (parent, level, name, short) = if k <= divisions {
            let city = CITIES[k - 1];
            (0, 1, format!("{city}分公司"), city.to_owned())
        } else {
            // Parents come earlier in the list; prefer levels 1 and 2.
            let parent = 1 + d.below(1, (k - 1).min(divisions * 13) as u64) as usize;
            let level = orgs[parent].level + 1;
            let function = d.pick(2, FUNCTIONS);
            let (name, short) = if level == 2 {
                (
                    format!("{}{function}部", orgs[parent].short_name),
                    format!("{function}部"),
                )
            } else {
                let team = d.pick(3, TEAMS);
                (format!("{}{team}", orgs[parent].name), (*team).to_owned())
            };
            (parent, level, name, short)
        };
        orgs.push(Org {
            oid: 1_000_000 + k as i64,
            isdp_id: 9_911_000_000 + k as i64,
            parent_oid: Some(orgs[parent].oid),
            name,
            short_name: short,
            code: format!("D{k:05}"),
            level,
            status: if d.unit(4) < 0.97 { 1 } else { 0 },
            person_in_charge: (d.unit(5) < 0.8)
                .then(|| USER_ID_BASE + d.below(6, config.employees as u64) as i64),
            modified_time: start + ChronoDuration::seconds(d.below(7, span as u64) as i64),
            created_time: created + ChronoDuration::days(d.below(8, 900) as i64),
        });
    }
    orgs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_people_other_seed_other_people() {
        let a = Dataset::new(DataConfig::default());
        let b = Dataset::new(DataConfig::default());
        let c = Dataset::new(DataConfig {
            seed: 7,
            ..DataConfig::default()
        });
        assert_eq!(a.person(123), b.person(123));
        assert_ne!(a.person(123).name, c.person(123).name);
    }

    #[test]
    fn id_numbers_have_valid_checksums_and_birthdays() {
        let data = Dataset::new(DataConfig::default());
        for i in 0..500 {
            let p = data.person(i);
            let id = &p.id_number;
            assert_eq!(id.len(), 18);
            assert_eq!(&id[6..14], p.birthday.format("%Y%m%d").to_string());
            let odd = id.as_bytes()[16] % 2 == 1;
            assert_eq!(odd, p.gender == 0, "17th digit odd for men: {id}");
            // Standard validation: Σ(a_i·W_i) + check ≡ 1 (mod 11).
            let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
            let sum: u32 = id[..17]
                .chars()
                .zip(weights)
                .map(|(c, w)| c.to_digit(10).unwrap() * w)
                .sum();
            let check = match id.chars().last().unwrap() {
                'X' => 10,
                c => c.to_digit(10).unwrap(),
            };
            assert_eq!((sum + check) % 11, 1, "{id}");
        }
    }

    #[test]
    fn mobiles_match_the_mainland_pattern() {
        let data = Dataset::new(DataConfig::default());
        for i in 0..500 {
            let m = data.person(i).mobile;
            assert_eq!(m.len(), 11);
            let b = m.as_bytes();
            let ok = b[0] == b'1'
                && match b[1] {
                    b'3' | b'8' => true,
                    b'4' => matches!(b[2], b'5' | b'7'),
                    b'5' | b'9' => b[2] != b'4',
                    b'6' => matches!(b[2], b'2' | b'5'..=b'7'),
                    b'7' => matches!(b[2], b'0'..=b'3' | b'5'..=b'8'),
                    _ => false,
                };
            assert!(ok, "{m}");
        }
    }

    #[test]
    fn modification_times_stay_in_span_and_skew_concentrates_them() {
        let day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        let data = Dataset::new(DataConfig {
            employees: 2_000,
            skew: Some(Skew { fraction: 0.4, day }),
            ..DataConfig::year_2024()
        });
        let start = data.config().span_start.and_time(NaiveTime::MIN);
        let end = start + ChronoDuration::days(365);
        let mut on_day = 0;
        for i in 0..data.len() {
            let t = data.modified_time(i);
            assert!(t >= start && t < end);
            assert!(data.business_modified_time(i) <= t);
            on_day += usize::from(t.date() == day);
        }
        assert!(
            (700..=900).contains(&on_day),
            "{on_day} of 2000 on the skew day"
        );
    }

    #[test]
    fn statuses_include_departed_and_retired() {
        let data = Dataset::new(DataConfig::default());
        let statuses: std::collections::BTreeSet<u8> =
            (0..data.len()).map(|i| data.emp_status(i)).collect();
        assert!(statuses.contains(&8) && statuses.contains(&6) && statuses.contains(&3));
        assert!(data.person(5).emp_status == data.emp_status(5));
    }

    #[test]
    fn org_tree_is_rooted_and_parents_precede_children() {
        let data = Dataset::new(DataConfig {
            employees: 10_000,
            ..DataConfig::default()
        });
        let orgs = data.orgs();
        assert_eq!(orgs[0].parent_oid, None);
        assert_eq!(orgs[0].oid, 900_100_001);
        for (k, org) in orgs.iter().enumerate().skip(1) {
            let parent = orgs
                .iter()
                .position(|o| Some(o.oid) == org.parent_oid)
                .unwrap();
            assert!(parent < k);
            assert_eq!(org.level, orgs[parent].level + 1);
        }
        assert!(orgs.iter().any(|o| o.level == 3));
    }

    #[test]
    fn catalogues_are_referenced_and_well_formed() {
        let data = Dataset::new(DataConfig::default());
        for i in 0..data.len() {
            let p = data.person(i);
            assert_eq!(data.org_oid(i), p.org_oid, "person {i}");
            let level = data.job_level(&p.job_level).expect("a known level");
            assert_eq!(level.status, 1, "{}", level.code);
            assert!(
                data.employment_forms()
                    .contains(data.employment_form_of(i, false))
            );
        }
        let oids: std::collections::BTreeSet<_> =
            data.job_levels().iter().map(|l| l.oid.as_str()).collect();
        assert_eq!(oids.len(), data.job_levels().len());
        assert!(oids.iter().all(|o| o.len() == 36));
        // Every department has a legal entity; branches serve divisions.
        assert_eq!(
            data.corporation_of_org(data.orgs()[0].oid).name,
            "沙箱科技有限公司"
        );
        for org in data.orgs() {
            let corp = data.corporation_of_org(org.oid);
            let home = data.org(corp.org_oid).unwrap();
            assert!(home.level <= 1 && (org.level == 0) == (home.level == 0));
        }
        const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        let weights = [
            1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
        ];
        for corp in data.corporations() {
            let code = corp.credit_code.as_bytes();
            assert_eq!(code.len(), 18, "{}", corp.credit_code);
            let sum: usize = code[..17]
                .iter()
                .zip(weights)
                .map(|(c, w)| CHARS.iter().position(|x| x == c).unwrap() * w)
                .sum();
            let check = CHARS.iter().position(|x| *x == code[17]).unwrap();
            assert_eq!((sum + check) % 31, 0, "{}", corp.credit_code);
            assert!(
                corp.bank_account.len() == 16
                    && corp.bank_account.bytes().all(|b| b.is_ascii_digit())
            );
        }
    }

    #[test]
    fn lookups_invert_ids() {
        let data = Dataset::new(DataConfig::default());
        let p = data.person(77);
        assert_eq!(data.index_of_user_id(p.user_id), Some(77));
        assert_eq!(data.index_of_isdp_person_id(p.isdp_person_id), Some(77));
        assert_eq!(data.index_of_job_number(&p.job_number), Some(77));
        assert_eq!(data.index_of_job_number("E99999999"), None);
        assert_eq!(data.index_of_user_id(1), None);
    }

    #[test]
    fn the_default_span_ends_today_and_nothing_is_in_the_future() {
        let config = DataConfig::default();
        let today = Clock::new().today();
        // Made a moment ago: midnight may have passed since.
        let today = if config.span_end() == today {
            today
        } else {
            today - ChronoDuration::days(1)
        };
        assert_eq!(config.span_end(), today);
        assert_eq!(config.last_day(), today - ChronoDuration::days(1));
        assert_eq!(config.span_days, 365);
        let data = Dataset::new(config);
        let midnight = today.and_time(NaiveTime::MIN);
        let month_ago = midnight - ChronoDuration::days(30);
        let mut recent = 0;
        for i in 0..data.len() {
            let t = data.modified_time(i);
            assert!(t < midnight && t >= data.config().span_start.and_time(NaiveTime::MIN));
            recent += usize::from(t >= month_ago);
        }
        // About 30/365 of 1,000.
        assert!((50..=120).contains(&recent), "{recent}");
    }

    #[test]
    fn pinned_2024_is_the_former_default() {
        let config = DataConfig::year_2024();
        assert_eq!(
            (
                config.seed,
                config.employees,
                config.span_days,
                config.tenant_id
            ),
            (42, 1_000, 365, 100_001)
        );
        assert_eq!(
            config.span_start,
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
        );
        assert_eq!(
            config.last_day(),
            NaiveDate::from_ymd_opt(2024, 12, 30).unwrap()
        );
        let ending = DataConfig::ending(NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(), 365);
        assert_eq!(ending, config);
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").unwrap()
    }

    /// Every accessor of every person, to compare datasets.
    fn everything(data: &Dataset) -> Vec<(Person, NaiveDateTime, NaiveDateTime, [u8; 4], bool)> {
        (0..data.len())
            .map(|i| {
                (
                    data.person(i),
                    data.modified_time(i),
                    data.business_modified_time(i),
                    [
                        data.emp_status(i),
                        data.employ_type(i),
                        data.service_type(i),
                        data.approval_status(i),
                    ],
                    data.is_deleted(i),
                )
            })
            .collect()
    }

    #[test]
    fn changes_show_in_every_accessor_and_leave_the_others_alone() {
        let data = Dataset::new(DataConfig::year_2024());
        let before = everything(&data);
        assert_eq!(data.revision(), 0);
        assert!(!data.is_changed(3) && data.changes.edited.get().is_none());

        let t = at("2026-03-01T10:00:00.123");
        let active = (0..data.len())
            .find(|&i| data.emp_status(i) == 3 && !data.is_deleted(i))
            .unwrap();
        let job = job_number_of(active);
        assert!(data.dismiss(&job, t));
        assert!(data.set_mobile("E0000005", "13700000000", t));
        assert!(!data.dismiss("E9999999", t) && !data.set_mobile("nobody", "1", t));
        let hired = data.hire(
            NewHire::new("张三", "13800138000")
                .with_department_oid(data.orgs()[2].oid)
                .with_job_level("P3"),
            t,
        );
        assert_eq!(hired, "E0001000");
        assert_eq!(
            (data.len(), data.generated_len(), data.revision()),
            (1001, 1000, 3)
        );

        let left = data.person(active);
        assert_eq!((left.emp_status, data.emp_status(active)), (8, 8));
        assert!(left.has_left());
        assert_eq!(left.last_work_date, Some(t.date()));
        assert_eq!((left.modified_time, left.business_modified_time), (t, t));
        assert_eq!(data.modified_time(active), t);
        assert_eq!(data.business_modified_time(active), t);
        assert_eq!(data.person(5).mobile, "13700000000");
        assert_eq!(
            data.emp_status(5),
            before[5].3[0],
            "a new mobile keeps the status"
        );

        let new = data.person(1000);
        assert_eq!(
            (new.name.as_str(), new.mobile.as_str()),
            ("张三", "13800138000")
        );
        assert_eq!(
            (new.org_oid, new.isdp_org_id),
            (data.orgs()[2].oid, data.orgs()[2].isdp_id)
        );
        assert_eq!(
            (new.job_level.as_str(), new.emp_status, new.approval_status),
            ("P3", 2, 4)
        );
        assert_eq!(new.email, "hire.1000@corp.example.com");
        assert_eq!((new.entry_date, new.modified_time), (t.date(), t));
        assert!(!new.is_deleted && !data.is_deleted(1000));
        assert_eq!(data.index_of_job_number("E0001000"), Some(1000));
        assert_eq!(data.index_of_user_id(new.user_id), Some(1000));
        assert_eq!(data.index_of_isdp_person_id(new.isdp_person_id), Some(1000));
        assert_eq!(data.find_hire(|p| p.mobile == "13800138000"), Some(1000));
        // A hire can be changed too, in place.
        let later = t + ChronoDuration::seconds(5);
        assert!(data.set_mobile("E0001000", "13900000000", later));
        assert!(data.dismiss("E0001000", later));
        let new = data.person(1000);
        assert_eq!(
            (new.mobile.as_str(), new.emp_status, new.modified_time),
            ("13900000000", 8, later)
        );

        // Nobody else changed.
        let after = everything(&data);
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            if i != active && i != 5 {
                assert_eq!(b, a, "person {i}");
            }
        }
        // A clone is a snapshot.
        let copy = data.clone();
        assert!(data.dismiss("E0000005", later));
        assert_eq!(copy.len(), 1001);
        assert_eq!(copy.emp_status(5), before[5].3[0]);
        assert_eq!(data.emp_status(5), 8);
    }

    #[test]
    fn transfers_accumulate_and_show_in_every_view_of_the_person() {
        let data = Dataset::new(DataConfig::year_2024());
        let t = at("2026-03-01T10:00:00.5");
        let before = data.person(9);
        let to = data
            .orgs()
            .iter()
            .find(|o| o.oid != before.org_oid)
            .unwrap()
            .clone();
        let level = if before.job_level == "M2" { "P1" } else { "M2" };
        assert!(
            data.transfer(
                "E0000009",
                Transfer::new()
                    .with_department_oid(to.oid)
                    .with_manager_user_id(USER_ID_BASE + 1)
                    .with_job_level(level),
                t,
            )
        );
        // A later transfer that names only the post keeps the earlier moves.
        let later = t + ChronoDuration::seconds(4);
        assert!(data.transfer(
            "E0000009",
            Transfer::new().with_job_post_oid("20007"),
            later
        ));
        assert!(!data.transfer("E9999999", Transfer::new(), later));
        let p = data.person(9);
        assert_eq!((p.org_oid, p.isdp_org_id), (to.oid, to.isdp_id));
        assert_eq!(data.org_oid(9), to.oid);
        assert_eq!(p.manager_user_id, Some(USER_ID_BASE + 1));
        assert_eq!(
            (p.job_level.as_str(), p.job_post_oid.as_str()),
            (level, "20007")
        );
        assert_eq!(p.position_oid, before.position_oid);
        assert_eq!((p.modified_time, data.modified_time(9)), (later, later));
        assert_eq!((p.emp_status, p.mobile), (before.emp_status, before.mobile));
        assert_eq!(data.revision(), 2);

        // An unknown department: kept for Beisen, ISDP's root for ISDP.
        assert!(data.transfer("E0000010", Transfer::new().with_department_oid(42), later));
        let p = data.person(10);
        assert_eq!((p.org_oid, p.isdp_org_id), (42, data.orgs()[0].isdp_id));

        // Hires move in place; a departure on a given day keeps the day.
        let hired = data.hire(
            NewHire::new("张三", "13800138000")
                .with_entry_date(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap())
                .with_employ_type(2),
            t,
        );
        assert!(data.transfer(&hired, Transfer::new().with_department_oid(to.oid), later));
        let h = data.person(1000);
        assert_eq!(
            (h.org_oid, data.org_oid(1000), h.isdp_org_id),
            (to.oid, to.oid, to.isdp_id)
        );
        assert_eq!(
            (h.entry_date.to_string().as_str(), h.employ_type),
            ("2026-10-01", 2)
        );
        assert_eq!(data.employ_type(1000), 2);
        let day = NaiveDate::from_ymd_opt(2026, 2, 27).unwrap();
        assert!(data.dismiss_on("E0000009", day, later));
        let p = data.person(9);
        assert_eq!((p.emp_status, p.last_work_date), (8, Some(day)));
        assert_eq!(p.org_oid, to.oid, "a departure keeps the transfer");
    }
}
