//! `POST /openapi/v1/person/findPersonByUserIdList`: persons by `userId`,
//! with personal data masked by the vendor (`188****9999`).
//!
//! Source: Huawei's ISDP+ API reference, "查询人员脱敏信息 (API名称:
//! findPersonByUserIdList)", api_01_0112: request `{userIdList}`, response
//! a bare list with the fields of its plain-text sibling (api_01_0113),
//! whose published example (a bare array) shows the masked phone
//! `137*******1`.

use std::borrow::Cow;

use hr_common::endpoint::{Endpoint, json_request};
use hr_common::sensitive::Phone;
use hr_common::transport::Request;
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::IsdpClient;
use crate::codes::{PersonStatus, PersonType};
use crate::group;
use crate::ids::{OrgId, PersonId, UserId};
use crate::reply::ListReply;

/// The path of findPersonByUserIdList.
pub const PERSON_MASKED_PATH: &str = "/openapi/v1/person/findPersonByUserIdList";

/// A person of findPersonByUserIdList: the vendor masks the personal data
/// (`phone` reads `188****9999`), so [`phone`](Self::phone) is not a
/// number to call; [`is_phone_masked`](Self::is_phone_masked) says so.
/// The field stays [`Phone`], masked in `Debug` again, in case a tenant
/// switches masking off.
///
/// ```
/// let p: isdp_client::MaskedPerson = serde_json::from_value(serde_json::json!(
///     {"personId": 183663, "personCode": "test", "personName": "test",
///      "phone": "137*******1", "userId": 1859, "faceFileId": null}))?;
/// assert!(p.is_phone_masked());
/// assert_eq!(p.user_id.map(|u| u.get()), Some(1859));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MaskedPerson {
    /// `personId`.
    pub person_id: PersonId,
    /// `personCode`.
    #[serde(default)]
    pub person_code: Option<String>,
    /// `personName`.
    #[serde(default)]
    pub person_name: Option<String>,
    /// `personType`.
    #[serde(default)]
    pub person_type: Option<PersonType>,
    /// `personStatus`.
    #[serde(default)]
    pub person_status: Option<PersonStatus>,
    /// `userId`.
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// `phone`, masked by the vendor.
    #[serde(default)]
    pub phone: Option<Phone>,
    /// `adminOrgId`.
    #[serde(default)]
    pub admin_org_id: Option<OrgId>,
    /// `orgName`.
    #[serde(default)]
    pub org_name: Option<String>,
    /// `integrationAccount`.
    #[serde(default)]
    pub integration_account: Option<String>,
    /// `account`.
    #[serde(default)]
    pub account: Option<String>,
    /// `blackList`: 0 no, 1 yes.
    #[serde(default)]
    pub black_list: Option<i64>,
    /// `tenantId`.
    #[serde(default)]
    pub tenant_id: Option<i64>,
    /// Every other field (`customerName`, `udfExtend1`…), as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MaskedPerson {
    /// Whether the phone came masked (holds `*`): only a plain-text read
    /// (findPersonByUserIdListPlainText) gives the number.
    pub fn is_phone_masked(&self) -> bool {
        self.phone
            .as_ref()
            .is_some_and(|p| p.expose().contains('*'))
    }
}

/// findPersonByUserIdList: `{userIdList: [...]}` (not empty, checked
/// before sending) → the persons, personal data masked. Read as
/// [`ListReply`] reads a list: a bare array, a bare page's `data`, or
/// envelope B's `result`.
///
/// ```
/// let req = isdp_client::FindMaskedPersonsByUserIds::new([1859, 5003069]);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({"userIdList": [1859, 5003069]}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias = "findPersonByUserIdList")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FindMaskedPersonsByUserIds {
    /// `userIdList`.
    pub user_id_list: Vec<UserId>,
}

impl FindMaskedPersonsByUserIds {
    /// The persons of these users.
    pub fn new(user_ids: impl IntoIterator<Item = impl Into<UserId>>) -> Self {
        FindMaskedPersonsByUserIds {
            user_id_list: user_ids.into_iter().map(Into::into).collect(),
        }
    }
}

impl Endpoint for FindMaskedPersonsByUserIds {
    type Client = IsdpClient;
    type Output = Vec<MaskedPerson>;
    type Envelope = ListReply;
    const PATH: &'static str = PERSON_MASKED_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        if self.user_id_list.is_empty() {
            return Err(Error::invalid_request("userIdList", "is required"));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(FindMaskedPersonsByUserIds);
