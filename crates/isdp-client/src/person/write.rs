//! Person writes: batchAdd, batchUpdate, batchUpdatePerson (add person
//! accounts), update, deregisterPerson, batchDeregisterPerson. All answer
//! envelope C.

use std::borrow::Cow;

use hr_common::endpoint::{Endpoint, json_request};
use hr_common::sensitive::{IdNumber, Phone};
use hr_common::transport::{CallOptions, Request};
use hr_common::{Error, Result};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::batch::{self, BatchOutcome};
use crate::client::IsdpClient;
use crate::codes::{PersonStatus, PersonType};
use crate::group;
use crate::ids::{OrgId, PersonId, PositionId, RoleId};
use crate::person::model::Person;
use crate::reply::{StatusChunkReply, StatusReply, WriteReply};

/// `person/batchAdd`.
pub const PERSON_ADD_PATH: &str = "/openapi/v1/person/batchAdd";
/// `person/update`.
pub const PERSON_UPDATE_PATH: &str = "/openapi/v1/person/update";
/// `person/batchUpdatePerson`: 添加人员账号, add person accounts
/// (Huawei's API reference, api_01_0402).
pub const PERSON_ADD_ACCOUNTS_PATH: &str = "/openapi/v1/person/batchUpdatePerson";
/// The old name of [`PERSON_ADD_ACCOUNTS_PATH`], from when
/// `batchUpdatePerson` was taken for the plain batch update.
#[deprecated(
    note = "batchUpdatePerson adds person accounts: use PERSON_ADD_ACCOUNTS_PATH; the plain batch update is PERSON_BATCH_UPDATE_INFO_PATH"
)]
pub const PERSON_BATCH_UPDATE_PATH: &str = PERSON_ADD_ACCOUNTS_PATH;
/// `person/batchUpdate`: 批量更新人员信息, the batch update of persons'
/// organisation, roles and positions (Huawei's API reference, api_01_0120).
pub const PERSON_BATCH_UPDATE_INFO_PATH: &str = "/openapi/v1/person/batchUpdate";
/// Most roles (`roleNo`) one person of `person/batchUpdate` may carry
/// ("最多不超过5个", api_01_0120).
pub const MAX_UPDATE_ROLES: usize = 5;
/// `person/deregisterPerson`.
pub const PERSON_DEREGISTER_PATH: &str = "/openapi/v1/person/deregisterPerson";
/// `person/batchDeregisterPerson`.
pub const PERSON_BATCH_DEREGISTER_PATH: &str = "/openapi/v1/person/batchDeregisterPerson";
/// Most persons per batch call; longer lists are chunked.
pub const MAX_PERSON_BATCH: usize = 100;

fn comma_joined<S: Serializer>(v: &[String], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&v.join(","))
}

/// The optional person fields every write may carry.
#[serde_as]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PersonFields {
    /// `personName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_name: Option<String>,
    /// `personType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_type: Option<PersonType>,
    /// `phone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// `personStatus` (batchAdd's default: `OpenAccount`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_status: Option<PersonStatus>,
    /// `adminOrgId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_org_id: Option<OrgId>,
    /// `orgNo`, instead of `adminOrgId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_no: Option<String>,
    /// `roleNo`, sent comma-separated.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    pub role_no: Vec<String>,
    /// `positionCode`, sent comma-separated.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    pub position_code: Vec<String>,
    /// `roleIds`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub role_ids: Vec<RoleId>,
    /// `positionIds`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub position_ids: Vec<PositionId>,
    /// `certificateType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_type: Option<String>,
    /// `certificateNo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_no: Option<IdNumber>,
    /// `isSmartDevice`, sent as `Y`/`N`.
    #[serde_as(as = "Option<hr_common::lenient::LenientBoolYN>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_smart_device: Option<bool>,
    /// `integrationAccount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_account: Option<String>,
    /// Any other field (`udfExtend1`…), sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

macro_rules! field_setters {
    () => {
        /// `personName`.
        pub fn person_name(mut self, v: impl Into<String>) -> Self {
            self.fields.person_name = Some(v.into());
            self
        }
        /// `personType`.
        pub fn person_type(mut self, v: impl Into<PersonType>) -> Self {
            self.fields.person_type = Some(v.into());
            self
        }
        /// `phone`.
        pub fn phone(mut self, v: impl Into<String>) -> Self {
            self.fields.phone = Some(Phone::new(v.into()));
            self
        }
        /// `personStatus`.
        pub fn person_status(mut self, v: impl Into<PersonStatus>) -> Self {
            self.fields.person_status = Some(v.into());
            self
        }
        /// `adminOrgId`.
        pub fn admin_org_id(mut self, v: impl Into<OrgId>) -> Self {
            self.fields.admin_org_id = Some(v.into());
            self
        }
        /// `orgNo`.
        pub fn org_no(mut self, v: impl Into<String>) -> Self {
            self.fields.org_no = Some(v.into());
            self
        }
        /// `roleNo` (sent comma-separated).
        pub fn role_no(mut self, v: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.fields.role_no = v.into_iter().map(Into::into).collect();
            self
        }
        /// `positionCode` (sent comma-separated).
        pub fn position_code(mut self, v: impl IntoIterator<Item = impl Into<String>>) -> Self {
            self.fields.position_code = v.into_iter().map(Into::into).collect();
            self
        }
        /// `roleIds`.
        pub fn role_ids(mut self, v: impl IntoIterator<Item = impl Into<RoleId>>) -> Self {
            self.fields.role_ids = v.into_iter().map(Into::into).collect();
            self
        }
        /// `positionIds`.
        pub fn position_ids(mut self, v: impl IntoIterator<Item = impl Into<PositionId>>) -> Self {
            self.fields.position_ids = v.into_iter().map(Into::into).collect();
            self
        }
        /// `certificateType` and `certificateNo`.
        pub fn certificate(mut self, kind: impl Into<String>, number: impl Into<String>) -> Self {
            self.fields.certificate_type = Some(kind.into());
            self.fields.certificate_no = Some(IdNumber::new(number.into()));
            self
        }
        /// `isSmartDevice`.
        pub fn is_smart_device(mut self, v: bool) -> Self {
            self.fields.is_smart_device = Some(v);
            self
        }
        /// `integrationAccount`.
        pub fn integration_account(mut self, v: impl Into<String>) -> Self {
            self.fields.integration_account = Some(v.into());
            self
        }
        /// Any other field by its vendor name, e.g. `udfExtend1`.
        pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
            self.fields.extra.insert(name.into(), value.into());
            self
        }
    };
}

/// A person for `person/batchAdd`: `personCode` (unique), `personName`,
/// `personType`, `phone`, and `adminOrgId` or `orgNo`.
///
/// ```
/// use isdp_client::{NewPerson, PersonType};
/// let p = NewPerson::new("E0001", "张三", PersonType::Employee, "13512345678").org_no("D01").role_no(["R1", "R2"]);
/// let json = serde_json::to_value(&p)?;
/// assert_eq!(json["roleNo"], "R1,R2");
/// assert_eq!(json["phone"], "13512345678");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewPerson {
    /// `personCode`.
    pub person_code: String,
    /// The other fields.
    #[serde(flatten)]
    pub fields: PersonFields,
}

impl NewPerson {
    /// A person with the required fields; add `admin_org_id` or `org_no`.
    pub fn new(
        code: impl Into<String>,
        name: impl Into<String>,
        person_type: impl Into<PersonType>,
        phone: impl Into<String>,
    ) -> Self {
        NewPerson {
            person_code: code.into(),
            fields: PersonFields::default(),
        }
        .person_name(name)
        .person_type(person_type)
        .phone(phone)
    }

    field_setters!();
}

/// One person for [`AddPersonAccounts`] (`person/batchUpdatePerson`):
/// names its person by `personCode` and sets the fields it carries.
///
/// The vendor appends `@hw` to `personCode` before it looks the person up
/// (api_01_0402: code `12345` changes the person coded `12345@hw`), so
/// give the code without the suffix. `personId` is not in the vendor's
/// field table; [`PersonPatch::by_id`] is kept for tenants that take it.
///
/// ```
/// use isdp_client::PersonPatch;
/// let p = PersonPatch::by_code("h007996952").org_no("D01").field("openAccount", 1);
/// let json = serde_json::to_value(&p)?;
/// assert_eq!(json["personCode"], "h007996952");
/// assert_eq!(json["openAccount"], 1);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PersonPatch {
    /// `personId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<PersonId>,
    /// `personCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_code: Option<String>,
    /// The fields to change.
    #[serde(flatten)]
    pub fields: PersonFields,
}

impl PersonPatch {
    /// Changes the person with this `personId`.
    pub fn by_id(id: impl Into<PersonId>) -> Self {
        PersonPatch {
            person_id: Some(id.into()),
            person_code: None,
            fields: PersonFields::default(),
        }
    }

    /// Changes the person with this `personCode`.
    pub fn by_code(code: impl Into<String>) -> Self {
        PersonPatch {
            person_id: None,
            person_code: Some(code.into()),
            fields: PersonFields::default(),
        }
    }

    field_setters!();
}

/// `person/update`: all seven required fields, plus any optional ones.
///
/// `send` answers the `personId` the vendor returns in `data` (envelope
/// C, [`StatusReply`]). Setting the same values twice changes nothing, so
/// it is retried like a read.
///
/// ```no_run
/// # async fn run(client: &isdp_client::IsdpClient) -> hr_common::Result<()> {
/// use isdp_client::{PersonStatus, PersonType, UpdatePerson};
/// let id = UpdatePerson::new(5001610, "h00799695b", "黄x", PersonType::Employee,
///     "13512345678", PersonStatus::Freeze, 9911292880).send(client).await?;
/// # let _ = id; Ok(()) }
/// ```
#[doc(alias = "update")]
#[doc(alias = "updatePerson")]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdatePerson {
    /// `personId`.
    pub person_id: PersonId,
    /// `personCode`.
    pub person_code: String,
    /// The other fields.
    #[serde(flatten)]
    pub fields: PersonFields,
}

impl UpdatePerson {
    /// The required fields.
    pub fn new(
        person_id: impl Into<PersonId>,
        code: impl Into<String>,
        name: impl Into<String>,
        person_type: impl Into<PersonType>,
        phone: impl Into<String>,
        status: impl Into<PersonStatus>,
        admin_org_id: impl Into<OrgId>,
    ) -> Self {
        UpdatePerson {
            person_id: person_id.into(),
            person_code: code.into(),
            fields: PersonFields::default(),
        }
        .person_name(name)
        .person_type(person_type)
        .phone(phone)
        .person_status(status)
        .admin_org_id(admin_org_id)
    }

    field_setters!();
}

impl Endpoint for UpdatePerson {
    type Client = IsdpClient;
    type Output = Value;
    type Envelope = StatusReply;
    const PATH: &'static str = PERSON_UPDATE_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(UpdatePerson);

/// `person/batchAdd`, chunked by 100.
///
/// [`send`](Self::send) sends every chunk. As an [`Endpoint`] it is one
/// call of at most [`MAX_PERSON_BATCH`] persons, answered by a
/// [`WriteReply`].
#[doc(alias = "batchAdd")]
#[derive(Debug, Clone)]
pub struct BatchAddPersons {
    persons: Vec<NewPerson>,
}

impl BatchAddPersons {
    /// Any number of persons; they are sent 100 per call.
    pub fn new(persons: impl IntoIterator<Item = NewPerson>) -> Self {
        BatchAddPersons {
            persons: persons.into_iter().collect(),
        }
    }

    /// Checks the required fields before sending.
    pub fn validate(&self) -> Result<()> {
        for (i, p) in self.persons.iter().enumerate() {
            if p.fields.admin_org_id.is_none() && p.fields.org_no.is_none() {
                return Err(Error::invalid_request(
                    format!("personList[{i}].adminOrgId"),
                    "adminOrgId or orgNo is required",
                ));
            }
        }
        Ok(())
    }

    /// Sends every chunk. Not retried after a send failure: `personCode`
    /// is unique, so a repeat would report the persons as duplicates.
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
        self.validate()?;
        batch::send_chunked(
            client,
            &self.persons,
            MAX_PERSON_BATCH,
            "personCode",
            options,
            |c| BatchAddPersons {
                persons: c.to_vec(),
            },
        )
        .await
    }
}

impl Endpoint for BatchAddPersons {
    type Client = IsdpClient;
    type Output = WriteReply;
    type Envelope = StatusChunkReply;
    const PATH: &'static str = PERSON_ADD_PATH;
    const IDEMPOTENT: bool = false;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        batch::check_chunk("personList", self.persons.len(), MAX_PERSON_BATCH)?;
        BatchAddPersons::validate(self)
    }

    fn to_request(&self) -> Result<Request> {
        batch::list_request::<Self, _>("personList", &self.persons)
    }
}

/// `person/batchUpdatePerson`, which Huawei's reference titles 添加人员账号
/// ("add person accounts", api_01_0402), chunked by 100.
///
/// Each [`PersonPatch`] names a person by `personCode`, **to which the
/// vendor appends `@hw`** before matching: `PersonPatch::by_code("12345")`
/// changes the person coded `12345@hw`. For the plain batch update of
/// persons (organisation, roles, positions by code) use
/// [`BatchUpdatePersonInfo`] (`person/batchUpdate`).
///
/// [`send`](Self::send) sends every chunk. As an [`Endpoint`] it is one
/// call of at most [`MAX_PERSON_BATCH`] persons, answered by a
/// [`WriteReply`].
///
/// ```no_run
/// # async fn run(client: &isdp_client::IsdpClient) -> hr_common::Result<()> {
/// use isdp_client::{AddPersonAccounts, PersonPatch};
/// // Opens the account of the person coded `h007996952@hw`.
/// let outcome = AddPersonAccounts::new([PersonPatch::by_code("h007996952").field("openAccount", 1)])
///     .send(client)
///     .await?;
/// assert_eq!(outcome.failures().count(), 0);
/// # Ok(()) }
/// ```
#[doc(alias = "batchUpdatePerson")]
#[doc(alias = "添加人员账号")]
#[derive(Debug, Clone)]
pub struct AddPersonAccounts {
    patches: Vec<PersonPatch>,
}

/// The old name of [`AddPersonAccounts`]: `person/batchUpdatePerson` adds
/// person accounts, it is not the plain batch update.
#[deprecated(
    note = "person/batchUpdatePerson adds person accounts (it appends `@hw` to personCode): use AddPersonAccounts; the plain batch update is BatchUpdatePersonInfo (person/batchUpdate)"
)]
pub type BatchUpdatePersons = AddPersonAccounts;

impl AddPersonAccounts {
    /// Any number of persons; they are sent 100 per call.
    pub fn new(patches: impl IntoIterator<Item = PersonPatch>) -> Self {
        AddPersonAccounts {
            patches: patches.into_iter().collect(),
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
            &self.patches,
            MAX_PERSON_BATCH,
            "personCode",
            options,
            |c| AddPersonAccounts {
                patches: c.to_vec(),
            },
        )
        .await
    }
}

impl Endpoint for AddPersonAccounts {
    type Client = IsdpClient;
    type Output = WriteReply;
    type Envelope = StatusChunkReply;
    const PATH: &'static str = PERSON_ADD_ACCOUNTS_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        batch::check_chunk("personList", self.patches.len(), MAX_PERSON_BATCH)
    }

    fn to_request(&self) -> Result<Request> {
        batch::list_request::<Self, _>("personList", &self.patches)
    }
}

/// One person for [`BatchUpdatePersonInfo`] (`person/batchUpdate`): the
/// five fields the vendor requires (`personCode`, `personName`,
/// `personType`, `personStatus`, `orgNo`) and the optional ones of its
/// table (api_01_0120). `roleNo` and `positionCode` are sent
/// comma-separated, at most [`MAX_UPDATE_ROLES`] roles.
///
/// To change one field of a listed person, start from
/// [`PersonUpdate::from_person`], which copies the required fields, roles
/// and positions.
///
/// ```
/// use isdp_client::{PersonStatus, PersonType, PersonUpdate};
/// let u = PersonUpdate::new("testAAACC", "test AAA CC", PersonType::Employee,
///         PersonStatus::NoAccountOpened, "robin_test")
///     .role_no(["test Role1", "robin_test_func"])
///     .position_code(["test012", "robin_test_postion_01"])
///     .field("udfExtend1", "AAA");
/// let json = serde_json::to_value(&u)?;
/// assert_eq!(json["roleNo"], "test Role1,robin_test_func");
/// assert_eq!(json["personStatus"], "NoAccountOpened");
/// assert_eq!(json["udfExtend1"], "AAA");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PersonUpdate {
    /// `personCode`: the person to change, as stored (no `@hw` added).
    pub person_code: String,
    /// `personName`.
    pub person_name: String,
    /// `personType`.
    pub person_type: PersonType,
    /// `personStatus`.
    pub person_status: PersonStatus,
    /// `orgNo`: the organisation's code. The vendor's table types it
    /// `Long`, its example sends a string (`"robin_test"`); it is sent as
    /// a string.
    pub org_no: String,
    /// `phone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    /// `customerCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_code: Option<String>,
    /// `supplierCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier_code: Option<String>,
    /// `positionCode`, sent comma-separated.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    pub position_code: Vec<String>,
    /// `roleNo`, sent comma-separated; at most [`MAX_UPDATE_ROLES`].
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_joined")]
    pub role_no: Vec<String>,
    /// Any other field (`udfExtend1`…), sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PersonUpdate {
    /// The five required fields.
    pub fn new(
        code: impl Into<String>,
        name: impl Into<String>,
        person_type: impl Into<PersonType>,
        status: impl Into<PersonStatus>,
        org_no: impl Into<String>,
    ) -> Self {
        PersonUpdate {
            person_code: code.into(),
            person_name: name.into(),
            person_type: person_type.into(),
            person_status: status.into(),
            org_no: org_no.into(),
            phone: None,
            customer_code: None,
            supplier_code: None,
            position_code: Vec::new(),
            role_no: Vec::new(),
            extra: Map::new(),
        }
    }

    /// A person as getPersonList listed them: code, name, type, status,
    /// `Org.orgNo`, role codes and position codes, so that an update
    /// changes only what is set afterwards. The phone is left out, as the
    /// listing masks it (`135******78`).
    ///
    /// Fails ([`Error::InvalidRequest`]) when the listing lacks the type,
    /// the status or the organisation's code.
    ///
    /// ```
    /// use isdp_client::{Person, PersonUpdate};
    /// let p: Person = serde_json::from_str(r#"{"personId": 1, "personCode": "c1", "personName": "n",
    ///     "personType": "Employee", "personStatus": "OpenAccount", "Org": {"orgNo": "D01"},
    ///     "roleInfo": [{"roleId": "7", "roleCode": "R007"}]}"#)?;
    /// let u = PersonUpdate::from_person(&p)?.field("udfExtend1", "13512345678");
    /// let json = serde_json::to_value(&u)?;
    /// assert_eq!((json["orgNo"].as_str(), json["roleNo"].as_str()), (Some("D01"), Some("R007")));
    /// assert!(json.get("phone").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_person(person: &Person) -> Result<Self> {
        let missing = |field: &str| {
            Error::invalid_request(
                field,
                format!(
                    "person {} has no {field}; person/batchUpdate requires it",
                    person.person_code
                ),
            )
        };
        let person_type = person
            .person_type
            .clone()
            .ok_or_else(|| missing("personType"))?;
        let status = person
            .person_status
            .clone()
            .ok_or_else(|| missing("personStatus"))?;
        let org_no = person
            .org
            .as_ref()
            .and_then(|o| o.org_no.clone())
            .filter(|no| !no.is_empty())
            .ok_or_else(|| missing("orgNo"))?;
        let mut update = PersonUpdate::new(
            person.person_code.clone(),
            person.person_name.clone(),
            person_type,
            status,
            org_no,
        );
        update.role_no = person
            .role_info
            .iter()
            .filter_map(|r| r.role_code.clone())
            .filter(|c| !c.is_empty())
            .collect();
        update.position_code = person
            .position_info
            .iter()
            .filter_map(|p| p.position_code.clone())
            .filter(|c| !c.is_empty())
            .collect();
        Ok(update)
    }

    /// `personName`.
    pub fn person_name(mut self, v: impl Into<String>) -> Self {
        self.person_name = v.into();
        self
    }

    /// `personType`.
    pub fn person_type(mut self, v: impl Into<PersonType>) -> Self {
        self.person_type = v.into();
        self
    }

    /// `personStatus`.
    pub fn person_status(mut self, v: impl Into<PersonStatus>) -> Self {
        self.person_status = v.into();
        self
    }

    /// `orgNo`.
    pub fn org_no(mut self, v: impl Into<String>) -> Self {
        self.org_no = v.into();
        self
    }

    /// `phone`.
    pub fn phone(mut self, v: impl Into<String>) -> Self {
        self.phone = Some(Phone::new(v.into()));
        self
    }

    /// `customerCode`.
    pub fn customer_code(mut self, v: impl Into<String>) -> Self {
        self.customer_code = Some(v.into());
        self
    }

    /// `supplierCode`.
    pub fn supplier_code(mut self, v: impl Into<String>) -> Self {
        self.supplier_code = Some(v.into());
        self
    }

    /// `positionCode` (sent comma-separated).
    pub fn position_code(mut self, v: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.position_code = v.into_iter().map(Into::into).collect();
        self
    }

    /// `roleNo` (sent comma-separated), at most [`MAX_UPDATE_ROLES`].
    pub fn role_no(mut self, v: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.role_no = v.into_iter().map(Into::into).collect();
        self
    }

    /// Any other field by its vendor name, e.g. `udfExtend1`.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }
}

/// `person/batchUpdate`, which Huawei's reference titles 批量更新人员信息
/// ("batch update person information", api_01_0120), chunked by 100.
///
/// Each [`PersonUpdate`] names its person by `personCode`, as stored, and
/// carries the five fields the vendor requires; `roleNo` and
/// `positionCode` are comma-separated codes. The vendor answers
/// `{"status":"success","msg":null,"data":null}`: the chunk's persons are
/// then listed as written in the [`BatchOutcome`]. The vendor documents no
/// batch size for it; 100 per call, the limit of its other person batch
/// writes, keeps each call within what they take.
///
/// Not to be confused with [`AddPersonAccounts`] (`batchUpdatePerson`),
/// which appends `@hw` to the code.
///
/// [`send`](Self::send) sends every chunk. As an [`Endpoint`] it is one
/// call of at most [`MAX_PERSON_BATCH`] persons, answered by a
/// [`WriteReply`].
///
/// ```no_run
/// # async fn run(client: &isdp_client::IsdpClient) -> hr_common::Result<()> {
/// use isdp_client::{BatchUpdatePersonInfo, PersonStatus, PersonType, PersonUpdate};
/// let update = PersonUpdate::new("testAAACC", "test AAA CC", PersonType::Employee,
///     PersonStatus::NoAccountOpened, "robin_test").role_no(["robin_test_func"]);
/// BatchUpdatePersonInfo::new([update]).send(client).await?.into_result()?;
/// # Ok(()) }
/// ```
#[doc(alias = "batchUpdate")]
#[doc(alias = "批量更新人员信息")]
#[derive(Debug, Clone)]
pub struct BatchUpdatePersonInfo {
    updates: Vec<PersonUpdate>,
}

impl BatchUpdatePersonInfo {
    /// Any number of persons; they are sent 100 per call.
    pub fn new(updates: impl IntoIterator<Item = PersonUpdate>) -> Self {
        BatchUpdatePersonInfo {
            updates: updates.into_iter().collect(),
        }
    }

    /// Checks what the vendor requires before sending: non-empty
    /// `personCode`, `personName` and `orgNo`, at most
    /// [`MAX_UPDATE_ROLES`] roles each.
    pub fn validate(&self) -> Result<()> {
        for (i, u) in self.updates.iter().enumerate() {
            for (field, value) in [
                ("personCode", &u.person_code),
                ("personName", &u.person_name),
                ("orgNo", &u.org_no),
            ] {
                if value.trim().is_empty() {
                    return Err(Error::invalid_request(
                        format!("personList[{i}].{field}"),
                        format!("{field} is required"),
                    ));
                }
            }
            if u.role_no.len() > MAX_UPDATE_ROLES {
                return Err(Error::invalid_request(
                    format!("personList[{i}].roleNo"),
                    format!(
                        "at most {MAX_UPDATE_ROLES} roles per person, not {}",
                        u.role_no.len()
                    ),
                ));
            }
        }
        Ok(())
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
        self.validate()?;
        batch::send_chunked(
            client,
            &self.updates,
            MAX_PERSON_BATCH,
            "personCode",
            options,
            |c| BatchUpdatePersonInfo {
                updates: c.to_vec(),
            },
        )
        .await
    }
}

impl Endpoint for BatchUpdatePersonInfo {
    type Client = IsdpClient;
    type Output = WriteReply;
    type Envelope = StatusChunkReply;
    const PATH: &'static str = PERSON_BATCH_UPDATE_INFO_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        batch::check_chunk("personList", self.updates.len(), MAX_PERSON_BATCH)?;
        BatchUpdatePersonInfo::validate(self)
    }

    fn to_request(&self) -> Result<Request> {
        batch::list_request::<Self, _>("personList", &self.updates)
    }
}

/// `person/deregisterPerson`: sets `personStatus` to `Cancel`; `send`
/// answers the vendor's `data` (envelope C, [`StatusReply`]).
#[doc(alias = "deregisterPerson")]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeregisterPerson {
    /// `personCode`.
    pub person_code: String,
}

impl DeregisterPerson {
    /// Deregisters the person with this code.
    pub fn new(code: impl Into<String>) -> Self {
        DeregisterPerson {
            person_code: code.into(),
        }
    }
}

impl Endpoint for DeregisterPerson {
    type Client = IsdpClient;
    type Output = Value;
    type Envelope = StatusReply;
    const PATH: &'static str = PERSON_DEREGISTER_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(DeregisterPerson);

/// `person/batchDeregisterPerson`, chunked by 100.
///
/// [`send`](Self::send) sends every chunk. As an [`Endpoint`] it is one
/// call of at most [`MAX_PERSON_BATCH`] codes, answered by a
/// [`WriteReply`].
#[doc(alias = "batchDeregisterPerson")]
#[derive(Debug, Clone)]
pub struct BatchDeregisterPersons {
    codes: Vec<String>,
}

impl BatchDeregisterPersons {
    /// Any number of `personCode`s; they are sent 100 per call.
    pub fn new(codes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        BatchDeregisterPersons {
            codes: codes.into_iter().map(Into::into).collect(),
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
            &self.codes,
            MAX_PERSON_BATCH,
            "personCode",
            options,
            |c| BatchDeregisterPersons { codes: c.to_vec() },
        )
        .await
    }
}

impl Endpoint for BatchDeregisterPersons {
    type Client = IsdpClient;
    type Output = WriteReply;
    type Envelope = StatusChunkReply;
    const PATH: &'static str = PERSON_BATCH_DEREGISTER_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        batch::check_chunk("personList", self.codes.len(), MAX_PERSON_BATCH)
    }

    fn to_request(&self) -> Result<Request> {
        batch::list_request::<Self, _>("personList", &self.codes)
    }
}
