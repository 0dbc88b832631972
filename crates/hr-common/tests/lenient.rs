//! Behaviour of the lenient serde adapters on the shapes vendors send.

use std::collections::HashSet;

use hr_common::lenient::{
    Code, EmptyAsNone, LenientBool, LenientBoolYN, NumberFromString, StringOrInt,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use serde_with::serde_as;

fn err_of<T: for<'de> Deserialize<'de> + std::fmt::Debug>(json: &str) -> String {
    serde_json::from_str::<T>(json).unwrap_err().to_string()
}

// ---------------------------------------------------------------------------
// StringOrInt
// ---------------------------------------------------------------------------

#[serde_as]
#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Coded {
    #[serde_as(as = "StringOrInt")]
    code: String,
}

#[serde_as]
#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Codes {
    #[serde_as(as = "Vec<Option<StringOrInt>>")]
    codes: Vec<Option<String>>,
    #[serde(with = "serde_with::As::<StringOrInt>")]
    with_attr: String,
}

#[test]
fn string_or_int_reads_strings_and_integers_of_any_sign_and_size() {
    let cases = [
        (r#""200""#, "200"),
        ("200", "200"),
        ("-1", "-1"),
        ("0", "0"),
        ("18446744073709551615", "18446744073709551615"),
        ("-9223372036854775808", "-9223372036854775808"),
        (r#"" 10000 ""#, " 10000 "),
        (r#""invalid_token""#, "invalid_token"),
        (r#""""#, ""),
    ];
    for (raw, want) in cases {
        let got: Coded = serde_json::from_str(&format!(r#"{{"code":{raw}}}"#)).unwrap();
        assert_eq!(got.code, want, "input {raw}");
    }
}

#[test]
fn string_or_int_rejects_other_types_with_a_clear_message() {
    for raw in ["2.5", "true", "null", "[1]", r#"{"a":1}"#] {
        let err = err_of::<Coded>(&format!(r#"{{"code":{raw}}}"#));
        assert!(
            err.contains("expected a string or an integer"),
            "input {raw}: {err}"
        );
    }
}

#[test]
fn string_or_int_writes_a_string_and_composes() {
    let got: Codes = serde_json::from_str(r#"{"codes":[1,"2",null,-3],"with_attr":417}"#).unwrap();
    assert_eq!(
        got.codes,
        [Some("1".into()), Some("2".into()), None, Some("-3".into())]
    );
    assert_eq!(got.with_attr, "417");
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        json!({"codes":["1","2",null,"-3"],"with_attr":"417"})
    );
}

// ---------------------------------------------------------------------------
// Code
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct TravelReply {
    res_code: Code,
    res_msg: String,
}

#[test]
fn code_reads_int_or_string_and_compares_with_both() {
    for body in [
        r#"{"resCode":10000,"resMsg":"success"}"#,
        r#"{"resCode":"10000","resMsg":"success"}"#,
    ] {
        let reply: TravelReply = serde_json::from_str(body).unwrap();
        assert!(reply.res_code == 10000, "{body}");
        assert!(reply.res_code == "10000", "{body}");
        assert!(reply.res_code == *"10000", "{body}");
        let owned = String::from("10000");
        assert!(reply.res_code == owned, "{body}");
        assert!(10000 == reply.res_code, "{body}");
        assert!("10000" == reply.res_code, "{body}");
        assert!(reply.res_code != 200, "{body}");
        assert!(reply.res_code != "200", "{body}");
        assert_eq!(reply.res_msg, "success");
        assert_eq!(
            serde_json::to_string(&reply).unwrap(),
            r#"{"resCode":"10000","resMsg":"success"}"#
        );
    }
}

#[test]
fn code_numeric_comparison_parses_but_string_comparison_is_exact() {
    let padded = Code::from("0200");
    assert!(padded == 200);
    assert!(padded != "200");
    assert_eq!(padded.as_i64(), Some(200));

    let spaced = Code::from(" 200 ");
    assert!(spaced == 200);
    assert!(spaced != "200");

    let word = Code::from("invalid_token");
    assert!(word != 0);
    assert_eq!(word.as_i64(), None);

    let negative = Code::from(-1);
    assert!(negative == -1);
    assert!(Code::from("") != 0);
}

#[test]
fn code_conversions_display_and_hashing() {
    let code = Code::from(417);
    assert_eq!(code.to_string(), "417");
    assert_eq!(code.as_str(), "417");
    assert_eq!(code, Code::from("417"));
    assert_eq!(code, Code::from(String::from("417")));
    assert_eq!(code, Code::new("417"));
    assert_eq!(code, "417".parse::<Code>().unwrap());
    assert_eq!(String::from(code.clone()), "417");
    assert_eq!(code.clone().into_string(), "417");
    assert_eq!(Code::default().as_str(), "");

    // `Borrow<str>` lets sets of codes be queried with plain strings.
    let retryable: HashSet<Code> = ["500", "503"].into_iter().map(Code::from).collect();
    assert!(retryable.contains("503"));
    assert!(!retryable.contains("417"));
}

#[test]
fn code_rejects_floats_and_objects() {
    let err = err_of::<TravelReply>(r#"{"resCode":1.5,"resMsg":""}"#);
    assert!(err.contains("expected a string or an integer"), "{err}");
    let err = err_of::<TravelReply>(r#"{"resCode":{},"resMsg":""}"#);
    assert!(err.contains("expected a string or an integer"), "{err}");
}

// ---------------------------------------------------------------------------
// LenientBool / LenientBoolYN
// ---------------------------------------------------------------------------

#[serde_as]
#[derive(Debug, Deserialize, Serialize)]
struct Flag {
    #[serde_as(as = "LenientBool")]
    v: bool,
}

#[serde_as]
#[derive(Debug, Deserialize, Serialize)]
struct FlagYN {
    #[serde_as(as = "LenientBoolYN")]
    v: bool,
}

#[serde_as]
#[derive(Debug, Deserialize, Serialize)]
struct Flags {
    #[serde_as(as = "Option<LenientBool>")]
    opt: Option<bool>,
    #[serde_as(as = "Vec<LenientBoolYN>")]
    many: Vec<bool>,
    #[serde(with = "serde_with::As::<LenientBoolYN>")]
    with_attr: bool,
}

const TRUTHY: &[&str] = &[
    "true",
    r#""true""#,
    r#""TRUE""#,
    r#""True""#,
    r#""Y""#,
    r#""y""#,
    r#""yes""#,
    r#""YES""#,
    "1",
    r#""1""#,
    r#"" Y ""#,
];
const FALSY: &[&str] = &[
    "false",
    r#""false""#,
    r#""FALSE""#,
    r#""N""#,
    r#""n""#,
    r#""no""#,
    r#""No""#,
    "0",
    r#""0""#,
    r#""false ""#,
];

#[test]
fn lenient_bool_reads_every_spelling() {
    for (inputs, want) in [(TRUTHY, true), (FALSY, false)] {
        for raw in inputs {
            let json = format!(r#"{{"v":{raw}}}"#);
            let flag: Flag = serde_json::from_str(&json).unwrap();
            assert_eq!(flag.v, want, "LenientBool {raw}");
            let flag: FlagYN = serde_json::from_str(&json).unwrap();
            assert_eq!(flag.v, want, "LenientBoolYN {raw}");
        }
    }
}

#[test]
fn lenient_bool_rejects_everything_else_naming_the_input() {
    let expected = r#"expected a boolean (true/false, "Y"/"N", 1/0)"#;
    for (raw, shown) in [
        (r#""maybe""#, r#"got "maybe""#),
        (r#""""#, r#"got """#),
        (r#""A""#, r#"got "A""#),
        (r#""2""#, r#"got "2""#),
        ("2", "got 2"),
        ("-1", "got -1"),
    ] {
        let err = err_of::<Flag>(&format!(r#"{{"v":{raw}}}"#));
        assert!(
            err.starts_with(&format!("{expected}, {shown}")),
            "{raw}: {err}"
        );
    }
    for raw in ["1.0", "null", "[]", "{}"] {
        let err = err_of::<Flag>(&format!(r#"{{"v":{raw}}}"#));
        assert!(err.contains(expected), "{raw}: {err}");
    }
}

#[test]
fn lenient_bool_writes_json_bool_and_yn_writes_letters() {
    for v in [true, false] {
        assert_eq!(serde_json::to_value(Flag { v }).unwrap(), json!({ "v": v }));
        let letter = if v { "Y" } else { "N" };
        assert_eq!(
            serde_json::to_value(FlagYN { v }).unwrap(),
            json!({ "v": letter })
        );
    }
}

#[test]
fn lenient_bools_compose_with_option_vec_and_serde_with_attribute() {
    let flags: Flags =
        serde_json::from_str(r#"{"opt":null,"many":[1,"n",true,"Yes"],"with_attr":"0"}"#).unwrap();
    assert_eq!(flags.opt, None);
    assert_eq!(flags.many, [true, false, true, true]);
    assert!(!flags.with_attr);
    assert_eq!(
        serde_json::to_value(&flags).unwrap(),
        json!({"opt":null,"many":["Y","N","Y","Y"],"with_attr":"N"})
    );

    // `serde_as` gives `Option<…>` fields `#[serde(default)]`.
    let flags: Flags = serde_json::from_str(r#"{"many":[],"with_attr":"y"}"#).unwrap();
    assert_eq!(flags.opt, None);
    assert!(flags.with_attr);
    let flags: Flags = serde_json::from_str(r#"{"opt":"Y","many":[],"with_attr":1}"#).unwrap();
    assert_eq!(flags.opt, Some(true));
}

// ---------------------------------------------------------------------------
// NumberFromString
// ---------------------------------------------------------------------------

#[serde_as]
#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Numbers {
    #[serde_as(as = "NumberFromString")]
    i: i64,
    #[serde_as(as = "NumberFromString")]
    u: u64,
    #[serde_as(as = "NumberFromString")]
    f: f64,
    #[serde_as(as = "NumberFromString")]
    small: i32,
    #[serde_as(as = "NumberFromString")]
    unsigned: u32,
}

fn numbers(i: &str, u: &str, f: &str, small: &str, unsigned: &str) -> Result<Numbers, String> {
    let json = format!(r#"{{"i":{i},"u":{u},"f":{f},"small":{small},"unsigned":{unsigned}}}"#);
    serde_json::from_str(&json).map_err(|e| e.to_string())
}

#[test]
fn number_from_string_reads_numbers_and_numeric_strings() {
    let native = numbers("12", "18446744073709551615", "12.5", "-7", "7").unwrap();
    let quoted = numbers(
        r#""12""#,
        r#""18446744073709551615""#,
        r#""12.5""#,
        r#""-7""#,
        r#""7""#,
    )
    .unwrap();
    let padded = numbers(
        r#"" 12 ""#,
        r#""18446744073709551615 ""#,
        r#""\t12.5""#,
        r#"" -7""#,
        r#""7 ""#,
    )
    .unwrap();
    let want = Numbers {
        i: 12,
        u: u64::MAX,
        f: 12.5,
        small: -7,
        unsigned: 7,
    };
    assert_eq!(native, want);
    assert_eq!(quoted, want);
    assert_eq!(padded, want);
    // An integer into a float field is fine, as a number or a string.
    assert_eq!(numbers("1", "1", "3", "1", "1").unwrap().f, 3.0);
    assert_eq!(numbers("1", "1", r#""3""#, "1", "1").unwrap().f, 3.0);
}

#[test]
fn number_from_string_writes_native_numbers() {
    let n = numbers(r#""12""#, r#""5""#, r#""0.25""#, r#""-1""#, "2").unwrap();
    assert_eq!(
        serde_json::to_value(&n).unwrap(),
        json!({"i":12,"u":5,"f":0.25,"small":-1,"unsigned":2})
    );
}

#[test]
fn number_from_string_reports_bad_input() {
    let err = numbers(r#""abc""#, "1", "1", "1", "1").unwrap_err();
    assert!(
        err.starts_with(r#"expected a number or a numeric string, got "abc" (invalid digit"#),
        "{err}"
    );
    let err = numbers(r#""12.5""#, "1", "1", "1", "1").unwrap_err();
    assert!(err.contains(r#"got "12.5""#), "{err}");
    let err = numbers("1", r#""-1""#, "1", "1", "1").unwrap_err();
    assert!(err.contains(r#"got "-1""#), "{err}");
    let err = numbers("1", "1", "1", r#""3000000000""#, "1").unwrap_err();
    assert!(err.contains("too large"), "{err}");
    let err = numbers("1", "1", "1", "1", r#""""#).unwrap_err();
    assert!(err.contains(r#"got """#), "{err}");

    // Native numbers keep the target type's own checks.
    let err = numbers("12.5", "1", "1", "1", "1").unwrap_err();
    assert!(err.contains("invalid type: floating point"), "{err}");
    let err = numbers("1", "-1", "1", "1", "1").unwrap_err();
    assert!(err.contains("invalid value: integer `-1`"), "{err}");
    let err = numbers("1", "1", "1", "3000000000", "1").unwrap_err();
    assert!(err.contains("invalid value: integer `3000000000`"), "{err}");
    let err = numbers("true", "1", "1", "1", "1").unwrap_err();
    assert!(
        err.contains("expected a number or a numeric string"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// EmptyAsNone
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct UserId(String);

#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Gender {
    Male,
    Female,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Card {
    no: String,
}

#[serde_as]
#[derive(Debug, Deserialize, Serialize, PartialEq, Default)]
struct Sparse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone<NumberFromString>")]
    org_id: Option<i64>,
    #[serde(default)]
    #[serde_as(as = "EmptyAsNone")]
    email: Option<String>,
    #[serde(default)]
    #[serde_as(as = "EmptyAsNone<LenientBool>")]
    leave: Option<bool>,
}

#[serde_as]
#[derive(Debug, Deserialize, PartialEq)]
struct Typed {
    #[serde(default)]
    #[serde_as(as = "EmptyAsNone")]
    user_id: Option<UserId>,
    #[serde(default)]
    #[serde_as(as = "EmptyAsNone")]
    gender: Option<Gender>,
    #[serde(default)]
    #[serde_as(as = "EmptyAsNone")]
    card: Option<Card>,
    #[serde(default)]
    #[serde_as(as = "Vec<EmptyAsNone<NumberFromString>>")]
    ids: Vec<Option<u32>>,
    #[serde(default, with = "serde_with::As::<EmptyAsNone<StringOrInt>>")]
    code: Option<String>,
}

#[test]
fn empty_as_none_reads_null_empty_and_blank_as_none() {
    for raw in ["null", r#""""#, r#""   ""#, r#""\t\n""#] {
        let json = format!(r#"{{"org_id":{raw},"email":{raw},"leave":{raw}}}"#);
        let got: Sparse = serde_json::from_str(&json).unwrap();
        assert_eq!(got, Sparse::default(), "input {raw}");
    }
    assert_eq!(
        serde_json::from_str::<Sparse>("{}").unwrap(),
        Sparse::default()
    );
}

#[test]
fn empty_as_none_hands_other_values_to_the_inner_adapter() {
    for raw in ["5", r#""5""#, r#"" 5 ""#] {
        let got: Sparse = serde_json::from_str(&format!(r#"{{"org_id":{raw}}}"#)).unwrap();
        assert_eq!(got.org_id, Some(5), "input {raw}");
    }
    let got: Sparse =
        serde_json::from_str(r#"{"email":" a@b.cn ","leave":"N","org_id":-3}"#).unwrap();
    // `Same` keeps a non-blank string as it is.
    assert_eq!(got.email.as_deref(), Some(" a@b.cn "));
    assert_eq!(got.leave, Some(false));
    assert_eq!(got.org_id, Some(-3));
}

#[test]
fn empty_as_none_passes_inner_errors_through() {
    let err = err_of::<Sparse>(r#"{"org_id":"abc"}"#);
    assert!(
        err.starts_with(r#"expected a number or a numeric string, got "abc""#),
        "{err}"
    );
    let err = err_of::<Sparse>(r#"{"leave":"maybe"}"#);
    assert!(err.contains(r#"got "maybe""#), "{err}");
    let err = err_of::<Sparse>(r#"{"email":5}"#);
    assert!(
        err.contains("invalid type: integer `5`, expected a string"),
        "{err}"
    );
    // The outer deserializer still reports where the bad value was.
    assert!(err.contains("line 1 column"), "{err}");
}

#[test]
fn empty_as_none_writes_null_or_the_inner_form() {
    let sparse = Sparse {
        org_id: Some(7),
        email: Some("a@b.cn".into()),
        leave: Some(true),
    };
    assert_eq!(
        serde_json::to_value(&sparse).unwrap(),
        json!({"org_id":7,"email":"a@b.cn","leave":true})
    );
    assert_eq!(
        serde_json::to_value(Sparse::default()).unwrap(),
        json!({"email":null,"leave":null})
    );
}

#[test]
fn empty_as_none_works_with_derived_newtypes_enums_structs_and_containers() {
    let got: Typed = serde_json::from_str(
        r#"{"user_id":"u-1","gender":"female","card":{"no":"123"},"ids":["1","",null,4],"code":200}"#,
    )
    .unwrap();
    assert_eq!(
        got,
        Typed {
            user_id: Some(UserId("u-1".into())),
            gender: Some(Gender::Female),
            card: Some(Card { no: "123".into() }),
            ids: vec![Some(1), None, None, Some(4)],
            code: Some("200".into()),
        }
    );
    let got: Typed =
        serde_json::from_str(r#"{"user_id":"","gender":" ","card":null,"code":""}"#).unwrap();
    assert_eq!(
        (got.user_id, got.gender, got.card, got.code),
        (None, None, None, None)
    );

    let err = err_of::<Typed>(r#"{"gender":"other"}"#);
    assert!(err.contains("unknown variant `other`"), "{err}");
}

// ---------------------------------------------------------------------------
// The model conventions from the module docs
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Org {
    #[serde(default)]
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    short_name: Option<String>,
    #[serde(flatten)]
    extra: serde_json::Map<String, Value>,
}

#[test]
fn flatten_keeps_unknown_fields_through_a_round_trip() {
    let sent =
        json!({"name":"研发部","oId":900123,"personInCharge":null,"customProperties":{"a":1}});
    let org: Org = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(org.name, "研发部");
    assert_eq!(org.short_name, None);
    assert_eq!(org.extra.len(), 3);
    assert_eq!(serde_json::to_value(&org).unwrap(), sent);

    let empty: Org = serde_json::from_str("{}").unwrap();
    assert_eq!(empty.name, "");
    assert!(empty.extra.is_empty());
}
