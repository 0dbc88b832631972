//! The ISDP+ source: every person (or those a filter selects).

use futures::StreamExt;
use isdp_client::{GetPersonList, IsdpClient};

use super::{Pull, Source, SourceCheckpoint, SourceRecord};
use crate::{Error, Result};

/// Persons from `getPersonList`, every page, in `personId` order.
///
/// ISDP has no "changed since" query, so every run reads the whole
/// listing and the store's hashes keep unchanged persons from being pushed
/// again; there is no checkpoint. Unfiltered, the listing is complete: a
/// person the store knows and the listing lacks has been removed, and a
/// full run pushes them once with `isLeave: true`. With a
/// [`filter`](Self::filter) it is not (a person may merely fall outside
/// it), unless you say otherwise with
/// [`complete_listing`](Self::complete_listing).
///
/// ISDP masks phones in listings (`135******78`); see
/// [`IsdpMapping::mobile_field`](crate::mapping::IsdpMapping::mobile_field)
/// for where the mapping can read a usable number.
///
/// ```no_run
/// # fn run(client: isdp_client::IsdpClient) {
/// use isdp_client::{GetPersonList, PersonType};
/// let everyone = hr_sync::IsdpSource::new(client.clone());
/// let employees = hr_sync::IsdpSource::new(client)
///     .filter(GetPersonList::new().person_type([PersonType::Employee]));
/// # let _ = (everyone, employees); }
/// ```
#[derive(Debug, Clone)]
pub struct IsdpSource {
    client: IsdpClient,
    name: String,
    query: GetPersonList,
    complete: bool,
}

impl IsdpSource {
    /// Every person, through `client`; named `isdp`.
    pub fn new(client: IsdpClient) -> Self {
        IsdpSource {
            client,
            name: "isdp".into(),
            query: GetPersonList::new(),
            complete: true,
        }
    }

    /// The name state is kept under (default `isdp`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Only the persons `query` selects (its page settings give the page
    /// size); the listing is then not complete.
    pub fn filter(mut self, query: GetPersonList) -> Self {
        self.query = query;
        self.complete = false;
        self
    }

    /// Whether the listing counts as complete (default: yes unless
    /// filtered). Say yes for a filter that selects everyone who may
    /// travel, such as all employees, so that leavers are found.
    pub fn complete_listing(mut self, yes: bool) -> Self {
        self.complete = yes;
        self
    }
}

#[async_trait::async_trait]
impl Source for IsdpSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn is_complete_listing(&self) -> bool {
        self.complete
    }

    async fn pull(&self, _from: Option<&SourceCheckpoint>) -> Result<Pull<'_>> {
        self.query.validate().map_err(Error::Source)?;
        let records = self.query.stream(&self.client).map(|p| {
            p.map(|person| SourceRecord::Isdp(Box::new(person)))
                .map_err(Error::Source)
        });
        Ok(Pull::new(records, None))
    }
}
