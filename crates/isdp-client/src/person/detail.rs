//! `POST /openapi/v1/person/findPersonMoreInfoByPersonCode`: one person by
//! `personCode`, with more fields than the listing (e-mail, audit fields,
//! hashes of phone and e-mail).
//!
//! Source: Huawei's ISDP+ API reference, "查询单个人员信息 (API名称:
//! findPersonMoreInfoByPersonCode)", api_01_0340: request `{personCode}`,
//! response a bare person object (the field table below). The page shows
//! no example; the envelope fields (`status` 0, `entityName` `"person"`,
//! `appName` `"pub-server"`) are those of the example of its sibling
//! findPersonByPersonCode (api_01_0392).

use std::borrow::Cow;

use hr_common::endpoint::{Endpoint, Envelope, json_request};
use hr_common::sensitive::{Email, Phone};
use hr_common::transport::{Request, Response};
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::IsdpClient;
use crate::codes::{PersonStatus, PersonType, ProfilePictureStatus};
use crate::envelope;
use crate::group;
use crate::ids::{OrgId, PersonId, UserId};

/// The path of findPersonMoreInfoByPersonCode.
pub const PERSON_MORE_INFO_PATH: &str = "/openapi/v1/person/findPersonMoreInfoByPersonCode";

/// A person of findPersonMoreInfoByPersonCode (api_01_0340's field table).
/// The phone and e-mail are [`Sensitive`](hr_common::Sensitive): `Debug`
/// masks them, serialising writes them as received.
///
/// ```
/// let p: isdp_client::PersonDetail = serde_json::from_value(serde_json::json!({
///     "personId": 5001610, "personCode": "h00799695b", "personName": "黄xx",
///     "phone": "13512345678", "email": "h@example.com", "deleteFlag": 0, "udfExtend7": "x"}))?;
/// assert_eq!(p.person_code.as_deref(), Some("h00799695b"));
/// assert!(!format!("{p:?}").contains("13512345678"));
/// assert_eq!(p.extra["udfExtend7"], "x");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PersonDetail {
    /// `personId`.
    pub person_id: PersonId,
    /// `personCode`.
    #[serde(default)]
    pub person_code: Option<String>,
    /// `personName`.
    #[serde(default)]
    pub person_name: Option<String>,
    /// `firstName`.
    #[serde(default)]
    pub first_name: Option<String>,
    /// `lastName`.
    #[serde(default)]
    pub last_name: Option<String>,
    /// `personType`.
    #[serde(default)]
    pub person_type: Option<PersonType>,
    /// `personStatus`.
    #[serde(default)]
    pub person_status: Option<PersonStatus>,
    /// `userId`.
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// `account`.
    #[serde(default)]
    pub account: Option<String>,
    /// `integrationAccount`.
    #[serde(default)]
    pub integration_account: Option<String>,
    /// `adminOrgId`: the administrative organisation.
    #[serde(default)]
    pub admin_org_id: Option<OrgId>,
    /// `phone`.
    #[serde(default)]
    pub phone: Option<Phone>,
    /// `email`.
    #[serde(default)]
    pub email: Option<Email>,
    /// `phoneHash`: the vendor's digest of the phone.
    #[serde(default)]
    pub phone_hash: Option<String>,
    /// `emailHash`: the vendor's digest of the e-mail.
    #[serde(default)]
    pub email_hash: Option<String>,
    /// `tenantId`.
    #[serde(default)]
    pub tenant_id: Option<i64>,
    /// `qualificationCode`: qualification ids, comma-separated.
    #[serde(default)]
    pub qualification_code: Option<String>,
    /// `profilePictureStatus`.
    #[serde(default)]
    pub profile_picture_status: Option<ProfilePictureStatus>,
    /// `profilePictureId` (a string here).
    #[serde(default)]
    pub profile_picture_id: Option<Value>,
    /// `status`.
    #[serde(default)]
    pub status: Option<i64>,
    /// `deleteFlag`: 1 when deleted.
    #[serde(default)]
    pub delete_flag: Option<i64>,
    /// `creationDate` (a string in the table; epoch milliseconds in the
    /// siblings' examples: kept as received).
    #[serde(default)]
    pub creation_date: Option<Value>,
    /// `createdBy`.
    #[serde(default)]
    pub created_by: Option<Value>,
    /// `lastUpdateDate`, as received (see `creationDate`).
    #[serde(default)]
    pub last_update_date: Option<Value>,
    /// `lastUpdatedBy`.
    #[serde(default)]
    pub last_updated_by: Option<Value>,
    /// `udfExtend1`.
    #[serde(default)]
    pub udf_extend1: Option<String>,
    /// `udfExtend2`.
    #[serde(default)]
    pub udf_extend2: Option<String>,
    /// `udfExtend3`.
    #[serde(default)]
    pub udf_extend3: Option<String>,
    /// `udfExtend4`.
    #[serde(default)]
    pub udf_extend4: Option<String>,
    /// `udfExtend5`.
    #[serde(default)]
    pub udf_extend5: Option<Value>,
    /// `isSmartDevice`: `Y` for a smart-device account.
    #[serde(default)]
    pub is_smart_device: Option<String>,
    /// Every other field (`entityName`, `appName`, `udfExtend7`…), as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PersonDetail {
    /// Whether the vendor flags the person deleted (`deleteFlag` 1).
    pub fn is_deleted(&self) -> bool {
        self.delete_flag == Some(1)
    }
}

/// The reply of findPersonMoreInfoByPersonCode: the bare person (envelope
/// B unwrapped when present); `null` or an empty body is no such person.
#[derive(Debug)]
pub enum PersonDetailReply {}

impl Envelope<Option<PersonDetail>> for PersonDetailReply {
    fn decode(response: &Response) -> Result<Option<PersonDetail>> {
        if response.body().iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        envelope::bare(response)
    }
}

/// findPersonMoreInfoByPersonCode: `{personCode}` (not blank, checked
/// before sending) → the person, or `None`.
///
/// ```
/// let req = isdp_client::FindPersonByCode::new("h00799695b");
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({"personCode": "h00799695b"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias = "findPersonMoreInfoByPersonCode")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FindPersonByCode {
    /// `personCode`.
    pub person_code: String,
}

impl FindPersonByCode {
    /// The person with this code.
    pub fn new(person_code: impl Into<String>) -> Self {
        FindPersonByCode {
            person_code: person_code.into(),
        }
    }
}

impl Endpoint for FindPersonByCode {
    type Client = IsdpClient;
    type Output = Option<PersonDetail>;
    type Envelope = PersonDetailReply;
    const PATH: &'static str = PERSON_MORE_INFO_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        if self.person_code.trim().is_empty() {
            return Err(Error::invalid_request("personCode", "is required"));
        }
        Ok(())
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(FindPersonByCode);
