//! Organisations, roles and positions.

use hr_common::Result;
use hr_common::paging::Items;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::batch::{self, BatchOutcome};
use crate::client::IsdpClient;
use crate::envelope::{self, BarePage, null_as_empty};
use crate::ids::{OrgId, PositionId, RoleId};
use crate::page::{self, PageRequest};
use crate::person::list::opt_setter;

/// `orgOpen/findPagedOrgListWithDirection`.
pub const ORG_DIRECTION_PATH: &str = "/openapi/v1/orgOpen/findPagedOrgListWithDirection";
/// `organization/findPagedOrgList`.
pub const ORG_LIST_PATH: &str = "/openapi/v1/organization/findPagedOrgList";
/// `orgOpen/batchSaveOrgInfo`.
pub const ORG_SAVE_PATH: &str = "/openapi/v1/orgOpen/batchSaveOrgInfo";
/// `orgOpen/batchDelOrgInfo`.
pub const ORG_DELETE_PATH: &str = "/openapi/v1/orgOpen/batchDelOrgInfo";
/// `role/findPagedRoleList`.
pub const ROLE_LIST_PATH: &str = "/openapi/v1/role/findPagedRoleList";
/// `position/findPagedPosition`.
pub const POSITION_LIST_PATH: &str = "/openapi/v1/position/findPagedPosition";
/// Most organisations per save or delete call; longer lists are chunked.
pub const MAX_ORG_BATCH: usize = 20;

/// Up or down the organisation tree from an anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The anchor and its ancestors, from the root down.
    Up,
    /// The anchor and everything below it, in tree order (the default).
    Down,
}

/// An organisation of findPagedOrgListWithDirection.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DirectedOrg {
    /// `id` (equal to `orgId`).
    #[serde(default)]
    pub id: Option<OrgId>,
    /// `orgId`.
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// `orgNo`.
    #[serde(default)]
    pub org_no: Option<String>,
    /// `value` (the display name).
    #[serde(default)]
    pub value: Option<String>,
    /// `orgName`.
    #[serde(default)]
    pub org_name: Option<String>,
    /// `orgLevel`, 1 for the root.
    #[serde(default)]
    pub org_level: Option<i64>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `orgOpen/findPagedOrgListWithDirection` (bare page).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FindOrgsWithDirection {
    /// `start`.
    pub start: u64,
    /// `count` (≤ 200).
    pub count: u32,
    /// `orgId`: the anchor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    /// `orgNo`: the anchor, by code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_no: Option<String>,
    /// `orgName`: a substring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// `direction`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

impl FindOrgsWithDirection {
    /// Every organisation, 200 per page.
    pub fn new() -> Self {
        FindOrgsWithDirection {
            count: page::MAX_PAGE_SIZE,
            ..Self::default()
        }
    }
    opt_setter!(/// `orgId`.
        org_id: OrgId);
    opt_setter!(/// `orgNo`.
        org_no: String);
    opt_setter!(/// `orgName`.
        org_name: String);
    opt_setter!(/// `direction`.
        direction: Direction);

    /// One page.
    pub async fn send(&self, client: &IsdpClient) -> Result<BarePage<DirectedOrg>> {
        page::check_count(self.count)?;
        envelope::bare_page(&client.post(ORG_DIRECTION_PATH, self, true).await?)
    }

    /// Every page, in order.
    pub fn stream(&self, client: &IsdpClient) -> Items<DirectedOrg> {
        page::stream_pages(
            client,
            self,
            PageRequest::new(self.start, self.count),
            |req, p| (req.start, req.count) = (p.start, p.count),
            |req, client| async move { req.send(&client).await },
        )
    }
}

/// An organisation of organization/findPagedOrgList.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Organization {
    /// `orgId`.
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// `orgCode`.
    #[serde(default)]
    pub org_code: Option<String>,
    /// `orgName`.
    #[serde(default)]
    pub org_name: Option<String>,
    /// `parentOrgId`.
    #[serde(default)]
    pub parent_org_id: Option<OrgId>,
    /// `parentOrgCode`.
    #[serde(default)]
    pub parent_org_code: Option<String>,
    /// `orgLevel`.
    #[serde(default)]
    pub org_level: Option<i64>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `organization/findPagedOrgList` (envelope B).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FindOrgs {
    /// `orgCode`: exact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_code: Option<String>,
    /// `orgName`: a substring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// `start`.
    pub start: u64,
    /// `count` (≤ 200).
    pub count: u32,
}

impl FindOrgs {
    /// Every organisation, 200 per page.
    pub fn new() -> Self {
        FindOrgs {
            count: page::MAX_PAGE_SIZE,
            ..Self::default()
        }
    }
    opt_setter!(/// `orgCode`.
        org_code: String);
    opt_setter!(/// `orgName`.
        org_name: String);

    /// One page.
    pub async fn send(&self, client: &IsdpClient) -> Result<BarePage<Organization>> {
        page::check_count(self.count)?;
        envelope::state_coded_page(&client.post(ORG_LIST_PATH, self, true).await?)
    }

    /// Every page, in order.
    pub fn stream(&self, client: &IsdpClient) -> Items<Organization> {
        page::stream_pages(
            client,
            self,
            PageRequest::new(self.start, self.count),
            |req, p| (req.start, req.count) = (p.start, p.count),
            |req, client| async move { req.send(&client).await },
        )
    }
}

/// A role of role/findPagedRoleList; `roleId` is a number here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Role {
    /// `roleId`.
    pub role_id: RoleId,
    /// `roleNo`.
    #[serde(default)]
    pub role_no: Option<String>,
    /// `roleName`.
    #[serde(default)]
    pub role_name: Option<String>,
    /// `roleType` (`Business`, `System`).
    #[serde(default)]
    pub role_type: Option<String>,
    /// `status` (`Y` enabled, `N` disabled).
    #[serde(default)]
    pub status: Option<String>,
    /// `description`.
    #[serde(default)]
    pub description: Option<String>,
    /// `tenantId`.
    #[serde(default)]
    pub tenant_id: Option<i64>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `role` of [`FindRoles`].
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RoleFilter {
    /// `roleId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_id: Option<RoleId>,
    /// `roleNo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_no: Option<String>,
    /// `roleName`: a substring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// `roleType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_type: Option<String>,
    /// `status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `role/findPagedRoleList` (envelope B).
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct FindRoles {
    /// `role`: the filter.
    pub role: RoleFilter,
    /// `page`.
    pub page: PageRequest,
}

impl FindRoles {
    /// Every role, 200 per page.
    pub fn new() -> Self {
        Self::default()
    }

    /// `role.roleName`, a substring.
    pub fn role_name(mut self, name: impl Into<String>) -> Self {
        self.role.role_name = Some(name.into());
        self
    }

    /// `role.roleNo`.
    pub fn role_no(mut self, no: impl Into<String>) -> Self {
        self.role.role_no = Some(no.into());
        self
    }

    /// One page.
    pub async fn send(&self, client: &IsdpClient) -> Result<BarePage<Role>> {
        page::check_count(self.page.count)?;
        envelope::state_coded_page(&client.post(ROLE_LIST_PATH, self, true).await?)
    }

    /// Every page, in order.
    pub fn stream(&self, client: &IsdpClient) -> Items<Role> {
        page::stream_pages(
            client,
            self,
            self.page,
            |req, p| req.page = p,
            |req, client| async move { req.send(&client).await },
        )
    }
}

/// A role inside a [`Position`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PositionRole {
    /// `roleId`.
    #[serde(default)]
    pub role_id: Option<RoleId>,
    /// `roleNo`.
    #[serde(default)]
    pub role_no: Option<String>,
    /// `roleName`.
    #[serde(default)]
    pub role_name: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A position of position/findPagedPosition; `positionId` is a number here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Position {
    /// `positionId`.
    pub position_id: PositionId,
    /// `positionCode`.
    #[serde(default)]
    pub position_code: Option<String>,
    /// `positionName`.
    #[serde(default)]
    pub position_name: Option<String>,
    /// `orgId`.
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// `orgName`.
    #[serde(default)]
    pub org_name: Option<String>,
    /// `orgNo`.
    #[serde(default)]
    pub org_no: Option<String>,
    /// `positionFactor`.
    #[serde(default)]
    pub position_factor: Option<Value>,
    /// `rolesList`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub roles_list: Vec<PositionRole>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `position/findPagedPosition` (bare page).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FindPositions {
    /// `start`.
    pub start: u64,
    /// `count` (≤ 200).
    pub count: u32,
    /// `positionName`: a substring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position_name: Option<String>,
    /// `positionCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position_code: Option<String>,
    /// `orgId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
}

impl FindPositions {
    /// Every position, 200 per page.
    pub fn new() -> Self {
        FindPositions {
            count: page::MAX_PAGE_SIZE,
            ..Self::default()
        }
    }
    opt_setter!(/// `positionName`.
        position_name: String);
    opt_setter!(/// `positionCode`.
        position_code: String);
    opt_setter!(/// `orgId`.
        org_id: OrgId);

    /// One page.
    pub async fn send(&self, client: &IsdpClient) -> Result<BarePage<Position>> {
        page::check_count(self.count)?;
        envelope::bare_page(&client.post(POSITION_LIST_PATH, self, true).await?)
    }

    /// Every page, in order.
    pub fn stream(&self, client: &IsdpClient) -> Items<Position> {
        page::stream_pages(
            client,
            self,
            PageRequest::new(self.start, self.count),
            |req, p| (req.start, req.count) = (p.start, p.count),
            |req, client| async move { req.send(&client).await },
        )
    }
}

/// One organisation for `orgOpen/batchSaveOrgInfo`: created, or renamed
/// and moved when `orgNo` exists.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrgInfo {
    /// `orgNo`.
    pub org_no: String,
    /// `orgName`.
    pub org_name: String,
    /// `parentOrgNo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_org_no: Option<String>,
}

impl OrgInfo {
    /// An organisation under `parent` (`None`: a root).
    pub fn new(no: impl Into<String>, name: impl Into<String>, parent: Option<String>) -> Self {
        OrgInfo {
            org_no: no.into(),
            org_name: name.into(),
            parent_org_no: parent,
        }
    }
}

/// `orgOpen/batchSaveOrgInfo`, 20 per call, in the order given (so
/// parents listed before their children are created first).
#[derive(Debug, Clone)]
pub struct SaveOrgs {
    orgs: Vec<OrgInfo>,
}

impl SaveOrgs {
    /// Any number of organisations.
    pub fn new(orgs: impl IntoIterator<Item = OrgInfo>) -> Self {
        SaveOrgs {
            orgs: orgs.into_iter().collect(),
        }
    }

    /// Sends every chunk. Saving is create-or-update by `orgNo`, so it is
    /// safe to retry.
    pub async fn send(&self, client: &IsdpClient) -> Result<BatchOutcome> {
        batch::send_chunked(
            client,
            ORG_SAVE_PATH,
            "orgInfoList",
            &self.orgs,
            MAX_ORG_BATCH,
            true,
        )
        .await
    }
}

/// `orgOpen/batchDelOrgInfo`, 20 per call. Only organisations without
/// children can be deleted: list children first.
#[derive(Debug, Clone)]
pub struct DeleteOrgs {
    org_nos: Vec<String>,
}

impl DeleteOrgs {
    /// Any number of `orgNo`s.
    pub fn new(org_nos: impl IntoIterator<Item = impl Into<String>>) -> Self {
        DeleteOrgs {
            org_nos: org_nos.into_iter().map(Into::into).collect(),
        }
    }

    /// Sends every chunk.
    pub async fn send(&self, client: &IsdpClient) -> Result<BatchOutcome> {
        batch::send_chunked(
            client,
            ORG_DELETE_PATH,
            "orgNoList",
            &self.org_nos,
            MAX_ORG_BATCH,
            false,
        )
        .await
    }
}
