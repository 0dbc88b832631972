//! Mainland resident identity card numbers (GB 11643-1999).

use chrono::NaiveDate;

use super::Reason;
use super::date::ymd;

/// Weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder modulo 11.
const CHECK: [u8; 11] = *b"10X98765432";

/// Checks an 18-character mainland resident ID number and returns the birth
/// date it holds (characters 7 to 14).
///
/// The number is 17 digits and a check character: the sum of the digits
/// times the weights `7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2`, modulo 11,
/// mapped through `1 0 X 9 8 7 6 5 4 3 2`. A lower-case `x` passes here;
/// [`UserInfo::validate`](crate::UserInfo::validate) warns about it. The
/// 15-digit first-generation cards stopped being valid in 2013 and are
/// refused for their length.
///
/// ```
/// use travel_sync_types::validation::{check_resident_id, Reason};
///
/// assert_eq!(check_resident_id("11010519491231002X").unwrap().to_string(), "1949-12-31");
/// assert_eq!(check_resident_id("110105194912310021"), Err(Reason::IdCardChecksum));
/// assert_eq!(check_resident_id("110105491231002"), Err(Reason::IdCardLength));
/// ```
pub fn check_resident_id(number: &str) -> Result<NaiveDate, Reason> {
    let b = number.as_bytes();
    if number.chars().count() != 18 {
        return Err(Reason::IdCardLength);
    }
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return Err(Reason::IdCardCharacters);
    }
    let check = b[17].to_ascii_uppercase();
    if !(check.is_ascii_digit() || check == b'X') {
        return Err(Reason::IdCardCharacters);
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    if CHECK[(sum % 11) as usize] != check {
        return Err(Reason::IdCardChecksum);
    }
    ymd(&number[6..10], &number[10..12], &number[12..14]).ok_or(Reason::IdCardBirthDate)
}
