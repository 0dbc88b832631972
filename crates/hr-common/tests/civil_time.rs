//! Behaviour of vendor civil date-times: parsing, round trips, zones and the
//! "no value" sentinel.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};
use hr_common::civil_time::{
    self, CHINA_STANDARD_TIME, CHINA_STANDARD_TIME_SECONDS, Civil, CivilAs, CivilDateTime,
    CivilTimeError, format_request_time,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use serde_with::serde_as;

fn naive(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, nano: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_nano_opt(h, min, s, nano)
        .unwrap()
}

fn offset(seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(seconds).unwrap()
}

fn parse(s: &str) -> CivilDateTime {
    CivilDateTime::parse(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .unwrap_or_else(|| panic!("{s}: parsed as no value"))
}

#[test]
fn china_standard_time_is_plus_eight() {
    assert_eq!(CHINA_STANDARD_TIME.local_minus_utc(), 8 * 3600);
    assert_eq!(CHINA_STANDARD_TIME_SECONDS, 28_800);
    assert_eq!(CHINA_STANDARD_TIME.to_string(), "+08:00");
}

#[test]
fn parses_every_vendor_layout() {
    let cases: &[(&str, NaiveDateTime, Option<i32>)] = &[
        ("2021-01-01T00:00:00", naive(2021, 1, 1, 0, 0, 0, 0), None),
        ("2021-01-01 00:00:00", naive(2021, 1, 1, 0, 0, 0, 0), None),
        ("2021-01-01", naive(2021, 1, 1, 0, 0, 0, 0), None),
        (
            "2023-08-11T14:23:09.000+08:00",
            naive(2023, 8, 11, 14, 23, 9, 0),
            Some(28_800),
        ),
        (
            "2019-08-24T14:15:22Z",
            naive(2019, 8, 24, 14, 15, 22, 0),
            Some(0),
        ),
        (
            "2019-08-24t14:15:22z",
            naive(2019, 8, 24, 14, 15, 22, 0),
            Some(0),
        ),
        ("2021-06-01 08:30", naive(2021, 6, 1, 8, 30, 0, 0), None),
        (
            "2021-06-01T08:30:00-05:30",
            naive(2021, 6, 1, 8, 30, 0, 0),
            Some(-19_800),
        ),
        (
            "2021-06-01T08:30:00+0800",
            naive(2021, 6, 1, 8, 30, 0, 0),
            Some(28_800),
        ),
        (
            "2021-06-01T08:30:00+08",
            naive(2021, 6, 1, 8, 30, 0, 0),
            Some(28_800),
        ),
        (
            "2021-06-01T08:30:00,5",
            naive(2021, 6, 1, 8, 30, 0, 500_000_000),
            None,
        ),
        (
            "2024-02-29T23:59:59",
            naive(2024, 2, 29, 23, 59, 59, 0),
            None,
        ),
        (
            "9999-12-31T23:59:59.999999999+14:00",
            naive(9999, 12, 31, 23, 59, 59, 999_999_999),
            Some(50_400),
        ),
    ];
    for &(text, want, off) in cases {
        let t = parse(text);
        assert_eq!(t.naive(), want, "{text}");
        assert_eq!(t.offset().map(|o| o.local_minus_utc()), off, "{text}");
        assert_eq!(t.date(), want.date(), "{text}");
        assert_eq!(t.to_string(), text, "{text}");
        assert_eq!(t.as_str(), text, "{text}");
        assert_eq!(t.is_date_only(), text.len() == 10, "{text}");
    }
}

#[test]
fn fractions_of_any_length() {
    let cases = [
        (".1", 100_000_000),
        (".12", 120_000_000),
        (".000", 0),
        (".123456", 123_456_000),
        (".1234567", 123_456_700),
        (".123456789", 123_456_789),
        // Beyond nanoseconds the value is truncated; the text is kept.
        (".123456789987", 123_456_789),
    ];
    for (fraction, nanos) in cases {
        let text = format!("2021-01-01 10:00:00{fraction}");
        let t = parse(&text);
        assert_eq!(t.naive().nanosecond(), nanos, "{text}");
        assert_eq!(t.to_string(), text);
        assert_eq!(serde_json::to_value(&t).unwrap(), json!(text));
    }
}

#[test]
fn surrounding_whitespace_is_ignored() {
    let t = parse("  2021-01-01 00:00:00\n");
    assert_eq!(t.as_str(), "2021-01-01 00:00:00");
    assert_eq!(t, parse("2021-01-01T00:00:00"));
}

#[test]
fn sentinel_and_empty_are_no_value() {
    for text in [
        "",
        "   ",
        "0001-01-01 00:00:00",
        "0001-01-01T00:00:00",
        "0001-01-01",
        "0001-01-01T00:00:00.0000000",
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+08:00",
    ] {
        assert_eq!(CivilDateTime::parse(text), Ok(None), "{text:?}");
        let err = text.parse::<CivilDateTime>().unwrap_err();
        assert!(err.is_no_value(), "{text:?}");
        assert_eq!(err.input(), text.trim());
    }
    // A real time on 0001-01-01 is a value.
    assert_eq!(
        parse("0001-01-01 00:00:01").naive(),
        naive(1, 1, 1, 0, 0, 1, 0)
    );
}

#[test]
fn invalid_inputs_are_errors_that_show_the_input_and_the_reason() {
    let cases = [
        ("2021-13-01", "no such date"),
        ("2021-02-29", "no such date"),
        ("2021/01/01", "expected the date as YYYY-MM-DD"),
        ("21-01-01", "expected the date as YYYY-MM-DD"),
        ("2021-1-1", "expected the date as YYYY-MM-DD"),
        ("yesterday", "expected the date as YYYY-MM-DD"),
        ("2021-01-01X00:00:00", "expected 'T' or a space"),
        ("2021-01-01T", "expected the time as HH:MM:SS"),
        ("2021-01-01T9:00:00", "expected the time as HH:MM:SS"),
        ("2021-01-01T24:00:00", "time of day out of range"),
        ("2021-01-01T23:60:00", "time of day out of range"),
        ("2021-01-01T23:59:60", "time of day out of range"),
        ("2021-01-01T00:00:0", "expected two digits of seconds"),
        (
            "2021-01-01T00:00:00.",
            "expected digits after the decimal point",
        ),
        ("2021-01-01T00:00:00+8", "expected the offset as +HH:MM"),
        ("2021-01-01T00:00:00+24:00", "offset out of range"),
        ("2021-01-01T00:00:00+08:60", "offset out of range"),
        (
            "2021-01-01T00:00:00 +08:00",
            "unexpected text after the time",
        ),
        (
            "2021-01-01T00:00:00Zabc",
            "unexpected text after the offset",
        ),
        (
            "2021-01-01T00:00:00+08:00:00",
            "unexpected text after the offset",
        ),
        ("２０２１-01-01", "expected the date as YYYY-MM-DD"),
    ];
    for (text, reason) in cases {
        let err = CivilDateTime::parse(text).unwrap_err();
        assert!(!err.is_no_value(), "{text}");
        assert_eq!(err.input(), text);
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("invalid date-time {text:?}: {reason}")),
            "{text}: {shown}"
        );
        assert!(shown.contains("2021-01-01T00:00:00"), "{shown}");
        assert_eq!(text.parse::<CivilDateTime>().unwrap_err(), err);
    }
}

#[test]
fn error_messages_cut_long_input() {
    let long = format!("{}x", "日".repeat(500));
    let err = CivilDateTime::parse(&long).unwrap_err();
    assert_eq!(err.input(), long, "the full input stays available");
    let shown = err.to_string();
    assert!(
        shown.contains(&format!("{:?}…", "日".repeat(64))),
        "{shown}"
    );
    assert!(shown.len() < 400, "{shown}");
}

#[test]
fn error_is_a_std_error() {
    fn check<E: std::error::Error + Send + Sync + Clone + 'static>(_: &E) {}
    let err: CivilTimeError = "x".parse::<CivilDateTime>().unwrap_err();
    check(&err);
}

#[test]
fn to_datetime_prefers_the_sent_offset() {
    let utc = offset(0);
    let local = parse("2021-01-01 08:00:00");
    assert_eq!(
        local.to_datetime(CHINA_STANDARD_TIME),
        DateTime::parse_from_rfc3339("2021-01-01T08:00:00+08:00").unwrap()
    );
    assert_eq!(
        local.to_datetime(CHINA_STANDARD_TIME).offset(),
        &CHINA_STANDARD_TIME
    );
    assert_eq!(
        local.to_utc(CHINA_STANDARD_TIME),
        "2021-01-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        local.to_utc(utc),
        "2021-01-01T08:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );

    let sent = parse("2021-01-01T08:00:00-05:00");
    for zone in [CHINA_STANDARD_TIME, utc] {
        assert_eq!(sent.to_datetime(zone).offset().local_minus_utc(), -5 * 3600);
        assert_eq!(
            sent.to_utc(zone),
            "2021-01-01T13:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    // The sentinel's neighbourhood converts without trouble.
    let early = parse("0001-01-01 00:00:01");
    assert_eq!(
        early.to_utc(CHINA_STANDARD_TIME).naive_utc(),
        naive(0, 12, 31, 16, 0, 1, 0)
    );
}

#[test]
fn constructors_write_the_request_layouts() {
    let t = CivilDateTime::from_naive(naive(2021, 1, 2, 3, 4, 5, 678_000_000));
    assert_eq!(t.to_string(), "2021-01-02T03:04:05");
    assert_eq!(t.naive(), naive(2021, 1, 2, 3, 4, 5, 0));
    assert_eq!(t.offset(), None);
    assert!(!t.is_date_only());
    assert_eq!(t, parse(&t.to_string()));
    assert_eq!(CivilDateTime::from(naive(2021, 1, 2, 3, 4, 5, 0)), t);

    let d = CivilDateTime::from_date(NaiveDate::from_ymd_opt(1997, 11, 10).unwrap());
    assert_eq!(d.to_string(), "1997-11-10");
    assert!(d.is_date_only());
    assert_eq!(d, parse("1997-11-10 00:00:00"));

    let dt = DateTime::parse_from_rfc3339("2021-01-01T08:00:00.5+08:00").unwrap();
    let t = CivilDateTime::from_datetime(dt);
    assert_eq!(t.to_string(), "2021-01-01T08:00:00+08:00");
    assert_eq!(t.offset(), Some(CHINA_STANDARD_TIME));
    let t = CivilDateTime::from(DateTime::parse_from_rfc3339("2021-01-01T08:00:00-05:30").unwrap());
    assert_eq!(t.to_string(), "2021-01-01T08:00:00-05:30");
    let t =
        CivilDateTime::from_datetime(DateTime::parse_from_rfc3339("2021-01-01T00:00:00Z").unwrap());
    assert_eq!(t.to_string(), "2021-01-01T00:00:00Z");
    assert_eq!(t, parse(t.as_str()));
}

#[test]
fn format_request_time_drops_fractions() {
    assert_eq!(
        format_request_time(naive(2021, 1, 1, 0, 0, 0, 0)),
        "2021-01-01T00:00:00"
    );
    assert_eq!(
        format_request_time(naive(2021, 3, 21, 23, 59, 59, 999_999_999)),
        "2021-03-21T23:59:59"
    );
}

#[test]
fn equality_ignores_layout_but_not_offset() {
    assert_eq!(parse("2021-01-01"), parse("2021-01-01 00:00:00"));
    assert_eq!(
        parse("2021-01-01T00:00:00.000"),
        parse("2021-01-01 00:00:00")
    );
    assert_eq!(
        parse("2021-01-01T00:00:00Z"),
        parse("2021-01-01T00:00:00+00:00")
    );
    assert_ne!(
        parse("2021-01-01T00:00:00Z"),
        parse("2021-01-01T00:00:00+08:00")
    );
    assert_ne!(parse("2021-01-01T00:00:00Z"), parse("2021-01-01T00:00:00"));
    assert_ne!(parse("2021-01-01T00:00:00.1"), parse("2021-01-01T00:00:00"));

    let set: HashSet<CivilDateTime> =
        ["2021-01-01", "2021-01-01T00:00:00", "2021-01-01 00:00:00.0"]
            .into_iter()
            .map(parse)
            .collect();
    assert_eq!(set.len(), 1);

    let mut sorted = [
        parse("2021-01-02"),
        parse("2021-01-01T00:00:00+08:00"),
        parse("2021-01-01 12:00:00"),
        parse("2021-01-01"),
    ];
    sorted.sort();
    let shown: Vec<_> = sorted.iter().map(|t| t.as_str()).collect();
    assert_eq!(
        shown,
        [
            "2021-01-01",
            "2021-01-01T00:00:00+08:00",
            "2021-01-01 12:00:00",
            "2021-01-02"
        ]
    );
}

#[test]
fn debug_shows_the_text() {
    assert_eq!(
        format!("{:?}", parse("2021-01-01 00:00:00")),
        r#"CivilDateTime("2021-01-01 00:00:00")"#
    );
}

// ---------------------------------------------------------------------------
// serde
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Employee {
    modified_time: CivilDateTime,
    #[serde(default, with = "civil_time::option")]
    last_work_date: Option<CivilDateTime>,
}

#[test]
fn serde_round_trips_the_exact_text() {
    for text in [
        "2021-01-01T00:00:00",
        "2021-01-01 00:00:00",
        "2021-01-01",
        "2023-08-11T14:23:09.000+08:00",
        "2019-08-24T14:15:22Z",
        "2021-06-01 08:30:00.1234567",
        "2021-06-01T08:30:00+0800",
    ] {
        let body = json!({"modifiedTime": text, "lastWorkDate": text});
        let e: Employee = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(e.modified_time.as_str(), text);
        assert_eq!(serde_json::to_value(&e).unwrap(), body, "{text}");
    }
}

#[test]
fn bare_civil_date_time_rejects_no_value_pointing_at_option() {
    for text in ["0001-01-01 00:00:00", "0001-01-01T00:00:00", ""] {
        let err = serde_json::from_value::<Employee>(json!({"modifiedTime": text})).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("means \"no value\""), "{shown}");
        assert!(shown.contains("Option<CivilDateTime>"), "{shown}");
        assert!(shown.contains("hr_common::civil_time::option"), "{shown}");
    }
    let err = serde_json::from_str::<Employee>(r#"{"modifiedTime":null}"#).unwrap_err();
    assert!(err.to_string().contains("invalid type: null"), "{err}");
    let err = serde_json::from_str::<Employee>(r#"{"modifiedTime":20210101}"#).unwrap_err();
    assert!(
        err.to_string().contains("expected a date-time string"),
        "{err}"
    );
    let err = serde_json::from_str::<Employee>(r#"{"modifiedTime":"2021-13-01"}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(r#"invalid date-time "2021-13-01": no such date"#),
        "{err}"
    );
}

#[test]
fn option_helper_maps_null_empty_sentinel_and_missing_to_none() {
    for last in [
        json!(null),
        json!(""),
        json!(" "),
        json!("0001-01-01 00:00:00"),
        json!("0001-01-01T00:00:00"),
    ] {
        let e: Employee =
            serde_json::from_value(json!({"modifiedTime":"2021-01-01","lastWorkDate": last}))
                .unwrap();
        assert_eq!(e.last_work_date, None, "{last}");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"modifiedTime":"2021-01-01","lastWorkDate":null})
        );
    }
    let e: Employee = serde_json::from_str(r#"{"modifiedTime":"2021-01-01"}"#).unwrap();
    assert_eq!(e.last_work_date, None);

    let err =
        serde_json::from_str::<Employee>(r#"{"modifiedTime":"2021-01-01","lastWorkDate":"soon"}"#)
            .unwrap_err();
    assert!(
        err.to_string().starts_with(r#"invalid date-time "soon""#),
        "{err}"
    );
    let err = serde_json::from_str::<Employee>(r#"{"modifiedTime":"2021-01-01","lastWorkDate":0}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("invalid type: integer `0`"),
        "{err}"
    );
}

#[serde_as]
#[derive(Debug, Deserialize, Serialize)]
struct WithCivil {
    #[serde_as(as = "Vec<Civil>")]
    many: Vec<Option<CivilDateTime>>,
    #[serde_as(as = "Civil")]
    #[serde(default)]
    one: Option<CivilDateTime>,
    #[serde_as(as = "Civil")]
    bare: CivilDateTime,
}

#[test]
fn civil_adapter_composes_in_containers() {
    let w: WithCivil = serde_json::from_str(
        r#"{"many":["2021-01-01 09:00:00","0001-01-01 00:00:00",null,"","2021-01-02"],
            "bare":"2021-01-03T00:00:00Z"}"#,
    )
    .unwrap();
    let texts: Vec<_> = w
        .many
        .iter()
        .map(|t| t.as_ref().map(|t| t.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            Some("2021-01-01 09:00:00"),
            None,
            None,
            None,
            Some("2021-01-02")
        ]
    );
    assert_eq!(w.one, None);
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        json!({"many":["2021-01-01 09:00:00",null,null,null,"2021-01-02"],"one":null,"bare":"2021-01-03T00:00:00Z"})
    );

    let err = serde_json::from_str::<WithCivil>(r#"{"many":[],"bare":"0001-01-01"}"#).unwrap_err();
    assert!(err.to_string().contains("no value"), "{err}");
}

#[serde_as]
#[derive(Debug, Deserialize, Serialize)]
struct Instants {
    #[serde_as(as = "CivilAs")]
    cst: DateTime<FixedOffset>,
    #[serde_as(as = "CivilAs<0>")]
    utc: DateTime<Utc>,
    #[serde_as(as = "CivilAs<-18000>")]
    new_york_winter: DateTime<FixedOffset>,
    #[serde_as(as = "CivilAs")]
    #[serde(default)]
    maybe: Option<DateTime<FixedOffset>>,
    #[serde_as(as = "Option<CivilAs<0>>")]
    maybe_utc: Option<DateTime<Utc>>,
    #[serde_as(as = "Vec<CivilAs>")]
    #[serde(default)]
    list: Vec<Option<DateTime<Utc>>>,
}

#[test]
fn civil_as_applies_the_zone_when_none_was_sent() {
    let i: Instants = serde_json::from_str(
        r#"{"cst":"2021-01-01 08:00:00","utc":"2021-01-01","new_york_winter":"2021-01-01T07:00:00",
            "maybe":"0001-01-01 00:00:00","maybe_utc":null,"list":["2021-01-01T08:00:00.999","",null]}"#,
    )
    .unwrap();
    let instant = "2021-01-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
    assert_eq!(i.cst, instant);
    assert_eq!(i.cst.offset(), &CHINA_STANDARD_TIME);
    assert_eq!(i.utc, instant);
    assert_eq!(
        i.new_york_winter.to_utc(),
        "2021-01-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(i.maybe, None);
    assert_eq!(i.maybe_utc, None);
    assert_eq!(i.list.len(), 3);
    assert_eq!(i.list[0].map(|t| t.timestamp_subsec_millis()), Some(999));
    assert_eq!(i.list[0].map(|t| t.timestamp()), Some(instant.timestamp()));
    assert_eq!(&i.list[1..], [None, None]);

    assert_eq!(
        serde_json::to_value(&i).unwrap(),
        json!({"cst":"2021-01-01T08:00:00","utc":"2021-01-01T00:00:00",
               "new_york_winter":"2021-01-01T07:00:00","maybe":null,"maybe_utc":null,
               "list":["2021-01-01T08:00:00",null,null]})
    );
}

#[test]
fn civil_as_honours_a_sent_offset_and_writes_in_its_own_zone() {
    let i: Instants = serde_json::from_str(
        r#"{"cst":"2021-01-01T00:00:00Z","utc":"2021-01-01T08:00:00+08:00",
            "new_york_winter":"2021-01-01T12:00:00Z","maybe":"2021-01-01T00:00:00-01:00",
            "maybe_utc":"2021-01-01T08:00:00"}"#,
    )
    .unwrap();
    assert_eq!(i.cst.offset().local_minus_utc(), 0);
    assert_eq!(i.cst.to_utc(), i.utc);
    assert_eq!(i.maybe.unwrap().offset().local_minus_utc(), -3600);
    assert_eq!(
        serde_json::to_value(&i).unwrap(),
        json!({"cst":"2021-01-01T08:00:00","utc":"2021-01-01T00:00:00",
               "new_york_winter":"2021-01-01T07:00:00","maybe":"2021-01-01T09:00:00",
               "maybe_utc":"2021-01-01T08:00:00","list":[]})
    );
}

#[test]
fn civil_as_rejects_no_value_for_bare_instants() {
    let err = serde_json::from_str::<Instants>(
        r#"{"cst":"0001-01-01T00:00:00","utc":"2021-01-01","new_york_winter":"2021-01-01"}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("means \"no value\""), "{err}");
    let err = serde_json::from_str::<Instants>(
        r#"{"cst":"2021-01-01","utc":"","new_york_winter":"2021-01-01"}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("means \"no value\""), "{err}");
    // `Option<CivilAs>` is serde_with's `Option`: only null is `None`, and
    // the inner adapter sees "" as a bare instant.
    let err = serde_json::from_str::<Instants>(
        r#"{"cst":"2021-01-01","utc":"2021-01-01","new_york_winter":"2021-01-01","maybe_utc":""}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("means \"no value\""), "{err}");
    // `serde_as` gives that field `#[serde(default)]` by itself.
    let i: Instants = serde_json::from_str(
        r#"{"cst":"2021-01-01","utc":"2021-01-01","new_york_winter":"2021-01-01"}"#,
    )
    .unwrap();
    assert_eq!((i.maybe, i.maybe_utc), (None, None));
}

#[test]
fn civil_as_zone_is_the_type_parameter() {
    assert_eq!(CivilAs::<28800>::zone(), CHINA_STANDARD_TIME);
    assert_eq!(<CivilAs>::zone(), CHINA_STANDARD_TIME);
    assert_eq!(CivilAs::<0>::zone(), offset(0));
    assert_eq!(CivilAs::<-18000>::zone(), offset(-18000));
}
