//! `docs/endpoints.md` against the code, in both directions, so the list of
//! endpoints cannot rot:
//!
//! - every `impl Endpoint for X` in the three client crates (written by
//!   hand or by a `macro_rules!` of the crate) has a row in the doc, and
//!   every row that claims an endpoint names one;
//! - the method, path, idempotency and output of every row are those of the
//!   type: read from `<X as Endpoint>` for public types (the [`check!`]
//!   list), from the `impl` block's source for crate-private ones (token and
//!   wire calls), and for rows marked "not an `Endpoint`" the path must be a
//!   string in the crate's source;
//! - every public row is in the [`check!`] list and every type in the list
//!   has a row, so neither can be added alone.
//!
//! The sources are read with `std::fs` and plain string operations (no
//! parser dependency); the reader is tested below on the shapes it must
//! understand, and the whole check on a corrupted copy of the doc.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use hr_sdk::common::endpoint::Endpoint;

/// The crates whose endpoints the doc lists: crate name, directory, and the
/// facade module that re-exports it.
const CRATES: [(&str, &str, &str); 3] = [
    ("beisen_client", "crates/beisen-client", "hr_sdk::beisen"),
    ("isdp_client", "crates/isdp-client", "hr_sdk::isdp"),
    (
        "travel_sync_types",
        "crates/travel-sync-types",
        "hr_sdk::travel",
    ),
];

const DOC: &str = "docs/endpoints.md";

/// What the compiler says about one public endpoint type.
#[derive(Debug, Clone)]
struct Checked {
    /// The type as written in the list, facade path (`hr_sdk::isdp::GetPersonList`).
    rust_path: String,
    path: &'static str,
    method: String,
    idempotent: bool,
    /// `std::any::type_name` of `Output`.
    output: &'static str,
}

/// Reads `PATH`, `METHOD`, `IDEMPOTENT` and `Output` of each type through
/// its `Endpoint` impl: a type that is not an endpoint does not compile.
macro_rules! check {
    ($($ty:ty),+ $(,)?) => {
        vec![$(Checked {
            rust_path: stringify!($ty).split_whitespace().collect(),
            path: <$ty as Endpoint>::PATH,
            method: <$ty as Endpoint>::METHOD.as_str().to_owned(),
            idempotent: <$ty as Endpoint>::IDEMPOTENT,
            output: std::any::type_name::<<$ty as Endpoint>::Output>(),
        }),+]
    };
}

/// Every public endpoint type. A type added to a crate must be added here
/// and to the doc; the test says which is missing.
fn checked() -> Vec<Checked> {
    check!(
        // Beisen iTalent.
        hr_sdk::beisen::employee::GetEmployeesByTimeWindow,
        hr_sdk::beisen::employee::GetEmployeeListByTimeWindow,
        hr_sdk::beisen::employee::GetEmployeeOfOrganization,
        hr_sdk::beisen::employee::GetBasicInfoByIds,
        hr_sdk::beisen::employee::GetServiceInfoByIds,
        hr_sdk::beisen::employee::GetUserIdByEmail,
        hr_sdk::beisen::employee::GetUserIdsByJobNumbers,
        hr_sdk::beisen::employee::GetUserIdsByMobiles,
        hr_sdk::beisen::employee::GetJuniorById,
        hr_sdk::beisen::employee::CreateEmployee,
        hr_sdk::beisen::employee::TransferEmployee,
        hr_sdk::beisen::employee::DimissionEmployee,
        hr_sdk::beisen::organization::GetOrganizationsByTimeWindow,
        hr_sdk::beisen::organization::GetOrganizationsByIds,
        hr_sdk::beisen::organization::GetSubOrganizations,
        hr_sdk::beisen::organization::GetOrganizationInfoByCodes,
        hr_sdk::beisen::organization::GetSubOrganizationTrees,
        hr_sdk::beisen::organization::GetPositionsByTimeWindow,
        hr_sdk::beisen::organization::GetJobPostsByTimeWindow,
        hr_sdk::beisen::organization::GetJobLevelsByTimeWindow,
        hr_sdk::beisen::organization::GetJobGradesByTimeWindow,
        hr_sdk::beisen::organization::GetJobSequencesByTimeWindow,
        hr_sdk::beisen::organization::GetEmpSubsetByTimeWindow,
        hr_sdk::beisen::organization::GetEmploymentFormsByTimeWindow,
        hr_sdk::beisen::organization::GetCommonMetaObjectsByTimeWindow,
        hr_sdk::beisen::organization::GetOffersByTimeWindow,
        hr_sdk::beisen::organization::GetContractsByTimeWindow,
        hr_sdk::beisen::attendance::GetVacationsByApprovalTime,
        hr_sdk::beisen::attendance::GetVacationsByDate,
        hr_sdk::beisen::attendance::GetVacationRemainList,
        hr_sdk::beisen::attendance::GetApprovedBusinessTrips,
        hr_sdk::beisen::attendance::GetApprovedOutwardTrips,
        hr_sdk::beisen::attendance::PushBusinessTrips,
        hr_sdk::beisen::attendance::RemoveBusinessTrips,
        hr_sdk::beisen::attendance::GetAsyncJobState,
        hr_sdk::beisen::recruiting::GetApplyListByModifiedTime,
        hr_sdk::beisen::data_source::GetDataSource,
        hr_sdk::beisen::entry::GetListByBusinessType,
        hr_sdk::beisen::entry::CreateForEntry,
        hr_sdk::beisen::entry::EntryEmployee,
        hr_sdk::beisen::entry::UpdateOriginalIdByTargetId,
        hr_sdk::beisen::entry::GetStaffInfos,
        hr_sdk::beisen::position::GetPositionsByOIds,
        hr_sdk::beisen::position::GetJobPostsByOIds,
        // Huawei ISDP+.
        hr_sdk::isdp::GetPersonList,
        hr_sdk::isdp::FindPersonsByUserIds,
        hr_sdk::isdp::FindMaskedPersonsByUserIds,
        hr_sdk::isdp::FindPersonByCode,
        hr_sdk::isdp::UpdatePerson,
        hr_sdk::isdp::BatchAddPersons,
        hr_sdk::isdp::BatchUpdatePersonInfo,
        hr_sdk::isdp::AddPersonAccounts,
        hr_sdk::isdp::DeregisterPerson,
        hr_sdk::isdp::BatchDeregisterPersons,
        hr_sdk::isdp::FindOrgsWithDirection,
        hr_sdk::isdp::FindOrgs,
        hr_sdk::isdp::FindRoles,
        hr_sdk::isdp::FindPositions,
        hr_sdk::isdp::SaveOrgs,
        hr_sdk::isdp::DeleteOrgs,
        hr_sdk::isdp::ExportPersons,
        hr_sdk::isdp::FindExportTasks,
        hr_sdk::isdp::ImportPersons,
    )
}

// ---------------------------------------------------------------------------
// The doc.

/// How a row's type relates to `Endpoint`, from the words after the type in
/// its "Request type" cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A public endpoint, checked through [`check!`].
    Public,
    /// "internal": a crate-private endpoint, checked from its source.
    Internal,
    /// "not an `Endpoint`": a typed request sent another way (a download, a
    /// token provider, a wrapper), whose path must be in the crate's source.
    NotEndpoint,
}

/// One row of an endpoint table of the doc.
#[derive(Debug, Clone)]
struct Row {
    line: usize,
    /// The type as the doc writes it (`isdp_client::GetPersonList`).
    rust_path: String,
    krate: String,
    name: String,
    kind: Kind,
    method: String,
    path: String,
    idempotent: Option<bool>,
    /// Every backticked type in the "Output" cell, as [`short_type`] writes it.
    outputs: Vec<String>,
}

/// The spans between backticks of `cell`.
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.trim().to_owned())
        .collect()
}

/// The cells of a table line, split on `|` outside backticks (a closure in
/// a cell keeps its bars).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = vec![String::new()];
    let mut in_code = false;
    let mut prev = ' ';
    for c in inner.chars() {
        match c {
            '`' => in_code = !in_code,
            '|' if !in_code && prev != '\\' => {
                out.push(String::new());
                prev = c;
                continue;
            }
            _ => {}
        }
        out.last_mut().unwrap().push(c);
        prev = c;
    }
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// The last path segment without generics: `a::b::Foo<'a>` → `Foo`.
fn last_segment(path: &str) -> String {
    let no_generics = path.split('<').next().unwrap_or(path);
    no_generics
        .rsplit("::")
        .next()
        .unwrap_or(no_generics)
        .trim()
        .to_owned()
}

/// The rows of every table whose header has a "Request type" column, or
/// the reasons they cannot be read.
fn parse_doc(doc: &str) -> (Vec<Row>, Vec<String>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = doc.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let is_separator = |l: &str| {
            let l = l.trim();
            l.starts_with('|') && l.contains('-') && l.chars().all(|c| "|-: ".contains(c))
        };
        let is_table_start = lines[i].trim_start().starts_with('|')
            && lines.get(i + 1).is_some_and(|l| is_separator(l));
        if !is_table_start {
            i += 1;
            continue;
        }
        let header = cells(lines[i]);
        let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        i += 2;
        let body_start = i;
        while i < lines.len() && lines[i].trim_start().starts_with('|') {
            i += 1;
        }
        let Some(ty_col) = col("Request type") else {
            continue;
        };
        let wanted = ["Method", "Path", "Output", "Idempotent"];
        let (Some(method_col), Some(path_col), Some(output_col), Some(idem_col)) = (
            col(wanted[0]),
            col(wanted[1]),
            col(wanted[2]),
            col(wanted[3]),
        ) else {
            problems.push(format!(
                "{DOC}:{}: an endpoint table needs the columns {wanted:?}, has {header:?}",
                body_start - 1
            ));
            continue;
        };
        for (n, line) in lines.iter().enumerate().take(i).skip(body_start) {
            let line_no = n + 1;
            let c = cells(line);
            if c.len() != header.len() {
                problems.push(format!(
                    "{DOC}:{line_no}: {} cells, the header has {}",
                    c.len(),
                    header.len()
                ));
                continue;
            }
            let ty_cell = &c[ty_col];
            let Some(rust_path) = code_spans(ty_cell).into_iter().next() else {
                problems.push(format!(
                    "{DOC}:{line_no}: the \"Request type\" cell names no `type`: {ty_cell:?}"
                ));
                continue;
            };
            let rust_path: String = rust_path.split_whitespace().collect();
            let krate = rust_path.split("::").next().unwrap_or_default().to_owned();
            if !CRATES.iter().any(|(k, ..)| *k == krate) {
                problems.push(format!(
                    "{DOC}:{line_no}: `{rust_path}` is not a path in {:?}",
                    CRATES.map(|(k, ..)| k)
                ));
                continue;
            }
            let kind = if ty_cell.contains("not an `Endpoint`") {
                Kind::NotEndpoint
            } else if ty_cell.contains("internal") {
                Kind::Internal
            } else {
                Kind::Public
            };
            let idem_word = c[idem_col]
                .split(|ch: char| !ch.is_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_lowercase();
            let idempotent = match idem_word.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => {
                    problems.push(format!(
                        "{DOC}:{line_no}: \"Idempotent\" must start with yes or no, not {:?}",
                        c[idem_col]
                    ));
                    None
                }
            };
            let Some(path) = code_spans(&c[path_col]).into_iter().next() else {
                problems.push(format!(
                    "{DOC}:{line_no}: the \"Path\" cell has no `path`: {:?}",
                    c[path_col]
                ));
                continue;
            };
            rows.push(Row {
                line: line_no,
                name: last_segment(&rust_path),
                krate,
                rust_path,
                kind,
                method: c[method_col].trim_matches('`').trim().to_owned(),
                path,
                idempotent,
                outputs: code_spans(&c[output_col])
                    .iter()
                    .map(|s| short_type(s))
                    .collect(),
            });
        }
    }
    (rows, problems)
}

// ---------------------------------------------------------------------------
// The sources.

/// Byte index just past the string, raw string or char literal starting at
/// `i`, or `None` when `i` starts none (a lifetime is none).
fn skip_literal(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        b'"' => {
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 2,
                    b'"' => return Some(j + 1),
                    _ => j += 1,
                }
            }
            Some(b.len())
        }
        b'r' if (i == 0 || !is_ident(b[i - 1]))
            && b.get(i + 1).is_some_and(|c| *c == b'"' || *c == b'#') =>
        {
            let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
            let open = i + 1 + hashes;
            if b.get(open) != Some(&b'"') {
                return None;
            }
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            let rest = &b[open + 1..];
            let end = rest
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(b.len(), |p| open + 1 + p + close.len());
            Some(end)
        }
        b'\'' => {
            if b.get(i + 1) == Some(&b'\\') {
                let close = b[i + 2..].iter().position(|c| *c == b'\'')?;
                Some(i + 2 + close + 1)
            } else if b.get(i + 2) == Some(&b'\'') {
                Some(i + 3)
            } else {
                // A multi-byte char literal such as '北'.
                let s = std::str::from_utf8(&b[i + 1..]).ok()?;
                let c = s.chars().next()?;
                let end = i + 1 + c.len_utf8();
                (c.len_utf8() > 1 && b.get(end) == Some(&b'\'')).then_some(end + 1)
            }
        }
        _ => None,
    }
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `src` without comments (doc comments included: their examples are not
/// code), literals kept.
fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = skip_literal(b, i) {
            out.extend_from_slice(&b[i..end]);
            i = end;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(b' ');
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("comments end at ASCII boundaries")
}

/// The index of the `}` closing the `{` at `open`, literals skipped.
fn matching_brace(text: &str, open: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        if let Some(end) = skip_literal(b, i) {
            i = end;
            continue;
        }
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `text` without its `#[cfg(test)] mod … { … }` blocks: a test double
/// implementing `Endpoint` is no endpoint of the crate.
fn strip_test_modules(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let is_mod = trimmed.starts_with("mod ") || trimmed.starts_with("pub mod ");
        let open = after.find('{');
        match (is_mod, open) {
            (true, Some(open)) if !after[..open].contains(';') => {
                let base = at + "#[cfg(test)]".len() + open;
                out.push_str(&rest[..at]);
                match matching_brace(rest, base) {
                    Some(close) => rest = &rest[close + 1..],
                    None => rest = "",
                }
            }
            _ => {
                out.push_str(&rest[..at + "#[cfg(test)]".len()]);
                rest = &rest[at + "#[cfg(test)]".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `text[at..]` starts the keyword `kw` (not part of an identifier).
fn keyword_at(text: &str, at: usize, kw: &str) -> bool {
    let b = text.as_bytes();
    text[at..].starts_with(kw)
        && (at == 0 || !is_ident(b[at - 1]))
        && b.get(at + kw.len()).is_none_or(|c| !is_ident(*c))
}

/// The text from `at` past a balanced `<…>` (`->` inside is no bracket).
fn skip_generics(s: &str) -> &str {
    let s = s.trim_start();
    if !s.starts_with('<') {
        return s;
    }
    let mut depth = 0;
    let mut prev = ' ';
    for (i, c) in s.char_indices() {
        match c {
            '<' => depth += 1,
            '>' if prev != '-' => {
                depth -= 1;
                if depth == 0 {
                    return &s[i + 1..];
                }
            }
            _ => {}
        }
        prev = c;
    }
    ""
}

/// One `impl … Endpoint for Type` found in a crate's source.
#[derive(Debug, Clone)]
struct ImplBlock {
    /// The type's name, or `$var` inside a `macro_rules!`.
    name: String,
    /// The `{ … }` body.
    body: String,
    /// Byte offset of `impl` in the stripped text.
    at: usize,
}

/// Every `impl [<…>] [path::]Endpoint for Type[<…>] [where …] {` of `text`.
fn endpoint_impls(text: &str) -> Vec<ImplBlock> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("impl") {
        if !keyword_at(text, at, "impl") {
            continue;
        }
        let Some(open) = text[at..].find(['{', ';']).map(|o| at + o) else {
            continue;
        };
        if text.as_bytes()[open] != b'{' {
            continue;
        }
        let header: String = text[at + 4..open]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let rest = skip_generics(&header);
        let Some((trait_path, target)) = rest.split_once(" for ") else {
            continue;
        };
        if last_segment(trait_path.trim()) != "Endpoint" {
            continue;
        }
        let target = target.split(" where ").next().unwrap_or(target).trim();
        let close = matching_brace(text, open).unwrap_or(text.len() - 1);
        found.push(ImplBlock {
            name: last_segment(target),
            body: text[open..=close].to_owned(),
            at,
        });
    }
    found
}

/// The `macro_rules!` of `text`: name and the byte range of its body.
fn macro_spans(text: &str) -> Vec<(String, usize, usize)> {
    let mut spans = Vec::new();
    for (at, _) in text.match_indices("macro_rules!") {
        let rest = &text[at + "macro_rules!".len()..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if let Some(open) = rest.find('{').map(|o| at + "macro_rules!".len() + o)
            && let Some(close) = matching_brace(text, open)
        {
            spans.push((name, open, close));
        }
    }
    spans
}

/// The first identifier of each invocation `name!(…)`, `name! {…}` or
/// `name![…]` of `text` (invocations passing a `$var` on are skipped).
fn invocation_first_args(text: &str, name: &str) -> Vec<String> {
    let needle = format!("{name}!");
    let mut args = Vec::new();
    for (at, _) in text.match_indices(&needle) {
        if at > 0 && is_ident(text.as_bytes()[at - 1]) {
            continue;
        }
        let rest = text[at + needle.len()..].trim_start();
        let Some(rest) = rest.strip_prefix(['(', '{', '[']) else {
            continue;
        };
        let rest = rest.trim_start();
        if rest.starts_with('$') {
            continue;
        }
        let arg: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        if !arg.is_empty() {
            args.push(last_segment(&arg));
        }
    }
    args
}

/// One crate's sources, comments and test modules stripped.
struct CrateSource {
    krate: &'static str,
    files: Vec<(PathBuf, String)>,
}

impl CrateSource {
    fn read(krate: &'static str, dir: &str) -> CrateSource {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            for entry in entries {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join("src");
        let mut paths = Vec::new();
        walk(&root, &mut paths);
        paths.sort();
        let files = paths
            .into_iter()
            .map(|p| {
                let src = fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                (p, strip_test_modules(&strip_comments(&src)))
            })
            .collect();
        CrateSource { krate, files }
    }

    fn from_texts(krate: &'static str, texts: &[&str]) -> CrateSource {
        CrateSource {
            krate,
            files: texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    (
                        PathBuf::from(format!("{i}.rs")),
                        strip_test_modules(&strip_comments(t)),
                    )
                })
                .collect(),
        }
    }

    /// The endpoint types of the crate, each with its `impl` block when it
    /// is written by hand; or why the source cannot be read.
    fn endpoints(&self) -> (BTreeMap<String, Option<ImplBlock>>, Vec<String>) {
        let mut types = BTreeMap::new();
        let mut problems = Vec::new();
        let mut generators = Vec::new();
        for (file, text) in &self.files {
            let macros = macro_spans(text);
            for block in endpoint_impls(text) {
                if let Some(var) = block.name.strip_prefix('$') {
                    let Some((mac, open, _)) = macros
                        .iter()
                        .find(|(_, open, close)| (*open..*close).contains(&block.at))
                    else {
                        problems.push(format!(
                            "{}: `impl Endpoint for ${var}` outside a macro_rules!",
                            file.display()
                        ));
                        continue;
                    };
                    // The endpoint type must be the macro's first argument,
                    // the only one its invocations are read for.
                    let first_arm = text[open + 1..].trim_start();
                    let first_var = first_arm
                        .trim_start_matches(['(', '{', '['])
                        .trim_start()
                        .strip_prefix('$')
                        .and_then(|r| r.split(':').next())
                        .unwrap_or_default()
                        .trim();
                    if first_var == var {
                        generators.push(mac.clone());
                    } else {
                        problems.push(format!(
                            "{}: macro `{mac}` implements Endpoint for `${var}`, which is not its \
                             first argument (`${first_var}`): teach tests/endpoints_doc.rs to read it",
                            file.display()
                        ));
                    }
                } else {
                    types.insert(block.name.clone(), Some(block));
                }
            }
        }
        for mac in generators {
            for (_, text) in &self.files {
                for name in invocation_first_args(text, &mac) {
                    types.entry(name).or_insert(None);
                }
            }
        }
        (types, problems)
    }

    /// The string literal a `const NAME: &str = "…";` of the crate holds.
    fn const_str(&self, name: &str) -> Option<String> {
        let needle = format!("const {name}:");
        self.files.iter().find_map(|(_, text)| {
            text.match_indices(&needle).find_map(|(at, _)| {
                let rest = &text[at + needle.len()..];
                let eq = rest.find('=')?;
                let end = eq + rest[eq..].find(';')?;
                string_literal(&rest[eq + 1..end])
            })
        })
    }

    /// The path a `const PATH` right-hand side names: a literal, or a
    /// constant of the crate (`TOKEN_PATH`, `paths::CREATE`). `None` for
    /// anything else, such as a generic `R::PATH`.
    fn resolve_path(&self, value: &str) -> Option<String> {
        if let Some(literal) = string_literal(value) {
            return Some(literal);
        }
        let segments: Vec<&str> = value.split("::").map(str::trim).collect();
        let (name, modules) = segments.split_last()?;
        let is_module = |s: &&str| s.chars().next().is_some_and(|c| c.is_lowercase());
        if modules.iter().all(is_module) && name.chars().all(|c| c.is_uppercase() || c == '_') {
            self.const_str(name)
        } else {
            None
        }
    }

    /// Whether `"text"` is a string literal of the crate.
    fn has_literal(&self, s: &str) -> bool {
        let quoted = format!("\"{s}\"");
        self.files.iter().any(|(_, text)| text.contains(&quoted))
    }
}

/// The contents of the first `"…"` of `s` (no escapes in paths).
fn string_literal(s: &str) -> Option<String> {
    let start = s.find('"')? + 1;
    let len = s[start..].find('"')?;
    Some(s[start..start + len].to_owned())
}

/// The right-hand side of `<item> … = value;` in an impl body, trimmed.
fn item_value(body: &str, item: &str) -> Option<String> {
    let at = body.find(item)?;
    let rest = &body[at + item.len()..];
    let eq = rest.find('=')?;
    let end = eq + rest[eq..].find(';')?;
    Some(
        rest[eq + 1..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A type name without module paths or spaces:
/// `alloc::vec::Vec<isdp_client::person::PlainPerson>` → `Vec<PlainPerson>`.
fn short_type(name: &str) -> String {
    let mut out = String::new();
    let mut ident = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            ident.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            ident.clear();
        } else {
            out.push_str(&ident);
            ident.clear();
            if !c.is_whitespace() {
                out.push(c);
            }
        }
    }
    out.push_str(&ident);
    out
}

// ---------------------------------------------------------------------------
// The check.

/// Everything on which the doc and the code disagree.
fn problems(doc: &str, sources: &[CrateSource], checked: &[Checked]) -> Vec<String> {
    let (rows, mut problems) = parse_doc(doc);

    let mut code: BTreeMap<(String, String), Option<ImplBlock>> = BTreeMap::new();
    for source in sources {
        let (types, unreadable) = source.endpoints();
        problems.extend(unreadable);
        for (name, block) in types {
            code.insert((source.krate.to_owned(), name), block);
        }
    }

    // (a) The doc's endpoint rows and the code's endpoints are the same set.
    let mut doc_rows: BTreeMap<(String, String), &Row> = BTreeMap::new();
    for row in &rows {
        let key = (row.krate.clone(), row.name.clone());
        if let Some(first) = doc_rows.insert(key, row) {
            problems.push(format!(
                "{DOC}:{}: `{}` already has a row at line {}",
                row.line, row.rust_path, first.line
            ));
        }
    }
    for (krate, name) in code.keys() {
        match doc_rows.get(&(krate.clone(), name.clone())) {
            None => problems.push(format!(
                "`{krate}`: `{name}` implements Endpoint but has no row in {DOC}"
            )),
            Some(row) if row.kind == Kind::NotEndpoint => problems.push(format!(
                "{DOC}:{}: `{}` is marked \"not an `Endpoint`\" but implements Endpoint",
                row.line, row.rust_path
            )),
            Some(_) => {}
        }
    }
    for row in rows.iter().filter(|r| r.kind != Kind::NotEndpoint) {
        if !code.contains_key(&(row.krate.clone(), row.name.clone())) {
            problems.push(format!(
                "{DOC}:{}: `{}` is listed as an endpoint, but `{}` has no `impl Endpoint for {}` \
                 (implement it, or mark the row \"not an `Endpoint`\")",
                row.line, row.rust_path, row.krate, row.name
            ));
        }
    }

    // (b) Public rows against the compiler.
    let facade_to_crate = |p: &str| -> Option<String> {
        CRATES.iter().find_map(|(krate, _, facade)| {
            p.strip_prefix(facade)
                .filter(|rest| rest.starts_with("::"))
                .map(|rest| format!("{krate}{rest}"))
        })
    };
    let mut covered = BTreeSet::new();
    for c in checked {
        let Some(crate_path) = facade_to_crate(&c.rust_path) else {
            problems.push(format!(
                "check!: `{}` is not under {:?}",
                c.rust_path,
                CRATES.map(|(.., f)| f)
            ));
            continue;
        };
        let krate = crate_path.split("::").next().unwrap_or_default().to_owned();
        let name = last_segment(&crate_path);
        let Some(row) = doc_rows.get(&(krate, name.clone())) else {
            problems.push(format!(
                "check!: `{}` has no row in {DOC} (expected `{crate_path}`)",
                c.rust_path
            ));
            continue;
        };
        covered.insert(row.line);
        let at = format!("{DOC}:{}: `{}`", row.line, row.rust_path);
        if row.kind != Kind::Public {
            problems.push(format!("{at}: public, but the row says {:?}", row.kind));
        }
        if row.rust_path != crate_path {
            problems.push(format!("{at}: the type's path is `{crate_path}`"));
        }
        if row.path != c.path {
            problems.push(format!(
                "{at}: path `{}` in the doc, `{}` in code",
                row.path, c.path
            ));
        }
        if row.method != c.method {
            problems.push(format!(
                "{at}: method {} in the doc, {} in code",
                row.method, c.method
            ));
        }
        if row.idempotent.is_some_and(|i| i != c.idempotent) {
            problems.push(format!(
                "{at}: idempotent {} in the doc, IDEMPOTENT = {} in code",
                yes_no(row.idempotent),
                c.idempotent
            ));
        }
        let output = short_type(c.output);
        if !row.outputs.contains(&output) {
            problems.push(format!(
                "{at}: Output is `{output}`, the doc's \"Output\" cell says {:?}",
                row.outputs
            ));
        }
    }

    // Internal rows against their impl block; other rows against the source.
    for row in &rows {
        let at = format!("{DOC}:{}: `{}`", row.line, row.rust_path);
        let source = sources.iter().find(|s| s.krate == row.krate);
        match row.kind {
            Kind::Public => {
                if !covered.contains(&row.line) {
                    problems.push(format!(
                        "{at}: a public endpoint row that is not in the check! list of \
                         tests/endpoints_doc.rs (a crate-private type: mark it internal)"
                    ));
                }
            }
            Kind::Internal => {
                let Some(Some(block)) = code.get(&(row.krate.clone(), row.name.clone())) else {
                    if code.contains_key(&(row.krate.clone(), row.name.clone())) {
                        problems.push(format!(
                            "{at}: internal endpoints must be implemented by hand, not by a macro"
                        ));
                    }
                    continue;
                };
                let source = source.expect("rows name a known crate");
                // A path that is no constant (a generic `R::PATH`) is
                // written in the doc as the code writes it.
                let path = item_value(&block.body, "const PATH")
                    .map(|v| source.resolve_path(&v).unwrap_or(v));
                if path.as_deref() != Some(row.path.as_str()) {
                    problems.push(format!(
                        "{at}: path `{}` in the doc, {path:?} in code",
                        row.path
                    ));
                }
                let method = item_value(&block.body, "const METHOD")
                    .map_or_else(|| "POST".to_owned(), |v| last_segment(&v));
                if method != row.method {
                    problems.push(format!(
                        "{at}: method {} in the doc, {method} in code",
                        row.method
                    ));
                }
                let idempotent = item_value(&block.body, "const IDEMPOTENT").map(|v| v == "true");
                if idempotent != row.idempotent {
                    problems.push(format!(
                        "{at}: idempotent {} in the doc, IDEMPOTENT = {idempotent:?} in code",
                        yes_no(row.idempotent)
                    ));
                }
                let output = item_value(&block.body, "type Output").map(|v| short_type(&v));
                if !output.as_ref().is_some_and(|o| row.outputs.contains(o)) {
                    problems.push(format!(
                        "{at}: Output is {output:?}, the doc's \"Output\" cell says {:?}",
                        row.outputs
                    ));
                }
            }
            Kind::NotEndpoint => {
                let source = source.expect("rows name a known crate");
                if !source.has_literal(&row.path) {
                    problems.push(format!(
                        "{at}: path `{}` is no string literal in `{}`",
                        row.path, row.krate
                    ));
                }
            }
        }
    }
    problems
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unreadable",
    }
}

fn sources() -> Vec<CrateSource> {
    CRATES
        .iter()
        .map(|(krate, dir, _)| CrateSource::read(krate, dir))
        .collect()
}

fn doc() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_endpoint_table_matches_the_code() {
    let sources = sources();
    let found = problems(&doc(), &sources, &checked());
    assert!(
        found.is_empty(),
        "{DOC} and the code disagree ({} problems):\n  - {}",
        found.len(),
        found.join("\n  - ")
    );
}

#[test]
fn the_check_reads_real_endpoints() {
    // Guards against a scanner that silently finds nothing, which would
    // make the comparison above vacuous.
    let sources = sources();
    let isdp = sources.iter().find(|s| s.krate == "isdp_client").unwrap();
    let (types, problems) = isdp.endpoints();
    assert!(problems.is_empty(), "{problems:?}");
    for name in ["GetPersonList", "RestToken", "SaveOrgs"] {
        assert!(types.contains_key(name), "{name} not found in {types:?}");
    }
    let (rows, problems) = parse_doc(&doc());
    assert!(problems.is_empty(), "{problems:?}");
    for (krate, ..) in CRATES {
        assert!(
            rows.iter().any(|r| r.krate == krate),
            "{DOC} has no row for {krate}"
        );
    }
}

/// The doc with the first line containing `find` changed by `change`
/// (removed when `change` makes it empty).
fn corrupt(doc: &str, find: &str, change: impl Fn(&str) -> String) -> String {
    let mut done = false;
    doc.lines()
        .filter_map(|line| {
            if !done && line.contains(find) {
                done = true;
                Some(change(line)).filter(|l| !l.is_empty())
            } else {
                Some(line.to_owned())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_doc_that_drifts_from_the_code_fails() {
    let sources = sources();
    let checked = checked();
    let doc = doc();
    let row = "`isdp_client::GetPersonList`";
    let cases: [(&str, String, &str); 6] = [
        (
            "a changed path",
            corrupt(&doc, row, |l| {
                l.replace("/openapi/v1/person/getPersonList", "/openapi/v2/x")
            }),
            "path `/openapi/v2/x` in the doc",
        ),
        (
            "a changed method",
            corrupt(&doc, row, |l| l.replacen("| POST |", "| GET |", 1)),
            "method GET in the doc",
        ),
        (
            "a flipped idempotency",
            corrupt(&doc, row, |l| l.replace("| yes", "| no")),
            "idempotent no in the doc",
        ),
        (
            "a removed row",
            corrupt(&doc, row, |_| String::new()),
            "`GetPersonList` implements Endpoint but has no row",
        ),
        (
            "a row for a type that is no endpoint",
            corrupt(&doc, row, |l| {
                format!("{l}\n{}", l.replace("GetPersonList", "PersonListing"))
            }),
            "has no `impl Endpoint for PersonListing`",
        ),
        (
            "an internal row with a wrong path",
            corrupt(&doc, "RestToken", |l| {
                l.replace("/oauth2/oauth/rest_token", "/oauth/token")
            }),
            "path `/oauth/token` in the doc, Some(\"/oauth2/oauth/rest_token\") in code",
        ),
    ];
    for (what, doc, expected) in cases {
        let found = problems(&doc, &sources, &checked);
        assert!(
            found.iter().any(|p| p.contains(expected)),
            "{what}: expected a problem containing {expected:?}, got {found:#?}"
        );
    }
}

#[test]
fn a_type_missing_from_the_check_list_fails() {
    let sources = sources();
    let mut checked = checked();
    let dropped = checked.remove(0);
    let found = problems(&doc(), &sources, &checked);
    let name = last_segment(&dropped.rust_path);
    assert!(
        found
            .iter()
            .any(|p| p.contains(&name) && p.contains("not in the check! list")),
        "dropping {name} from check! went unnoticed: {found:#?}"
    );
}

#[test]
fn the_scanner_reads_every_impl_shape() {
    let source = CrateSource::from_texts(
        "isdp_client",
        &[r#"
            /// impl Endpoint for InADocComment {}
            // impl Endpoint for InAComment {}
            const P: &str = "/p";
            impl Endpoint for Plain { const PATH: &'static str = P; const IDEMPOTENT: bool = true; }
            impl hr_common::endpoint::Endpoint for Qualified { }
            impl<T: Serialize + Send> Endpoint for Generic<T>
            where
                T: Sync,
            { fn f() -> &'static str { "{" } }
            impl Endpoint for Borrowed<'_> { const METHOD: Method = Method::GET; }
            impl Envelope<T> for NotAnEndpoint { }
            impl<T> From<T> for AlsoNot<T> { }
            macro_rules! gen {
                ($name:ident => $out:ty) => {
                    impl Endpoint for $name { }
                };
            }
            gen!(FromMacro => u8);
            gen! { FromBraces => u8 }
            #[cfg(test)]
            mod tests {
                impl Endpoint for TestDouble { }
                const S: &str = "}";
            }
            impl Endpoint for AfterTests { }
            "#],
    );
    let (types, problems) = source.endpoints();
    assert!(problems.is_empty(), "{problems:?}");
    let names: Vec<&str> = types.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "AfterTests",
            "Borrowed",
            "FromBraces",
            "FromMacro",
            "Generic",
            "Plain",
            "Qualified"
        ]
    );
    let plain = types["Plain"].as_ref().unwrap();
    assert_eq!(item_value(&plain.body, "const PATH").as_deref(), Some("P"));
    assert_eq!(source.resolve_path("P").as_deref(), Some("/p"));
    assert_eq!(source.resolve_path("crate::P").as_deref(), Some("/p"));
    assert_eq!(source.resolve_path("\"/q\"").as_deref(), Some("/q"));
    assert_eq!(source.resolve_path("R::PATH"), None);
    let borrowed = types["Borrowed"].as_ref().unwrap();
    assert_eq!(
        item_value(&borrowed.body, "const METHOD").as_deref(),
        Some("Method::GET")
    );

    let unreadable = CrateSource::from_texts(
        "isdp_client",
        &["macro_rules! m { ($a:expr, $name:ident) => { impl Endpoint for $name {} }; }"],
    );
    let (_, problems) = unreadable.endpoints();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("not its first argument")),
        "{problems:?}"
    );
}

#[test]
fn type_names_and_cells_read_as_written() {
    assert_eq!(
        short_type(
            "alloc::collections::btree::map::BTreeMap<alloc::string::String, beisen_client::ids::UserId>"
        ),
        "BTreeMap<String,UserId>"
    );
    assert_eq!(
        short_type("isdp_client::envelope::BarePage<isdp_client::person::model::Person>"),
        "BarePage<Person>"
    );
    assert_eq!(cells("| a | `x | y` | `b` |"), ["a", "`x | y`", "`b`"]);
    assert_eq!(
        last_segment("travel_sync_types::client::SyncCall<'a>"),
        "SyncCall"
    );
}
