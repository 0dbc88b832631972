//! Civil date-times as vendors send them.
//!
//! The vendors of this SDK family write date-times in at least five shapes,
//! often within one response:
//!
//! | sent | seen at |
//! |---|---|
//! | `2021-01-01T00:00:00` | Beisen requests and most responses |
//! | `2021-01-01 00:00:00` | Beisen and travel-platform responses |
//! | `2021-01-01` | Beisen examples, birthdays |
//! | `2023-08-11T14:23:09.000+08:00` | ISDP `lastUpdateDate` |
//! | `2019-08-24T14:15:22Z` | Beisen's OpenAPI schema |
//!
//! plus fractional seconds of any length (.NET writes seven digits), and
//! `0001-01-01 00:00:00` / `0001-01-01T00:00:00` (.NET's `DateTime.MinValue`)
//! meaning "no value".
//!
//! Most values carry no offset. They are civil times in the vendor's zone,
//! which is undocumented but in practice China Standard Time (UTC+8,
//! Asia/Shanghai). China has had no daylight saving time since 1991, so a
//! [`FixedOffset`] of +08:00 is exact for every date a vendor will send and
//! no time-zone database is needed.
//!
//! Two ways to read them:
//!
//! - [`CivilDateTime`] keeps what was sent (the civil date-time, the offset
//!   if any, and the exact text) and writes it back unchanged. Use it in
//!   vendor models, which must survive a read-modify-write cycle.
//! - [`CivilAs`] converts straight to a [`DateTime<FixedOffset>`] (or
//!   [`DateTime<Utc>`]), applying a zone chosen at compile time when none
//!   was sent.
//!
//! ```
//! use hr_common::civil_time::{self, CivilDateTime, CivilAs};
//! use chrono::{DateTime, FixedOffset};
//! use serde::{Deserialize, Serialize};
//! use serde_with::serde_as;
//!
//! #[serde_as]
//! #[derive(Deserialize, Serialize)]
//! #[serde(rename_all = "camelCase")]
//! struct Employee {
//!     modified_time: CivilDateTime,
//!     #[serde(default, with = "civil_time::option")]
//!     last_work_date: Option<CivilDateTime>,
//!     #[serde_as(as = "CivilAs")]
//!     created_time: DateTime<FixedOffset>,
//! }
//!
//! let json = r#"{"modifiedTime":"2021-06-01 08:30:00.1234567",
//!     "lastWorkDate":"0001-01-01T00:00:00","createdTime":"2021-06-01T08:30:00"}"#;
//! let e: Employee = serde_json::from_str(json)?;
//! assert_eq!(e.last_work_date, None);
//! assert_eq!(e.created_time.to_rfc3339(), "2021-06-01T08:30:00+08:00");
//! assert_eq!(
//!     serde_json::to_string(&e)?,
//!     r#"{"modifiedTime":"2021-06-01 08:30:00.1234567","lastWorkDate":null,"createdTime":"2021-06-01T08:30:00"}"#
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// Seconds east of UTC of China Standard Time (+08:00): the default zone,
/// and the default parameter of [`CivilAs`].
///
/// ```
/// use hr_common::civil_time::{CHINA_STANDARD_TIME, CHINA_STANDARD_TIME_SECONDS};
///
/// assert_eq!(CHINA_STANDARD_TIME.local_minus_utc(), CHINA_STANDARD_TIME_SECONDS);
/// ```
pub const CHINA_STANDARD_TIME_SECONDS: i32 = 8 * 3600;

/// China Standard Time, UTC+08:00 (Asia/Shanghai, no daylight saving time):
/// the zone vendors mean when they send no offset.
///
/// ```
/// use hr_common::civil_time::{CHINA_STANDARD_TIME, CivilDateTime};
///
/// let t: CivilDateTime = "2021-01-01 08:00:00".parse()?;
/// assert_eq!(t.to_utc(CHINA_STANDARD_TIME).to_rfc3339(), "2021-01-01T00:00:00+00:00");
/// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
/// ```
pub const CHINA_STANDARD_TIME: FixedOffset = fixed_offset(CHINA_STANDARD_TIME_SECONDS);

/// The layout of Beisen's request times, `2021-01-01T00:00:00`.
const REQUEST_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// Longest piece of offending input an error message repeats.
const ERROR_INPUT_LIMIT: usize = 64;

const fn fixed_offset(seconds: i32) -> FixedOffset {
    match FixedOffset::east_opt(seconds) {
        Some(offset) => offset,
        None => panic!("a UTC offset must be less than 24 hours"),
    }
}

/// Formats a date-time the way Beisen's time-window requests want it:
/// `YYYY-MM-DDTHH:MM:SS`, no fraction, no offset.
///
/// ```
/// use chrono::NaiveDate;
///
/// let t = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap().and_hms_milli_opt(0, 0, 0, 500).unwrap();
/// assert_eq!(hr_common::civil_time::format_request_time(t), "2021-01-01T00:00:00");
/// ```
pub fn format_request_time(t: NaiveDateTime) -> String {
    t.format(REQUEST_FORMAT).to_string()
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A date-time string that could not be read, with the offending input.
///
/// ```
/// use hr_common::civil_time::CivilDateTime;
///
/// let err = "2021-13-01".parse::<CivilDateTime>().unwrap_err();
/// assert_eq!(err.input(), "2021-13-01");
/// assert!(err.to_string().starts_with(r#"invalid date-time "2021-13-01": no such date"#), "{err}");
/// assert!(!err.is_no_value());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CivilTimeError {
    input: String,
    reason: Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Invalid(&'static str),
    NoValue,
}

impl CivilTimeError {
    fn invalid(input: &str, why: &'static str) -> Self {
        CivilTimeError {
            input: input.to_owned(),
            reason: Reason::Invalid(why),
        }
    }

    fn no_value(input: &str) -> Self {
        CivilTimeError {
            input: input.to_owned(),
            reason: Reason::NoValue,
        }
    }

    /// The text that failed to parse.
    ///
    /// ```
    /// let err = "yesterday".parse::<hr_common::civil_time::CivilDateTime>().unwrap_err();
    /// assert_eq!(err.input(), "yesterday");
    /// ```
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Whether the input was well-formed but means "no value" (an empty
    /// string or the `0001-01-01 00:00:00` sentinel), so that only an
    /// `Option<CivilDateTime>` can hold it.
    ///
    /// ```
    /// let err = "0001-01-01 00:00:00".parse::<hr_common::civil_time::CivilDateTime>().unwrap_err();
    /// assert!(err.is_no_value());
    /// ```
    pub fn is_no_value(&self) -> bool {
        self.reason == Reason::NoValue
    }
}

impl fmt::Display for CivilTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let input = Excerpt(&self.input);
        match self.reason {
            Reason::Invalid(why) => write!(
                f,
                "invalid date-time {input}: {why} (expected a form like 2021-01-01T00:00:00, \
                 2021-01-01 00:00:00, 2021-01-01 or 2021-01-01T00:00:00.000+08:00)"
            ),
            Reason::NoValue => write!(
                f,
                "date-time {input} means \"no value\"; read it into an Option<CivilDateTime>, \
                 e.g. with #[serde(default, with = \"hr_common::civil_time::option\")]"
            ),
        }
    }
}

impl std::error::Error for CivilTimeError {}

/// Quotes an input for an error message, cut short so that a megabyte of
/// garbage does not end up in a log line.
struct Excerpt<'a>(&'a str);

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(ERROR_INPUT_LIMIT) {
            Some((end, _)) => write!(f, "{:?}…", &self.0[..end]),
            None => write!(f, "{:?}", self.0),
        }
    }
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

struct Parsed {
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
}

/// A cursor over the ASCII grammar
/// `YYYY-MM-DD [(T|t|' ') HH:MM[:SS[(.|,)F+]] [Z|z|±HH[[:]MM]]]`.
///
/// Hand-written rather than a list of chrono format strings so that every
/// fraction length is accepted, the error can say which part is wrong, and
/// nothing is tried twice.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn digits(&mut self, n: usize) -> Option<u32> {
        let slice = self.bytes.get(self.pos..self.pos + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(
            slice
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    }

    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

fn parse_text(text: &str) -> Result<Parsed, &'static str> {
    let mut c = Cursor {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let (year, month, day) = (|| {
        let year = c.digits(4)?;
        c.eat(b'-').then_some(())?;
        let month = c.digits(2)?;
        c.eat(b'-').then_some(())?;
        Some((year, month, c.digits(2)?))
    })()
    .ok_or("expected the date as YYYY-MM-DD")?;
    // Four digits always fit an i32.
    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or("no such date")?;

    if c.at_end() {
        return Ok(Parsed {
            naive: date.and_time(NaiveTime::MIN),
            offset: None,
        });
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return Err("expected 'T' or a space between date and time");
    }

    let (hour, minute) = (|| {
        let hour = c.digits(2)?;
        c.eat(b':').then_some(())?;
        Some((hour, c.digits(2)?))
    })()
    .ok_or("expected the time as HH:MM:SS")?;
    let mut second = 0;
    let mut nano = 0;
    if c.eat(b':') {
        second = c.digits(2).ok_or("expected two digits of seconds")?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.pos;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.pos += 1;
            }
            let fraction = &c.bytes[start..c.pos];
            if fraction.is_empty() {
                return Err("expected digits after the decimal point");
            }
            // Digits beyond nanoseconds cannot be represented; they are
            // dropped from the value but kept in the text.
            nano = (0..9).fold(0, |acc, i| {
                acc * 10 + fraction.get(i).map_or(0, |d| u32::from(d - b'0'))
            });
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)
        .filter(|_| second < 60)
        .ok_or("time of day out of range")?;

    let offset = match c.peek() {
        None => None,
        Some(b'Z' | b'z') => {
            c.pos += 1;
            Some(fixed_offset(0))
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let hours = c.digits(2).ok_or("expected the offset as +HH:MM")?;
            let minutes = if c.at_end() {
                0
            } else {
                c.eat(b':');
                c.digits(2).ok_or("expected the offset as +HH:MM")?
            };
            if hours > 23 || minutes > 59 {
                return Err("offset out of range");
            }
            let seconds = (hours * 3600 + minutes * 60) as i32;
            let seconds = if sign == b'-' { -seconds } else { seconds };
            Some(FixedOffset::east_opt(seconds).ok_or("offset out of range")?)
        }
        Some(_) => return Err("unexpected text after the time"),
    };
    if !c.at_end() {
        return Err("unexpected text after the offset");
    }
    Ok(Parsed {
        naive: date.and_time(time),
        offset,
    })
}

/// .NET's `DateTime.MinValue`, which Beisen sends for "no value".
const SENTINEL: NaiveDateTime = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(date) => date.and_time(NaiveTime::MIN),
    None => panic!("0001-01-01 is a valid date"),
};

// ---------------------------------------------------------------------------
// CivilDateTime
// ---------------------------------------------------------------------------

/// A date-time as a vendor sent it: the civil (wall-clock) date-time, the
/// UTC offset if one was sent, and the exact text, so that writing it back
/// reproduces the input byte for byte.
///
/// Parsing accepts `2021-01-01T00:00:00`, `2021-01-01 00:00:00`,
/// `2021-01-01`, an optional fraction of any length (`.5`, `.000`,
/// `.1234567`), and an optional offset (`Z`, `+08:00`, `+0800`, `+08`).
/// Surrounding whitespace is ignored and not kept. Seconds may be left out
/// (`2021-01-01 08:30`).
///
/// ```
/// use hr_common::civil_time::{CHINA_STANDARD_TIME, CivilDateTime};
///
/// let t = CivilDateTime::parse("2023-08-11T14:23:09.000+08:00")?.expect("a value");
/// assert_eq!(t.naive().to_string(), "2023-08-11 14:23:09");
/// assert_eq!(t.offset().map(|o| o.local_minus_utc()), Some(8 * 3600));
/// assert_eq!(t.to_string(), "2023-08-11T14:23:09.000+08:00");
///
/// let local = CivilDateTime::parse("2021-01-01 00:00:00")?.expect("a value");
/// assert_eq!(local.offset(), None);
/// assert_eq!(local.to_datetime(CHINA_STANDARD_TIME).to_rfc3339(), "2021-01-01T00:00:00+08:00");
///
/// // The "no value" sentinel and the empty string are `None`.
/// assert_eq!(CivilDateTime::parse("0001-01-01 00:00:00")?, None);
/// assert_eq!(CivilDateTime::parse("")?, None);
/// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
/// ```
///
/// # Serde
///
/// `CivilDateTime` reads from and writes to a JSON string. Reading the
/// sentinel or `""` into a bare `CivilDateTime` is an error that points at
/// the alternatives: an `Option<CivilDateTime>` field with
/// `#[serde(default, with = "hr_common::civil_time::option")]`, or the
/// [`Civil`] adapter under `#[serde_as]`.
///
/// # Equality and order
///
/// `Eq`, `Ord` and `Hash` compare the civil date-time first and then the
/// offset (a value without an offset sorts before one with an offset); the
/// text layout is ignored, so `2021-01-01` equals `2021-01-01 00:00:00`.
/// This is not the order of instants: `09:00+08:00` sorts after
/// `02:00Z` although it is the earlier instant. Compare the results of
/// [`to_datetime`](Self::to_datetime) to order instants.
#[derive(Clone)]
pub struct CivilDateTime {
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
    text: Box<str>,
}

impl CivilDateTime {
    /// Parses a vendor date-time; `Ok(None)` for `""` (or whitespace) and for
    /// the `0001-01-01 00:00:00` sentinel in any of its layouts.
    ///
    /// ```
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// assert!(CivilDateTime::parse("2021-01-01T00:00:00")?.is_some());
    /// assert!(CivilDateTime::parse("0001-01-01T00:00:00")?.is_none());
    /// assert!(CivilDateTime::parse("  ")?.is_none());
    /// assert!(CivilDateTime::parse("2021-02-30").is_err());
    /// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Option<Self>, CivilTimeError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let parsed = parse_text(text).map_err(|why| CivilTimeError::invalid(text, why))?;
        if parsed.naive == SENTINEL {
            return Ok(None);
        }
        Ok(Some(CivilDateTime {
            naive: parsed.naive,
            offset: parsed.offset,
            text: text.into(),
        }))
    }

    /// A civil date-time without an offset, written as
    /// `YYYY-MM-DDTHH:MM:SS` (Beisen's request format).
    ///
    /// Sub-second precision is dropped, because that format has none and the
    /// value should be exactly what its text says.
    ///
    /// ```
    /// use chrono::{NaiveDate, Timelike};
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// let naive = NaiveDate::from_ymd_opt(2021, 1, 2).unwrap().and_hms_milli_opt(3, 4, 5, 678).unwrap();
    /// let t = CivilDateTime::from_naive(naive);
    /// assert_eq!(t.to_string(), "2021-01-02T03:04:05");
    /// assert_eq!(t.naive(), naive.with_nanosecond(0).unwrap());
    /// ```
    pub fn from_naive(naive: NaiveDateTime) -> Self {
        let naive = naive.with_nanosecond(0).unwrap_or(naive);
        CivilDateTime {
            naive,
            offset: None,
            text: format_request_time(naive).into(),
        }
    }

    /// A date without a time, written as `YYYY-MM-DD`; its civil date-time
    /// is midnight.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// let t = CivilDateTime::from_date(NaiveDate::from_ymd_opt(1997, 11, 10).unwrap());
    /// assert_eq!(t.to_string(), "1997-11-10");
    /// assert!(t.is_date_only());
    /// assert_eq!(t.naive().to_string(), "1997-11-10 00:00:00");
    /// ```
    pub fn from_date(date: NaiveDate) -> Self {
        CivilDateTime {
            naive: date.and_time(NaiveTime::MIN),
            offset: None,
            text: date.format("%Y-%m-%d").to_string().into(),
        }
    }

    /// A date-time with its offset, written as `YYYY-MM-DDTHH:MM:SS+08:00`
    /// (or `Z` for UTC); sub-second precision is dropped.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// let dt = DateTime::parse_from_rfc3339("2021-01-01T08:00:00.250+08:00").unwrap();
    /// assert_eq!(CivilDateTime::from_datetime(dt).to_string(), "2021-01-01T08:00:00+08:00");
    /// let utc = DateTime::parse_from_rfc3339("2021-01-01T00:00:00+00:00").unwrap();
    /// assert_eq!(CivilDateTime::from_datetime(utc).to_string(), "2021-01-01T00:00:00Z");
    /// ```
    pub fn from_datetime(datetime: DateTime<FixedOffset>) -> Self {
        let naive = datetime.naive_local();
        let naive = naive.with_nanosecond(0).unwrap_or(naive);
        let offset = *datetime.offset();
        let zone = if offset.local_minus_utc() == 0 {
            "Z".to_owned()
        } else {
            offset.to_string()
        };
        CivilDateTime {
            naive,
            offset: Some(offset),
            text: format!("{}{zone}", format_request_time(naive)).into(),
        }
    }

    /// The civil (wall-clock) date-time, without the offset.
    ///
    /// ```
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// let t: CivilDateTime = "2019-08-24T14:15:22Z".parse()?;
    /// assert_eq!(t.naive().to_string(), "2019-08-24 14:15:22");
    /// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
    /// ```
    pub fn naive(&self) -> NaiveDateTime {
        self.naive
    }

    /// The offset that was sent, if any.
    ///
    /// ```
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// let t: CivilDateTime = "2019-08-24T14:15:22Z".parse()?;
    /// assert_eq!(t.offset().map(|o| o.local_minus_utc()), Some(0));
    /// let t: CivilDateTime = "2019-08-24 14:15:22".parse()?;
    /// assert_eq!(t.offset(), None);
    /// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
    /// ```
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// The civil date.
    ///
    /// ```
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// let t: CivilDateTime = "1997-11-10T23:59:59".parse()?;
    /// assert_eq!(t.date().to_string(), "1997-11-10");
    /// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
    /// ```
    pub fn date(&self) -> NaiveDate {
        self.naive.date()
    }

    /// Whether the value was sent (or built) as a date without a time.
    ///
    /// ```
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// assert!("2021-01-01".parse::<CivilDateTime>()?.is_date_only());
    /// assert!(!"2021-01-01 00:00:00".parse::<CivilDateTime>()?.is_date_only());
    /// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
    /// ```
    pub fn is_date_only(&self) -> bool {
        // Every layout with a time separates it from the date by `T` or a
        // space; `Z` can only follow a time.
        !self.text.contains(['T', 't', ' '])
    }

    /// The text as received, or as built by a constructor.
    ///
    /// ```
    /// use hr_common::civil_time::CivilDateTime;
    ///
    /// let t: CivilDateTime = " 2021-01-01 00:00:00.0 ".parse()?;
    /// assert_eq!(t.as_str(), "2021-01-01 00:00:00.0");
    /// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant: the sent offset wins; without one, `default_zone`
    /// applies (normally [`CHINA_STANDARD_TIME`]).
    ///
    /// ```
    /// use chrono::FixedOffset;
    /// use hr_common::civil_time::{CHINA_STANDARD_TIME, CivilDateTime};
    ///
    /// let utc = FixedOffset::east_opt(0).unwrap();
    /// let sent: CivilDateTime = "2021-01-01T00:00:00Z".parse()?;
    /// assert_eq!(sent.to_datetime(CHINA_STANDARD_TIME).to_rfc3339(), "2021-01-01T00:00:00+00:00");
    /// let local: CivilDateTime = "2021-01-01T00:00:00".parse()?;
    /// assert_eq!(local.to_datetime(utc).to_rfc3339(), "2021-01-01T00:00:00+00:00");
    /// assert_eq!(local.to_datetime(CHINA_STANDARD_TIME).to_rfc3339(), "2021-01-01T00:00:00+08:00");
    /// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
    /// ```
    ///
    /// # Panics
    ///
    /// Only for values built with [`from_naive`](Self::from_naive) within
    /// a day of chrono's limits (year ±262,143); parsed values have
    /// four-digit years and never panic.
    pub fn to_datetime(&self, default_zone: FixedOffset) -> DateTime<FixedOffset> {
        let zone = self.offset.unwrap_or(default_zone);
        self.naive
            .and_local_timezone(zone)
            .single()
            .expect("date-time within chrono's range")
    }

    /// The instant in UTC; see [`to_datetime`](Self::to_datetime).
    ///
    /// ```
    /// use hr_common::civil_time::{CHINA_STANDARD_TIME, CivilDateTime};
    ///
    /// let t: CivilDateTime = "2021-01-01 00:00:00".parse()?;
    /// assert_eq!(t.to_utc(CHINA_STANDARD_TIME).to_rfc3339(), "2020-12-31T16:00:00+00:00");
    /// # Ok::<(), hr_common::civil_time::CivilTimeError>(())
    /// ```
    ///
    /// # Panics
    ///
    /// As [`to_datetime`](Self::to_datetime).
    pub fn to_utc(&self, default_zone: FixedOffset) -> DateTime<Utc> {
        self.to_datetime(default_zone).with_timezone(&Utc)
    }

    fn key(&self) -> (NaiveDateTime, Option<i32>) {
        (self.naive, self.offset.map(|o| o.local_minus_utc()))
    }
}

impl fmt::Debug for CivilDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CivilDateTime").field(&&*self.text).finish()
    }
}

impl fmt::Display for CivilDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for CivilDateTime {
    type Err = CivilTimeError;

    /// Like [`CivilDateTime::parse`], but "no value" is an error (see
    /// [`CivilTimeError::is_no_value`]).
    fn from_str(s: &str) -> Result<Self, CivilTimeError> {
        CivilDateTime::parse(s)?.ok_or_else(|| CivilTimeError::no_value(s.trim()))
    }
}

impl PartialEq for CivilDateTime {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for CivilDateTime {}

impl PartialOrd for CivilDateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CivilDateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl Hash for CivilDateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl From<NaiveDateTime> for CivilDateTime {
    fn from(naive: NaiveDateTime) -> Self {
        CivilDateTime::from_naive(naive)
    }
}

impl From<NaiveDate> for CivilDateTime {
    fn from(date: NaiveDate) -> Self {
        CivilDateTime::from_date(date)
    }
}

impl From<DateTime<FixedOffset>> for CivilDateTime {
    fn from(datetime: DateTime<FixedOffset>) -> Self {
        CivilDateTime::from_datetime(datetime)
    }
}

impl Serialize for CivilDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for CivilDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;

        impl Visitor<'_> for V {
            type Value = CivilDateTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time string such as \"2021-01-01T00:00:00\"")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<CivilDateTime, E> {
                v.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(V)
    }
}

/// Reads an optional date-time: null, `""` and the sentinel become `None`.
struct OptionVisitor;

impl<'de> Visitor<'de> for OptionVisitor {
    type Value = Option<CivilDateTime>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date-time string such as \"2021-01-01T00:00:00\", or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        CivilDateTime::parse(v).map_err(E::custom)
    }
}

fn deserialize_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<CivilDateTime>, D::Error> {
    deserializer.deserialize_option(OptionVisitor)
}

/// `#[serde(with = "…")]` functions for `Option<CivilDateTime>`: `null`,
/// `""` and the `0001-01-01 00:00:00` sentinel read as `None`; `None` is
/// written as `null`.
///
/// Pair it with `default` so that a missing key also reads as `None`, and
/// with `skip_serializing_if = "Option::is_none"` to leave the key out
/// when writing.
///
/// ```
/// use hr_common::civil_time::{self, CivilDateTime};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Deserialize, Serialize)]
/// #[serde(rename_all = "camelCase")]
/// struct Record {
///     #[serde(default, with = "civil_time::option")]
///     last_work_date: Option<CivilDateTime>,
/// }
///
/// for json in [r#"{"lastWorkDate":"0001-01-01 00:00:00"}"#, r#"{"lastWorkDate":""}"#,
///              r#"{"lastWorkDate":null}"#, "{}"] {
///     let r: Record = serde_json::from_str(json)?;
///     assert_eq!(r.last_work_date, None, "{json}");
///     assert_eq!(serde_json::to_string(&r)?, r#"{"lastWorkDate":null}"#);
/// }
/// let r: Record = serde_json::from_str(r#"{"lastWorkDate":"2024-03-31"}"#)?;
/// assert_eq!(serde_json::to_string(&r)?, r#"{"lastWorkDate":"2024-03-31"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub mod option {
    use super::CivilDateTime;
    use serde::{Deserializer, Serialize, Serializer};

    /// Writes `Some` as the date-time's text and `None` as `null`.
    ///
    /// ```
    /// let t = "2021-01-01 00:00:00".parse().ok();
    /// let mut out = Vec::new();
    /// hr_common::civil_time::option::serialize(&t, &mut serde_json::Serializer::new(&mut out))?;
    /// assert_eq!(out, br#""2021-01-01 00:00:00""#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn serialize<S: Serializer>(
        value: &Option<CivilDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    /// Reads a date-time; `null`, `""` and the sentinel read as `None`.
    ///
    /// ```
    /// use hr_common::civil_time::option;
    ///
    /// let none = option::deserialize(&mut serde_json::Deserializer::from_str(r#""0001-01-01T00:00:00""#))?;
    /// assert_eq!(none, None);
    /// let some = option::deserialize(&mut serde_json::Deserializer::from_str(r#""2021-01-01""#))?;
    /// assert_eq!(some.map(|t| t.to_string()).as_deref(), Some("2021-01-01"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<CivilDateTime>, D::Error> {
        super::deserialize_option(deserializer)
    }
}

// ---------------------------------------------------------------------------
// serde_with adapters
// ---------------------------------------------------------------------------

/// [`serde_with`] adapter for `Option<CivilDateTime>` with the "no value"
/// rules of [`option`] (`null`, `""` and the sentinel read as `None`), for
/// use inside containers where `#[serde(with)]` cannot reach.
///
/// As `DeserializeAs<CivilDateTime>` it behaves like `CivilDateTime`'s own
/// `Deserialize`.
///
/// ```
/// use hr_common::civil_time::{Civil, CivilDateTime};
/// use serde::{Deserialize, Serialize};
/// use serde_with::serde_as;
///
/// #[serde_as]
/// #[derive(Deserialize, Serialize)]
/// struct Shifts {
///     #[serde_as(as = "Vec<Civil>")]
///     starts: Vec<Option<CivilDateTime>>,
///     #[serde_as(as = "Civil")]
///     #[serde(default)]
///     ended: Option<CivilDateTime>,
/// }
///
/// let s: Shifts = serde_json::from_str(
///     r#"{"starts":["2021-01-01 09:00:00","0001-01-01 00:00:00",null,""]}"#,
/// )?;
/// assert!(s.starts[0].is_some());
/// assert!(s.starts[1..].iter().all(Option::is_none));
/// assert_eq!(s.ended, None);
/// assert_eq!(
///     serde_json::to_string(&s)?,
///     r#"{"starts":["2021-01-01 09:00:00",null,null,null],"ended":null}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Civil;

impl<'de> DeserializeAs<'de, Option<CivilDateTime>> for Civil {
    fn deserialize_as<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<CivilDateTime>, D::Error> {
        deserialize_option(deserializer)
    }
}

impl SerializeAs<Option<CivilDateTime>> for Civil {
    fn serialize_as<S: Serializer>(
        source: &Option<CivilDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        source.serialize(serializer)
    }
}

impl<'de> DeserializeAs<'de, CivilDateTime> for Civil {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<CivilDateTime, D::Error> {
        CivilDateTime::deserialize(deserializer)
    }
}

impl SerializeAs<CivilDateTime> for Civil {
    fn serialize_as<S: Serializer>(
        source: &CivilDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        source.serialize(serializer)
    }
}

/// [`serde_with`] adapter that reads vendor date-times straight into
/// instants: `DateTime<FixedOffset>`, `DateTime<Utc>`, and `Option`s of
/// them.
///
/// A sent offset wins; otherwise the civil time is taken in the zone
/// `OFFSET_SECONDS` east of UTC (default +08:00, [`CHINA_STANDARD_TIME`];
/// `CivilAs<0>` for UTC). For the `Option` targets, `null`, `""` and the
/// `0001-01-01 00:00:00` sentinel read as `None`; for the bare targets
/// they are errors. Put `CivilAs` itself on an `Option` field to get these
/// rules: `Option<CivilAs>` is [`serde_with`]'s `Option`, which maps only
/// `null` to `None`.
///
/// Values are written as `YYYY-MM-DDTHH:MM:SS` in that zone, the layout
/// Beisen requests use, so sub-second precision and the offset are not
/// written. Use [`CivilDateTime`] when the text must round-trip.
///
/// ```
/// use chrono::{DateTime, FixedOffset, Utc};
/// use hr_common::civil_time::CivilAs;
/// use serde::{Deserialize, Serialize};
/// use serde_with::serde_as;
///
/// #[serde_as]
/// #[derive(Deserialize, Serialize)]
/// struct Window {
///     #[serde_as(as = "CivilAs")]
///     start: DateTime<FixedOffset>,
///     #[serde_as(as = "CivilAs<0>")]
///     stop: DateTime<Utc>,
///     #[serde_as(as = "Option<CivilAs>")]
///     #[serde(default)]
///     last: Option<DateTime<FixedOffset>>,
///     #[serde_as(as = "CivilAs")]
///     #[serde(default)]
///     left: Option<DateTime<FixedOffset>>,
/// }
///
/// let w: Window = serde_json::from_str(
///     r#"{"start":"2021-01-01 00:00:00","stop":"2021-03-21","left":"0001-01-01T00:00:00"}"#,
/// )?;
/// assert_eq!(w.start.to_rfc3339(), "2021-01-01T00:00:00+08:00");
/// assert_eq!(w.stop.to_rfc3339(), "2021-03-21T00:00:00+00:00");
/// assert_eq!((w.last, w.left), (None, None));
/// assert_eq!(
///     serde_json::to_string(&w)?,
///     r#"{"start":"2021-01-01T00:00:00","stop":"2021-03-21T00:00:00","last":null,"left":null}"#
/// );
///
/// // A sent offset wins; the value is written back in the adapter's zone.
/// let w: Window = serde_json::from_str(
///     r#"{"start":"2020-12-31T16:00:00Z","stop":"2021-03-21T08:00:00+08:00"}"#,
/// )?;
/// assert_eq!(w.start.to_rfc3339(), "2020-12-31T16:00:00+00:00");
/// assert!(serde_json::to_string(&w)?.starts_with(
///     r#"{"start":"2021-01-01T00:00:00","stop":"2021-03-21T00:00:00""#
/// ));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CivilAs<const OFFSET_SECONDS: i32 = CHINA_STANDARD_TIME_SECONDS>;

impl<const OFFSET_SECONDS: i32> CivilAs<OFFSET_SECONDS> {
    /// The zone applied to values sent without an offset.
    ///
    /// ```
    /// use hr_common::civil_time::{CHINA_STANDARD_TIME, CivilAs};
    ///
    /// assert_eq!(CivilAs::<28800>::zone(), CHINA_STANDARD_TIME);
    /// assert_eq!(CivilAs::<-18000>::zone().to_string(), "-05:00");
    /// ```
    ///
    /// A zone of a day or more does not compile.
    pub const fn zone() -> FixedOffset {
        const {
            assert!(
                OFFSET_SECONDS > -86_400 && OFFSET_SECONDS < 86_400,
                "CivilAs: the offset must be less than 24 hours"
            );
        }
        fixed_offset(OFFSET_SECONDS)
    }

    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        Ok(deserialize_option(deserializer)?.map(|t| t.to_datetime(Self::zone())))
    }

    fn read_required<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<FixedOffset>, D::Error> {
        Ok(CivilDateTime::deserialize(deserializer)?.to_datetime(Self::zone()))
    }

    fn write<S: Serializer, Tz: chrono::TimeZone>(
        datetime: &DateTime<Tz>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let local = datetime.with_timezone(&Self::zone()).naive_local();
        serializer.collect_str(&local.format(REQUEST_FORMAT))
    }
}

impl<'de, const OFFSET_SECONDS: i32> DeserializeAs<'de, DateTime<FixedOffset>>
    for CivilAs<OFFSET_SECONDS>
{
    fn deserialize_as<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<FixedOffset>, D::Error> {
        Self::read_required(deserializer)
    }
}

impl<'de, const OFFSET_SECONDS: i32> DeserializeAs<'de, Option<DateTime<FixedOffset>>>
    for CivilAs<OFFSET_SECONDS>
{
    fn deserialize_as<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        Self::read(deserializer)
    }
}

impl<'de, const OFFSET_SECONDS: i32> DeserializeAs<'de, DateTime<Utc>> for CivilAs<OFFSET_SECONDS> {
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        Ok(Self::read_required(deserializer)?.with_timezone(&Utc))
    }
}

impl<'de, const OFFSET_SECONDS: i32> DeserializeAs<'de, Option<DateTime<Utc>>>
    for CivilAs<OFFSET_SECONDS>
{
    fn deserialize_as<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        Ok(Self::read(deserializer)?.map(|t| t.with_timezone(&Utc)))
    }
}

impl<const OFFSET_SECONDS: i32> SerializeAs<DateTime<FixedOffset>> for CivilAs<OFFSET_SECONDS> {
    fn serialize_as<S: Serializer>(
        source: &DateTime<FixedOffset>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        Self::write(source, serializer)
    }
}

impl<const OFFSET_SECONDS: i32> SerializeAs<Option<DateTime<FixedOffset>>>
    for CivilAs<OFFSET_SECONDS>
{
    fn serialize_as<S: Serializer>(
        source: &Option<DateTime<FixedOffset>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match source {
            Some(t) => Self::write(t, serializer),
            None => serializer.serialize_none(),
        }
    }
}

impl<const OFFSET_SECONDS: i32> SerializeAs<DateTime<Utc>> for CivilAs<OFFSET_SECONDS> {
    fn serialize_as<S: Serializer>(
        source: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        Self::write(source, serializer)
    }
}

impl<const OFFSET_SECONDS: i32> SerializeAs<Option<DateTime<Utc>>> for CivilAs<OFFSET_SECONDS> {
    fn serialize_as<S: Serializer>(
        source: &Option<DateTime<Utc>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match source {
            Some(t) => Self::write(t, serializer),
            None => serializer.serialize_none(),
        }
    }
}
