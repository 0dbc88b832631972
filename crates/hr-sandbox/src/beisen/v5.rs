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
use super::meta;
use super::org::{self, Basics, Items, What};
use super::query::{
    Body, Direction, ExtQuery, SortValue, Window, capacity, field_of, is_employee_field, is_json,
    msg, oids, person_sort_value, unsupported_media_type,
};
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
    /// The departments of `GetEmployeeOfOrganization`.
    org: Option<meta::OrgScope>,
    /// `extQueries` on departments' legal entity.
    org_conditions: Vec<ExtQuery>,
    capacity: usize,
    view: View,
    employees: Option<EmployeeFilter>,
    basics: Basics,
    sort: Vec<(SortKey, Direction)>,
}

/// A field `sort` can order by.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SortKey {
    /// `UserID`, employees.
    UserId,
    /// `OId`, organisations (numeric) and job posts (`"20000"`…, in index order).
    OId,
    /// `ModifiedTime`, every kind.
    Modified,
    /// `BusinessModifiedTime`, every kind.
    BusinessModified,
    /// Any other documented field, read from the rendered record.
    Field(String),
}

impl SortKey {
    /// The key named `field` (ignoring case) if `kind` supports it: a
    /// field computed without rendering, else any documented field (for
    /// employees, those of seed 003's response; for the other kinds, those
    /// their records carry).
    fn of(b: &Beisen, kind: Kind, field: &str) -> Option<SortKey> {
        if let Some(key) = SortKey::fast(kind, field) {
            return Some(key);
        }
        let documented = match kind {
            Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization => {
                is_employee_field(field)
            }
            _ => probe(b, kind).is_some_and(|record| {
                // Metadata objects carry their columns in `fields`.
                let record = match kind {
                    Kind::CommonMeta(_) => &record["fields"],
                    _ => &record,
                };
                field_of(record, field).is_some_and(|v| !v.is_object() && !v.is_array())
            }),
        };
        documented.then(|| SortKey::Field(field.to_owned()))
    }

    /// The keys [`SortKey::value`] computes from the dataset.
    fn fast(kind: Kind, field: &str) -> Option<SortKey> {
        let is = |name: &str| field.eq_ignore_ascii_case(name);
        match kind {
            _ if is("ModifiedTime") => Some(SortKey::Modified),
            _ if is("BusinessModifiedTime") => Some(SortKey::BusinessModified),
            Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization if is("UserID") => {
                Some(SortKey::UserId)
            }
            Kind::Organization | Kind::JobPost if is("OId") => Some(SortKey::OId),
            _ => None,
        }
    }

    /// Whether the key orders like the indices (and is unique), so a scroll
    /// sorted by it can keep its matches as a bitmap.
    fn follows_index(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (SortKey::UserId, _) | (SortKey::OId, Kind::JobPost)
        )
    }

    /// The key of item `i`, as a number that orders like the field; `None`
    /// for a [`SortKey::Field`], which needs the rendered record.
    fn value(&self, data: &Dataset, kind: Kind, i: usize) -> Option<i64> {
        let millis = |t: chrono::NaiveDateTime| t.and_utc().timestamp_millis();
        if meta::is_meta(kind) {
            return match self {
                SortKey::Modified => Some(millis(meta::times_of(data, kind, i).0)),
                SortKey::BusinessModified => Some(millis(meta::times_of(data, kind, i).1)),
                SortKey::UserId | SortKey::OId => Some(i as i64),
                SortKey::Field(_) => None,
            };
        }
        let what = match kind {
            Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization => None,
            Kind::Organization => Some(What::Organization),
            Kind::Position => Some(What::Position),
            Kind::JobPost => Some(What::JobPost),
            // Listed by `meta`, handled above.
            _ => None,
        };
        Some(match (self, what) {
            (SortKey::Field(_), _) => return None,
            (SortKey::UserId, _) => USER_ID_BASE + i as i64,
            (SortKey::OId, Some(What::Organization)) => data.orgs()[i].oid,
            (SortKey::OId, _) => i as i64,
            (SortKey::Modified, None) => millis(modified_at(data, i)),
            (SortKey::BusinessModified, None) => millis(business_modified_at(data, i)),
            (SortKey::Modified, Some(w)) => millis(org::times_of(data, w, i).0),
            (SortKey::BusinessModified, Some(w)) => millis(org::times_of(data, w, i).1),
        })
    }
}

/// The first record of `kind` as JSON, to learn which fields its records
/// carry.
fn probe(b: &Beisen, kind: Kind) -> Option<serde_json::Value> {
    let bytes = items_json(b, kind, &View::default(), &[0]).ok()?;
    let mut records: Vec<serde_json::Value> = serde_json::from_slice(&bytes).ok()?;
    (!records.is_empty()).then(|| records.swap_remove(0))
}

/// The sort key of `field` in a rendered record: for employees, in
/// `employeeInfo`, then in the (first) employment record.
fn sort_value(kind: Kind, record: &serde_json::Value, field: &str) -> SortValue {
    let found = match kind {
        Kind::CommonMeta(_) => field_of(&record["fields"], field),
        Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization => {
            field_of(&record["employeeInfo"], field)
                .or_else(|| field_of(&record["recordInfo"], field))
                .or_else(|| field_of(&record["recordInfos"][0], field))
        }
        _ => field_of(record, field),
    };
    SortValue::of(found)
}

/// Orders `indices` by `sort`, ties by index (the default order), so the
/// pages of a scroll are the same whenever it is opened.
fn sorted_by_fields(
    b: &Beisen,
    kind: Kind,
    q: &Query,
    indices: Vec<u32>,
) -> serde_json::Result<Vec<u32>> {
    // Records render in chunks: a sort over many matches never holds them
    // all as JSON at once.
    const CHUNK: usize = 256;
    let data = &b.ctx.data;
    let view = View {
        columns: None,
        translate: false,
        service_types: q.view.service_types,
    };
    let mut keyed: Vec<(Vec<SortValue>, u32)> = Vec::with_capacity(indices.len());
    let people = matches!(
        kind,
        Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization
    );
    // Most fields people sort by are a person's own: no rendering then.
    let mut from_people = false;
    if people && !data.is_empty() {
        let sample = data.person(0);
        let fast = q.sort.iter().all(|(key, _)| match key {
            SortKey::Field(field) => person_sort_value(&sample, field).is_some(),
            _ => true,
        });
        if fast {
            from_people = true;
            for &i in &indices {
                let p = data.person(i as usize);
                let keys = q
                    .sort
                    .iter()
                    .map(|(key, _)| match (key.value(data, kind, i as usize), key) {
                        (Some(v), _) => SortValue::Number(v as f64),
                        (None, SortKey::Field(field)) => {
                            person_sort_value(&p, field).unwrap_or(SortValue::Missing)
                        }
                        (None, _) => SortValue::Missing,
                    })
                    .collect();
                keyed.push((keys, i));
            }
        }
    }
    let rendered = if from_people { &[] } else { indices.as_slice() };
    for chunk in rendered.chunks(CHUNK) {
        let records: Vec<serde_json::Value> =
            serde_json::from_slice(&items_json(b, kind, &view, chunk)?)?;
        for (&i, record) in chunk.iter().zip(&records) {
            let keys = q
                .sort
                .iter()
                .map(|(key, _)| match (key.value(data, kind, i as usize), key) {
                    (Some(v), _) => SortValue::Number(v as f64),
                    (None, SortKey::Field(field)) => sort_value(kind, record, field),
                    (None, _) => SortValue::Missing,
                })
                .collect();
            keyed.push((keys, i));
        }
    }
    keyed.sort_unstable_by(|(a, i), (b, j)| {
        a.iter()
            .zip(b)
            .zip(&q.sort)
            .map(|((x, y), (_, direction))| x.cmp_in(y, *direction))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| i.cmp(j))
    });
    Ok(keyed.into_iter().map(|(_, i)| i).collect())
}

fn read_query(b: &Beisen, kind: Kind, body: &Body, raw: &[u8]) -> Result<Query, String> {
    // `GetEmployeeOfOrganization` has a department instead of a window.
    let org = match kind {
        Kind::EmployeeOfOrganization => Some(meta::OrgScope::from_body(&b.ctx.data, body, raw)?),
        _ => None,
    };
    let window = match kind {
        Kind::EmployeeOfOrganization => meta::all_time(),
        _ => Window::from_body(body).map_err(|m| {
            if m == msg::WINDOW_TOO_LONG && b.ctx.config.beisen.window_message_fullwidth_comma {
                msg::WINDOW_TOO_LONG_FULLWIDTH.to_owned()
            } else {
                m
            }
        })?,
    };
    let capacity = capacity(body)?;
    let employees = match kind {
        Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization => {
            Some(EmployeeFilter::from_body(body, b.ctx.data.tenant_id())?)
        }
        // Only departments have a custom property (their legal entity):
        // conditions on anything else are dropped, but checked.
        _ => None,
    };
    let org_conditions: Vec<ExtQuery> = match kind {
        Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization => Vec::new(),
        _ => {
            let field = meta::corporation_field(b.ctx.data.tenant_id());
            let conditions = body.ext_queries()?;
            if kind == Kind::Organization {
                conditions
                    .into_iter()
                    .filter(|c| c.field == field)
                    .collect()
            } else {
                Vec::new()
            }
        }
    };
    let mut sort: Vec<(SortKey, Direction)> = Vec::new();
    for (field, direction) in body.sort()? {
        let Some(key) = SortKey::of(b, kind, &field) else {
            return Err(format!("{}:{field}", msg::SORT_FIELD));
        };
        // A key sent twice (in two casings) sorts by its first mention.
        let same = |k: &SortKey| match (k, &key) {
            (SortKey::Field(a), SortKey::Field(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        };
        if !sort.iter().any(|(k, _)| same(k)) {
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
        org,
        org_conditions,
        capacity,
        view,
        employees,
        basics,
        sort,
    })
}

/// Every index a new scroll lists, in the requested order: by default
/// `userID` ascending for people, `orderAdmin` for departments, `oId`
/// otherwise; ties of a `sort` fall back to that order. `Err` only if a
/// record fails to render for a sort by one of its fields.
fn select(b: &Beisen, kind: Kind, q: &Query) -> serde_json::Result<Matches> {
    let data = &b.ctx.data;
    let indices = match (kind, &q.employees) {
        (Kind::Employee | Kind::EmployeeList, Some(filter)) => (0..data.len() as u32)
            .filter(|&i| filter.matches(data, i as usize, &q.window))
            .collect(),
        (Kind::Organization, _) => org::select_orgs(data, &q.window, q.basics, &q.org_conditions),
        (Kind::Position, _) => org::select_positions(data, &q.window, q.basics),
        (Kind::JobPost, _) => org::select_job_posts(data, &q.window, q.basics),
        (Kind::EmployeeOfOrganization, Some(filter)) => match &q.org {
            Some(scope) => meta::select_employees(data, scope, filter),
            None => Vec::new(),
        },
        (Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization, None) => Vec::new(),
        (kind, _) => meta::select(data, kind, &q.window, q.basics),
    };
    Ok(match q.sort.first() {
        None => Matches::new(indices, Order::Ascending),
        Some((key, direction)) if key.follows_index(kind) => match direction {
            Direction::Ascending => Matches::new(indices, Order::Ascending),
            Direction::Descending => Matches::new(indices, Order::Descending),
        },
        Some(_) if q.sort.iter().any(|(k, _)| matches!(k, SortKey::Field(_))) => {
            Matches::new(sorted_by_fields(b, kind, q, indices)?, Order::AsGiven)
        }
        Some(_) => {
            // At most three distinct keys per kind.
            let mut keyed: Vec<([i64; 3], u32)> = indices
                .into_iter()
                .map(|i| {
                    let mut keys = [0; 3];
                    for (slot, (key, direction)) in keys.iter_mut().zip(&q.sort) {
                        // Every key is computed here: fields go the other way.
                        let v = key.value(data, kind, i as usize).unwrap_or(0);
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
    })
}

/// One call of a time-window scroll, for any kind.
async fn time_window(b: Arc<Beisen>, kind: Kind, headers: HeaderMap, body: Bytes) -> Response {
    if !is_json(&headers) {
        return unsupported_media_type();
    }
    let raw = body;
    let body = match Body::parse(&raw) {
        Ok(body) => body,
        Err(m) => return scroll_error(&m),
    };
    // The endpoints taking a `metaObjectName` list what it names.
    let kind = match meta::resolve(kind, &body) {
        Ok(kind) => kind,
        Err(m) => return scroll_error(&m),
    };
    // Every call is validated, continuations included, as the model binder
    // would; but a continuation serves the query its scroll was opened with.
    let query = match read_query(&b, kind, &body, &raw) {
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
            let Ok(Ok(matches)) =
                tokio::task::spawn_blocking(move || select(&b2, kind, &query)).await
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
    let envelope = || -> serde_json::Result<Vec<u8>> {
        let items = items_json(b, kind, &page.view, &page.indices)?;
        // The envelope of `ScrollEnvelope`, around records already written.
        let mut out = Vec::with_capacity(items.len() + 160);
        out.extend_from_slice(br#"{"scrollId":"#);
        serde_json::to_writer(&mut out, &page.id)?;
        out.extend_from_slice(br#","isLastData":"#);
        serde_json::to_writer(&mut out, &page.is_last)?;
        out.extend_from_slice(br#","total":"#);
        serde_json::to_writer(&mut out, &page.total)?;
        out.extend_from_slice(br#","data":"#);
        out.extend_from_slice(&items);
        out.extend_from_slice(br#","code":"200","message":null}"#);
        Ok(out)
    };
    match envelope() {
        Ok(bytes) => bytes_response(StatusCode::OK, bytes),
        Err(e) => scroll_error(&e.to_string()),
    }
}

/// The JSON array of the records `indices` of `kind`, as `view` renders
/// them: what a page's `data` holds, and what sorts by a field read.
fn items_json(b: &Beisen, kind: Kind, view: &View, indices: &[u32]) -> serde_json::Result<Vec<u8>> {
    let data = &b.ctx.data;
    match kind {
        Kind::Employee | Kind::EmployeeList | Kind::EmployeeOfOrganization => {
            serde_json::to_vec(&EmployeePage {
                r: Render { data, view },
                indices,
                list: kind == Kind::EmployeeList,
            })
        }
        Kind::Organization => serde_json::to_vec(&Items {
            data,
            view,
            what: What::Organization,
            indices,
        }),
        Kind::Position => serde_json::to_vec(&Items {
            data,
            view,
            what: What::Position,
            indices,
        }),
        Kind::JobPost => serde_json::to_vec(&Items {
            data,
            view,
            what: What::JobPost,
            indices,
        }),
        _ => serde_json::to_vec(&meta::MetaItems {
            data,
            view,
            kind,
            indices,
        }),
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
