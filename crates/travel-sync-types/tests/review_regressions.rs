//! Regressions from the review: each test failed before its fix.

use serde_json::json;
use travel_sync_types::validation::{Reason, Severity};
use travel_sync_types::{
    CardInfo, EpochMillis, SessionResponse, SyncRequest, SyncResponse, UserInfo, UserKey, res_code,
};

const NOW: EpochMillis = EpochMillis::new(1_700_000_000_000);

#[test]
fn a_null_res_msg_reads_as_empty() {
    let resp: SyncResponse =
        serde_json::from_str(r#"{"resCode":10000,"resMsg":null,"data":[]}"#).unwrap();
    assert!(resp.is_success());
    assert_eq!(resp.res_msg, "");
}

#[test]
fn a_session_response_leaves_absent_options_out() {
    let resp = SessionResponse::error(res_code::BAD_SIGN, "签名错误");
    let written = serde_json::to_value(&resp).unwrap();
    assert_eq!(written, json!({"resCode": "10003", "resMsg": "签名错误"}));
}

#[test]
fn read_errors_never_quote_the_value() {
    let err = UserInfo::from_json(br#"{"userNo":"E1","birthday":19900517}"#).unwrap_err();
    assert_eq!(err.path, "birthday");
    assert_eq!(err.message, "invalid type: integer, expected a string");
    assert!(!err.to_string().contains("19900517"), "{err}");

    let err = UserInfo::from_json(br#"{"userNo":"E1","userId":"11010519491231002X"}"#).unwrap_err();
    assert!(!err.to_string().contains("11010519491231002X"), "{err}");

    let body = r#"{"account":"acme","sessionId":"s","data":[
        {"userNo":"E1","mobile":{"n":"13812345678"},"isLeave":"13912345678"},
        {"userNo":"E2","fullName":["张敏"]},
        {"userNo":"E3","gender":{"code":"F-19900517"}}]}"#;
    let parsed = SyncRequest::parse_lenient(body.as_bytes()).unwrap();
    assert_eq!(parsed.unreadable.len(), 3);
    for bad in &parsed.unreadable {
        for secret in ["13812345678", "13912345678", "张敏", "19900517"] {
            assert!(!bad.message.contains(secret), "{bad:?}");
        }
    }

    let err =
        SyncRequest::parse_lenient(br#"{"account":"acme","userId":"13812345678x","data":[]}"#)
            .unwrap_err();
    assert_eq!(err.path, "userId");
    assert!(!err.to_string().contains("13812345678"), "{err}");
    assert!(err.message.contains("expected"), "{err}");
}

#[test]
fn debug_shows_only_the_keys_of_free_form_maps() {
    let mut user = UserInfo::new("E1", "王伟", "13812345678", false)
        .extra_info("homeAddress", "北京市朝阳区某路1号");
    user.unknown_fields
        .insert("emergencyContact".into(), json!("13912345678"));
    let mut card = CardInfo::resident_id("11010519491231002X");
    card.unknown_fields
        .insert("issuer".into(), json!("朝阳分局"));
    let user = user.opt_in_card_info([card]);
    let shown = format!("{user:?}");
    for secret in [
        "北京市朝阳区某路1号",
        "13912345678",
        "朝阳分局",
        "11010519491231002X",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    for key in ["homeAddress", "emergencyContact", "issuer"] {
        assert!(shown.contains(key), "{key} missing from {shown}");
    }
    assert!(shown.contains(r#"mobile: Some("138****5678")"#), "{shown}");
}

#[test]
fn a_long_term_card_never_expires() {
    // 9999-12-31, as long-term resident ID cards are sent: 15 digits.
    let card = CardInfo::resident_id("11010519491231002X")
        .expiration_date(EpochMillis::new(253_402_214_400_000));
    let user = UserInfo::new("E1", "王伟", "13812345678", false).opt_in_card_info([card]);
    let found = user.validate_at(NOW);
    assert!(found.is_empty(), "{found}");
}

#[test]
fn card_expiry_is_only_ever_a_warning() {
    for millis in [1_569_347_060, 1_600_000_000_000, 99_999_999_999_999] {
        let card =
            CardInfo::resident_id("11010519491231002X").expiration_date(EpochMillis::new(millis));
        let user = UserInfo::new("E1", "王伟", "13812345678", false).opt_in_card_info([card]);
        let found = user.validate_at(NOW);
        assert!(found.is_valid(), "{millis}: {found}");
        assert!(
            found.iter().all(|v| v.severity == Severity::Warning),
            "{millis}: {found}"
        );
    }
}

#[test]
fn nationality_is_validated_trimmed() {
    let user = UserInfo::new("E1", "王伟", "13812345678", false).nationality(" CHN ");
    assert!(user.validate().is_empty(), "{}", user.validate());
}

#[test]
fn an_empty_is_leave_reads_as_missing() {
    let user = UserInfo::from_json(
        r#"{"userNo":"E1","fullName":"王伟","mobile":"13812345678","isLeave":""}"#.as_bytes(),
    )
    .unwrap();
    assert_eq!(user.is_leave, None);
    let found = user.validate();
    let errors: Vec<_> = found
        .errors()
        .map(|v| (v.field.as_str(), v.reason.clone()))
        .collect();
    assert_eq!(errors, [("isLeave", Reason::Required)]);
}

#[test]
fn raw_keys_are_read_like_the_crate_reads_them() {
    assert_eq!(
        UserKey::from_raw(&json!({"userId": "4711", "isLeave": "maybe"})),
        Some(UserKey::UserId(4711))
    );
    assert_eq!(
        UserKey::from_raw(&json!({"userNo": " E1 "})),
        Some(UserKey::UserNo("E1".into()))
    );
    assert_eq!(
        UserKey::from_raw(&json!({"userNo": "  ", "userId": 7})),
        Some(UserKey::UserId(7))
    );
}
