//! Validation tables: good and bad ID numbers, mobiles, dates, e-mails,
//! nationalities, and a user breaking every rule at once.

use travel_sync_types::validation::{
    Reason, Severity, check_date, check_email, check_mobile, check_nationality, check_resident_id,
};
use travel_sync_types::{CardInfo, CardType, EpochMillis, UserInfo, UserKey};

/// 2023-11-14T22:13:20Z, so that "today" does not move under the tests.
const NOW: EpochMillis = EpochMillis::new(1_700_000_000_000);

/// Builds an 18-character ID number with a correct check character.
fn with_check(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

#[test]
fn resident_ids() {
    // Worked by hand: 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2
    // = 167; 167 mod 11 = 2, which maps to X.
    assert_eq!(
        check_resident_id("11010519491231002X").map(|d| d.to_string()),
        Ok("1949-12-31".into())
    );
    assert_eq!(with_check("11010519491231002"), "11010519491231002X");
    let good = [
        with_check("44030119900307211"),
        with_check("31011520000229123"), // a leap day
        with_check("51010819851011032"),
    ];
    for id in &good {
        assert!(check_resident_id(id).is_ok(), "{id}");
    }
    let table: &[(&str, Reason)] = &[
        ("110105194912310021", Reason::IdCardChecksum),
        ("11010519491231002Y", Reason::IdCardCharacters),
        ("1101051949123100AX", Reason::IdCardCharacters),
        ("110105491231002", Reason::IdCardLength), // first generation, 15 digits
        ("11010519491231002X1", Reason::IdCardLength),
        ("", Reason::IdCardLength),
        (
            "１１０１０５１９４９１２３１００２X",
            Reason::IdCardCharacters,
        ), // full-width digits
        ("12312312", Reason::IdCardLength),
    ];
    for (id, reason) in table {
        assert_eq!(check_resident_id(id), Err(reason.clone()), "{id}");
    }
    // Right check character, impossible birth dates.
    for first17 in [
        "31011519990229123",
        "31011520001301123",
        "31011520000100123",
    ] {
        let id = with_check(first17);
        assert_eq!(check_resident_id(&id), Err(Reason::IdCardBirthDate), "{id}");
    }
    // A lower-case x passes the checksum.
    assert!(check_resident_id("11010519491231002x").is_ok());
}

#[test]
fn mobiles() {
    let good = [
        "13812345678",
        "14512345678",
        "14712345678",
        "15012345678",
        "16212345678",
        "16512345678",
        "17012345678",
        "17405123456",
        "17812345678",
        "18912345678",
        "19912345678",
        "+8613812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        "+85291234567",
        "+14155550100",
        "+447911123456",
        "+65 9123 4567",
    ];
    for m in good {
        assert_eq!(check_mobile(m), Ok(()), "{m}");
    }
    let table: &[(&str, Reason)] = &[
        ("12345678901", Reason::MobileNotMainland), // the spec's example
        ("14412345678", Reason::MobileNotMainland),
        ("15412345678", Reason::MobileNotMainland),
        ("16312345678", Reason::MobileNotMainland),
        ("17412345678", Reason::MobileNotMainland),
        ("17406123456", Reason::MobileNotMainland),
        ("17912345678", Reason::MobileNotMainland),
        ("10012345678", Reason::MobileNotMainland),
        ("23812345678", Reason::MobileNotMainland),
        ("+8612345678901", Reason::MobileNotMainland),
        ("+86138123456", Reason::MobileNotMainland),
        ("1381234567", Reason::MobileLength),
        ("138123456789", Reason::MobileLength),
        ("8613812345678", Reason::MobileLength), // a country code needs its +
        ("85291234567", Reason::MobileNotMainland), // 11 digits without +
        ("91234567", Reason::MobileLength),      // a Hong Kong number without +852
        ("+12", Reason::MobileForeign),
        ("+1234567890123456", Reason::MobileForeign),
        ("+0123456789", Reason::MobileForeign),
        ("1381234567a", Reason::MobileCharacters),
        ("(138)12345678", Reason::MobileCharacters),
        ("++8613812345678", Reason::MobileCharacters),
        ("", Reason::MobileCharacters),
        ("+", Reason::MobileCharacters),
    ];
    for (m, reason) in table {
        assert_eq!(check_mobile(m), Err(reason.clone()), "{m}");
    }
}

/// Each number with its verdict, worked out by hand from the rules in
/// `check_mobile`'s docs (libphonenumber 9.0.33's mainland pattern, E.164
/// for `+` numbers), then checked against both the crate and the sandbox.
#[test]
fn mobile_verdicts_written_down_independently() {
    use Reason::*;
    let table: &[(&str, Result<(), Reason>)] = &[
        ("13812345678", Ok(())),
        ("12345678901", Err(MobileNotMainland)), // 123 is no mainland prefix
        ("+8613812345678", Ok(())),
        ("+85291234567", Ok(())), // Hong Kong, 11 digits after +
        ("17405123456", Ok(())),  // 1740 then 0-5
        ("17406123456", Err(MobileNotMainland)), // 1740 then 6
        ("1381234567", Err(MobileLength)), // 10 digits
        ("+1 415 555 0100", Ok(())),
        ("+12", Err(MobileForeign)), // 2 digits, E.164 needs 6
        ("16312345678", Err(MobileNotMainland)), // 16 allows 2, 5, 6, 7
        // Foreign numbers: a country code (1-3 digits, not 0) and the
        // subscriber number, 6 to 15 digits in all, spaces and dashes allowed.
        ("+44 20 7946 0958", Ok(())),
        ("+852-9123-4567", Ok(())),
        ("+1-415-555-0100", Ok(())),
        ("+123456", Ok(())),                       // 6 digits: the shortest
        ("+12345", Err(MobileForeign)),            // 5 digits
        ("+1234567890123456", Err(MobileForeign)), // 16 digits
        ("+123456789012345", Ok(())),              // 15 digits: the longest
        ("+44 abc 123", Err(MobileCharacters)),
        ("+", Err(MobileCharacters)),
        // +86 and a mainland mobile.
        ("+86 17405123456", Ok(())),
        ("+86 12345678901", Err(MobileNotMainland)),
        ("86 138 1234 5678", Err(MobileLength)), // 13 digits, no +
    ];
    for (m, expected) in table {
        assert_eq!(&check_mobile(m), expected, "{m}");
        assert_eq!(
            hr_sandbox::travel::is_valid_mobile(m),
            expected.is_ok(),
            "sandbox on {m}"
        );
    }
}

/// Odd `+` numbers: the crate's reason for each, and the sandbox agrees.
#[test]
fn odd_plus_numbers_are_refused_for_a_reason() {
    for (m, reason) in [
        // A Beijing landline: `+86` numbers must be mainland mobiles.
        ("+86 10 12345678", Reason::MobileNotMainland),
        // 10 or 12 digits after +86: no mainland mobile has that length.
        ("+86 1381234567", Reason::MobileNotMainland),
        ("+86138123456789", Reason::MobileNotMainland),
        // No country code starts with 0.
        ("+0123456", Reason::MobileForeign),
    ] {
        assert_eq!(check_mobile(m), Err(reason), "{m}");
        assert!(!hr_sandbox::travel::is_valid_mobile(m), "{m}");
    }
}

#[test]
fn dates() {
    for ok in ["1997-11-10", "2000-02-29", "1900-01-01", "2023-12-31"] {
        assert!(check_date(ok).is_ok(), "{ok}");
    }
    let table: &[(&str, Reason)] = &[
        ("1900-02-29", Reason::NoSuchDate),
        ("2023-02-29", Reason::NoSuchDate),
        ("2023-04-31", Reason::NoSuchDate),
        ("2023-13-01", Reason::NoSuchDate),
        ("2023-00-10", Reason::NoSuchDate),
        ("1997/11/10", Reason::DateFormat),
        ("1997-1-10", Reason::DateFormat),
        ("97-11-10", Reason::DateFormat),
        ("19971110", Reason::DateFormat),
        ("1997-11-10 00:00:00", Reason::DateFormat),
        ("1997-11-1０", Reason::DateFormat),
        ("", Reason::DateFormat),
    ];
    for (d, reason) in table {
        assert_eq!(check_date(d), Err(reason.clone()), "{d}");
    }
}

#[test]
fn emails() {
    for ok in [
        "test@qq.com",
        "wang.wei@example.com.cn",
        "first+tag@sub.example.org",
        "o'brien@example.ie",
        "王伟@例子.中国",
    ] {
        assert!(check_email(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "plain",
        "@example.com",
        "wang@",
        "wang@@example.com",
        "wang@example",
        "wang@example..com",
        ".wang@example.com",
        "wang.@example.com",
        "wang..wei@example.com",
        "wang wei@example.com",
        "wang@-example.com",
        "wang@example-.com",
        "wang@example.123",
        "wang@[127.0.0.1]",
        " wang@example.com",
    ] {
        assert_eq!(check_email(bad), Err(Reason::Email), "{bad:?}");
    }
    let long_local = format!("{}@example.com", "a".repeat(65));
    assert!(check_email(&long_local).is_err());
}

#[test]
fn nationalities() {
    for ok in ["CHN", "HKG", "MAC", "TWN", "USA", "DEU"] {
        assert!(check_nationality(ok).is_ok(), "{ok}");
    }
    assert_eq!(
        check_nationality("CN"),
        Err(Reason::NationalityAlpha2 { alpha3: "CHN" })
    );
    assert_eq!(
        check_nationality("us"),
        Err(Reason::NationalityAlpha2 { alpha3: "USA" })
    );
    assert_eq!(check_nationality("chn"), Err(Reason::NationalityCase));
    for bad in ["CHINA", "中国", "ZZZ", "UK", "", " CHN"] {
        assert!(check_nationality(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_good_user_has_no_violation() {
    let id = "11010519491231002X";
    let user = UserInfo::new("E1", "王伟", "13812345678", false)
        .email_address("wang.wei@example.com")
        .birthday("1949-12-31")
        .nationality("CHN")
        .opt_in_card_info([
            CardInfo::resident_id(id).expiration_date(EpochMillis::new(2_000_000_000_000))
        ]);
    let violations = user.validate_at(NOW);
    assert!(violations.is_empty(), "{violations}");
}

#[test]
fn every_violation_is_reported_with_its_field() {
    #[allow(deprecated)]
    let user = UserInfo::default()
        .user_no("  ")
        .mobile("1381234567")
        .email_address("not-an-email")
        .level_code("01")
        .birthday("2999-01-01")
        .nationality("CN")
        .full_name("")
        .opt_in_card_info([
            CardInfo::resident_id("11010519491231002x")
                .expiration_date(EpochMillis::new(1_600_000_000_000)),
            CardInfo::new("护照", CardType::from_code("P"), "E12345678")
                .expiration_date(EpochMillis::new(1_900_000_000)),
            CardInfo::default(),
        ]);
    let violations = user.validate_at(NOW);
    let found: Vec<(&str, Reason, Severity)> = violations
        .iter()
        .map(|v| (v.field.as_str(), v.reason.clone(), v.severity))
        .collect();
    use Severity::{Error, Warning};
    assert_eq!(
        found,
        [
            ("userNo", Reason::UserKeyRequired, Error),
            ("mobile", Reason::MobileLength, Error),
            ("emailAddress", Reason::Email, Error),
            ("levelCode", Reason::Deprecated, Warning),
            ("isLeave", Reason::Required, Error),
            ("birthday", Reason::DateInFuture, Error),
            (
                "nationality",
                Reason::NationalityAlpha2 { alpha3: "CHN" },
                Error
            ),
            ("fullName", Reason::Required, Error),
            ("cardInfo[0].cardNo", Reason::IdCardLowercaseX, Warning),
            ("cardInfo[0].expirationDate", Reason::CardExpired, Warning),
            ("cardInfo[1].cardTypeId", Reason::CardTypeNotInteger, Error),
            (
                "cardInfo[1].expirationDate",
                Reason::TimestampNotMillis,
                Warning
            ),
            ("cardInfo[2].cardType", Reason::Required, Error),
            ("cardInfo[2].cardTypeId", Reason::Required, Error),
            ("cardInfo[2].cardNo", Reason::Required, Error),
        ]
    );
}

#[test]
fn id_card_birth_date_is_checked_against_birthday() {
    let card = || CardInfo::resident_id("11010519491231002X");
    let same = UserInfo::new("E1", "王伟", "13812345678", false)
        .birthday("1949-12-31")
        .opt_in_card_info([card()]);
    assert!(same.validate_at(NOW).is_empty());
    let other = UserInfo::new("E1", "王伟", "13812345678", false)
        .birthday("1950-01-01")
        .opt_in_card_info([card()]);
    let v = other.validate_at(NOW);
    assert_eq!(
        v.of("cardInfo[0].cardNo").next().unwrap().reason,
        Reason::IdCardBirthdayMismatch
    );
    // A malformed birthday is reported once, on birthday, not as a mismatch.
    let bad_birthday = UserInfo::new("E1", "王伟", "13812345678", false)
        .birthday("1949-12-32")
        .opt_in_card_info([card()]);
    let v = bad_birthday.validate_at(NOW);
    assert_eq!(v.len(), 1, "{v}");
    assert_eq!(v.of("birthday").next().unwrap().reason, Reason::NoSuchDate);
    // Only resident ID cards are checked against GB 11643.
    let passport = UserInfo::new("E1", "王伟", "13812345678", false)
        .opt_in_card_info([CardInfo::new("护照", CardType::from_id(2), "E12345678")]);
    assert!(passport.validate_at(NOW).is_empty());
}

#[test]
fn unlisted_codes_are_never_rejected() {
    let mut user = UserInfo::new(UserKey::UserId(7), "王伟", "13812345678", false).gender("X");
    user = user.opt_in_card_info([CardInfo::new("回乡证", CardType::from_id(42), "H12345678")]);
    assert!(user.validate_at(NOW).is_empty());
}

#[test]
fn blank_optional_fields_are_absent_not_wrong() {
    let mut user = UserInfo::new("E1", "王伟", "13812345678", false)
        .email_address("")
        .birthday(" ")
        .nationality("");
    user.level = Some(String::new());
    assert!(user.validate_at(NOW).is_empty());
}

#[test]
fn violations_never_quote_personal_data() {
    let user = UserInfo::new("E1", "王伟", "1381234567", false)
        .email_address("wang@@example.com")
        .birthday("1949-13-31")
        .opt_in_card_info([CardInfo::resident_id("110105194912310021")]);
    let v = user.validate_at(NOW);
    let text = format!("{v} {v:?} {}", v.description_zh());
    for secret in [
        "1381234567",
        "wang@@example.com",
        "1949-13-31",
        "110105194912310021",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
