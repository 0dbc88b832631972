//! The `/TenantBaseExternal/api/v5/…` endpoints.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::json;

use super::Beisen;
use super::employee::{BasicInfos, EmployeeFilter, EmployeePage, Render, index_of_email};
use super::json::{bytes_response, json_response};
use super::org::{self, Basics, Items, What};
use super::query::{Body, Window, capacity, is_json, msg, oids, unsupported_media_type};
use super::scroll::{Kind, Next, Page, View};

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
}

fn read_query(kind: Kind, body: &Body) -> Result<Query, String> {
    let window = Window::from_body(body)?;
    let capacity = capacity(body)?;
    let employees = match kind {
        Kind::Employee | Kind::EmployeeList => Some(EmployeeFilter::from_body(body)?),
        _ => None,
    };
    let view = View {
        columns: body.columns()?,
        translate: body.bool("enableTranslate")?.unwrap_or(false),
        service_types: employees.map_or(1, |f| f.service_types),
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
    })
}

/// Every index a new scroll lists, in the default order (`userID`
/// ascending for people, `orderAdmin` for departments, `oId` otherwise).
fn select(b: &Beisen, kind: Kind, q: &Query) -> Vec<u32> {
    let data = &b.ctx.data;
    match (kind, q.employees) {
        (Kind::Employee | Kind::EmployeeList, Some(filter)) => (0..data.len() as u32)
            .filter(|&i| filter.matches(data, i as usize, &q.window))
            .collect(),
        (Kind::Organization, _) => org::select_orgs(data, &q.window, q.basics),
        (Kind::Position, _) => org::select_positions(data, &q.window, q.basics),
        (Kind::JobPost, _) => org::select_job_posts(data, &q.window, q.basics),
        (Kind::Employee | Kind::EmployeeList, None) => Vec::new(),
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
    let query = match read_query(kind, &body) {
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
    let idle = b.ctx.config.beisen.scroll_idle;
    let page = match scroll_id {
        None => {
            // A full scan of a million people takes tens of milliseconds:
            // off the reactor.
            let (b2, capacity, view) = (b.clone(), query.capacity, query.view.clone());
            let Ok(indices) = tokio::task::spawn_blocking(move || select(&b2, kind, &query)).await
            else {
                return json_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &json!({"data": null, "code": "500", "message": "系统错误"}),
                );
            };
            b.scrolls.open(kind, indices, capacity, view, epoch, idle)
        }
        Some(id) => match b.scrolls.next(&id, kind, epoch, idle) {
            Next::Page(page) => page,
            Next::Ended { total } => return empty(&id, total),
            Next::Expired => {
                b.ctx.counters.incr("scrolls_expired.beisen");
                return empty(&id, 0);
            }
            Next::Invalid => return scroll_error(msg::SCROLL_ID),
        },
    };
    let resp = render(&b, kind, &page);
    // Idle time counts from the end of the call.
    b.scrolls.touch(page.serial);
    resp
}

/// The end of a scroll, and what a dead scroll looks like: `"200"`, no data.
fn empty(id: &str, total: usize) -> Response {
    json_response(
        StatusCode::OK,
        &ScrollEnvelope {
            scroll_id: Some(id),
            is_last_data: true,
            total,
            data: Some([(); 0]),
            code: "200",
            message: None,
        },
    )
}

fn render(b: &Beisen, kind: Kind, page: &Page) -> Response {
    fn envelope<T: Serialize>(page: &Page, items: T) -> serde_json::Result<Vec<u8>> {
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

pub(super) async fn employee_get_by_time_window(
    State(b): State<Arc<Beisen>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    time_window(b, Kind::Employee, h, body).await
}

pub(super) async fn employee_get_list_by_time_window(
    State(b): State<Arc<Beisen>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    time_window(b, Kind::EmployeeList, h, body).await
}

pub(super) async fn organization_get_by_time_window(
    State(b): State<Arc<Beisen>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    time_window(b, Kind::Organization, h, body).await
}

pub(super) async fn position_get_by_time_window(
    State(b): State<Arc<Beisen>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    time_window(b, Kind::Position, h, body).await
}

pub(super) async fn job_post_get_by_time_window(
    State(b): State<Arc<Beisen>>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
    time_window(b, Kind::JobPost, h, body).await
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
