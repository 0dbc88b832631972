//! Persons: the record, the query, the writes.

mod detail;
mod list;
mod masked;
mod model;
mod plain;
mod write;

use hr_common::Result;
use hr_common::paging::Items;

pub use detail::{FindPersonByCode, PERSON_MORE_INFO_PATH, PersonDetail, PersonDetailReply};
pub use list::{GetPersonList, PERSON_LIST_PATH, PersonListing};
pub use masked::{FindMaskedPersonsByUserIds, MaskedPerson, PERSON_MASKED_PATH};
pub use model::{Person, PersonOrg, PositionInfo, RoleInfo};
pub use plain::{FindPersonsByUserIds, PERSON_PLAIN_TEXT_PATH, PlainPerson};
pub use write::{
    AddPersonAccounts, BatchAddPersons, BatchDeregisterPersons, BatchUpdatePersonInfo,
    DeregisterPerson, MAX_PERSON_BATCH, MAX_UPDATE_ROLES, NewPerson, PERSON_ADD_ACCOUNTS_PATH,
    PERSON_ADD_PATH, PERSON_BATCH_DEREGISTER_PATH, PERSON_BATCH_UPDATE_INFO_PATH,
    PERSON_DEREGISTER_PATH, PERSON_UPDATE_PATH, PersonFields, PersonPatch, PersonUpdate,
    UpdatePerson,
};
#[allow(deprecated)]
pub use write::{BatchUpdatePersons, PERSON_BATCH_UPDATE_PATH};

use crate::batch::BatchOutcome;
use crate::client::IsdpClient;
use crate::export::{ExportJob, ExportPersons};

impl IsdpClient {
    /// Person reads, writes and the export.
    ///
    /// Defined here rather than with the client, so that the client knows no
    /// request.
    pub fn persons(&self) -> Persons<'_> {
        Persons { client: self }
    }
}

/// Person calls of one client; see [`IsdpClient::persons`].
///
/// Shorthands for the request types' `send`/`stream`, which stay usable
/// on their own.
#[derive(Debug, Clone, Copy)]
pub struct Persons<'a> {
    client: &'a IsdpClient,
}

impl<'a> Persons<'a> {
    /// Every person matching `query`, in order, pages fetched concurrently.
    pub fn list(&self, query: &GetPersonList) -> Items<Person> {
        query.stream(self.client)
    }

    /// Every person.
    pub fn all(&self) -> Items<Person> {
        GetPersonList::new().stream(self.client)
    }

    /// findPersonByUserIdListPlainText: persons by `userId`, phones in clear.
    pub async fn by_user_ids(
        &self,
        user_ids: impl IntoIterator<Item = impl Into<crate::ids::UserId>>,
    ) -> Result<Vec<PlainPerson>> {
        FindPersonsByUserIds::new(user_ids).send(self.client).await
    }

    /// findPersonByUserIdList: persons by `userId`, personal data masked
    /// by the vendor.
    pub async fn by_user_ids_masked(
        &self,
        user_ids: impl IntoIterator<Item = impl Into<crate::ids::UserId>>,
    ) -> Result<Vec<MaskedPerson>> {
        FindMaskedPersonsByUserIds::new(user_ids)
            .send(self.client)
            .await
    }

    /// findPersonMoreInfoByPersonCode: one person by `personCode`, `None`
    /// when there is none.
    pub async fn by_code(&self, person_code: impl Into<String>) -> Result<Option<PersonDetail>> {
        FindPersonByCode::new(person_code).send(self.client).await
    }

    /// The whole export chain; await it, after options if needed.
    pub fn export(&self, request: ExportPersons) -> ExportJob<'a> {
        ExportJob::new(self.client, request)
    }

    /// `person/batchAdd`, 100 per call.
    pub async fn add(&self, persons: impl IntoIterator<Item = NewPerson>) -> Result<BatchOutcome> {
        BatchAddPersons::new(persons).send(self.client).await
    }

    /// `person/batchUpdate`, the plain batch update, 100 per call; see
    /// [`BatchUpdatePersonInfo`].
    pub async fn update_info(
        &self,
        updates: impl IntoIterator<Item = PersonUpdate>,
    ) -> Result<BatchOutcome> {
        BatchUpdatePersonInfo::new(updates).send(self.client).await
    }

    /// `person/batchUpdatePerson` (add person accounts: the vendor appends
    /// `@hw` to each `personCode`), 100 per call; see [`AddPersonAccounts`].
    pub async fn add_accounts(
        &self,
        patches: impl IntoIterator<Item = PersonPatch>,
    ) -> Result<BatchOutcome> {
        AddPersonAccounts::new(patches).send(self.client).await
    }

    /// The old shorthand for [`add_accounts`](Self::add_accounts): it
    /// calls `person/batchUpdatePerson`, which adds person accounts.
    #[deprecated(
        note = "person/batchUpdatePerson adds person accounts (it appends `@hw` to personCode): use add_accounts, or update_info for the plain batch update (person/batchUpdate)"
    )]
    pub async fn update(
        &self,
        patches: impl IntoIterator<Item = PersonPatch>,
    ) -> Result<BatchOutcome> {
        self.add_accounts(patches).await
    }

    /// `person/batchDeregisterPerson`, 100 per call.
    pub async fn deregister(
        &self,
        codes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<BatchOutcome> {
        BatchDeregisterPersons::new(codes).send(self.client).await
    }
}
