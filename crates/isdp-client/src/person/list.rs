//! `POST /openapi/v1/person/getPersonList`.

use std::borrow::Cow;

use hr_common::endpoint::{self, Endpoint, json_request};
use hr_common::paging::{self, Items, Pages};
use hr_common::transport::{CallOptions, Request};
use hr_common::{Error, Result, Sensitive};
use serde::Serialize;
use serde_with::serde_as;

use crate::client::IsdpClient;
use crate::codes::{Codes, PersonStatus, PersonType, ProfilePictureStatus};
use crate::envelope::BarePage;
use crate::group;
use crate::ids::{OrgId, PersonId, PositionId, RoleId};
use crate::page::{
    self, ListingItems, ListingProgress, MAX_ID_LIST, OffsetCheckpoint, PageRequest,
};
use crate::person::Person;
use crate::reply::BarePageReply;
use crate::setters::{list_setter, opt_setter};

/// The path of getPersonList.
pub const PERSON_LIST_PATH: &str = "/openapi/v1/person/getPersonList";

/// getPersonList: every filter of seed 001, combined with AND.
///
/// `send` fetches the page in [`page`](GetPersonList::page) (the limits of
/// [`validate`](GetPersonList::validate) are checked first);
/// [`stream`](GetPersonList::stream) every page, the later ones
/// concurrently, in order.
///
/// ```
/// use isdp_client::{GetPersonList, PersonStatus, PersonType};
///
/// let req = GetPersonList::new()
///     .person_status([PersonStatus::NoAccountOpened, PersonStatus::OpenAccount])
///     .person_type([PersonType::Employee])
///     .org_no_list(["SaasTenant101075"])
///     .org_include_child(true);
/// let json = serde_json::to_value(&req)?;
/// assert_eq!(json["personStatus"], "NoAccountOpened;OpenAccount");
/// assert_eq!(json["page"]["count"], 200);
/// assert!(json.get("idList").is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias = "getPersonList")]
#[serde_as]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetPersonList {
    /// `page`: `start` and `count` (default 0 and 200).
    pub page: PageRequest,
    /// `roleIds`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub role_ids: Vec<RoleId>,
    /// `roleName`: names, `;`-separated.
    #[serde(skip_serializing_if = "Codes::is_empty")]
    pub role_name: Codes<String>,
    /// `roleNo`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub role_no: Vec<String>,
    /// `positionIds`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub position_ids: Vec<PositionId>,
    /// `positionCode`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub position_code: Vec<String>,
    /// `positionName`: names, `;`-separated.
    #[serde(skip_serializing_if = "Codes::is_empty")]
    pub position_name: Codes<String>,
    /// `idList` (at most 200).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub id_list: Vec<PersonId>,
    /// `personCodeList`: exact codes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub person_code_list: Vec<String>,
    /// `personCode`: a substring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_code: Option<String>,
    /// `personNameList`: exact names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub person_name_list: Vec<String>,
    /// `personName`: a substring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_name: Option<String>,
    /// `personStatus`: any of these.
    #[serde(skip_serializing_if = "Codes::is_empty")]
    pub person_status: Codes<PersonStatus>,
    /// `personType`: any of these.
    #[serde(skip_serializing_if = "Codes::is_empty")]
    pub person_type: Codes<PersonType>,
    /// `isSmartDevice`: `Y` only device accounts, `N` none.
    #[serde_as(as = "Option<hr_common::lenient::LenientBoolYN>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_smart_device: Option<bool>,
    /// `orgIdList` (at most 200).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub org_id_list: Vec<OrgId>,
    /// `orgIncludeChild`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_include_child: Option<bool>,
    /// `orgNoList`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub org_no_list: Vec<String>,
    /// `orgName`: one name matches as a prefix; several (`;`) exactly.
    #[serde(skip_serializing_if = "Codes::is_empty")]
    pub org_name: Codes<String>,
    /// `profilePictureStatus`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_picture_status: Option<ProfilePictureStatus>,
    /// `phone`: the full number, or a same-length pattern with `*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Sensitive<String, hr_common::sensitive::mask::Phone>>,
}

impl GetPersonList {
    /// No filter: every person.
    pub fn new() -> Self {
        Self::default()
    }

    /// `page`: where to start and how many per page (≤ 200).
    pub fn page(mut self, start: u64, count: u32) -> Self {
        self.page = PageRequest::new(start, count);
        self
    }

    list_setter!(/// `roleIds`.
        role_ids: RoleId);
    list_setter!(/// `roleName` (`;`-joined).
        role_name: String);
    list_setter!(/// `roleNo`.
        role_no: String);
    list_setter!(/// `positionIds`.
        position_ids: PositionId);
    list_setter!(/// `positionCode`.
        position_code: String);
    list_setter!(/// `positionName` (`;`-joined).
        position_name: String);
    list_setter!(/// `idList` (≤ 200, checked before sending).
        id_list: PersonId);
    list_setter!(/// `personCodeList`.
        person_code_list: String);
    opt_setter!(/// `personCode`, a substring.
        person_code: String);
    list_setter!(/// `personNameList`.
        person_name_list: String);
    opt_setter!(/// `personName`, a substring.
        person_name: String);
    list_setter!(/// `personStatus` (`;`-joined).
        person_status: PersonStatus);
    list_setter!(/// `personType` (`;`-joined).
        person_type: PersonType);
    opt_setter!(/// `isSmartDevice`.
        is_smart_device: bool);
    list_setter!(/// `orgIdList` (≤ 200, checked before sending).
        org_id_list: OrgId);
    opt_setter!(/// `orgIncludeChild`.
        org_include_child: bool);
    list_setter!(/// `orgNoList`.
        org_no_list: String);
    list_setter!(/// `orgName` (`;`-joined).
        org_name: String);
    opt_setter!(/// `profilePictureStatus`.
        profile_picture_status: ProfilePictureStatus);

    /// `phone`: a full number or a masked pattern (`135******78`).
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(Sensitive::new(phone.into()));
        self
    }

    /// The client-side limits: `count` ≤ 200, `idList` and `orgIdList` ≤ 200.
    pub fn validate(&self) -> Result<()> {
        page::check_count(self.page.count)?;
        page::check_len("idList", self.id_list.len(), MAX_ID_LIST)?;
        page::check_len("orgIdList", self.org_id_list.len(), MAX_ID_LIST)
    }

    /// Every page from [`page`](GetPersonList::page)`.start` on, `count`
    /// per call. After the first page has given `totalCount`, up to
    /// [`IsdpClient::concurrency`] pages are fetched at once; pages
    /// come out in order, and a total that changes meanwhile is followed
    /// up to twice the first page's total (see [`PersonListing::max_growth`]).
    /// A page whose `pos` is not the `start` asked for, or whose persons
    /// were all delivered before, ends the stream with an error: the
    /// server is not paging. For a listing that can be resumed after a
    /// failure, use [`listing`](Self::listing).
    pub fn pages(&self, client: &IsdpClient) -> Pages<Person> {
        self.listing(client).pages()
    }

    /// Every matching person, in `personId` order; see [`pages`](GetPersonList::pages).
    pub fn stream(&self, client: &IsdpClient) -> Items<Person> {
        self.pages(client).by_item()
    }

    /// The listing as a builder: resumable from an [`OffsetCheckpoint`],
    /// with a live checkpoint of what was delivered.
    ///
    /// ```no_run
    /// # async fn run(client: isdp_client::IsdpClient) -> hr_common::Result<()> {
    /// use futures::TryStreamExt;
    /// use isdp_client::GetPersonList;
    ///
    /// let mut listing = GetPersonList::new().listing(&client);
    /// let progress = listing.progress();
    /// let mut persons = listing.items();
    /// loop {
    ///     match persons.try_next().await {
    ///         Ok(Some(person)) => { /* write it */ let _ = person; }
    ///         Ok(None) => break,
    ///         Err(e) => {
    ///             // Save this and resume with `.resume_from(&checkpoint)`.
    ///             let checkpoint = progress.checkpoint();
    ///             eprintln!("stopped at {checkpoint}: {e}");
    ///             return Err(e);
    ///         }
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn listing(&self, client: &IsdpClient) -> PersonListing {
        PersonListing {
            client: client.clone(),
            request: self.clone(),
            resume: None,
            max_growth: Some(paging::DEFAULT_MAX_GROWTH),
            progress: None,
        }
    }
}

impl Endpoint for GetPersonList {
    type Client = IsdpClient;
    type Output = BarePage<Person>;
    type Envelope = BarePageReply;
    const PATH: &'static str = PERSON_LIST_PATH;
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed(group::PERSON)
    }

    fn validate(&self) -> Result<()> {
        GetPersonList::validate(self)
    }

    fn to_request(&self) -> Result<Request> {
        json_request(self)
    }
}

hr_common::impl_send!(GetPersonList);

/// A getPersonList listing that can be resumed: made by
/// [`GetPersonList::listing`], consumed with [`items`](Self::items) or
/// [`pages`](Self::pages).
///
/// Its [`progress`](Self::progress) counts the persons the consumer
/// received, in order; when the listing fails, its
/// [`checkpoint`](ListingProgress::checkpoint) says where to go on, and
/// [`resume_from`](Self::resume_from) starts a new listing there, so that
/// the persons not yet delivered come exactly once (as long as the listing
/// did not change in between: see [`OffsetCheckpoint`]). Paging errors of
/// the listing name that offset in their message too.
#[must_use = "a listing does nothing until consumed"]
pub struct PersonListing {
    client: IsdpClient,
    request: GetPersonList,
    resume: Option<OffsetCheckpoint>,
    max_growth: Option<u32>,
    progress: Option<ListingProgress>,
}

impl std::fmt::Debug for PersonListing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonListing")
            .field("page", &self.request.page)
            .field("resume", &self.resume)
            .field("max_growth", &self.max_growth)
            .finish_non_exhaustive()
    }
}

impl PersonListing {
    /// Starts where `checkpoint` (of an earlier run of the same query) says
    /// the persons not yet delivered begin. The checkpoint must come from a
    /// listing that started at this request's `page.start`; otherwise the
    /// listing fails with an invalid-request error before sending anything.
    /// The new listing's checkpoint keeps counting from the first run's
    /// start, so resumes can be chained.
    pub fn resume_from(mut self, checkpoint: &OffsetCheckpoint) -> Self {
        self.resume = Some(*checkpoint);
        self.progress = None;
        self
    }

    /// How many times the total that the first page announces the listing
    /// may deliver, plus one page, before it fails with an overrun error
    /// (default `Some(2)`; `None` for no bound): a total that keeps growing
    /// is not followed for ever.
    pub fn max_growth(mut self, factor: Option<u32>) -> Self {
        self.max_growth = factor;
        self
    }

    /// The live progress and checkpoint (call before consuming).
    pub fn progress(&mut self) -> ListingProgress {
        if let Some(p) = &self.progress {
            return p.clone();
        }
        let before = self.resume.map_or(0, |c| c.delivered);
        let p = ListingProgress::new(self.request.page.start, before);
        self.progress = Some(p.clone());
        p
    }

    /// Where the listing would resume now.
    pub fn checkpoint(&mut self) -> OffsetCheckpoint {
        self.progress().checkpoint()
    }

    /// The persons, one by one, each counted when handed on.
    pub fn items(mut self) -> ListingItems<Person> {
        let progress = self.progress();
        ListingItems::new(self.build_pages(progress.clone()), progress)
    }

    /// The persons, page by page, each page counted when handed on.
    pub fn pages(mut self) -> Pages<Person> {
        let progress = self.progress();
        page::counted_pages(self.build_pages(progress.clone()), progress)
    }

    fn first_page(&self) -> Result<PageRequest> {
        self.request.validate()?;
        let mut first = self.request.page;
        if let Some(c) = &self.resume {
            if c.start != first.start {
                return Err(Error::invalid_request(
                    "checkpoint",
                    format!(
                        "the checkpoint is of a listing from offset {}, this one starts at {}",
                        c.start, first.start
                    ),
                ));
            }
            first.start = c.next_start();
        }
        Ok(first)
    }

    /// The offset stream itself; the pages' totals go to `progress`.
    fn build_pages(self, progress: ListingProgress) -> Pages<Person> {
        let first = match self.first_page() {
            Ok(first) => first,
            Err(e) => return Pages::new(futures::stream::iter([Err(e)])),
        };
        let (c, template) = (self.client.clone(), self.request.clone());
        let pages = page::offset_stream(&self.client, first, self.max_growth, move |page| {
            let (client, mut req) = (c.clone(), template.clone());
            req.page = page;
            async move {
                let page = endpoint::send(&client, &req, &CallOptions::new()).await?;
                Ok(page::offset_page(page, |p: &Person| Some(p.person_id)))
            }
        });
        page::with_totals(pages, progress)
    }
}
