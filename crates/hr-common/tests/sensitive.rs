//! Behaviour of `Sensitive` and the masks: what `Debug` may show, and that
//! serde never notices the wrapper.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::rc::Rc;

use chrono::NaiveDate;
use hr_common::sensitive::{CardNumber, Email, IdNumber, Mask, Phone, Sensitive, mask};
use serde::{Deserialize, Serialize};
use serde_json::json;
use serde_with::{DisplayFromStr, serde_as};

// ---------------------------------------------------------------------------
// Masks
// ---------------------------------------------------------------------------

fn check<M: Mask>(cases: &[(&str, &str)]) {
    for (raw, want) in cases {
        assert_eq!(
            M::mask(raw),
            *want,
            "{} on {raw:?}",
            std::any::type_name::<M>()
        );
    }
}

/// Every mask except `Full` keeps the length in characters and never shows
/// a character that the mask hid.
fn check_shape<M: Mask>(raw: &str) {
    let masked = M::mask(raw);
    assert_eq!(
        masked.chars().count(),
        raw.chars().count(),
        "{raw:?} -> {masked:?}"
    );
    for (r, m) in raw.chars().zip(masked.chars()) {
        assert!(m == r || m == '*', "{raw:?} -> {masked:?}");
    }
}

#[test]
fn auto_mask_depends_on_length() {
    check::<mask::Auto>(&[
        ("", ""),
        ("a", "*"),
        ("张", "*"),
        ("张三", "**"),
        ("123456", "******"),
        // 7..=14: 3 + 4, shortened so that at least four stay hidden.
        ("1234567", "****567"),
        ("87654321", "****4321"),
        ("123456789", "1****6789"),
        ("1234567890", "12****7890"),
        ("13512345678", "135****5678"),
        ("12345678901234", "123*******1234"),
        // 15 and more: 4 + 4.
        ("110105491231002", "1101*******1002"),
        ("11010519491231002X", "1101**********002X"),
        ("北京市朝阳区建国路八十八号院", "北京市*******十八号院"),
        (
            "北京市朝阳区建国路八十八号院三号楼",
            "北京市朝*********院三号楼",
        ),
    ]);
}

#[test]
fn phone_mask_keeps_prefix_head_and_tail() {
    check::<mask::Phone>(&[
        ("", ""),
        ("1", "*"),
        ("1234", "****"),
        ("12345", "****5"),
        ("13512345678", "135****5678"),
        ("+8613512345678", "+86135****5678"),
        ("008613512345678", "0086135****5678"),
        ("+86 135 1234 5678", "+86 135 **** 5678"),
        ("135-1234-5678", "135-****-5678"),
        ("010-87654321", "010-****4321"),
        ("87654321", "****4321"),
        ("+14155552671", "+141****2671"),
        ("(0755)8765-4321", "(075*)****-4321"),
        ("一三五一二三四五六七八", "一三五****五六七八"),
    ]);
    for raw in [
        "13512345678",
        "+86 135 1234 5678",
        "010-87654321",
        "+8613512345678",
    ] {
        check_shape::<mask::Phone>(raw);
    }
}

#[test]
fn id_number_mask_keeps_four_and_four() {
    check::<mask::IdNumber>(&[
        ("", ""),
        ("X", "*"),
        ("11010519491231002X", "1101**********002X"),
        ("110105491231002", "1101*******1002"),
        ("E12345678", "E****5678"),
        ("G1234567", "****4567"),
        ("H123", "****"),
        ("护照号码一二三四五六七八九", "护照号码*****六七八九"),
    ]);
}

#[test]
fn card_number_mask_keeps_last_four() {
    check::<mask::CardNumber>(&[
        ("", ""),
        ("1", "*"),
        ("1234", "****"),
        ("123456", "****56"),
        ("6222021234567890123", "***************0123"),
        ("6222 0212 3456 7890", "**** **** **** 7890"),
        ("6222-0212-3456-7890", "****-****-****-7890"),
        ("卡号一二三四五六七八", "******五六七八"),
    ]);
}

#[test]
fn email_mask_keeps_first_char_and_domain() {
    check::<mask::Email>(&[
        ("", ""),
        ("a@example.com", "*@example.com"),
        ("ab@example.com", "a*@example.com"),
        ("zhangsan@example.com", "z*******@example.com"),
        ("张三丰@例子.中国", "张**@例子.中国"),
        ("@example.com", "@example.com"),
        (r#""a@b"@example.com"#, r#""****@example.com"#),
        // Not an address: masked like `Auto`.
        ("zhangsan", "****gsan"),
        ("z", "*"),
    ]);
}

#[test]
fn name_mask_keeps_the_first_character() {
    check::<mask::Name>(&[
        ("", ""),
        ("李", "*"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("Zhang San", "Z********"),
    ]);
}

#[test]
fn full_mask_hides_even_the_length() {
    check::<mask::Full>(&[
        ("", "****"),
        ("1", "****"),
        ("1997-11-10", "****"),
        ("11010519491231002X", "****"),
        ("北京市朝阳区", "****"),
    ]);
}

#[test]
fn masks_never_show_most_of_a_long_value() {
    let long = "1".repeat(40) + &"2".repeat(40);
    for masked in [
        mask::Auto::mask(&long),
        mask::Phone::mask(&long),
        mask::IdNumber::mask(&long),
        mask::CardNumber::mask(&long),
    ] {
        assert!(
            masked.chars().filter(|&c| c == '*').count() >= 72,
            "{masked}"
        );
    }
    for raw in ["", "a", "张三", "1234567", "11010519491231002X", &long] {
        check_shape::<mask::Auto>(raw);
        check_shape::<mask::IdNumber>(raw);
        check_shape::<mask::CardNumber>(raw);
        check_shape::<mask::Email>(raw);
        check_shape::<mask::Name>(raw);
    }
}

// ---------------------------------------------------------------------------
// Sensitive
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct Employee {
    name: Sensitive<String, mask::Name>,
    mobile: Phone,
    #[serde(rename = "iDNumber")]
    id_number: IdNumber,
    #[serde(default)]
    bank_card: Option<CardNumber>,
    email: Email,
    staff_no: Sensitive<i64>,
    birthday: Sensitive<NaiveDate, mask::Full>,
}

const RAW: &[&str] = &[
    "张三丰",
    "13512345678",
    "11010519491231002X",
    "6222021234567890123",
    "zhangsan@example.com",
    "20230001",
    "1997-11-10",
];

fn employee_json() -> serde_json::Value {
    json!({
        "name": "张三丰",
        "mobile": "13512345678",
        "iDNumber": "11010519491231002X",
        "bankCard": "6222021234567890123",
        "email": "zhangsan@example.com",
        "staffNo": 20230001,
        "birthday": "1997-11-10",
    })
}

#[test]
fn debug_of_a_struct_never_contains_raw_values() {
    let e: Employee = serde_json::from_value(employee_json()).unwrap();
    for shown in [format!("{e:?}"), format!("{e:#?}")] {
        for raw in RAW {
            assert!(!shown.contains(raw), "{raw} leaked in {shown}");
        }
    }
    assert_eq!(
        format!("{e:?}"),
        r#"Employee { name: "张**", mobile: "135****5678", id_number: "1101**********002X", bank_card: Some("***************0123"), email: "z*******@example.com", staff_no: "****0001", birthday: "****" }"#
    );
}

#[test]
fn serde_is_transparent() {
    let sent = employee_json();
    let e: Employee = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(e.mobile.expose(), "13512345678");
    assert_eq!(*e.staff_no.expose(), 20230001);
    assert_eq!(
        *e.birthday.expose(),
        NaiveDate::from_ymd_opt(1997, 11, 10).unwrap()
    );
    assert_eq!(serde_json::to_value(&e).unwrap(), sent);

    // The wrapper alone reads and writes exactly like the wrapped type.
    let phone: Phone = serde_json::from_str(r#""13512345678""#).unwrap();
    assert_eq!(serde_json::to_string(&phone).unwrap(), r#""13512345678""#);
    let err = serde_json::from_str::<Sensitive<i64>>(r#""x""#).unwrap_err();
    let plain = serde_json::from_str::<i64>(r#""x""#).unwrap_err();
    assert_eq!(err.to_string(), plain.to_string());

    let e: Employee = serde_json::from_value(json!({
        "name": "李", "mobile": "", "iDNumber": "", "email": "", "staffNo": 1, "birthday": "2000-01-01",
    }))
    .unwrap();
    assert_eq!(e.bank_card, None);
}

#[serde_as]
#[derive(Debug, Deserialize, Serialize)]
struct Adapted {
    #[serde_as(as = "Option<Sensitive<DisplayFromStr>>")]
    user_id: Option<Sensitive<u64>>,
    #[serde_as(as = "Vec<Sensitive<DisplayFromStr, mask::Phone>>")]
    phones: Vec<Sensitive<u64, mask::Phone>>,
    #[serde_as(as = "Sensitive<hr_common::lenient::NumberFromString, mask::Full>")]
    salary: Sensitive<f64, mask::Full>,
}

#[test]
fn serde_with_adapters_reach_through_the_wrapper() {
    let a: Adapted = serde_json::from_str(
        r#"{"user_id":"113801234567890","phones":["13512345678"],"salary":"12345.5"}"#,
    )
    .unwrap();
    assert_eq!(
        a.user_id.as_ref().map(|id| *id.expose()),
        Some(113801234567890)
    );
    assert_eq!(*a.phones[0].expose(), 13512345678);
    assert_eq!(*a.salary.expose(), 12345.5);
    assert_eq!(
        format!("{a:?}"),
        r#"Adapted { user_id: Some("1138*******7890"), phones: ["135****5678"], salary: "****" }"#
    );
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        json!({"user_id":"113801234567890","phones":["13512345678"],"salary":12345.5})
    );
    let a: Adapted = serde_json::from_str(r#"{"user_id":null,"phones":[],"salary":1}"#).unwrap();
    assert!(a.user_id.is_none());
}

#[test]
fn masked_matches_debug() {
    let phone = Phone::new("13512345678".to_owned());
    assert_eq!(phone.masked(), "135****5678");
    assert_eq!(format!("{phone:?}"), format!("{:?}", phone.masked()));
    // Quotes in a value are escaped like any Debug string.
    let odd = Sensitive::<_, mask::Email>::new(r#"a"b@c"#.to_owned());
    assert_eq!(format!("{odd:?}"), r#""a**@c""#);
}

#[test]
fn sensitive_has_no_display() {
    // Inherent methods win over trait methods only when their bounds hold,
    // so this reports whether `T: Display` without a compile failure.
    struct Probe<T>(T);
    trait Fallback {
        fn is_display(&self) -> bool {
            false
        }
    }
    impl<T> Fallback for Probe<T> {}
    impl<T: fmt::Display> Probe<T> {
        fn is_display(&self) -> bool {
            true
        }
    }
    assert!(
        Probe(String::new()).is_display(),
        "the probe detects Display"
    );
    assert!(!Probe(Phone::default()).is_display());
    assert!(!Probe(Sensitive::<i64>::new(1)).is_display());
}

#[test]
fn accessors_and_conversions() {
    let mut phone = Phone::from(" 13512345678 ".to_owned());
    let trimmed = phone.expose().trim().to_owned();
    *phone.expose_mut() = trimmed;
    assert_eq!(phone.expose(), "13512345678");

    let digits = phone.clone().map(|p| p.parse::<u64>().unwrap());
    assert_eq!(*digits.expose(), 13512345678);
    assert_eq!(
        format!("{digits:?}"),
        r#""135****5678""#,
        "map keeps the mask"
    );

    assert_eq!(phone.into_inner(), "13512345678");
    assert_eq!(Sensitive::<String>::default().expose(), "");
    assert_eq!(format!("{:?}", Sensitive::<String>::default()), r#""""#);
}

#[test]
fn comparison_and_hashing_follow_the_value() {
    let a = IdNumber::from("110105194912310021".to_owned());
    let b = IdNumber::from("11010519491231002X".to_owned());
    assert_eq!(a.clone(), a);
    assert_ne!(a, b);
    assert!(a < b);
    assert_eq!(a.cmp(&b), a.expose().cmp(b.expose()));

    let set: HashSet<_> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    let ordered: BTreeSet<_> = [b.clone(), a.clone()].into_iter().collect();
    assert_eq!(ordered.into_iter().next(), Some(a));

    let n = Sensitive::<i64>::new(5);
    let copy = n;
    assert_eq!(n, copy, "Copy when the value is Copy");
    assert!(
        Sensitive::<f64>::new(f64::NAN)
            .partial_cmp(&Sensitive::new(1.0))
            .is_none()
    );
}

#[test]
fn wrapper_is_send_and_sync_whatever_the_mask_type() {
    #[allow(dead_code)]
    struct RcMask(Rc<()>);
    impl Mask for RcMask {
        fn mask(_: &str) -> String {
            "x".to_owned()
        }
    }
    fn send_sync<T: Send + Sync>(_: &T) {}
    let s = Sensitive::<String, RcMask>::new("secret".to_owned());
    send_sync(&s);
    assert_eq!(format!("{s:?}"), r#""x""#);
}

#[test]
fn aliases_use_their_masks() {
    assert_eq!(
        format!("{:?}", Phone::from("+8613512345678".to_owned())),
        r#""+86135****5678""#
    );
    assert_eq!(
        format!("{:?}", IdNumber::from("11010519491231002X".to_owned())),
        r#""1101**********002X""#
    );
    assert_eq!(
        format!("{:?}", CardNumber::from("6222021234567890123".to_owned())),
        r#""***************0123""#
    );
    assert_eq!(
        format!("{:?}", Email::from("zhangsan@example.com".to_owned())),
        r#""z*******@example.com""#
    );
}
