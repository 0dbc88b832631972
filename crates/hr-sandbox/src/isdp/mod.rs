//! The Huawei ISDP+ OpenAPI simulator.
//!
//! Every route is `POST` with a JSON body. Every route but the token one
//! needs `Authorization: bearer <access_token>`.
//!
//! # Authentication
//!
//! `POST /oauth2/oauth/rest_token` with
//! `{client_id, client_secret, grant_type: "password", username, password}`
//! (see [`IsdpConfig`](crate::IsdpConfig)) answers
//!
//! ```json
//! {"access_token": "…", "token_type": "bearer", "expires_in": "359", "scope": "all",
//!  "plat_user": {"userId": 36378, "userAccount": "sandbox-app", "userName": "OpenAPI应用",
//!                "tenantId": 100001, "userType": "App"}}
//! ```
//!
//! `expires_in` is a **string** of seconds (`token_ttl`), as in the
//! vendor's reference. Refusals use Spring Security OAuth2's bodies: wrong
//! `client_id`/`client_secret` → 401 `{"error":"invalid_client",…}`; wrong
//! `username`/`password` → 400 `{"error":"invalid_grant",…}`; another
//! grant type → 400 `{"error":"unsupported_grant_type",…}`; a body that is
//! not JSON → 400 `{"error":"invalid_request",…}`. Each token issued counts
//! in `tokens_issued.isdp`.
//!
//! The scheme in `Authorization` is matched case-insensitively: the vendor
//! documents `bearer`, and Spring accepts `Bearer` too. A refused call
//! counts in `auth_rejected.isdp` and gets HTTP 401 with one of two bodies,
//! as the real service answers in either form:
//!
//! | case | body (`Content-Type`) |
//! |---|---|
//! | no `Authorization` header, or not a bearer one | `{"error":"unauthorized","error_description":"Full authentication is required to access this resource"}` (JSON) |
//! | a token this server never issued | `{"error":"invalid_token","error_description":"check_token error"}` (JSON) |
//! | a token that expired, or was revoked | `<InvalidTokenException><error>invalid_token</error><error_description>check_token error</error_description></InvalidTokenException>` (`application/xml`) |
//!
//! Tokens are revoked by [`Sandbox::revoke_tokens`](crate::Sandbox::revoke_tokens),
//! by `POST /_sandbox/revoke-tokens`, and, with
//! [`IsdpConfig::revoke_tokens_after`](crate::IsdpConfig::revoke_tokens_after)
//! `= Some(n)`, after every `n` accepted API calls (the `n`-th call succeeds,
//! the next one is refused).
//!
//! # Envelopes
//!
//! ISDP has no single response envelope, and neither has the simulator:
//!
//! | envelope | shape | used by |
//! |---|---|---|
//! | bare page | `{"data":[…],"pos":start,"total_count":n,"totalCount":n,"entityName":null}` | getPersonList, findPageExcelRecordModelListById, findPagedOrgListWithDirection, findPagedPosition |
//! | bare object | the task object | exportPersonModel |
//! | B | `{"stateCode":"0","errorMessage":null,"result":<bare page>}` | organization/findPagedOrgList, role/findPagedRoleList |
//! | C (batch) | `{"status":"success"\|"failed","msg":"…","data":[item…],"success":n,"failed":m}` | batchAdd, batchUpdatePerson, batchDeregisterPerson, batchSaveOrgInfo, batchDelOrgInfo |
//! | C (single) | `{"status":"success"\|"failed","msg":"…","data":personId}` | person/update, person/deregisterPerson |
//! | bytes | `application/octet-stream` | file/serveFile |
//!
//! Refusals follow the envelope of the endpoint:
//!
//! - **Bare endpoints** (and serveFile): HTTP 400 with
//!   `{"stateCode":"400","errorMessage":"…","result":null}`.
//! - **B endpoints**: HTTP 200 with `{"stateCode":"1","errorMessage":"…","result":null}`.
//! - **C endpoints**: HTTP 200 with `"status":"failed"`. A batch over its
//!   limit is refused whole: `{"status":"failed","msg":"…","data":null,"success":0,"failed":<items sent>}`.
//!   Otherwise every item is tried and reported in `data` as
//!   `{"personCode"|"orgNo":…, "personId"|"orgId":id|null, "status":"success"|"failed", "msg":"…"}`;
//!   the top-level `status` is `"success"` only when no item failed.
//! - **A body that is not JSON**, on any endpoint: HTTP 400 with Spring
//!   Boot's error body `{"timestamp","status":400,"error":"Bad Request","message","path"}`.
//!   An empty body counts as `{}`.
//!
//! Request bodies are read as Jackson would bind them: numbers may come as
//! strings, a lone value counts as a one-element list, and `null`, `""` and
//! `[]` count as absent.
//!
//! # Persons
//!
//! The workforce is the sandbox [`Dataset`](crate::Dataset): `personId` is
//! [`Person::isdp_person_id`](crate::Person::isdp_person_id), `personCode`
//! the job number, `adminOrgId` the department's ISDP id. Departed people
//! are `Cancel`; a few others are `Freeze`, `NoAccountOpened` or
//! `OpeningAccount`; nearly everyone is an `Employee` (person 0 is the
//! `Admin`). Each person holds a position of their department (most do) and
//! one or two of ten roles.
//!
//! `POST /openapi/v1/person/getPersonList` takes `page{start,count}`
//! (defaults 0 and 200; `count` over 200 is refused) and every filter of
//! the vendor's table, combined with AND:
//!
//! | filter | matches |
//! |---|---|
//! | `idList`, `personCodeList`, `personNameList` | exactly (`idList` at most 200 ids) |
//! | `personCode`, `personName` | as a substring |
//! | `personStatus`, `personType` | one of the `;`-separated codes |
//! | `orgIdList` (at most 200), `orgNoList` | the person's organisation; with `orgIncludeChild: true`, or any below it |
//! | `orgName` | one name: a prefix of the organisation's name; `;`-separated names: exactly |
//! | `phone` | the full number, or a same-length pattern where `*` is any digit (`135******78`) |
//! | `roleIds` (or `roleId`, as in the vendor's example), `roleNo`, `roleName` (`;`-separated) | any role of the person |
//! | `positionIds`, `positionCode`, `positionName` (`;`-separated) | any position of the person |
//! | `isSmartDevice` | `Y`: only device accounts; `N`: none |
//! | `profilePictureStatus` | exactly |
//!
//! Items are ordered by `personId` and look exactly like the vendor's
//! example: `Org` with a capital O, **string** ids inside `positionInfo`
//! and `roleInfo`, the phone masked (`135******78`), `certificateNo` `null`
//! or masked, `lastUpdateDate` like `2023-08-11T14:23:09.000+08:00`, and
//! `udfExtend1`–`4` and `7`–`10` present (usually `null`).
//!
//! Writes change an in-memory overlay that every read sees:
//!
//! - `person/batchAdd` `{personList:[…]}` (at most 100): each needs
//!   `personCode` (unique), `personName`, `personType`, `phone`, and
//!   `adminOrgId` or `orgNo`; optional `personStatus` (default
//!   `OpenAccount`), `roleNo`/`positionCode` (comma-separated) or
//!   `roleIds`/`positionIds`, `certificateType`, `certificateNo`,
//!   `isSmartDevice`, `integrationAccount`, `udfExtend*`. New persons get
//!   `personId`s from 7,000,001, so they list after the dataset.
//! - `person/update` needs `personId`, `personCode`, `personName`,
//!   `personType`, `phone`, `personStatus` and `adminOrgId`.
//! - `person/batchUpdatePerson` `{personList:[…]}` (at most 100): each
//!   names its person by `personId` or `personCode` and changes the fields
//!   it carries.
//! - `person/deregisterPerson` `{personCode}` and
//!   `person/batchDeregisterPerson` `{personList:["code",…]}` (at most
//!   100) set `personStatus` to `Cancel`; the person stays listed.
//!
//! # Export
//!
//! `POST /openapi/v1/person/exportPersonModel` takes the getPersonList
//! filters plus `exportName` and `createdBy`, and answers the bare task
//! object of the vendor's example (`taskId` a number from 5047646,
//! `status` 0, `progressRate` `"0"`, `docId` null, `param` the request as a
//! JSON string). Each `POST /openapi/v1/excelRecord/findPageExcelRecordModelListById`
//! `{po:{taskId:[…], status, taskType, fileName}, page:{start,count}}`
//! that names a task moves it on by one poll; every
//! [`export_polls_per_step`](crate::IsdpConfig::export_polls_per_step)
//! polls it takes a step: 0 (`"0"`) → 1 processing (`"50"`, `startTime`
//! set) → 2 done (`"100"`, `endTime`, `docId` a numeric string, `fileSize`,
//! `records` = `totalRows` = `successRows`). An export named
//! [`FAILING_EXPORT_NAME`] goes 0 → 1 → 3 (failed) with `errInfo` instead.
//!
//! `POST /openapi/v1/file/serveFile` `{fileId}` (the `docId`, as a number
//! or a string) answers the file: CSV in UTF-8 with a BOM, CRLF line ends,
//! the header `人员ID,人员编码,人员名称,人员类型,人员状态,手机号码,组织编码,组织名称,岗位编码,角色编码,最后更新时间`
//! and one row per person matched, as the data stood when the task
//! finished. An unknown `fileId` is refused (HTTP 400, bare-endpoint form).
//!
//! # Organisations, roles, positions
//!
//! - `orgOpen/findPagedOrgListWithDirection` `{start,count,orgId|orgNo,orgName,direction}`:
//!   bare page of `{id,orgId,orgNo,value,orgName,orgLevel}` (`orgLevel` 1
//!   for the root). With an anchor organisation, `direction` `"down"`
//!   (default) lists it and everything below it in tree order, `"up"` it
//!   and its ancestors from the root down; `orgName` filters by substring.
//! - `organization/findPagedOrgList` `{orgCode (exact), orgName (substring), start, count}`:
//!   envelope B; items `{orgId,orgCode,orgName,parentOrgId,parentOrgCode,orgLevel}`.
//! - `role/findPagedRoleList` `{role:{roleId,roleNo,roleName (substring),roleType,status}, page}`:
//!   envelope B; items `{roleId (number),roleNo,roleName,roleType ("Business"|"System"),status ("Y"|"N"),description,tenantId}`.
//! - `position/findPagedPosition` `{start,count,positionName (substring),positionCode,orgId}`:
//!   bare page; items `{positionId` (a **number** here, unlike in
//!   getPersonList)`,positionCode,positionName,orgId,orgName,orgNo,positionFactor,rolesList:[{roleId,roleNo,roleName}]}`.
//! - `orgOpen/batchSaveOrgInfo` `{orgInfoList:[{orgNo,orgName,parentOrgNo}]}`
//!   (at most 20): creates an organisation, or renames/moves the one with
//!   that `orgNo`. `orgOpen/batchDelOrgInfo` `{orgNoList:[…]}` (or
//!   `orgInfoList:[{orgNo}]`, at most 20) deletes organisations without
//!   children. Both answer envelope C with `orgNo`/`orgId` items.
//!
//! All org, role and position queries cap `count` at 200 like getPersonList.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let sandbox = hr_sandbox::Sandbox::start(Default::default()).await?;
//! assert!(sandbox.isdp_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(hr_sandbox::isdp::PERSON_LIST_PATH, "/openapi/v1/person/getPersonList");
//! # Ok::<(), std::io::Error>(()) }).unwrap();
//! ```

mod export;
mod org;
mod params;
mod people;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use crate::state::Context;

/// Token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/oauth/rest_token";
/// Person query, offset-paged.
pub const PERSON_LIST_PATH: &str = "/openapi/v1/person/getPersonList";
/// Person export: creates a task.
pub const EXPORT_PATH: &str = "/openapi/v1/person/exportPersonModel";
/// Export task poll.
pub const EXPORT_POLL_PATH: &str = "/openapi/v1/excelRecord/findPageExcelRecordModelListById";
/// Export file download.
pub const SERVE_FILE_PATH: &str = "/openapi/v1/file/serveFile";
/// Person batch creation.
pub const PERSON_ADD_PATH: &str = "/openapi/v1/person/batchAdd";
/// Single person update.
pub const PERSON_UPDATE_PATH: &str = "/openapi/v1/person/update";
/// Person batch update.
pub const PERSON_BATCH_UPDATE_PATH: &str = "/openapi/v1/person/batchUpdatePerson";
/// Single person deregistration.
pub const PERSON_DEREGISTER_PATH: &str = "/openapi/v1/person/deregisterPerson";
/// Person batch deregistration.
pub const PERSON_BATCH_DEREGISTER_PATH: &str = "/openapi/v1/person/batchDeregisterPerson";
/// Organisation tree query, up or down from an organisation.
pub const ORG_DIRECTION_PATH: &str = "/openapi/v1/orgOpen/findPagedOrgListWithDirection";
/// Organisation list query (envelope B).
pub const ORG_LIST_PATH: &str = "/openapi/v1/organization/findPagedOrgList";
/// Organisation batch create or update.
pub const ORG_SAVE_PATH: &str = "/openapi/v1/orgOpen/batchSaveOrgInfo";
/// Organisation batch delete.
pub const ORG_DELETE_PATH: &str = "/openapi/v1/orgOpen/batchDelOrgInfo";
/// Role query (envelope B).
pub const ROLE_LIST_PATH: &str = "/openapi/v1/role/findPagedRoleList";
/// Position query.
pub const POSITION_LIST_PATH: &str = "/openapi/v1/position/findPagedPosition";

/// An `exportName` that makes the export task fail (status 3, `errInfo`
/// set), so that clients can test their failure path.
pub const FAILING_EXPORT_NAME: &str = "fail";
/// Largest `count` of a page, and the default one.
pub const MAX_PAGE_SIZE: usize = 200;
/// Most ids in `idList` or `orgIdList`.
pub const MAX_ID_LIST: usize = 200;
/// Most persons per batch write.
pub const MAX_BATCH: usize = 100;
/// Most organisations per batch save or delete.
pub const MAX_ORG_BATCH: usize = 20;

/// The `userId` of the OpenAPI application (`plat_user`), also the
/// `lastUpdatedBy` of every write. The vendor example's value.
const API_USER_ID: i64 = 36378;

/// SplitMix64, to derive ISDP-only fields from `(seed, index, salt)`.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn draw(seed: u64, index: u64, salt: u64) -> u64 {
    mix(mix(seed ^ mix(index)) ^ salt.wrapping_mul(0xA24B_AED4_963E_E407))
}

/// A draw as a number in `[0, 1)`.
fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// The ISDP simulator's state.
pub(crate) struct Isdp {
    ctx: Arc<Context>,
    catalog: org::Catalog,
    inner: Mutex<Inner>,
    /// API calls accepted, for `revoke_tokens_after`.
    api_calls: AtomicU64,
}

/// Everything the API changes, under one lock so that a write and the
/// reads it affects never interleave.
#[derive(Default)]
struct Inner {
    tokens: HashMap<String, IssuedToken>,
    tokens_issued: u64,
    people: people::Overlay,
    orgs: org::OrgOverlay,
    exports: export::Exports,
}

struct IssuedToken {
    epoch: u64,
    expires: Instant,
}

impl Isdp {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn people<'a>(&'a self, inner: &'a Inner) -> people::People<'a> {
        people::People {
            data: &self.ctx.data,
            catalog: &self.catalog,
            overlay: &inner.people,
        }
    }

    fn org_tree(&self) -> org::OrgTree {
        org::OrgTree::build(&self.ctx.data, &self.lock().orgs)
    }
}

/// Builds the ISDP+ routes.
pub(crate) fn router(ctx: Arc<Context>) -> Router {
    let isdp = Arc::new(Isdp {
        catalog: org::Catalog::new(&ctx.data),
        ctx,
        inner: Mutex::new(Inner::default()),
        api_calls: AtomicU64::new(0),
    });
    let api = Router::new()
        .route(PERSON_LIST_PATH, post(people::get_person_list))
        .route(PERSON_ADD_PATH, post(people::batch_add))
        .route(PERSON_UPDATE_PATH, post(people::update))
        .route(PERSON_BATCH_UPDATE_PATH, post(people::batch_update))
        .route(PERSON_DEREGISTER_PATH, post(people::deregister))
        .route(PERSON_BATCH_DEREGISTER_PATH, post(people::batch_deregister))
        .route(EXPORT_PATH, post(export::create))
        .route(EXPORT_POLL_PATH, post(export::poll))
        .route(SERVE_FILE_PATH, post(export::serve_file))
        .route(ORG_DIRECTION_PATH, post(org::find_with_direction))
        .route(ORG_LIST_PATH, post(org::find_paged_orgs))
        .route(ORG_SAVE_PATH, post(org::batch_save))
        .route(ORG_DELETE_PATH, post(org::batch_delete))
        .route(ROLE_LIST_PATH, post(org::find_paged_roles))
        .route(POSITION_LIST_PATH, post(org::find_paged_positions))
        .route_layer(from_fn_with_state(isdp.clone(), require_token));
    Router::new()
        .route(TOKEN_PATH, post(issue_token))
        .merge(api)
        .with_state(isdp)
}

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

async fn issue_token(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "the request body must be a JSON object",
            );
        }
    };
    let field = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default();
    let config = &isdp.ctx.config.isdp;
    if field("client_id") != config.client_id || field("client_secret") != config.client_secret {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Bad client credentials",
        );
    }
    if field("grant_type") != "password" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant type: {}", field("grant_type")),
        );
    }
    if field("username") != config.username || field("password") != config.password {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Bad credentials");
    }

    let now = Instant::now();
    let epoch = isdp.ctx.isdp_token_epoch.load(Ordering::SeqCst);
    let token = {
        let mut inner = isdp.lock();
        inner.tokens.retain(|_, t| t.expires > now);
        inner.tokens_issued += 1;
        let n = inner.tokens_issued;
        // Unique per sandbox, unpredictable enough to catch a client that
        // reuses a stale token by accident.
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let a = mix(isdp.ctx.config.data.seed ^ mix(n) ^ nanos);
        let b = mix(a ^ n);
        let token = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        );
        inner.tokens.insert(
            token.clone(),
            IssuedToken {
                epoch,
                expires: now + config.token_ttl,
            },
        );
        token
    };
    isdp.ctx.counters.incr("tokens_issued.isdp");
    axum::Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": config.token_ttl.as_secs().to_string(),
        "scope": "all",
        "plat_user": {
            "userId": API_USER_ID,
            "userAccount": config.username,
            "userName": "OpenAPI应用",
            "tenantId": isdp.ctx.data.tenant_id(),
            "userType": "App",
        },
    }))
    .into_response()
}

/// Why a call was refused.
enum Refusal {
    /// No bearer token at all.
    Missing,
    /// A token this server never issued.
    Unknown,
    /// A token that expired or was revoked.
    Expired,
}

impl Refusal {
    fn into_response(self) -> Response {
        const REALM: &str = "Bearer realm=\"oauth2-resource\"";
        let (content_type, body, error, description) = match self {
            Refusal::Missing => (
                "application/json",
                json!({
                    "error": "unauthorized",
                    "error_description": "Full authentication is required to access this resource",
                })
                .to_string(),
                "unauthorized",
                "Full authentication is required to access this resource",
            ),
            Refusal::Unknown => (
                "application/json",
                json!({"error": "invalid_token", "error_description": "check_token error"})
                    .to_string(),
                "invalid_token",
                "check_token error",
            ),
            Refusal::Expired => (
                "application/xml",
                "<InvalidTokenException><error>invalid_token</error><error_description>check_token error</error_description></InvalidTokenException>".to_owned(),
                "invalid_token",
                "check_token error",
            ),
        };
        let challenge = format!("{REALM}, error=\"{error}\", error_description=\"{description}\"");
        let mut response = (StatusCode::UNAUTHORIZED, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(v) = HeaderValue::from_str(&challenge) {
            headers.insert(header::WWW_AUTHENTICATE, v);
        }
        response
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl Isdp {
    fn check_token(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let token = bearer(headers).ok_or(Refusal::Missing)?;
        let epoch = self.ctx.isdp_token_epoch.load(Ordering::SeqCst);
        let inner = self.lock();
        let issued = inner.tokens.get(token).ok_or(Refusal::Unknown)?;
        if issued.epoch < epoch || Instant::now() >= issued.expires {
            return Err(Refusal::Expired);
        }
        Ok(())
    }

    /// Counts an accepted call and revokes every token on the `n`-th.
    fn count_call(&self) {
        let calls = self.api_calls.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(n) = self.ctx.config.isdp.revoke_tokens_after
            && n > 0
            && calls.is_multiple_of(n)
        {
            self.ctx.isdp_token_epoch.fetch_add(1, Ordering::SeqCst);
        }
    }
}

async fn require_token(State(isdp): State<Arc<Isdp>>, req: Request, next: Next) -> Response {
    match isdp.check_token(req.headers()) {
        Ok(()) => {
            isdp.count_call();
            next.run(req).await
        }
        Err(refusal) => {
            isdp.ctx.counters.incr("auth_rejected.isdp");
            refusal.into_response()
        }
    }
}

// ---------------------------------------------------------------------------
// Bodies and envelopes
// ---------------------------------------------------------------------------

/// A refusal decided before an endpoint's own logic runs.
enum Early {
    /// The body is not JSON: Spring Boot's own 400.
    Unparsable { path: &'static str, message: String },
    /// A batch write refused as a whole (envelope C).
    BatchRefused { msg: String, items: usize },
}

impl IntoResponse for Early {
    fn into_response(self) -> Response {
        match self {
            Early::Unparsable { path, message } => {
                let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3f+00:00");
                (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({
                        "timestamp": now.to_string(),
                        "status": 400,
                        "error": "Bad Request",
                        "message": message,
                        "path": path,
                    })),
                )
                    .into_response()
            }
            Early::BatchRefused { msg, items } => axum::Json(json!({
                "status": "failed",
                "msg": msg,
                "data": null,
                "success": 0,
                "failed": items,
            }))
            .into_response(),
        }
    }
}

/// The request body as JSON; an empty body counts as `{}`.
fn parse_body(body: &Bytes, path: &'static str) -> Result<Value, Early> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| Early::Unparsable {
        path,
        message: format!("JSON parse error: {e}"),
    })
}

/// How an endpoint wraps its answer and its refusals.
#[derive(Debug, Clone, Copy)]
enum Style {
    /// The value as is; refusals as HTTP 400 with a B-shaped body.
    Bare,
    /// Envelope B, refusals included, always HTTP 200.
    B,
}

impl Style {
    fn respond(self, outcome: params::Result<Value>) -> Response {
        match (self, outcome) {
            (Style::Bare, Ok(v)) => axum::Json(v).into_response(),
            (Style::Bare, Err(msg)) => (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"stateCode": "400", "errorMessage": msg, "result": null})),
            )
                .into_response(),
            (Style::B, Ok(v)) => {
                axum::Json(json!({"stateCode": "0", "errorMessage": null, "result": v}))
                    .into_response()
            }
            (Style::B, Err(msg)) => {
                axum::Json(json!({"stateCode": "1", "errorMessage": msg, "result": null}))
                    .into_response()
            }
        }
    }
}

/// A bare page.
fn page_json(data: Vec<Value>, start: usize, total: usize) -> Value {
    json!({
        "data": data,
        "pos": start,
        "total_count": total,
        "totalCount": total,
        "entityName": null,
    })
}

/// Envelope C for a batch whose items were each tried.
fn batch_response(results: Vec<Value>) -> Response {
    let failed = results
        .iter()
        .filter(|r| r["status"] != json!("success"))
        .count();
    let success = results.len() - failed;
    let (status, msg) = if failed == 0 {
        ("success", "success".to_owned())
    } else {
        ("failed", format!("{failed} of {} failed", results.len()))
    };
    axum::Json(json!({
        "status": status,
        "msg": msg,
        "data": results,
        "success": success,
        "failed": failed,
    }))
    .into_response()
}

/// Envelope C for a single write.
fn single_response(outcome: params::Result<Value>) -> Response {
    let body = match outcome {
        Ok(data) => json!({"status": "success", "msg": "success", "data": data}),
        Err(msg) => json!({"status": "failed", "msg": msg, "data": null}),
    };
    axum::Json(body).into_response()
}
