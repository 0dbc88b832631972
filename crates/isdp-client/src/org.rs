//! Organisations, roles and positions.

use std::borrow::Cow;

use hr_common::Result;
use hr_common::endpoint::{Endpoint, json_request};
use hr_common::paging::Items;
use hr_common::transport::{CallOptions, Request};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::batch::{self, BatchOutcome};
use crate::client::IsdpClient;
use crate::envelope::{BarePage, null_as_empty};
use crate::group;
use crate::ids::{OrgId, PositionId, RoleId};
use crate::page::{self, PageRequest};
use crate::reply::{BarePageReply, StateCodedPageReply, StatusChunkReply, WriteReply};
use crate::setters::opt_setter;

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

impl DirectedOrg {
    /// An organisation with `id` and `orgId` both set to `org_id` (the
    /// vendor sends them equal) and every other field `None`, as decoding
    /// `{"id": …, "orgId": …}` gives.
    ///
    /// ```
    /// let org = isdp_client::DirectedOrg::new(20)
    ///     .with_org_no("RD")
    ///     .with_org_name("研发中心")
    ///     .with_org_level(2);
    /// assert_eq!(org.id, org.org_id);
    /// assert_eq!(serde_json::to_value(&org)?["orgLevel"], 2);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(org_id: impl Into<OrgId>) -> Self {
        let org_id = org_id.into();
        DirectedOrg {
            id: Some(org_id),
            org_id: Some(org_id),
            org_no: None,
            value: None,
            org_name: None,
            org_level: None,
            extra: Map::new(),
        }
    }

    /// Sets [`org_no`](Self::org_no).
    #[must_use]
    pub fn with_org_no(mut self, value: impl Into<String>) -> Self {
        self.org_no = Some(value.into());
        self
    }

    /// Sets [`value`](Self::value).
    #[must_use]
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets [`org_name`](Self::org_name).
    #[must_use]
    pub fn with_org_name(mut self, value: impl Into<String>) -> Self {
        self.org_name = Some(value.into());
        self
    }

    /// Sets [`org_level`](Self::org_level).
    #[must_use]
    pub fn with_org_level(mut self, value: impl Into<i64>) -> Self {
        self.org_level = Some(value.into());
        self
    }

    /// Adds a key this crate does not model to [`extra`](Self::extra),
    /// as an unknown vendor field would arrive.
    #[must_use]
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }
}

/// `orgOpen/findPagedOrgListWithDirection` (bare page): `send` fetches one
/// page (`count` ≤ 200, checked before sending), `stream` every page.
#[doc(alias = "findPagedOrgListWithDirection")]
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

    /// Every page, in order.
    pub fn stream(&self, client: &IsdpClient) -> Items<DirectedOrg> {
        page::stream_pages(
            client,
            self,
            PageRequest::new(self.start, self.count),
            |req, p| (req.start, req.count) = (p.start, p.count),
        )
    }
}

impl Endpoint for FindOrgsWithDirection {
    type Client = IsdpClient;
    type Output = BarePage<DirectedOrg>;
    type Envelope = BarePageReply;
    const PATH: &'static str = ORG_DIRECTION_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::ORG)
    }

    fn validate(&self) -> Result<()> {
        page::check_count(self.count)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(FindOrgsWithDirection);

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

impl Organization {
    /// An organisation with only `orgId` set, as decoding `{"orgId": …}`
    /// gives.
    ///
    /// ```
    /// let org = isdp_client::Organization::new(21)
    ///     .with_org_code("RD-1")
    ///     .with_org_name("平台组")
    ///     .with_parent_org_id(20)
    ///     .with_parent_org_code("RD");
    /// assert_eq!(serde_json::to_value(&org)?["parentOrgId"], 20);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(org_id: impl Into<OrgId>) -> Self {
        Organization {
            org_id: Some(org_id.into()),
            org_code: None,
            org_name: None,
            parent_org_id: None,
            parent_org_code: None,
            org_level: None,
            extra: Map::new(),
        }
    }

    /// Sets [`org_code`](Self::org_code).
    #[must_use]
    pub fn with_org_code(mut self, value: impl Into<String>) -> Self {
        self.org_code = Some(value.into());
        self
    }

    /// Sets [`org_name`](Self::org_name).
    #[must_use]
    pub fn with_org_name(mut self, value: impl Into<String>) -> Self {
        self.org_name = Some(value.into());
        self
    }

    /// Sets [`parent_org_id`](Self::parent_org_id).
    #[must_use]
    pub fn with_parent_org_id(mut self, value: impl Into<OrgId>) -> Self {
        self.parent_org_id = Some(value.into());
        self
    }

    /// Sets [`parent_org_code`](Self::parent_org_code).
    #[must_use]
    pub fn with_parent_org_code(mut self, value: impl Into<String>) -> Self {
        self.parent_org_code = Some(value.into());
        self
    }

    /// Sets [`org_level`](Self::org_level).
    #[must_use]
    pub fn with_org_level(mut self, value: impl Into<i64>) -> Self {
        self.org_level = Some(value.into());
        self
    }

    /// Adds a key this crate does not model to [`extra`](Self::extra),
    /// as an unknown vendor field would arrive.
    #[must_use]
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }
}

/// `organization/findPagedOrgList` (envelope B): `send` fetches one page
/// (`count` ≤ 200, checked before sending), `stream` every page.
#[doc(alias = "findPagedOrgList")]
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

    /// Every page, in order.
    pub fn stream(&self, client: &IsdpClient) -> Items<Organization> {
        page::stream_pages(
            client,
            self,
            PageRequest::new(self.start, self.count),
            |req, p| (req.start, req.count) = (p.start, p.count),
        )
    }
}

impl Endpoint for FindOrgs {
    type Client = IsdpClient;
    type Output = BarePage<Organization>;
    type Envelope = StateCodedPageReply;
    const PATH: &'static str = ORG_LIST_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::ORG)
    }

    fn validate(&self) -> Result<()> {
        page::check_count(self.count)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(FindOrgs);

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

impl Role {
    /// A role with only `roleId` set, as decoding `{"roleId": …}` gives.
    ///
    /// ```
    /// let role = isdp_client::Role::new(7).with_role_no("R007").with_role_name("员工").with_status("Y");
    /// assert_eq!(serde_json::to_value(&role)?["roleId"], 7); // a number here
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(role_id: impl Into<RoleId>) -> Self {
        Role {
            role_id: role_id.into(),
            role_no: None,
            role_name: None,
            role_type: None,
            status: None,
            description: None,
            tenant_id: None,
            extra: Map::new(),
        }
    }

    /// Sets [`role_no`](Self::role_no).
    #[must_use]
    pub fn with_role_no(mut self, value: impl Into<String>) -> Self {
        self.role_no = Some(value.into());
        self
    }

    /// Sets [`role_name`](Self::role_name).
    #[must_use]
    pub fn with_role_name(mut self, value: impl Into<String>) -> Self {
        self.role_name = Some(value.into());
        self
    }

    /// Sets [`role_type`](Self::role_type).
    #[must_use]
    pub fn with_role_type(mut self, value: impl Into<String>) -> Self {
        self.role_type = Some(value.into());
        self
    }

    /// Sets [`status`](Self::status).
    #[must_use]
    pub fn with_status(mut self, value: impl Into<String>) -> Self {
        self.status = Some(value.into());
        self
    }

    /// Sets [`description`](Self::description).
    #[must_use]
    pub fn with_description(mut self, value: impl Into<String>) -> Self {
        self.description = Some(value.into());
        self
    }

    /// Sets [`tenant_id`](Self::tenant_id).
    #[must_use]
    pub fn with_tenant_id(mut self, value: impl Into<i64>) -> Self {
        self.tenant_id = Some(value.into());
        self
    }

    /// Adds a key this crate does not model to [`extra`](Self::extra),
    /// as an unknown vendor field would arrive.
    #[must_use]
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }
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

/// `role/findPagedRoleList` (envelope B): `send` fetches one page
/// (`count` ≤ 200, checked before sending), `stream` every page.
#[doc(alias = "findPagedRoleList")]
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

    /// Every page, in order.
    pub fn stream(&self, client: &IsdpClient) -> Items<Role> {
        page::stream_pages(client, self, self.page, |req, p| req.page = p)
    }
}

impl Endpoint for FindRoles {
    type Client = IsdpClient;
    type Output = BarePage<Role>;
    type Envelope = StateCodedPageReply;
    const PATH: &'static str = ROLE_LIST_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::ORG)
    }

    fn validate(&self) -> Result<()> {
        page::check_count(self.page.count)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(FindRoles);

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

impl PositionRole {
    /// A role of a position with only `roleId` set, as decoding
    /// `{"roleId": …}` gives.
    ///
    /// ```
    /// let role = isdp_client::PositionRole::new(7).with_role_name("员工");
    /// assert_eq!(serde_json::to_value(&role)?["roleName"], "员工");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(role_id: impl Into<RoleId>) -> Self {
        PositionRole {
            role_id: Some(role_id.into()),
            role_no: None,
            role_name: None,
            extra: Map::new(),
        }
    }

    /// Sets [`role_no`](Self::role_no).
    #[must_use]
    pub fn with_role_no(mut self, value: impl Into<String>) -> Self {
        self.role_no = Some(value.into());
        self
    }

    /// Sets [`role_name`](Self::role_name).
    #[must_use]
    pub fn with_role_name(mut self, value: impl Into<String>) -> Self {
        self.role_name = Some(value.into());
        self
    }

    /// Adds a key this crate does not model to [`extra`](Self::extra),
    /// as an unknown vendor field would arrive.
    #[must_use]
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }
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

impl Position {
    /// A position with only `positionId` set, as decoding
    /// `{"positionId": …}` gives.
    ///
    /// ```
    /// use isdp_client::{Position, PositionRole};
    ///
    /// let p = Position::new(31)
    ///     .with_position_code("P031")
    ///     .with_position_name("工程师")
    ///     .with_org_id(20)
    ///     .with_role(PositionRole::new(7));
    /// assert_eq!(serde_json::to_value(&p)?["rolesList"][0]["roleId"], 7);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(position_id: impl Into<PositionId>) -> Self {
        Position {
            position_id: position_id.into(),
            position_code: None,
            position_name: None,
            org_id: None,
            org_name: None,
            org_no: None,
            position_factor: None,
            roles_list: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Sets [`position_code`](Self::position_code).
    #[must_use]
    pub fn with_position_code(mut self, value: impl Into<String>) -> Self {
        self.position_code = Some(value.into());
        self
    }

    /// Sets [`position_name`](Self::position_name).
    #[must_use]
    pub fn with_position_name(mut self, value: impl Into<String>) -> Self {
        self.position_name = Some(value.into());
        self
    }

    /// Sets [`org_id`](Self::org_id).
    #[must_use]
    pub fn with_org_id(mut self, value: impl Into<OrgId>) -> Self {
        self.org_id = Some(value.into());
        self
    }

    /// Sets [`org_name`](Self::org_name).
    #[must_use]
    pub fn with_org_name(mut self, value: impl Into<String>) -> Self {
        self.org_name = Some(value.into());
        self
    }

    /// Sets [`org_no`](Self::org_no).
    #[must_use]
    pub fn with_org_no(mut self, value: impl Into<String>) -> Self {
        self.org_no = Some(value.into());
        self
    }

    /// Sets [`position_factor`](Self::position_factor).
    #[must_use]
    pub fn with_position_factor(mut self, value: impl Into<Value>) -> Self {
        self.position_factor = Some(value.into());
        self
    }

    /// Appends one role to [`roles_list`](Self::roles_list).
    #[must_use]
    pub fn with_role(mut self, role: PositionRole) -> Self {
        self.roles_list.push(role);
        self
    }

    /// Adds a key this crate does not model to [`extra`](Self::extra),
    /// as an unknown vendor field would arrive.
    #[must_use]
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(key.into(), value.into());
        self
    }
}

/// `position/findPagedPosition` (bare page): `send` fetches one page
/// (`count` ≤ 200, checked before sending), `stream` every page.
#[doc(alias = "findPagedPosition")]
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

    /// Every page, in order.
    pub fn stream(&self, client: &IsdpClient) -> Items<Position> {
        page::stream_pages(
            client,
            self,
            PageRequest::new(self.start, self.count),
            |req, p| (req.start, req.count) = (p.start, p.count),
        )
    }
}

impl Endpoint for FindPositions {
    type Client = IsdpClient;
    type Output = BarePage<Position>;
    type Envelope = BarePageReply;
    const PATH: &'static str = POSITION_LIST_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::ORG)
    }

    fn validate(&self) -> Result<()> {
        page::check_count(self.count)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(FindPositions);

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
///
/// [`send`](Self::send) sends every chunk. As an [`Endpoint`] it is one
/// call of at most [`MAX_ORG_BATCH`] organisations, answered by a
/// [`WriteReply`].
#[doc(alias = "batchSaveOrgInfo")]
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
        self.send_with(client, &CallOptions::new()).await
    }

    /// [`send`](Self::send) with per-call options over the client's
    /// defaults, for every chunk.
    pub async fn send_with(
        &self,
        client: &IsdpClient,
        options: &CallOptions,
    ) -> Result<BatchOutcome> {
        batch::send_chunked(client, &self.orgs, MAX_ORG_BATCH, "orgNo", options, |c| {
            SaveOrgs { orgs: c.to_vec() }
        })
        .await
    }
}

impl Endpoint for SaveOrgs {
    type Client = IsdpClient;
    type Output = WriteReply;
    type Envelope = StatusChunkReply;
    const PATH: &'static str = ORG_SAVE_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::ORG)
    }

    fn validate(&self) -> Result<()> {
        batch::check_chunk("orgInfoList", self.orgs.len(), MAX_ORG_BATCH)
    }

    fn to_request(&self) -> Result<Request> {
        batch::list_request::<Self, _>("orgInfoList", &self.orgs)
    }
}

/// `orgOpen/batchDelOrgInfo`, 20 per call. Only organisations without
/// children can be deleted: list children first.
///
/// [`send`](Self::send) sends every chunk. As an [`Endpoint`] it is one
/// call of at most [`MAX_ORG_BATCH`] codes, answered by a [`WriteReply`].
#[doc(alias = "batchDelOrgInfo")]
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
        self.send_with(client, &CallOptions::new()).await
    }

    /// [`send`](Self::send) with per-call options over the client's
    /// defaults, for every chunk.
    pub async fn send_with(
        &self,
        client: &IsdpClient,
        options: &CallOptions,
    ) -> Result<BatchOutcome> {
        batch::send_chunked(
            client,
            &self.org_nos,
            MAX_ORG_BATCH,
            "orgNo",
            options,
            |c| DeleteOrgs {
                org_nos: c.to_vec(),
            },
        )
        .await
    }
}

impl Endpoint for DeleteOrgs {
    type Client = IsdpClient;
    type Output = WriteReply;
    type Envelope = StatusChunkReply;
    const PATH: &'static str = ORG_DELETE_PATH;
    const IDEMPOTENT: bool = false;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::ORG)
    }

    fn validate(&self) -> Result<()> {
        batch::check_chunk("orgNoList", self.org_nos.len(), MAX_ORG_BATCH)
    }

    fn to_request(&self) -> Result<Request> {
        batch::list_request::<Self, _>("orgNoList", &self.org_nos)
    }
}
