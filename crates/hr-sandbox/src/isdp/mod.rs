//! The Huawei ISDP+ OpenAPI simulator.
//!
//! Every route is `POST` with a JSON body. Every route but the token one
//! needs `Authorization: bearer <access_token>`.
//!
//! # Authentication
//!
//! `POST /oauth2/oauth/rest_token` with
//! `{client_id, client_secret, grant_type: "password", username, password}`
//! (see [`IsdpConfig`](crate::IsdpConfig)), where `client_id` and
//! `client_secret` are the configured pair (equal, as the current documents
//! set them) or both the older documents' fixed [`LEGACY_CLIENT`]
//! `isdp-saas-openapi`, answers
//!
//! ```json
//! {"access_token": "…", "token_type": "bearer", "expires_in": "359", "scope": "all",
//!  "plat_user": {"userId": 36378, "userAccount": "sandbox-app", "userName": "OpenAPI应用",
//!                "tenantId": 100001, "userType": "App"}}
//! ```
//!
//! `expires_in` is the lifetime in seconds
//! ([`token_ttl`](crate::IsdpConfig::token_ttl)): a **string** (`"359"`) as
//! in the vendor's reference, or, with
//! [`expires_in_as_string`](crate::IsdpConfig::expires_in_as_string)
//! `= false`, a number (`359`) as in its examples; clients must accept
//! both. Refusals use Spring Security OAuth2's bodies: wrong
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
//! The distinction is reliable: an expired or revoked token gets the XML
//! body however long ago it died and however many tokens were issued
//! since, and a token this sandbox never issued (made up, altered, or
//! issued by another sandbox or an earlier run) always gets the JSON one.
//! Tokens are opaque UUID-shaped strings; each one issued is new.
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
//! | bare page | `{"data":[…],"pos":start,"total_count":n,"totalCount":n,"entityName":null}` | getPersonList, findPersonByUserIdListPlainText, findPageExcelRecordModelListById, findPagedOrgListWithDirection, findPagedPosition |
//! | bare object | the task object | exportPersonModel, importData |
//! | B | `{"stateCode":"0","errorMessage":null,"result":<bare page>}` | organization/findPagedOrgList, role/findPagedRoleList |
//! | C (batch) | `{"status":"success"\|"failed","msg":"…","data":[item…],"success":n,"failed":m}` | batchAdd, batchUpdatePerson, batchDeregisterPerson, batchSaveOrgInfo, batchDelOrgInfo; batchUpdate when an item failed |
//! | C (bare) | `{"status":"success","msg":null,"data":null}` (the vendor's example) | batchUpdate when every item was written |
//! | C (single) | `{"status":"success"\|"failed","msg":"…","data":personId}` | person/update, person/deregisterPerson |
//! | bytes | `application/octet-stream` | file/serveFile |
//! | bytes | `.xlsx` (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`) | person/getTemplateExcel |
//!
//! Refusals follow the envelope of the endpoint:
//!
//! - **Bare endpoints** (and serveFile, getTemplateExcel): HTTP 400 with
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
//! # Concurrency
//!
//! Calls never wait for one another's heavy work. Token checks share no
//! state with data calls. Every read sees the data as of one moment, with
//! all of a concurrent write or none of it; writes are applied one after
//! another. A filtered getPersonList scans every person (about 2 µs each
//! in a release build, so 1–2 s over a million) on a blocking thread while
//! other calls go on; only with `idList`, or a `personCodeList` of at most
//! 200 codes, does it look at those persons alone. A scan's result is kept
//! for the next pages (for the four most recent filters) until any write,
//! keyed by the filter's meaning rather than the request's text (key
//! order, `roleId` for `roleIds`, or the order of `;`-separated values do
//! not matter), and concurrent requests for the same filter share one
//! scan. An unfiltered page costs a page whatever its `start`.
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
//! - `person/batchUpdate` (批量更新人员信息, api_01_0120) `{personList:[…]}`:
//!   each names its person by `personCode` (as stored) and needs
//!   `personName`, `personType`, `personStatus` and `orgNo`; optional
//!   `phone`, `roleNo` and `positionCode` (comma-separated, at most 5
//!   roles), `udfExtend*`. Answers the vendor's
//!   `{"status":"success","msg":null,"data":null}` when every person was
//!   updated, the item list of envelope C otherwise. No batch size is
//!   documented, and none is enforced.
//! - `person/batchUpdatePerson` (添加人员账号, "add person accounts",
//!   api_01_0402) `{personList:[…]}` (at most 100): each names its person
//!   by `personCode`, **to which the vendor appends `@hw`** before the
//!   lookup (`E1` changes the person coded `E1@hw`; a dataset person,
//!   coded by job number alone, is not found), or by `personId`; it sets
//!   the other fields it carries, and `openAccount: 1` opens the account
//!   (`personStatus` `OpenAccount`).
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
//! JSON string). The export covers the data **as it stood when the task
//! was created**: later writes do not change it.
//!
//! `POST /openapi/v1/excelRecord/findPageExcelRecordModelListById`
//! `{po:{taskId:[…], status, taskType, fileName}, page:{start,count}}`
//! lists the tasks named in `po.taskId` (every kept task when there is no
//! `taskId`), filtered by the other `po` fields. Only a task named in
//! `taskId` moves: each poll naming it counts, and every
//! [`export_polls_per_step`](crate::IsdpConfig::export_polls_per_step)
//! polls it takes a step: 0 (`"0"`) → 1 processing (`"50"`, `startTime`
//! set) → 2 done (`"100"`, `endTime`, `docId` a numeric string, `fileSize`,
//! `records` = `totalRows` = `successRows`). A poll without `taskId` moves
//! nothing. The poll that takes a task to 2 waits until the file's size is
//! known; the count starts when the task is created, so over a large
//! dataset only an immediate poll waits (up to a few seconds at a million
//! people). An export named [`FAILING_EXPORT_NAME`] goes 0 → 1 → 3
//! (failed) with `errInfo` instead.
//!
//! The sandbox keeps the newest
//! [`export_tasks_kept`](crate::IsdpConfig::export_tasks_kept) tasks
//! (default 100); older ones are no longer listed and their files are
//! unknown. Task ids never repeat.
//!
//! `POST /openapi/v1/file/serveFile` `{fileId}` (the `docId`, as a number
//! or a string) answers the file, as often as asked: CSV in UTF-8 with a
//! BOM, CRLF line ends, the header `人员ID,人员编码,人员名称,人员类型,人员状态,手机号码,组织编码,组织名称,岗位编码,角色编码,最后更新时间`
//! and one row per person matched, in `personId` order. `Content-Length`
//! is `fileSize`; the body is generated as it is sent, so a big file
//! arrives in a stream rather than all at once. An unknown `fileId`
//! (including a failed or unfinished task's) is refused (HTTP 400,
//! bare-endpoint form).
//!
//! # Import
//!
//! The reference gives only the request of these two; the rest follows the
//! export, whose task object and poll the import shares (the notes'
//! "status … 3 (or 4 on importData page) failed").
//!
//! `POST /openapi/v1/person/getTemplateExcel` `{fileName}` (required)
//! answers the import template: an `.xlsx` workbook (stored, uncompressed
//! ZIP entries) whose one worksheet holds the header row
//! [`IMPORT_TEMPLATE_COLUMNS`] (`人员编码*,人员名称*,人员类型*,人员状态,手机号码*,组织编码*,岗位编码,角色编码`),
//! as an attachment named `fileName` (`.xlsx` appended unless present).
//!
//! `POST /openapi/openFile/v1/person/importData`, `multipart/form-data`
//! with the parts `file` (required), `importName` and `createdBy`, at most
//! [`MAX_IMPORT_BYTES`], answers the bare task object: `taskType`
//! `"import"`, `taskName` the `importName` (default `personModel.import`),
//! `fileName` the uploaded file's name, `moduleName` `人员信息导入`,
//! `fileSize` the upload's size, `docId` null. A request that is not
//! multipart, is malformed, or lacks `file` gets Spring Boot's 400 body
//! (`"Current request is not a multipart request"`, `"Failed to parse
//! multipart servlet request"`, `"Required request part 'file' is not
//! present"`).
//!
//! The task is listed and moved by findPageExcelRecordModelListById like an
//! export (`po.taskType` `"import"` selects imports). **The persons are
//! written by the poll that takes the task to 2 (done)**, once: nothing
//! changes before. The file's first row names the columns: the template's
//! (with or without `*`), the export file's (`人员ID`, `组织名称` and
//! `最后更新时间` are ignored, so an export can be edited and imported
//! again), or the API's field names (`personCode`, `udfExtend1`, …). Each
//! later row whose `personCode` exists updates that person with its
//! non-empty cells, as `person/update` would; any other row adds a person
//! as `batchAdd` would (needing `personCode`, `personName`, `personType`,
//! `phone` and `orgNo`). A phone with `*` (an export's masked one) is
//! ignored. The done task counts `totalRows` (= `records`, the non-blank
//! rows), `blankRows` and `successRows`; when rows failed, `errInfo` says
//! which (`row 5 (N0002): organisation NoSuchOrg does not exist`, the first
//! ten). The file may be:
//!
//! - **CSV** (UTF-8, with or without a BOM; any content type), or
//! - an **`.xlsx`** workbook, its entries stored (as the template and
//!   [`write_workbook`] make it) or deflated (as Excel, WPS and LibreOffice
//!   save it, data descriptors included), whose first worksheet is read
//!   (shared and inline strings, numbers as written; a row left out of the
//!   file is a blank row).
//!
//! A workbook part that would inflate to more than 64 MiB is refused
//! without inflating the rest (a zip bomb), and so are other ZIP methods,
//! encrypted parts and parts whose CRC-32 does not match. Those, a file that
//! is neither (an `.xls`, binary data, a first row without `人员编码`), and
//! an `importName` of [`FAILING_EXPORT_NAME`], make the task fail:
//! 0 → 1 → **4** with `errInfo` saying why.
//!
//! # Persons in plain text
//!
//! `POST /openapi/v1/person/findPersonByUserIdListPlainText`
//! `{userIdList:[…]}` (required) answers a bare page of the persons of
//! those `userId`s, in the order asked, each once, unknown ids left out.
//! The reference (api_01_0113) lists the fields but shows no response, so
//! the envelope is getPersonList's. Items carry the reference's fields:
//! `personId`, `personGroupId`, `blackList`, `reason`,
//! `profilePictureStatus`, `profilePictureId` (a **number** here),
//! `personCode`, `lastName` (the name's first character), `firstName`
//! (the rest), `personName`, `qualificationCode`, `personType`,
//! `tenantId`, `description`, **`phone` in clear**, `adminOrgId`,
//! `orgName`, `customerId`/`customerName` (customers only),
//! `supplierId`/`supplierName` (suppliers only), `openAccount` (`"Y"` when
//! the status is `OpenAccount`, else `"N"`), `account` (the person code),
//! `headFileId` and `faceFileId` (null).
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
mod import;
mod org;
mod params;
mod people;
mod token;
mod workbook;

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use crate::state::Context;

/// Token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/oauth/rest_token";
/// The fixed `client_id` and `client_secret` of older ISDP documents
/// (newer ones set `client_secret` to the `client_id`). The token route
/// takes it from any client while
/// [`IsdpConfig::accept_legacy_client`](crate::IsdpConfig::accept_legacy_client)
/// is on (the default), besides the configured pair.
pub const LEGACY_CLIENT: &str = "isdp-saas-openapi";
/// Person query, offset-paged.
pub const PERSON_LIST_PATH: &str = "/openapi/v1/person/getPersonList";
/// Person export: creates a task.
pub const EXPORT_PATH: &str = "/openapi/v1/person/exportPersonModel";
/// Export task poll.
pub const EXPORT_POLL_PATH: &str = "/openapi/v1/excelRecord/findPageExcelRecordModelListById";
/// Export file download.
pub const SERVE_FILE_PATH: &str = "/openapi/v1/file/serveFile";
/// Person import: a multipart upload that creates a task.
pub const IMPORT_PATH: &str = "/openapi/openFile/v1/person/importData";
/// The person import template, an `.xlsx` file.
pub const TEMPLATE_PATH: &str = "/openapi/v1/person/getTemplateExcel";
/// Persons by `userId`, phones in clear.
pub const PERSON_PLAIN_TEXT_PATH: &str = "/openapi/v1/person/findPersonByUserIdListPlainText";
/// Persons by `userId`, personal data masked (api_01_0112).
pub const PERSON_MASKED_PATH: &str = "/openapi/v1/person/findPersonByUserIdList";
/// One person by `personCode`, with e-mail and audit fields (api_01_0340).
pub const PERSON_MORE_INFO_PATH: &str = "/openapi/v1/person/findPersonMoreInfoByPersonCode";
/// Person batch creation.
pub const PERSON_ADD_PATH: &str = "/openapi/v1/person/batchAdd";
/// Single person update.
pub const PERSON_UPDATE_PATH: &str = "/openapi/v1/person/update";
/// Add person accounts (添加人员账号, api_01_0402): `person/batchUpdatePerson`,
/// which appends `@hw` to each `personCode`.
pub const PERSON_ADD_ACCOUNTS_PATH: &str = "/openapi/v1/person/batchUpdatePerson";
/// The old name of [`PERSON_ADD_ACCOUNTS_PATH`].
#[deprecated(
    note = "batchUpdatePerson adds person accounts: use PERSON_ADD_ACCOUNTS_PATH; the plain batch update is PERSON_BATCH_UPDATE_INFO_PATH"
)]
pub const PERSON_BATCH_UPDATE_PATH: &str = PERSON_ADD_ACCOUNTS_PATH;
/// Person batch update of organisation, roles and positions
/// (批量更新人员信息, api_01_0120).
pub const PERSON_BATCH_UPDATE_INFO_PATH: &str = "/openapi/v1/person/batchUpdate";
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
/// An upload to [`IMPORT_PATH`] may be this large (10 MiB).
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;
/// The columns of the import template ([`TEMPLATE_PATH`]), in order; `*`
/// marks those a new person needs.
pub const IMPORT_TEMPLATE_COLUMNS: [&str; 8] = import::TEMPLATE_COLUMNS;

/// An `.xlsx` workbook of one worksheet holding `rows` as text, in the
/// form [`TEMPLATE_PATH`] answers and [`IMPORT_PATH`] reads: a filled-in
/// template for tests of an import.
///
/// ```
/// use hr_sandbox::isdp::{IMPORT_TEMPLATE_COLUMNS, write_workbook};
/// let header = IMPORT_TEMPLATE_COLUMNS.map(String::from).to_vec();
/// let row = ["N1", "新员工", "Employee", "", "13900000001", "SaasTenant100001", "", ""]
///     .map(String::from)
///     .to_vec();
/// let file = write_workbook(&[header, row]);
/// assert!(file.starts_with(b"PK"));
/// ```
pub fn write_workbook(rows: &[Vec<String>]) -> Vec<u8> {
    workbook::write_xlsx(rows)
}

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
///
/// Nothing here is held across heavy work: token checks use no lock at
/// all ([`token::TokenMint`]), reads clone the current [`Snapshot`] under a
/// lock held for a pointer copy, scans and export files run on the blocking
/// pool against that snapshot, and writes hold the state lock only for
/// their (cheap) changes.
pub(crate) struct Isdp {
    ctx: Arc<Context>,
    catalog: org::Catalog,
    tokens: token::TokenMint,
    /// The data as of the last write. Writes go through [`Isdp::write`],
    /// which copies the snapshot first only when a reader still holds it.
    state: Mutex<Arc<Snapshot>>,
    /// Results of recent filtered person queries.
    queries: people::QueryCache,
    exports: Mutex<export::Exports>,
    /// API calls accepted, for `revoke_tokens_after`.
    api_calls: AtomicU64,
}

/// Everything the write APIs change, as of one moment. A reader keeps an
/// `Arc` of it for as long as it needs, so a write never waits for a read
/// and a read never sees half a write.
#[derive(Clone)]
pub(super) struct Snapshot {
    /// Bumped by every write, so that cached query results can tell they
    /// are stale.
    version: u64,
    people: people::Overlay,
    orgs: org::OrgOverlay,
    /// The merged organisation tree, rebuilt only when organisations
    /// change (building it is O(organisations)).
    tree: Arc<org::OrgTree>,
}

impl Isdp {
    /// The current snapshot.
    fn snapshot(&self) -> Arc<Snapshot> {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Runs a write against the current snapshot, serialised with every
    /// other write, and publishes the result.
    fn write<R>(&self, f: impl FnOnce(&mut Snapshot) -> R) -> R {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let snap = Arc::make_mut(&mut state);
        let out = f(snap);
        snap.version += 1;
        out
    }

    fn people<'a>(&'a self, snap: &'a Snapshot) -> people::People<'a> {
        people::People {
            data: &self.ctx.data,
            catalog: &self.catalog,
            overlay: &snap.people,
        }
    }
}

/// Builds the ISDP+ routes.
pub(crate) fn router(ctx: Arc<Context>) -> Router {
    let tree = Arc::new(org::OrgTree::build(&ctx.data, &org::OrgOverlay::default()));
    let isdp = Arc::new(Isdp {
        catalog: org::Catalog::new(&ctx.data),
        tokens: token::TokenMint::new(ctx.config.data.seed, ctx.clock.clone()),
        state: Mutex::new(Arc::new(Snapshot {
            version: 0,
            people: people::Overlay::default(),
            orgs: org::OrgOverlay::default(),
            tree,
        })),
        queries: people::QueryCache::default(),
        exports: Mutex::new(export::Exports::default()),
        api_calls: AtomicU64::new(0),
        ctx,
    });
    let api = Router::new()
        .route(PERSON_LIST_PATH, post(people::get_person_list))
        .route(PERSON_ADD_PATH, post(people::batch_add))
        .route(PERSON_UPDATE_PATH, post(people::update))
        .route(PERSON_ADD_ACCOUNTS_PATH, post(people::batch_update))
        .route(
            PERSON_BATCH_UPDATE_INFO_PATH,
            post(people::batch_update_info),
        )
        .route(PERSON_DEREGISTER_PATH, post(people::deregister))
        .route(PERSON_BATCH_DEREGISTER_PATH, post(people::batch_deregister))
        .route(EXPORT_PATH, post(export::create))
        .route(EXPORT_POLL_PATH, post(export::poll))
        .route(SERVE_FILE_PATH, post(export::serve_file))
        .route(
            IMPORT_PATH,
            post(import::import_data).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route(TEMPLATE_PATH, post(import::get_template_excel))
        .route(PERSON_PLAIN_TEXT_PATH, post(people::find_by_user_ids))
        .route(PERSON_MASKED_PATH, post(people::find_by_user_ids_masked))
        .route(PERSON_MORE_INFO_PATH, post(people::find_more_info_by_code))
        .route(ORG_DIRECTION_PATH, post(org::find_with_direction))
        .route(ORG_LIST_PATH, post(org::find_paged_orgs))
        .route(ORG_SAVE_PATH, post(org::batch_save))
        .route(ORG_DELETE_PATH, post(org::batch_delete))
        .route(ROLE_LIST_PATH, post(org::find_paged_roles))
        .route(POSITION_LIST_PATH, post(org::find_paged_positions))
        .route_layer(from_fn_with_state(isdp.clone(), token::require_token));
    Router::new()
        .route(TOKEN_PATH, post(token::issue_token))
        .merge(api)
        .with_state(isdp)
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
