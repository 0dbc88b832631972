//! Positions (职位) and job posts (职务) by `oId`: the names behind a
//! record's `oIdJobPosition` and `oIdJobPost`.
//!
//! Sources: the paths are in fxp/skillify
//! `skills/beisen/references/organization-and-positions.md` §4 (no field
//! table) and in the vendor's catalogue titles ("根据职位OId集合获取的职位相关
//! 信息", "通过职务OID获取职务信息", as a public Java SDK's path constants
//! name them); the body is the PHP SDK's (chinayin/italent-openapi-sdk-php
//! `src/Api/TenantBaseExternal/JobPost.php` `getByOIds`: `oIds`, at most
//! 300, with the search filter's `isWithDeleted` and `columns`), the reply
//! the v5 list envelope with items as the time windows give them
//! ([`Position`], [`JobPost`]). A position `oId` is a GUID, a job-post
//! `oId` a numeric string; both are sent as strings, as the windows
//! return them.

use crate::employee::ids_request;
use crate::ids::{JobPostOId, PositionOId};
use crate::models::{JobPost, Position};
use serde::Serialize;

/// `POST …/Position/GetByOIds`.
pub const POSITION_GET_BY_OIDS: &str = "/TenantBaseExternal/api/v5/Position/GetByOIds";
/// `POST …/JobPost/GetByOIds`.
pub const JOB_POST_GET_BY_OIDS: &str = "/TenantBaseExternal/api/v5/JobPost/GetByOIds";

/// `Position/GetByOIds`: positions by `oId` (GUIDs, at most 300), in
/// request order; unknown ids are left out, disabled positions included.
///
/// ```
/// use beisen_client::position::GetPositionsByOIds;
/// let req = GetPositionsByOIds::new(["6f0c2f7e-4d1a-4c55-9a0e-3b3f1f2d9a10"]).columns(["Name", "Code"]);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({
///     "oIds": ["6f0c2f7e-4d1a-4c55-9a0e-3b3f1f2d9a10"], "columns": ["Name", "Code"]
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("Position/GetByOIds", "根据职位OId集合获取的职位相关信息"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetPositionsByOIds {
    /// The position `oId`s (GUIDs), at most 300.
    pub o_ids: Vec<PositionOId>,
    /// Include deleted positions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill (PascalCase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}
ids_request!(GetPositionsByOIds, o_ids: PositionOId, POSITION_GET_BY_OIDS => Position);

/// `JobPost/GetByOIds`: job posts by `oId` (numeric strings, at most
/// 300), in request order; unknown ids are left out, disabled job posts
/// included.
///
/// ```
/// use beisen_client::position::GetJobPostsByOIds;
/// let req = GetJobPostsByOIds::new(["20017", "20018"]).with_deleted(true);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({
///     "oIds": ["20017", "20018"], "isWithDeleted": true
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("JobPost/GetByOIds", "通过职务OID获取职务信息"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetJobPostsByOIds {
    /// The job-post `oId`s, at most 300.
    pub o_ids: Vec<JobPostOId>,
    /// Include deleted job posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_with_deleted: Option<bool>,
    /// Columns to fill (PascalCase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}
ids_request!(GetJobPostsByOIds, o_ids: JobPostOId, JOB_POST_GET_BY_OIDS => JobPost);
