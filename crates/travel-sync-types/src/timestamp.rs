//! [`EpochMillis`]: the 13-digit millisecond timestamps of the interface
//! (`expirationDate`, `timestamp`, `timeLimit`).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, TimeZone, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds since the Unix epoch, as the spec's `long` fields hold them
/// ("13位时间戳").
///
/// Read from a number or a numeric string (`1569347060000` or
/// `"1569347060000"`); written as a number. Any `i64` is kept, so that a
/// 10-digit value in seconds, a frequent sender bug, survives reading and is
/// reported by validation instead of failing the whole record.
///
/// ```
/// use travel_sync_types::EpochMillis;
///
/// let t: EpochMillis = serde_json::from_str(r#""1569347060000""#)?;
/// assert_eq!(t.as_millis(), 1_569_347_060_000);
/// assert!(t.has_thirteen_digits());
/// assert_eq!(t.to_datetime().unwrap().to_rfc3339(), "2019-09-24T17:44:20+00:00");
/// assert_eq!(serde_json::to_string(&t)?, "1569347060000");
/// assert!(!EpochMillis::new(1_569_347_060).has_thirteen_digits()); // seconds
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EpochMillis(i64);

impl EpochMillis {
    /// Wraps a count of milliseconds.
    ///
    /// ```
    /// assert_eq!(travel_sync_types::EpochMillis::new(5).as_millis(), 5);
    /// ```
    pub const fn new(millis: i64) -> Self {
        EpochMillis(millis)
    }

    /// The current time.
    ///
    /// ```
    /// assert!(travel_sync_types::EpochMillis::now().has_thirteen_digits());
    /// ```
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// The milliseconds.
    ///
    /// ```
    /// assert_eq!(travel_sync_types::EpochMillis::new(1_700_000_000_000).as_millis(), 1_700_000_000_000);
    /// ```
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Whether the value has the 13 digits of a millisecond timestamp
    /// between 2001-09-09 and 2286-11-20, the range the spec's "13位"
    /// describes. A 10-digit value is almost certainly in seconds.
    ///
    /// ```
    /// use travel_sync_types::EpochMillis;
    /// assert!(EpochMillis::new(1_000_000_000_000).has_thirteen_digits());
    /// assert!(!EpochMillis::new(999_999_999_999).has_thirteen_digits());
    /// ```
    pub const fn has_thirteen_digits(self) -> bool {
        self.0 >= 1_000_000_000_000 && self.0 <= 9_999_999_999_999
    }

    /// The first instant counted as "long-term": 9999-01-01 00:00 in
    /// China (UTC+8). Long-term resident ID cards (长期有效) are commonly
    /// sent as 9999-12-31 (`253402214400000`, 15 digits).
    ///
    /// ```
    /// use travel_sync_types::EpochMillis;
    /// assert_eq!(EpochMillis::LONG_TERM_FROM.to_datetime().unwrap().to_rfc3339(), "9998-12-31T16:00:00+00:00");
    /// ```
    pub const LONG_TERM_FROM: EpochMillis = EpochMillis(253_370_736_000_000);

    /// Whether the value lies in year 9999 (China time) or later: the
    /// "long-term, never expires" of identity documents, not a timestamp
    /// with a wrong number of digits.
    ///
    /// ```
    /// use travel_sync_types::EpochMillis;
    /// assert!(EpochMillis::new(253_402_214_400_000).is_long_term()); // 9999-12-31
    /// assert!(!EpochMillis::new(1_893_456_000_000).is_long_term()); // 2030-01-01
    /// ```
    pub const fn is_long_term(self) -> bool {
        self.0 >= Self::LONG_TERM_FROM.0
    }

    /// As a UTC date-time, when it is in chrono's range.
    ///
    /// ```
    /// let t = travel_sync_types::EpochMillis::new(0).to_datetime().unwrap();
    /// assert_eq!(t.to_rfc3339(), "1970-01-01T00:00:00+00:00");
    /// ```
    pub fn to_datetime(self) -> Option<DateTime<Utc>> {
        Utc.timestamp_millis_opt(self.0).single()
    }

    /// From any chrono date-time.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use travel_sync_types::EpochMillis;
    ///
    /// let t = EpochMillis::from_datetime(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap());
    /// assert_eq!(t.as_millis(), 1_893_456_000_000);
    /// ```
    pub fn from_datetime<Tz: TimeZone>(at: DateTime<Tz>) -> Self {
        EpochMillis(at.timestamp_millis())
    }

    /// From a `SystemTime` (times before 1970 count backwards).
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use travel_sync_types::EpochMillis;
    ///
    /// assert_eq!(EpochMillis::from_system_time(UNIX_EPOCH + Duration::from_millis(7)).as_millis(), 7);
    /// ```
    pub fn from_system_time(at: SystemTime) -> Self {
        let millis = match at.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
        };
        EpochMillis(millis)
    }

    /// As a `SystemTime`.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use travel_sync_types::EpochMillis;
    ///
    /// assert_eq!(EpochMillis::new(1500).to_system_time(), UNIX_EPOCH + Duration::from_millis(1500));
    /// ```
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = Duration::from_millis(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

impl From<i64> for EpochMillis {
    fn from(millis: i64) -> Self {
        EpochMillis(millis)
    }
}

impl From<EpochMillis> for i64 {
    fn from(t: EpochMillis) -> Self {
        t.0
    }
}

impl fmt::Display for EpochMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for EpochMillis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

struct MillisVisitor;

impl Visitor<'_> for MillisVisitor {
    type Value = EpochMillis;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a millisecond timestamp (a number or a numeric string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<EpochMillis, E> {
        Ok(EpochMillis(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<EpochMillis, E> {
        i64::try_from(v)
            .map(EpochMillis)
            .map_err(|_| E::custom("timestamp out of range"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<EpochMillis, E> {
        // `1.56934706E12` is how some JSON libraries print a long.
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(EpochMillis(v as i64))
        } else {
            Err(E::custom("expected a whole number of milliseconds"))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<EpochMillis, E> {
        v.trim()
            .parse::<i64>()
            .map(EpochMillis)
            .map_err(|_| E::custom("expected a millisecond timestamp, got a non-numeric string"))
    }
}

impl<'de> Deserialize<'de> for EpochMillis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MillisVisitor)
    }
}
