//! `POST /openapi/v1/person/findPersonByUserIdListPlainText`: persons by
//! `userId`, with personal data in clear (the phone unmasked).

use hr_common::sensitive::Phone;
use hr_common::transport::Response;
use hr_common::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::IsdpClient;
use crate::codes::{PersonType, ProfilePictureStatus};
use crate::envelope::{self, SERVICE};
use crate::ids::{OrgId, PersonId, UserId};

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

/// findPersonByUserIdListPlainText: `{userIdList: [...]}`.
///
/// ```
/// let req = isdp_client::FindPersonsByUserIds::new([5003069]);
/// assert_eq!(serde_json::to_value(&req)?, serde_json::json!({"userIdList": [5003069]}));
/// # Ok::<(), serde_json::Error>(())
/// ```
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

    /// Sends it. The reference shows no response example, so the list is
    /// read from a bare array, a bare page's `data`, or envelope B's
    /// `result` (either of the former inside it). Nothing else passes for
    /// an empty answer: an object without its `data` list (a gateway's
    /// `{"message": …}`) is a decode error, and so is a `null` unless
    /// envelope B's `stateCode` `"0"` vouches for it.
    pub async fn send(&self, client: &IsdpClient) -> Result<Vec<PlainPerson>> {
        if self.user_id_list.is_empty() {
            return Err(Error::invalid_request("userIdList", "is required"));
        }
        decode_plain(&client.post(PERSON_PLAIN_TEXT_PATH, self, true).await?)
    }
}

/// Reads the answer of [`PERSON_PLAIN_TEXT_PATH`]; see
/// [`FindPersonsByUserIds::send`].
pub(crate) fn decode_plain(resp: &Response) -> Result<Vec<PlainPerson>> {
    let value: Value = envelope::bare(resp)?;
    let no_list = |what: &str| {
        Error::decode_at(
            "data",
            format!("the reply holds no list of persons ({what})"),
            resp.body(),
        )
        .with_service(SERVICE)
        .with_status(resp.status())
    };
    let list = match value {
        Value::Array(_) => value,
        Value::Object(mut map) => match map.remove("data") {
            Some(list @ Value::Array(_)) => list,
            Some(Value::Null) if page_total(&map) == Some(0) => Value::Array(Vec::new()),
            Some(_) => return Err(no_list("`data` is not a list")),
            None => return Err(no_list("no `data`")),
        },
        Value::Null if envelope::state_code_ok(resp) => Value::Array(Vec::new()),
        Value::Null => return Err(no_list("`null`")),
        other => other,
    };
    let bytes = serde_json::to_vec(&list).map_err(|e| Error::invalid(e.to_string()))?;
    hr_common::transport::decode_json(&bytes, Some(SERVICE), Some(resp.status()))
}

/// The total of a bare page, whichever spelling it uses.
fn page_total(map: &serde_json::Map<String, Value>) -> Option<u64> {
    ["totalCount", "total_count"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_u64))
}
