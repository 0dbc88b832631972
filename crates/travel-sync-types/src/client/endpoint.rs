//! The two calls, `userSyn` and `getSessionId`, as [`Endpoint`]s sent
//! through [`hr_common::endpoint::send`], and [`SyncUsers`], the public
//! request that wraps the first with the client's session.

use std::borrow::Cow;

use async_trait::async_trait;
use hr_common::endpoint::{self, ApiClient, Endpoint, Envelope};
use hr_common::error::AuthErrorKind;
use hr_common::transport::{CallOptions, Request, Response, Transport};
use hr_common::{AccessToken, Error, ExposeSecret, Result, TokenProvider};
use serde::Serialize;

use super::{SessionCredentials, TravelSyncClient};
use crate::session::SESSION_PATH;
use crate::{
    SERVICE, SYNC_PATH, SessionRequest, SessionResponse, SyncResponse, UserInfo, res_code,
};

/// The sync call (`userSyn`): one batch of users, sent as given, with the
/// client's account, session and operator. No validation and no splitting;
/// cards are still withheld unless the client
/// [opted in](super::TravelSyncClientBuilder::opt_in_card_info).
///
/// [`send`](Self::send) returns the platform's answer when it processed the
/// batch (`resCode` 10000), per-user failures included; an error
/// otherwise, with the platform's code and message: an
/// [auth error](Error::is_auth) for a refused account (10002) or session
/// (10004), an API error for other codes. A fetched session the platform
/// rejects is renewed and the batch sent once more.
///
/// The batch is an upsert by `userNo`, so it is sent as idempotent: a batch
/// that may have reached the platform is sent again after a timeout or a
/// 5xx. [`send_with`](Self::send_with) overrides the client's timeout,
/// deadline or retry policy for one call.
///
/// ```no_run
/// use std::time::Duration;
/// use travel_sync_types::client::{SyncUsers, TravelSyncClient};
/// use travel_sync_types::{CallOptions, RetryPolicy, UserInfo};
///
/// # async fn run(client: TravelSyncClient) -> travel_sync_types::Result<()> {
/// let users = [UserInfo::new("E1", "王伟", "13812345678", false)];
/// let response = SyncUsers::new(&users[..])
///     .send_with(&client, &CallOptions::new().deadline(Duration::from_secs(10)).retry(RetryPolicy::none()))
///     .await?;
/// let outcomes = response.outcomes(&users);
/// # let _ = outcomes; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SyncUsers<'a> {
    users: Cow<'a, [UserInfo]>,
}

impl<'a> SyncUsers<'a> {
    /// A batch of `users` (a slice, a `Vec` or a `&Vec`).
    ///
    /// ```
    /// use travel_sync_types::{client::SyncUsers, UserInfo};
    /// let batch = SyncUsers::new(vec![UserInfo::new("E1", "王伟", "13812345678", false)]);
    /// assert_eq!(batch.users().len(), 1);
    /// ```
    pub fn new(users: impl Into<Cow<'a, [UserInfo]>>) -> Self {
        SyncUsers {
            users: users.into(),
        }
    }

    /// The users of the batch.
    ///
    /// ```
    /// use travel_sync_types::{client::SyncUsers, UserInfo};
    /// let users = [UserInfo::new("E1", "王伟", "13812345678", false)];
    /// assert_eq!(SyncUsers::new(&users[..]).users()[0].user_no.as_deref(), Some("E1"));
    /// ```
    pub fn users(&self) -> &[UserInfo] {
        &self.users
    }

    /// Sends the batch with the client's timeout, deadline and retry
    /// policy. See [`TravelSyncClient::send`].
    pub async fn send(&self, client: &TravelSyncClient) -> Result<SyncResponse> {
        self.send_with(client, &CallOptions::new()).await
    }

    /// Sends the batch with per-call options over the client's defaults.
    /// The options apply to the sync call, not to a session fetch it may
    /// wait for (that one is shared by every batch in flight).
    pub async fn send_with(
        &self,
        client: &TravelSyncClient,
        options: &CallOptions,
    ) -> Result<SyncResponse> {
        let users = client.withhold_cards(&self.users);
        client.send_batch(&users, options).await
    }
}

/// The sync body, borrowing the users so a batch is not copied to be sent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    user_no: Option<&'a str>,
    account: &'a str,
    session_id: &'a str,
    data: &'a [UserInfo],
}

/// One `userSyn` call on the wire. [`SyncUsers`] cannot be the endpoint
/// itself: its body needs the session id, which the client holds (fetched
/// asynchronously, renewed when refused), and its URL, which is the
/// client's.
pub(super) struct SyncCall<'a> {
    url: &'a str,
    body: SyncBody<'a>,
}

impl<'a> SyncCall<'a> {
    pub(super) fn new(
        url: &'a str,
        account: &'a str,
        session_id: &'a str,
        user_no: Option<&'a str>,
        users: &'a [UserInfo],
    ) -> Self {
        SyncCall {
            url,
            body: SyncBody {
                user_no,
                account,
                session_id,
                data: users,
            },
        }
    }
}

/// The sync reply: a processed batch (`resCode` 10000) is the answer, any
/// other code the error [`refusal`] makes of it.
pub(super) struct SyncEnvelope;

impl Envelope<SyncResponse> for SyncEnvelope {
    fn decode(response: &Response) -> Result<SyncResponse> {
        let parsed: SyncResponse = response.json()?;
        if parsed.is_success() {
            Ok(parsed)
        } else {
            Err(refusal(&parsed, response.status(), response.request_id()))
        }
    }
}

impl Endpoint for SyncCall<'_> {
    type Client = TravelSyncClient;
    type Output = SyncResponse;
    type Envelope = SyncEnvelope;

    const PATH: &'static str = SYNC_PATH;
    // An upsert by userNo: a batch that may have arrived is safe to send
    // again.
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed("userSyn")
    }

    fn to_request(&self) -> Result<Request> {
        // The sync URL is the client's, not a path below a host.
        Request::post(self.url).json(&self.body)
    }
}

/// Whether `error` is the platform refusing the session in a processed
/// reply (what [`SyncEnvelope`] makes of `resCode` 10004), which a fetched
/// session answers by renewing; a 10004 quoted in an HTTP error is not.
pub(super) fn is_session_refusal(error: &Error) -> bool {
    error.is_auth()
        && error.vendor_code() == Some(res_code::BAD_SESSION.to_string().as_str())
        && error.status().is_some_and(|s| (200..300).contains(&s))
}

/// The error for a batch the platform did not process.
fn refusal(response: &SyncResponse, status: u16, request_id: Option<&str>) -> Error {
    let code = response.res_code.as_str();
    let message = response.res_msg.clone();
    let error = if response.res_code == res_code::BAD_SESSION {
        Error::auth(AuthErrorKind::TokenRejected, message).with_code(code)
    } else if response.res_code == res_code::BAD_CREDENTIALS {
        Error::auth(AuthErrorKind::Forbidden, message).with_code(code)
    } else {
        Error::api(SERVICE, code, message)
    };
    error
        .with_service(SERVICE)
        .with_status(status)
        .with_request_id(request_id.map(str::to_owned))
}

/// One `getSessionId` call: the signed request to the credentials' URL.
struct GetSessionId<'a> {
    url: &'a str,
    request: SessionRequest,
}

/// The session reply: a session id, valid until `timeLimit` when it comes
/// with a 13-digit one; a refusal otherwise.
struct SessionEnvelope;

impl Envelope<AccessToken> for SessionEnvelope {
    fn decode(response: &Response) -> Result<AccessToken> {
        let body: SessionResponse = response.json()?;
        match (&body.session_id, body.is_success()) {
            (Some(id), true) => Ok(match body.time_limit.filter(|t| t.has_thirteen_digits()) {
                Some(limit) => AccessToken::expiring_at(id.expose(), limit.to_system_time()),
                None => AccessToken::new(id.expose(), None),
            }),
            _ => Err(Error::auth(
                AuthErrorKind::TokenFetch,
                body.res_msg
                    .unwrap_or_else(|| "getSessionId refused".into()),
            )
            .with_code(body.res_code.as_str())
            .with_status(response.status())
            .with_service(SERVICE)),
        }
    }
}

impl Endpoint for GetSessionId<'_> {
    type Client = SessionFetcher;
    type Output = AccessToken;
    type Envelope = SessionEnvelope;

    const PATH: &'static str = SESSION_PATH;
    // Asking for a session twice only yields two sessions.
    const IDEMPOTENT: bool = true;

    fn group(&self) -> Cow<'static, str> {
        Cow::Borrowed("getSessionId")
    }

    fn to_request(&self) -> Result<Request> {
        Request::post(self.url).json(&self.request)
    }
}

/// Fetches session ids for the token cache, which renews them ahead of
/// their `timeLimit` and shares one fetch among concurrent batches.
pub(super) struct SessionFetcher {
    pub(super) transport: Transport,
    pub(super) account: String,
    pub(super) credentials: SessionCredentials,
}

impl ApiClient for SessionFetcher {
    fn transport(&self) -> &Transport {
        &self.transport
    }
}

#[async_trait]
impl TokenProvider for SessionFetcher {
    async fn fetch_token(&self) -> Result<AccessToken> {
        let c = &self.credentials;
        let mut request = SessionRequest::new(self.account.clone(), c.secret.expose_secret());
        request.platform = c.platform.clone();
        request.source = c.source.clone();
        request.user_no = c.user_no.clone();
        let call = GetSessionId {
            url: &c.url,
            request: request.signed(c.sign_key.expose_secret()),
        };
        endpoint::send(self, &call, &CallOptions::new()).await
    }
}
