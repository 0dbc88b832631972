//! hr-common's lenient serde adapters (`StringOrInt`, `Code`,
//! `LenientBool`, `LenientBoolYN`, `NumberFromString`, `EmptyAsNone`,
//! `Civil`, `CivilAs`) on arbitrary JSON.
//!
//! Invariants: no panic; whatever they read, they write in a form they
//! read again to the same value ("lenient in, exact out"), `CivilAs`
//! included (it writes whole seconds in its own zone).

#![no_main]

use chrono::{DateTime, Datelike, FixedOffset, SubsecRound, Utc};
use hr_common::civil_time::{Civil, CivilAs, CivilDateTime};
use hr_common::lenient::{
    Code, EmptyAsNone, LenientBool, LenientBoolYN, NumberFromString, StringOrInt,
};
use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};
use serde_with::serde_as;

#[serde_as]
#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct Lenient {
    #[serde_as(as = "Option<StringOrInt>")]
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    code: Option<Code>,
    #[serde_as(as = "Option<LenientBool>")]
    #[serde(default)]
    flag: Option<bool>,
    #[serde_as(as = "Option<LenientBoolYN>")]
    #[serde(default)]
    yn: Option<bool>,
    #[serde_as(as = "Option<NumberFromString>")]
    #[serde(default)]
    int: Option<i64>,
    #[serde_as(as = "Option<NumberFromString>")]
    #[serde(default)]
    small: Option<u8>,
    #[serde_as(as = "Option<Vec<NumberFromString>>")]
    #[serde(default)]
    ids: Option<Vec<u64>>,
    #[serde_as(as = "EmptyAsNone<NumberFromString>")]
    #[serde(default)]
    maybe: Option<i64>,
    #[serde_as(as = "EmptyAsNone")]
    #[serde(default)]
    blank: Option<String>,
    #[serde_as(as = "Civil")]
    #[serde(default)]
    civil: Option<CivilDateTime>,
    #[serde_as(as = "Option<Vec<Civil>>")]
    #[serde(default)]
    civils: Option<Vec<Option<CivilDateTime>>>,
    #[serde_as(as = "CivilAs")]
    #[serde(default)]
    china: Option<DateTime<FixedOffset>>,
    #[serde_as(as = "CivilAs<0>")]
    #[serde(default)]
    utc: Option<DateTime<Utc>>,
    #[serde_as(as = "CivilAs<-43200>")]
    #[serde(default)]
    west: Option<DateTime<FixedOffset>>,
}

#[serde_as]
#[derive(Deserialize)]
#[allow(dead_code)]
struct Floats {
    #[serde_as(as = "Option<NumberFromString>")]
    #[serde(default)]
    float: Option<f64>,
    #[serde_as(as = "EmptyAsNone<NumberFromString>")]
    #[serde(default)]
    maybe_float: Option<f32>,
}

fuzz_target!(|input: &[u8]| {
    let _ = serde_json::from_slice::<Floats>(input);
    let Ok(read) = serde_json::from_slice::<Lenient>(input) else {
        return;
    };
    let written = serde_json::to_vec(&read).expect("a value that cannot be written");
    // Known and reported, not fixed here: `CivilAs` writes the year in its
    // own zone, so a value read with another offset near year 0 or 9999
    // (`9999-12-31T23:59:59Z` into `CivilAs<28800>`) is written as
    // `+10000-…` or `-0001-…`, which nothing reads. Round trips are
    // checked for four-digit years only.
    let four_digits = |t: Option<DateTime<FixedOffset>>, zone: i32| {
        t.is_none_or(|t| {
            let year = t
                .with_timezone(&FixedOffset::east_opt(zone).unwrap())
                .year();
            (0..=9999).contains(&year)
        })
    };
    if !(four_digits(read.china, 28_800)
        && four_digits(read.utc.map(|t| t.fixed_offset()), 0)
        && four_digits(read.west, -43_200))
    {
        return;
    }
    let again: Lenient = serde_json::from_slice(&written).unwrap_or_else(|e| {
        panic!(
            "our own output is unreadable: {e}\n{}",
            String::from_utf8_lossy(&written)
        )
    });
    let whole = |t: Option<DateTime<FixedOffset>>| t.map(|t| t.trunc_subsecs(0));
    assert_eq!(again.text, read.text);
    assert_eq!(again.code, read.code);
    assert_eq!(again.flag, read.flag);
    assert_eq!(again.yn, read.yn);
    assert_eq!(again.int, read.int);
    assert_eq!(again.small, read.small);
    assert_eq!(again.ids, read.ids);
    assert_eq!(again.maybe, read.maybe);
    assert_eq!(again.blank, read.blank);
    assert_eq!(again.civil, read.civil);
    assert_eq!(again.civils, read.civils);
    assert_eq!(whole(again.china), whole(read.china));
    assert_eq!(
        again.utc.map(|t| t.trunc_subsecs(0)),
        read.utc.map(|t| t.trunc_subsecs(0))
    );
    assert_eq!(whole(again.west), whole(read.west));
});
