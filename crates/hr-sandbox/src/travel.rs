//! The travel platform's side of the employee sync (人员同步接口): the
//! endpoint the expense platform calls with batches of `UserInfo`, and the
//! session endpoint in front of it.
//!
//! Both routes are `POST` with a JSON body and always answer HTTP 200; the
//! outcome is in `resCode`:
//!
//! | `resCode` | meaning |
//! |---|---|
//! | [`CODE_SUCCESS`] 10000 | processed (for `/userSyn`, possibly with per-user failures) |
//! | [`CODE_BAD_REQUEST`] 10001 | the body is not JSON, or a required field is missing or of a hopeless type; for `/getSessionId`, also a body over [`max_body_bytes`](crate::TravelConfig::max_body_bytes) |
//! | [`CODE_BAD_CREDENTIALS`] 10002 | unknown `account` (or `companyId`), or wrong `secret` |
//! | [`CODE_BAD_SIGN`] 10003 | `sign` does not match |
//! | [`CODE_BAD_SESSION`] 10004 | `sessionId` missing, unknown or expired |
//! | [`CODE_BATCH_TOO_LARGE`] 10005 | more users than [`batch_limit`](crate::TravelConfig::batch_limit), or a `/userSyn` body over [`max_body_bytes`](crate::TravelConfig::max_body_bytes) (default 8 MiB, far above 100 users with cards): the whole batch is refused |
//!
//! The vendors disagree on the type of `resCode`, and so does the simulator,
//! on purpose: `/getSessionId` sends it as a string (`"10000"`), as its page
//! documents, and `/userSyn` as an integer (`10000`), as the sync page does.
//!
//! # `POST /getSessionId`
//!
//! Request `{account, secret, timestamp (ms), platform | source, userId | userNo, sign}`;
//! `account`, `secret`, `timestamp` and `sign` are required. The sign is
//! checked with [`sign`]: every parameter but `sign` whose value is not
//! `null` or `""`, sorted by name, joined as `k=v&k=v`, the sign key
//! appended directly (no separator), MD5, lower-case hex. The timestamp is
//! not checked for freshness. Success:
//!
//! ```json
//! {"resCode": "10000", "resMsg": "success", "sessionId": "…", "timeLimit": 1700007200000}
//! ```
//!
//! `timeLimit` is when the session expires, in epoch milliseconds
//! ([`session_ttl`](crate::TravelConfig::session_ttl) from now, on the
//! sandbox's [`Clock`](crate::Clock)). Each session
//! issued counts in `tokens_issued.travel`. Besides issued sessions,
//! [`TravelConfig::session_id`](crate::TravelConfig::session_id) is always
//! valid.
//!
//! # `POST /userSyn`
//!
//! Request `{account, sessionId, userNo, data: [UserInfo…]}`. `companyId`
//! (the pre-V1.2 name) is accepted for `account`, and the top-level
//! `userNo`/`userId` is optional. Input is read leniently, as the
//! vendor's own example needs: numbers for strings (`"userNo": 91228`),
//! `"Y"`/`"N"`, `0`/`1`, `"A"`/`"I"` or strings for the boolean `isLeave`,
//! `"1"` for the integer `cardTypeId`.
//!
//! Each user is checked in this order, and fails with the first problem
//! found (the descriptions are the `DESC_*` constants):
//!
//! 1. `userNo` or `userId` present ([`DESC_MISSING_ID`]);
//! 2. `fullName` present ([`DESC_MISSING_NAME`]);
//! 3. `level`, when given, one of [`known_levels`](crate::TravelConfig::known_levels)
//!    ([`DESC_UNKNOWN_LEVEL`], the vendor's "职级未维护,同步失败"); by
//!    default the dataset's levels but `X9`, and `ES`, the level of the
//!    vendor's own example;
//! 4. `mobile` present ([`DESC_MISSING_MOBILE`]) and a valid number
//!    ([`DESC_BAD_MOBILE`], see [`is_valid_mobile`]);
//! 5. `isLeave`, when given, readable as a boolean ([`DESC_BAD_LEAVE`]);
//! 6. `cardInfo`, when given, a list of cards each with a `cardNo` and an
//!    integer `cardTypeId` ([`DESC_BAD_CARD`]).
//!
//! The answer lists **only the users that failed**:
//!
//! ```json
//! {"resCode": 10000, "resMsg": "部分员工同步失败",
//!  "data": [{"userNo": 91229, "status": 0, "bindId": "…", "description": "职级未维护,同步失败"}]}
//! ```
//!
//! `resMsg` is `"同步成功"` with `"data": []` when every user synced.
//! `userNo` (or `userId`) is echoed as sent. `bindId`, the travel
//! platform's key for the user, depends only on the account and the user's
//! `userNo` (or `userId`), so re-sending a user (an upsert) always yields
//! the same `bindId`; it is `""` for a user with neither.
//!
//! Every batch past the account, session and size checks is recorded:
//! [`Sandbox::travel_received`](crate::Sandbox::travel_received), `GET
//! /_sandbox/travel/received`, and the `travel.*` counters. Refused
//! requests are not recorded (they count in `requests.travel./userSyn`,
//! and bad credentials, signs and sessions in `auth_rejected.travel`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::state::{Context, ReceivedBatch};

/// Path of the employee-sync endpoint.
pub const SYNC_PATH: &str = "/userSyn";
/// Path of the session endpoint.
pub const SESSION_PATH: &str = "/getSessionId";

/// `resCode` of success.
pub const CODE_SUCCESS: u32 = 10000;
/// `resCode` of a body that is not JSON or lacks a required field.
pub const CODE_BAD_REQUEST: u32 = 10001;
/// `resCode` of an unknown account or a wrong secret.
pub const CODE_BAD_CREDENTIALS: u32 = 10002;
/// `resCode` of a wrong `sign`.
pub const CODE_BAD_SIGN: u32 = 10003;
/// `resCode` of a missing, unknown or expired `sessionId`.
pub const CODE_BAD_SESSION: u32 = 10004;
/// `resCode` of a batch larger than the limit.
pub const CODE_BATCH_TOO_LARGE: u32 = 10005;

/// A user without `userNo` or `userId`.
pub const DESC_MISSING_ID: &str = "userNo和userId不能同时为空,同步失败";
/// A user without `fullName`.
pub const DESC_MISSING_NAME: &str = "姓名(fullName)不能为空,同步失败";
/// A `level` the platform does not know (the vendor's own wording).
pub const DESC_UNKNOWN_LEVEL: &str = "职级未维护,同步失败";
/// A user without `mobile`.
pub const DESC_MISSING_MOBILE: &str = "手机号不能为空,同步失败";
/// A `mobile` that is not a valid number.
pub const DESC_BAD_MOBILE: &str = "手机号不合法,同步失败";
/// An `isLeave` that is not a boolean in any accepted form.
pub const DESC_BAD_LEAVE: &str = "isLeave取值不合法,同步失败";
/// A `cardInfo` that is not a list of cards with `cardNo` and `cardTypeId`.
pub const DESC_BAD_CARD: &str = "证件信息不合法,同步失败";

/// The string `getSessionId` signs: the parameters but `sign`, without
/// `null` or empty values, sorted by name, as `k=v` joined with `&`.
/// Strings are taken verbatim (no URL encoding), numbers and booleans in
/// their JSON form, anything else as compact JSON.
///
/// ```
/// use serde_json::json;
///
/// let params = json!({"timestamp": 1700000000000u64, "account": "acme", "secret": "s3cret",
///                     "platform": "yunjian", "userNo": "", "sign": "ignored"});
/// assert_eq!(
///     hr_sandbox::travel::string_to_sign(params.as_object().unwrap()),
///     "account=acme&platform=yunjian&secret=s3cret&timestamp=1700000000000",
/// );
/// ```
pub fn string_to_sign(params: &Map<String, Value>) -> String {
    let mut pairs: Vec<(&str, String)> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "sign")
        .filter_map(|(k, v)| {
            let text = match v {
                Value::Null => return None,
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => other.to_string(),
            };
            (!text.is_empty()).then_some((k.as_str(), text))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The `sign` of `getSessionId`: lower-case hex MD5 of
/// [`string_to_sign`] with `sign_key` appended directly.
///
/// ```
/// use serde_json::json;
///
/// let params = json!({"account": "acme", "secret": "s3cret", "timestamp": 1700000000000u64,
///                     "platform": "yunjian"});
/// // md5("account=acme&platform=yunjian&secret=s3cret&timestamp=1700000000000k3y")
/// assert_eq!(
///     hr_sandbox::travel::sign(params.as_object().unwrap(), "k3y"),
///     format!("{:x}", md5::compute("account=acme&platform=yunjian&secret=s3cret&timestamp=1700000000000k3y")),
/// );
/// ```
pub fn sign(params: &Map<String, Value>, sign_key: &str) -> String {
    format!(
        "{:x}",
        md5::compute(format!("{}{sign_key}", string_to_sign(params)))
    )
}

/// Whether `mobile` is a number the platform accepts: a mainland mobile
/// (the pattern of libphonenumber 9.0.33,
/// `1740[0-5]\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}`),
/// optionally written `+86…`, or any other international number written
/// with `+` and 6 to 15 digits. Spaces and dashes are ignored.
///
/// ```
/// use hr_sandbox::travel::is_valid_mobile;
///
/// assert!(is_valid_mobile("13812345678"));
/// assert!(is_valid_mobile("+86 138-1234-5678"));
/// assert!(is_valid_mobile("+85291234567"));
/// assert!(is_valid_mobile("17405123456"));
/// assert!(!is_valid_mobile("17406123456"));
/// assert!(!is_valid_mobile("12345678901")); // the vendor's example number
/// assert!(!is_valid_mobile("1381234567"));
/// assert!(!is_valid_mobile("+86 12345678901"));
/// assert!(!is_valid_mobile("+86 10 12345678")); // a Beijing landline
/// assert!(!is_valid_mobile("+0123456"));
/// ```
pub fn is_valid_mobile(mobile: &str) -> bool {
    let compact: String = mobile
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    match compact.strip_prefix('+') {
        // A +86 number is a mainland number and must be a mainland mobile.
        Some(rest) => match rest.strip_prefix("86") {
            Some(national) => is_mainland_mobile(national),
            // No country code starts with 0.
            None => {
                (6..=15).contains(&rest.len())
                    && !rest.starts_with('0')
                    && rest.bytes().all(|b| b.is_ascii_digit())
            }
        },
        None => is_mainland_mobile(&compact),
    }
}

fn is_mainland_mobile(n: &str) -> bool {
    let b = n.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) || b[0] != b'1' {
        return false;
    }
    match (b[1], b[2]) {
        (b'7', b'4') => b[3] == b'0' && (b'0'..=b'5').contains(&b[4]),
        (b'3' | b'8', _) => true,
        (b'4', c) => matches!(c, b'5' | b'7'),
        (b'5' | b'9', c) => c != b'4',
        (b'6', c) => matches!(c, b'2' | b'5'..=b'7'),
        (b'7', c) => matches!(c, b'0'..=b'3' | b'5'..=b'8'),
        _ => false,
    }
}

/// Reads the lenient booleans of the spec and its peers: `true`/`false`,
/// `1`/`0`, `"Y"`/`"N"`, `"true"`/`"false"`, `"A"` (active, so not left)
/// and `"I"` (inactive).
fn leave_flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_uppercase().as_str() {
            "Y" | "YES" | "TRUE" | "1" | "I" => Some(true),
            "N" | "NO" | "FALSE" | "0" | "A" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A scalar as text (numbers too); `None` for absent, `null`, `""` and
/// non-scalars.
fn text(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// The travel simulator's state.
struct Travel {
    ctx: Arc<Context>,
    /// Issued session ids: when they expire, and the revocation epoch they
    /// were issued in.
    sessions: Mutex<HashMap<String, (Instant, u64)>>,
    issued: AtomicU64,
}

/// Builds the travel routes.
pub(crate) fn router(ctx: Arc<Context>) -> Router {
    let travel = Arc::new(Travel {
        ctx,
        sessions: Mutex::new(HashMap::new()),
        issued: AtomicU64::new(0),
    });
    // axum's default limit (2 MB) is below what a batch of 100 users with
    // cards and extras can reach; the handlers answer an oversized body in
    // the spec's shape rather than with axum's plain-text 413.
    let limit = DefaultBodyLimit::max(travel.ctx.config.travel.max_body_bytes);
    Router::new()
        .route(SESSION_PATH, post(get_session_id))
        .route(SYNC_PATH, post(user_syn))
        .layer(limit)
        .with_state(travel)
}

/// The message for a body that could not be read: over the size limit, or
/// cut off.
fn unreadable(rejection: &BytesRejection, limit: usize) -> (bool, String) {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        (true, format!("请求体超过{limit}字节"))
    } else {
        (false, format!("请求体读取失败: {rejection}"))
    }
}

/// A `/getSessionId` refusal: `resCode` as a string.
fn session_error(code: u32, msg: impl Into<String>) -> Json<Value> {
    Json(
        json!({"resCode": code.to_string(), "resMsg": msg.into(), "sessionId": null, "timeLimit": null}),
    )
}

/// A `/userSyn` refusal: `resCode` as an integer, `data` empty.
fn sync_error(code: u32, msg: impl Into<String>) -> Json<Value> {
    Json(json!({"resCode": code, "resMsg": msg.into(), "data": []}))
}

fn parse_object(body: &Bytes) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("请求体必须是JSON对象".into()),
        Err(e) => Err(format!("请求体不是合法的JSON: {e}")),
    }
}

fn epoch_ms(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

async fn get_session_id(
    State(travel): State<Arc<Travel>>,
    body: Result<Bytes, BytesRejection>,
) -> Json<Value> {
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            let (_, msg) = unreadable(&e, travel.ctx.config.travel.max_body_bytes);
            return session_error(CODE_BAD_REQUEST, msg);
        }
    };
    let params = match parse_object(&body) {
        Ok(p) => p,
        Err(msg) => return session_error(CODE_BAD_REQUEST, msg),
    };
    let config = &travel.ctx.config.travel;
    for key in ["account", "secret", "timestamp", "sign"] {
        if text(params.get(key)).is_none() {
            return session_error(CODE_BAD_REQUEST, format!("{key}不能为空"));
        }
    }
    if text(params.get("timestamp")).is_some_and(|t| t.parse::<u64>().is_err()) {
        return session_error(CODE_BAD_REQUEST, "timestamp必须是毫秒时间戳");
    }
    let rejected = |code, msg: String| {
        travel.ctx.counters.incr("auth_rejected.travel");
        session_error(code, msg)
    };
    if text(params.get("account")).as_deref() != Some(config.account.as_str())
        || text(params.get("secret")).as_deref() != Some(config.secret.as_str())
    {
        return rejected(CODE_BAD_CREDENTIALS, "账户或密钥错误".into());
    }
    let sent = text(params.get("sign")).unwrap_or_default();
    let expected = sign(&params, &config.sign_key);
    if sent != expected {
        // Say what was signed (never the key), so a client can find its bug.
        let hint = if sent.eq_ignore_ascii_case(&expected) {
            "签名须为小写十六进制".to_owned()
        } else {
            format!(
                "签名错误: 应为 md5(\"{}\" + signKey)",
                string_to_sign(&params)
            )
        };
        return rejected(CODE_BAD_SIGN, hint);
    }

    let n = travel.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let now = travel.ctx.clock.system_now();
    let session_id = format!(
        "{:x}",
        md5::compute(format!("{}/{n}/{}", config.account, epoch_ms(now)))
    );
    let ttl = config.session_ttl;
    {
        let mut sessions = travel.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let instant = travel.ctx.clock.now();
        let epoch = travel.ctx.travel_session_epoch.load(Ordering::SeqCst);
        sessions.retain(|_, (expires, issued_in)| *expires > instant && *issued_in == epoch);
        sessions.insert(session_id.clone(), (instant + ttl, epoch));
    }
    travel.ctx.counters.incr("tokens_issued.travel");
    Json(json!({
        "resCode": CODE_SUCCESS.to_string(),
        "resMsg": "success",
        "sessionId": session_id,
        "timeLimit": epoch_ms(now + ttl),
    }))
}

impl Travel {
    fn session_valid(&self, session_id: &str) -> bool {
        if session_id == self.ctx.config.travel.session_id {
            return true;
        }
        let epoch = self.ctx.travel_session_epoch.load(Ordering::SeqCst);
        let now = self.ctx.clock.now();
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions
            .get(session_id)
            .is_some_and(|(expires, issued_in)| *expires > now && *issued_in == epoch)
    }
}

/// Why one user fails, if it does.
fn check_user(user: &Value, known_levels: &[String]) -> Result<(), &'static str> {
    if !user.is_object() {
        return Err(DESC_MISSING_ID);
    }
    if text(user.get("userNo")).is_none() && text(user.get("userId")).is_none() {
        return Err(DESC_MISSING_ID);
    }
    if text(user.get("fullName")).is_none() {
        return Err(DESC_MISSING_NAME);
    }
    if let Some(level) = text(user.get("level"))
        && !known_levels.contains(&level)
    {
        return Err(DESC_UNKNOWN_LEVEL);
    }
    match text(user.get("mobile")) {
        None => return Err(DESC_MISSING_MOBILE),
        Some(m) if !is_valid_mobile(&m) => return Err(DESC_BAD_MOBILE),
        Some(_) => {}
    }
    if let Some(leave) = user.get("isLeave").filter(|v| !v.is_null())
        && leave_flag(leave).is_none()
    {
        return Err(DESC_BAD_LEAVE);
    }
    match user.get("cardInfo") {
        None | Some(Value::Null) => {}
        Some(Value::Array(cards)) => {
            let card_ok = |card: &Value| {
                let type_id = match card.get("cardTypeId") {
                    Some(Value::Number(n)) => n.as_i64().is_some(),
                    Some(Value::String(s)) => s.trim().parse::<i64>().is_ok(),
                    _ => false,
                };
                type_id && text(card.get("cardNo")).is_some()
            };
            if !cards.iter().all(card_ok) {
                return Err(DESC_BAD_CARD);
            }
        }
        Some(_) => return Err(DESC_BAD_CARD),
    }
    Ok(())
}

/// The user's key: `userNo` if sent, else `userId`, tagged so the two
/// spaces never collide.
fn user_key(user: &Value) -> Option<String> {
    text(user.get("userNo"))
        .map(|no| format!("userNo:{no}"))
        .or_else(|| text(user.get("userId")).map(|id| format!("userId:{id}")))
}

/// The platform's key for a user: stable per account and user.
fn bind_id(account: &str, key: &str) -> String {
    format!("{:x}", md5::compute(format!("bind/{account}/{key}")))
}

async fn user_syn(
    State(travel): State<Arc<Travel>>,
    body: Result<Bytes, BytesRejection>,
) -> Json<Value> {
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            // Too large a body is too large a batch: refused whole, as one
            // over `batch_limit` is.
            let (too_large, msg) = unreadable(&e, travel.ctx.config.travel.max_body_bytes);
            let code = if too_large {
                CODE_BATCH_TOO_LARGE
            } else {
                CODE_BAD_REQUEST
            };
            return sync_error(code, msg);
        }
    };
    let body = match parse_object(&body) {
        Ok(b) => b,
        Err(msg) => return sync_error(CODE_BAD_REQUEST, msg),
    };
    let config = &travel.ctx.config.travel;
    // V1.2 renamed `companyId` to `account`; older callers still send it.
    let Some(account) = text(body.get("account")).or_else(|| text(body.get("companyId"))) else {
        return sync_error(CODE_BAD_REQUEST, "account不能为空");
    };
    if account != config.account {
        travel.ctx.counters.incr("auth_rejected.travel");
        return sync_error(CODE_BAD_CREDENTIALS, format!("公司账户{account}不存在"));
    }
    let session = text(body.get("sessionId"));
    if !session.as_deref().is_some_and(|s| travel.session_valid(s)) {
        travel.ctx.counters.incr("auth_rejected.travel");
        return sync_error(CODE_BAD_SESSION, "sessionId无效或已过期");
    }
    let Some(users) = body.get("data").and_then(Value::as_array) else {
        return sync_error(CODE_BAD_REQUEST, "data必须是UserInfo数组");
    };
    if users.len() > config.batch_limit {
        return sync_error(
            CODE_BATCH_TOO_LARGE,
            format!("单次最多同步{}人,本次{}人", config.batch_limit, users.len()),
        );
    }

    let mut failures = Vec::new();
    let mut failed = Vec::new();
    for user in users {
        let Err(description) = check_user(user, &config.known_levels) else {
            continue;
        };
        let key = user_key(user);
        let mut item = Map::new();
        for id_field in ["userNo", "userId"] {
            if let Some(v) = user.get(id_field).filter(|v| !v.is_null()) {
                item.insert(id_field.into(), v.clone());
            }
        }
        if item.is_empty() {
            item.insert("userNo".into(), Value::Null);
        }
        item.insert("status".into(), json!(0));
        item.insert(
            "bindId".into(),
            json!(
                key.as_deref()
                    .map(|k| bind_id(&account, k))
                    .unwrap_or_default()
            ),
        );
        item.insert("description".into(), json!(description));
        failed.push(Value::Object(item));
        let shown = text(user.get("userNo"))
            .or_else(|| text(user.get("userId")))
            .unwrap_or_default();
        failures.push((shown, description.to_owned()));
    }
    travel.ctx.record_travel_batch(ReceivedBatch {
        account: Some(account),
        users: users.clone(),
        failures,
    });
    let msg = if failed.is_empty() {
        "同步成功"
    } else {
        "部分员工同步失败"
    };
    Json(json!({"resCode": CODE_SUCCESS, "resMsg": msg, "data": failed}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_pattern_edges() {
        for ok in [
            "13000000000",
            "14512345678",
            "15912345678",
            "16212345678",
            "17012345678",
            "19912345678",
            "17405999999",
        ] {
            assert!(is_valid_mobile(ok), "{ok}");
        }
        for bad in [
            "14412345678",
            "15412345678",
            "16312345678",
            "17412345678",
            "17406000000",
            "10012345678",
            "1381234567a",
        ] {
            assert!(!is_valid_mobile(bad), "{bad}");
        }
        assert!(is_valid_mobile("+1 415 555 0100"));
        assert!(!is_valid_mobile("+12"));
    }

    #[test]
    fn leave_flags() {
        assert_eq!(leave_flag(&json!("Y")), Some(true));
        assert_eq!(leave_flag(&json!(false)), Some(false));
        assert_eq!(leave_flag(&json!(0)), Some(false));
        assert_eq!(leave_flag(&json!("A")), Some(false));
        assert_eq!(leave_flag(&json!("maybe")), None);
    }

    #[test]
    fn bind_ids_are_stable_per_user() {
        assert_eq!(bind_id("a", "userNo:1"), bind_id("a", "userNo:1"));
        assert_ne!(bind_id("a", "userNo:1"), bind_id("a", "userId:1"));
        assert_ne!(bind_id("a", "userNo:1"), bind_id("b", "userNo:1"));
    }
}
