//! `POST /openapi/v1/person/findPersonByUserIdListPlainText`: persons by
//! `userId`, with personal data in clear (the phone unmasked).

use std::borrow::Cow;

use hr_common::endpoint::{Endpoint, json_request};
use hr_common::sensitive::Phone;
use hr_common::transport::Request;
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::IsdpClient;
use crate::codes::{PersonType, ProfilePictureStatus};
use crate::group;
use crate::ids::{OrgId, PersonId, UserId};
use crate::reply::ListReply;

/// The path of findPersonByUserIdListPlainText.
pub const PERSON_PLAIN_TEXT_PATH: &str = "/openapi/v1/person/findPersonByUserIdListPlainText";

/// A person of findPersonByUserIdListPlainText (fields of the vendor's
/// reference, api_01_0113). The phone is in clear here, so it is
/// [`Phone`]: `Debug` masks it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlainPerson {
    /// `personId`.
    pub person_id: PersonId,
    /// `personGroupId`.
    #[serde(default)]
    pub person_group_id: Option<i64>,
    /// `blackList`: 0 no, 1 yes.
    #[serde(default)]
    pub black_list: Option<i64>,
    /// `reason` for the black list.
    #[serde(default)]
    pub reason: Option<String>,
    /// `profilePictureStatus`.
    #[serde(default)]
    pub profile_picture_status: Option<ProfilePictureStatus>,
    /// `profilePictureId` (a number here, a string in getPersonList).
    #[serde(default)]
    pub profile_picture_id: Option<Value>,
    /// `personCode`.
    #[serde(default)]
    pub person_code: Option<String>,
    /// `firstName`.
    #[serde(default)]
    pub first_name: Option<String>,
    /// `lastName`.
    #[serde(default)]
    pub last_name: Option<String>,
    /// `personName`.
    #[serde(default)]
    pub person_name: Option<String>,
    /// `qualificationCode`.
    #[serde(default)]
    pub qualification_code: Option<String>,
    /// `personType`.
    #[serde(default)]
    pub person_type: Option<PersonType>,
    /// `tenantId`.
    #[serde(default)]
    pub tenant_id: Option<i64>,
    /// `description`.
    #[serde(default)]
    pub description: Option<String>,
    /// `phone`, in clear.
    #[serde(default)]
    pub phone: Option<Phone>,
    /// `adminOrgId`.
    #[serde(default)]
    pub admin_org_id: Option<OrgId>,
    /// `orgName`.
    #[serde(default)]
    pub org_name: Option<String>,
    /// `customerId`.
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// `customerName`.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// `supplierId`.
    #[serde(default)]
    pub supplier_id: Option<i64>,
    /// `supplierName`.
    #[serde(default)]
    pub supplier_name: Option<String>,
    /// `openAccount`: whether the account is open.
    #[serde(default)]
    pub open_account: Option<String>,
    /// `account`.
    #[serde(default)]
    pub account: Option<String>,
    /// `headFileId`.
    #[serde(default)]
    pub head_file_id: Option<i64>,
    /// Every other field (`faceFileId`, …), as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// findPersonByUserIdListPlainText: `{userIdList: [...]}` (not empty,
/// checked before sending).
///
/// The reference shows no response example, so `send` reads the list as
/// [`ListReply`] does: from a bare array, a bare page's `data`, or envelope
/// B's `result`, and nothing else passes for an empty answer.
///
/// ```
/// let req = isdp_client::FindPersonsByUserIds::new([5003069]);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({"userIdList": [5003069]}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias = "findPersonByUserIdListPlainText")]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FindPersonsByUserIds {
    /// `userIdList`.
    pub user_id_list: Vec<UserId>,
}

impl FindPersonsByUserIds {
    /// The persons of these users.
    pub fn new(user_ids: impl IntoIterator<Item = impl Into<UserId>>) -> Self {
        FindPersonsByUserIds {
            user_id_list: user_ids.into_iter().map(Into::into).collect(),
        }
    }
}

impl Endpoint for FindPersonsByUserIds {
    type Client = IsdpClient;
    type Output = Vec<PlainPerson>;
    type Envelope = ListReply;
    const PATH: &'static str = PERSON_PLAIN_TEXT_PATH;
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

hr_common::impl_send!(FindPersonsByUserIds);
