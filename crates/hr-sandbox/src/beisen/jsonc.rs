//! Request bodies with comments, as Beisen's .NET JSON reader takes them.
//!
//! The vendor's own request example (seed 003, 「请求示例」) carries `//`
//! comments after its values, and Json.NET, which reads Beisen's request
//! bodies, skips `//` and `/* */` comments; a client that sends the
//! example as printed must get an answer, not a format error.

use std::borrow::Cow;

/// `body` without `// …` (to the end of the line) and `/* … */` comments
/// outside strings; borrowed when there are none. An unterminated block
/// comment runs to the end, as in Json.NET; what is left is for the JSON
/// parser to judge.
pub(super) fn strip_comments(body: &[u8]) -> Cow<'_, [u8]> {
    if !body.contains(&b'/') {
        return Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(body.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match (c, body.get(i + 1)) {
            (b'/', Some(b'/')) => {
                while i < body.len() && body[i] != b'\n' {
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                i += 2;
                while i < body.len() && !(body[i] == b'*' && body.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                // A comment separates tokens as a space does.
                out.push(b' ');
            }
            _ => {
                in_string = c == b'"';
                out.push(c);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::strip_comments;

    fn stripped(text: &str) -> String {
        String::from_utf8(strip_comments(text.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn comments_go_and_strings_stay() {
        assert_eq!(
            stripped("{\"a\": 1, //示例\n \"b\": \"x//y\" /* c */}"),
            "{\"a\": 1, \n \"b\": \"x//y\"  }"
        );
        assert_eq!(stripped(r#"{"a": "q\"//"}"#), r#"{"a": "q\"//"}"#);
        assert_eq!(stripped("{\"a\": 1 /* open"), "{\"a\": 1  ");
        assert!(matches!(
            strip_comments(b"{\"a\": 1}"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_seeds_example_parses() {
        let text = include_str!(
            "../../tests/resources/seeds/003-employee-get-by-time-window.request.jsonc"
        );
        let value: serde_json::Value =
            serde_json::from_slice(&strip_comments(text.as_bytes())).unwrap();
        assert_eq!(value["timeWindowQueryType"], 1);
    }
}
