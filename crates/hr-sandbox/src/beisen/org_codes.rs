//! `Organization/GetOrganizationInfoByCodes` and
//! `Organization/GetSubOrganizationTrees`: departments by code as of a
//! day, and the branches below several departments at once.
//!
//! - `GetOrganizationInfoByCodes` `{codes, activeDate?, columns?,
//!   isWithDeleted?}` (fxp/skillify `organization-and-positions.md` §3; the
//!   PHP SDK's limit of 300 codes) → `data`: the departments of the known
//!   codes, in request order, disabled ones included (as `GetByIds`);
//!   those created after `activeDate` (default today) do not exist yet.
//!   `activeDate` before 1900 is the documented 417.
//! - `GetSubOrganizationTrees` `{oIds, level?, isWithDisable?, queryDate?,
//!   isWithDeleted?, columns?}` → `data`: one tree per known `oId`, each
//!   node a department as `GetByTimeWindow` lists it plus `children`. The
//!   vendor publishes no field table for it: the request mirrors
//!   `GetSubOrganizations` (with `oIds`, the organisation API's id list)
//!   and the node shape is the sandbox's choice.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde_json::Value;

use super::Beisen;
use super::lookup::{error, ok, read_body};
use super::org::{Items, What};
use super::query::{Body, msg, oids, parse_civil};
use super::scroll::View;
use crate::data::Dataset;

/// Codes a call takes.
const MAX_CODES: usize = 300;

/// Sandbox wording where the vendor's is not public.
mod text {
    /// skillify, GetOrganizationInfoByCodes' example.
    pub const DATE_BEFORE_1900: &str = "时间节点必须大于1900-01-01T00:00:00";
    /// Chosen.
    pub const CODES_NULL: &str = "Codes不能为空";
    /// Chosen (the PHP SDK's limit).
    pub const CODES_TOO_MANY: &str = "Codes数量不能超过300";
    /// Chosen.
    pub const CODES_NOT_STRINGS: &str = "Codes必须为字符串数组";
    /// Chosen.
    pub const LEVEL: &str = "Level必须大于0";
}

fn view(body: &Body) -> Result<View, String> {
    Ok(View {
        columns: body.columns()?,
        translate: body.bool("enableTranslate")?.unwrap_or(false),
        service_types: 1,
    })
}

/// The day a date key names (`today` when absent or null).
fn day(body: &Body, key: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    match body.str(key)? {
        None => Ok(today),
        Some(text) => {
            let t = parse_civil(text).ok_or_else(|| msg::TIME_FORMAT.to_owned())?;
            if t.date() < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
                return Err(text::DATE_BEFORE_1900.to_owned());
            }
            Ok(t.date())
        }
    }
}

fn codes(body: &Body) -> Result<Vec<String>, String> {
    let Some(Value::Array(items)) = body.get("codes") else {
        return Err(text::CODES_NULL.to_owned());
    };
    if items.is_empty() {
        return Err(text::CODES_NULL.to_owned());
    }
    if items.len() > MAX_CODES {
        return Err(text::CODES_TOO_MANY.to_owned());
    }
    items
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| text::CODES_NOT_STRINGS.to_owned())
}

/// `Organization/GetOrganizationInfoByCodes`.
pub(super) async fn get_organization_info_by_codes(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match read_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let data = &b.ctx.data;
    let today = b.ctx.clock.today();
    let read = || -> Result<_, String> {
        let codes = codes(&body)?;
        let on = day(&body, "activeDate", today)?;
        body.bool("isWithDeleted")?;
        Ok((codes, on, view(&body)?))
    };
    let (codes, on, view) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let by_code: HashMap<&str, usize> = data
        .orgs()
        .iter()
        .enumerate()
        .map(|(k, o)| (o.code.as_str(), k))
        .collect();
    let indices: Vec<u32> = codes
        .iter()
        .filter_map(|c| by_code.get(c.as_str()).copied())
        .filter(|&k| data.orgs()[k].created_time.date() <= on)
        .map(|k| k as u32)
        .collect();
    ok(Items {
        data,
        view: &view,
        what: What::Organization,
        indices: &indices,
    })
}

/// `Organization/GetSubOrganizationTrees`.
pub(super) async fn get_sub_organization_trees(
    State(b): State<Arc<Beisen>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match read_body(&headers, &body) {
        Ok(body) => body,
        Err(resp) => return *resp,
    };
    let data = &b.ctx.data;
    let today = b.ctx.clock.today();
    let read = || -> Result<_, String> {
        let roots = oids(&body)?;
        let level = body.int("level")?.unwrap_or(20);
        if level < 1 {
            return Err(text::LEVEL.to_owned());
        }
        let with_disabled = body.bool("isWithDisable")?.unwrap_or(false);
        let on = day(&body, "queryDate", today)?;
        body.bool("isWithDeleted")?;
        Ok((roots, level, with_disabled, on, view(&body)?))
    };
    let (roots, level, with_disabled, on, view) = match read() {
        Ok(q) => q,
        Err(m) => return error(&m),
    };
    let trees = Trees::new(data, &view, with_disabled, on);
    let forest: Vec<Value> = roots
        .iter()
        .filter_map(|&oid| trees.node_of_oid(oid, level))
        .collect();
    ok(forest)
}

/// The department tree as of a day, rendered node by node.
struct Trees<'a> {
    data: &'a Dataset,
    view: &'a View,
    /// Indices of the children of each department (by index), in tree order.
    children: Vec<Vec<usize>>,
    position: HashMap<i64, usize>,
}

impl<'a> Trees<'a> {
    fn new(data: &'a Dataset, view: &'a View, with_disabled: bool, on: NaiveDate) -> Self {
        let orgs = data.orgs();
        let position: HashMap<i64, usize> =
            orgs.iter().enumerate().map(|(k, o)| (o.oid, k)).collect();
        let mut children = vec![Vec::new(); orgs.len()];
        for (k, o) in orgs.iter().enumerate() {
            let live = (with_disabled || o.status == 1) && o.created_time.date() <= on;
            if let Some(parent) = o.parent_oid.and_then(|p| position.get(&p))
                && live
            {
                children[*parent].push(k);
            }
        }
        Trees {
            data,
            view,
            children,
            position,
        }
    }

    fn node_of_oid(&self, oid: i64, levels: i64) -> Option<Value> {
        // `0` is the vendor's default unit: the root here.
        let k = if oid == 0 {
            0
        } else {
            *self.position.get(&oid)?
        };
        Some(self.node(k, levels))
    }

    fn node(&self, k: usize, levels: i64) -> Value {
        let mut item = serde_json::to_value(Items {
            data: self.data,
            view: self.view,
            what: What::Organization,
            indices: &[k as u32],
        })
        .ok()
        .and_then(|v| match v {
            Value::Array(mut a) if !a.is_empty() => Some(a.swap_remove(0)),
            _ => None,
        })
        .unwrap_or(Value::Null);
        let children: Vec<Value> = if levels > 0 {
            self.children[k]
                .iter()
                .map(|&c| self.node(c, levels - 1))
                .collect()
        } else {
            Vec::new()
        };
        if let Value::Object(m) = &mut item {
            m.insert("children".to_owned(), Value::Array(children));
        }
        item
    }
}
