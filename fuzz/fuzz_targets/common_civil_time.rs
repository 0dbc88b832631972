//! hr-common's civil date-time parsing (`CivilDateTime::parse`) and its
//! serde forms (`civil_time::option`, `Civil`, `CivilAs`).
//!
//! Invariants: no panic, also when converting a parsed value to an instant
//! in any zone; a parsed value writes back as exactly the text it was
//! read from (trimmed) and reads again to an equal value; the serde forms
//! agree with `parse`.

#![no_main]

use chrono::{DateTime, FixedOffset, Utc};
use hr_common::civil_time::{self, Civil, CivilAs, CivilDateTime};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde_with::serde_as;

#[serde_as]
#[derive(Deserialize)]
#[allow(dead_code)]
struct Forms {
    #[serde(default, with = "civil_time::option")]
    option: Option<CivilDateTime>,
    #[serde_as(as = "Civil")]
    #[serde(default)]
    civil: Option<CivilDateTime>,
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

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let parsed = CivilDateTime::parse(text);
    if let Ok(Some(t)) = &parsed {
        assert_eq!(t.to_string(), text.trim(), "the text was not kept");
        let again = CivilDateTime::parse(&t.to_string()).expect("our own text is unreadable");
        assert_eq!(again.as_ref(), Some(t));
        for secs in [-50_400, -43_200, 0, 28_800, 50_400, 86_399] {
            let zone = FixedOffset::east_opt(secs).unwrap();
            let _ = t.to_datetime(zone);
            let _ = t.to_utc(zone);
        }
        let _ = (
            t.naive(),
            t.offset(),
            t.date(),
            t.is_date_only(),
            format!("{t:?}"),
        );
        let json = serde_json::to_string(t).unwrap();
        let back: CivilDateTime = serde_json::from_str(&json).expect("our own JSON is unreadable");
        assert_eq!(&back, t);
    }
    let quoted = serde_json::to_string(text).unwrap();
    let body = format!(
        r#"{{"option":{quoted},"civil":{quoted},"china":{quoted},"utc":{quoted},"west":{quoted}}}"#
    );
    match serde_json::from_str::<Forms>(&body) {
        Ok(forms) => {
            let expected = parsed.expect("serde read what parse refused");
            assert_eq!(forms.option, expected);
            assert_eq!(forms.civil, expected);
            assert_eq!(forms.china.is_some(), expected.is_some());
            assert_eq!(forms.utc.is_some(), expected.is_some());
            assert_eq!(forms.west.is_some(), expected.is_some());
        }
        Err(_) => assert!(parsed.is_err(), "serde refused what parse read"),
    }
});
