//! The sending side's reading of the platform's answers: `SyncResponse`
//! (as `TravelSyncClient` decodes it) and `SessionResponse`
//! (`getSessionId`), then every sent user's outcome.
//!
//! Invariants: no panic; an answer reads only with a `resCode`; it is a
//! success only when that code is 10000; every user sent gets exactly one
//! outcome, and none is `Synced` unless the batch was processed; what was
//! read writes back as JSON that reads again to the same answer.

#![no_main]

use hr_sdk_fuzz::{object, response, status_from, text};
use libfuzzer_sys::fuzz_target;
use travel_sync_types::{Outcome, SessionResponse, SyncResponse, UserInfo};

fn res_code_is_success(body: &[u8]) -> bool {
    object(body)
        .and_then(|m| m.get("resCode").and_then(text))
        .is_some_and(|c| c.trim().parse::<i64>() == Ok(10000))
}

fuzz_target!(|input: &[u8]| {
    let Some((&first, body)) = input.split_first() else {
        return;
    };
    let resp = response(status_from(first), body);
    if let Ok(answer) = resp.json::<SyncResponse>() {
        let map = object(body).expect("an answer from a body that is no JSON object");
        assert!(map.contains_key("resCode"), "an answer without resCode");
        assert_eq!(answer.is_success(), res_code_is_success(body), "{answer:?}");
        let sent = [
            UserInfo::new("91228", "王伟", "13812345678", false),
            UserInfo::new(" 91229 ", "李娜", "13812345679", true).user_id(91229),
            UserInfo::new("", "张敏", "13812345670", false).user_id(7),
        ];
        let outcomes = answer.outcomes(&sent);
        assert_eq!(outcomes.len(), sent.len());
        for (i, o) in outcomes.iter().enumerate() {
            assert_eq!(o.index, i);
            if matches!(o.outcome, Outcome::Synced) {
                assert!(answer.is_success(), "synced in a refused batch");
            }
        }
        let _ = answer.failures().count();
        let written = serde_json::to_vec(&answer).expect("an answer that cannot be written");
        let again: SyncResponse = serde_json::from_slice(&written)
            .unwrap_or_else(|e| panic!("our own answer is unreadable: {e}"));
        assert_eq!(again, answer, "an answer changed on the way out and back");
    }
    if let Ok(session) = resp.json::<SessionResponse>() {
        let map = object(body).expect("a session from a body that is no JSON object");
        if session.is_success() {
            assert!(res_code_is_success(body), "a session without resCode 10000");
            assert!(
                session
                    .session_id
                    .as_ref()
                    .is_some_and(|s| !s.expose().is_empty())
            );
        }
        let _ = map;
        if let Some(limit) = session.time_limit {
            let _ = (
                limit.to_datetime(),
                limit.to_system_time(),
                limit.has_thirteen_digits(),
            );
        }
        let written = serde_json::to_vec(&session).expect("a session that cannot be written");
        let again: SessionResponse = serde_json::from_slice(&written)
            .unwrap_or_else(|e| panic!("our own session answer is unreadable: {e}"));
        assert_eq!(again.res_code, session.res_code);
    }
});
