//! Redaction of secrets and personal data in text that errors carry.
//!
//! Error messages quote response bodies because that is what makes them
//! useful, and errors end up in logs. Token responses carry `access_token`,
//! employee records carry phones and ID numbers, so every excerpt goes
//! through [`redact`] first: values of sensitive keys (JSON `"key":value`,
//! XML `<key>value</key>`, form or query `key=value`, also inside free text)
//! become `***`, and any other run of 11 or more digits (mobile numbers,
//! 18-character ID numbers, bank cards), also when written in groups such as
//! `138 1234 5678` or `6222-0212-3456-7890`, is masked like a phone number.
//!
//! [`Error`](crate::Error) applies [`redact`] to every text it is built
//! with (vendor messages, body excerpts, decode and transport messages), so
//! no call site can forget it.

/// Key fragments that mark a value as secret or personal, compared
/// case-insensitively with `_` and `-` ignored.
const SENSITIVE_FRAGMENTS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "session",
    "authorization",
    "idnumber",
    "certificateno",
    "cardno",
    "mobile",
    "phone",
    "mail",
    "passport",
    "birthday",
    "credential",
    "apikey",
    "privatekey",
];

/// Keys that are sensitive only as a whole word.
const SENSITIVE_EXACT: &[&str] = &["sign", "signature", "ticket", "code_verifier", "pwd"];

/// Whether a key names a secret or a piece of personal data.
///
/// ```
/// use hr_common::redact::is_sensitive_key;
/// assert!(is_sensitive_key("access_token"));
/// assert!(is_sensitive_key("mobilePhone"));
/// assert!(is_sensitive_key("iDNumber"));
/// assert!(is_sensitive_key("sign"));
/// assert!(!is_sensitive_key("signDate"));
/// assert!(!is_sensitive_key("userID"));
/// ```
pub fn is_sensitive_key(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SENSITIVE_FRAGMENTS.iter().any(|f| folded.contains(f))
        || SENSITIVE_EXACT.iter().any(|e| key.eq_ignore_ascii_case(e))
}

/// Redacts sensitive values and long digit runs in `text`.
///
/// ```
/// use hr_common::redact::redact;
///
/// assert_eq!(
///     redact(r#"{"access_token":"abc.def","expires_in":"7200"}"#),
///     r#"{"access_token":"***","expires_in":"7200"}"#
/// );
/// assert_eq!(redact("<error>x</error><password>p</password>"), "<error>x</error><password>***</password>");
/// assert_eq!(redact("grant_type=password&password=p%40ss"), "grant_type=password&password=***");
/// assert_eq!(redact("user 13512345678 left"), "user 135****5678 left");
/// assert_eq!(redact("user 135 1234 5678 left"), "user 135 **** 5678 left");
/// assert_eq!(
///     redact("bad body: grant_type=password&password=p&client_secret=s, retry"),
///     "bad body: grant_type=password&password=***&client_secret=***, retry"
/// );
/// ```
pub fn redact(text: &str) -> String {
    let text = redact_json_values(text);
    let text = redact_xml_values(&text);
    let text = redact_form_values(&text);
    mask_digit_runs(&text)
}

/// Removes the values serde quotes in its messages (``integer `13512345678` ``,
/// `string "张三"`), keeping what was expected, so that a decode error can
/// be logged without the personal data that failed to decode.
///
/// ```
/// use hr_common::redact::scrub_values;
///
/// assert_eq!(
///     scrub_values("invalid type: integer `13512345678`, expected a string"),
///     "invalid type: integer `***`, expected a string"
/// );
/// assert_eq!(
///     scrub_values(r#"invalid value: string "1101x", expected a date"#),
///     r#"invalid value: string "***", expected a date"#
/// );
/// assert_eq!(scrub_values("missing field `userID`"), "missing field `userID`");
/// ```
pub fn scrub_values(message: &str) -> String {
    // Field and variant names are quoted too ("missing field `userID`",
    // "unknown variant `X`, expected one of …"); only values follow a type.
    const VALUE_MARKERS: &[&str] = &[
        "integer ",
        "floating point ",
        "string ",
        "character ",
        "boolean ",
        "byte array",
        "unknown variant ",
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some((at, marker)) = VALUE_MARKERS
        .iter()
        .filter_map(|m| rest.find(m).map(|i| (i, *m)))
        .min_by_key(|(i, _)| *i)
    {
        let after = at + marker.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        let (open, close) = match rest.chars().next() {
            Some('`') => ('`', '`'),
            Some('"') => ('"', '"'),
            _ => continue,
        };
        let Some(end) = rest[1..].find(close) else {
            continue;
        };
        out.push(open);
        out.push_str("***");
        out.push(close);
        rest = &rest[1 + end + 1..];
    }
    out.push_str(rest);
    out
}

/// `"key" : "value"` and `"key": 123` → `"key":"***"` / `"key":***`.
fn redact_json_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        let after_open = &rest[open + 1..];
        let Some(close) = find_string_end(after_open) else {
            break;
        };
        let key = &after_open[..close];
        let after_key = &after_open[close + 1..];
        out.push_str(&rest[..open + 1 + close + 1]);
        rest = after_key;
        let trimmed = rest.trim_start();
        if !trimmed.starts_with(':') || !is_sensitive_key(key) {
            continue;
        }
        let value = trimmed[1..].trim_start();
        let value_at = rest.len() - value.len();
        out.push_str(&rest[..value_at]);
        if let Some(inner) = value.strip_prefix('"') {
            let end = find_string_end(inner).unwrap_or(inner.len());
            out.push_str("\"***\"");
            rest = inner.get(end + 1..).unwrap_or("");
        } else {
            let end = value
                .find(|c: char| c == ',' || c == '}' || c == ']' || c.is_whitespace())
                .unwrap_or(value.len());
            if value[..end] == *"null" || end == 0 {
                rest = &rest[value_at..];
                continue;
            }
            out.push_str("***");
            rest = &value[end..];
        }
    }
    out.push_str(rest);
    out
}

/// The index of the closing quote of a JSON string whose opening quote was
/// just consumed, honouring backslash escapes.
fn find_string_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

/// `<key>value</key>` → `<key>***</key>` for sensitive keys.
fn redact_xml_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..gt];
        out.push_str(&rest[..lt + 1 + gt + 1]);
        rest = &after[gt + 1..];
        let name = tag.split_whitespace().next().unwrap_or("");
        if name.starts_with('/') || tag.ends_with('/') || !is_sensitive_key(name) {
            continue;
        }
        let closing = format!("</{name}>");
        if let Some(end) = rest.find(&closing) {
            if end > 0 {
                out.push_str("***");
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// `key=value` → `key=***` for sensitive keys, in an urlencoded form, a
/// query string, or free text that quotes one (`bad body: a=1&password=x`,
/// `{password=x, user=y}`).
fn redact_form_values(text: &str) -> String {
    fn is_key_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']')
    }
    fn ends_value(c: char) -> bool {
        c.is_whitespace()
            || matches!(
                c,
                '&' | ',' | ';' | '"' | '\'' | '<' | '>' | ')' | '}' | ']'
            )
    }
    if !text.contains('=') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(eq) = rest.find('=') {
        let before = &rest[..eq];
        let key_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_key_char(*c))
            .last()
            .map_or(eq, |(i, _)| i);
        let key = &before[key_start..];
        out.push_str(&rest[..=eq]);
        rest = &rest[eq + 1..];
        if key.is_empty() || !is_sensitive_key(key.trim_end_matches("[]")) {
            continue;
        }
        let end = rest.find(ends_value).unwrap_or(rest.len());
        if end > 0 {
            out.push_str("***");
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Runs of 11+ digits (phones, ID and card numbers, a trailing `X` allowed)
/// keep their first 3 and last 4 digits. So do numbers written in groups
/// joined by one kind of single separator (`138 1234 5678`,
/// `6222-0212-3456-7890-123`, `110101 19900307 1234`): 2 to 6 groups of 3+
/// digits, one of 4+, 11+ digits in all. A list such as `100 200 300 400`
/// is left alone.
fn mask_digit_runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        let end = grouped_number_end(&chars, start).unwrap_or_else(|| {
            let mut j = start;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j < chars.len() && (chars[j] == 'X' || chars[j] == 'x') && j - start == 17 {
                j += 1;
            }
            j
        });
        let run = &chars[start..end];
        let digits = run.iter().filter(|c| !matches!(c, ' ' | '-')).count();
        if digits >= 11 {
            let mut seen = 0;
            for &c in run {
                if matches!(c, ' ' | '-') {
                    out.push(c);
                    continue;
                }
                seen += 1;
                out.push(if seen <= 3 || seen > digits - 4 {
                    c
                } else {
                    '*'
                });
            }
        } else {
            out.extend(run);
        }
        i = end;
    }
    out
}

/// The end of a number written in groups that starts at `start`, when there
/// is one (see [`mask_digit_runs`]).
fn grouped_number_end(chars: &[char], start: usize) -> Option<usize> {
    let group_end = |from: usize| {
        let mut j = from;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let mut end = group_end(start);
    let sep = *chars.get(end).filter(|c| matches!(c, ' ' | '-'))?;
    let mut lens = vec![end - start];
    while lens.len() < 6 && chars.get(end) == Some(&sep) {
        let next = group_end(end + 1);
        if next - (end + 1) < 3 {
            break;
        }
        lens.push(next - (end + 1));
        end = next;
    }
    // A trailing `X` closes an ID number written in groups.
    if chars.get(end).is_some_and(|c| *c == 'X' || *c == 'x') {
        end += 1;
        *lens.last_mut()? += 1;
    }
    let ok = lens.len() >= 2
        && lens.iter().all(|&n| n >= 3)
        && lens.iter().any(|&n| n >= 4)
        && lens.iter().sum::<usize>() >= 11;
    ok.then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_of_sensitive_keys_are_hidden() {
        let body = r#"{"data":[{"userID":42,"mobilePhone":"13512345678","iDNumber":"11010519491231002X","name":"张三"}],"refresh_token":"r-1","note":"a \"quoted\" token"}"#;
        let out = redact(body);
        assert!(
            !out.contains("13512345678") && !out.contains("11010519491231002X"),
            "{out}"
        );
        assert!(!out.contains("r-1"), "{out}");
        assert!(
            out.contains(r#""userID":42"#) && out.contains("张三"),
            "{out}"
        );
        assert!(out.contains(r#""note":"a \"quoted\" token""#), "{out}");
    }

    #[test]
    fn numbers_nulls_and_spacing() {
        assert_eq!(redact(r#"{"phone" : 13512345678}"#), r#"{"phone" : ***}"#);
        assert_eq!(redact(r#"{"phone":null}"#), r#"{"phone":null}"#);
        assert_eq!(redact(r#"{"token":"#), r#"{"token":"#);
    }

    #[test]
    fn truncated_json_is_still_redacted() {
        let out = redact(r#"{"access_token":"eyJhbGciOi"#);
        assert_eq!(out, r#"{"access_token":"***""#);
    }

    #[test]
    fn long_digit_runs_are_masked_short_ones_kept() {
        assert_eq!(redact("id 11010519491231002X"), "id 110***********002X");
        assert_eq!(redact("code 417, total 20000"), "code 417, total 20000");
        assert_eq!(
            redact("card 6222021234567890123"),
            "card 622************0123"
        );
    }

    #[test]
    fn grouped_numbers_are_masked_lists_are_not() {
        assert_eq!(redact("tel 138-1234-5678."), "tel 138-****-5678.");
        assert_eq!(
            redact("card 6222 0212 3456 7890"),
            "card 622* **** **** 7890"
        );
        assert_eq!(redact("id 110101 19900307 123X"), "id 110*** ******** 123X");
        assert_eq!(redact("ids 100 200 300 400"), "ids 100 200 300 400");
        assert_eq!(redact("2021-01-01 12:00"), "2021-01-01 12:00");
        assert_eq!(redact("total 2000 of 3000"), "total 2000 of 3000");
    }

    #[test]
    fn secrets_in_free_text_forms_and_queries() {
        let out = redact(
            "echo: grant_type=password&username=u&password=Hunter2!&client_secret=S3cr3t&app_secret=A1",
        );
        for secret in ["Hunter2!", "S3cr3t", "A1"] {
            assert!(!out.contains(secret), "{out}");
        }
        assert!(out.contains("grant_type=password&username=u"), "{out}");
        let out = redact("GET /x?access_token=abc.def&sessionId=S-9 failed");
        assert_eq!(out, "GET /x?access_token=***&sessionId=*** failed");
        let out = redact("{secret=xyz, user=bob}");
        assert_eq!(out, "{secret=***, user=bob}");
        assert_eq!(redact("a==b"), "a==b");
        assert_eq!(redact("x = 1"), "x = 1");
    }

    #[test]
    fn redaction_is_stable_when_applied_twice() {
        let text = r#"员工 手机 13812345678 身份证 110101199003071234 {"password":"p"} token=t"#;
        let once = redact(text);
        assert_eq!(redact(&once), once);
    }
}
