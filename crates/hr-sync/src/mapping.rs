//! From an HR record to the travel platform's `UserInfo`: the [`Mapping`].
//!
//! The mapping is plain data, set in code or read from TOML
//! ([`Mapping::from_toml_str`], [`Mapping::from_toml_file`]); every field
//! has a default, so a file names only what it changes:
//!
//! ```
//! let mapping = hr_sync::Mapping::from_toml_str(r#"
//!     [beisen]
//!     key = "userID"
//!     leave_statuses = [6, 8, 9, 10, 4]   # also 4 调出 (transferred out)
//!     [beisen.extra_info]
//!     costOwner = "extCostCenter_100001_1"
//! "#)?;
//! assert_eq!(mapping.beisen.key, hr_sync::mapping::BeisenKey::UserId);
//! assert!(mapping.beisen.leave_statuses.contains(&4));
//! assert!(!mapping.cards); // untouched: the default
//! # Ok::<(), hr_sync::Error>(())
//! ```
//!
//! # The default mapping
//!
//! | `UserInfo` | Beisen | ISDP+ |
//! |---|---|---|
//! | `userNo` (the key) | `recordInfo.jobNumber` ([`BeisenKey`]) | `personCode` ([`IsdpKey`]) |
//! | `fullName` | `employeeInfo.name`, else `_Name` | `personName` |
//! | `mobile` | `employeeInfo.mobilePhone` | `phone` ([`IsdpMapping::mobile_field`]) |
//! | `emailAddress` | `employeeInfo.email`, when it is an address | — |
//! | `gender` | `employeeInfo.gender`: 0 → `M`, 1 → `F` | — |
//! | `birthday` | `employeeInfo.birthday` as `yyyy-MM-dd`, when after 1900 and not in the future | — |
//! | `departmentCode`, `departmentName` | the unit of `recordInfo.oIdDepartment`: `code`, `name` | `Org.orgNo`, `Org.orgName` |
//! | `level`, `levelName` | `recordInfo.oIdJobLevel` ([`BeisenLevel`]), as the level's `code` when the source resolved the GUID ([`BeisenRecord::job_level`](crate::source::BeisenRecord::job_level)), else as sent; the name from [`BeisenMapping::level_names`], else the level's `name`, else the translated text | the first `positionInfo`: `positionCode`, `positionName` ([`IsdpLevel`]) |
//! | `isLeave` | `recordInfo.employeeStatus` in [`BeisenMapping::leave_statuses`], or the employee deleted | `personStatus` in [`IsdpMapping::leave_statuses`] |
//! | `costCenterCode` | the custom property [`BeisenMapping::cost_center`], if set | — |
//! | `extraInfo` | custom properties named in [`BeisenMapping::extra_info`] | fields named in [`IsdpMapping::extra_info`] |
//! | `nationality` | [`Mapping::nationality`], if set | same |
//! | `cardInfo` | only with [`Mapping::cards`]: the resident ID (`iDType` 1, `iDNumber`) and the passport | never (ISDP masks them) |
//!
//! # Which statuses mean "has left"
//!
//! Beisen's 人员状态 (`empStatus`), and the default:
//!
//! | code | status | `isLeave` |
//! |---|---|---|
//! | 1 | 待入职 pending entry | false: not started, but may book the trip to start |
//! | 2 | 试用 probation | false |
//! | 3 | 正式 regular | false |
//! | 4 | 调出 transferred out | false: moved to another company of the tenant, still employed |
//! | 5 | 待调入 pending transfer in | false |
//! | 6 | 退休 retired | **true** |
//! | 7 | 返聘 retired, rehired | false |
//! | 8 | 离职 departed | **true** |
//! | 9 | 身故 deceased | **true** |
//! | 10 | 返聘结束 rehire ended | **true** |
//! | 11 | 待返聘 pending rehire | false: retired until the rehire starts, but kept, since the rehire is agreed |
//! | 12 | 非正式 informal | false |
//!
//! A record without a status (or with a code Beisen adds later) is not a
//! leaver. A soft-deleted employee (`stdIsDeleted`) is one, unless
//! [`BeisenMapping::deleted_is_leave`] is off.
//!
//! # When a departure takes effect
//!
//! The status is read from the employment record **in effect today**
//! (the source asks Beisen for `isGetLatestRecord: false`), not from the
//! latest one. A departure entered today with a last working day next
//! week is therefore still 正式 today: the person keeps travel access
//! until the departure takes effect, which is what HR entered. On the day
//! it takes effect nothing in Beisen is modified, so a plain "changed
//! since the last run" read would never see it; the Beisen source
//! re-reads the last [`lookback`](crate::BeisenSource::lookback) (31 days
//! by default) on every run for that reason, and the person's record,
//! now 离职, maps to `isLeave: true` and differs from what was pushed. A
//! departure entered further ahead than the look-back is missed until the
//! person is modified again or a full run; widen the look-back if HR
//! enters departures earlier than that. (Beisen does not document whether
//! `businessModifiedTime` is the time of entry or the effective date; the
//! look-back covers both within its span.)
//!
//! ISDP+'s `personStatus`: `Cancel` (注销, deregistered, what ISDP does to
//! leavers) means leave; `NoAccountOpened`, `OpeningAccount`,
//! `OpenAccount` and `Freeze` (冻结, a suspension that can be lifted) do
//! not.
//!
//! # Records that cannot be mapped
//!
//! A record without a key, a name or a mobile, with a masked or invalid
//! mobile, or otherwise failing [`UserInfo::validate`], is
//! [`Skipped`] with a [`SkipReason`], reported and never pushed. Mobile
//! numbers are read as the travel platform's rules say
//! ([`check_mobile`]): an 11-digit mainland mobile, or `+`, a country code
//! and the number; a leading `00` is read as `+`; a number containing `*`
//! is masked and cannot be sent; `(+852)`-style prefixes are read as
//! `+852`. Optional fields that would make the user invalid (an e-mail
//! that is not an address, a birthday in the future, an identity card
//! whose number fails its checksum or contradicts the birthday) are left
//! out rather than losing the user, and logged (field and rule, never the
//! value).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use beisen_client::enums::{EmpStatus, Gender as BeisenGender};
use beisen_client::models::Employee;
use hr_common::CivilDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use travel_sync_types::validation::{check_email, check_mobile, check_nationality};
use travel_sync_types::{CardInfo, CardType, Gender, UserInfo, UserKey};

use crate::source::{BeisenRecord, SourceRecord};
use crate::{Error, Result};

/// How records become `UserInfo`s. See the [module docs](self) for the
/// default and the status tables.
///
/// ```
/// use hr_sync::Mapping;
/// let mut mapping = Mapping::default();
/// mapping.cards = true; // opt in to identity documents
/// mapping.beisen.extra_info.insert("workCity".into(), "extWorkCity_100001_2".into());
/// let text = mapping.to_toml_string()?;
/// assert_eq!(Mapping::from_toml_str(&text)?, mapping);
/// # Ok::<(), hr_sync::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Mapping {
    /// Whether identity documents (`cardInfo`) are sent. Off by default:
    /// the spec says that under the Personal Information Protection Law
    /// they should in principle not be. The travel client withholds cards
    /// too unless it also opts in.
    pub cards: bool,
    /// `nationality` (ISO 3166-1 alpha-3, e.g. `CHN`) for every user;
    /// none by default.
    pub nationality: Option<String>,
    /// Beisen records.
    pub beisen: BeisenMapping,
    /// ISDP+ persons.
    pub isdp: IsdpMapping,
}

/// Which Beisen field is the travel platform's `userNo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum BeisenKey {
    /// `recordInfo.jobNumber` (工号), the default: what people and other
    /// systems know an employee by.
    #[default]
    #[serde(rename = "jobNumber")]
    JobNumber,
    /// `employeeInfo.userID`, Beisen's own number: stable even when job
    /// numbers are reassigned.
    #[serde(rename = "userID")]
    UserId,
}

/// Which ISDP+ field is the travel platform's `userNo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum IsdpKey {
    /// `personCode` (the job number), the default.
    #[default]
    #[serde(rename = "personCode")]
    PersonCode,
    /// `personId`.
    #[serde(rename = "personId")]
    PersonId,
}

/// Where a Beisen `level` comes from. In TOML: `"jobLevel"`,
/// `"jobGrade"`, `"jobPost"`, `"position"`, `"none"` or
/// `"custom:<property>"`.
///
/// ```
/// use hr_sync::mapping::BeisenLevel;
/// assert_eq!("custom:extLevel_1".parse::<BeisenLevel>()?, BeisenLevel::Custom("extLevel_1".into()));
/// assert_eq!(BeisenLevel::JobGrade.to_string(), "jobGrade");
/// # Ok::<(), hr_sync::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[non_exhaustive]
pub enum BeisenLevel {
    /// `recordInfo.oIdJobLevel` (职级), the default: the level's `code`
    /// when the source resolved the `oId` (a GUID) through the level
    /// catalogue ([`BeisenSource`](crate::BeisenSource) does), else the
    /// value as sent.
    #[default]
    JobLevel,
    /// `recordInfo.oidJobGrade` (职等).
    JobGrade,
    /// `recordInfo.oIdJobPost` (职务).
    JobPost,
    /// `recordInfo.oIdJobPosition` (职位).
    Position,
    /// A custom property of the employee or the record.
    Custom(String),
    /// No level.
    None,
}

impl FromStr for BeisenLevel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "jobLevel" => BeisenLevel::JobLevel,
            "jobGrade" => BeisenLevel::JobGrade,
            "jobPost" => BeisenLevel::JobPost,
            "position" => BeisenLevel::Position,
            "none" => BeisenLevel::None,
            other => match other.strip_prefix("custom:") {
                Some(name) if !name.is_empty() => BeisenLevel::Custom(name.to_owned()),
                _ => {
                    return Err(Error::Config(format!(
                        "beisen.level: `{other}` is none of jobLevel, jobGrade, jobPost, position, none, custom:<property>"
                    )));
                }
            },
        })
    }
}

impl TryFrom<String> for BeisenLevel {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl fmt::Display for BeisenLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BeisenLevel::JobLevel => f.write_str("jobLevel"),
            BeisenLevel::JobGrade => f.write_str("jobGrade"),
            BeisenLevel::JobPost => f.write_str("jobPost"),
            BeisenLevel::Position => f.write_str("position"),
            BeisenLevel::Custom(name) => write!(f, "custom:{name}"),
            BeisenLevel::None => f.write_str("none"),
        }
    }
}

impl From<BeisenLevel> for String {
    fn from(level: BeisenLevel) -> String {
        level.to_string()
    }
}

/// Where an ISDP+ `level` comes from. In TOML: `"position"`, `"none"` or
/// `"field:<name>"` (any field of the person, `udfExtend1` say).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[non_exhaustive]
pub enum IsdpLevel {
    /// The first `positionInfo`: `positionCode` as the level,
    /// `positionName` as its name. The default.
    #[default]
    Position,
    /// A field of the person.
    Field(String),
    /// No level.
    None,
}

impl FromStr for IsdpLevel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "position" => IsdpLevel::Position,
            "none" => IsdpLevel::None,
            other => match other.strip_prefix("field:") {
                Some(name) if !name.is_empty() => IsdpLevel::Field(name.to_owned()),
                _ => {
                    return Err(Error::Config(format!(
                        "isdp.level: `{other}` is none of position, none, field:<name>"
                    )));
                }
            },
        })
    }
}

impl TryFrom<String> for IsdpLevel {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl fmt::Display for IsdpLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IsdpLevel::Position => f.write_str("position"),
            IsdpLevel::Field(name) => write!(f, "field:{name}"),
            IsdpLevel::None => f.write_str("none"),
        }
    }
}

impl From<IsdpLevel> for String {
    fn from(level: IsdpLevel) -> String {
        level.to_string()
    }
}

/// The Beisen part of a [`Mapping`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct BeisenMapping {
    /// The key (default `jobNumber`).
    pub key: BeisenKey,
    /// `empStatus` codes that mean the employee has left (default 6, 8, 9,
    /// 10; see the [module docs](self)).
    pub leave_statuses: BTreeSet<i64>,
    /// Whether a soft-deleted employee has left (default yes).
    pub deleted_is_leave: bool,
    /// Where `level` comes from (default `jobLevel`).
    pub level: BeisenLevel,
    /// A custom property holding the cost centre code, for
    /// `costCenterCode`.
    pub cost_center: Option<String>,
    /// `levelName` by level code; a level not listed takes the level's
    /// name from the catalogue (for `jobLevel`, when resolved), else the
    /// translated text Beisen may send (`OIdJobLevelText`), else none.
    pub level_names: BTreeMap<String, String>,
    /// `extraInfo` entries: key in `extraInfo` → custom property (of the
    /// employee, else of the record). Absent properties are left out.
    pub extra_info: BTreeMap<String, String>,
}

impl Default for BeisenMapping {
    fn default() -> Self {
        BeisenMapping {
            key: BeisenKey::JobNumber,
            leave_statuses: [
                EmpStatus::Retired,
                EmpStatus::Departed,
                EmpStatus::Deceased,
                EmpStatus::RehireEnded,
            ]
            .into_iter()
            .map(EmpStatus::code)
            .collect(),
            deleted_is_leave: true,
            level: BeisenLevel::JobLevel,
            level_names: BTreeMap::new(),
            cost_center: None,
            extra_info: BTreeMap::new(),
        }
    }
}

/// The ISDP+ part of a [`Mapping`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct IsdpMapping {
    /// The key (default `personCode`).
    pub key: IsdpKey,
    /// `personStatus` codes that mean the person has left (default
    /// `Cancel`).
    pub leave_statuses: BTreeSet<String>,
    /// The field holding the mobile number (default `phone`). ISDP masks
    /// `phone` in listings, and a masked number cannot be sent: tenants
    /// that keep the full number elsewhere (a `udfExtend` field) name that
    /// field here. Persons whose number is masked are skipped with
    /// [`SkipReason::MaskedMobile`].
    pub mobile_field: String,
    /// Where `level` comes from (default the first position).
    pub level: IsdpLevel,
    /// Whether smart-device accounts (`isSmartDevice`: cameras, gates) are
    /// skipped (default yes): they do not travel.
    pub skip_smart_devices: bool,
    /// `levelName` by level code, over the position name.
    pub level_names: BTreeMap<String, String>,
    /// `extraInfo` entries: key in `extraInfo` → field of the person
    /// (`udfExtend1`, `integrationAccount`, …).
    pub extra_info: BTreeMap<String, String>,
}

impl Default for IsdpMapping {
    fn default() -> Self {
        IsdpMapping {
            key: IsdpKey::PersonCode,
            leave_statuses: BTreeSet::from(["Cancel".to_owned()]),
            mobile_field: "phone".into(),
            level: IsdpLevel::Position,
            level_names: BTreeMap::new(),
            extra_info: BTreeMap::new(),
            skip_smart_devices: true,
        }
    }
}

/// Why a record was not pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// No key (no job number, say).
    NoKey,
    /// No name.
    NoName,
    /// No mobile number.
    NoMobile,
    /// A mobile number masked with `*`.
    MaskedMobile,
    /// A mobile number the travel platform would refuse.
    InvalidMobile,
    /// Fails [`UserInfo::validate`] for another reason.
    Invalid,
    /// A record the mapping leaves out on purpose (a smart-device account).
    Excluded,
    /// A second record with a key already seen in this run; the first one
    /// is pushed.
    DuplicateKey,
    /// A stored failure whose saved user could not be read back.
    Unreadable,
}

impl SkipReason {
    /// The reason as written in reports (`no_mobile`).
    ///
    /// ```
    /// assert_eq!(hr_sync::SkipReason::MaskedMobile.as_str(), "masked_mobile");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NoKey => "no_key",
            SkipReason::NoName => "no_name",
            SkipReason::NoMobile => "no_mobile",
            SkipReason::MaskedMobile => "masked_mobile",
            SkipReason::InvalidMobile => "invalid_mobile",
            SkipReason::Invalid => "invalid",
            SkipReason::Excluded => "excluded",
            SkipReason::DuplicateKey => "duplicate_key",
            SkipReason::Unreadable => "unreadable",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record that was not pushed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Skipped {
    /// The record's key, when it has one.
    pub key: Option<String>,
    /// The record as a person would find it in the HR system (`userID
    /// 100000007`, `personId 5000001`), for records without a key.
    pub record: String,
    /// Why.
    pub reason: SkipReason,
    /// More detail (the violated rules), never the offending value.
    pub detail: Option<String>,
    /// The record says the person left, though it cannot be mapped (HR
    /// often clears a leaver's mobile): the pipeline still pushes them as
    /// left, from what it last pushed for the key.
    pub leaving: bool,
    /// The record's precedence, for a leaving one (see `leaving`).
    #[serde(skip)]
    pub(crate) precedence: Option<Box<Precedence>>,
    /// The key as the source gave it when it is not reported (control
    /// characters): the record is still in the listing under it.
    #[serde(skip)]
    pub(crate) listed_key: Option<Box<str>>,
}

impl Skipped {
    pub(crate) fn new(key: Option<&str>, record: String, reason: SkipReason) -> Self {
        Skipped {
            key: key.map(str::to_owned),
            record,
            reason,
            detail: None,
            leaving: false,
            precedence: None,
            listed_key: None,
        }
    }

    /// Whether the record left, and its precedence against other records
    /// with its key.
    pub(crate) fn left_as(mut self, precedence: Precedence) -> Self {
        self.leaving = !precedence.active;
        self.precedence = Some(Box::new(precedence));
        self
    }

    /// The key the record is listed under, when it is not reported.
    pub(crate) fn listed_under(&self) -> Option<&str> {
        self.key.as_deref().or(self.listed_key.as_deref())
    }

    pub(crate) fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The key, else the record's description: what a report lists.
    pub fn label(&self) -> &str {
        self.key.as_deref().unwrap_or(&self.record)
    }
}

/// A record mapped to a user.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MappedUser {
    /// The key the store keeps the user under: the `userNo` (or
    /// `userId:<n>` for a user keyed by `userId`).
    pub key: String,
    /// The user, valid by [`UserInfo::validate`].
    pub user: UserInfo,
    /// What decides between two records with this key in one run.
    pub(crate) precedence: Precedence,
}

/// Which of two records with one key a run keeps, whatever order they
/// arrive in (parallel windows deliver out of order; a rehire under a new
/// HR id keeps the old job number, so the old, departed employment and the
/// new one share a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Precedence {
    /// The person in the HR system (Beisen `userID`, ISDP `personId`);
    /// `i64::MIN`: unknown.
    identity: i64,
    /// When the record last changed (civil seconds since the epoch);
    /// `i64::MIN`: unknown.
    version: i64,
    /// Not pushed as left.
    active: bool,
    /// Order of arrival in the run (set by the pipeline); the last word
    /// when nothing else tells two records apart.
    pub(crate) arrival: u64,
}

const UNKNOWN: i64 = i64::MIN;

impl Precedence {
    fn new(identity: Option<i64>, version: Option<chrono::NaiveDateTime>, active: bool) -> Self {
        Precedence {
            identity: identity.unwrap_or(UNKNOWN),
            version: version.map_or(UNKNOWN, |t| t.and_utc().timestamp()),
            active,
            arrival: 0,
        }
    }

    /// Nothing known: the later delivered wins, as between any two records
    /// that cannot be told apart.
    fn unknown(active: bool) -> Self {
        Precedence::new(None, None, active)
    }

    /// Whether a record with this precedence replaces one with `earlier`
    /// under the same key: another person's record (a second employment)
    /// only when this one is at work and that one left; the same person's
    /// when it is newer; the later delivered when their times are unknown
    /// or equal.
    pub(crate) fn replaces(&self, other: &Precedence) -> bool {
        let two_people = self.identity != UNKNOWN
            && other.identity != UNKNOWN
            && self.identity != other.identity;
        if two_people && self.active != other.active {
            return self.active;
        }
        if self.version != UNKNOWN && other.version != UNKNOWN && self.version != other.version {
            return self.version > other.version;
        }
        self.arrival > other.arrival
    }
}

impl Mapping {
    /// Reads a mapping from TOML; absent fields keep their defaults,
    /// unknown ones are an error (a typo must not pass silently).
    ///
    /// ```
    /// let err = hr_sync::Mapping::from_toml_str("[beisen]\nkeyy = \"userID\"").unwrap_err();
    /// assert!(err.to_string().contains("keyy"), "{err}");
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Mapping> {
        toml::from_str(text).map_err(|e| Error::Config(format!("mapping: {e}")))
    }

    /// Reads a mapping from a TOML file.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Mapping> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("mapping file {}: {e}", path.display())))?;
        Self::from_toml_str(&text)
    }

    /// The mapping as TOML (every field, defaults included): a starting
    /// point for a file.
    pub fn to_toml_string(&self) -> Result<String> {
        toml::to_string(self).map_err(|e| Error::Config(format!("mapping: {e}")))
    }

    /// Checks the settings that would make every user invalid, so that a
    /// job refuses them when built rather than skipping everyone:
    /// `nationality` must be an upper-case ISO 3166-1 alpha-3 code.
    ///
    /// ```
    /// let mut mapping = hr_sync::Mapping::default();
    /// mapping.nationality = Some("CN".into());
    /// assert!(mapping.check().unwrap_err().to_string().contains("nationality"));
    /// mapping.nationality = Some("CHN".into());
    /// assert!(mapping.check().is_ok());
    /// ```
    pub fn check(&self) -> Result<()> {
        if let Some(n) = &self.nationality
            && let Err(reason) = check_nationality(n.trim())
        {
            return Err(Error::Config(format!(
                "mapping: nationality `{n}`: {reason}"
            )));
        }
        Ok(())
    }

    /// Maps one record.
    ///
    /// ```
    /// use beisen_client::enums::EmpStatus;
    /// use beisen_client::models::{Employee, EmployeeInfo, RecordInfo};
    /// use hr_sync::source::{BeisenRecord, SourceRecord};
    /// use hr_sync::{Mapping, SkipReason};
    ///
    /// let employee = Employee::new(EmployeeInfo::new(100000007).with_name("张三").with_mobile_phone("13512345678"))
    ///     .with_record_info(RecordInfo::new(100000007).with_job_number("E0007").with_employee_status(EmpStatus::Departed));
    /// let record = SourceRecord::Beisen(Box::new(BeisenRecord::new(employee.clone(), None)));
    /// let mapped = Mapping::default().map(&record).unwrap();
    /// assert_eq!((mapped.key.as_str(), mapped.user.is_leave), ("E0007", Some(true)));
    ///
    /// let masked = Employee::new(EmployeeInfo::new(100000008).with_name("李四").with_mobile_phone("135****5678"))
    ///     .with_record_info(RecordInfo::new(100000008).with_job_number("E0008"));
    /// let record = SourceRecord::Beisen(Box::new(BeisenRecord::new(masked, None)));
    /// assert_eq!(Mapping::default().map(&record).unwrap_err().reason, SkipReason::MaskedMobile);
    /// ```
    pub fn map(&self, record: &SourceRecord) -> Result<MappedUser, Skipped> {
        let mapped = match record {
            SourceRecord::Beisen(r) => self.map_beisen(r)?,
            SourceRecord::Isdp(p) => self.map_isdp(p)?,
            SourceRecord::User(u) => {
                let user = (**u).clone();
                let key = user.key().map(|k| key_text(&k)).ok_or_else(|| {
                    Skipped::new(
                        None,
                        "a user without userNo or userId".into(),
                        SkipReason::NoKey,
                    )
                })?;
                let precedence = Precedence::unknown(user.is_leave != Some(true));
                let key = usable_key(key, "a user of the source", precedence)?;
                MappedUser {
                    key,
                    user,
                    precedence,
                }
            }
        };
        check_valid(mapped)
    }

    fn map_beisen(&self, r: &BeisenRecord) -> Result<MappedUser, Skipped> {
        let m = &self.beisen;
        let info = &r.employee.employee_info;
        let rec = r.employee.record_info.as_ref();
        let record = format!("userID {}", info.user_id.0);
        let key = match m.key {
            BeisenKey::JobNumber => rec.and_then(|r| non_blank(r.job_number.as_deref())),
            BeisenKey::UserId => Some(info.user_id.0.to_string()),
        }
        .ok_or_else(|| Skipped::new(None, record.clone(), SkipReason::NoKey))?;
        // Whether they left, before anything can fail: a leaver whose
        // record no longer maps must still leave.
        let status = rec.and_then(|r| r.employee_status);
        let deleted = info.std_is_deleted == Some(true)
            || rec.is_some_and(|r| r.std_is_deleted == Some(true));
        let leave = status.is_some_and(|s| m.leave_statuses.contains(&s.code()))
            || (m.deleted_is_leave && deleted);
        let version = [
            info.modified_time.as_ref(),
            rec.and_then(|r| r.modified_time.as_ref()),
            rec.and_then(|r| r.business_modified_time.as_ref()),
        ]
        .into_iter()
        .flatten()
        .map(CivilDateTime::naive)
        .max();
        let precedence = Precedence::new(Some(info.user_id.0), version, !leave);
        let key = usable_key(key, &record, precedence)?;
        let skip = |reason| Skipped::new(Some(&key), record.clone(), reason).left_as(precedence);
        let name = non_blank(info.name.as_deref())
            .or_else(|| non_blank(info.name_alt.as_deref()))
            .ok_or_else(|| skip(SkipReason::NoName))?;
        let mobile = mobile(info.mobile_phone.as_ref().map(|p| p.expose().as_str()))
            .map_err(|(reason, detail)| skip(reason).detail(detail))?;

        let mut user = UserInfo::new(key.as_str(), name, mobile, leave);
        if let Some(email) = non_blank(info.email.as_deref())
            && check_email(&email).is_ok()
        {
            user = user.email_address(email);
        }
        user.gender = match info.gender {
            Some(BeisenGender::Male) => Some(Gender::Male),
            Some(BeisenGender::Female) => Some(Gender::Female),
            _ => None,
        };
        if let Some(birthday) = info.birthday.as_ref().and_then(birthday) {
            user = user.birthday(birthday);
        }
        if let Some(d) = &r.department {
            user.department_code = d.code.clone();
            user.department_name = d.name.clone();
        }
        let custom = |name: &str| -> Option<Value> {
            info.custom_properties
                .as_ref()
                .and_then(|c| c.get(name))
                .or_else(|| rec.and_then(|r| r.custom_properties.as_ref()?.get(name)))
                .cloned()
        };
        // For job levels, the catalogue's code and name when the source
        // resolved the oId: a tenant sends a GUID, the travel side wants the code.
        let resolved = match &m.level {
            BeisenLevel::JobLevel => r.job_level.as_ref(),
            _ => None,
        };
        let resolved_code = resolved.and_then(|l| non_blank(l.code.as_deref()));
        let (level, text_key) = match &m.level {
            BeisenLevel::JobLevel => (
                resolved_code.or_else(|| rec.and_then(|r| r.oid_job_level.clone())),
                "OIdJobLevelText",
            ),
            BeisenLevel::JobGrade => (rec.and_then(|r| r.oid_job_grade.clone()), "OidJobGradeText"),
            BeisenLevel::JobPost => (
                rec.and_then(|r| r.oid_job_post.as_ref().map(|p| p.0.clone())),
                "OIdJobPostText",
            ),
            BeisenLevel::Position => (
                rec.and_then(|r| r.oid_job_position.as_ref().map(|p| p.0.clone())),
                "OIdJobPositionText",
            ),
            BeisenLevel::Custom(name) => (custom(name).and_then(value_text), ""),
            BeisenLevel::None => (None, ""),
        };
        if let Some(level) = level.as_deref().and_then(|l| non_blank(Some(l))) {
            let name = m
                .level_names
                .get(&level)
                .cloned()
                .or_else(|| resolved.and_then(|l| non_blank(l.name.as_deref())))
                .or_else(|| {
                    rec.and_then(|r| r.translate_properties.as_ref()?.get(text_key)?.clone())
                        .and_then(|t| non_blank(Some(&t)))
                });
            user.level_name = name;
            user.level = Some(level);
        }
        if let Some(cc) = m
            .cost_center
            .as_deref()
            .and_then(custom)
            .and_then(value_text)
        {
            user.cost_center_code = Some(cc);
        }
        for (to, from) in &m.extra_info {
            if let Some(v) = custom(from) {
                user = user.extra_info(to.clone(), v);
            }
        }
        if let Some(n) = &self.nationality {
            user = user.nationality(n.clone());
        }
        if self.cards {
            user = user.opt_in_card_info(beisen_cards(&r.employee));
            drop_invalid_cards(&mut user, &key);
        }
        Ok(MappedUser {
            key,
            user,
            precedence,
        })
    }

    fn map_isdp(&self, p: &isdp_client::Person) -> Result<MappedUser, Skipped> {
        let m = &self.isdp;
        let record = format!("personId {}", p.person_id);
        let key = match m.key {
            IsdpKey::PersonCode => non_blank(Some(&p.person_code)),
            IsdpKey::PersonId => Some(p.person_id.to_string()),
        }
        .ok_or_else(|| Skipped::new(None, record.clone(), SkipReason::NoKey))?;
        // Whether they left, before anything can fail: a leaver whose
        // record no longer maps must still leave.
        let leave = p
            .person_status
            .as_ref()
            .is_some_and(|s| m.leave_statuses.contains(s.as_str()));
        let precedence = Precedence::new(
            Some(p.person_id.0),
            p.last_update_date.as_ref().map(CivilDateTime::naive),
            !leave,
        );
        let key = usable_key(key, &record, precedence)?;
        let skip = |reason| Skipped::new(Some(&key), record.clone(), reason).left_as(precedence);
        if m.skip_smart_devices && p.is_smart_device == Some(true) {
            return Err(skip(SkipReason::Excluded).detail("smart-device account"));
        }
        let name = non_blank(Some(&p.person_name)).ok_or_else(|| skip(SkipReason::NoName))?;
        // Fields by their wire name, so that any of them (udfExtend…,
        // fields this crate's model does not know) can be named.
        let json = serde_json::to_value(p).unwrap_or(Value::Null);
        let field = |name: &str| json.get(name).cloned().and_then(value_text);
        let mobile = mobile(field(&m.mobile_field).as_deref())
            .map_err(|(reason, detail)| skip(reason).detail(detail))?;
        let mut user = UserInfo::new(key.as_str(), name, mobile, leave);
        if let Some(org) = &p.org {
            user.department_code = non_blank(org.org_no.as_deref());
            user.department_name =
                non_blank(org.org_name.as_deref()).or_else(|| non_blank(org.value.as_deref()));
        }
        let (level, position_name) = match &m.level {
            IsdpLevel::Position => p
                .position_info
                .first()
                .map(|pos| {
                    (
                        non_blank(pos.position_code.as_deref()),
                        non_blank(pos.position_name.as_deref()),
                    )
                })
                .unwrap_or_default(),
            IsdpLevel::Field(name) => (field(name), None),
            IsdpLevel::None => (None, None),
        };
        if let Some(level) = level {
            user.level_name = m.level_names.get(&level).cloned().or(position_name);
            user.level = Some(level);
        }
        for (to, from) in &m.extra_info {
            if let Some(v) = json.get(from).filter(|v| !v.is_null() && *v != "") {
                user = user.extra_info(to.clone(), v.clone());
            }
        }
        if let Some(n) = &self.nationality {
            user = user.nationality(n.clone());
        }
        Ok(MappedUser {
            key,
            user,
            precedence,
        })
    }
}

/// The store key of a travel key.
pub(crate) fn key_text(key: &UserKey) -> String {
    match key {
        UserKey::UserNo(no) => no.clone(),
        UserKey::UserId(id) => format!("userId:{id}"),
    }
}

fn check_valid(mapped: MappedUser) -> Result<MappedUser, Skipped> {
    let violations = mapped.user.validate();
    if violations.is_valid() {
        return Ok(mapped);
    }
    let detail = violations
        .errors()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    Err(Skipped::new(
        Some(&mapped.key),
        format!("userNo {}", mapped.key),
        SkipReason::Invalid,
    )
    .detail(detail)
    .left_as(mapped.precedence))
}

/// `key` unless it holds control characters: a NUL cannot be stored in
/// PostgreSQL text, so such a key would stop every run at its batch, and
/// the platform would not take it either. The record is skipped without
/// reporting the key, but is still in the listing under it (a full run
/// must not take it for gone), and a leaver is still noted as one.
fn usable_key(key: String, record: &str, precedence: Precedence) -> Result<String, Skipped> {
    if key.chars().any(char::is_control) {
        let mut skipped = Skipped::new(None, record.to_owned(), SkipReason::Invalid)
            .detail("the key holds control characters")
            .left_as(precedence);
        skipped.listed_key = Some(key.into());
        return Err(skipped);
    }
    Ok(key)
}

fn non_blank(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A JSON scalar as text (custom properties come as strings or numbers).
fn value_text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => non_blank(Some(&s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A mobile as the travel platform's rules read it, or why not.
fn mobile(raw: Option<&str>) -> Result<String, (SkipReason, String)> {
    let Some(raw) = non_blank(raw) else {
        return Err((SkipReason::NoMobile, "no mobile number".into()));
    };
    if raw.contains('*') {
        return Err((
            SkipReason::MaskedMobile,
            "the number is masked (`*`) and cannot be sent".into(),
        ));
    }
    // `00` is the international prefix dialled from the mainland, and HR
    // forms often write the country code in brackets, `(+852)9123 4567`;
    // the platform wants `+`.
    let raw = match raw.strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((code, rest)) => {
            let code = code.trim().trim_start_matches('+');
            if !code.is_empty() && code.len() <= 4 && code.bytes().all(|b| b.is_ascii_digit()) {
                format!("+{code}{}", rest.trim_start())
            } else {
                raw
            }
        }
        None => raw,
    };
    let number = match raw.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => raw,
    };
    check_mobile(&number)
        .map(|()| number)
        .map_err(|reason| (SkipReason::InvalidMobile, format!("`mobile`: {reason}")))
}

/// `yyyy-MM-dd`, when plausible: after 1900 (Beisen writes .NET's
/// `0001-01-01` for "unset") and not in the future.
fn birthday(t: &CivilDateTime) -> Option<String> {
    let date = t.date();
    let today = chrono::Utc::now().date_naive();
    (date > chrono::NaiveDate::from_ymd_opt(1900, 1, 1)? && date <= today)
        .then(|| date.format("%Y-%m-%d").to_string())
}

/// Removes the cards that make `user` invalid (a bad checksum, a birth
/// date that contradicts the birthday): a card is optional, the user is
/// not.
fn drop_invalid_cards(user: &mut UserInfo, key: &str) {
    let bad: BTreeSet<usize> = user
        .validate()
        .errors()
        .filter_map(|v| {
            let rest = v.field.strip_prefix("cardInfo[")?;
            let index = rest.split_once(']')?.0.parse().ok()?;
            tracing::warn!(user = key, field = %v.field, reason = %v.reason, "card left out");
            Some(index)
        })
        .collect();
    if bad.is_empty() {
        return;
    }
    let cards = std::mem::take(&mut user.card_info);
    user.card_info = cards
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !bad.contains(i))
        .map(|(_, c)| c)
        .collect();
}

fn beisen_cards(employee: &Employee) -> Vec<CardInfo> {
    let info = &employee.employee_info;
    let mut cards = Vec::new();
    // 证件类型 1 is the resident identity card in Beisen's dictionary.
    if info.id_type.as_deref().map(str::trim) == Some("1")
        && let Some(no) = info
            .id_number
            .as_ref()
            .and_then(|n| non_blank(Some(n.expose())))
    {
        cards.push(CardInfo::resident_id(no));
    }
    if let Some(no) = info
        .passport_number
        .as_ref()
        .and_then(|n| non_blank(Some(n.expose())))
    {
        cards.push(CardInfo::new("护照", CardType::from_id(2), no));
    }
    cards
}

#[cfg(test)]
mod tests {
    use super::*;
    use beisen_client::models::{EmployeeInfo, RecordInfo};
    use isdp_client::{Person, PersonOrg, PersonStatus, PositionInfo};

    fn beisen(status: EmpStatus) -> SourceRecord {
        let e = Employee::new(
            EmployeeInfo::new(100000001)
                .with_name(" 王伟 ")
                .with_mobile_phone("13812345678")
                .with_email("not an address")
                .with_gender(BeisenGender::Female)
                .with_birthday("1990-05-17".parse::<CivilDateTime>().unwrap())
                .with_custom_property("extCity", "上海"),
        )
        .with_record_info(
            RecordInfo::new(100000001)
                .with_job_number("E1")
                .with_oid_job_level("P3")
                .with_employee_status(status)
                .with_custom_property("extCC", 77),
        );
        SourceRecord::Beisen(Box::new(BeisenRecord::new(
            e,
            Some(crate::source::Department::new(
                9,
                Some("D9".into()),
                Some("研发部".into()),
            )),
        )))
    }

    #[test]
    fn a_key_with_control_characters_is_skipped_and_a_leaver_says_so() {
        let record = |job: &str, status| {
            let e = Employee::new(EmployeeInfo::new(7).with_name("王伟")).with_record_info(
                RecordInfo::new(7)
                    .with_job_number(job)
                    .with_employee_status(status),
            );
            SourceRecord::Beisen(Box::new(BeisenRecord::new(e, None)))
        };
        let mapping = Mapping::default();
        let skipped = mapping
            .map(&record("E\u{0}1", EmpStatus::Regular))
            .unwrap_err();
        assert_eq!(skipped.reason, SkipReason::Invalid);
        assert_eq!(skipped.key, None, "the key is not repeated");
        // No mobile: skipped, and a departed one is marked as leaving.
        let skipped = mapping.map(&record("E1", EmpStatus::Departed)).unwrap_err();
        assert_eq!(
            (skipped.reason, skipped.leaving),
            (SkipReason::NoMobile, true)
        );
        let skipped = mapping.map(&record("E1", EmpStatus::Regular)).unwrap_err();
        assert!(!skipped.leaving);
    }

    #[test]
    fn beisen_defaults() {
        let mut mapping = Mapping::default();
        mapping.beisen.cost_center = Some("extCC".into());
        mapping
            .beisen
            .extra_info
            .insert("city".into(), "extCity".into());
        mapping
            .beisen
            .level_names
            .insert("P3".into(), "高级".into());
        let m = mapping.map(&beisen(EmpStatus::Regular)).unwrap();
        let json = serde_json::to_value(&m.user).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "userNo": "E1", "fullName": "王伟", "mobile": "13812345678", "isLeave": false,
                "gender": "F", "birthday": "1990-05-17", "departmentCode": "D9",
                "departmentName": "研发部", "level": "P3", "levelName": "高级",
                "costCenterCode": "77", "extraInfo": {"city": "上海"}
            })
        );
    }

    #[test]
    fn a_resolved_job_level_gives_its_code_and_name_and_an_unresolved_one_passes() {
        let guid = "c28789f8-4e66-4365-84a3-b84a1f49d5c7";
        let record = |level: Option<crate::source::JobLevel>| {
            let e = Employee::new(
                EmployeeInfo::new(100000001)
                    .with_name("王伟")
                    .with_mobile_phone("13812345678"),
            )
            .with_record_info(
                RecordInfo::new(100000001)
                    .with_job_number("E1")
                    .with_oid_job_level(guid),
            );
            let mut r = BeisenRecord::new(e, None);
            if let Some(level) = level {
                r = r.with_job_level(level);
            }
            SourceRecord::Beisen(Box::new(r))
        };
        let level = |code: Option<&str>| {
            crate::source::JobLevel::new(guid, code.map(Into::into), Some("P3 高级专员".into()))
        };
        let mut mapping = Mapping::default();
        let user = mapping.map(&record(Some(level(Some("P3"))))).unwrap().user;
        assert_eq!(
            (user.level.as_deref(), user.level_name.as_deref()),
            (Some("P3"), Some("P3 高级专员"))
        );
        // A configured name wins over the catalogue's.
        mapping
            .beisen
            .level_names
            .insert("P3".into(), "高级".into());
        let user = mapping.map(&record(Some(level(Some("P3"))))).unwrap().user;
        assert_eq!(user.level_name.as_deref(), Some("高级"));
        // Not resolved, or a level without a code: the oId as sent.
        for r in [record(None), record(Some(level(Some(" "))))] {
            let user = mapping.map(&r).unwrap().user;
            assert_eq!(user.level.as_deref(), Some(guid));
        }
        // Another level source ignores the job level.
        mapping.beisen.level = BeisenLevel::None;
        let user = mapping.map(&record(Some(level(Some("P3"))))).unwrap().user;
        assert_eq!((user.level, user.level_name), (None, None));
    }

    #[test]
    fn every_leave_status_and_only_those() {
        let mapping = Mapping::default();
        for code in 1..=12 {
            let m = mapping.map(&beisen(EmpStatus::from_code(code))).unwrap();
            assert_eq!(
                m.user.is_leave,
                Some(matches!(code, 6 | 8 | 9 | 10)),
                "status {code}"
            );
        }
    }

    #[test]
    fn mobiles() {
        assert_eq!(mobile(Some("0085291234567")).unwrap(), "+85291234567");
        assert_eq!(
            mobile(Some(" +86 138-1234-5678 ")).unwrap(),
            "+86 138-1234-5678"
        );
        assert_eq!(mobile(None).unwrap_err().0, SkipReason::NoMobile);
        assert_eq!(mobile(Some("  ")).unwrap_err().0, SkipReason::NoMobile);
        assert_eq!(
            mobile(Some("135******78")).unwrap_err().0,
            SkipReason::MaskedMobile
        );
        assert_eq!(
            mobile(Some("85291234567")).unwrap_err().0,
            SkipReason::InvalidMobile
        );
    }

    #[test]
    fn bracketed_country_codes() {
        assert_eq!(mobile(Some("(+852)9123 4567")).unwrap(), "+8529123 4567");
        assert_eq!(mobile(Some("(86)13812345678")).unwrap(), "+8613812345678");
        assert_eq!(
            mobile(Some("(852)")).unwrap_err().0,
            SkipReason::InvalidMobile
        );
        assert_eq!(
            mobile(Some("(ext)13812345678")).unwrap_err().0,
            SkipReason::InvalidMobile
        );
    }

    #[test]
    fn cards_only_when_opted_in_and_a_bad_card_does_not_lose_the_user() {
        let with_id = |id: &str| {
            let e = Employee::new(
                EmployeeInfo::new(100000002)
                    .with_name("李娜")
                    .with_mobile_phone("13912345678")
                    .with_birthday("1949-12-31".parse::<CivilDateTime>().unwrap())
                    .with_id_type("1")
                    .with_id_number(id),
            )
            .with_record_info(RecordInfo::new(100000002).with_job_number("E2"));
            SourceRecord::Beisen(Box::new(BeisenRecord::new(e, None)))
        };
        let good = with_id("11010519491231002X");
        assert!(
            Mapping::default()
                .map(&good)
                .unwrap()
                .user
                .card_info
                .is_empty()
        );
        let cards = Mapping {
            cards: true,
            ..Mapping::default()
        };
        let user = cards.map(&good).unwrap().user;
        assert_eq!(user.card_info.len(), 1);
        // A checksum error: the card goes, the user stays.
        let bad = cards.map(&with_id("110105194912310021")).unwrap();
        assert!(bad.user.card_info.is_empty());
        assert_eq!(bad.key, "E2");
    }

    #[test]
    fn isdp_defaults_and_masked_phone() {
        let p = Person::new(5000001)
            .with_person_code("E1")
            .with_person_name("王伟")
            .with_person_status(PersonStatus::Cancel)
            .with_phone("135******78")
            .with_udf_extend1("13512345678")
            .with_org(
                PersonOrg::new(20)
                    .with_org_no("RD")
                    .with_org_name("研发中心"),
            )
            .with_position_info(
                PositionInfo::new(31)
                    .with_position_code("P3")
                    .with_position_name("工程师"),
            );
        let record = SourceRecord::Isdp(Box::new(p));
        let err = Mapping::default().map(&record).unwrap_err();
        assert_eq!(
            (err.reason, err.key.as_deref()),
            (SkipReason::MaskedMobile, Some("E1"))
        );
        let mut mapping = Mapping::default();
        mapping.isdp.mobile_field = "udfExtend1".into();
        let m = mapping.map(&record).unwrap();
        assert_eq!(
            serde_json::to_value(&m.user).unwrap(),
            serde_json::json!({
                "userNo": "E1", "fullName": "王伟", "mobile": "13512345678", "isLeave": true,
                "departmentCode": "RD", "departmentName": "研发中心", "level": "P3",
                "levelName": "工程师"
            })
        );
    }

    #[test]
    fn default_mapping_round_trips_through_toml() {
        let text = Mapping::default().to_toml_string().unwrap();
        assert_eq!(Mapping::from_toml_str(&text).unwrap(), Mapping::default());
        assert_eq!(Mapping::from_toml_str("").unwrap(), Mapping::default());
    }
}
