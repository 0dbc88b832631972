//! Persons: derivation from the dataset, the write overlay, the
//! getPersonList filters, and the person write APIs.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use super::org::{ADMIN_ROLE, Catalog, OrgTree, ROLES};
use super::params::{self, Result};
use super::{API_USER_ID, Isdp, Snapshot, Style, draw, page_json, parse_body, unit};
use crate::data::{Dataset, ISDP_PERSON_ID_BASE};

/// Persons added through `batchAdd` get ids from here on, above every
/// dataset `personId`, so that "order by personId" lists them last.
const ADDED_PERSON_ID_BASE: i64 = 7_000_000;
/// `userId`s of added persons.
const ADDED_USER_ID_BASE: i64 = 9_000_000;

/// ISDP's person type codes.
const PERSON_TYPES: [&str; 5] = ["Admin", "Customer", "Employee", "Other", "Supplier"];
/// ISDP's person status codes.
const PERSON_STATUSES: [&str; 5] = [
    "NoAccountOpened",
    "OpeningAccount",
    "OpenAccount",
    "Freeze",
    "Cancel",
];
/// The extension fields getPersonList returns (5 and 6 are not in the list).
pub(super) const UDF_FIELDS: [&str; 8] = [
    "udfExtend1",
    "udfExtend2",
    "udfExtend3",
    "udfExtend4",
    "udfExtend7",
    "udfExtend8",
    "udfExtend9",
    "udfExtend10",
];

/// One person as ISDP holds it, with the phone and certificate number in
/// clear; they are masked on the way out.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PersonRecord {
    pub(super) person_id: i64,
    pub(super) user_id: i64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) person_type: String,
    pub(super) status: String,
    pub(super) phone: String,
    pub(super) org_id: i64,
    pub(super) roles: Vec<usize>,
    pub(super) positions: Vec<i64>,
    pub(super) picture_status: &'static str,
    pub(super) picture_id: String,
    pub(super) certificate_type: String,
    pub(super) certificate_no: Option<String>,
    pub(super) smart_device: bool,
    pub(super) black_list: bool,
    pub(super) integration_account: String,
    pub(super) qualification_code: Option<String>,
    pub(super) last_updated_by: i64,
    pub(super) last_update: NaiveDateTime,
    pub(super) udf: BTreeMap<String, String>,
}

/// Person `index` of the dataset, with the ISDP-only fields drawn from the
/// same seed.
pub(super) fn base_record(data: &Dataset, catalog: &Catalog, index: usize) -> PersonRecord {
    let p = data.person(index);
    let seed = data.config().seed ^ 0x15D9;
    let d = |salt| draw(seed, index as u64, salt);
    let u = |salt| unit(d(salt));
    // Departed people are deregistered; a few others are frozen or not yet
    // opened, as in a real tenant.
    let status = if p.has_left() {
        "Cancel"
    } else {
        match u(1) {
            x if x < 0.03 => "Freeze",
            x if x < 0.06 => "NoAccountOpened",
            x if x < 0.07 => "OpeningAccount",
            _ => "OpenAccount",
        }
    };
    let person_type = if index == 0 {
        "Admin"
    } else {
        match u(2) {
            x if x < 0.94 => "Employee",
            x if x < 0.97 => "Supplier",
            x if x < 0.99 => "Other",
            _ => "Customer",
        }
    };
    // Smart-device accounts (site cameras, gates) are "Other" persons.
    let smart_device = person_type == "Other" && u(3) < 0.5;
    let has_picture = u(4) < 0.7;
    let positions_here = catalog.positions_of_org(p.isdp_org_id);
    let position = (!positions_here.is_empty() && u(7) < 0.85)
        .then(|| &positions_here[(d(8) % positions_here.len() as u64) as usize]);
    let mut roles = vec![position.map_or(0, |pos| pos.role)];
    if u(9) < 0.2 {
        let extra = (d(10) % (ROLES.len() as u64 - 1)) as usize;
        if !roles.contains(&extra) {
            roles.push(extra);
        }
    }
    if index == 0 {
        roles.push(ADMIN_ROLE);
    }
    let with_certificate = u(6) < 0.3;
    PersonRecord {
        person_id: p.isdp_person_id,
        user_id: p.isdp_user_id,
        code: p.job_number,
        name: p.name,
        person_type: person_type.into(),
        status: status.into(),
        phone: p.mobile,
        org_id: p.isdp_org_id,
        roles,
        positions: position.map(|pos| pos.id).into_iter().collect(),
        picture_status: if has_picture {
            "CollectionSucceeded"
        } else {
            "CollectionFailed"
        },
        picture_id: if has_picture {
            format!("{:016x}", d(5))
        } else {
            String::new()
        },
        certificate_type: if with_certificate { "IDCard" } else { "" }.into(),
        certificate_no: with_certificate.then_some(p.id_number),
        smart_device,
        black_list: u(11) < 0.01,
        integration_account: if u(12) < 0.2 {
            p.email.split('@').next().unwrap_or_default().to_owned()
        } else {
            String::new()
        },
        qualification_code: (u(13) < 0.1).then(|| format!("{}", 1001 + d(14) % 20)),
        // Some colleague's `userId` (the dataset gives person i `8_000_000 + i`).
        last_updated_by: 8_000_000 + (d(15) % data.generated_len() as u64) as i64,
        last_update: p.modified_time,
        udf: BTreeMap::new(),
    }
}

/// `135******78`: the first three and last two digits, as ISDP masks phones.
pub(super) fn mask_phone(phone: &str) -> String {
    mask(phone, 3, 2)
}

fn mask(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Whether the `phone` filter matches: the full number, or a pattern of the
/// same length in which `*` stands for any digit (`135******78`, or the
/// documentation's `135*******8`), so a masked phone read back finds its
/// person.
fn phone_matches(pattern: &str, phone: &str) -> bool {
    pattern.chars().count() == phone.chars().count()
        && pattern
            .chars()
            .zip(phone.chars())
            .all(|(p, c)| p == '*' || p == c)
}

/// The person as getPersonList returns it: the vendor example's shape,
/// string ids inside `positionInfo`/`roleInfo`, capital-O `Org`, masked
/// phone and certificate number.
pub(super) fn person_json(
    rec: &PersonRecord,
    tree: &OrgTree,
    catalog: &Catalog,
    tenant_id: i64,
) -> Value {
    let org = tree.get(rec.org_id).map(
        |o| json!({"id": o.id, "orgId": o.id, "value": o.name, "orgName": o.name, "orgNo": o.no}),
    );
    let positions: Vec<Value> = rec
        .positions
        .iter()
        .filter_map(|id| catalog.position(*id))
        .map(|p| {
            json!({"positionName": p.name, "positionId": p.id.to_string(), "positionCode": p.code})
        })
        .collect();
    let roles: Vec<Value> = rec
        .roles
        .iter()
        .map(|&r| &ROLES[r])
        .map(|r| json!({"roleId": r.id.to_string(), "roleCode": r.no, "roleName": r.name}))
        .collect();
    let mut out = json!({
        "personId": rec.person_id,
        "profilePictureStatus": rec.picture_status,
        "personCode": rec.code,
        "personName": rec.name,
        "qualificationCode": rec.qualification_code,
        "personType": rec.person_type,
        "tenantId": tenant_id,
        "certificateType": rec.certificate_type,
        "certificateNo": rec.certificate_no.as_deref().map(|c| mask(c, 6, 4)),
        "profilePictureId": rec.picture_id,
        "blackList": u8::from(rec.black_list),
        "reason": rec.black_list.then_some("sandbox: on the black list"),
        "phone": mask_phone(&rec.phone),
        "adminOrgId": rec.org_id,
        "integrationAccount": rec.integration_account,
        "lastUpdatedBy": rec.last_updated_by,
        "lastUpdateDate": rec.last_update.format("%Y-%m-%dT%H:%M:%S%.3f+08:00").to_string(),
        "personStatus": rec.status,
        "isSmartDevice": if rec.smart_device { "Y" } else { "N" },
        "userId": rec.user_id,
        "Org": org,
        "positionInfo": positions,
        "roleInfo": roles,
    });
    if let Value::Object(map) = &mut out {
        for key in UDF_FIELDS {
            map.insert(key.into(), json!(rec.udf.get(key)));
        }
    }
    out
}

/// The person as findPersonByUserIdListPlainText returns it: the fields
/// of the vendor's table (api_01_0113), the phone and certificate number
/// in clear, `profilePictureId` a number.
pub(super) fn plain_person_json(rec: &PersonRecord, tree: &OrgTree, tenant_id: i64) -> Value {
    // A Chinese name is the family name's character and the given name.
    let mut chars = rec.name.chars();
    let last_name: String = chars.next().map(String::from).unwrap_or_default();
    let first_name: String = chars.collect();
    let (customer, supplier) = match rec.person_type.as_str() {
        "Customer" => (true, false),
        "Supplier" => (false, true),
        _ => (false, false),
    };
    // Customers and suppliers belong to a company of their own; its id and
    // name are derived from the person's, as nothing else records them.
    let company = |kind: &str| format!("{kind}{:03}", rec.person_id % 97);
    json!({
        "personId": rec.person_id,
        "personGroupId": null,
        "blackList": u8::from(rec.black_list),
        "reason": rec.black_list.then_some("sandbox: on the black list"),
        "profilePictureStatus": rec.picture_status,
        "profilePictureId": rec
            .picture_id
            .get(..12)
            .and_then(|h| i64::from_str_radix(h, 16).ok()),
        "personCode": rec.code,
        "firstName": first_name,
        "lastName": last_name,
        "personName": rec.name,
        "qualificationCode": rec.qualification_code,
        "personType": rec.person_type,
        "tenantId": tenant_id,
        "description": null,
        "phone": rec.phone,
        "adminOrgId": rec.org_id,
        "orgName": tree.get(rec.org_id).map(|o| o.name.clone()),
        "customerId": customer.then_some(600_000 + rec.person_id % 97),
        "customerName": customer.then(|| company("客户")),
        "supplierId": supplier.then_some(700_000 + rec.person_id % 97),
        "supplierName": supplier.then(|| company("供应商")),
        "openAccount": if rec.status == "OpenAccount" { "Y" } else { "N" },
        "account": rec.code,
        "headFileId": null,
        "faceFileId": null,
    })
}

/// `POST /openapi/v1/person/findPersonByUserIdListPlainText`
/// `{userIdList: [...]}`: a bare page of the persons of those users, in
/// the order asked, each once; unknown ids are left out.
pub(super) async fn find_by_user_ids(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_PLAIN_TEXT_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::Bare.respond(find_by_user_ids_of(&isdp, &body))
}

fn find_by_user_ids_of(isdp: &Isdp, body: &Value) -> Result<Value> {
    let ids = params::ints(body, "userIdList")?.ok_or("userIdList is required")?;
    let snap = isdp.snapshot();
    let people = isdp.people(&snap);
    let tenant = isdp.ctx.data.tenant_id();
    let mut seen = HashSet::new();
    let data: Vec<Value> = ids
        .into_iter()
        .filter(|id| seen.insert(*id))
        .filter_map(|id| people.find_user(id))
        .filter_map(|id| people.get(id))
        .map(|rec| plain_person_json(&rec, &snap.tree, tenant))
        .collect();
    let total = data.len();
    Ok(page_json(data, 0, total))
}

/// `POST /openapi/v1/person/findPersonByUserIdList` `{userIdList: [...]}`
/// (api_01_0112): a bare array of the persons of those users, in the order
/// asked, each once, unknown ids left out; the fields of the plain-text
/// read with the personal data masked as the vendor masks it (phone
/// `135******78`), the shape of the published example (api_01_0113).
pub(super) async fn find_by_user_ids_masked(
    State(isdp): State<Arc<Isdp>>,
    body: Bytes,
) -> Response {
    let body = match parse_body(&body, super::PERSON_MASKED_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::Bare.respond(find_by_user_ids_masked_of(&isdp, &body))
}

fn find_by_user_ids_masked_of(isdp: &Isdp, body: &Value) -> Result<Value> {
    let ids = params::ints(body, "userIdList")?.ok_or("userIdList is required")?;
    let snap = isdp.snapshot();
    let people = isdp.people(&snap);
    let tenant = isdp.ctx.data.tenant_id();
    let mut seen = HashSet::new();
    let data: Vec<Value> = ids
        .into_iter()
        .filter(|id| seen.insert(*id))
        .filter_map(|id| people.find_user(id))
        .filter_map(|id| people.get(id))
        .map(|rec| {
            let mut v = plain_person_json(&rec, &snap.tree, tenant);
            v["phone"] = json!(mask_phone(&rec.phone));
            if let Value::Object(map) = &mut v {
                map.insert("integrationAccount".into(), json!(rec.integration_account));
                map.insert("status".into(), json!(0));
                map.insert("lastUpdatedBy".into(), json!(rec.last_updated_by));
                map.insert(
                    "lastUpdateDate".into(),
                    json!(rec.last_update.and_utc().timestamp_millis() - 8 * 3_600_000),
                );
                map.insert("personStatus".into(), json!(rec.status));
                map.insert("userId".into(), json!(rec.user_id));
            }
            v
        })
        .collect();
    Ok(Value::Array(data))
}

/// `POST /openapi/v1/person/findPersonMoreInfoByPersonCode` `{personCode}`
/// (api_01_0340): the bare person object with the reference's fields
/// (e-mail, audit fields, digests of phone and e-mail), phone and e-mail in
/// clear; `null` when no person has the code. A missing `personCode` is
/// refused like the other reads.
pub(super) async fn find_more_info_by_code(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_MORE_INFO_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::Bare.respond(find_more_info_of(&isdp, &body))
}

fn find_more_info_of(isdp: &Isdp, body: &Value) -> Result<Value> {
    let code = match body.get("personCode") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => return Err("personCode is required".into()),
    };
    let snap = isdp.snapshot();
    let people = isdp.people(&snap);
    let Some(rec) = people.find_code(&code).and_then(|id| people.get(id)) else {
        return Ok(Value::Null);
    };
    let tenant = isdp.ctx.data.tenant_id();
    let email = isdp
        .ctx
        .data
        .index_of_isdp_person_id(rec.person_id)
        .map(|i| isdp.ctx.data.person(i).email);
    // Digests the sandbox chooses (FNV-1a): stable, and never the value itself.
    let digest = |s: &str| {
        let h = s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{h:016x}")
    };
    let mut chars = rec.name.chars();
    let last_name: String = chars.next().map(String::from).unwrap_or_default();
    let first_name: String = chars.collect();
    let millis = |t: chrono::NaiveDateTime| t.and_utc().timestamp_millis() - 8 * 3_600_000;
    let mut out = json!({
        "status": 0,
        "entityName": "person",
        "appName": "pub-server",
        "lastUpdateDate": millis(rec.last_update),
        "lastUpdatedBy": rec.last_updated_by,
        "creationDate": millis(rec.last_update - chrono::Duration::days(30)),
        "createdBy": rec.last_updated_by,
        "deleteFlag": 0,
        "integrationAccount": rec.integration_account,
        "userId": rec.user_id,
        "account": rec.code,
        "adminOrgId": rec.org_id,
        "phone": rec.phone,
        "email": email,
        "tenantId": tenant,
        "personType": rec.person_type,
        "qualificationCode": rec.qualification_code,
        "personName": rec.name,
        "lastName": last_name,
        "firstName": first_name,
        "personCode": rec.code,
        "personId": rec.person_id,
        "personStatus": rec.status,
        "profilePictureStatus": rec.picture_status,
        "profilePictureId": rec.picture_id,
        "phoneHash": digest(&rec.phone),
        "emailHash": email.as_deref().map(digest),
        "isSmartDevice": if rec.smart_device { "Y" } else { "N" },
    });
    if let Value::Object(map) = &mut out {
        for key in [
            "udfExtend1",
            "udfExtend2",
            "udfExtend3",
            "udfExtend4",
            "udfExtend5",
            "udfExtend7",
        ] {
            map.insert(key.into(), json!(rec.udf.get(key)));
        }
    }
    Ok(out)
}

/// Persons written through the API: changed dataset persons and added ones,
/// by `personId`.
#[derive(Debug, Default, Clone)]
pub(super) struct Overlay {
    records: BTreeMap<i64, PersonRecord>,
    /// `personCode` → `personId` for every record in `records`.
    codes: HashMap<String, i64>,
    added: i64,
}

/// A view of all persons: the dataset under the overlay.
pub(super) struct People<'a> {
    pub(super) data: &'a Dataset,
    pub(super) catalog: &'a Catalog,
    pub(super) overlay: &'a Overlay,
}

impl People<'_> {
    fn base_index(&self, person_id: i64) -> Option<usize> {
        self.data.index_of_isdp_person_id(person_id)
    }

    pub(super) fn get(&self, person_id: i64) -> Option<PersonRecord> {
        if let Some(rec) = self.overlay.records.get(&person_id) {
            return Some(rec.clone());
        }
        self.base_index(person_id)
            .map(|i| base_record(self.data, self.catalog, i))
    }

    /// The `personId` holding `code` now.
    pub(super) fn find_code(&self, code: &str) -> Option<i64> {
        if let Some(id) = self.overlay.codes.get(code) {
            return Some(*id);
        }
        let id = ISDP_PERSON_ID_BASE + self.data.index_of_job_number(code)? as i64;
        // A dataset person whose code was changed no longer answers to it.
        match self.overlay.records.get(&id) {
            Some(rec) if rec.code != code => None,
            _ => Some(id),
        }
    }

    /// The `personId` of the person with this `userId`.
    pub(super) fn find_user(&self, user_id: i64) -> Option<i64> {
        if let Some(n) = user_id.checked_sub(ADDED_USER_ID_BASE).filter(|n| *n > 0) {
            let id = ADDED_PERSON_ID_BASE + n;
            if self.overlay.records.contains_key(&id) {
                return Some(id);
            }
        }
        // Dataset persons' `userId`s follow their index.
        let first = (!self.data.is_empty()).then(|| self.data.person(0).isdp_user_id)?;
        let index = usize::try_from(user_id.checked_sub(first)?).ok()?;
        (index < self.data.len() && self.data.person(index).isdp_user_id == user_id)
            .then_some(ISDP_PERSON_ID_BASE + index as i64)
    }

    fn total(&self) -> usize {
        self.data.len() + self.overlay.records.range(ADDED_PERSON_ID_BASE..).count()
    }

    /// Every `personId`, ascending, from the `start`-th on.
    fn ids_from(&self, start: usize) -> impl Iterator<Item = i64> + '_ {
        let base = self.data.len();
        // Skipping arithmetically rather than with `Iterator::skip`, so a
        // deep page of a million people costs a page.
        let added_skip = start.saturating_sub(base);
        (start.min(base) as i64..base as i64)
            .map(|i| ISDP_PERSON_ID_BASE + i)
            .chain(
                self.overlay
                    .records
                    .range(ADDED_PERSON_ID_BASE..)
                    .map(|(id, _)| *id)
                    .skip(added_skip),
            )
    }

    /// Calls `f` with every person matching `filter`, in `personId` order,
    /// until it returns `false`. One pass over the candidates, building
    /// each person; heavy over a large dataset, so callers run it on the
    /// blocking pool.
    pub(super) fn for_each_match(
        &self,
        filter: &PersonFilter,
        tree: &OrgTree,
        mut f: impl FnMut(PersonRecord) -> bool,
    ) {
        let resolved = filter.resolve(tree);
        let candidates: Box<dyn Iterator<Item = i64> + '_> = match filter.candidate_ids(self) {
            Some(ids) => Box::new(ids.into_iter()),
            None => Box::new(self.ids_from(0)),
        };
        for id in candidates {
            if let Some(rec) = self.get(id)
                && filter.matches(&rec, &resolved, self.catalog)
                && !f(rec)
            {
                return;
            }
        }
    }

    /// The `personId`s matching `filter`, ascending.
    fn matching_ids(&self, filter: &PersonFilter, tree: &OrgTree) -> Vec<i64> {
        let mut ids = Vec::new();
        self.for_each_match(filter, tree, |rec| {
            ids.push(rec.person_id);
            true
        });
        ids
    }
}

impl Overlay {
    fn put(&mut self, rec: PersonRecord) {
        if let Some(old) = self.records.get(&rec.person_id)
            && self.codes.get(&old.code) == Some(&rec.person_id)
        {
            self.codes.remove(&old.code);
        }
        self.codes.insert(rec.code.clone(), rec.person_id);
        self.records.insert(rec.person_id, rec);
    }
}

/// How many filtered results [`QueryCache`] remembers.
const CACHED_QUERIES: usize = 4;

/// The matching ids of one filter at one snapshot version, computed once
/// however many requests ask for it at the same time.
type CachedIds = Arc<OnceCell<Arc<Vec<i64>>>>;

/// What a cached result was computed from: the snapshot version (ISDP
/// writes) and the dataset's revision (the sandbox's own changes, such as
/// [`Sandbox::hire`](crate::Sandbox::hire)). Both only grow.
type Version = (u64, u64);

/// The matching ids of recent filtered queries, so that paging through a
/// filtered result over a million people scans them once rather than once
/// per page, and so that concurrent requests for the same filter share one
/// scan. Keyed by the parsed filter (not the request text, so key order,
/// `roleId` vs `roleIds` or `"a;b"` vs `"b;a"` do not matter) and the
/// snapshot version and dataset revision (so every write and every
/// change to the dataset makes older results unreachable).
#[derive(Default)]
pub(super) struct QueryCache {
    entries: Mutex<VecDeque<(Version, PersonFilter, CachedIds)>>,
}

impl QueryCache {
    /// The cell for `filter` at `version`, created if new. The lock is held
    /// only to find or insert the cell, never while it is computed.
    fn cell(&self, version: Version, filter: &PersonFilter) -> CachedIds {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, cell)) = entries
            .iter()
            .find(|(v, f, _)| *v == version && f == filter)
        {
            return cell.clone();
        }
        // Results of older versions can never be asked for again.
        entries.retain(|(v, _, _)| *v == version || v.0 > version.0 || v.1 > version.1);
        if entries.len() >= CACHED_QUERIES {
            entries.pop_front();
        }
        let cell = CachedIds::default();
        entries.push_back((version, filter.clone(), cell.clone()));
        cell
    }
}

/// The `personId`s matching `filter` in `snap`, from the cache or from a
/// scan on the blocking pool. No lock is held during the scan, and
/// concurrent requests for the same filter wait for the same scan.
async fn matching_ids(
    isdp: &Arc<Isdp>,
    snap: &Arc<Snapshot>,
    filter: &PersonFilter,
) -> Result<Arc<Vec<i64>>> {
    if filter.is_narrow() {
        // A few hundred people at most: cheaper than a thread hop, and kept
        // out of the cache so as not to evict a scan a client is paging.
        return Ok(Arc::new(isdp.people(snap).matching_ids(filter, &snap.tree)));
    }
    let cell = isdp
        .queries
        .cell((snap.version, isdp.ctx.data.revision()), filter);
    let ids = cell
        .get_or_try_init(|| {
            let (isdp, snap, filter) = (isdp.clone(), snap.clone(), filter.clone());
            async move {
                tokio::task::spawn_blocking(move || {
                    isdp.ctx.counters.incr("scans.isdp.persons");
                    Arc::new(isdp.people(&snap).matching_ids(&filter, &snap.tree))
                })
                .await
                .map_err(|e| format!("sandbox: the person scan failed: {e}"))
            }
        })
        .await?;
    Ok(ids.clone())
}

/// How `orgName` matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum OrgNameFilter {
    /// One name: a prefix ("right-fuzzy") match.
    Prefix(String),
    /// Several `;`-separated names: exact matches.
    Exact(BTreeSet<String>),
}

/// The getPersonList (and exportPersonModel) filters, all optional and
/// combined with AND, normalised so that two requests meaning the same
/// compare equal: lists are sets, `roleId` and `roleIds` are one field, and
/// `orgIncludeChild` counts only with an organisation id or number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(super) struct PersonFilter {
    ids: Option<BTreeSet<i64>>,
    codes: Option<BTreeSet<String>>,
    code_like: Option<String>,
    names: Option<BTreeSet<String>>,
    name_like: Option<String>,
    statuses: Option<BTreeSet<String>>,
    types: Option<BTreeSet<String>>,
    org_ids: Option<BTreeSet<i64>>,
    org_nos: Option<BTreeSet<String>>,
    include_child: bool,
    org_name: Option<OrgNameFilter>,
    phone: Option<String>,
    role_ids: Option<BTreeSet<i64>>,
    role_nos: Option<BTreeSet<String>>,
    role_names: Option<BTreeSet<String>>,
    position_ids: Option<BTreeSet<i64>>,
    position_codes: Option<BTreeSet<String>>,
    position_names: Option<BTreeSet<String>>,
    smart_device: Option<bool>,
    picture_status: Option<String>,
}

/// Organisation filters turned into sets of organisation ids.
pub(super) struct ResolvedOrgs {
    by_id: Option<HashSet<i64>>,
    by_no: Option<HashSet<i64>>,
    by_name: Option<HashSet<i64>>,
}

fn set<T: Ord>(list: Option<Vec<T>>) -> Option<BTreeSet<T>> {
    list.map(|v| v.into_iter().collect())
}

impl PersonFilter {
    pub(super) fn parse(body: &Value) -> Result<Self> {
        let semis = |key| -> Result<Option<BTreeSet<String>>> {
            Ok(params::string(body, key)?
                .map(|s| params::split(&s, ';').into_iter().collect::<BTreeSet<_>>())
                .filter(|l| !l.is_empty()))
        };
        let ids = params::ints(body, "idList")?;
        let org_ids = params::ints(body, "orgIdList")?;
        for (key, len) in [
            ("idList", ids.as_ref().map_or(0, Vec::len)),
            ("orgIdList", org_ids.as_ref().map_or(0, Vec::len)),
        ] {
            if len > super::MAX_ID_LIST {
                return Err(format!(
                    "{key} has {len} ids; at most {} are allowed",
                    super::MAX_ID_LIST
                ));
            }
        }
        // The documentation's own example sends `roleId`, its table `roleIds`.
        let role_ids = match params::ints(body, "roleIds")? {
            Some(ids) => Some(ids),
            None => params::ints(body, "roleId")?,
        };
        let smart_device = match params::string(body, "isSmartDevice")? {
            None => None,
            Some(s) if s.eq_ignore_ascii_case("Y") => Some(true),
            Some(s) if s.eq_ignore_ascii_case("N") => Some(false),
            Some(s) => return Err(format!("isSmartDevice must be Y or N, got {s}")),
        };
        let org_nos = set(params::strings(body, "orgNoList")?);
        let include_child = params::flag(body, "orgIncludeChild")?.unwrap_or(false)
            && (org_ids.is_some() || org_nos.is_some());
        let org_name = params::string(body, "orgName")?.map(|q| {
            if q.contains(';') {
                OrgNameFilter::Exact(params::split(&q, ';').into_iter().collect())
            } else {
                OrgNameFilter::Prefix(q.trim().to_owned())
            }
        });
        Ok(PersonFilter {
            ids: set(ids),
            codes: set(params::strings(body, "personCodeList")?),
            code_like: params::string(body, "personCode")?,
            names: set(params::strings(body, "personNameList")?),
            name_like: params::string(body, "personName")?,
            statuses: semis("personStatus")?,
            types: semis("personType")?,
            org_ids: set(org_ids),
            org_nos,
            include_child,
            org_name,
            phone: params::string(body, "phone")?,
            role_ids: set(role_ids),
            role_nos: set(params::strings(body, "roleNo")?),
            role_names: semis("roleName")?,
            position_ids: set(params::ints(body, "positionIds")?),
            position_codes: set(params::strings(body, "positionCode")?),
            position_names: semis("positionName")?,
            smart_device,
            picture_status: params::string(body, "profilePictureStatus")?,
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        *self == PersonFilter::default()
    }

    /// Whether only a few persons can match: `idList` (at most
    /// [`MAX_ID_LIST`](super::MAX_ID_LIST) ids) or a `personCodeList` as
    /// short.
    fn is_narrow(&self) -> bool {
        self.ids.is_some()
            || self
                .codes
                .as_ref()
                .is_some_and(|c| c.len() <= super::MAX_ID_LIST)
    }

    /// With `idList` or `personCodeList`, the few persons worth looking at,
    /// ascending; otherwise `None` (everyone).
    fn candidate_ids(&self, people: &People<'_>) -> Option<BTreeSet<i64>> {
        let from_codes: Option<BTreeSet<i64>> = self
            .codes
            .as_ref()
            .map(|codes| codes.iter().filter_map(|c| people.find_code(c)).collect());
        match (&self.ids, from_codes) {
            (Some(ids), Some(codes)) => Some(ids.intersection(&codes).copied().collect()),
            (Some(ids), None) => Some(ids.clone()),
            (None, codes) => codes,
        }
    }

    pub(super) fn resolve(&self, tree: &OrgTree) -> ResolvedOrgs {
        let expand = |roots: Vec<i64>| -> HashSet<i64> {
            if self.include_child {
                roots
                    .into_iter()
                    .flat_map(|r| tree.descendants(r))
                    .collect()
            } else {
                roots.into_iter().collect()
            }
        };
        let by_id = self
            .org_ids
            .as_ref()
            .map(|ids| expand(ids.iter().copied().collect()));
        let by_no = self.org_nos.as_ref().map(|nos| {
            expand(
                nos.iter()
                    .filter_map(|no| tree.by_no(no).map(|o| o.id))
                    .collect(),
            )
        });
        let by_name = self.org_name.as_ref().map(|q| {
            tree.nodes()
                .iter()
                .filter(|o| match q {
                    OrgNameFilter::Exact(names) => names.contains(&o.name),
                    OrgNameFilter::Prefix(prefix) => o.name.starts_with(prefix.as_str()),
                })
                .map(|o| o.id)
                .collect()
        });
        ResolvedOrgs {
            by_id,
            by_no,
            by_name,
        }
    }

    fn matches(&self, rec: &PersonRecord, orgs: &ResolvedOrgs, catalog: &Catalog) -> bool {
        fn any<T>(list: &Option<T>, test: impl FnOnce(&T) -> bool) -> bool {
            list.as_ref().is_none_or(test)
        }
        let positions = || rec.positions.iter().filter_map(|id| catalog.position(*id));
        any(&self.ids, |ids| ids.contains(&rec.person_id))
            && any(&self.codes, |c| c.contains(&rec.code))
            && any(&self.code_like, |q| rec.code.contains(q.as_str()))
            && any(&self.names, |n| n.contains(&rec.name))
            && any(&self.name_like, |q| rec.name.contains(q.as_str()))
            && any(&self.statuses, |s| s.contains(&rec.status))
            && any(&self.types, |t| t.contains(&rec.person_type))
            && any(&orgs.by_id, |o| o.contains(&rec.org_id))
            && any(&orgs.by_no, |o| o.contains(&rec.org_id))
            && any(&orgs.by_name, |o| o.contains(&rec.org_id))
            && any(&self.phone, |p| phone_matches(p, &rec.phone))
            && any(&self.role_ids, |ids| {
                rec.roles.iter().any(|&r| ids.contains(&ROLES[r].id))
            })
            && any(&self.role_nos, |nos| {
                rec.roles.iter().any(|&r| nos.contains(ROLES[r].no))
            })
            && any(&self.role_names, |names| {
                rec.roles.iter().any(|&r| names.contains(ROLES[r].name))
            })
            && any(&self.position_ids, |ids| {
                rec.positions.iter().any(|p| ids.contains(p))
            })
            && any(&self.position_codes, |codes| {
                positions().any(|p| codes.contains(&p.code))
            })
            && any(&self.position_names, |names| {
                positions().any(|p| names.contains(&p.name))
            })
            && any(&self.smart_device, |s| *s == rec.smart_device)
            && any(&self.picture_status, |s| s == rec.picture_status)
    }
}

/// `POST /openapi/v1/person/getPersonList`: bare page.
pub(super) async fn get_person_list(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_LIST_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    Style::Bare.respond(person_list(&isdp, &body).await)
}

async fn person_list(isdp: &Arc<Isdp>, body: &Value) -> Result<Value> {
    let (start, count) = params::page(body)?;
    let filter = PersonFilter::parse(body)?;
    let snap = isdp.snapshot();
    let (page, total) = if filter.is_empty() {
        // No filter: jump straight to the page, so that paging a million
        // people costs a page, not a scan.
        let people = isdp.people(&snap);
        let page = people
            .ids_from(start)
            .take(count)
            .filter_map(|id| people.get(id))
            .collect::<Vec<_>>();
        (page, people.total())
    } else {
        let ids = matching_ids(isdp, &snap, &filter).await?;
        let people = isdp.people(&snap);
        let page = ids
            .iter()
            .skip(start)
            .take(count)
            .filter_map(|id| people.get(*id))
            .collect::<Vec<_>>();
        (page, ids.len())
    };
    let data = page
        .iter()
        .map(|rec| person_json(rec, &snap.tree, &isdp.catalog, isdp.ctx.data.tenant_id()))
        .collect();
    Ok(page_json(data, start, total))
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

/// The now of a write, in China time like every ISDP timestamp.
fn now_china() -> NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc()
}

/// Applies every field `item` carries to `rec`; fields it lacks are kept.
fn apply_fields(
    rec: &mut PersonRecord,
    item: &Value,
    people: &People<'_>,
    tree: &OrgTree,
) -> Result<()> {
    if let Some(code) = params::string(item, "personCode")? {
        if let Some(other) = people.find_code(&code)
            && other != rec.person_id
        {
            return Err(format!("personCode {code} already exists"));
        }
        rec.code = code;
    }
    if let Some(name) = params::string(item, "personName")? {
        rec.name = name;
    }
    if let Some(t) = params::string(item, "personType")? {
        if !PERSON_TYPES.contains(&t.as_str()) {
            return Err(format!(
                "personType must be one of {}, got {t}",
                PERSON_TYPES.join(";")
            ));
        }
        rec.person_type = t;
    }
    if let Some(s) = params::string(item, "personStatus")? {
        if !PERSON_STATUSES.contains(&s.as_str()) {
            return Err(format!(
                "personStatus must be one of {}, got {s}",
                PERSON_STATUSES.join(";")
            ));
        }
        rec.status = s;
    }
    if let Some(phone) = params::string(item, "phone")? {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let clean = phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '));
        if !clean || !(5..=20).contains(&digits) {
            return Err(format!("phone {phone} is not a phone number"));
        }
        rec.phone = phone;
    }
    // `adminOrgId` wins over `orgNo`; `orgNo` may list several, comma-separated,
    // of which the first is the administrative one.
    if let Some(id) = params::int(item, "adminOrgId")? {
        tree.get(id)
            .ok_or_else(|| format!("organisation {id} does not exist"))?;
        rec.org_id = id;
    } else if let Some(nos) = params::string(item, "orgNo")? {
        let first = params::split(&nos, ',')
            .into_iter()
            .next()
            .unwrap_or_default();
        rec.org_id = tree
            .by_no(&first)
            .ok_or_else(|| format!("organisation {first} does not exist"))?
            .id;
    }
    if let Some(ids) = params::ints(item, "roleIds")? {
        rec.roles = ids
            .iter()
            .map(|id| Catalog::role(*id).ok_or_else(|| format!("role {id} does not exist")))
            .collect::<Result<_>>()?;
    } else if let Some(nos) = params::string(item, "roleNo")? {
        rec.roles = params::split(&nos, ',')
            .iter()
            .map(|no| Catalog::role_by_no(no).ok_or_else(|| format!("role {no} does not exist")))
            .collect::<Result<_>>()?;
    }
    if let Some(ids) = params::ints(item, "positionIds")? {
        rec.positions = ids
            .iter()
            .map(|id| {
                people
                    .catalog
                    .position(*id)
                    .map(|p| p.id)
                    .ok_or_else(|| format!("position {id} does not exist"))
            })
            .collect::<Result<_>>()?;
    } else if let Some(codes) = params::string(item, "positionCode")? {
        rec.positions = params::split(&codes, ',')
            .iter()
            .map(|c| {
                people
                    .catalog
                    .position_by_code(c)
                    .map(|p| p.id)
                    .ok_or_else(|| format!("position {c} does not exist"))
            })
            .collect::<Result<_>>()?;
    }
    if let Some(t) = params::string(item, "certificateType")? {
        rec.certificate_type = t;
    }
    if let Some(no) = params::string(item, "certificateNo")? {
        rec.certificate_no = Some(no);
    }
    if let Some(flag) = params::flag(item, "isSmartDevice")? {
        rec.smart_device = flag;
    }
    if let Some(account) = params::string(item, "integrationAccount")? {
        rec.integration_account = account;
    }
    for key in UDF_FIELDS {
        if let Some(v) = params::string(item, key)? {
            rec.udf.insert(key.into(), v);
        }
    }
    rec.last_updated_by = API_USER_ID;
    rec.last_update = now_china();
    Ok(())
}

fn require(item: &Value, keys: &[&str]) -> Result<()> {
    match keys
        .iter()
        .find(|k| params::get(item, k).is_none_or(|v| v.as_str() == Some("")))
    {
        Some(missing) => Err(format!("{missing} is required")),
        None => Ok(()),
    }
}

/// The item's own code, for the per-item results.
fn item_code(item: &Value) -> Value {
    match item {
        Value::Object(_) => json!(params::string(item, "personCode").ok().flatten()),
        other => other.clone(),
    }
}

fn item_result(code: Value, outcome: Result<i64>) -> Value {
    match outcome {
        Ok(id) => {
            json!({"personCode": code, "personId": id, "status": "success", "msg": "success"})
        }
        Err(msg) => json!({"personCode": code, "personId": null, "status": "failed", "msg": msg}),
    }
}

/// `POST /openapi/v1/person/batchAdd`: envelope C.
pub(super) async fn batch_add(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_ADD_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let items = match super::org::batch_items(&body, &["personList"], super::MAX_BATCH) {
        Ok(items) => items,
        Err(refusal) => return refusal.into_response(),
    };
    let results = isdp.write(|snap| {
        items
            .iter()
            .map(|item| item_result(item_code(item), add_one(&isdp, snap, item)))
            .collect()
    });
    super::batch_response(results)
}

pub(super) fn add_one(isdp: &Isdp, snap: &mut Snapshot, item: &Value) -> Result<i64> {
    if !item.is_object() {
        return Err("each person must be an object".into());
    }
    require(item, &["personCode", "personName", "personType", "phone"])?;
    if params::get(item, "adminOrgId").is_none() && params::get(item, "orgNo").is_none() {
        return Err("adminOrgId or orgNo is required".into());
    }
    let n = snap.people.added + 1;
    let mut rec = PersonRecord {
        person_id: ADDED_PERSON_ID_BASE + n,
        user_id: ADDED_USER_ID_BASE + n,
        code: String::new(),
        name: String::new(),
        person_type: "Employee".into(),
        status: "OpenAccount".into(),
        phone: String::new(),
        org_id: 0,
        roles: Vec::new(),
        positions: Vec::new(),
        picture_status: "CollectionFailed",
        picture_id: String::new(),
        certificate_type: String::new(),
        certificate_no: None,
        smart_device: false,
        black_list: false,
        integration_account: String::new(),
        qualification_code: None,
        last_updated_by: API_USER_ID,
        last_update: now_china(),
        udf: BTreeMap::new(),
    };
    apply_fields(&mut rec, item, &isdp.people(snap), &snap.tree)?;
    snap.people.added = n;
    let id = rec.person_id;
    snap.people.put(rec);
    Ok(id)
}

/// `POST /openapi/v1/person/update`: `{status, msg, data: personId}`.
pub(super) async fn update(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_UPDATE_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let outcome = require(
        &body,
        &[
            "personId",
            "personCode",
            "personName",
            "personType",
            "phone",
            "personStatus",
            "adminOrgId",
        ],
    )
    .and_then(|()| isdp.write(|snap| update_one(&isdp, snap, &body)));
    super::single_response(outcome.map(|id| json!(id)))
}

/// Updates the person named by `personId` (or by `personCode` alone)
/// with the fields `item` carries.
pub(super) fn update_one(isdp: &Isdp, snap: &mut Snapshot, item: &Value) -> Result<i64> {
    if !item.is_object() {
        return Err("each person must be an object".into());
    }
    let people = isdp.people(snap);
    let id = match params::int(item, "personId")? {
        Some(id) => id,
        None => {
            let code = params::string(item, "personCode")?.ok_or("personId is required")?;
            people
                .find_code(&code)
                .ok_or_else(|| format!("person {code} does not exist"))?
        }
    };
    let mut rec = people
        .get(id)
        .ok_or_else(|| format!("person {id} does not exist"))?;
    apply_fields(&mut rec, item, &people, &snap.tree)?;
    snap.people.put(rec);
    Ok(id)
}

/// The suffix `person/batchUpdatePerson` appends to every `personCode`
/// before it looks the person up (api_01_0402: `12345@@` → `12345@@@hw`).
pub(super) const ACCOUNT_CODE_SUFFIX: &str = "@hw";

/// `POST /openapi/v1/person/batchUpdatePerson`, which the vendor titles
/// 添加人员账号 (add person accounts): envelope C with an item per person.
pub(super) async fn batch_update(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_ADD_ACCOUNTS_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let items = match super::org::batch_items(&body, &["personList"], super::MAX_BATCH) {
        Ok(items) => items,
        Err(refusal) => return refusal.into_response(),
    };
    let results = isdp.write(|snap| {
        items
            .iter()
            .map(|item| item_result(item_code(item), add_account_one(&isdp, snap, item)))
            .collect()
    });
    super::batch_response(results)
}

/// Sets the fields `item` carries on the person coded `personCode` + `@hw`
/// (or, as some tenants take it, named by `personId`); `openAccount: 1`
/// opens the account (`personStatus` `OpenAccount`).
fn add_account_one(isdp: &Isdp, snap: &mut Snapshot, item: &Value) -> Result<i64> {
    let Value::Object(fields) = item else {
        return Err("each person must be an object".into());
    };
    let people = isdp.people(snap);
    let id = match params::int(item, "personId")? {
        Some(id) => id,
        None => {
            let code = params::string(item, "personCode")?.ok_or("personCode is required")?;
            let stored = format!("{code}{ACCOUNT_CODE_SUFFIX}");
            people
                .find_code(&stored)
                .ok_or_else(|| format!("person {stored} does not exist"))?
        }
    };
    let mut rec = people
        .get(id)
        .ok_or_else(|| format!("person {id} does not exist"))?;
    // The code names the person here; it is not a new code to set.
    let mut changes = fields.clone();
    changes.remove("personCode");
    let changes = Value::Object(changes);
    apply_fields(&mut rec, &changes, &people, &snap.tree)?;
    match params::int(&changes, "openAccount")? {
        Some(1) => rec.status = "OpenAccount".into(),
        Some(0) | None => {}
        Some(other) => return Err(format!("openAccount must be 0 or 1, got {other}")),
    }
    snap.people.put(rec);
    Ok(id)
}

/// Most roles one person of `person/batchUpdate` may carry ("支持角色编码,
/// 最多不超过5个", api_01_0120).
pub(super) const MAX_UPDATE_ROLES: usize = 5;

/// `POST /openapi/v1/person/batchUpdate` (批量更新人员信息): the vendor's
/// `{"status":"success","msg":null,"data":null}` when every person was
/// updated; otherwise envelope C with an item per person.
pub(super) async fn batch_update_info(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_BATCH_UPDATE_INFO_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    // The vendor documents no batch size for this endpoint.
    let items = match super::org::batch_items(&body, &["personList"], usize::MAX) {
        Ok(items) => items,
        Err(refusal) => return refusal.into_response(),
    };
    let results: Vec<Value> = isdp.write(|snap| {
        items
            .iter()
            .map(|item| item_result(item_code(item), update_info_one(&isdp, snap, item)))
            .collect()
    });
    if results.iter().all(|r| r["status"] == json!("success")) {
        return axum::Json(json!({"status": "success", "msg": null, "data": null})).into_response();
    }
    super::batch_response(results)
}

/// Updates the person coded `personCode` (as stored) with the required
/// fields and the optional ones `item` carries.
fn update_info_one(isdp: &Isdp, snap: &mut Snapshot, item: &Value) -> Result<i64> {
    if !item.is_object() {
        return Err("each person must be an object".into());
    }
    require(
        item,
        &[
            "personCode",
            "personName",
            "personType",
            "personStatus",
            "orgNo",
        ],
    )?;
    if let Some(roles) = params::string(item, "roleNo")?
        && params::split(&roles, ',').len() > MAX_UPDATE_ROLES
    {
        return Err(format!(
            "roleNo supports at most {MAX_UPDATE_ROLES} role codes, got {roles}"
        ));
    }
    let code = params::string(item, "personCode")?.ok_or("personCode is required")?;
    let people = isdp.people(snap);
    let id = people
        .find_code(&code)
        .ok_or_else(|| format!("person {code} does not exist"))?;
    let mut rec = people
        .get(id)
        .ok_or_else(|| format!("person {code} does not exist"))?;
    apply_fields(&mut rec, item, &people, &snap.tree)?;
    snap.people.put(rec);
    Ok(id)
}

fn deregister_one(isdp: &Isdp, snap: &mut Snapshot, code: Option<String>) -> Result<i64> {
    let code = code.ok_or("personCode is required")?;
    let people = isdp.people(snap);
    let id = people
        .find_code(&code)
        .ok_or_else(|| format!("person {code} does not exist"))?;
    let mut rec = people
        .get(id)
        .ok_or_else(|| format!("person {code} does not exist"))?;
    // Deregistering twice is harmless, as the person is already cancelled.
    rec.status = "Cancel".into();
    rec.last_updated_by = API_USER_ID;
    rec.last_update = now_china();
    snap.people.put(rec);
    Ok(id)
}

/// `POST /openapi/v1/person/deregisterPerson`: `{status, msg, data: personId}`.
pub(super) async fn deregister(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_DEREGISTER_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let outcome = params::string(&body, "personCode")
        .and_then(|code| isdp.write(|snap| deregister_one(&isdp, snap, code)));
    super::single_response(outcome.map(|id| json!(id)))
}

/// `POST /openapi/v1/person/batchDeregisterPerson`: envelope C.
pub(super) async fn batch_deregister(State(isdp): State<Arc<Isdp>>, body: Bytes) -> Response {
    let body = match parse_body(&body, super::PERSON_BATCH_DEREGISTER_PATH) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let items = match super::org::batch_items(&body, &["personList"], super::MAX_BATCH) {
        Ok(items) => items,
        Err(refusal) => return refusal.into_response(),
    };
    let results = isdp.write(|snap| {
        items
            .iter()
            .map(|item| {
                // Codes, as documented, or `{personCode}` objects.
                let code = match item {
                    Value::Object(_) => params::string(item, "personCode").ok().flatten(),
                    Value::String(s) if !s.is_empty() => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                };
                item_result(json!(code), deregister_one(&isdp, snap, code.clone()))
            })
            .collect()
    });
    super::batch_response(results)
}

/// A CSV field, quoted when it must be.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The start of the export file: a BOM (so Excel opens the Chinese right)
/// and the header row.
pub(super) const CSV_HEADER: &str = "\u{feff}人员ID,人员编码,人员名称,人员类型,人员状态,手机号码,组织编码,组织名称,岗位编码,角色编码,最后更新时间\r\n";

/// Appends `rec`'s row of the export file to `out`, CRLF included.
pub(super) fn push_csv_row(
    out: &mut String,
    rec: &PersonRecord,
    tree: &OrgTree,
    catalog: &Catalog,
) {
    let org = tree.get(rec.org_id);
    let positions: Vec<&str> = rec
        .positions
        .iter()
        .filter_map(|id| catalog.position(*id))
        .map(|p| p.code.as_str())
        .collect();
    let roles: Vec<&str> = rec.roles.iter().map(|&r| ROLES[r].no).collect();
    let row = [
        rec.person_id.to_string(),
        rec.code.clone(),
        rec.name.clone(),
        rec.person_type.clone(),
        rec.status.clone(),
        mask_phone(&rec.phone),
        org.map(|o| o.no.clone()).unwrap_or_default(),
        org.map(|o| o.name.clone()).unwrap_or_default(),
        positions.join(","),
        roles.join(","),
        rec.last_update.format("%Y-%m-%d %H:%M:%S").to_string(),
    ];
    for (i, field) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(field));
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataConfig;
    use crate::isdp::org::ORG_ID_BASE;

    #[test]
    fn masks_like_the_vendor_example() {
        assert_eq!(mask_phone("13512345678"), "135******78");
        assert_eq!(mask("110105194912310021", 6, 4), "110105********0021");
        assert!(phone_matches("135*******8", "13512345678"));
        assert!(phone_matches("13512345678", "13512345678"));
        assert!(!phone_matches("1351234567", "13512345678"));
    }

    #[test]
    fn base_records_are_deterministic_and_consistent() {
        let data = Dataset::new(DataConfig::default());
        let catalog = Catalog::new(&data);
        let a = base_record(&data, &catalog, 42);
        assert_eq!(a, base_record(&data, &catalog, 42));
        for i in 0..200 {
            let rec = base_record(&data, &catalog, i);
            if data.person(i).has_left() {
                assert_eq!(rec.status, "Cancel");
            }
            for p in &rec.positions {
                assert_eq!(catalog.position(*p).unwrap().org_id, rec.org_id);
            }
            assert!(!rec.roles.is_empty());
            assert!(rec.org_id >= ORG_ID_BASE);
        }
    }

    #[test]
    fn filters_meaning_the_same_are_equal() {
        let parse = |body: Value| PersonFilter::parse(&body).unwrap();
        let a = parse(
            json!({"personStatus": "Cancel;Freeze", "roleIds": [126291, 126290],
                             "orgIdList": [1], "orgIncludeChild": false, "page": {"start": 0}}),
        );
        let b = parse(json!({"roleId": ["126290", 126291, 126290], "orgIdList": 1,
                             "personStatus": " Freeze;Cancel ", "personCode": ""}));
        assert_eq!(a, b);
        assert_ne!(a, parse(json!({"personStatus": "Cancel"})));
        // orgIncludeChild alone filters nothing.
        assert!(parse(json!({"orgIncludeChild": true})).is_empty());
        assert_ne!(
            parse(json!({"orgIdList": [1], "orgIncludeChild": true})),
            parse(json!({"orgIdList": [1]}))
        );
        assert_eq!(
            parse(json!({"orgName": "总部;华东"})),
            parse(json!({"orgName": "华东;总部"}))
        );
    }

    #[test]
    fn the_query_cache_shares_a_cell_per_filter_and_version() {
        let cache = QueryCache::default();
        let cancel = PersonFilter::parse(&json!({"personStatus": "Cancel"})).unwrap();
        let freeze = PersonFilter::parse(&json!({"personStatus": "Freeze"})).unwrap();
        let first = cache.cell((1, 0), &cancel);
        assert!(Arc::ptr_eq(&first, &cache.cell((1, 0), &cancel.clone())));
        assert!(!Arc::ptr_eq(&first, &cache.cell((1, 0), &freeze)));
        // A write (a new version) makes the old result unreachable.
        assert!(!Arc::ptr_eq(&first, &cache.cell((2, 0), &cancel)));
        assert_eq!(cache.entries.lock().unwrap().len(), 1);
        // So does a change to the dataset (a new revision).
        let second = cache.cell((2, 0), &cancel);
        assert!(!Arc::ptr_eq(&second, &cache.cell((2, 1), &cancel)));
        assert_eq!(cache.entries.lock().unwrap().len(), 1);
        for status in ["A", "B", "C", "D", "E"] {
            let f = PersonFilter::parse(&json!({"personStatus": status})).unwrap();
            cache.cell((2, 1), &f);
        }
        assert_eq!(cache.entries.lock().unwrap().len(), CACHED_QUERIES);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
