//! E-mail address syntax.

use super::Reason;

/// Characters allowed in a dot-atom local part besides letters and digits
/// (RFC 5322 `atext`).
const ATEXT: &str = "!#$%&'*+/=?^_`{|}~-";

/// Checks the syntax of an `emailAddress`: `local@domain`, a dot-atom local
/// part of at most 64 characters, a domain of at least two dot-separated
/// labels (letters, digits, inner hyphens; a non-numeric last label), at
/// most 254 characters in all. Non-ASCII letters are allowed (RFC 6531).
/// Quoted local parts and IP-literal domains are refused: no directory
/// sends them, and they are far likelier to be typing errors.
///
/// Only the syntax is checked; the spec notes that some companies use
/// placeholder addresses.
///
/// ```
/// use travel_sync_types::validation::check_email;
///
/// assert!(check_email("wang.wei+travel@example.com.cn").is_ok());
/// assert!(check_email("王伟@例子.中国").is_ok());
/// for bad in ["wang.wei", "@example.com", "wang@", "wang..wei@example.com", "wang@example", "wang@-x.com", "a b@example.com"] {
///     assert!(check_email(bad).is_err(), "{bad}");
/// }
/// ```
pub fn check_email(email: &str) -> Result<(), Reason> {
    let valid = email.chars().count() <= 254
        && match email.rsplit_once('@') {
            Some((local, domain)) => local_ok(local) && domain_ok(domain),
            None => false,
        };
    if valid { Ok(()) } else { Err(Reason::Email) }
}

fn local_ok(local: &str) -> bool {
    local.chars().count() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom.chars().all(|c| {
                    c.is_alphanumeric()
                        || ATEXT.contains(c)
                        || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
                })
        })
}

fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            let n = label.chars().count();
            (1..=63).contains(&n)
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()))
}
