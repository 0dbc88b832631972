//! The `/TenantBaseExternal/api/v5/…` endpoints.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{MethodRouter, post};
use serde::Serialize;
use serde_json::json;

use super::Beisen;
use super::employee::{
    BasicInfos, EmployeeFilter, EmployeePage, Render, business_modified_at, index_of_email,
    modified_at,
};
use super::json::{bytes_response, json_response};
use super::org::{self, Basics, Items, What};
use super::query::{Body, Direction, Window, capacity, is_json, msg, oids, unsupported_media_type};
use super::scroll::{Kind, Matches, Next, Order, Page, View};
use crate::config::IsLastData;
use crate::data::{Dataset, USER_ID_BASE};

/// The envelope of a time-window page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScrollEnvelope<'a, T> {
    scroll_id: Option<&'a str>,
    is_last_data: bool,
    total: usize,
    data: Option<T>,
    code: &'static str,
    message: Option<&'a str>,
}

/// `417` of a time-window endpoint: HTTP 200, the full envelope, null data.
fn scroll_error(message: &str) -> Response {
    json_response(
        StatusCode::OK,
        &ScrollEnvelope::<()> {
            scroll_id: None,
            is_last_data: false,
            total: 0,
            data: None,
            code: "417",
            message: Some(message),
        },
    )
}

/// `417` of the other v5 endpoints.
fn error(message: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"data": null, "code": "417", "message": message}),
    )
}

fn ok<T: Serialize>(data: T) -> Response {
    #[derive(Serialize)]
    struct Envelope<T> {
        data: T,
        code: &'static str,
        message: Option<&'static str>,
    }
    match serde_json::to_vec(&Envelope {
        data,
        code: "200",
        message: None,
    }) {
        Ok(bytes) => bytes_response(StatusCode::OK, bytes),
        Err(e) => error(&e.to_string()),
    }
}

/// Everything a first call fixes about a scroll.
struct Query {
    window: Window,
    capacity: usize,
    view: View,
    employees: Option<EmployeeFilter>,
    basics: Basics,
    sort: Vec<(SortKey, Direction)>,
}

/// A field `sort` can order by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    /// `UserID`, employees.
    UserId,
    /// `OId`, organisations (numeric) and job posts (`"20000"`…, in index order).
    OId,
    /// `ModifiedTime`, every kind.
    Modified,
    /// `BusinessModifiedTime`, every kind.
    BusinessModified,
}

impl SortKey {
    /// The key named `field` (ignoring case) if `kind` supports it.
    fn of(kind: Kind, field: &str) -> Option<SortKey> {
        let is = |name: &str| field.eq_ignore_ascii_case(name);
        match kind {
            _ if is("ModifiedTime") => Some(SortKey::Modified),
            _ if is("BusinessModifiedTime") => Some(SortKey::BusinessModified),
            Kind::Employee | Kind::EmployeeList if is("UserID") => Some(SortKey::UserId),
            Kind::Organization | Kind::JobPost if is("OId") => Some(SortKey::OId),
            _ => None,
        }
    }

    /// Whether the key orders like the indices (and is unique), so a scroll
    /// sorted by it can keep its matches as a bitmap.
    fn follows_index(self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (SortKey::UserId, _) | (SortKey::OId, Kind::JobPost)
        )
    }

    /// The key of item `i`, as a number that orders like the field.
    fn value(self, data: &Dataset, kind: Kind, i: usize) -> i64 {
        let millis = |t: chrono::NaiveDateTime| t.and_utc().timestamp_millis();
        let what = match kind {
            Kind::Employee | Kind::EmployeeList => None,
            Kind::Organization => Some(What::Organization),
            Kind::Position => Some(What::Position),
            Kind::JobPost => Some(What::JobPost),
        };
        match (self, what) {
            (SortKey::UserId, _) => USER_ID_BASE + i as i64,
            (SortKey::OId, Some(What::Organization)) => data.orgs()[i].oid,
            (SortKey::OId, _) => i as i64,
            (SortKey::Modified, None) => millis(modified_at(data, i)),
            (SortKey::BusinessModified, None) => millis(business_modified_at(data, i)),
            (SortKey::Modified, Some(w)) => millis(org::times_of(data, w, i).0),
            (SortKey::BusinessModified, Some(w)) => millis(org::times_of(data, w, i).1),
        }
    }
}

fn read_query(b: &Beisen, kind: Kind, body: &Body) -> Result<Query, String> {
    let window = Window::from_body(body).map_err(|m| {
        if m == msg::WINDOW_TOO_LONG && b.ctx.config.beisen.window_message_fullwidth_comma {
            msg::WINDOW_TOO_LONG_FULLWIDTH.to_owned()
        } else {
            m
        }
    })?;
    let capacity = capacity(body)?;
    let employees = match kind {
        Kind::Employee | Kind::EmployeeList => {
            Some(EmployeeFilter::from_body(body, b.ctx.data.tenant_id())?)
        }
        // Organisations, positions and job posts have no custom
        // properties, so every condition is dropped; but they are checked.
        _ => {
            body.ext_queries()?;
            None
        }
    };
    let mut sort: Vec<(SortKey, Direction)> = Vec::new();
    for (field, direction) in body.sort()? {
        let Some(key) = SortKey::of(kind, &field) else {
            return Err(format!("{}:{field}", msg::SORT_FIELD));
        };
        // A key sent twice (in two casings) sorts by its first mention.
        if !sort.iter().any(|(k, _)| *k == key) {
            sort.push((key, direction));
        }
    }
    let view = View {
        columns: body.columns()?,
        translate: body.bool("enableTranslate")?.unwrap_or(false),
        service_types: employees.as_ref().map_or(1, |f| f.service_types),
    };
    let basics = Basics {
        with_disabled: body.bool("withDisabled")?.unwrap_or(false),
        with_deleted: body.bool("isWithDeleted")?.unwrap_or(false),
    };
    Ok(Query {
        window,
        capacity,
        view,
        employees,
        basics,
        sort,
    })
}

/// Every index a new scroll lists, in the requested order: by default
/// `userID` ascending for people, `orderAdmin` for departments, `oId`
/// otherwise; ties of a `sort` fall back to that order.
fn select(b: &Beisen, kind: Kind, q: &Query) -> Matches {
    let data = &b.ctx.data;
    let indices = match (kind, &q.employees) {
        (Kind::Employee | Kind::EmployeeList, Some(filter)) => (0..data.len() as u32)
            .filter(|&i| filter.matches(data, i as usize, &q.window))
            .collect(),
        (Kind::Organization, _) => org::select_orgs(data, &q.window, q.basics),
        (Kind::Position, _) => org::select_positions(data, &q.window, q.basics),
        (Kind::JobPost, _) => org::select_job_posts(data, &q.window, q.basics),
        (Kind::Employee | Kind::EmployeeList, None) => Vec::new(),
    };
    match q.sort.first() {
        None => Matches::new(indices, Order::Ascending),
        Some((key, direction)) if key.follows_index(kind) => match direction {
            Direction::Ascending => Matches::new(indices, Order::Ascending),
            Direction::Descending => Matches::new(indices, Order::Descending),
        },
        Some(_) => {
            // At most three distinct keys per kind.
            let mut keyed: Vec<([i64; 3], u32)> = indices
                .into_iter()
                .map(|i| {
                    let mut keys = [0; 3];
                    for (slot, (key, direction)) in keys.iter_mut().zip(&q.sort) {
                        let v = key.value(data, kind, i as usize);
                        *slot = match direction {
                            Direction::Ascending => v,
                            Direction::Descending => -v,
                        };
                    }
                    (keys, i)
                })
                .collect();
            keyed.sort_unstable();
            Matches::new(keyed.into_iter().map(|(_, i)| i).collect(), Order::AsGiven)
        }
    }
}

/// One call of a time-window scroll, for any kind.
async fn time_window(b: Arc<Beisen>, kind: Kind, headers: HeaderMap, body: Bytes) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let body = match Body::parse(&body) {
        Ok(body) => body,
        Err(m) => return scroll_error(&m),
    };
    // Every call is validated, continuations included, as the model binder
    // would; but a continuation serves the query its scroll was opened with.
    let query = match read_query(&b, kind, &body) {
        Ok(q) => q,
        Err(m) => return scroll_error(&m),
    };
    let scroll_id = match body.str("scrollId") {
        Ok(id) => id
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned),
        Err(_) => return scroll_error(msg::SCROLL_ID),
    };
    let epoch = b.ctx.scroll_epoch.load(Ordering::SeqCst);
    let never = b.ctx.config.beisen.is_last_data == IsLastData::Never;
    // The page holds the scroll in use until it is dropped at the end of
    // this call, so the idle time counts from the end of the call.
    let page = match scroll_id {
        None => {
            // A full scan of a million people takes tens of milliseconds:
            // off the reactor.
            let (b2, capacity, view) = (b.clone(), query.capacity, query.view.clone());
            let Ok(matches) = tokio::task::spawn_blocking(move || select(&b2, kind, &query)).await
            else {
                return json_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &json!({"data": null, "code": "500", "message": "系统错误"}),
                );
            };
            let opened = b.scrolls.open(kind, matches, capacity, view, epoch);
            for _ in 0..opened.evicted {
                b.ctx.counters.incr("scrolls_evicted.beisen");
            }
            opened.page
        }
        Some(id) => match b.scrolls.next(&id, kind, epoch) {
            Next::Page(page) => page,
            Next::Ended { id, total, first } => {
                if first {
                    b.ctx.counters.incr("scrolls_ended.beisen");
                }
                return empty(&id, total, !never);
            }
            Next::Expired => {
                b.ctx.counters.incr("scrolls_expired.beisen");
                return empty(&id, 0, !never);
            }
            Next::Stale => return scroll_error(msg::SCROLL_ID_STALE),
            Next::Invalid => return scroll_error(msg::SCROLL_ID),
        },
    };
    let response = render(&b, kind, &page);
    // The call is over for the scroll: its idle time starts now.
    drop(page);
    b.ctx.counters.incr("scroll_pages.beisen");
    response
}

/// The end of a scroll, and what a dead scroll looks like: `"200"`, no data.
fn empty(id: &str, total: usize, is_last: bool) -> Response {
    json_response(
        StatusCode::OK,
        &ScrollEnvelope {
            scroll_id: Some(id),
            is_last_data: is_last,
            total,
            data: Some([(); 0]),
            code: "200",
            message: None,
        },
    )
}

fn render(b: &Beisen, kind: Kind, page: &Page<'_>) -> Response {
    fn envelope<T: Serialize>(page: &Page<'_>, items: T) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&ScrollEnvelope {
            scroll_id: Some(page.id.as_str()),
            is_last_data: page.is_last,
            total: page.total,
            data: Some(items),
            code: "200",
            message: None,
        })
    }
    let data = &b.ctx.data;
    let view = &page.view;
    let indices = &page.indices;
    let bytes = match kind {
        Kind::Employee | Kind::EmployeeList => envelope(
            page,
            EmployeePage {
                r: Render { data, view },
                indices,
                list: kind == Kind::EmployeeList,
            },
        ),
        Kind::Organization => envelope(
            page,
            Items {
                data,
                view,
                what: What::Organization,
                indices,
            },
        ),
        Kind::Position => envelope(
            page,
            Items {
                data,
                view,
                what: What::Position,
                indices,
            },
        ),
        Kind::JobPost => envelope(
            page,
            Items {
                data,
                view,
                what: What::JobPost,
                indices,
            },
        ),
    };
    match bytes {
        Ok(bytes) => bytes_response(StatusCode::OK, bytes),
        Err(e) => scroll_error(&e.to_string()),
    }
}

/// The route of one time-window endpoint: all five share [`time_window`]
/// and differ only in what they list.
pub(super) fn time_window_route(kind: Kind) -> MethodRouter<Arc<Beisen>> {
    post(
        move |State(b): State<Arc<Beisen>>, h: HeaderMap, body: Bytes| {
            time_window(b, kind, h, body)
        },
    )
}

/// The JSON body of a lookup, or the response refusing it (boxed: a
/// `Response` is large).
fn by_id_body(headers: &HeaderMap, body: &[u8]) -> Result<Body, Box<Response>> {
    if !is_json(headers) {
        return Err(Box::new(unsupported_media_type()));
    }
    Body::parse(body).map_err(|m| Box::new(error(&m)))
}

/// `Employee/GetBasicInfoByIds`: flat `employeeInfo` objects of the given
/// `oIds` (user ids), in request order; unknown ids are skipped, and so
/// are deleted people unless `isWithDeleted`.
pub(super) async fn employee_get_basic_info_by_ids(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match by_id_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let read = || -> Result<_, String> {
        let ids = oids(&body)?;
        let with_deleted = body.bool("isWithDeleted")?.unwrap_or(false);
        let view = View {
            columns: body.columns()?,
            translate: body.bool("enableTranslate")?.unwrap_or(false),
            service_types: 1,
        };
        Ok((ids, with_deleted, view))
    };
    let (ids, with_deleted, view) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let data = &b.ctx.data;
    let indices: Vec<usize> = ids
        .iter()
        .filter_map(|id| data.index_of_user_id(*id))
        .filter(|&i| with_deleted || !data.is_deleted(i))
        .collect();
    ok(BasicInfos {
        r: Render { data, view: &view },
        indices: &indices,
    })
}

/// `Employee/GetUserIDByEmail`: `data` is the user id as a string, or null.
/// Matching is exact: the vendor says e-mails must be sent lower-case, and
/// every stored e-mail is.
pub(super) async fn employee_get_user_id_by_email(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match by_id_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let email = match body.str("email") {
        Ok(Some(email)) if !email.trim().is_empty() => email,
        _ => return error("Email不能为空"),
    };
    let data = &b.ctx.data;
    let user = index_of_email(data, email)
        .filter(|&i| !data.is_deleted(i))
        .map(|i| data.person(i).user_id.to_string());
    ok(user)
}

/// `Organization/GetByIds`: departments of the given `oIds`, in request
/// order, disabled ones included; unknown ids are skipped.
pub(super) async fn organization_get_by_ids(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match by_id_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let read = || -> Result<_, String> {
        let ids = oids(&body)?;
        body.bool("isWithDeleted")?;
        let view = View {
            columns: body.columns()?,
            translate: body.bool("enableTranslate")?.unwrap_or(false),
            service_types: 1,
        };
        Ok((ids, view))
    };
    let (ids, view) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let data = &b.ctx.data;
    let indices: Vec<u32> = ids
        .iter()
        .filter_map(|id| {
            super::employee::org_of(data, *id)
                .and_then(|o| data.orgs().iter().position(|x| x.oid == o.oid))
                .map(|k| k as u32)
        })
        .collect();
    ok(Items {
        data,
        view: &view,
        what: What::Organization,
        indices: &indices,
    })
}
