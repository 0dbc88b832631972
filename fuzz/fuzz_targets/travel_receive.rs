//! The receiving side's `server::receive`: a byte order mark, repeated
//! top-level keys, refusals, validation and the store's results.
//!
//! Input: bit 0 of the first byte puts a UTF-8 byte order mark before the
//! body; the rest is the body.
//!
//! Invariants: no panic; the answer is the same with or without a byte
//! order mark; a body that names a top-level key twice is refused with
//! 10001; a processed answer (10000) comes only from a readable request
//! with an account and a session id, lists only failures (status 0) of
//! users in the batch, and the store sees only valid users.

#![no_main]

use std::sync::Mutex;

use hr_sdk_fuzz::{has_repeat, run, top_level_keys};
use libfuzzer_sys::fuzz_target;
use travel_sync_types::server::{Credentials, Refusal, receive};
use travel_sync_types::{SyncRequest, SyncResponse, SyncStatus, UserInfo, UserKey, UserSyncResult};

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn answer(body: &[u8], stored: &Mutex<Vec<UserInfo>>) -> SyncResponse {
    run(receive(
        body,
        |_: Credentials| async { Ok::<(), Refusal>(()) },
        |users: Vec<UserInfo>| async move {
            // Fail every other user, succeed the rest, and add a result
            // for a user that was never sent.
            let mut results: Vec<UserSyncResult> = users
                .iter()
                .enumerate()
                .filter_map(|(i, u)| {
                    let key = u.key()?;
                    Some(if i % 2 == 0 {
                        UserSyncResult::failure(key, "拒绝")
                    } else {
                        UserSyncResult::success(key)
                    })
                })
                .collect();
            results.push(UserSyncResult::failure(
                UserKey::from("\u{1F47B}stranger"),
                "x",
            ));
            stored.lock().unwrap().extend(users);
            Ok::<_, Refusal>(results)
        },
    ))
}

fuzz_target!(|input: &[u8]| {
    let Some((&flags, body)) = input.split_first() else {
        return;
    };
    let stored = Mutex::new(Vec::new());
    let plain = answer(body, &stored);
    if flags & 1 == 1 && !body.starts_with(BOM) {
        let with_bom = [BOM, body].concat();
        let stored_bom = Mutex::new(Vec::new());
        assert_eq!(
            answer(&with_bom, &stored_bom),
            plain,
            "a byte order mark changed the answer"
        );
    }
    let body = body.strip_prefix(BOM).unwrap_or(body);

    if let Some(keys) = top_level_keys(body)
        && has_repeat(&keys)
    {
        assert_eq!(
            plain.res_code, 10001,
            "a repeated key was not refused: {plain:?}"
        );
        assert!(stored.lock().unwrap().is_empty());
    }
    for user in stored.lock().unwrap().iter() {
        assert!(
            user.validate().is_valid(),
            "an invalid user reached the store"
        );
    }
    if plain.is_success() {
        let parsed = SyncRequest::parse_lenient(body).expect("processed an unreadable request");
        let req = &parsed.request;
        assert!(req.account.as_deref().is_some_and(|a| !a.trim().is_empty()));
        assert!(
            req.session_id
                .as_ref()
                .is_some_and(|s| !s.expose().trim().is_empty())
        );
        let batch = req.data.len() + parsed.unreadable.len();
        assert!(plain.data.len() <= batch, "more results than users");
        let keys: Vec<UserKey> = req
            .data
            .iter()
            .filter_map(UserInfo::key)
            .chain(parsed.unreadable.iter().filter_map(|u| u.key.clone()))
            .collect();
        let in_batch = |r: &UserSyncResult| {
            let no = r.user_no.as_deref().map(str::trim);
            no == Some("")
                || keys.iter().any(|k| match k {
                    UserKey::UserNo(n) => no == Some(n.trim()),
                    UserKey::UserId(id) => r.user_id == Some(*id),
                })
        };
        for r in &plain.data {
            assert_eq!(r.status, SyncStatus::Failed, "a success listed");
            assert!(in_batch(r), "a result for a user not in the batch: {r:?}");
        }
    } else {
        assert!(plain.data.is_empty());
        assert!(
            stored.lock().unwrap().is_empty(),
            "a refused batch reached the store"
        );
    }
});
