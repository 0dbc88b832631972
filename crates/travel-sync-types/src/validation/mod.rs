//! Validation of [`UserInfo`]: every rule of the spec and the notes, each
//! failure reported with its field and a reason.
//!
//! [`UserInfo::validate`] runs them all and returns [`Violations`]. Errors
//! mean the platform would (or should) refuse the user; warnings are worth
//! a look but do not stop a send:
//!
//! | field | rule | severity |
//! |---|---|---|
//! | `userNo` / `userId` | at least one, not blank | error |
//! | `fullName`, `mobile`, `isLeave` | present, not blank | error |
//! | `mobile` | [`check_mobile`]: a mainland mobile, or `+` and a country code | error |
//! | `emailAddress` | [`check_email`], when given | error |
//! | `birthday` | [`check_date`] (`yyyy-MM-dd`, a real date), not in the future | error |
//! | `nationality` | [`check_nationality`]: ISO 3166-1 alpha-3 | error |
//! | `cardInfo[i]` | `cardType`, `cardTypeId`, `cardNo` present; `cardTypeId` an integer | error |
//! | `cardInfo[i].cardNo` | for a resident ID card (`cardTypeId` 1): [`check_resident_id`] (GB 11643), its birth date equal to `birthday` | error |
//! | `cardInfo[i].cardNo` | a lower-case `x` check character | warning |
//! | `cardInfo[i].expirationDate` | 13 digits (milliseconds, not seconds); year 9999 or later is "long-term" and fine | warning |
//! | `cardInfo[i].expirationDate` | in the future | warning |
//! | `levelCode` | removed in V1.1 | warning |
//!
//! Unlisted `gender` and `cardTypeId` codes are never a violation:
//! appendices 7 and 19 are not public. Violations never quote the
//! offending value, since they end up in logs and it is personal data.

mod country;
mod date;
mod email;
mod mobile;
mod resident_id;

use std::fmt;

use chrono::{FixedOffset, NaiveDate, Utc};

pub use country::check_nationality;
pub use date::check_date;
pub use email::check_email;
pub use mobile::check_mobile;
pub use resident_id::check_resident_id;

use crate::wire::blank;
use crate::{CardInfo, CardType, EpochMillis, UserInfo};

/// How serious a [`Violation`] is.
///
/// ```
/// use travel_sync_types::validation::Severity;
/// assert_ne!(Severity::Error, Severity::Warning);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The user should not be sent as is.
    Error,
    /// Worth a look; does not stop a send.
    Warning,
}

/// Why a field is in violation. `Display` says it in English,
/// [`zh`](Self::zh) in Chinese for responses to the platform.
///
/// ```
/// use travel_sync_types::validation::Reason;
///
/// assert_eq!(Reason::MobileNotMainland.to_string(), "not a mainland mobile number (11 digits in a mobile range)");
/// assert_eq!(Reason::MobileNotMainland.zh(), "手机号不合法");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// A required field is missing or blank.
    Required,
    /// Neither `userNo` nor `userId` is given.
    UserKeyRequired,
    /// Characters other than digits, spaces, dashes and a leading `+`.
    MobileCharacters,
    /// Not 11 digits and no `+`: too short or long for a mainland mobile,
    /// and a foreign number needs `+` and its country code.
    MobileLength,
    /// 11 digits (or `+86` and 11 digits) outside the mainland mobile ranges.
    MobileNotMainland,
    /// A `+` number that is not a country code and 6 to 15 digits.
    MobileForeign,
    /// Not an e-mail address.
    Email,
    /// Not written `yyyy-MM-dd`.
    DateFormat,
    /// No such day (`1997-02-30`).
    NoSuchDate,
    /// A birthday after today.
    DateInFuture,
    /// An ISO 3166-1 alpha-2 code where alpha-3 is expected.
    NationalityAlpha2 {
        /// The alpha-3 code of the same country.
        alpha3: &'static str,
    },
    /// An alpha-3 code written in lower case.
    NationalityCase,
    /// Not an assigned ISO 3166-1 alpha-3 code.
    NationalityUnknown,
    /// A resident ID number that does not have 18 characters.
    IdCardLength,
    /// A resident ID number that is not 17 digits and a digit or `X`.
    IdCardCharacters,
    /// A resident ID number whose check character is wrong.
    IdCardChecksum,
    /// A resident ID number whose birth date (characters 7–14) is not a real
    /// date, or lies in the future.
    IdCardBirthDate,
    /// A resident ID number whose birth date differs from `birthday`.
    IdCardBirthdayMismatch,
    /// A resident ID number ending in a lower-case `x`.
    IdCardLowercaseX,
    /// A `cardTypeId` that is not an integer.
    CardTypeNotInteger,
    /// A timestamp without the 13 digits of milliseconds (seconds, most
    /// likely); for `expirationDate` a warning, and a value in year 9999
    /// or later is a long-term card, not this.
    TimestampNotMillis,
    /// A card that has expired.
    CardExpired,
    /// A field the spec has removed.
    Deprecated,
}

impl Reason {
    /// The reason in Chinese, for a `description` the platform shows.
    ///
    /// ```
    /// assert_eq!(travel_sync_types::validation::Reason::Required.zh(), "不能为空");
    /// ```
    pub fn zh(&self) -> &'static str {
        match self {
            Reason::Required => "不能为空",
            Reason::UserKeyRequired => "userNo和userId不能同时为空",
            Reason::MobileCharacters
            | Reason::MobileLength
            | Reason::MobileNotMainland
            | Reason::MobileForeign => "手机号不合法",
            Reason::Email => "邮箱格式不合法",
            Reason::DateFormat => "日期格式应为yyyy-MM-dd",
            Reason::NoSuchDate => "日期不存在",
            Reason::DateInFuture => "日期晚于今天",
            Reason::NationalityAlpha2 { .. }
            | Reason::NationalityCase
            | Reason::NationalityUnknown => "国籍应为ISO 3166三字码",
            Reason::IdCardLength | Reason::IdCardCharacters => "身份证号应为17位数字加1位校验码",
            Reason::IdCardChecksum => "身份证号校验码错误",
            Reason::IdCardBirthDate => "身份证号中的出生日期不合法",
            Reason::IdCardBirthdayMismatch => "身份证号与出生日期不一致",
            Reason::IdCardLowercaseX => "身份证号校验码应为大写X",
            Reason::CardTypeNotInteger => "证件类型ID应为整数",
            Reason::TimestampNotMillis => "时间戳应为13位毫秒数",
            Reason::CardExpired => "证件已过期",
            Reason::Deprecated => "字段已废弃",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Required => f.write_str("is required"),
            Reason::UserKeyRequired => f.write_str("userNo or userId is required"),
            Reason::MobileCharacters => {
                f.write_str("only digits, spaces, dashes and a leading + are allowed")
            }
            Reason::MobileLength => f.write_str(
                "a mainland mobile has 11 digits; a foreign number needs + and its country code",
            ),
            Reason::MobileNotMainland => {
                f.write_str("not a mainland mobile number (11 digits in a mobile range)")
            }
            Reason::MobileForeign => {
                f.write_str("not an international number (+, a country code, 6 to 15 digits)")
            }
            Reason::Email => f.write_str("not an e-mail address"),
            Reason::DateFormat => f.write_str("not a date written yyyy-MM-dd"),
            Reason::NoSuchDate => f.write_str("no such date"),
            Reason::DateInFuture => f.write_str("lies in the future"),
            Reason::NationalityAlpha2 { alpha3 } => {
                write!(f, "an ISO 3166 alpha-2 code; the alpha-3 code is {alpha3}")
            }
            Reason::NationalityCase => f.write_str("ISO 3166 alpha-3 codes are upper case"),
            Reason::NationalityUnknown => f.write_str("not an ISO 3166 alpha-3 country code"),
            Reason::IdCardLength => f.write_str("a resident ID number has 18 characters"),
            Reason::IdCardCharacters => {
                f.write_str("a resident ID number is 17 digits and a digit or X")
            }
            Reason::IdCardChecksum => f.write_str("the check character does not match (GB 11643)"),
            Reason::IdCardBirthDate => f.write_str("the birth date in the number is not valid"),
            Reason::IdCardBirthdayMismatch => {
                f.write_str("the birth date in the number differs from birthday")
            }
            Reason::IdCardLowercaseX => f.write_str("the check character X should be upper case"),
            Reason::CardTypeNotInteger => f.write_str("must be an integer code (appendix 7)"),
            Reason::TimestampNotMillis => {
                f.write_str("must be a 13-digit timestamp in milliseconds, not seconds")
            }
            Reason::CardExpired => f.write_str("the card has expired"),
            Reason::Deprecated => f.write_str("removed in V1.1; send level and levelName"),
        }
    }
}

/// One rule a user breaks: the field (a JSON path, such as `mobile` or
/// `cardInfo[0].cardNo`), why, and how much it matters.
///
/// ```
/// use travel_sync_types::validation::{Reason, Severity, Violation};
///
/// let v = Violation::error("mobile", Reason::Required);
/// assert_eq!(v.to_string(), "`mobile` is required");
/// assert_eq!(v.severity, Severity::Error);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Violation {
    /// The JSON path of the field.
    pub field: String,
    /// Why.
    pub reason: Reason,
    /// Error or warning.
    pub severity: Severity,
}

impl Violation {
    /// An error.
    ///
    /// ```
    /// use travel_sync_types::validation::{Reason, Violation};
    /// assert_eq!(Violation::error("fullName", Reason::Required).field, "fullName");
    /// ```
    pub fn error(field: impl Into<String>, reason: Reason) -> Self {
        Violation {
            field: field.into(),
            reason,
            severity: Severity::Error,
        }
    }

    /// A warning.
    ///
    /// ```
    /// use travel_sync_types::validation::{Reason, Severity, Violation};
    /// assert_eq!(Violation::warning("levelCode", Reason::Deprecated).severity, Severity::Warning);
    /// ```
    pub fn warning(field: impl Into<String>, reason: Reason) -> Self {
        Violation {
            field: field.into(),
            reason,
            severity: Severity::Warning,
        }
    }

    /// Whether this is an error.
    ///
    /// ```
    /// use travel_sync_types::validation::{Reason, Violation};
    /// assert!(Violation::error("mobile", Reason::Required).is_error());
    /// ```
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warning = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        match self.reason {
            // "is required" reads as a sentence after the field name; the
            // other reasons are descriptions.
            Reason::Required => write!(f, "{warning}`{}` {}", self.field, self.reason),
            _ => write!(f, "{warning}`{}`: {}", self.field, self.reason),
        }
    }
}

/// Every violation of one user, errors and warnings, in field order.
///
/// ```
/// use travel_sync_types::UserInfo;
///
/// let user = UserInfo::default().full_name("王伟").mobile("12345678901");
/// let violations = user.validate();
/// assert!(!violations.is_valid());
/// let fields: Vec<&str> = violations.errors().map(|v| v.field.as_str()).collect();
/// assert_eq!(fields, ["userNo", "mobile", "isLeave"]);
/// assert_eq!(violations.description_zh(), "userNo和userId不能同时为空(userNo);手机号不合法(mobile);不能为空(isLeave),同步失败");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// Whether there is no error (warnings allowed).
    ///
    /// ```
    /// assert!(travel_sync_types::validation::Violations::default().is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        !self.0.iter().any(Violation::is_error)
    }

    /// Whether there is nothing at all, not even a warning.
    ///
    /// ```
    /// assert!(travel_sync_types::validation::Violations::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many violations, warnings included.
    ///
    /// ```
    /// assert_eq!(travel_sync_types::validation::Violations::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Every violation.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default();
    /// assert_eq!(user.validate().iter().count(), 4);
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// The errors.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default();
    /// assert_eq!(user.validate().errors().count(), 4);
    /// ```
    pub fn errors(&self) -> impl Iterator<Item = &Violation> {
        self.0.iter().filter(|v| v.is_error())
    }

    /// The warnings.
    ///
    /// ```
    /// #[allow(deprecated)]
    /// let user = travel_sync_types::UserInfo::new("E1", "王伟", "13812345678", false).level_code("01");
    /// assert_eq!(user.validate().warnings().count(), 1);
    /// ```
    pub fn warnings(&self) -> impl Iterator<Item = &Violation> {
        self.0.iter().filter(|v| !v.is_error())
    }

    /// The violations of one field (exact path).
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::default();
    /// assert_eq!(user.validate().of("mobile").count(), 1);
    /// ```
    pub fn of<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a Violation> + 'a {
        self.0.iter().filter(move |v| v.field == field)
    }

    /// The errors as one Chinese `description` for the platform's
    /// response, each with its field, ending in `,同步失败` like the
    /// platform's own messages.
    ///
    /// ```
    /// let user = travel_sync_types::UserInfo::new("E1", "王伟", "1381234567", false);
    /// assert_eq!(user.validate().description_zh(), "手机号不合法(mobile),同步失败");
    /// ```
    pub fn description_zh(&self) -> String {
        let parts: Vec<String> = self
            .errors()
            .map(|v| format!("{}({})", v.reason.zh(), v.field))
            .collect();
        format!("{},同步失败", parts.join(";"))
    }

    /// The violations as a `Vec`.
    ///
    /// ```
    /// let all = travel_sync_types::UserInfo::default().validate().into_vec();
    /// assert_eq!(all.len(), 4);
    /// ```
    pub fn into_vec(self) -> Vec<Violation> {
        self.0
    }

    fn error(&mut self, field: impl Into<String>, reason: Reason) {
        self.0.push(Violation::error(field, reason));
    }

    fn warning(&mut self, field: impl Into<String>, reason: Reason) {
        self.0.push(Violation::warning(field, reason));
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            fmt::Display::fmt(v, f)?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

impl IntoIterator for Violations {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Vec<Violation>> for Violations {
    fn from(v: Vec<Violation>) -> Self {
        Violations(v)
    }
}

/// China Standard Time, in which "today" and "in the future" are judged.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

impl UserInfo {
    /// Checks every rule (see the [module docs](crate::validation)) and
    /// returns every violation, errors and warnings, in field order.
    ///
    /// ```
    /// use travel_sync_types::{CardInfo, UserInfo};
    /// use travel_sync_types::validation::Reason;
    ///
    /// let user = UserInfo::new("E1", "王伟", "13812345678", false)
    ///     .birthday("1949-12-30")
    ///     .nationality("CN")
    ///     .opt_in_card_info([CardInfo::resident_id("11010519491231002X")]);
    /// let violations = user.validate();
    /// let reasons: Vec<_> = violations.errors().map(|v| (v.field.as_str(), v.reason.clone())).collect();
    /// assert_eq!(reasons, [
    ///     ("nationality", Reason::NationalityAlpha2 { alpha3: "CHN" }),
    ///     ("cardInfo[0].cardNo", Reason::IdCardBirthdayMismatch),
    /// ]);
    /// ```
    pub fn validate(&self) -> Violations {
        self.validate_at(EpochMillis::now())
    }

    /// [`validate`](Self::validate) as of a given time, which decides
    /// whether a birthday lies in the future and a card has expired.
    ///
    /// ```
    /// use travel_sync_types::{CardInfo, EpochMillis, UserInfo};
    /// use travel_sync_types::validation::Reason;
    ///
    /// let card = CardInfo::resident_id("11010519491231002X").expiration_date(EpochMillis::new(1_569_347_060_000));
    /// let user = UserInfo::new("E1", "王伟", "13812345678", false).opt_in_card_info([card]);
    /// let before = user.validate_at(EpochMillis::new(1_500_000_000_000));
    /// assert!(before.is_empty());
    /// let after = user.validate_at(EpochMillis::new(1_600_000_000_000));
    /// assert!(after.is_valid(), "expiry is a warning");
    /// assert_eq!(after.warnings().next().unwrap().reason, Reason::CardExpired);
    /// ```
    pub fn validate_at(&self, now: EpochMillis) -> Violations {
        let today = now
            .to_datetime()
            .map(|t| t.with_timezone(&china()).date_naive())
            .unwrap_or_else(|| Utc::now().with_timezone(&china()).date_naive());
        let mut out = Violations::default();

        if blank(self.user_no.as_deref()) && self.user_id.is_none() {
            out.error("userNo", Reason::UserKeyRequired);
        }
        match self.mobile.as_ref().map(|m| m.expose().as_str()) {
            m if blank(m) => out.error("mobile", Reason::Required),
            Some(m) => {
                if let Err(reason) = check_mobile(m) {
                    out.error("mobile", reason);
                }
            }
            None => {}
        }
        if let Some(email) = self.email_address.as_ref().map(|e| e.expose().as_str())
            && !email.trim().is_empty()
            && let Err(reason) = check_email(email)
        {
            out.error("emailAddress", reason);
        }
        if self.level_code.is_some() {
            out.warning("levelCode", Reason::Deprecated);
        }
        if self.is_leave.is_none() {
            out.error("isLeave", Reason::Required);
        }
        let birthday = match self.birthday.as_ref().map(|b| b.expose().as_str()) {
            Some(b) if !b.trim().is_empty() => match check_date(b) {
                Ok(date) if date > today => {
                    out.error("birthday", Reason::DateInFuture);
                    None
                }
                Ok(date) => Some(date),
                Err(reason) => {
                    out.error("birthday", reason);
                    None
                }
            },
            _ => None,
        };
        if let Some(code) = self.nationality.as_deref()
            && !code.trim().is_empty()
            && let Err(reason) = check_nationality(code.trim())
        {
            out.error("nationality", reason);
        }
        if blank(self.full_name.as_deref()) {
            out.error("fullName", Reason::Required);
        }
        for (i, card) in self.card_info.iter().enumerate() {
            validate_card(
                card,
                &format!("cardInfo[{i}]"),
                birthday,
                today,
                now,
                &mut out,
            );
        }
        out
    }
}

fn validate_card(
    card: &CardInfo,
    path: &str,
    birthday: Option<NaiveDate>,
    today: NaiveDate,
    now: EpochMillis,
    out: &mut Violations,
) {
    if blank(card.card_type.as_deref()) {
        out.error(format!("{path}.cardType"), Reason::Required);
    }
    match &card.card_type_id {
        None => out.error(format!("{path}.cardTypeId"), Reason::Required),
        Some(t) if t.as_str().trim().is_empty() => {
            out.error(format!("{path}.cardTypeId"), Reason::Required)
        }
        Some(t) if t.id().is_none() => {
            out.error(format!("{path}.cardTypeId"), Reason::CardTypeNotInteger)
        }
        Some(_) => {}
    }
    let number = card.card_no.as_ref().map(|n| n.expose().as_str());
    match number {
        n if blank(n) => out.error(format!("{path}.cardNo"), Reason::Required),
        Some(n) if card.card_type_id == Some(CardType::IdCard) => match check_resident_id(n) {
            Ok(born) if born > today => {
                out.error(format!("{path}.cardNo"), Reason::IdCardBirthDate);
            }
            Ok(born) => {
                if birthday.is_some_and(|b| b != born) {
                    out.error(format!("{path}.cardNo"), Reason::IdCardBirthdayMismatch);
                }
                if n.ends_with('x') {
                    out.warning(format!("{path}.cardNo"), Reason::IdCardLowercaseX);
                }
            }
            Err(reason) => out.error(format!("{path}.cardNo"), reason),
        },
        _ => {}
    }
    // Expiry is only ever a warning: the platform books with the card
    // anyway, and a long-term card (year 9999, 15 digits) never expires.
    if let Some(expiry) = card.expiration_date
        && !expiry.is_long_term()
    {
        if !expiry.has_thirteen_digits() {
            out.warning(format!("{path}.expirationDate"), Reason::TimestampNotMillis);
        } else if expiry <= now {
            out.warning(format!("{path}.expirationDate"), Reason::CardExpired);
        }
    }
}
