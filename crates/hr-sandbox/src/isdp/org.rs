//! Organisations, roles and positions: the derived catalogue, the write
//! overlay for organisations, and the paged queries.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::params::{self, Result};
use super::{Early, Isdp, Style, draw, page_json, parse_body};
use crate::data::Dataset;

/// ISDP id of base organisation `k` (the dataset's `Org::isdp_id` scheme).
pub(super) const ORG_ID_BASE: i64 = 9_911_000_000;
/// Ids of organisations created through `batchSaveOrgInfo` start here, after
/// every possible dataset organisation.
const ADDED_ORG_ID_BASE: i64 = 9_912_000_000;
/// Position ids: `POSITION_ID_BASE + 4·k + j` for the `j`-th position of
/// organisation `k`, so a position id maps back to its organisation.
const POSITION_ID_BASE: i64 = 3_000_000;

/// One role of the tenant.
#[derive(Debug, Clone, Copy)]
pub(super) struct Role {
    pub(super) id: i64,
    pub(super) no: &'static str,
    pub(super) name: &'static str,
    pub(super) kind: &'static str,
    pub(super) status: &'static str,
}

/// The tenant's ten roles. The first and fifth are the ones in the
/// vendor's getPersonList example.
pub(super) const ROLES: [Role; 10] = [
    role(
        126290,
        "ConstructionSiteOperator",
        "现场作业人员",
        "Business",
    ),
    role(126291, "ConstructionProjectManager", "项目经理", "Business"),
    role(126292, "ConstructionSupervisor", "现场督导", "Business"),
    role(126293, "SafetyOfficer", "安全员", "Business"),
    role(
        126294,
        "ConstructionProjectAssistant",
        "项目助理/后台人员",
        "Business",
    ),
    role(126295, "QualityInspector", "质量检查员", "Business"),
    role(126296, "WarehouseKeeper", "仓库管理员", "Business"),
    // One disabled role, so that a `status` filter has something to drop.
    Role {
        status: "N",
        ..role(126297, "Surveyor", "勘测工程师", "Business")
    },
    role(126298, "FinanceReviewer", "财务审核员", "Business"),
    role(126299, "TenantAdmin", "租户管理员", "System"),
];

const fn role(id: i64, no: &'static str, name: &'static str, kind: &'static str) -> Role {
    Role {
        id,
        no,
        name,
        kind,
        status: "Y",
    }
}

/// Index of the tenant-admin role, which person 0 holds.
pub(super) const ADMIN_ROLE: usize = 9;

/// Position titles and the role each one carries.
const TITLES: [(&str, usize); 8] = [
    ("现场工程师", 0),
    ("项目经理", 1),
    ("督导", 2),
    ("安全专员", 3),
    ("项目助理", 4),
    ("质检员", 5),
    ("仓管员", 6),
    ("财务专员", 8),
];

/// A position: one to three per dataset organisation.
#[derive(Debug, Clone)]
pub(super) struct Position {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) org_id: i64,
    pub(super) role: usize,
    pub(super) factor: f64,
}

/// Roles and positions, derived once from the dataset's organisations.
#[derive(Debug)]
pub(super) struct Catalog {
    positions: Vec<Position>,
    by_org: Vec<Range<usize>>,
    by_id: HashMap<i64, usize>,
    by_code: HashMap<String, usize>,
}

impl Catalog {
    pub(super) fn new(data: &Dataset) -> Self {
        let seed = data.config().seed;
        let mut positions = Vec::new();
        let mut by_org = Vec::new();
        for (k, org) in data.orgs().iter().enumerate() {
            let first = positions.len();
            let n = 1 + draw(seed ^ 0x9051, k as u64, 1) % 3;
            let offset = draw(seed ^ 0x9051, k as u64, 2) as usize;
            for j in 0..n as usize {
                let (title, role) = TITLES[(offset + j) % TITLES.len()];
                positions.push(Position {
                    id: POSITION_ID_BASE + 4 * k as i64 + j as i64,
                    code: format!("POS{k:05}{j}"),
                    name: format!("{}{title}", org.short_name),
                    org_id: org.isdp_id,
                    role,
                    factor: [1.0, 1.2, 1.5, 2.0][role % 4],
                });
            }
            by_org.push(first..positions.len());
        }
        let by_id = positions
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let by_code = positions
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        Catalog {
            positions,
            by_org,
            by_id,
            by_code,
        }
    }

    /// The positions of dataset organisation `k` (none for added ones).
    pub(super) fn positions_of_org(&self, org_id: i64) -> &[Position] {
        let k = org_id - ORG_ID_BASE;
        match usize::try_from(k).ok().and_then(|k| self.by_org.get(k)) {
            Some(range) => &self.positions[range.clone()],
            None => &[],
        }
    }

    pub(super) fn position(&self, id: i64) -> Option<&Position> {
        self.by_id.get(&id).map(|&i| &self.positions[i])
    }

    pub(super) fn position_by_code(&self, code: &str) -> Option<&Position> {
        self.by_code.get(code).map(|&i| &self.positions[i])
    }

    pub(super) fn role(id: i64) -> Option<usize> {
        ROLES.iter().position(|r| r.id == id)
    }

    pub(super) fn role_by_no(no: &str) -> Option<usize> {
        ROLES.iter().position(|r| r.no == no)
    }
}

/// An organisation as the API currently sees it.
#[derive(Debug, Clone)]
pub(super) struct OrgNode {
    pub(super) id: i64,
    pub(super) no: String,
    pub(super) name: String,
    pub(super) parent: Option<i64>,
    /// 1 for the root.
    pub(super) level: u32,
}

/// What `batchSaveOrgInfo` and `batchDelOrgInfo` changed.
#[derive(Debug, Default, Clone)]
pub(super) struct OrgOverlay {
    /// Replacements of dataset organisations and every added one, by id.
    changed: BTreeMap<i64, OrgEntry>,
    added: i64,
}

#[derive(Debug, Clone)]
struct OrgEntry {
    no: String,
    name: String,
    parent: Option<i64>,
    deleted: bool,
}

/// The merged organisation tree: dataset plus overlay.
#[derive(Debug)]
pub(super) struct OrgTree {
    nodes: Vec<OrgNode>,
    by_id: HashMap<i64, usize>,
    by_no: HashMap<String, usize>,
    children: HashMap<i64, Vec<i64>>,
}

impl OrgTree {
    /// The tree of `data`'s organisations under `overlay`, in O(organisations).
    pub(super) fn build(data: &Dataset, overlay: &OrgOverlay) -> Self {
        // `Dataset::org` is a linear search; an index keeps this linear
        // rather than quadratic in the number of organisations.
        let isdp_id_of: HashMap<i64, i64> =
            data.orgs().iter().map(|o| (o.oid, o.isdp_id)).collect();
        let mut raw: Vec<(i64, OrgEntry)> = Vec::with_capacity(data.orgs().len());
        for org in data.orgs() {
            let entry = overlay
                .changed
                .get(&org.isdp_id)
                .cloned()
                .unwrap_or_else(|| OrgEntry {
                    no: org.code.clone(),
                    name: org.name.clone(),
                    parent: org.parent_oid.and_then(|p| isdp_id_of.get(&p).copied()),
                    deleted: false,
                });
            raw.push((org.isdp_id, entry));
        }
        raw.extend(
            overlay
                .changed
                .range(ADDED_ORG_ID_BASE..)
                .map(|(id, e)| (*id, e.clone())),
        );
        raw.retain(|(_, e)| !e.deleted);

        let parents: HashMap<i64, Option<i64>> =
            raw.iter().map(|(id, e)| (*id, e.parent)).collect();
        let level = |mut id: i64| {
            // Writes refuse cycles; the bound only guards against a bug.
            let mut level = 1;
            while let Some(Some(parent)) = parents.get(&id) {
                level += 1;
                id = *parent;
                if level > 64 {
                    break;
                }
            }
            level
        };
        let nodes: Vec<OrgNode> = raw
            .iter()
            .map(|(id, e)| OrgNode {
                id: *id,
                no: e.no.clone(),
                name: e.name.clone(),
                parent: e.parent,
                level: level(*id),
            })
            .collect();
        let by_id = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        let by_no = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.no.clone(), i))
            .collect();
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        for n in &nodes {
            if let Some(p) = n.parent {
                children.entry(p).or_default().push(n.id);
            }
        }
        OrgTree {
            nodes,
            by_id,
            by_no,
            children,
        }
    }

    pub(super) fn get(&self, id: i64) -> Option<&OrgNode> {
        self.by_id.get(&id).map(|&i| &self.nodes[i])
    }

    pub(super) fn by_no(&self, no: &str) -> Option<&OrgNode> {
        self.by_no.get(no).map(|&i| &self.nodes[i])
    }

    pub(super) fn nodes(&self) -> &[OrgNode] {
        &self.nodes
    }

    /// `id` and every organisation below it.
    pub(super) fn descendants(&self, id: i64) -> HashSet<i64> {
        let mut out = HashSet::new();
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            if out.insert(id) {
                stack.extend(self.children.get(&id).into_iter().flatten());
            }
        }
        out
    }

    /// `id` and every organisation above it.
    fn ancestors(&self, id: i64) -> HashSet<i64> {
        let mut out = HashSet::new();
        let mut next = Some(id);
        while let Some(id) = next {
            if !out.insert(id) {
                break;
            }
            next = self.get(id).and_then(|n| n.parent);
        }
        out
    }
}

fn paged<T>(items: Vec<T>, start: usize, count: usize) -> (Vec<T>, usize) {
    let total = items.len();
    (items.into_iter().skip(start).take(count).collect(), total)
}

/// `POST /openapi/v1/orgOpen/findPagedOrgListWithDirection`: bare page.
pub(super) async fn find_with_direction(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let style = Style::Bare;
    let body = match parse_body(&body, super::ORG_DIRECTION_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    style.respond(with_direction(&isdp, &body))
}

fn with_direction(isdp: &Isdp, body: &Value) -> Result<Value> {
    let (start, count) = params::page(body)?;
    let org_id = params::int(body, "orgId")?;
    let org_no = params::string(body, "orgNo")?;
    let org_name = params::string(body, "orgName")?;
    let direction = params::string(body, "direction")?.unwrap_or_else(|| "down".into());
    let up = match direction.to_ascii_lowercase().as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(format!("direction must be up or down, got {direction}")),
    };
    let snap = isdp.snapshot();
    let tree = &snap.tree;
    let anchor = match (org_id, &org_no) {
        (Some(id), _) => Some(tree.get(id).map(|n| n.id)),
        (None, Some(no)) => Some(tree.by_no(no).map(|n| n.id)),
        (None, None) => None,
    };
    let scope = match anchor {
        None => None,
        Some(None) => Some(HashSet::new()),
        Some(Some(id)) if up => Some(tree.ancestors(id)),
        Some(Some(id)) => Some(tree.descendants(id)),
    };
    let mut items: Vec<&OrgNode> = tree
        .nodes()
        .iter()
        .filter(|n| scope.as_ref().is_none_or(|s| s.contains(&n.id)))
        .filter(|n| {
            org_name
                .as_ref()
                .is_none_or(|q| n.name.contains(q.as_str()))
        })
        .collect();
    // Upwards, the root comes first; downwards, the tree order (parents first).
    if up {
        items.sort_by_key(|n| n.level);
    }
    let (items, total) = paged(items, start, count);
    let data = items
        .iter()
        .map(|n| {
            json!({
                "id": n.id,
                "orgId": n.id,
                "orgNo": n.no,
                "value": n.name,
                "orgName": n.name,
                "orgLevel": n.level,
            })
        })
        .collect();
    Ok(page_json(data, start, total))
}

/// `POST /openapi/v1/organization/findPagedOrgList`: envelope B.
pub(super) async fn find_paged_orgs(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::ORG_LIST_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::B.respond(paged_orgs(&isdp, &body))
}

fn paged_orgs(isdp: &Isdp, body: &Value) -> Result<Value> {
    let (start, count) = params::page(body)?;
    let code = params::string(body, "orgCode")?;
    let name = params::string(body, "orgName")?;
    let snap = isdp.snapshot();
    let tree = &snap.tree;
    let items: Vec<&OrgNode> = tree
        .nodes()
        .iter()
        .filter(|n| code.as_ref().is_none_or(|c| &n.no == c))
        .filter(|n| name.as_ref().is_none_or(|q| n.name.contains(q.as_str())))
        .collect();
    let (items, total) = paged(items, start, count);
    let data = items
        .iter()
        .map(|n| {
            let parent = n.parent.and_then(|p| tree.get(p));
            json!({
                "orgId": n.id,
                "orgCode": n.no,
                "orgName": n.name,
                "parentOrgId": parent.map(|p| p.id),
                "parentOrgCode": parent.map(|p| p.no.clone()),
                "orgLevel": n.level,
            })
        })
        .collect();
    Ok(page_json(data, start, total))
}

/// `POST /openapi/v1/role/findPagedRoleList`: envelope B.
pub(super) async fn find_paged_roles(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::ROLE_LIST_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::B.respond(paged_roles(&isdp, &body))
}

fn paged_roles(isdp: &Isdp, body: &Value) -> Result<Value> {
    let (start, count) = params::page(body)?;
    let none = Value::Null;
    let filter = match params::get(body, "role") {
        None => &none,
        Some(v @ Value::Object(_)) => v,
        Some(_) => return Err("role: expected an object".into()),
    };
    let id = params::int(filter, "roleId")?;
    let no = params::string(filter, "roleNo")?;
    let name = params::string(filter, "roleName")?;
    let kind = params::string(filter, "roleType")?;
    let status = params::string(filter, "status")?;
    let items: Vec<&Role> = ROLES
        .iter()
        .filter(|r| id.is_none_or(|id| r.id == id))
        .filter(|r| no.as_deref().is_none_or(|no| r.no == no))
        .filter(|r| name.as_ref().is_none_or(|q| r.name.contains(q.as_str())))
        .filter(|r| kind.as_deref().is_none_or(|k| r.kind == k))
        .filter(|r| status.as_deref().is_none_or(|s| r.status == s))
        .collect();
    let (items, total) = paged(items, start, count);
    let tenant = isdp.ctx.data.tenant_id();
    let data = items
        .iter()
        .map(|r| {
            json!({
                "roleId": r.id,
                "roleNo": r.no,
                "roleName": r.name,
                "roleType": r.kind,
                "status": r.status,
                "description": null,
                "tenantId": tenant,
            })
        })
        .collect();
    Ok(page_json(data, start, total))
}

/// `POST /openapi/v1/position/findPagedPosition`: bare page.
pub(super) async fn find_paged_positions(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::POSITION_LIST_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::Bare.respond(paged_positions(&isdp, &body))
}

fn paged_positions(isdp: &Isdp, body: &Value) -> Result<Value> {
    let (start, count) = params::page(body)?;
    let name = params::string(body, "positionName")?;
    let code = params::string(body, "positionCode")?;
    let org_id = params::int(body, "orgId")?;
    let snap = isdp.snapshot();
    let tree = &snap.tree;
    let items: Vec<(&Position, &OrgNode)> = isdp
        .catalog
        .positions
        .iter()
        .filter_map(|p| Some((p, tree.get(p.org_id)?)))
        .filter(|(p, _)| org_id.is_none_or(|o| p.org_id == o))
        .filter(|(p, _)| code.as_ref().is_none_or(|c| &p.code == c))
        .filter(|(p, _)| name.as_ref().is_none_or(|q| p.name.contains(q.as_str())))
        .collect();
    let (items, total) = paged(items, start, count);
    let data = items
        .iter()
        .map(|(p, org)| {
            let r = &ROLES[p.role];
            json!({
                "positionId": p.id,
                "positionCode": p.code,
                "positionName": p.name,
                "orgId": org.id,
                "orgName": org.name,
                "orgNo": org.no,
                "positionFactor": p.factor,
                "rolesList": [{"roleId": r.id, "roleNo": r.no, "roleName": r.name}],
            })
        })
        .collect();
    Ok(page_json(data, start, total))
}

/// `POST /openapi/v1/orgOpen/batchSaveOrgInfo`: envelope C.
pub(super) async fn batch_save(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::ORG_SAVE_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let items = match batch_items(&body, &["orgInfoList"], super::MAX_ORG_BATCH) {
        Ok(items) => items,
        Err(refusal) => return refusal.into_response(),
    };
    let results = isdp.write(|snap| {
        items
            .iter()
            .map(|item| {
                let no = params::string(item, "orgNo").ok().flatten();
                let outcome = save_org(&mut snap.orgs, &snap.tree, item);
                if outcome.is_ok() {
                    // Later items of the batch may hang below this one.
                    snap.tree = Arc::new(OrgTree::build(&isdp.ctx.data, &snap.orgs));
                }
                match outcome {
                    Ok(id) => {
                        json!({"orgNo": no, "orgId": id, "status": "success", "msg": "success"})
                    }
                    Err(msg) => json!({"orgNo": no, "orgId": null, "status": "failed", "msg": msg}),
                }
            })
            .collect()
    });
    super::batch_response(results)
}

/// Creates or changes one organisation; `tree` is the tree before.
fn save_org(overlay: &mut OrgOverlay, tree: &OrgTree, item: &Value) -> Result<i64> {
    let no = params::string(item, "orgNo")?.ok_or("orgNo is required")?;
    let name = params::string(item, "orgName")?.ok_or("orgName is required")?;
    let parent_no = params::string(item, "parentOrgNo")?;
    let parent = match &parent_no {
        Some(p) => Some(
            tree.by_no(p)
                .ok_or_else(|| format!("parent organisation {p} does not exist"))?
                .id,
        ),
        None => None,
    };
    if let Some(existing) = tree.by_no(&no) {
        let id = existing.id;
        // Keep the parent when none is given; refuse to hang a node below itself.
        let parent = parent.or(existing.parent);
        if let Some(p) = parent
            && tree.descendants(id).contains(&p)
        {
            return Err(format!("organisation {no} cannot move below itself"));
        }
        if existing.parent.is_none() && parent.is_some() {
            return Err("the root organisation cannot be moved".into());
        }
        overlay.changed.insert(
            id,
            OrgEntry {
                no,
                name,
                parent,
                deleted: false,
            },
        );
        return Ok(id);
    }
    let parent = parent.ok_or("parentOrgNo is required for a new organisation")?;
    overlay.added += 1;
    let id = ADDED_ORG_ID_BASE + overlay.added;
    overlay.changed.insert(
        id,
        OrgEntry {
            no,
            name,
            parent: Some(parent),
            deleted: false,
        },
    );
    Ok(id)
}

/// `POST /openapi/v1/orgOpen/batchDelOrgInfo`: envelope C.
pub(super) async fn batch_delete(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::ORG_DELETE_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let items = match batch_items(&body, &["orgNoList", "orgInfoList"], super::MAX_ORG_BATCH) {
        Ok(items) => items,
        Err(refusal) => return refusal.into_response(),
    };
    let results = isdp.write(|snap| {
        items
            .iter()
            .map(|item| {
                // Either a bare code or an `{orgNo}` object.
                let no = match item {
                    Value::Object(_) => params::string(item, "orgNo").ok().flatten(),
                    other => params::string(&json!({"v": other}), "v").ok().flatten(),
                };
                let outcome = delete_org(&mut snap.orgs, &snap.tree, no.as_deref());
                if outcome.is_ok() {
                    snap.tree = Arc::new(OrgTree::build(&isdp.ctx.data, &snap.orgs));
                }
                match outcome {
                    Ok(id) => {
                        json!({"orgNo": no, "orgId": id, "status": "success", "msg": "success"})
                    }
                    Err(msg) => json!({"orgNo": no, "orgId": null, "status": "failed", "msg": msg}),
                }
            })
            .collect()
    });
    super::batch_response(results)
}

/// Deletes one organisation; `tree` is the tree before.
fn delete_org(overlay: &mut OrgOverlay, tree: &OrgTree, no: Option<&str>) -> Result<i64> {
    let no = no.ok_or("orgNo is required")?;
    let node = tree
        .by_no(no)
        .ok_or_else(|| format!("organisation {no} does not exist"))?;
    if tree.children.get(&node.id).is_some_and(|c| !c.is_empty()) {
        return Err(format!("organisation {no} has child organisations"));
    }
    overlay.changed.insert(
        node.id,
        OrgEntry {
            no: node.no.clone(),
            name: node.name.clone(),
            parent: node.parent,
            deleted: true,
        },
    );
    Ok(node.id)
}

/// The items of a batch write under the first of `keys` present (or the
/// body itself when it is a bare array), refused as a whole over `limit`.
pub(super) fn batch_items(
    body: &Value,
    keys: &[&str],
    limit: usize,
) -> std::result::Result<Vec<Value>, Early> {
    let list = match body {
        Value::Array(items) => Some(items),
        _ => keys.iter().find_map(|k| params::get(body, k)?.as_array()),
    };
    let Some(list) = list.filter(|l| !l.is_empty()) else {
        return Err(Early::BatchRefused {
            msg: format!("{} is required and must be a non-empty list", keys[0]),
            items: 0,
        });
    };
    if list.len() > limit {
        return Err(Early::BatchRefused {
            msg: format!(
                "{} has {} items; at most {limit} are allowed per call",
                keys[0],
                list.len()
            ),
            items: list.len(),
        });
    }
    Ok(list.clone())
}
