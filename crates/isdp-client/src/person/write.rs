//! Person writes: batchAdd, batchUpdatePerson, update, deregisterPerson,
//! batchDeregisterPerson. All answer envelope C.

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
use crate::reply::{StatusChunkReply, StatusReply, WriteReply};

/// `person/batchAdd`.
pub const PERSON_ADD_PATH: &str = "/openapi/v1/person/batchAdd";
/// `person/update`.
pub const PERSON_UPDATE_PATH: &str = "/openapi/v1/person/update";
/// `person/batchUpdatePerson`.
pub const PERSON_BATCH_UPDATE_PATH: &str = "/openapi/v1/person/batchUpdatePerson";
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

/// A change for `person/batchUpdatePerson`: names its person by
/// `personId` or `personCode` and changes the fields it carries.
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
        batch::send_chunked(client, &self.persons, MAX_PERSON_BATCH, options, |c| {
            BatchAddPersons {
                persons: c.to_vec(),
            }
        })
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

/// `person/batchUpdatePerson`, chunked by 100.
///
/// [`send`](Self::send) sends every chunk. As an [`Endpoint`] it is one
/// call of at most [`MAX_PERSON_BATCH`] changes, answered by a
/// [`WriteReply`].
#[doc(alias = "batchUpdatePerson")]
#[derive(Debug, Clone)]
pub struct BatchUpdatePersons {
    patches: Vec<PersonPatch>,
}

impl BatchUpdatePersons {
    /// Any number of changes; they are sent 100 per call.
    pub fn new(patches: impl IntoIterator<Item = PersonPatch>) -> Self {
        BatchUpdatePersons {
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
        batch::send_chunked(client, &self.patches, MAX_PERSON_BATCH, options, |c| {
            BatchUpdatePersons {
                patches: c.to_vec(),
            }
        })
        .await
    }
}

impl Endpoint for BatchUpdatePersons {
    type Client = IsdpClient;
    type Output = WriteReply;
    type Envelope = StatusChunkReply;
    const PATH: &'static str = PERSON_BATCH_UPDATE_PATH;
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
        batch::send_chunked(client, &self.codes, MAX_PERSON_BATCH, options, |c| {
            BatchDeregisterPersons { codes: c.to_vec() }
        })
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
