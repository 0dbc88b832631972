//! Mobile numbers: mainland ones by the libphonenumber pattern, foreign
//! ones by their `+` and country code.

use super::Reason;

/// Checks a `mobile`.
///
/// - Without `+`, it must be a mainland mobile: 11 digits matching
///   libphonenumber 9.0.33's pattern
///   `1740[0-5]\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}`.
/// - `+86` must be followed by such a mainland mobile: the field is a
///   mobile, so a `+86` landline (`+86 10 12345678`) is refused.
/// - Any other `+` number is foreign: a country code (1 to 3 digits, not
///   starting with 0, as no country code does) and the subscriber number,
///   6 to 15 digits in all (E.164). `+0123456` is refused.
///
/// Spaces and dashes between digits are ignored, as the platform ignores
/// them.
///
/// ```
/// use travel_sync_types::validation::{check_mobile, Reason};
///
/// assert!(check_mobile("13812345678").is_ok());
/// assert!(check_mobile("+86 138-1234-5678").is_ok());
/// assert!(check_mobile("+85291234567").is_ok());
/// assert_eq!(check_mobile("12345678901"), Err(Reason::MobileNotMainland)); // the spec's example
/// assert_eq!(check_mobile("85291234567"), Err(Reason::MobileNotMainland));
/// assert_eq!(check_mobile("+86 10 12345678"), Err(Reason::MobileNotMainland));
/// assert_eq!(check_mobile("+0123456"), Err(Reason::MobileForeign));
/// assert_eq!(check_mobile("91234567"), Err(Reason::MobileLength));
/// assert_eq!(check_mobile("138 1234 567a"), Err(Reason::MobileCharacters));
/// ```
pub fn check_mobile(mobile: &str) -> Result<(), Reason> {
    let compact: String = mobile
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Reason::MobileCharacters);
    }
    if !plus {
        return match digits.len() {
            11 if is_mainland_mobile(digits) => Ok(()),
            11 => Err(Reason::MobileNotMainland),
            _ => Err(Reason::MobileLength),
        };
    }
    if let Some(national) = digits.strip_prefix("86") {
        return if is_mainland_mobile(national) {
            Ok(())
        } else {
            Err(Reason::MobileNotMainland)
        };
    }
    if (6..=15).contains(&digits.len()) && !digits.starts_with('0') {
        Ok(())
    } else {
        Err(Reason::MobileForeign)
    }
}

/// Whether `n` is an 11-digit mainland mobile number, by
/// `1740[0-5]\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}`.
fn is_mainland_mobile(n: &str) -> bool {
    let b = n.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) || b[0] != b'1' {
        return false;
    }
    match (b[1], b[2]) {
        (b'7', b'4') => b[3] == b'0' && (b'0'..=b'5').contains(&b[4]),
        (b'3' | b'8', _) => true,
        (b'4', c) => matches!(c, b'5' | b'7'),
        (b'5' | b'9', c) => c != b'4',
        (b'6', c) => matches!(c, b'2' | b'5'..=b'7'),
        (b'7', c) => matches!(c, b'0'..=b'3' | b'5'..=b'8'),
        _ => false,
    }
}
