//! Personal data that masks itself in `Debug`.
//!
//! HR records are full of personal information (mobile numbers, ID card
//! numbers, bank cards, e-mail addresses) that China's PIPL says should not
//! end up in logs. Models log themselves through `Debug` all the time
//! (`tracing::debug!(?employee)`, `dbg!`, `unwrap` messages), so the safe
//! default is for the field itself to refuse to print its value.
//!
//! [`Sensitive<T, M>`] wraps a value so that `Debug` prints it masked by the
//! [`Mask`] `M`, while serde sees the plain value: JSON on the wire is
//! unchanged. It has no `Display`, so it cannot be formatted with `{}` or
//! recorded with tracing's `%` by accident; [`Sensitive::expose`] is the one
//! explicit way to the value.
//!
//! ```
//! use hr_common::sensitive::{IdNumber, Phone, Sensitive};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Deserialize, Serialize)]
//! #[serde(rename_all = "camelCase")]
//! struct Employee {
//!     name: String,
//!     mobile_phone: Phone,
//!     #[serde(rename = "iDNumber")]
//!     id_number: IdNumber,
//!     staff_no: Sensitive<i64>,
//! }
//!
//! let json = r#"{"name":"张三","mobilePhone":"13512345678","iDNumber":"11010519491231002X","staffNo":20230001}"#;
//! let e: Employee = serde_json::from_str(json)?;
//! assert_eq!(
//!     format!("{e:?}"),
//!     r#"Employee { name: "张三", mobile_phone: "135****5678", id_number: "1101**********002X", staff_no: "****0001" }"#
//! );
//! assert_eq!(e.mobile_phone.expose(), "13512345678");
//! assert_eq!(serde_json::to_string(&e)?, json);
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_with::{DeserializeAs, SerializeAs};

/// How a [`Sensitive`] value is shown in `Debug`.
///
/// A mask receives the value's text (its `Display` form) and returns what
/// may be shown. Implement it on a unit type to add a policy:
///
/// ```
/// use hr_common::sensitive::{Mask, Sensitive};
///
/// /// Shows only the year of a date.
/// struct YearOnly;
///
/// impl Mask for YearOnly {
///     fn mask(raw: &str) -> String {
///         match raw.split_once('-') {
///             Some((year, _)) => format!("{year}-**-**"),
///             None => "****".to_owned(),
///         }
///     }
/// }
///
/// let birthday = Sensitive::<_, YearOnly>::new(chrono::NaiveDate::from_ymd_opt(1997, 11, 10).unwrap());
/// assert_eq!(format!("{birthday:?}"), r#""1997-**-**""#);
/// ```
pub trait Mask {
    /// Masks the text of a value.
    fn mask(raw: &str) -> String;
}

/// A value that prints masked in `Debug` and is otherwise itself.
///
/// - `Debug` writes [`M::mask`](Mask::mask) of the value's `Display` text as
///   a quoted string, so a struct's `Debug` reads `mobile: "135****5678"`.
/// - `Debug` needs `T: Display`, so wrap the leaf value
///   (`Option<Phone>`, `Vec<Sensitive<String>>`), not the container.
/// - There is no `Display`; call [`expose`](Self::expose) to get at the
///   value, which makes every use of the raw value visible in review.
/// - `Serialize`/`Deserialize` are transparent: the JSON is that of `T`.
/// - `Clone`, `Copy`, `PartialEq`, `Eq`, `Hash`, `PartialOrd`, `Ord`,
///   `Default` and `From<T>` follow `T`, whatever `M` is.
///
/// `M` defaults to [`mask::Auto`], which picks how much to show from the
/// length. The type aliases [`Phone`], [`IdNumber`], [`CardNumber`] and
/// [`Email`] name the common choices.
///
/// ```
/// use hr_common::sensitive::{mask, Sensitive};
///
/// let card: Sensitive<String, mask::CardNumber> = Sensitive::new("6222021234567890123".to_owned());
/// assert_eq!(format!("{card:?}"), r#""***************0123""#);
/// assert_eq!(card.expose(), "6222021234567890123");
/// ```
///
/// # With `serde_with`
///
/// `Sensitive<U, M>` is also a [`serde_with`] adapter for `Sensitive<T, M>`
/// whenever `U` is one for `T`, so the wrapped value can be read with any
/// other adapter:
///
/// ```
/// use hr_common::sensitive::Sensitive;
/// use serde::{Deserialize, Serialize};
/// use serde_with::{serde_as, DisplayFromStr};
///
/// #[serde_as]
/// #[derive(Debug, Deserialize, Serialize)]
/// struct Person {
///     #[serde_as(as = "Option<Sensitive<DisplayFromStr>>")]
///     user_id: Option<Sensitive<u64>>,
/// }
///
/// let p: Person = serde_json::from_str(r#"{"user_id":"113801234567890"}"#)?;
/// assert_eq!(p.user_id.as_ref().map(|id| *id.expose()), Some(113801234567890));
/// assert_eq!(format!("{p:?}"), r#"Person { user_id: Some("1138*******7890") }"#);
/// assert_eq!(serde_json::to_string(&p)?, r#"{"user_id":"113801234567890"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub struct Sensitive<T, M: Mask = mask::Auto> {
    value: T,
    // `fn() -> M` keeps `Sensitive` Send, Sync and covariant whatever the
    // marker type is.
    mask: PhantomData<fn() -> M>,
}

/// A mobile or landline number; `Debug` shows `135****5678`.
///
/// ```
/// let phone = hr_common::sensitive::Phone::from("+8613512345678".to_owned());
/// assert_eq!(format!("{phone:?}"), r#""+86135****5678""#);
/// ```
pub type Phone = Sensitive<String, mask::Phone>;

/// A resident ID card, passport or other identity document number; `Debug`
/// shows `1101**********002X`.
///
/// ```
/// let id = hr_common::sensitive::IdNumber::from("11010519491231002X".to_owned());
/// assert_eq!(format!("{id:?}"), r#""1101**********002X""#);
/// ```
pub type IdNumber = Sensitive<String, mask::IdNumber>;

/// A bank card number; `Debug` shows only the last four characters.
///
/// ```
/// let card = hr_common::sensitive::CardNumber::from("6222 0212 3456 7890".to_owned());
/// assert_eq!(format!("{card:?}"), r#""**** **** **** 7890""#);
/// ```
pub type CardNumber = Sensitive<String, mask::CardNumber>;

/// An e-mail address; `Debug` shows `z*******@example.com`.
///
/// ```
/// let email = hr_common::sensitive::Email::from("zhangsan@example.com".to_owned());
/// assert_eq!(format!("{email:?}"), r#""z*******@example.com""#);
/// ```
pub type Email = Sensitive<String, mask::Email>;

impl<T, M: Mask> Sensitive<T, M> {
    /// Wraps a value.
    ///
    /// ```
    /// use hr_common::sensitive::{mask, Sensitive};
    ///
    /// let id = Sensitive::<_, mask::Full>::new(42);
    /// assert_eq!(format!("{id:?}"), r#""****""#);
    /// ```
    pub const fn new(value: T) -> Self {
        Sensitive {
            value,
            mask: PhantomData,
        }
    }

    /// The raw value. Every call is a place where personal data leaves the
    /// wrapper, so keep them few and obvious.
    ///
    /// ```
    /// let phone = hr_common::sensitive::Phone::from("13512345678".to_owned());
    /// assert_eq!(phone.expose(), "13512345678");
    /// ```
    pub const fn expose(&self) -> &T {
        &self.value
    }

    /// The raw value, mutably.
    ///
    /// ```
    /// let mut phone = hr_common::sensitive::Phone::from(" 13512345678 ".to_owned());
    /// let trimmed = phone.expose().trim().to_owned();
    /// *phone.expose_mut() = trimmed;
    /// assert_eq!(phone.expose(), "13512345678");
    /// ```
    pub fn expose_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Unwraps the raw value.
    ///
    /// ```
    /// let phone = hr_common::sensitive::Phone::from("13512345678".to_owned());
    /// let raw: String = phone.into_inner();
    /// assert_eq!(raw, "13512345678");
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Transforms the value, keeping it wrapped and masked the same way.
    ///
    /// ```
    /// let phone = hr_common::sensitive::Phone::from(" 135 1234 5678 ".to_owned());
    /// let phone = phone.map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>());
    /// assert_eq!(phone.expose(), "13512345678");
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sensitive<U, M> {
        Sensitive::new(f(self.value))
    }
}

impl<T: fmt::Display, M: Mask> Sensitive<T, M> {
    /// The masked text, exactly as `Debug` shows it but without quotes: for
    /// log fields that want a plain string (`tracing::info!(mobile = %p.masked())`).
    ///
    /// ```
    /// let phone = hr_common::sensitive::Phone::from("13512345678".to_owned());
    /// assert_eq!(phone.masked(), "135****5678");
    /// ```
    pub fn masked(&self) -> String {
        M::mask(&self.value.to_string())
    }
}

impl<T: fmt::Display, M: Mask> fmt::Debug for Sensitive<T, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.masked().as_str(), f)
    }
}

impl<T: Clone, M: Mask> Clone for Sensitive<T, M> {
    fn clone(&self) -> Self {
        Sensitive::new(self.value.clone())
    }
}

impl<T: Copy, M: Mask> Copy for Sensitive<T, M> {}

impl<T: PartialEq, M: Mask> PartialEq for Sensitive<T, M> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq, M: Mask> Eq for Sensitive<T, M> {}

impl<T: PartialOrd, M: Mask> PartialOrd for Sensitive<T, M> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord, M: Mask> Ord for Sensitive<T, M> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: Hash, M: Mask> Hash for Sensitive<T, M> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: Default, M: Mask> Default for Sensitive<T, M> {
    fn default() -> Self {
        Sensitive::new(T::default())
    }
}

impl<T, M: Mask> From<T> for Sensitive<T, M> {
    fn from(value: T) -> Self {
        Sensitive::new(value)
    }
}

impl<T: Serialize, M: Mask> Serialize for Sensitive<T, M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>, M: Mask> Deserialize<'de> for Sensitive<T, M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Sensitive::new)
    }
}

impl<T, U: SerializeAs<T>, M: Mask> SerializeAs<Sensitive<T, M>> for Sensitive<U, M> {
    fn serialize_as<S: Serializer>(
        source: &Sensitive<T, M>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        U::serialize_as(&source.value, serializer)
    }
}

impl<'de, T, U: DeserializeAs<'de, T>, M: Mask> DeserializeAs<'de, Sensitive<T, M>>
    for Sensitive<U, M>
{
    fn deserialize_as<D: Deserializer<'de>>(deserializer: D) -> Result<Sensitive<T, M>, D::Error> {
        U::deserialize_as(deserializer).map(Sensitive::new)
    }
}

pub mod mask {
    //! The masks: unit types implementing [`Mask`].
    //!
    //! All masks work on characters, not bytes, so Chinese text is safe. All
    //! but [`Full`] keep the length, which helps tell a truncated value from
    //! a complete one in a log, and show an empty value as `""`. Masks that
    //! keep a head and a tail always hide at least four characters: on values
    //! too short for that, the head is shortened first, then the tail.
    //!
    //! | mask | `Debug` shows |
    //! |---|---|
    //! | [`Auto`] (default) | `1101**********002X`, `135****5678`, `**` |
    //! | [`Phone`] | `135****5678`, `+86135****5678` |
    //! | [`IdNumber`] | `1101**********002X` |
    //! | [`CardNumber`] | `***************0123` |
    //! | [`Email`] | `z*******@example.com` |
    //! | [`Name`] | `张*` |
    //! | [`Full`] | `****` |
    //!
    //! ```
    //! use hr_common::sensitive::{mask, Mask};
    //!
    //! assert_eq!(mask::Phone::mask("13512345678"), "135****5678");
    //! assert_eq!(mask::Auto::mask("张三"), "**");
    //! ```

    use super::Mask;

    /// Fewest characters a head-and-tail mask hides.
    const MIN_HIDDEN: usize = 4;

    /// Stars every counted character except `head` at the start and `tail`
    /// at the end; uncounted characters (separators) are kept as they are.
    fn keep_ends(raw: &str, head: usize, tail: usize, counts: fn(char) -> bool) -> String {
        let n = raw.chars().filter(|&c| counts(c)).count();
        let keep = n.saturating_sub(MIN_HIDDEN);
        let tail = tail.min(keep);
        let head = head.min(keep - tail);
        let mut i = 0;
        raw.chars()
            .map(|c| {
                if !counts(c) {
                    return c;
                }
                let shown = i < head || i >= n - tail;
                i += 1;
                if shown { c } else { '*' }
            })
            .collect()
    }

    fn any(_: char) -> bool {
        true
    }

    /// Letters and digits are masked; `+`, spaces, dashes and brackets are
    /// layout, and keeping them keeps the value readable.
    fn alphanumeric(c: char) -> bool {
        c.is_alphanumeric()
    }

    /// The default: how much to show depends on the length in characters.
    ///
    /// - 15 or more: the first 4 and last 4 (ID numbers, long account ids);
    /// - 7 to 14: the first 3 and last 4 (mobile numbers), less on the short
    ///   end so that at least 4 stay hidden;
    /// - fewer than 7: nothing.
    ///
    /// ```
    /// use hr_common::sensitive::{mask::Auto, Mask};
    ///
    /// assert_eq!(Auto::mask("11010519491231002X"), "1101**********002X");
    /// assert_eq!(Auto::mask("13512345678"), "135****5678");
    /// assert_eq!(Auto::mask("87654321"), "****4321");
    /// assert_eq!(Auto::mask("张三"), "**");
    /// assert_eq!(Auto::mask(""), "");
    /// ```
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Auto;

    impl Mask for Auto {
        fn mask(raw: &str) -> String {
            let n = raw.chars().count();
            match n {
                15.. => keep_ends(raw, 4, 4, any),
                7..=14 => keep_ends(raw, 3, 4, any),
                _ => "*".repeat(n),
            }
        }
    }

    /// Phone numbers: the first 3 and last 4 digits of the number, after a
    /// `+86` / `0086` country code, which stays readable. Separators are
    /// kept.
    ///
    /// ```
    /// use hr_common::sensitive::{mask::Phone, Mask};
    ///
    /// assert_eq!(Phone::mask("13512345678"), "135****5678");
    /// assert_eq!(Phone::mask("+8613512345678"), "+86135****5678");
    /// assert_eq!(Phone::mask("+86 135-1234-5678"), "+86 135-****-5678");
    /// assert_eq!(Phone::mask("010-87654321"), "010-****4321");
    /// ```
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Phone;

    impl Mask for Phone {
        fn mask(raw: &str) -> String {
            let trimmed = raw.trim_start();
            let country_digits = if trimmed.starts_with("+86") {
                2
            } else if trimmed.starts_with("0086") {
                4
            } else {
                0
            };
            keep_ends(raw, country_digits + 3, 4, alphanumeric)
        }
    }

    /// Identity document numbers: the first 4 and last 4 characters.
    ///
    /// ```
    /// use hr_common::sensitive::{mask::IdNumber, Mask};
    ///
    /// assert_eq!(IdNumber::mask("11010519491231002X"), "1101**********002X");
    /// assert_eq!(IdNumber::mask("E12345678"), "E****5678");
    /// ```
    #[derive(Debug, Clone, Copy, Default)]
    pub struct IdNumber;

    impl Mask for IdNumber {
        fn mask(raw: &str) -> String {
            keep_ends(raw, 4, 4, alphanumeric)
        }
    }

    /// Bank card numbers: the last 4 characters. Separators are kept.
    ///
    /// ```
    /// use hr_common::sensitive::{mask::CardNumber, Mask};
    ///
    /// assert_eq!(CardNumber::mask("6222021234567890123"), "***************0123");
    /// assert_eq!(CardNumber::mask("6222-0212-3456-7890"), "****-****-****-7890");
    /// ```
    #[derive(Debug, Clone, Copy, Default)]
    pub struct CardNumber;

    impl Mask for CardNumber {
        fn mask(raw: &str) -> String {
            keep_ends(raw, 0, 4, alphanumeric)
        }
    }

    /// E-mail addresses: the first character of the local part and the
    /// whole domain. Text without `@` is masked like [`Auto`].
    ///
    /// ```
    /// use hr_common::sensitive::{mask::Email, Mask};
    ///
    /// assert_eq!(Email::mask("zhangsan@example.com"), "z*******@example.com");
    /// assert_eq!(Email::mask("a@example.com"), "*@example.com");
    /// ```
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Email;

    impl Mask for Email {
        fn mask(raw: &str) -> String {
            // The last `@` separates the domain: a quoted local part may
            // contain `@` itself.
            let Some((local, domain)) = raw.rsplit_once('@') else {
                return Auto::mask(raw);
            };
            let n = local.chars().count();
            let local = match local.chars().next() {
                Some(first) if n > 1 => format!("{first}{}", "*".repeat(n - 1)),
                _ => "*".repeat(n),
            };
            format!("{local}@{domain}")
        }
    }

    /// Personal names: the first character (the family name of most
    /// Chinese names) and a star for each other character.
    ///
    /// ```
    /// use hr_common::sensitive::{mask::Name, Mask};
    ///
    /// assert_eq!(Name::mask("张三"), "张*");
    /// assert_eq!(Name::mask("欧阳娜娜"), "欧***");
    /// assert_eq!(Name::mask("李"), "*");
    /// ```
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Name;

    impl Mask for Name {
        fn mask(raw: &str) -> String {
            let n = raw.chars().count();
            match raw.chars().next() {
                Some(first) if n > 1 => format!("{first}{}", "*".repeat(n - 1)),
                _ => "*".repeat(n),
            }
        }
    }

    /// Shows nothing: always `****`, so not even the length leaks. For
    /// dates of birth, salaries, addresses and anything else where a part is
    /// already too much.
    ///
    /// ```
    /// use hr_common::sensitive::{mask::Full, Mask};
    ///
    /// assert_eq!(Full::mask("1997-11-10"), "****");
    /// assert_eq!(Full::mask(""), "****");
    /// ```
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Full;

    impl Mask for Full {
        fn mask(_raw: &str) -> String {
            "****".to_owned()
        }
    }
}
