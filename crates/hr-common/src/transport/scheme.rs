//! Which URLs the transport will talk to.
//!
//! Tokens and personal data must not cross a network in clear text, so plain
//! `http://` is refused unless the host is this machine (the sandbox, a local
//! mock) or the user opted in explicitly.

use std::net::IpAddr;

use url::{Host, Url};

/// Whether `url` points at this machine: `localhost`, `127.0.0.0/8` or `::1`.
///
/// ```
/// use url::Url;
/// use hr_common::transport::is_loopback_url;
///
/// assert!(is_loopback_url(&Url::parse("http://127.0.0.1:8080/x").unwrap()));
/// assert!(is_loopback_url(&Url::parse("http://[::1]/").unwrap()));
/// assert!(is_loopback_url(&Url::parse("http://localhost/").unwrap()));
/// assert!(!is_loopback_url(&Url::parse("http://10.0.0.1/").unwrap()));
/// ```
pub fn is_loopback_url(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// `Ok` when the transport may send to `url`; otherwise the reason.
pub(crate) fn check(url: &Url, allow_http: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http || is_loopback_url(url) => Ok(()),
        "http" => Err(format!(
            "refusing plain http:// to `{}`: tokens and personal data would cross the network \
             unencrypted; use https:// (plain http is allowed only to loopback addresses, \
             or with danger_allow_http)",
            url.host_str().unwrap_or_default()
        )),
        other => Err(format!("unsupported URL scheme `{other}`: use https://")),
    }
}
