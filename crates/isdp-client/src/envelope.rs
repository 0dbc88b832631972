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
//!
//! Every decoder first looks for a failure in the body of a 2xx, in each
//! shape ISDP+ and its gateways use, and turns it into [`Error::Api`] with
//! the vendor's code and message, never into an empty answer:
//!
//! - envelope B: `stateCode` (any casing) other than `0`;
//! - envelope C: `status` a string other than `success` (for the writes,
//!   which read C themselves, this is left to them);
//! - OAuth2 and Spring: `error` (`error_description`, `message`);
//! - `code` other than `0`/`200` with `message` (a gateway's
//!   `{"code":"500","message":"internal error","data":null}`);
//! - `success: false`;
//! - XML with `<error>` (`<InvalidTokenException>…`).
//!
//! A page then counts as a page only with its `data` list and a total
//! (`totalCount` or `total_count`); `data: null` is accepted only with a
//! total of 0. Anything else is [`Error::Decode`] naming what is missing.

use hr_common::json::{field, kind as json_kind, text};
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
/// ISDP+ answers refusals with 200 too, in whichever envelope the gateway
/// picked (see the module docs); those become [`Error::Api`] with the
/// vendor's code and message. `{result: {…page…}}` is read as envelope B.
/// A body without its `data` list and a total is a decode error rather than
/// an empty page, so a refusal can never pass for the end of a stream.
pub(crate) fn bare_page<T: DeserializeOwned>(resp: &Response) -> Result<BarePage<T>> {
    if let Some(page) = one_pass_page(resp) {
        return Ok(page);
    }
    full_page(resp)
}

/// [`bare_page`] the long way: the body as a `Value` for the checks, then
/// again as the page. Taken for whatever the one-pass read turns down, so
/// that it decides every error.
fn full_page<T: DeserializeOwned>(resp: &Response) -> Result<BarePage<T>> {
    let value = reply(resp)?;
    let Value::Object(map) = &value else {
        return Err(not_a_page(resp, ".", &value));
    };
    if let Some(err) = failure_in(resp, map, Shapes::All) {
        return Err(err);
    }
    if map.contains_key("result") && !map.contains_key("data") {
        return state_coded_page(resp);
    }
    check_page(resp, map, "")?;
    resp.json()
}

/// A successful bare page read in a single pass over the body: `data`
/// straight into its records, every other top-level member as a [`Value`]
/// for the failure and page checks. Reading the whole body as a `Value`
/// first and then again as the page costs about twice the CPU of the page
/// alone, and pages are where the records are.
///
/// `None` whenever this pass cannot vouch that [`bare_page`]'s full read
/// would give the same page: a failure in the body, a missing or odd total
/// or `data`, envelope B, a repeated member, a record that does not decode,
/// a body that is not a JSON object. The caller then takes the full read,
/// which finds and names the error, so every error stays what it was.
fn one_pass_page<T: DeserializeOwned>(resp: &Response) -> Option<BarePage<T>> {
    let OnePass { data, rest } = serde_json::from_slice::<OnePass<T>>(resp.body()).ok()?;
    // `data` is never one of the members `failure_in` reads, so leaving it
    // out of the map changes nothing there.
    if failure_in(resp, &rest, Shapes::All).is_some() {
        return None;
    }
    let total = ["totalCount", "total_count"]
        .iter()
        .find_map(|k| rest.get(*k).filter(|v| !v.is_null()))?
        .as_u64()?;
    let data = match data? {
        Some(records) => records,
        None if total == 0 => Vec::new(),
        None => return None,
    };
    // As `BarePage`'s own `Deserialize` reads them: absent or `null` is
    // `None`, anything it would refuse sends the caller to the full read.
    fn member<T: DeserializeOwned>(
        rest: &serde_json::Map<String, Value>,
        key: &str,
    ) -> Option<Option<T>> {
        match rest.get(key) {
            None => Some(None),
            Some(v) => Option::<T>::deserialize(v).ok(),
        }
    }
    Some(BarePage {
        data,
        pos: member(&rest, "pos")?,
        total_count: member(&rest, "totalCount")?,
        total_count_snake: member(&rest, "total_count")?,
        entity_name: member(&rest, "entityName")?,
    })
}

/// A top-level JSON object split into its `data` (absent: `None`; `null`:
/// `Some(None)`) and the rest. A repeated member is an error, so that
/// "last one wins" never differs from what `BarePage` would say.
struct OnePass<T> {
    data: Option<Option<Vec<T>>>,
    rest: serde_json::Map<String, Value>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OnePass<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Members<T>(std::marker::PhantomData<T>);

        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Members<T> {
            type Value = OnePass<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a page object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                use serde::de::Error as _;
                let mut data = None;
                let mut rest = serde_json::Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "data" {
                        if data.is_some() {
                            return Err(A::Error::duplicate_field("data"));
                        }
                        data = Some(map.next_value::<Option<Vec<T>>>()?);
                    } else {
                        let value = map.next_value::<Value>()?;
                        if let Some(_repeated) = rest.insert(key, value) {
                            return Err(A::Error::custom("repeated member"));
                        }
                    }
                }
                Ok(OnePass { data, rest })
            }
        }

        d.deserialize_map(Members(std::marker::PhantomData))
    }
}

/// Envelope B around a page: as [`state_coded`], and `result` must be a
/// page (its `data` list and a total).
pub(crate) fn state_coded_page<T: DeserializeOwned>(resp: &Response) -> Result<BarePage<T>> {
    let result: Value = state_coded(resp)?;
    match &result {
        Value::Object(map) => check_page(resp, map, "result.")?,
        other => return Err(not_a_page(resp, "result", other)),
    }
    let bytes = serde_json::to_vec(&result).map_err(|e| Error::invalid(e.to_string()))?;
    hr_common::transport::decode_json(&bytes, Some(SERVICE), Some(resp.status()))
}

/// A body that is no page at all (a list, a string…).
fn not_a_page(resp: &Response, path: &str, value: &Value) -> Error {
    invalid_reply(
        resp,
        path,
        format!(
            "a page is an object with `data` and a total, and this is {}",
            json_kind(value)
        ),
    )
}

fn invalid_reply(resp: &Response, path: &str, message: String) -> Error {
    Error::decode_at(path, message, resp.body())
        .with_service(SERVICE)
        .with_status(resp.status())
}

/// A page must carry its `data` list and a total (`totalCount` or
/// `total_count`, a whole number); `data: null` passes only with a total
/// of 0, which proves the listing empty. `prefix` locates the page in the
/// body for the error (`result.`).
fn check_page(resp: &Response, map: &serde_json::Map<String, Value>, prefix: &str) -> Result<()> {
    let total = ["totalCount", "total_count"]
        .iter()
        .find_map(|k| map.get(*k).filter(|v| !v.is_null()));
    let Some(total) = total else {
        return Err(invalid_reply(
            resp,
            &format!("{prefix}totalCount"),
            "a page needs a total (`totalCount` or `total_count`), and this body has none"
                .to_owned(),
        ));
    };
    let Some(total) = total.as_u64() else {
        return Err(invalid_reply(
            resp,
            &format!("{prefix}totalCount"),
            format!("the total is {}, not a whole number", json_kind(total)),
        ));
    };
    match map.get("data") {
        Some(Value::Array(_)) => Ok(()),
        Some(Value::Null) if total == 0 => Ok(()),
        Some(other) => Err(invalid_reply(
            resp,
            &format!("{prefix}data"),
            format!(
                "`data` is {}, not the list of records (the total is {total})",
                json_kind(other)
            ),
        )),
        None => Err(invalid_reply(
            resp,
            &format!("{prefix}data"),
            format!("a page needs `data`, the list of records (the total is {total})"),
        )),
    }
}

/// The first of `keys` that holds text.
fn first_text(map: &serde_json::Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| text(field(map, k)))
}

/// Which failure shapes a decoder looks for itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shapes {
    /// Every shape.
    All,
    /// Every shape but envelope C's `status`, which the writes read
    /// themselves (a later chunk's refusal keeps the earlier results).
    NotStatus,
}

/// A failure announced in the body of a 2xx, in any of the shapes of the
/// module docs.
fn failure_in(
    resp: &Response,
    map: &serde_json::Map<String, Value>,
    shapes: Shapes,
) -> Option<Error> {
    const MESSAGES: [&str; 5] = [
        "errorMessage",
        "msg",
        "message",
        "error_description",
        "error",
    ];
    if let Some(code) = text(field(map, "stateCode"))
        && code.trim() != "0"
    {
        let message = first_text(map, &MESSAGES).unwrap_or_default();
        return Some(api_error(resp, code, message));
    }
    if shapes == Shapes::All
        && let Some(Value::String(status)) = map.get("status")
        && !status.eq_ignore_ascii_case("success")
    {
        let message = first_text(map, &["msg", "errorMessage", "message"]).unwrap_or_default();
        return Some(api_error(resp, status.clone(), message));
    }
    if let Some(error) = text(field(map, "error")) {
        let message = first_text(map, &["error_description", "message", "msg"])
            .unwrap_or_else(|| error.clone());
        return Some(api_error(resp, error, message));
    }
    if let Some(code) = text(field(map, "code"))
        && !matches!(code.trim(), "0" | "200")
    {
        let message = first_text(map, &MESSAGES).unwrap_or_default();
        return Some(api_error(resp, code, message));
    }
    if let Some(Value::Bool(false)) = field(map, "success") {
        let message = first_text(map, &MESSAGES).unwrap_or_default();
        return Some(api_error(resp, "failed".to_owned(), message));
    }
    None
}

/// The body of a 2xx as JSON. A body that is not JSON but an XML error
/// (`<InvalidTokenException><error>…`) is that error; any other is a
/// decode error.
fn reply(resp: &Response) -> Result<Value> {
    match serde_json::from_slice::<Value>(resp.body()) {
        Ok(value) => Ok(value),
        Err(_) => {
            if let Some(err) = std::str::from_utf8(resp.body())
                .ok()
                .and_then(|text| xml_element(text, "error"))
            {
                let body = std::str::from_utf8(resp.body()).unwrap_or_default();
                let message = xml_element(body, "error_description").unwrap_or_default();
                return Err(api_error(resp, err, message));
            }
            resp.json()
        }
    }
}

/// The failure a body announces, in any shape of the module docs (XML
/// included), as [`Error::Api`]; `None` when it announces none, or is not
/// JSON or an XML error at all. For replies that are not envelopes of
/// their own (a download, a token) and must still never pass a refusal
/// off as success.
pub(crate) fn failure(resp: &Response) -> Option<Error> {
    match reply(resp) {
        Ok(Value::Object(map)) => failure_in(resp, &map, Shapes::All),
        Err(err @ Error::Api { .. }) => Some(err),
        Ok(_) | Err(_) => None,
    }
}

pub(crate) use hr_common::lenient::null_as_empty;

/// Reads a 2xx body that is the value itself. Also unwraps envelope B,
/// because exportPersonModel's reference declares `StateCode`/`result`
/// while its example (and the sandbox) answers the bare task.
pub(crate) fn bare<T: DeserializeOwned>(resp: &Response) -> Result<T> {
    if let Value::Object(map) = reply(resp)? {
        if let Some(err) = failure_in(resp, &map, Shapes::All) {
            return Err(err);
        }
        if field(&map, "stateCode").is_some() {
            return state_coded(resp);
        }
    }
    resp.json()
}

/// Whether the body is envelope B with `stateCode` `"0"` (or `0`): a
/// success that vouches for its `result`, `null` included.
pub(crate) fn state_code_ok(resp: &Response) -> bool {
    match serde_json::from_slice::<Value>(resp.body()) {
        Ok(Value::Object(map)) => text(field(&map, "stateCode")).is_some_and(|c| c.trim() == "0"),
        _ => false,
    }
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
    if let Value::Object(map) = reply(resp)?
        && let Some(err) = failure_in(resp, &map, Shapes::All)
    {
        return Err(err);
    }
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

/// Envelope C, raw; the other failure shapes (B's `stateCode`, `error`,
/// `code`, XML) are errors here too.
pub(crate) fn status_coded(resp: &Response) -> Result<StatusEnvelope> {
    if let Value::Object(map) = reply(resp)?
        && let Some(err) = failure_in(resp, &map, Shapes::NotStatus)
    {
        return Err(err);
    }
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
            let code = text("error")
                .or_else(|| text("code"))
                .or_else(|| text("status"))
                .unwrap_or_default();
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

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn resp(status: u16, body: Vec<u8>) -> Response {
        Response::from_parts(status, Default::default(), body.into())
    }

    /// JSON values shaped like the four envelopes: objects whose keys are
    /// mostly the envelopes' own, and whose values are anything.
    fn envelope_like() -> impl Strategy<Value = Value> {
        hr_common::testing::envelope_like(
            &[
                "data",
                "totalCount",
                "total_count",
                "pos",
                "entityName",
                "result",
                "stateCode",
                "StateCode",
                "errorMessage",
                "status",
                "msg",
                "code",
                "message",
                "error",
                "error_description",
                "success",
                "other",
            ],
            &["0", "200", "500", "success", "failed"],
            // Small totals, 0 above all, decide whether `data: null` is a page.
            &[0, 1, 2, 3, 4],
        )
    }

    /// Whether `map` holds a page: its `data` list (or `null` with a total
    /// of 0) and a whole-number total.
    fn is_page(map: &serde_json::Map<String, Value>) -> bool {
        let total = ["totalCount", "total_count"]
            .iter()
            .find_map(|k| map.get(*k).filter(|v| !v.is_null()))
            .and_then(Value::as_u64);
        matches!(
            (map.get("data"), total),
            (Some(Value::Array(_)), Some(_)) | (Some(Value::Null), Some(0))
        )
    }

    /// Whether `body` proves a page, bare or inside envelope B's `result`.
    fn proves_page(body: &Value) -> bool {
        let Value::Object(map) = body else {
            return false;
        };
        if is_page(map) {
            return true;
        }
        match map.get("result") {
            Some(Value::Object(result)) => is_page(result),
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn page_decoders_never_panic_nor_pass_an_unproven_body_for_a_page(body in envelope_like()) {
            let r = resp(200, serde_json::to_vec(&body).unwrap());
            if let Ok(page) = bare_page::<Value>(&r) {
                prop_assert!(proves_page(&body), "bare page accepted from {body}");
                let _ = page.data.is_empty();
            }
            if let Ok(page) = state_coded_page::<Value>(&r) {
                prop_assert!(proves_page(&body), "state-coded page accepted from {body}");
                let _ = page.data.is_empty();
            }
            let _ = bare::<Value>(&r);
            let _ = state_coded::<Value>(&r);
            let _ = status_coded(&r);
            let _ = vendor_error(&resp(500, serde_json::to_vec(&body).unwrap()));
        }

        #[test]
        fn decoders_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let r = resp(200, bytes.clone());
            let _ = bare_page::<Value>(&r);
            let _ = bare::<Value>(&r);
            let _ = status_coded(&r);
            let _ = vendor_error(&resp(401, bytes));
        }

        #[test]
        fn xml_errors_never_panic(inner in ".{0,16}", tail in ".{0,16}") {
            let body = format!("<x><error>{inner}</error><error_description>{tail}</x>");
            let _ = bare_page::<Value>(&resp(200, body.into_bytes()));
        }
    }

    /// Objects shaped like a page most of the time (`data` a list of
    /// numbers, a total in either spelling), with any of the envelopes'
    /// members over them: the one-pass read has to turn down exactly the
    /// bodies that are no successful page.
    fn page_like() -> impl Strategy<Value = Value> {
        (
            envelope_like(),
            prop::collection::vec(0u32..1000, 0..4),
            prop::option::of(0u64..5),
            any::<bool>(),
        )
            .prop_map(|(noise, data, total, snake)| {
                let mut map = match noise {
                    Value::Object(map) => map,
                    _ => serde_json::Map::new(),
                };
                map.entry("data").or_insert(serde_json::json!(data));
                if let Some(total) = total {
                    let key = if snake { "total_count" } else { "totalCount" };
                    map.entry(key).or_insert(serde_json::json!(total));
                }
                Value::Object(map)
            })
    }

    /// The page (or the error) the one-pass read gives is the one the
    /// full read gives, and a page that has its `data` is never left to
    /// the full read.
    fn agrees<T: DeserializeOwned + Serialize>(
        body: &Value,
    ) -> std::result::Result<(), TestCaseError> {
        let r = resp(200, serde_json::to_vec(body).unwrap());
        let full = full_page::<T>(&r);
        match one_pass_page::<T>(&r) {
            Some(fast) => {
                let full = full.map_err(|e| {
                    TestCaseError::fail(format!("one pass read {body} as a page; full: {e}"))
                })?;
                prop_assert_eq!(
                    serde_json::to_value(&fast).unwrap(),
                    serde_json::to_value(&full).unwrap()
                );
            }
            None => {
                let has_data = body.get("data").is_some();
                prop_assert!(
                    full.is_err() || !has_data,
                    "one pass turned down the page {}",
                    body
                );
            }
        }
        let through = bare_page::<T>(&r).map(|p| serde_json::to_value(&p).unwrap());
        let full = full_page::<T>(&r).map(|p| serde_json::to_value(&p).unwrap());
        prop_assert_eq!(
            through.as_ref().map_err(ToString::to_string),
            full.as_ref().map_err(ToString::to_string)
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn one_pass_reads_what_the_full_read_reads(body in page_like()) {
            agrees::<Value>(&body)?;
            agrees::<u32>(&body)?;
        }
    }

    #[test]
    fn one_pass_covers_pages_and_refuses_the_rest() {
        let page = |body: &str| one_pass_page::<u32>(&resp(200, body.as_bytes().to_vec()));
        let ok = page(r#"{"data":[1,2],"pos":0,"total_count":2,"entityName":null,"totalCount":2}"#)
            .expect("a plain page is read in one pass");
        assert_eq!(
            (ok.total(), ok.pos, ok.data),
            (Some(2), Some(0), vec![1, 2])
        );
        let empty = page(r#"{"data":null,"totalCount":0}"#).expect("null data with a total of 0");
        assert!(empty.data.is_empty());
        for refused in [
            r#"{"data":null,"totalCount":3}"#,
            r#"{"data":[1],"totalCount":1,"code":"500","message":"internal error"}"#,
            r#"{"data":[1],"totalCount":1,"stateCode":"1"}"#,
            r#"{"data":[1],"totalCount":1,"success":false}"#,
            r#"{"data":[1],"totalCount":1,"status":"failed"}"#,
            r#"{"data":[1],"totalCount":"1"}"#,
            r#"{"data":[1]}"#,
            r#"{"data":[1],"totalCount":1,"pos":"0"}"#,
            r#"{"data":[1],"data":[2],"totalCount":1}"#,
            r#"{"data":[1],"totalCount":1,"totalCount":2}"#,
            r#"{"data":["x"],"totalCount":1}"#,
            r#"{"result":{"data":[1],"totalCount":1},"stateCode":"0"}"#,
            r#"[1]"#,
            r#"{"data":[1],"totalCount":1} x"#,
        ] {
            assert!(page(refused).is_none(), "{refused}");
        }
    }

    /// Where the one-pass read gives up, the error is the full read's:
    /// the record's path, and the vendor's code over a bad record.
    #[test]
    fn errors_stay_those_of_the_full_read() {
        let bad = resp(200, br#"{"data":[1,"x"],"totalCount":2}"#.to_vec());
        let err = bare_page::<u32>(&bad).unwrap_err();
        assert_eq!(err.decode_path(), Some("data[1]"));
        let refused = resp(
            200,
            br#"{"data":["x"],"totalCount":1,"code":"500","message":"internal error"}"#.to_vec(),
        );
        let err = bare_page::<u32>(&refused).unwrap_err();
        assert_eq!(err.vendor_code(), Some("500"));
    }

    #[test]
    fn the_gateway_500_is_an_api_error() {
        let r = resp(
            200,
            br#"{"code":"500","message":"internal error","data":null}"#.to_vec(),
        );
        let err = bare_page::<Value>(&r).unwrap_err();
        assert_eq!(err.vendor_code(), Some("500"));
        assert_eq!(err.vendor_message(), Some("internal error"));
    }
}
