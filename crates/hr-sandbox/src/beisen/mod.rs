//! The Beisen iTalent (北森) simulator.
//!
//! Serves the token endpoints and a set of v5 (组织员工), attendance
//! (假勤) and recruiting (招聘) endpoints over a [`Dataset`](crate::Dataset),
//! with the vendor's quirks: three envelope styles, `code` as a string here
//! and an integer there, business errors as HTTP 200 with `code "417"`, a
//! 90-day window limit, scroll ids that change every page and die after
//! [`scroll_idle`] and then answer *empty data with code "200"*, an
//! `isLastData` that lies by default, a gateway that checks the token
//! before the route, and per-route rate limits.
//!
//! Everything here is written so a client can be built against it; where the
//! vendor's documents are silent or contradict themselves, the choice made is
//! stated, and where the vendor's sources disagree a
//! [`BeisenConfig`](crate::BeisenConfig) option picks the variant, so a
//! client can be tested against each.
//!
//! [`scroll_idle`]: crate::BeisenConfig::scroll_idle
//!
//! # Tokens
//!
//! **`POST /token`**, JSON (the flow of the vendor's template and of the PHP
//! SDK):
//!
//! ```text
//! → {"grant_type":"client_credentials","app_key":"…","app_secret":"…"}
//! → {"grant_type":"refresh_token","refresh_token":"…"}            (app_key optional, checked if sent)
//! ← 200 {"access_token":"…","token_type":"bearer","expires_in":7200,"refresh_token":"…"}
//! ```
//!
//! `expires_in` is [`token_ttl`](crate::BeisenConfig::token_ttl) in whole
//! seconds. A refresh token works once, for 30 days, and dies with
//! revocation; the old access token stays valid until it expires.
//!
//! **`POST /OAuth/Token`**, `application/x-www-form-urlencoded` (the flow the
//! vendor's reference documents):
//!
//! ```text
//! → tenant_id=100001&secret=…&grant_type=client_credentials&app_id=…   (app_id optional, checked if sent)
//! ← 200 {"access_token":"…","expires_in":"1735700000","tenant_id":"100001","user_id":"0"}
//! ```
//!
//! `access_token`, `tenant_id` and `user_id` are **strings**, as in the
//! vendor's demo. `expires_in` follows
//! [`oauth_expires_in`](crate::BeisenConfig::oauth_expires_in), since the
//! vendor's reference table ("long, seconds, 8400000") and its demo
//! (`"1479202744"`) disagree and clients must cope with both:
//!
//! | [`OAuthExpiresIn`] | `expires_in` |
//! |---|---|
//! | `EpochString` (default) | the **Unix time of expiry** as a string: `"1735700000"` |
//! | `Seconds` | the lifetime in seconds as an integer: `7200` |
//!
//! Errors of both, with the header `X-RateLimit-Limit-second: 400`:
//!
//! | status | body | when |
//! |---|---|---|
//! | 400 | `{"error":"invalid_tenantid"}` | `/OAuth/Token`: `tenant_id` missing or not the sandbox's (checked first) |
//! | 400 | `{"error":"unsupported_grant_type"}` | another `grant_type` |
//! | 400 | `{"error":"invalid_request"}` | wrong content type, or a field missing |
//! | 401 | `{"error":"invalid_client"}` | wrong key, secret or `app_id` |
//! | 400 | `{"error":"invalid_grant"}` | refresh token unknown, used, expired or revoked |
//!
//! Each token issued counts `tokens_issued.beisen`. Expired, revoked and
//! spent grants are forgotten as the table grows (and at least every
//! minute while tokens are issued), so a long-running sandbox holds only
//! live ones.
//!
//! # The gateway
//!
//! Every other route (and every unknown path, since the real gateway checks
//! the token before it routes) first checks `Authorization: Bearer <token>`:
//!
//! | status | body | when |
//! |---|---|---|
//! | 400 | `{"message":"Authorization header is empty"}` | no header, or a blank one |
//! | 401 | `{"message":"un-authorized"}` | not `Bearer`, unknown, expired or revoked token |
//! | 429 | `{"code":"429","message":"接口调用超过限频次数,请稍后重试"}` | rate limit; no `Retry-After` |
//! | 404 | `{"message":"The resource cannot be found."}` | valid token, unknown path |
//!
//! Refusals count `auth_rejected.beisen` and `rate_limited.beisen`.
//!
//! **Revocation.** A token dies when
//! [`Sandbox::revoke_tokens`](crate::Sandbox::revoke_tokens) moves
//! `beisen_token_epoch` past the epoch it was issued in; with
//! [`revoke_tokens_after`](crate::BeisenConfig::revoke_tokens_after)
//! `Some(n)`, the epoch moves by itself after every `n`-th authenticated
//! call (that call still succeeds), as tokens die early in production.
//!
//! **Rate limits** are per route (the vendor counts "per tenant per API"),
//! in any sliding 1-second and 60-second span, measured on the sandbox's
//! [`Clock`](crate::Clock), at the documented limits of the route's group
//! ([`rate_limits`](crate::BeisenConfig::rate_limits), see
//! [`BeisenRateLimits`]): every `…ByTimeWindow` route 100/s and 3,000/min
//! (seed 003), `/RecruitV6/` 20/s and 1,000/min, `DataSource` 30/s and
//! 1,000/min, every other route 50/s and 1,500/min. A non-zero
//! [`rate_per_second`](crate::BeisenConfig::rate_per_second) or
//! [`rate_per_minute`](crate::BeisenConfig::rate_per_minute) replaces that
//! limit on every route; a group limit of 0 disables it. Only accepted
//! calls use up the allowance. A route is limited when it is in
//! [`paths::LIMITED`].
//!
//! Business endpoints want `Content-Type: application/json`; anything else
//! is answered `415` as ASP.NET does. Request keys match ignoring case and
//! numbers may be sent as strings (`"timeWindowQueryType":"2"`). Every
//! response of the simulator's routes carries an `X-PAAS-Request-ID`.
//!
//! # v5 time-window scrolls
//!
//! `POST /TenantBaseExternal/api/v5/{Employee/GetByTimeWindow,
//! Employee/GetListByTimeWindow, Organization/GetByTimeWindow,
//! Position/GetByTimeWindow, JobPost/GetByTimeWindow}`:
//!
//! ```text
//! → {"startTime":"2024-01-01T00:00:00","stopTime":"2024-03-31","timeWindowQueryType":1,
//!    "scrollId":"","capacity":300, …filters}
//! ← {"scrollId":"DXF1ZXJ5QW5kRmV0Y2gB…","isLastData":false,"total":1234,"data":[…],"code":"200","message":null}
//! ```
//!
//! - **Window.** `startTime` and `stopTime` are required, as
//!   `2021-01-01T00:00:00`, `2021-01-01 00:00:00` or `2021-01-01`
//!   (midnight), civil China Standard Time. A record is in the window when
//!   **`startTime <= t < stopTime`**: start inclusive, stop exclusive, so
//!   consecutive windows `[a, b)`, `[b, c)` neither miss nor repeat a record.
//!   `stopTime - startTime` may be at most 90 days (exactly 90 is fine).
//! - `timeWindowQueryType`: `1` (default when absent, as clients omit it)
//!   selects by `modifiedTime`, `2` by `businessModifiedTime`.
//! - `capacity`: default 100, at most 300.
//! - `columns` (PascalCase, e.g. `["Name","OIdDepartment"]`): only the named
//!   fields get values; **every other field is still present, as null**
//!   (key fields `userID`, `oId`, `objectId`, `translateProperties` and
//!   undocumented extras excepted). Custom properties not named are dropped.
//! - `enableTranslate: true` fills `translateProperties` (`{"GenderText":"男",…}`);
//!   otherwise it is `null`, as since the vendor retired the feature.
//! - `sort`: `{"Field": direction, …}`, direction `0` (no sort: the key is
//!   skipped), `1` ascending, `2` (or `-1`) descending (numbers or numeric
//!   strings); several keys sort in **request order**; ties, and a missing
//!   or `{}` `sort`, fall back to the default order (`userID` ascending for
//!   people, `orderAdmin` for departments, `oId` otherwise), so the pages of
//!   a scroll are deterministic. Field names ignore case (`Name`, `name`,
//!   `EntryDate`, `OIdDepartment`…). Employees sort by any field seed 003
//!   documents in `employeeInfo` or `recordInfo` (its response example, the
//!   two maps excepted; a name in both is read from `employeeInfo`); other
//!   objects by any scalar field their records carry. Values order as
//!   Elasticsearch orders them: numbers numerically, text and dates as text,
//!   records without the value last in either direction. Any other field is
//!   a `417` `"暂不支持的排序字段:Nope"`, another direction or a non-object
//!   `sort` a `417` `"sort参数不正确"`.
//! - `extQueries`: `[{"fieldName","queryType","values"}, …]`, all conditions
//!   must hold (and); a condition without members (`[{}]`, as one
//!   production client sends every day) is ignored. `queryType` (a number,
//!   a numeric string, or the schema's name such as `"GreaterThan"`):
//!   **`1` >, `2` >=, `3` <, `4` <=** with exactly one value; **`7`** a range
//!   with exactly two values, `includeLowerValue`/`includeUpperValue`
//!   (default true) including each end; **`5` (=)**: the property equals one
//!   of up to 300 `values`; **`6` (!=)**: it equals none of them (so a person
//!   without the property passes `!=`). A `null` or `""` value stands for
//!   "empty" in `5` and `6`: `5` with `[null]` selects people without the
//!   property (or with it null/empty), `6` with `[null]` those with a value.
//!   Comparisons order numbers numerically, date-times chronologically and
//!   anything else as text, and never pass an empty property. `fieldName`
//!   is matched exactly, case included ("严格区分大小写"); a field the tenant does not have is **dropped,
//!   not refused**, as the vendor documents ("会指定过滤掉不存在的自定义字段,
//!   而非校验提示"). Fields that exist: employees' `extCostCenter_100001_1`,
//!   `extWorkCity_100001_2`, `extShirtSize_100001_3`,
//!   `extProbationNote_100001_4` (in `employeeInfo.customProperties`) and
//!   `extContractType_{tenant}_9` (in `recordInfo.customProperties`);
//!   departments' `extsuoshugongsizhuti_{tenant}_16` (their legal entity,
//!   in `customProperties`); positions, job posts and the setting objects
//!   below have none, so their conditions are validated and dropped.
//!   `417`s: `queryType` 1–4 with other than one value →
//!   `"extQueries.values只能包含一个值"`, 7 with other than two →
//!   `"extQueries.values只能包含两个值"`, a null or empty bound →
//!   `"extQueries.values比较条件的值不能为空"`; another `queryType` →
//!   `"extQueries.queryType参数不正确"`; no `fieldName` →
//!   `"extQueries.fieldName不能为空"`; missing or empty `values` →
//!   `"extQueries.values至少包含一个元素"`; more than 300 →
//!   `"extQueries.values最多支持300个值"`; not an array of objects →
//!   `"extQueries参数格式不正确"`.
//!
//! Employee filters (both employee endpoints), as the vendor's table says:
//!
//! | `empStatus` | `withDisabled` | selects |
//! |---|---|---|
//! | non-empty | any | those statuses |
//! | null or `[]` | false (default) | 2, 3, 7 (试用、正式、返聘) |
//! | null or `[]` | true | all statuses |
//!
//! `employType` defaults to `[0]` (internal), `serviceType` to `[0]` (main
//! job), `isWithDeleted` to false. `approvalStatuses` defaults (null or
//! `[]`) to **`[4]`, effective only** ("默认查询未删除、审批生效的员工信息");
//! any of 0–6 (草稿、审批中、审批通过、审批拒绝、审批生效、作废、已驳回) may
//! be sent and is filtered on, other values are a `417`. Generated records
//! are effective (4) or, for about 2%, approved but not yet effective (2),
//! so those 2% appear only with an explicit `approvalStatuses` naming 2.
//! `isGetLatestRecord` is accepted and has no effect (records have a single
//! timeline).
//!
//! Organisations, positions and job posts list only enabled (`status` 1)
//! records unless `withDisabled`, and only undeleted ones unless
//! `isWithDeleted`.
//!
//! **Scroll ids.** A call without `scrollId` (or with `""`) opens a scroll:
//! the whole result is computed, the first page returned with an id and
//! the `total`. **Every page, the end page included, comes with a new id**
//! (base64 like the vendor's, `DXF1ZXJ5QW5kRmV0Y2gB…`); send the id of the
//! latest response to get the next page. Only the latest id of a scroll is
//! valid: re-sending an older one (going back, or retrying a call whose
//! response was lost) is a `417` **`"scrollId无效或已过期"`** and does not
//! move the scroll. Continuations serve the query the scroll was opened
//! with, though every call's body is validated. After the last page with
//! records, the next call returns `"data":[]` (and `total`), which is the
//! end condition to rely on; calls with that end page's id keep returning
//! it, with the same id.
//!
//! **`isLastData`** is true on the last batch by default, as seed 003
//! documents it ("true表明后面没数据了") and its do-while sample relies on;
//! [`is_last_data`](crate::BeisenConfig::is_last_data) can make it lie, for
//! clients that should not trust it:
//!
//! | [`IsLastData`] | `isLastData` is true on |
//! |---|---|
//! | `Exact` (default) | the last page with records, and the empty end page |
//! | `Early` (adversarial) | the page *before* the last page with records, and every page after (a client stopping on it loses the last page) |
//! | `Never` (adversarial) | no page, not even the end page or a dead scroll's answer |
//!
//! A scroll dies when no call comes for
//! [`scroll_idle`](crate::BeisenConfig::scroll_idle) after the *end* of the
//! previous one (a call in progress never lets its scroll die; time is the
//! sandbox's [`Clock`](crate::Clock), so
//! [`Sandbox::advance_clock`](crate::Sandbox::advance_clock) idles every
//! scroll out at once), on
//! [`Sandbox::expire_scrolls`](crate::Sandbox::expire_scrolls), or when it is
//! evicted: opening a scroll while
//! [`max_live_scrolls`](crate::BeisenConfig::max_live_scrolls) are open
//! (default 500), or while open scrolls hold 256 MiB of matches, evicts the
//! least recently used one (counting `scrolls_evicted.beisen`). Any id of a
//! dead scroll, latest or not, then answers **`code "200"`, `"data":[]`,
//! `total` 0** (and `isLastData` true, except under `Never`) —
//! indistinguishable from the end except by the count — and counts
//! `scrolls_expired.beisen`. A well-formed id of another cluster
//! (such as the one in the vendor's request example) names a context this
//! sandbox does not hold, which Elasticsearch cannot tell from an expired
//! one, and is answered like a dead scroll. Anything that is not a scroll
//! id, an id of a page not served yet, or one opened on another endpoint,
//! is a `417` `"scrollId无效"`. A scroll holds at most 4 bytes per match, or one bit per
//! employee when it lists in `userID` order (125 KB for a million).
//!
//! Errors are HTTP 200 with the envelope and null data:
//! `{"scrollId":null,"isLastData":false,"total":0,"data":null,"code":"417","message":"…"}`,
//! e.g. `"只支持查询90天范围内的数据,请分段查询"` (window over 90 days; with
//! [`window_message_fullwidth_comma`](crate::BeisenConfig::window_message_fullwidth_comma)
//! the full-width `"只支持查询90天范围内的数据，请分段查询"` the issue tracker
//! quotes, so clients must not match the text exactly),
//! `"每批次数据量必须小于等于300"` (capacity), `"开始时间不能大于结束时间"`.
//!
//! **Records.** `Employee/GetByTimeWindow` items are
//! `{"originalId":null,"employeeInfo":{…},"recordInfo":{…}}` with every field
//! of the vendor's schema, in its order. `employeeInfo` carries ID number and
//! mobile in full, `customProperties` **without null keys** (about half the
//! people have `extProbationNote_100001_4` null, so the key is simply
//! missing for them), and the person's undocumented extra fields. In `recordInfo`, `employeeStatus` is a
//! **string** (`"3"`), `employType`/`serviceType`/`approvalStatus` are
//! integers, `oIdJobPost` a numeric string, `oIdJobPosition` a GUID, and the
//! grade key is spelled `oidJobGrade`.
//!
//! **Dates.** v5 date-times have no offset (China Standard Time) and no `Z`,
//! unlike the vendor's schema placeholder (`"2019-08-24T14:15:22Z"`). Dates
//! are midnight (`2021-06-01T00:00:00`). The audit times `modifiedTime` and
//! `businessModifiedTime` of employees carry **milliseconds for about 70%
//! of people**, written as .NET does with trailing zeros dropped
//! (`2024-03-05T10:11:12.347`, `….34`, `….3`), and whole seconds for the
//! rest; windows and `sort` use these exact times. Other objects' times
//! are whole seconds. Unset dates come **two ways**: .NET's
//! `0001-01-01T00:00:00` or null. `lastWorkDate` of people who have not
//! left is `0001-01-01T00:00:00` for about half of them and null for the
//! others; `probationActualStopDate` of people still on probation is
//! `0001-01-01T00:00:00`; `regularizationDate` of people not yet
//! regularised is null. `stopDate` of a current record is
//! `9999-12-31T00:00:00` (open-ended) for about 90% and
//! `0001-01-01T00:00:00` (unset) for the others: both mean "no end".
//! Which shape a person gets is fixed by the seed.
//!
//! `Employee/GetListByTimeWindow` items are
//! `{"originalId":null,"employeeInfo":{…},"recordInfos":[{…},…]}`: every
//! record of the employee whose `serviceType` is selected. About 8% of
//! people in a main job also hold a part-time record (`serviceType` 1,
//! `order` 1, another department), listed when `serviceType` includes 1.
//! The single-record endpoint prefers the main record.
//!
//! Organisation items: `name`, `shortName`, `code`, `oId` (int; root
//! `900` + tenant id), `level` (GUID), `status` (0/1), `pOIdOrgAdmin` (null
//! for the root), `pOIdOrgReserve2` (-2), `personInCharge` (user id or null),
//! `personInChargeDeputy` (`"id,id"` or null), `pOIdOrgAdmin_TreePath`
//! (`"900100001/1000001/1000005"`, root first, the department last),
//! `pOIdOrgAdmin_TreeLevel` (depth + 1), `pOIdOrgAdminNameTreePath` (组织全称:
//! the same chain as names, `"沙箱科技有限公司/北京分公司/北京研发部"`), dates,
//! audit fields, and `customProperties` with the legal entity's `OId` under
//! `extsuoshugongsizhuti_{tenant}_16` (所属公司主体, as a production tenant
//! names it). With `enableTranslate`, `translateProperties` adds
//! `PersonInChargeText` (the person's name, when there is one),
//! `POIdOrgAdminNameTreePathText` and `extsuoshugongsizhuti_{tenant}_16Text`
//! (the entity's name) to `StatusText`.
//! Position items: `oId` (GUID), `oIdJobPost`, `oIdOrganization`, levels…;
//! job-post items: `oId` (`"20000"`–`"20299"`), `name`, `code`, grades….
//! Their `oIdJobLevel`/`highestOIdJobLevel` are job-level GUIDs.
//!
//! # v5 setting objects
//!
//! `JobLevel/`, `JobGrade/`, `JobSequence/`, `EmploymentForm/`,
//! `EmpSubset/`, `CommonMetaObject/`, `Offer/` and `Contract/GetByTimeWindow` are scrolls with
//! every rule above (window, capacity, `columns`, `sort`, `withDisabled`,
//! `isWithDeleted`, `enableTranslate`, scroll ids). Items:
//!
//! | endpoint | items |
//! |---|---|
//! | `JobLevel` | `name` (`"P3 高级专员"`), `code` (`"P3"`), `oId` = `objectId` (GUID, what `oIdJobLevel` holds), `status`, `level` (rank), `oIdJobLevelType`, `startDate`, `stopDate`, `order`, `description`, `isCurrentRecord`, `customProperties`, `translateProperties`, audit; the retired `P0` is disabled |
//! | `JobGrade` | nine grades, `oId` = `objectId` (GUID, what `oidJobGrade` holds), `name`, `code`, `level`… |
//! | `JobSequence` | twelve sequences, `oId` `"3001"`–`"3012"` (what `oIdJobSequence` holds), `objectId` a GUID |
//! | `EmploymentForm` | 全职, 兼职, 劳务派遣, 实习, 退休返聘, 劳务外包: `oId` = `objectId` (GUID), `name`, `code` |
//! | `EmpSubset` | `metaObjectName` `"EmpEducation"` (required): one record per person, `userID`, `objectId`, `schoolName`, `major`, `educationLevel`… |
//! | `CommonMetaObject` | `metaObjectName` `"Corporation"` (required): `{"fields": {"OId", "Name", "Code", "Status", "StartDate", "StopDate", "extzuzhidaima_{tenant}_11" (统一社会信用代码), "extkaihuyinhang_{tenant}_12" (bank), "extyinhangzhanghao_{tenant}_13" (account), "extdianhua_{tenant}_14", "extdengjidizhi_{tenant}_15", audit…}}`, keys PascalCase; the head office and one branch per division |
//!
//! | `Offer` | one per person awaiting entry (status 1): `userID`, `objectId`, `entryDate`, `offerStatus`, `approvalStatus`… |
//! | `Contract` | one per person who entered, the current three-year term from `entryDate` (cut at `lastWorkDate`, `status` 0, for leavers): `userID`, `contractType`, `firstParty`/`firstPartyCode` (the department's legal entity), dates |
//!
//! Lookups served besides the scrolls: `Organization/GetOrganizationInfoByCodes`
//! and `GetSubOrganizationTrees` (module `org_codes`), the user-id lookups,
//! `GetServiceInfoByIds`, `GetJuniorById`, `GetSubOrganizations` (`lookup`),
//! the writes (`writes`), `DataSource/GetDataSource` (`data_source`), and
//! pending hires, departures in approval, onboarding records, external-id
//! mapping and positions or job posts by `oId` (`entry`).
//!
//! A missing `metaObjectName` is a `417` `"metaObjectName不能为空"`, an
//! unknown one `"暂不支持的元数据对象:Name"` (the sandbox's wording).
//!
//! # `Employee/GetEmployeeOfOrganization`
//!
//! ```text
//! → {"orgOId":1000003,"includeSubOrg":true,"queryDate":null,"scrollId":"","capacity":100, …filters}
//! ← the time-window envelope; items as Employee/GetByTimeWindow's
//! ```
//!
//! A scroll without a window: the people whose main record is in the
//! department (with `includeSubOrg`, or below it; disabled departments
//! only with `isWithDisable`), in `userID` order, filtered like the time
//! windows (`empStatus`/`withDisabled`, `employType`, `serviceType`,
//! `approvalStatuses`, `isWithDeleted`, `extQueries`, `sort`, `columns`).
//! `417`s: `"OrgOId不能为空且为正整数！"` (missing, not a positive integer),
//! `"IncludeSubOrg不能为空"` and `"QueryDate不能为空"` when the key is absent
//! (null is accepted: false, today). An `orgOId` the tree does not have
//! lists nobody.
//!
//! # v5 lookups
//!
//! Envelope `{"data":…,"code":"200","message":null}`; errors
//! `{"data":null,"code":"417","message":"…"}`.
//!
//! - `Employee/GetBasicInfoByIds` `{"oIds":[100000007,…]}` (user ids,
//!   ≤ 300, **integers only**: strings are a 417, as the vendor's PHP users
//!   found) → `data`: flat `employeeInfo` objects in request order; unknown
//!   ids skipped, deleted people skipped unless `isWithDeleted`. Missing
//!   `oIds` → `"Value cannot be null.\r\nParameter name: Argument name: Ids is null"`.
//! - `Employee/GetUserIDByEmail` `{"email":"…"}` → `data`: the user id as a
//!   **string** (`"100000007"`), or null. Matching is exact and e-mails are
//!   stored lower-case (the vendor says to send them lower-case), so a
//!   mixed-case address finds nobody; deleted people are not found.
//! - `Organization/GetByIds` `{"oIds":[…]}` (≤ 300 integers ≥ 0) → `data`:
//!   organisation items in request order, disabled ones included.
//!
//! # Data sources
//!
//! `POST /dataservice/api/DataSource/GetDataSource` (fxp/skillify
//! employees.md §8) names coded fields:
//!
//! ```text
//! → {"app":"TenantBase","metaObjectName":"TenantBase.EmploymentRecord",
//!    "listFilter":[{"dsName":"EmployeeStatus","fieldName":"EmployeeStatus","values":["3"]}]}
//! ← {"data":[{"key":"EmployeeStatus","fieldName":"EmployeeStatus","application":"TenantBase",
//!    "metaObjectName":"TenantBase.EmploymentRecord",
//!    "dataSourceResults":[{"text":"正式","value":"3","isActive":true}]}],"code":"200","message":null}
//! ```
//!
//! A filter's source is found by its `fieldName` among the fields of
//! `metaObjectName`, else by its `dsName`; the sandbox names each source
//! after its field (`EmployeeStatus`, `Place`, `EmploymentForm`,
//! `EmployType`, `ServiceType`, `ApprovalStatus` of
//! `TenantBase.EmploymentRecord`; `Nationality`, `IDType`, `Gender`,
//! `Nation`, `EducationLevel`, `MarryCategory`, `PoliticalStatus` of
//! `TenantBase.EmployeeInformation`), since the vendor does not publish its
//! names. Every code a generated record carries resolves, to the text
//! `enableTranslate` gives it; an unknown source answers no results.
//! `values` narrows, `isShowInactive` adds disabled options. Errors, HTTP
//! 200 with null data: `"000001"` a parameter missing, `"000002"` too long
//! (a name over 100 characters, over 1,000 values), `"1000024"` more than
//! 10 filters.
//!
//! # Attendance: cursor pages
//!
//! `POST /AttendanceOpen/api/v1/Vacation/GetVacationInfoByApprovalTime`:
//!
//! ```text
//! → {"approveStartDate":"2024-03-01","approveStopDate":"2024-03-01","approveStatus":1,
//!    "queryCursor":null,"pageSize":100}
//! ← {"code":"200","message":"","data":{"vacationList":[…],"total":57,"sortCursor":"…","isLastPage":false}}
//! ```
//!
//! One day per call: both dates must fall on the same day (the vendor's
//! warning; its example contradicts it), and the call lists the leave
//! requests approved that day. Send `data.sortCursor` back as `queryCursor`
//! for the next page; a cursor only continues the query (day and status)
//! that made it, and never expires. `pageSize` defaults to 100 and larger
//! values are served 100 at a time. Without `approveStatus` every status but
//! "in approval" (2) is listed; 1 通过, 3 不通过, 4 作废 occur. Items:
//! `vacationId` (GUID), `userID`, `oIdVacationType`, `vacationItemName`,
//! `vacationItemCode`, `documentType` (1 leave, 2 cancellation), `approveStatus`
//! (int), `isCancel` (`"0"`/`"1"`), `vacationDuration` (minutes, negative for
//! cancellations), `dayValueOfDuration`, `vacationDurationIncludeUnit`,
//! `vacationStartDateTime`/`vacationStopDateTime`/`approveCompleteDateTime`
//! (`2024-03-01 09:00:00`, space-separated), `halfDayStartOption`,
//! `halfDayStopOption`, `reason`, `createdTime`, `modifiedTime`.
//! Errors: HTTP 200 `{"code":"417","data":[],"message":"…"}`.
//!
//! # Recruiting: batches
//!
//! `POST /RecruitV6/api/v1/Apply/GetApplyListByModifiedTime`:
//!
//! ```text
//! → {"startTime":"2024-03-01T00:00:00","endTime":"2024-03-08T00:00:00","batchId":""}
//! ← {"data":{"total":2345,"nextBatchId":"DXF1ZXJ5…","isLastBatch":false,
//!    "items":[{"applyId":"…","applicantId":"…","jobId":"…"}]},"code":200,"message":""}
//! ```
//!
//! Note **`endTime`**, not `stopTime`, and **`code` as an integer**. The
//! window is `startTime <= t < endTime`, any length; 1000 items a batch.
//! Send `nextBatchId` back as `batchId`; the last batch has `isLastBatch`
//! true and `nextBatchId` null. A batch id is bound to its window and never
//! expires. Errors are HTTP 200 `{"data":null,"code":400,"message":"…"}`,
//! e.g. `"开始时间不能大于等于结束时间"`.

mod attendance;
mod auth;
mod b64;
mod data_source;
mod employee;
mod entry;
mod events;
mod json;
mod jsonc;
mod limit;
mod lookup;
mod meta;
mod org;
mod org_codes;
mod query;
mod recruit;
mod scroll;
mod trips;
mod v5;
mod writes;

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::post;
use serde_json::json;

use crate::state::Context;

pub use crate::config::{BeisenRateLimits, IsLastData, OAuthExpiresIn, RateLimit};

/// Paths of the simulated endpoints.
pub mod paths {
    /// Token, JSON flow (`client_credentials` and `refresh_token`).
    pub const TOKEN: &str = "/token";
    /// Token, form flow.
    pub const OAUTH_TOKEN: &str = "/OAuth/Token";
    /// Employees with one record each, by time window (scroll).
    pub const EMPLOYEE_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Employee/GetByTimeWindow";
    /// Employees with all their records, by time window (scroll).
    pub const EMPLOYEE_GET_LIST_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Employee/GetListByTimeWindow";
    /// Employee information by user ids.
    pub const EMPLOYEE_GET_BASIC_INFO_BY_IDS: &str =
        "/TenantBaseExternal/api/v5/Employee/GetBasicInfoByIds";
    /// User id by e-mail.
    pub const EMPLOYEE_GET_USER_ID_BY_EMAIL: &str =
        "/TenantBaseExternal/api/v5/Employee/GetUserIDByEmail";
    /// Departments by time window (scroll).
    pub const ORGANIZATION_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Organization/GetByTimeWindow";
    /// Departments by `oId`.
    pub const ORGANIZATION_GET_BY_IDS: &str = "/TenantBaseExternal/api/v5/Organization/GetByIds";
    /// Positions (职位, GUID `oId`) by time window (scroll).
    pub const POSITION_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Position/GetByTimeWindow";
    /// Job posts (职务, numeric-string `oId`) by time window (scroll).
    pub const JOB_POST_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/JobPost/GetByTimeWindow";
    /// Job levels (职级, GUID `oId`) by time window (scroll).
    pub const JOB_LEVEL_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/JobLevel/GetByTimeWindow";
    /// Job grades (职等, GUID `oId`) by time window (scroll).
    pub const JOB_GRADE_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/JobGrade/GetByTimeWindow";
    /// Job sequences (职务序列, numeric-string `oId`) by time window (scroll).
    pub const JOB_SEQUENCE_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/JobSequence/GetByTimeWindow";
    /// Employment forms (用工形式, GUID `oId`) by time window (scroll).
    pub const EMPLOYMENT_FORM_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/EmploymentForm/GetByTimeWindow";
    /// Employee subset records (员工子集, `metaObjectName`) by time window (scroll).
    pub const EMP_SUBSET_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/EmpSubset/GetByTimeWindow";
    /// Metadata objects (`metaObjectName: "Corporation"`) by time window (scroll).
    pub const COMMON_META_OBJECT_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/CommonMetaObject/GetByTimeWindow";
    /// Offers of people awaiting entry by time window (scroll).
    pub const OFFER_GET_BY_TIME_WINDOW: &str = "/TenantBaseExternal/api/v5/Offer/GetByTimeWindow";
    /// Labour contracts by time window (scroll).
    pub const CONTRACT_GET_BY_TIME_WINDOW: &str =
        "/TenantBaseExternal/api/v5/Contract/GetByTimeWindow";
    /// The people of a department (and its sub-departments), as a scroll.
    pub const EMPLOYEE_GET_EMPLOYEE_OF_ORGANIZATION: &str =
        "/TenantBaseExternal/api/v5/Employee/GetEmployeeOfOrganization";
    /// Leave requests by approval day (cursor pages).
    pub const VACATION_GET_BY_APPROVAL_TIME: &str =
        "/AttendanceOpen/api/v1/Vacation/GetVacationInfoByApprovalTime";
    /// Leave requests by the day they start (cursor pages).
    pub const VACATION_GET_LIST_BY_DATE: &str = "/AttendanceOpen/api/v1/Vacation/GetListByDate";
    /// Leave balances of one leave type (cursor pages).
    pub const VACATION_REMAIN_GET_LIST: &str =
        "/AttendanceOpen/api/v1/VacationRemain/GetVacationRemainList";
    /// Approved business trips (`PageIndex` pages, PascalCase envelope).
    pub const BUSINESS_APPROVED_LIST: &str =
        "/AttendanceOpen/api/v1/Business/GetApprovalCompletedBusinessList";
    /// Approved outward trips (`PageIndex` pages, PascalCase envelope).
    pub const OUTWARD_APPROVED_LIST: &str =
        "/AttendanceOpen/api/v1/Outward/GetApprovalCompletedOutwardList";
    /// Receives business trips (asynchronous: `X-PAAS-Request-ID`).
    pub const BUSINESS_PUSH: &str = "/AttendanceOpen/api/v1/Business";
    /// Removes pushed business trips (asynchronous).
    pub const BUSINESS_REMOVE: &str = "/AttendanceOpen/api/v1/Business/Remove";
    /// The state of an asynchronous write (`GET ?requestId=`).
    pub const ASYNC_JOB_STATE: &str = "/OpenPlatform/api/AsyncApiExecInfo/GetByRequestId";
    /// Job applications by modification time (batches).
    pub const APPLY_GET_BY_MODIFIED_TIME: &str =
        "/RecruitV6/api/v1/Apply/GetApplyListByModifiedTime";
    /// User ids by job number, ≤ 30 a call, per-item results.
    pub const EMPLOYEE_GET_USER_IDS_BY_JOB_NUMBERS: &str =
        "/TenantBaseExternal/api/v5/Employee/GetUserIDsByJobNumbers";
    /// User ids by mobile number, ≤ 30 a call, per-item results.
    pub const EMPLOYEE_GET_USER_IDS_BY_MOBILES: &str =
        "/TenantBaseExternal/api/v5/Employee/GetUserIDsByMobilesV5";
    /// Employment records by user ids (`option` 0, 1 or 2).
    pub const EMPLOYEE_GET_SERVICE_INFO_BY_IDS: &str =
        "/TenantBaseExternal/api/v5/Employee/GetServiceInfoByIds";
    /// A manager's direct reports.
    pub const EMPLOYEE_GET_JUNIOR_BY_ID: &str = "/TenantBaseExternal/api/v5/Employee/GetJuniorById";
    /// The departments below a department.
    pub const ORGANIZATION_GET_SUB_ORGANIZATIONS: &str =
        "/TenantBaseExternal/api/v5/Organization/GetSubOrganizations";
    /// Departments by code (≤ 300), as of `activeDate`.
    pub const ORGANIZATION_GET_ORGANIZATION_INFO_BY_CODES: &str =
        "/TenantBaseExternal/api/v5/Organization/GetOrganizationInfoByCodes";
    /// The branches below several departments, as trees.
    pub const ORGANIZATION_GET_SUB_ORGANIZATION_TREES: &str =
        "/TenantBaseExternal/api/v5/Organization/GetSubOrganizationTrees";
    /// Creates an employee in service.
    pub const EMPLOYEE_CREATE: &str = "/TenantBaseExternal/api/v5/Employee/Create";
    /// Transfers an employee (refuses identical parameters within 3 s).
    pub const EMPLOYEE_TRANSFER: &str = "/TenantBaseExternal/api/v5/Employee/Transfer";
    /// An employee leaves (refuses identical parameters within 3 s).
    pub const EMPLOYEE_DIMISSION: &str = "/TenantBaseExternal/api/v5/Employee/Dimission";

    /// Departures (and other changes) still in approval, as a scroll.
    pub const EMPLOYEE_GET_LIST_BY_BUSINESS_TYPE: &str =
        "/TenantBaseExternal/api/v5/Employee/GetListByBussinessType";
    /// Creates a pending hire (待入职).
    pub const EMPLOYEE_CREATE_FOR_ENTRY: &str =
        "/TenantBaseExternal/api/v5/Employee/CreateForEntry";
    /// A pending hire enters.
    pub const EMPLOYEE_ENTRY: &str = "/TenantBaseExternal/api/v5/Employee/Entry";
    /// Sets the external id of a person or department.
    pub const SOURCE_ID_MAPPING_UPDATE_ORIGINAL_ID_BY_TARGET_ID: &str =
        "/TenantBaseExternal/api/v5/SourceIdMapping/UpdateOriginalIdByTargetId";
    /// Onboarding records of pending hires (a bare array of ids).
    pub const RECRUIT_ON_BOARDING_GET_STAFF_INFOS: &str =
        "/RecruitV6/api/v1/RecruitOnBoarding/GetStaffInfos";
    /// Positions by `oId`.
    pub const POSITION_GET_BY_OIDS: &str = "/TenantBaseExternal/api/v5/Position/GetByOIds";
    /// Job posts by `oId`.
    pub const JOB_POST_GET_BY_OIDS: &str = "/TenantBaseExternal/api/v5/JobPost/GetByOIds";

    /// Options (value ↔ text) of the data sources behind coded fields.
    pub const DATA_SOURCE_GET_DATA_SOURCE: &str = "/dataservice/api/DataSource/GetDataSource";

    /// Every route behind the gateway, each rate-limited on its own.
    pub const LIMITED: &[&str] = &[
        DATA_SOURCE_GET_DATA_SOURCE,
        EMPLOYEE_GET_BY_TIME_WINDOW,
        EMPLOYEE_GET_LIST_BY_TIME_WINDOW,
        EMPLOYEE_GET_BASIC_INFO_BY_IDS,
        EMPLOYEE_GET_USER_ID_BY_EMAIL,
        ORGANIZATION_GET_BY_TIME_WINDOW,
        ORGANIZATION_GET_BY_IDS,
        POSITION_GET_BY_TIME_WINDOW,
        JOB_POST_GET_BY_TIME_WINDOW,
        JOB_LEVEL_GET_BY_TIME_WINDOW,
        JOB_GRADE_GET_BY_TIME_WINDOW,
        JOB_SEQUENCE_GET_BY_TIME_WINDOW,
        EMPLOYMENT_FORM_GET_BY_TIME_WINDOW,
        EMP_SUBSET_GET_BY_TIME_WINDOW,
        COMMON_META_OBJECT_GET_BY_TIME_WINDOW,
        OFFER_GET_BY_TIME_WINDOW,
        CONTRACT_GET_BY_TIME_WINDOW,
        EMPLOYEE_GET_EMPLOYEE_OF_ORGANIZATION,
        VACATION_GET_BY_APPROVAL_TIME,
        VACATION_GET_LIST_BY_DATE,
        VACATION_REMAIN_GET_LIST,
        BUSINESS_APPROVED_LIST,
        OUTWARD_APPROVED_LIST,
        BUSINESS_PUSH,
        BUSINESS_REMOVE,
        ASYNC_JOB_STATE,
        APPLY_GET_BY_MODIFIED_TIME,
        EMPLOYEE_GET_USER_IDS_BY_JOB_NUMBERS,
        EMPLOYEE_GET_USER_IDS_BY_MOBILES,
        EMPLOYEE_GET_SERVICE_INFO_BY_IDS,
        EMPLOYEE_GET_JUNIOR_BY_ID,
        ORGANIZATION_GET_SUB_ORGANIZATIONS,
        ORGANIZATION_GET_ORGANIZATION_INFO_BY_CODES,
        ORGANIZATION_GET_SUB_ORGANIZATION_TREES,
        EMPLOYEE_CREATE,
        EMPLOYEE_TRANSFER,
        EMPLOYEE_DIMISSION,
        EMPLOYEE_GET_LIST_BY_BUSINESS_TYPE,
        EMPLOYEE_CREATE_FOR_ENTRY,
        EMPLOYEE_ENTRY,
        SOURCE_ID_MAPPING_UPDATE_ORIGINAL_ID_BY_TARGET_ID,
        RECRUIT_ON_BOARDING_GET_STAFF_INFOS,
        POSITION_GET_BY_OIDS,
        JOB_POST_GET_BY_OIDS,
    ];
}

/// The simulator's state besides the shared [`Context`].
#[derive(Debug)]
pub(crate) struct Beisen {
    ctx: Arc<Context>,
    tokens: auth::Tokens,
    limiter: limit::RateLimiter,
    scrolls: scroll::Scrolls,
    /// People by mobile and by manager, for the lookups.
    lookups: lookup::Indexes,
    /// Recent write parameters and registered `originalId`s.
    writes: writes::Writes,
    /// Pushed and removed business trips, and the jobs of those writes.
    trips: trips::Trips,
    /// Departments' `originalId`s and the position index.
    entries: entry::Entries,
    /// Authenticated calls so far, for `revoke_tokens_after`.
    api_calls: AtomicU64,
    request_ids: AtomicU64,
    /// Differs per sandbox, so ids and tokens of one mean nothing to another.
    salt: u64,
}

impl Beisen {
    fn new(ctx: Arc<Context>) -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(ctx.config.data.seed);
        let salt = hasher.finish();
        let config = &ctx.config.beisen;
        Beisen {
            tokens: auth::Tokens::new(salt, ctx.clock.clone()),
            limiter: limit::RateLimiter::for_config(config),
            scrolls: scroll::Scrolls::new(
                salt,
                scroll::Settings {
                    idle: config.scroll_idle,
                    max_live: config.max_live_scrolls,
                    is_last_data: config.is_last_data,
                },
                ctx.clock.clone(),
            ),
            lookups: lookup::Indexes::default(),
            writes: writes::Writes::default(),
            trips: trips::Trips::default(),
            entries: entry::Entries::default(),
            api_calls: AtomicU64::new(0),
            request_ids: AtomicU64::new(0),
            salt,
            ctx,
        }
    }
}

/// The Beisen routes, with the gateway in front of every business route.
pub(crate) fn router(ctx: Arc<Context>) -> Router {
    let state = Arc::new(Beisen::new(ctx));
    let api = Router::new()
        .route(
            paths::EMPLOYEE_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::Employee),
        )
        .route(
            paths::EMPLOYEE_GET_LIST_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::EmployeeList),
        )
        .route(
            paths::EMPLOYEE_GET_BASIC_INFO_BY_IDS,
            post(v5::employee_get_basic_info_by_ids),
        )
        .route(
            paths::EMPLOYEE_GET_USER_ID_BY_EMAIL,
            post(v5::employee_get_user_id_by_email),
        )
        .route(
            paths::ORGANIZATION_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::Organization),
        )
        .route(
            paths::ORGANIZATION_GET_BY_IDS,
            post(v5::organization_get_by_ids),
        )
        .route(
            paths::POSITION_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::Position),
        )
        .route(
            paths::JOB_POST_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::JobPost),
        )
        .route(
            paths::JOB_LEVEL_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::JobLevel),
        )
        .route(
            paths::JOB_GRADE_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::JobGrade),
        )
        .route(
            paths::JOB_SEQUENCE_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::JobSequence),
        )
        .route(
            paths::EMPLOYMENT_FORM_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::EmploymentForm),
        )
        .route(
            paths::EMP_SUBSET_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::EmpSubset(meta::Subset::Education)),
        )
        .route(
            paths::COMMON_META_OBJECT_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::CommonMeta(meta::MetaObject::Corporation)),
        )
        .route(
            paths::OFFER_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::Offer),
        )
        .route(
            paths::CONTRACT_GET_BY_TIME_WINDOW,
            v5::time_window_route(scroll::Kind::Contract),
        )
        .route(
            paths::EMPLOYEE_GET_EMPLOYEE_OF_ORGANIZATION,
            v5::time_window_route(scroll::Kind::EmployeeOfOrganization),
        )
        .route(
            paths::VACATION_GET_BY_APPROVAL_TIME,
            post(attendance::get_vacation_info_by_approval_time),
        )
        .route(
            paths::VACATION_GET_LIST_BY_DATE,
            post(attendance::get_list_by_date),
        )
        .route(
            paths::VACATION_REMAIN_GET_LIST,
            post(attendance::get_vacation_remain_list),
        )
        .route(
            paths::BUSINESS_APPROVED_LIST,
            post(trips::approved_business_list),
        )
        .route(
            paths::OUTWARD_APPROVED_LIST,
            post(trips::approved_outward_list),
        )
        .route(paths::BUSINESS_PUSH, post(trips::push))
        .route(paths::BUSINESS_REMOVE, post(trips::remove))
        .route(paths::ASYNC_JOB_STATE, axum::routing::get(trips::job_state))
        .route(
            paths::APPLY_GET_BY_MODIFIED_TIME,
            post(recruit::get_apply_list_by_modified_time),
        )
        .route(
            paths::EMPLOYEE_GET_USER_IDS_BY_JOB_NUMBERS,
            post(lookup::get_user_ids_by_job_numbers),
        )
        .route(
            paths::EMPLOYEE_GET_USER_IDS_BY_MOBILES,
            post(lookup::get_user_ids_by_mobiles),
        )
        .route(
            paths::EMPLOYEE_GET_SERVICE_INFO_BY_IDS,
            post(lookup::get_service_info_by_ids),
        )
        .route(
            paths::EMPLOYEE_GET_JUNIOR_BY_ID,
            post(lookup::get_junior_by_id),
        )
        .route(
            paths::ORGANIZATION_GET_SUB_ORGANIZATIONS,
            post(lookup::get_sub_organizations),
        )
        .route(
            paths::ORGANIZATION_GET_ORGANIZATION_INFO_BY_CODES,
            post(org_codes::get_organization_info_by_codes),
        )
        .route(
            paths::ORGANIZATION_GET_SUB_ORGANIZATION_TREES,
            post(org_codes::get_sub_organization_trees),
        )
        .route(
            paths::DATA_SOURCE_GET_DATA_SOURCE,
            post(data_source::get_data_source),
        )
        .route(paths::EMPLOYEE_CREATE, post(writes::create))
        .route(paths::EMPLOYEE_TRANSFER, post(writes::transfer))
        .route(paths::EMPLOYEE_DIMISSION, post(writes::dimission))
        .route(
            paths::EMPLOYEE_GET_LIST_BY_BUSINESS_TYPE,
            post(entry::get_list_by_business_type),
        )
        .route(
            paths::EMPLOYEE_CREATE_FOR_ENTRY,
            post(entry::create_for_entry),
        )
        .route(paths::EMPLOYEE_ENTRY, post(entry::entry))
        .route(
            paths::SOURCE_ID_MAPPING_UPDATE_ORIGINAL_ID_BY_TARGET_ID,
            post(entry::update_original_id_by_target_id),
        )
        .route(
            paths::RECRUIT_ON_BOARDING_GET_STAFF_INFOS,
            post(entry::get_staff_infos),
        )
        .route(
            paths::POSITION_GET_BY_OIDS,
            post(entry::position_get_by_oids),
        )
        .route(
            paths::JOB_POST_GET_BY_OIDS,
            post(entry::job_post_get_by_oids),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gateway));
    Router::new()
        .route(paths::TOKEN, post(auth::token))
        .route(paths::OAUTH_TOKEN, post(auth::oauth_token))
        .merge(api)
        .layer(middleware::from_fn_with_state(state.clone(), request_id))
        .with_state(state)
}

/// Token check, revocation schedule and rate limit, in the gateway's order.
async fn gateway(State(b): State<Arc<Beisen>>, req: Request, next: Next) -> Response {
    let epoch = b.ctx.beisen_token_epoch.load(Ordering::SeqCst);
    if let Err(refusal) = b.tokens.authorize(req.headers(), epoch) {
        b.ctx.counters.incr("auth_rejected.beisen");
        return refusal.response();
    }
    if let Some(n) = b.ctx.config.beisen.revoke_tokens_after.filter(|n| *n > 0) {
        let calls = b.api_calls.fetch_add(1, Ordering::SeqCst) + 1;
        if calls % n == 0 {
            b.ctx.beisen_token_epoch.fetch_add(1, Ordering::SeqCst);
        }
    }
    // Unknown paths are not limited: they would each need a window.
    let route = paths::LIMITED.iter().find(|p| **p == req.uri().path());
    if let Some(route) = route
        && !b.limiter.admit(route, b.ctx.clock.now())
    {
        b.ctx.counters.incr("rate_limited.beisen");
        return json::json_response(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({"code": "429", "message": "接口调用超过限频次数,请稍后重试"}),
        );
    }
    next.run(req).await
}

async fn not_found() -> Response {
    json::json_response(
        StatusCode::NOT_FOUND,
        &json!({"message": "The resource cannot be found."}),
    )
}

/// Stamps `X-PAAS-Request-ID`, which the vendor sends on every response.
async fn request_id(State(b): State<Arc<Beisen>>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let n = b.request_ids.fetch_add(1, Ordering::Relaxed);
    let id = json::Guid::of(b.salt, n, 0x1D).to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        // An asynchronous write names its job in this header: keep it.
        resp.headers_mut()
            .entry("x-paas-request-id")
            .or_insert(value);
    }
    resp
}
