//! The four response envelopes, and the vendor error decoder.
//!
//! | envelope | shape | endpoints |
//! |---|---|---|
//! | bare page | `{data, pos, total_count, totalCount, entityName}` | getPersonList, the export poll, findPagedOrgListWithDirection, findPagedPosition |
//! | B | `{stateCode, errorMessage, result}` | organization/findPagedOrgList, role/findPagedRoleList |
//! | C | `{status: "success"\|"failed", msg, data, success, failed}` | person and organisation writes |
//! | bare value / bytes | the object itself, or a byte stream | exportPersonModel, serveFile |
//!
//! `stateCode` means different things per endpoint, so each decoder here
//! is used only by the endpoints it belongs to.

use hr_common::transport::{Response, VendorError};
use hr_common::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) const SERVICE: &str = "isdp";

/// One page of a bare-page endpoint.
///
/// ```
/// use isdp_client::BarePage;
/// let page: BarePage<u32> = serde_json::from_str(
///     r#"{"data":[1,2],"pos":0,"total_count":2,"entityName":null,"totalCount":2}"#)?;
/// assert_eq!((page.data.len(), page.total()), (2, Some(2)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct BarePage<T> {
    /// The records.
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub data: Vec<T>,
    /// The `start` this page answered.
    #[serde(default)]
    pub pos: Option<u64>,
    /// `totalCount`.
    #[serde(rename = "totalCount", default)]
    pub total_count: Option<u64>,
    /// `total_count`, the same number in snake case.
    #[serde(rename = "total_count", default)]
    pub total_count_snake: Option<u64>,
    /// `entityName`, always `null` in every example.
    #[serde(rename = "entityName", default)]
    pub entity_name: Option<String>,
}

impl<T> BarePage<T> {
    /// The total the server announced, whichever spelling it used.
    pub fn total(&self) -> Option<u64> {
        self.total_count.or(self.total_count_snake)
    }
}

/// Reads a 2xx body that should be one page of a bare-page endpoint.
///
/// ISDP+ answers refusals with 200 too, in whichever envelope the
/// gateway picked: `{stateCode: "1", errorMessage}` (with or without
/// `result`), `{status: "failed", msg}` or `{result: {…page…}}`. Those
/// become [`Error::Api`] with the vendor's code and message; a body with
/// neither `data` nor a total is a decode error rather than an empty page,
/// so a refusal can never pass for the end of a stream.
pub(crate) fn bare_page<T: DeserializeOwned>(resp: &Response) -> Result<BarePage<T>> {
    let value: Value = resp.json()?;
    let Value::Object(map) = &value else {
        return resp.json();
    };
    if let Some(err) = failure_in(resp, map) {
        return Err(err);
    }
    if map.contains_key("result") && !is_page(map) {
        return state_coded_page(resp);
    }
    if !is_page(map) {
        return Err(not_a_page(resp, "data"));
    }
    resp.json()
}

/// Envelope B around a page: as [`state_coded`], and `result` must hold
/// `data` or a total.
pub(crate) fn state_coded_page<T: DeserializeOwned>(resp: &Response) -> Result<BarePage<T>> {
    let result: Value = state_coded(resp)?;
    match &result {
        Value::Object(map) if is_page(map) => {}
        _ => return Err(not_a_page(resp, "result.data")),
    }
    let bytes = serde_json::to_vec(&result).map_err(|e| Error::invalid(e.to_string()))?;
    hr_common::transport::decode_json(&bytes, Some(SERVICE), Some(resp.status()))
}

fn not_a_page(resp: &Response, path: &str) -> Error {
    Error::decode_at(
        path,
        "a page needs `data` or a total, and this body has neither",
        resp.body(),
    )
    .with_service(SERVICE)
    .with_status(resp.status())
}

fn is_page(map: &serde_json::Map<String, Value>) -> bool {
    ["data", "totalCount", "total_count"]
        .iter()
        .any(|k| map.contains_key(*k))
}

/// A failure announced in the body of a 2xx: `stateCode` other than `0`
/// (with or without `result`), or `status` that is a string other than
/// `success` (Spring's numeric `status` is left to the HTTP layer).
fn failure_in(resp: &Response, map: &serde_json::Map<String, Value>) -> Option<Error> {
    let text = |k: &str| match map.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let Some(code) = text("stateCode").or_else(|| text("StateCode"))
        && code.trim() != "0"
    {
        return Some(api_error(
            resp,
            code,
            text("errorMessage")
                .or_else(|| text("msg"))
                .unwrap_or_default(),
        ));
    }
    if let Some(Value::String(status)) = map.get("status")
        && !status.eq_ignore_ascii_case("success")
    {
        return Some(api_error(
            resp,
            status.clone(),
            text("msg")
                .or_else(|| text("errorMessage"))
                .or_else(|| text("message"))
                .unwrap_or_default(),
        ));
    }
    None
}

pub(crate) fn null_as_empty<'de, D, T>(d: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Reads a 2xx body that is the value itself. Also unwraps envelope B,
/// because exportPersonModel's reference declares `StateCode`/`result`
/// while its example (and the sandbox) answers the bare task.
pub(crate) fn bare<T: DeserializeOwned>(resp: &Response) -> Result<T> {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(resp.body())
        && (map.contains_key("stateCode") || map.contains_key("StateCode"))
    {
        return state_coded(resp);
    }
    resp.json()
}

#[derive(Deserialize)]
struct StateEnvelope<T> {
    #[serde(rename = "stateCode", alias = "StateCode")]
    state_code: Option<hr_common::Code>,
    #[serde(rename = "errorMessage", default)]
    error_message: Option<String>,
    #[serde(default = "Option::default")]
    result: Option<T>,
}

/// Envelope B: `stateCode` `"0"` carries `result`; any other code is an
/// [`Error::Api`] with that code and `errorMessage`.
pub(crate) fn state_coded<T: DeserializeOwned>(resp: &Response) -> Result<T> {
    let env: StateEnvelope<Value> = resp.json()?;
    let code = env.state_code.map(|c| c.as_str().to_owned());
    if code.as_deref().is_some_and(|c| c != "0") {
        return Err(api_error(
            resp,
            code.unwrap_or_default(),
            env.error_message.unwrap_or_default(),
        ));
    }
    let result = env.result.unwrap_or(Value::Null);
    // Decode the inner value from its own bytes so that decode errors name
    // the path the caller sees (`result.data[3]…` would be a lie for B-less
    // endpoints sharing the model).
    let bytes = serde_json::to_vec(&result).map_err(|e| Error::invalid(e.to_string()))?;
    hr_common::transport::decode_json(&bytes, Some(SERVICE), Some(resp.status()))
}

/// Envelope C, raw.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct StatusEnvelope {
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "lenient_text")]
    pub msg: Option<String>,
    #[serde(default)]
    pub data: Value,
    #[serde(default, deserialize_with = "lenient_count")]
    pub success: Option<u64>,
    #[serde(default, deserialize_with = "lenient_count")]
    pub failed: Option<u64>,
}

/// `msg` as text whatever its JSON type; `null` is `None`.
fn lenient_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

/// `success`/`failed` as a number or a numeric string; anything else is
/// `None` rather than an error, so that the status still gets through.
fn lenient_count<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

impl StatusEnvelope {
    pub(crate) fn is_success(&self) -> bool {
        self.status.eq_ignore_ascii_case("success")
    }
}

pub(crate) fn status_coded(resp: &Response) -> Result<StatusEnvelope> {
    resp.json()
}

pub(crate) fn api_error(resp: &Response, code: String, message: String) -> Error {
    Error::api(SERVICE, code, message)
        .with_status(resp.status())
        .with_request_id(resp.request_id().map(str::to_owned))
}

/// Reads the vendor's code and message from a non-2xx body: OAuth2 JSON
/// (`error`/`error_description`), its XML twin (`<InvalidTokenException>`),
/// envelope B (`stateCode`/`errorMessage`), envelope C (`status`/`msg`), or
/// Spring Boot's `{status, error, message}`.
pub(crate) fn vendor_error(resp: &Response) -> Option<VendorError> {
    let body = resp.body();
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        let text = |k: &str| match map.get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        if let Some(code) = text("error").filter(|_| map.contains_key("error_description")) {
            return Some(VendorError::new(
                code,
                text("error_description").unwrap_or_default(),
            ));
        }
        if let Some(code) = text("stateCode").or_else(|| text("StateCode")) {
            return Some(VendorError::new(
                code,
                text("errorMessage").unwrap_or_default(),
            ));
        }
        if let Some(status) = text("status")
            && let Some(msg) = text("msg")
        {
            return Some(VendorError::new(status, msg));
        }
        if let Some(message) = text("message") {
            let code = text("error").or_else(|| text("status")).unwrap_or_default();
            return Some(VendorError::new(code, message));
        }
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    let code = xml_element(text, "error")?;
    Some(VendorError::new(
        code,
        xml_element(text, "error_description").unwrap_or_default(),
    ))
}

/// The text of the first `<name>…</name>`; enough for Spring's two-field
/// OAuth2 exception bodies, with the five predefined entities decoded.
fn xml_element(text: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&close)?;
    Some(
        text[start..end]
            .trim()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest_free::resp;

    mod reqwest_free {
        use hr_common::transport::Response;
        pub fn resp(status: u16, body: &str) -> Response {
            Response::from_parts(status, Default::default(), body.as_bytes().to_vec().into())
        }
    }

    #[test]
    fn reads_both_401_forms() {
        let json = vendor_error(&resp(
            401,
            r#"{"error":"invalid_token","error_description":"check_token error"}"#,
        ))
        .unwrap();
        let xml = vendor_error(&resp(401, "<InvalidTokenException><error>invalid_token</error><error_description>check_token error</error_description></InvalidTokenException>")).unwrap();
        assert_eq!(json, xml);
        assert_eq!(json.code, "invalid_token");
        assert_eq!(json.message, "check_token error");
    }

    #[test]
    fn reads_bare_refusal_and_spring_400() {
        let b = vendor_error(&resp(
            400,
            r#"{"stateCode":"400","errorMessage":"count must be at most 200","result":null}"#,
        ))
        .unwrap();
        assert_eq!(
            (b.code.as_str(), b.message.as_str()),
            ("400", "count must be at most 200")
        );
        let spring = vendor_error(&resp(400, r#"{"timestamp":"x","status":400,"error":"Bad Request","message":"JSON parse error","path":"/p"}"#)).unwrap();
        assert_eq!(
            (spring.code.as_str(), spring.message.as_str()),
            ("Bad Request", "JSON parse error")
        );
    }

    #[test]
    fn state_code_other_than_zero_is_an_api_error() {
        let err = state_coded::<Value>(&resp(
            200,
            r#"{"stateCode":"1","errorMessage":"bad role","result":null}"#,
        ))
        .unwrap_err();
        assert_eq!(err.vendor_code(), Some("1"));
        assert_eq!(err.vendor_message(), Some("bad role"));
        let ok: Vec<u8> = state_coded(&resp(
            200,
            r#"{"stateCode":0,"errorMessage":null,"result":[1]}"#,
        ))
        .unwrap();
        assert_eq!(ok, [1]);
    }
}
