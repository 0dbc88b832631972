//! [`CardInfo`]: one identity document of a user (证件信息).
//!
//! The spec notes that under the Personal Information Protection Law this
//! part should in principle not be sent ("基于个人信息保护法,原则上不传该部分"),
//! so nothing in this crate sends cards unless the caller opts in; see
//! [`UserInfo::opt_in_card_info`](crate::UserInfo::opt_in_card_info).

use std::fmt;

use hr_common::lenient::{EmptyAsNone, StringOrInt};
use hr_common::sensitive::{IdNumber, Sensitive, mask};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::{CardType, EpochMillis};

/// One identity document (`cardInfo` item).
///
/// | field | wire | type | required |
/// |---|---|---|---|
/// | [`card_type`](Self::card_type) | `cardType` | String, a description such as `身份证` | Y |
/// | [`card_type_id`](Self::card_type_id) | `cardTypeId` | Integer, appendix 7 | Y |
/// | [`card_no`](Self::card_no) | `cardNo` | String | Y |
/// | [`expiration_date`](Self::expiration_date) | `expirationDate` | long, 13-digit ms | N |
/// | [`given_name`](Self::given_name) | `givenName` | String, as on the document | N |
/// | [`surname`](Self::surname) | `surname` | String, as on the document | N |
///
/// Required fields are `Option`s so that a received card missing one can
/// still be read and reported by validation; [`CardInfo::new`] sets them.
/// `cardNo` is [`Sensitive`]: `Debug` shows `1101**********002X`.
///
/// ```
/// use travel_sync_types::{CardInfo, CardType, EpochMillis};
///
/// let card = CardInfo::new("身份证", CardType::IdCard, "11010519491231002X")
///     .expiration_date(EpochMillis::new(2_000_000_000_000));
/// assert_eq!(
///     serde_json::to_string(&card)?,
///     r#"{"cardType":"身份证","cardTypeId":1,"cardNo":"11010519491231002X","expirationDate":2000000000000}"#
/// );
/// assert!(!format!("{card:?}").contains("11010519491231002X"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_as]
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CardInfo {
    /// `cardType`: the document type's description (证件类型描述).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub card_type: Option<String>,
    /// `cardTypeId`: the document type's code (appendix 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_type_id: Option<CardType>,
    /// `cardNo`: the document number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<Sensitive<StringOrInt, mask::IdNumber>>")]
    pub card_no: Option<IdNumber>,
    /// `expirationDate`: when the document expires. `""` reads as absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "EmptyAsNone")]
    pub expiration_date: Option<EpochMillis>,
    /// `givenName`: the given name as printed on the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub given_name: Option<String>,
    /// `surname`: the surname as printed on the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde_as(as = "Option<StringOrInt>")]
    pub surname: Option<String>,
    /// Fields the spec does not name, kept so that nothing is lost when a
    /// card is read and written back.
    #[serde(flatten)]
    pub unknown_fields: Map<String, Value>,
}

/// `Debug` masks `cardNo` and shows only the keys of the unknown fields.
impl fmt::Debug for CardInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardInfo")
            .field("card_type", &self.card_type)
            .field("card_type_id", &self.card_type_id)
            .field("card_no", &self.card_no)
            .field("expiration_date", &self.expiration_date)
            .field("given_name", &self.given_name)
            .field("surname", &self.surname)
            .field(
                "unknown_fields",
                &crate::user::KeysOnly(&self.unknown_fields),
            )
            .finish()
    }
}

impl CardInfo {
    /// A card with the three required fields.
    ///
    /// ```
    /// use travel_sync_types::{CardInfo, CardType};
    ///
    /// let passport = CardInfo::new("护照", CardType::from_id(2), "E12345678");
    /// assert_eq!(passport.card_type_id, Some(CardType::from_id(2)));
    /// ```
    pub fn new(
        card_type: impl Into<String>,
        card_type_id: impl Into<CardType>,
        card_no: impl Into<String>,
    ) -> Self {
        CardInfo {
            card_type: Some(card_type.into()),
            card_type_id: Some(card_type_id.into()),
            card_no: Some(Sensitive::new(card_no.into())),
            ..CardInfo::default()
        }
    }

    /// A mainland resident identity card (`cardTypeId` 1, `身份证`).
    ///
    /// ```
    /// use travel_sync_types::{CardInfo, CardType};
    ///
    /// let card = CardInfo::resident_id("11010519491231002X");
    /// assert_eq!(card.card_type.as_deref(), Some("身份证"));
    /// assert_eq!(card.card_type_id, Some(CardType::IdCard));
    /// ```
    pub fn resident_id(card_no: impl Into<String>) -> Self {
        CardInfo::new("身份证", CardType::IdCard, card_no)
    }

    /// Sets `expirationDate`.
    ///
    /// ```
    /// use travel_sync_types::{CardInfo, EpochMillis};
    /// let card = CardInfo::resident_id("11010519491231002X").expiration_date(EpochMillis::new(2_000_000_000_000));
    /// assert_eq!(card.expiration_date, Some(EpochMillis::new(2_000_000_000_000)));
    /// ```
    pub fn expiration_date(mut self, at: impl Into<EpochMillis>) -> Self {
        self.expiration_date = Some(at.into());
        self
    }

    /// Sets `givenName`, as printed on the document.
    ///
    /// ```
    /// let card = travel_sync_types::CardInfo::resident_id("11010519491231002X").given_name("Wei");
    /// assert_eq!(card.given_name.as_deref(), Some("Wei"));
    /// ```
    pub fn given_name(mut self, name: impl Into<String>) -> Self {
        self.given_name = Some(name.into());
        self
    }

    /// Sets `surname`, as printed on the document.
    ///
    /// ```
    /// let card = travel_sync_types::CardInfo::resident_id("11010519491231002X").surname("Wang");
    /// assert_eq!(card.surname.as_deref(), Some("Wang"));
    /// ```
    pub fn surname(mut self, name: impl Into<String>) -> Self {
        self.surname = Some(name.into());
        self
    }
}
