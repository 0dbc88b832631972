//! Properties: serialising then deserialising gives back the same value,
//! and reading never panics, whatever the bytes.

use hr_common::lenient::Code;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};
use travel_sync_types::{
    CardInfo, CardType, EpochMillis, Gender, SessionId, SyncRequest, SyncResponse, SyncStatus,
    UserInfo, UserKey, UserSyncResult,
};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,12}",
        "[0-9]{1,12}",
        Just(String::new()),
        Just(" 01 ".to_owned()),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ]
}

fn json_map() -> impl Strategy<Value = Map<String, Value>> {
    btree_map("[a-zA-Z]{1,8}", leaf(), 0..4).prop_map(|m| m.into_iter().collect())
}

/// Unknown fields, with names no model field uses.
fn unknown() -> impl Strategy<Value = Map<String, Value>> {
    btree_map("x-[a-z]{1,6}", leaf(), 0..3).prop_map(|m| m.into_iter().collect())
}

fn gender() -> impl Strategy<Value = Gender> {
    prop_oneof![
        Just(Gender::Male),
        Just(Gender::Female),
        text().prop_map(Gender::from_code),
    ]
}

fn card_type() -> impl Strategy<Value = CardType> {
    prop_oneof![
        any::<i64>().prop_map(CardType::from_id),
        text().prop_map(CardType::from_code)
    ]
}

fn card() -> impl Strategy<Value = CardInfo> {
    (
        opt_text(),
        option::of(card_type()),
        opt_text(),
        option::of(any::<i64>()),
        (opt_text(), opt_text()),
        unknown(),
    )
        .prop_map(
            |(card_type, type_id, no, expiry, (given, surname), extra)| {
                let mut card = CardInfo::default();
                card.card_type = card_type;
                card.card_type_id = type_id;
                card.card_no = no.map(Into::into);
                card.expiration_date = expiry.map(EpochMillis::new);
                card.given_name = given;
                card.surname = surname;
                card.unknown_fields = extra;
                card
            },
        )
}

fn user() -> impl Strategy<Value = UserInfo> {
    (
        (
            option::of(any::<i64>()),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
        ),
        (
            opt_text(),
            opt_text(),
            option::of(gender()),
            opt_text(),
            opt_text(),
            opt_text(),
        ),
        (
            opt_text(),
            opt_text(),
            option::of(any::<bool>()),
            opt_text(),
            opt_text(),
            opt_text(),
        ),
        (
            opt_text(),
            opt_text(),
            option::of(json_map()),
            vec(card(), 0..3),
            unknown(),
        ),
    )
        .prop_map(|(a, b, c, d)| {
            let mut u = UserInfo::default();
            (
                u.user_id,
                u.user_no,
                u.department_name,
                u.department_code,
                u.cost_center_name,
                u.cost_center_code,
            ) = a;
            let mobile;
            let email;
            (
                u.branch_name,
                u.branch_code,
                u.gender,
                mobile,
                email,
                u.level,
            ) = b;
            u.mobile = mobile.map(Into::into);
            u.email_address = email.map(Into::into);
            let birthday;
            (
                u.level_name,
                u.level_code,
                u.is_leave,
                birthday,
                u.nationality,
                u.full_name,
            ) = c;
            u.birthday = birthday.map(Into::into);
            (
                u.surname,
                u.given_name,
                u.extra_info,
                u.card_info,
                u.unknown_fields,
            ) = d;
            u
        })
}

fn request() -> impl Strategy<Value = SyncRequest> {
    (
        opt_text(),
        option::of(any::<i64>()),
        opt_text(),
        opt_text(),
        vec(user(), 0..3),
        unknown(),
    )
        .prop_map(|(user_no, user_id, account, session, users, extra)| {
            let mut req = SyncRequest::default();
            req.user_no = user_no;
            req.user_id = user_id;
            req.account = account;
            req.session_id = session.map(SessionId::new);
            req.data = users;
            req.unknown_fields = extra;
            req
        })
}

fn result() -> impl Strategy<Value = UserSyncResult> {
    (
        prop_oneof![
            text().prop_map(UserKey::UserNo),
            any::<i64>().prop_map(UserKey::UserId)
        ],
        opt_text(),
        option::of(any::<i64>()),
        option::of(any::<bool>()),
        opt_text(),
        any::<i64>(),
        unknown(),
    )
        .prop_map(
            |(key, bind_id, company_id, is_leave, description, status, extra)| {
                let mut r = UserSyncResult::success(key);
                r.bind_id = bind_id;
                r.company_id = company_id;
                r.is_leave = is_leave;
                r.description = description;
                r.status = SyncStatus::from_code(status);
                r.unknown_fields = extra;
                r
            },
        )
}

fn response() -> impl Strategy<Value = SyncResponse> {
    (
        prop_oneof![
            any::<i64>().prop_map(Code::from),
            text().prop_map(Code::from)
        ],
        text(),
        vec(result(), 0..4),
    )
        .prop_map(|(code, msg, data)| {
            let mut resp = SyncResponse::processed(data);
            resp.res_code = code;
            resp.res_msg = msg;
            resp
        })
}

/// JSON shaped like a sync request, with the model's own field names and
/// values of every type, to reach the adapters rather than the parser.
fn request_like() -> impl Strategy<Value = Value> {
    const KEYS: &[&str] = &[
        "userNo",
        "userId",
        "account",
        "companyId",
        "sessionId",
        "data",
        "mobile",
        "isLeave",
        "fullName",
        "gender",
        "birthday",
        "extraInfo",
        "cardInfo",
        "cardTypeId",
        "cardNo",
        "expirationDate",
        "emailAddress",
        "nationality",
        "status",
        "resCode",
    ];
    let leaf = prop_oneof![
        leaf(),
        any::<f64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        Just(Value::String("Y".into())),
        Just(Value::String("{\"a\":1}".into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(proptest::sample::select(KEYS), inner, 0..6).prop_map(|m| {
                Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn user_info_round_trips(user in user()) {
        let json = serde_json::to_string(&user).unwrap();
        let back: UserInfo = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, user);
    }

    #[test]
    fn sync_request_round_trips(req in request()) {
        let json = serde_json::to_vec(&req).unwrap();
        let back: SyncRequest = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(&back, &req);
        // The lenient reader agrees with the strict one on good input.
        let lenient = SyncRequest::parse_lenient(&json).unwrap();
        prop_assert!(lenient.unreadable.is_empty());
        prop_assert_eq!(lenient.request, req);
    }

    #[test]
    fn sync_response_round_trips(resp in response()) {
        let json = serde_json::to_string(&resp).unwrap();
        let back: SyncResponse = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, resp);
    }

    #[test]
    fn readers_never_panic_on_bytes(bytes in vec(any::<u8>(), 0..256)) {
        let _ = SyncRequest::parse_lenient(&bytes);
        let _ = serde_json::from_slice::<SyncRequest>(&bytes);
        let _ = serde_json::from_slice::<SyncResponse>(&bytes);
        let _ = serde_json::from_slice::<UserInfo>(&bytes);
    }

    #[test]
    fn readers_never_panic_on_json_shaped_like_the_model(value in request_like()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        if let Ok(parsed) = SyncRequest::parse_lenient(&bytes) {
            // Whatever was read validates without panicking, and writes.
            for user in &parsed.request.data {
                let _ = user.validate();
                serde_json::to_vec(user).unwrap();
            }
        }
        let _ = serde_json::from_slice::<SyncResponse>(&bytes);
        let _ = serde_json::from_slice::<UserInfo>(&bytes);
    }
}
