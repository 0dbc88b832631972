//! Every example of seed 002 (人员同步接口), verbatim from the document in
//! `tests/resources/`, inconsistencies included.

use serde_json::{Value, json};
use travel_sync_types::validation::Reason;
use travel_sync_types::{
    CardType, EpochMillis, Gender, MSG_ALL_SYNCED, MSG_SOME_FAILED, Outcome, SyncRequest,
    SyncResponse, SyncStatus, UserInfo,
};

const REQUEST: &str = include_str!("resources/spec_request.json");
const RESPONSE_PARTIAL: &str = include_str!("resources/spec_response_partial.json");
const RESPONSE_ALL_SYNCED: &str = include_str!("resources/spec_response_all_synced.json");

#[test]
fn request_example_reads_with_every_inconsistency() {
    let req: SyncRequest = serde_json::from_str(REQUEST).expect("the spec's request reads");
    // `companyId` (a number) where V1.2 declares the string `account`.
    assert_eq!(req.account.as_deref(), Some("38"));
    assert_eq!(req.session_id.as_ref().map(|s| s.expose()), Some("121312"));
    // `userId` where the top-level `userNo` is declared.
    assert_eq!((req.user_id, req.user_no.as_deref()), (Some(91228), None));
    assert!(req.unknown_fields.is_empty(), "{:?}", req.unknown_fields);
    assert_eq!(req.data.len(), 2);

    let first = &req.data[0];
    // A number where `userNo` is declared a string.
    assert_eq!(first.user_no.as_deref(), Some("91228"));
    // "Y" where `isLeave` is declared a boolean.
    assert_eq!(first.is_leave, Some(true));
    assert_eq!(first.gender, Some(Gender::Male));
    // `levelCode`, removed in V1.1, still read.
    assert_eq!(first.level_code.as_deref(), Some("01"));
    assert_eq!(first.mobile.as_ref().unwrap().expose(), "12345678901");
    assert_eq!(first.birthday.as_ref().unwrap().expose(), "1997-11-10");
    assert_eq!(first.nationality.as_deref(), Some("CHN"));
    let card = &first.card_info[0];
    // "1" where `cardTypeId` is declared an integer.
    assert_eq!(card.card_type_id, Some(CardType::IdCard));
    assert_eq!(card.card_type.as_deref(), Some("身份证"));
    assert_eq!(card.card_no.as_ref().unwrap().expose(), "12312312");
    assert_eq!(
        card.expiration_date,
        Some(EpochMillis::new(1_569_347_060_000))
    );
    assert_eq!(
        (card.given_name.as_deref(), card.surname.as_deref()),
        (Some("test"), Some("01"))
    );

    let second = &req.data[1];
    assert_eq!(second.user_no.as_deref(), Some("91229"));
    assert_eq!(second.is_leave, Some(false));
    assert_eq!(second.level.as_deref(), Some("第三方平台未维护的职级"));
}

#[test]
fn request_example_is_written_back_with_the_declared_types() {
    let req: SyncRequest = serde_json::from_str(REQUEST).unwrap();
    let out = serde_json::to_value(&req).unwrap();
    assert_eq!(out["account"], "38");
    assert!(out.get("companyId").is_none(), "written with the V1.2 name");
    assert_eq!(out["sessionId"], "121312");
    assert_eq!(out["userId"], 91228);
    let user = &out["data"][0];
    assert_eq!(user["userNo"], "91228", "a string, as declared");
    assert_eq!(user["isLeave"], true, "a boolean, as declared");
    assert_eq!(
        user["cardInfo"][0]["cardTypeId"], 1,
        "an integer, as declared"
    );
    assert_eq!(user["cardInfo"][0]["expirationDate"], 1_569_347_060_000i64);
    assert!(user.get("surname").is_none(), "absent options are left out");
    // Everything else is as the example sent it.
    let sent: Value = serde_json::from_str(REQUEST).unwrap();
    for key in [
        "departmentName",
        "departmentCode",
        "level",
        "levelCode",
        "birthday",
        "fullName",
        "gender",
        "mobile",
        "emailAddress",
    ] {
        assert_eq!(user[key], sent["data"][0][key], "{key}");
    }
    // And it reads back to the same value.
    let again: SyncRequest = serde_json::from_value(out).unwrap();
    assert_eq!(again, req);
}

#[test]
fn request_example_users_fail_validation_for_the_right_reasons() {
    let req: SyncRequest = serde_json::from_str(REQUEST).unwrap();
    let violations = req.data[0].validate_at(EpochMillis::new(1_700_000_000_000));
    let found: Vec<(&str, Reason, bool)> = violations
        .iter()
        .map(|v| (v.field.as_str(), v.reason.clone(), v.is_error()))
        .collect();
    assert_eq!(
        found,
        [
            // 12345678901 is not in any mainland mobile range.
            ("mobile", Reason::MobileNotMainland, true),
            ("levelCode", Reason::Deprecated, false),
            // "12312312" under cardTypeId 1 cannot be a resident ID number.
            ("cardInfo[0].cardNo", Reason::IdCardLength, true),
            ("cardInfo[0].expirationDate", Reason::CardExpired, false),
        ]
    );
}

#[test]
fn partial_response_example_reads_and_reports_every_user() {
    let resp: SyncResponse = serde_json::from_str(RESPONSE_PARTIAL).unwrap();
    assert!(resp.is_success());
    assert_eq!(resp.res_msg, MSG_SOME_FAILED);
    assert_eq!(resp.data.len(), 2);
    assert_eq!(resp.data[0].user_no.as_deref(), Some("91228"));
    assert_eq!(resp.data[0].status, SyncStatus::Synced);
    assert_eq!(resp.data[1].status, SyncStatus::Failed);
    assert_eq!(
        resp.data[1].description.as_deref(),
        Some("职级未维护,同步失败")
    );
    assert_eq!(resp.failures().count(), 1);

    let out = serde_json::to_value(&resp).unwrap();
    assert_eq!(
        out["resCode"], 10000,
        "an integer, as the sync page declares"
    );
    assert_eq!(out["data"][0]["userNo"], "91228", "a string, as declared");
    assert!(out["data"][0].get("description").is_none());

    // The example lists 91228 twice, once synced and once failed (91229 was
    // surely meant). The failure must not be hidden by the success.
    let sent = [
        UserInfo::new("91228", "测试", "13812345678", true),
        UserInfo::new("91229", "测试", "13812345679", false),
    ];
    let outcomes = resp.outcomes(&sent);
    assert!(
        matches!(&outcomes[0].outcome, Outcome::Rejected { description } if description == "职级未维护,同步失败"),
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes[0].bind_id.as_deref(),
        Some("xxxxxxxxxxxxxxxxxxxxxxxxxx")
    );
    assert!(outcomes[1].outcome.is_synced(), "unlisted users synced");
    assert_eq!(outcomes[1].bind_id, None);
}

#[test]
fn all_synced_response_example_reads() {
    let resp: SyncResponse = serde_json::from_str(RESPONSE_ALL_SYNCED).unwrap();
    assert!(resp.is_success());
    assert_eq!(resp.res_msg, MSG_ALL_SYNCED);
    assert!(resp.data.is_empty());
    assert_eq!(
        serde_json::to_value(&resp).unwrap(),
        json!({"resCode": 10000, "resMsg": "同步成功", "data": []})
    );
    let sent = [UserInfo::new("91228", "测试", "13812345678", false)];
    assert!(resp.outcomes(&sent).iter().all(|o| o.outcome.is_synced()));
}

#[test]
fn res_code_is_read_as_string_or_integer() {
    for code in [json!(10000), json!("10000")] {
        let resp: SyncResponse =
            serde_json::from_value(json!({"resCode": code, "resMsg": "同步成功", "data": []}))
                .unwrap();
        assert!(resp.is_success(), "{code}");
    }
    let refused: SyncResponse =
        serde_json::from_value(json!({"resCode": "10004", "resMsg": "过期"})).unwrap();
    assert!(!refused.is_success());
    assert!(refused.data.is_empty(), "a missing data is empty");
}

#[test]
fn personal_data_is_masked_in_debug() {
    let req: SyncRequest = serde_json::from_str(REQUEST).unwrap();
    let shown = format!("{req:?}");
    for secret in [
        "12345678901",
        "test@qq.com",
        "1997-11-10",
        "12312312",
        "121312",
    ] {
        assert!(!shown.contains(secret), "{secret} leaks: {shown}");
    }
    assert!(shown.contains("123****8901"), "{shown}");
}
