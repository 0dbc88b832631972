//! Serialisation helpers: Beisen's date-time shapes, GUIDs derived from
//! hashes, the `columns` rule, and JSON responses written straight to bytes
//! (a 300-record page is serialised without building a `serde_json::Value`).

use std::fmt;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// SplitMix64, the same mixer the dataset uses: fields the dataset does not
/// carry (addresses, schools, part-time records…) are derived from
/// `hash(seed, index, salt)` so they are as deterministic as the people.
pub(super) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A field-specific hash of `(seed, index)`.
pub(super) fn hash(seed: u64, index: u64, salt: u64) -> u64 {
    mix(seed ^ mix(index ^ mix(salt)))
}

/// A version-4-looking GUID, formatted without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Guid(pub u64, pub u64);

impl Guid {
    /// The GUID of `(seed, index)` for object kind `salt`.
    pub(super) fn of(seed: u64, index: u64, salt: u64) -> Guid {
        let a = hash(seed, index, salt);
        Guid(a, mix(a))
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (self.0, self.1);
        write!(
            f,
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `2021-01-01T08:30:00`: how v5 responses write date-times (no offset,
/// China Standard Time). Milliseconds, when the time has any, follow as
/// .NET writes them, trailing zeros dropped: `…:00.347`, `…:00.34`, `…:00.3`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Dt(pub NaiveDateTime);

impl fmt::Display for Dt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        let mut ms = t.nanosecond() % 1_000_000_000 / 1_000_000;
        if ms == 0 {
            return Ok(());
        }
        let mut digits = 3;
        while ms.is_multiple_of(10) {
            ms /= 10;
            digits -= 1;
        }
        write!(f, ".{ms:0digits$}")
    }
}

impl Serialize for Dt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `2021-01-01 08:30:00`: how attendance responses write date-times.
#[derive(Debug, Clone, Copy)]
pub(super) struct SpacedDt(pub NaiveDateTime);

impl Serialize for SpacedDt {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = Dt(self.0).to_string().replacen('T', " ", 1);
        s.serialize_str(&text)
    }
}

/// A date written as a v5 date-time at midnight (`2021-01-01T00:00:00`),
/// which is how Beisen sends dates such as `entryDate`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Day(pub NaiveDate);

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&Dt(self.0.and_time(chrono::NaiveTime::MIN)))
    }
}

/// `9999-12-31T00:00:00`: the `stopDate` of a record that never ends.
pub(super) const OPEN_END: &str = "9999-12-31T00:00:00";
/// `0001-01-01T00:00:00`: .NET's `DateTime.MinValue`, which Beisen sends for
/// some empty dates instead of null.
pub(super) const DOTNET_MIN: &str = "0001-01-01T00:00:00";

/// The `columns` of a query. Beisen reads only the named columns but keeps
/// the response shape: every other field is still present, as null. Column
/// names are PascalCase (`OIdDepartment`); the comparison ignores ASCII case
/// so it matches the camelCase keys of the response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Columns(pub Vec<String>);

impl Columns {
    fn allows(&self, key: &str) -> bool {
        self.0.iter().any(|c| c.eq_ignore_ascii_case(key))
    }
}

/// Writes an object's fields, nulling those `columns` did not select.
pub(super) struct Fields<'c, M> {
    map: M,
    columns: Option<&'c Columns>,
}

impl<'c, M: SerializeMap> Fields<'c, M> {
    pub(super) fn new(map: M, columns: Option<&'c Columns>) -> Self {
        Fields { map, columns }
    }

    /// A key field (`userID`, `oId`, `objectId`): always filled.
    pub(super) fn key<T: ?Sized + Serialize>(&mut self, k: &str, v: &T) -> Result<(), M::Error> {
        self.map.serialize_entry(k, v)
    }

    /// An ordinary field: null unless `columns` is absent or names it.
    pub(super) fn col<T: ?Sized + Serialize>(&mut self, k: &str, v: &T) -> Result<(), M::Error> {
        match self.columns {
            Some(c) if !c.allows(k) => self.map.serialize_entry(k, &()),
            _ => self.map.serialize_entry(k, v),
        }
    }

    /// Custom properties: only the selected ones when `columns` is given.
    pub(super) fn custom(
        &mut self,
        k: &str,
        props: &[(String, serde_json::Value)],
    ) -> Result<(), M::Error> {
        let selected = CustomProps {
            props,
            columns: self.columns,
        };
        self.map.serialize_entry(k, &selected)
    }

    pub(super) fn end(self) -> Result<M::Ok, M::Error> {
        self.map.end()
    }
}

struct CustomProps<'a> {
    props: &'a [(String, serde_json::Value)],
    columns: Option<&'a Columns>,
}

impl Serialize for CustomProps<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (k, v) in self.props {
            // Null values never appear: Beisen omits the key instead.
            if v.is_null() || self.columns.is_some_and(|c| !c.allows(k)) {
                continue;
            }
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// `{"XText": "…"}` pairs of `translateProperties`.
pub(super) struct Texts<'a>(pub &'a [(&'a str, &'a str)]);

impl Serialize for Texts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A JSON response from bytes already serialised.
pub(super) fn bytes_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

/// A JSON response of any serialisable value.
pub(super) fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => bytes_response(status, body),
        // Only a bug in a Serialize impl here can fail.
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_and_dates_have_the_vendor_shapes() {
        let g = Guid::of(42, 7, 1).to_string();
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "4");
        let t = NaiveDate::from_ymd_opt(2021, 1, 2)
            .unwrap()
            .and_hms_opt(3, 4, 5)
            .unwrap();
        assert_eq!(
            serde_json::to_string(&Dt(t)).unwrap(),
            r#""2021-01-02T03:04:05""#
        );
        assert_eq!(
            serde_json::to_string(&SpacedDt(t)).unwrap(),
            r#""2021-01-02 03:04:05""#
        );
        assert_eq!(
            serde_json::to_string(&Day(t.date())).unwrap(),
            r#""2021-01-02T00:00:00""#
        );
        for (ms, text) in [
            (347, "2021-01-02T03:04:05.347"),
            (340, "2021-01-02T03:04:05.34"),
            (300, "2021-01-02T03:04:05.3"),
            (7, "2021-01-02T03:04:05.007"),
        ] {
            let t = t + chrono::Duration::milliseconds(ms);
            assert_eq!(Dt(t).to_string(), text);
        }
    }
}
