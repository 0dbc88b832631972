//! The rate-limiter groups ISDP+ calls count against.
//!
//! ISDP+ documents no rate limits, but tenants have quotas; limit a group
//! with [`IsdpClientBuilder::group_limits`](crate::IsdpClientBuilder::group_limits):
//!
//! ```
//! use isdp_client::{Credentials, IsdpClient, Limits, group};
//!
//! let client = IsdpClient::builder()
//!     .base_url(isdp_client::BETA_URL)
//!     .credentials(Credentials::password_grant_default_secret("my-client", "app-id", "app-token"))
//!     .group_limits(group::PERSON, Limits::new(Some(10), None))
//!     .build()?;
//! # let _ = client; Ok::<(), isdp_client::Error>(())
//! ```

/// Persons: listings, reads, writes, the export chain, files and import.
pub const PERSON: &str = "person";
/// Organisations, roles and positions.
pub const ORG: &str = "org";
/// The token endpoint.
pub const TOKEN: &str = "token";
