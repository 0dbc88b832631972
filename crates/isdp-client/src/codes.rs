//! Vendor code enums and `;`-separated code sets.
//!
//! Every enum is `#[non_exhaustive]` with an `Unknown(raw)` variant: a code
//! the vendor adds later is kept verbatim (and written back verbatim)
//! instead of failing a whole page of persons.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Writes the impls of a code enum defined by hand: `as_str`, `From<&str>`
/// (unknown codes kept as `Unknown(raw)`), `FromStr`, `Display` and serde
/// as the code string.
macro_rules! code_enum_impls {
    ($name:ident { $($variant:ident = $code:literal,)* }) => {
        impl $name {
            /// The vendor's code.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $code,)*
                    $name::Unknown(raw) => raw,
                }
            }
        }

        impl From<&str> for $name {
            fn from(code: &str) -> Self {
                match code {
                    $($code => $name::$variant,)*
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_string(CodeVisitor::<$name>(std::marker::PhantomData))
            }
        }

        impl FromCode for $name {
            fn from_owned(code: String) -> Self {
                match code.as_str() {
                    $($code => $name::$variant,)*
                    _ => $name::Unknown(code),
                }
            }
        }
    };
}

/// A code read without allocating, except for an unknown one (kept as its
/// `Unknown(raw)`): every person carries three codes, and a `String` for
/// each only to match it against the known ones was a measurable share of
/// a listing's CPU.
trait FromCode: for<'a> From<&'a str> {
    /// The code from a string the deserializer already owns.
    fn from_owned(code: String) -> Self;
}

/// Reads a code as `String::deserialize` would (a string, nothing else),
/// borrowing the text where the deserializer allows.
struct CodeVisitor<T>(std::marker::PhantomData<T>);

impl<T: FromCode> serde::de::Visitor<'_> for CodeVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<T, E> {
        Ok(T::from(code))
    }

    fn visit_string<E: serde::de::Error>(self, code: String) -> Result<T, E> {
        Ok(T::from_owned(code))
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<T, E> {
        match std::str::from_utf8(bytes) {
            Ok(code) => Ok(T::from(code)),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(bytes), &self)),
        }
    }
}

/// `personStatus`.
///
/// ```
/// use isdp_client::PersonStatus;
/// assert_eq!(PersonStatus::from("Freeze"), PersonStatus::Freeze);
/// assert_eq!(PersonStatus::from("Retired"), PersonStatus::Unknown("Retired".into()));
/// assert_eq!(PersonStatus::OpenAccount.to_string(), "OpenAccount");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PersonStatus {
    /// 未开户: no account yet.
    NoAccountOpened,
    /// 开户中: account being opened.
    OpeningAccount,
    /// 已开户: active account.
    OpenAccount,
    /// 冻结: frozen.
    Freeze,
    /// 注销: deregistered.
    Cancel,
    /// A code this crate does not know, verbatim.
    Unknown(String),
}

code_enum_impls!(PersonStatus {
    NoAccountOpened = "NoAccountOpened",
    OpeningAccount = "OpeningAccount",
    OpenAccount = "OpenAccount",
    Freeze = "Freeze",
    Cancel = "Cancel",
});

/// `personType`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PersonType {
    /// Administrator.
    Admin,
    /// Customer.
    Customer,
    /// Employee.
    Employee,
    /// Other.
    Other,
    /// Supplier.
    Supplier,
    /// A code this crate does not know, verbatim.
    Unknown(String),
}

code_enum_impls!(PersonType {
    Admin = "Admin",
    Customer = "Customer",
    Employee = "Employee",
    Other = "Other",
    Supplier = "Supplier",
});

/// `profilePictureStatus` (工作照状态).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProfilePictureStatus {
    /// The work photo is uploaded (已上传/已注册).
    CollectionSucceeded,
    /// No work photo (未上传/未注册).
    CollectionFailed,
    /// A code this crate does not know, verbatim.
    Unknown(String),
}

code_enum_impls!(ProfilePictureStatus {
    CollectionSucceeded = "CollectionSucceeded",
    CollectionFailed = "CollectionFailed",
});

/// An export or import task's `status`.
///
/// ```
/// use isdp_client::TaskStatus;
/// let s: TaskStatus = serde_json::from_str("2")?;
/// assert_eq!(s, TaskStatus::Succeeded);
/// assert!(TaskStatus::from(3).is_failure() && TaskStatus::from(4).is_failure());
/// assert_eq!(TaskStatus::from(9), TaskStatus::Unknown(9));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskStatus {
    /// 0: waiting to start.
    Pending,
    /// 1: running.
    Processing,
    /// 2: done; an export's `docId` is set.
    Succeeded,
    /// 3: failed, with `errInfo`.
    Failed,
    /// 4: failed (the code importData's reference uses), with `errInfo`.
    Aborted,
    /// A status this crate does not know.
    Unknown(i64),
}

impl TaskStatus {
    /// The vendor's number.
    pub fn code(self) -> i64 {
        match self {
            TaskStatus::Pending => 0,
            TaskStatus::Processing => 1,
            TaskStatus::Succeeded => 2,
            TaskStatus::Failed => 3,
            TaskStatus::Aborted => 4,
            TaskStatus::Unknown(n) => n,
        }
    }

    /// Whether the task ended in failure (3 or 4).
    pub fn is_failure(self) -> bool {
        matches!(self, TaskStatus::Failed | TaskStatus::Aborted)
    }

    /// Whether the task will not change any more.
    pub fn is_final(self) -> bool {
        self == TaskStatus::Succeeded || self.is_failure()
    }
}

impl From<i64> for TaskStatus {
    fn from(n: i64) -> Self {
        match n {
            0 => TaskStatus::Pending,
            1 => TaskStatus::Processing,
            2 => TaskStatus::Succeeded,
            3 => TaskStatus::Failed,
            4 => TaskStatus::Aborted,
            n => TaskStatus::Unknown(n),
        }
    }
}

impl Serialize for TaskStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <hr_common::lenient::NumberFromString as DeserializeAs<'de, i64>>::deserialize_as(d)
            .map(TaskStatus::from)
    }
}

use serde_with::DeserializeAs;

/// A set of codes sent as one `;`-separated string (`"Employee;Customer"`),
/// as `personStatus`, `personType`, `roleName`, `positionName` and
/// `orgName` are. Order is kept and duplicates are dropped.
///
/// ```
/// use isdp_client::{Codes, PersonStatus};
///
/// let set: Codes<PersonStatus> = [PersonStatus::NoAccountOpened, PersonStatus::OpenAccount].into_iter().collect();
/// assert_eq!(serde_json::to_string(&set)?, r#""NoAccountOpened;OpenAccount""#);
/// let back: Codes<PersonStatus> = serde_json::from_str(r#""Freeze; Cancel""#)?;
/// assert!(back.contains(&PersonStatus::Cancel));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codes<T>(Vec<T>);

impl<T> Default for Codes<T> {
    fn default() -> Self {
        Codes(Vec::new())
    }
}

impl<T: PartialEq> Codes<T> {
    /// An empty set.
    pub fn new() -> Self {
        Codes(Vec::new())
    }

    /// Adds a code unless it is already there.
    pub fn insert(&mut self, code: T) {
        if !self.0.contains(&code) {
            self.0.push(code);
        }
    }

    /// Whether the set holds `code`.
    pub fn contains(&self, code: &T) -> bool {
        self.0.contains(code)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The codes, in insertion order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<T: PartialEq, U: Into<T>> FromIterator<U> for Codes<T> {
    fn from_iter<I: IntoIterator<Item = U>>(iter: I) -> Self {
        let mut set = Codes::new();
        for code in iter {
            set.insert(code.into());
        }
        set
    }
}

impl<T: fmt::Display> Serialize for Codes<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let joined: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        s.serialize_str(&joined.join(";"))
    }
}

impl<'de, T: FromStr + PartialEq> Deserialize<'de> for Codes<T>
where
    T::Err: fmt::Display,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        let mut set = Codes::new();
        for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            set.insert(part.parse().map_err(serde::de::Error::custom)?);
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known codes, unknown ones (kept verbatim), escaped text that the
    /// deserializer cannot lend, and values that own their text all read
    /// as before; anything but a string is refused as `String` refuses it.
    #[test]
    fn codes_read_as_through_a_string() {
        let known: PersonType = serde_json::from_str(r#""Employee""#).unwrap();
        assert_eq!(known, PersonType::Employee);
        let unknown: PersonStatus = serde_json::from_str(r#""Retired""#).unwrap();
        assert_eq!(unknown, PersonStatus::Unknown("Retired".into()));
        let escaped: ProfilePictureStatus =
            serde_json::from_str(r#""Collection\u0053ucceeded""#).unwrap();
        assert_eq!(escaped, ProfilePictureStatus::CollectionSucceeded);
        let owned: PersonStatus = serde_json::from_value(serde_json::json!("Freeze")).unwrap();
        assert_eq!(owned, PersonStatus::Freeze);
        let owned: PersonType = serde_json::from_value(serde_json::json!("Robot")).unwrap();
        assert_eq!(owned, PersonType::Unknown("Robot".into()));

        for bad in ["5", "null", "[]", "{}"] {
            let ours = serde_json::from_str::<PersonType>(bad).unwrap_err();
            let string = serde_json::from_str::<String>(bad).unwrap_err();
            assert_eq!(ours.to_string(), string.to_string(), "{bad}");
        }
    }
}
