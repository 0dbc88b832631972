//! Beisen's integer-coded enumerations. Each keeps codes this crate does
//! not know as `Unknown(raw)`, so a new vendor code never fails a decode.
//! They read a number or a numeric string (`recordInfo.employeeStatus`
//! comes as `"3"`) and write a number.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

struct CodeVisitor;

impl Visitor<'_> for CodeVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer code, as a number or a string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("code out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom(format!("`{v}` is not an integer code")))
    }
}

/// Writes the code mapping of an enum written out above it (its variants,
/// then `Unknown(i64)`): `code`, `from_code`, `From<_> for i64`, and serde
/// as a number.
macro_rules! code_enum {
    ($name:ident { $($variant:ident = $code:literal,)+ }) => {
        impl $name {
            /// The vendor's code.
            pub fn code(self) -> i64 {
                match self {
                    $($name::$variant => $code,)+
                    $name::Unknown(raw) => raw,
                }
            }

            /// The variant of a code.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $($code => $name::$variant,)+
                    raw => $name::Unknown(raw),
                }
            }
        }

        impl From<$name> for i64 {
            fn from(v: $name) -> i64 {
                v.code()
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(CodeVisitor).map($name::from_code)
            }
        }
    };
}

/// 人员状态 `empStatus`.
///
/// ```
/// use beisen_client::enums::EmpStatus;
/// let s: EmpStatus = serde_json::from_str(r#""3""#)?;
/// assert_eq!(s, EmpStatus::Regular);
/// assert_eq!(serde_json::from_str::<EmpStatus>("42")?, EmpStatus::Unknown(42));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("人员状态", "EmployeeStatus"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EmpStatus {
    /// 1 待入职.
    PendingEntry,
    /// 2 试用.
    Probation,
    /// 3 正式.
    Regular,
    /// 4 调出.
    TransferredOut,
    /// 5 待调入.
    PendingTransferIn,
    /// 6 退休.
    Retired,
    /// 7 返聘 (retired, rehired).
    RetiredRehired,
    /// 8 离职.
    Departed,
    /// 9 身故.
    Deceased,
    /// 10 返聘结束.
    RehireEnded,
    /// 11 待返聘.
    PendingRehire,
    /// 12 非正式.
    Informal,
    /// A code this crate does not know, kept as sent.
    Unknown(i64),
}

code_enum!(EmpStatus {
    PendingEntry = 1,
    Probation = 2,
    Regular = 3,
    TransferredOut = 4,
    PendingTransferIn = 5,
    Retired = 6,
    RetiredRehired = 7,
    Departed = 8,
    Deceased = 9,
    RehireEnded = 10,
    PendingRehire = 11,
    Informal = 12,
});

/// 雇佣类型 `employType`.
///
/// ```
/// assert_eq!(beisen_client::enums::EmployType::from_code(2), beisen_client::enums::EmployType::Intern);
/// ```
#[doc(alias("雇佣类型"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EmployType {
    /// 0 内部员工.
    Internal,
    /// 1 外部人员.
    External,
    /// 2 实习生.
    Intern,
    /// 3 顾问.
    Consultant,
    /// A code this crate does not know, kept as sent.
    Unknown(i64),
}

code_enum!(EmployType {
    Internal = 0,
    External = 1,
    Intern = 2,
    Consultant = 3,
});

/// 任职类型 `serviceType`.
///
/// ```
/// assert_eq!(beisen_client::enums::ServiceType::Main.code(), 0);
/// ```
#[doc(alias("任职类型"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceType {
    /// 0 主职.
    Main,
    /// 1 兼职.
    PartTime,
    /// 3 返聘.
    Rehire,
    /// 4 借调.
    Secondment,
    /// 5 外派.
    Expatriate,
    /// A code this crate does not know, kept as sent.
    Unknown(i64),
}

code_enum!(ServiceType {
    Main = 0,
    PartTime = 1,
    Rehire = 3,
    Secondment = 4,
    Expatriate = 5,
});

/// 审批状态 `approvalStatus`.
///
/// ```
/// assert_eq!(beisen_client::enums::ApprovalStatus::from_code(4), beisen_client::enums::ApprovalStatus::Effective);
/// ```
#[doc(alias("审批状态"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApprovalStatus {
    /// 0 草稿.
    Draft,
    /// 1 审批中.
    InApproval,
    /// 2 审批通过.
    Approved,
    /// 3 审批拒绝.
    Rejected,
    /// 4 审批生效.
    Effective,
    /// 5 作废.
    Void,
    /// 6 已驳回.
    Returned,
    /// A code this crate does not know, kept as sent.
    Unknown(i64),
}

code_enum!(ApprovalStatus {
    Draft = 0,
    InApproval = 1,
    Approved = 2,
    Rejected = 3,
    Effective = 4,
    Void = 5,
    Returned = 6,
});

/// 性别 `gender`.
///
/// ```
/// assert_eq!(beisen_client::enums::Gender::from_code(1), beisen_client::enums::Gender::Female);
/// ```
#[doc(alias("性别"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Gender {
    /// 0 男.
    Male,
    /// 1 女.
    Female,
    /// A code this crate does not know, kept as sent.
    Unknown(i64),
}

code_enum!(Gender {
    Male = 0,
    Female = 1,
});

/// Writes an enum as a numeric string, for `recordInfo.employeeStatus`,
/// which Beisen sends as `"3"`: a record then writes back as it came.
pub(crate) mod as_string {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::EmpStatus;

    pub fn serialize<S: Serializer>(v: &Option<EmpStatus>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&v.code().to_string()),
            None => s.serialize_none(),
        }
    }

    /// Reads a number or numeric text; other text (the vendor's schema
    /// example sends the placeholder `"string"`) and `""` read as `None`
    /// rather than failing the whole page.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<EmpStatus>, D::Error> {
        Ok(match Option::<serde_json::Value>::deserialize(d)? {
            Some(serde_json::Value::Number(n)) => n.as_i64().map(EmpStatus::from_code),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok().map(EmpStatus::from_code),
            _ => None,
        })
    }
}

/// 审批状态 `approveStatus` of the attendance API (假勤,
/// `Vacation/GetVacationInfoByApprovalTime`): its own coding, **not**
/// CoreHR's [`ApprovalStatus`] (where 1 is "in approval" and 4 "effective").
///
/// The codes follow the vendor's request example ("通过1，审批中2，不通过3，
/// 作废4，已驳回5，草稿6"); both of the vendor's descriptions agree that 1
/// is "approved". Besides numbers and numeric strings, the Chinese labels
/// the vendor's examples show (`"通过"`) are read too.
///
/// ```
/// use beisen_client::enums::{ApprovalStatus, VacationApproveStatus};
/// let s: VacationApproveStatus = serde_json::from_str("1")?;
/// assert_eq!(s, VacationApproveStatus::Approved);
/// assert_eq!(serde_json::from_str::<VacationApproveStatus>(r#""通过""#)?, s);
/// // CoreHR's 1 means something else.
/// assert_eq!(ApprovalStatus::from_code(1), ApprovalStatus::InApproval);
/// assert_eq!(serde_json::to_string(&VacationApproveStatus::Voided)?, "4");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[doc(alias("approveStatus", "假勤审批状态"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VacationApproveStatus {
    /// 1 通过 (the schema's `ApprovePass`).
    Approved,
    /// 2 审批中 (`ApproveProcess`); the listing never returns these.
    InApproval,
    /// 3 不通过 (`ApproveReject`).
    Rejected,
    /// 4 作废 (`ApproveAborted`).
    Voided,
    /// 5 已驳回 (`ApproveRebut`).
    Returned,
    /// 6 草稿.
    Draft,
    /// A code this crate does not know, kept as sent.
    Unknown(i64),
}

impl VacationApproveStatus {
    const LABELS: [(&'static str, VacationApproveStatus); 6] = [
        ("通过", VacationApproveStatus::Approved),
        ("审批中", VacationApproveStatus::InApproval),
        ("不通过", VacationApproveStatus::Rejected),
        ("作废", VacationApproveStatus::Voided),
        ("已驳回", VacationApproveStatus::Returned),
        ("草稿", VacationApproveStatus::Draft),
    ];

    /// The vendor's code.
    ///
    /// ```
    /// assert_eq!(beisen_client::enums::VacationApproveStatus::Approved.code(), 1);
    /// ```
    pub fn code(self) -> i64 {
        match self {
            VacationApproveStatus::Approved => 1,
            VacationApproveStatus::InApproval => 2,
            VacationApproveStatus::Rejected => 3,
            VacationApproveStatus::Voided => 4,
            VacationApproveStatus::Returned => 5,
            VacationApproveStatus::Draft => 6,
            VacationApproveStatus::Unknown(raw) => raw,
        }
    }

    /// The variant of a code.
    ///
    /// ```
    /// use beisen_client::enums::VacationApproveStatus;
    /// assert_eq!(VacationApproveStatus::from_code(3), VacationApproveStatus::Rejected);
    /// assert_eq!(VacationApproveStatus::from_code(9), VacationApproveStatus::Unknown(9));
    /// ```
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => VacationApproveStatus::Approved,
            2 => VacationApproveStatus::InApproval,
            3 => VacationApproveStatus::Rejected,
            4 => VacationApproveStatus::Voided,
            5 => VacationApproveStatus::Returned,
            6 => VacationApproveStatus::Draft,
            raw => VacationApproveStatus::Unknown(raw),
        }
    }

    /// The variant of one of the vendor's Chinese labels (`"通过"`).
    ///
    /// ```
    /// use beisen_client::enums::VacationApproveStatus;
    /// assert_eq!(VacationApproveStatus::from_label(" 作废 "), Some(VacationApproveStatus::Voided));
    /// assert_eq!(VacationApproveStatus::from_label("approved"), None);
    /// ```
    pub fn from_label(label: &str) -> Option<Self> {
        let label = label.trim();
        Self::LABELS
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| *v)
    }
}

impl From<VacationApproveStatus> for i64 {
    fn from(v: VacationApproveStatus) -> i64 {
        v.code()
    }
}

impl Serialize for VacationApproveStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for VacationApproveStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(Self::from_code)
                .ok_or_else(|| de::Error::custom("approveStatus out of range")),
            serde_json::Value::String(s) => match s.trim().parse() {
                Ok(code) => Ok(Self::from_code(code)),
                Err(_) => Self::from_label(&s).ok_or_else(|| {
                    de::Error::custom("approveStatus is neither a code nor a known label")
                }),
            },
            _ => Err(de::Error::custom(
                "approveStatus must be a number or a string",
            )),
        }
    }
}

/// Reads an optional [`VacationApproveStatus`]; a value it cannot read
/// (another label) is `None` rather than a failed page.
pub(crate) fn lenient_vacation_status<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<VacationApproveStatus>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(v.and_then(|v| serde_json::from_value(v).ok()))
}
