//! The counts of `docs/endpoints.md` ("Counts per vendor"), recomputed:
//! for each vendor section, the endpoints typed (distinct paths of its
//! table), those with a stream (the row's last cell names one), and those
//! the sandbox serves, found by calling every path on a running sandbox
//! with a valid token and an empty body: any answer but 404 or 405 (most
//! are the vendor's own "missing parameter" error) counts as served.

use std::collections::{BTreeMap, BTreeSet};

use hr_sandbox::{Sandbox, SandboxConfig};
use hr_sdk::beisen::{self, BeisenClient};
use hr_sdk::isdp::{self, IsdpClient};
use hr_sdk::travel::UserInfo;
use hr_sdk::travel::client::{Credentials, TravelSyncClient};
use serde_json::{Value, json};

const DOC: &str = "docs/endpoints.md";

/// The vendor sections, by the start of their heading.
const SECTIONS: [(&str, &str); 3] = [
    ("## Beisen iTalent", "Beisen iTalent"),
    ("## Huawei ISDP+", "Huawei ISDP+"),
    ("## Travel employee sync", "Travel employee sync"),
];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Counts {
    typed: BTreeSet<(String, String)>,
    streamed: BTreeSet<(String, String)>,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = vec![String::new()];
    let mut in_code = false;
    for c in inner.chars() {
        match c {
            '`' => in_code = !in_code,
            '|' if !in_code => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        out.last_mut().unwrap().push(c);
    }
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// Whether a "Stream / shorthand" cell names a stream.
fn names_a_stream(cell: &str) -> bool {
    ["stream", "pages(", "items(", "::listing", ".all()"]
        .iter()
        .any(|s| cell.contains(s))
}

/// Per vendor section: `(method, path)` of every row, and of those with a
/// stream.
fn from_tables(doc: &str) -> BTreeMap<&'static str, Counts> {
    let mut out = BTreeMap::new();
    let mut section = None;
    for line in doc.lines() {
        if line.starts_with("## ") {
            section = SECTIONS
                .iter()
                .find(|(h, _)| line.starts_with(h))
                .map(|(_, name)| *name);
            continue;
        }
        let Some(name) = section else { continue };
        if !line.starts_with("| ") {
            continue;
        }
        let c = cells(line);
        if c.len() < 7 || !matches!(c[1].as_str(), "GET" | "POST") {
            continue;
        }
        let Some(path) = c[2].split('`').nth(1).filter(|p| p.starts_with('/')) else {
            continue; // `R::PATH`: the generic page row
        };
        let key = (c[1].clone(), path.to_owned());
        let counts: &mut Counts = out.entry(name).or_default();
        counts.typed.insert(key.clone());
        if names_a_stream(&c[6]) {
            counts.streamed.insert(key);
        }
    }
    out
}

/// The "Counts per vendor" table: section → (typed, streamed, served).
fn stated(doc: &str) -> BTreeMap<String, (usize, usize, usize)> {
    let table = doc
        .split("## Counts per vendor")
        .nth(1)
        .expect("a `## Counts per vendor` section");
    let mut out = BTreeMap::new();
    for line in table.lines().skip_while(|l| !l.starts_with('|')) {
        if !line.starts_with('|') {
            break;
        }
        let c = cells(line);
        let n = |i: usize| c.get(i).and_then(|v| v.parse::<usize>().ok());
        if let (Some(t), Some(s), Some(v)) = (n(1), n(2), n(3)) {
            out.insert(c[0].clone(), (t, s, v));
        }
    }
    out
}

fn not_found(e: &hr_sdk::common::Error) -> bool {
    matches!(e.status(), Some(404 | 405))
}

async fn served_beisen(sandbox: &Sandbox, calls: &BTreeSet<(String, String)>) -> BTreeSet<String> {
    let b = &sandbox.config().beisen;
    let client = BeisenClient::builder()
        .base_url(sandbox.beisen_url())
        .credentials(beisen::Credentials::app_key(&b.app_key, &b.app_secret))
        .build()
        .unwrap();
    let mut served = BTreeSet::new();
    for (method, path) in calls {
        let reply = if method == "GET" {
            beisen::raw::RawRequest::get(path.clone())
                .query("requestId", "none")
                .send::<Value>(&client)
                .await
        } else {
            beisen::raw::RawRequest::post(path.clone(), json!({}))
                .send::<Value>(&client)
                .await
        };
        match reply {
            Err(e) if not_found(&e) => {}
            _ => {
                served.insert(path.clone());
            }
        }
    }
    served
}

async fn served_isdp(sandbox: &Sandbox, calls: &BTreeSet<(String, String)>) -> BTreeSet<String> {
    let i = sandbox.config().isdp.clone();
    let client = IsdpClient::builder()
        .base_url(sandbox.isdp_url())
        .credentials(isdp::Credentials::password_grant(
            i.client_id,
            i.client_secret,
            i.username,
            i.password,
        ))
        .build()
        .unwrap();
    let mut served = BTreeSet::new();
    for (_, path) in calls {
        match isdp::raw::RawRequest::post(path.clone(), json!({}))
            .send::<Value>(&client)
            .await
        {
            Err(e) if not_found(&e) => {}
            _ => {
                served.insert(path.clone());
            }
        }
    }
    served
}

/// The travel sync has one path, the client's URL: served when a push of
/// one user is acknowledged.
async fn served_travel(sandbox: &Sandbox) -> bool {
    let t = &sandbox.config().travel;
    let client = TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(Credentials::session(&t.account, &t.session_id))
        .build()
        .unwrap();
    let line =
        std::fs::read_to_string("crates/travel-sync-types/tests/resources/users.ndjson").unwrap();
    let user: UserInfo = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    // `push` reports failures per batch instead of returning them.
    let report = client.push(vec![user]).await;
    report.sent() == 1 && report.succeeded() == 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counts_per_vendor_are_those_of_the_tables_and_the_sandbox() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let tables = from_tables(&doc);
    let mut config = SandboxConfig::default();
    config.data.employees = 50;
    let sandbox = Sandbox::start(config).await.unwrap();

    // The probe can tell: paths the sandbox does not know are not served.
    let unknown = |p: &str| BTreeSet::from([("POST".to_owned(), p.to_owned())]);
    assert!(
        served_beisen(
            &sandbox,
            &unknown("/TenantBaseExternal/api/v5/NoSuch/Thing")
        )
        .await
        .is_empty()
    );
    assert!(
        served_isdp(&sandbox, &unknown("/openapi/v1/person/noSuchThing"))
            .await
            .is_empty()
    );

    let mut found = BTreeMap::new();
    let mut unserved = Vec::new();
    for (_, name) in SECTIONS {
        let counts = tables.get(name).cloned().unwrap_or_default();
        let served = match name {
            "Beisen iTalent" => served_beisen(&sandbox, &counts.typed).await,
            "Huawei ISDP+" => served_isdp(&sandbox, &counts.typed).await,
            _ if served_travel(&sandbox).await => {
                counts.typed.iter().map(|(_, p)| p.clone()).collect()
            }
            _ => BTreeSet::new(),
        };
        unserved.extend(
            counts
                .typed
                .iter()
                .filter(|(_, p)| !served.contains(p))
                .map(|(m, p)| format!("{name}: {m} {p}")),
        );
        found.insert(
            name.to_owned(),
            (counts.typed.len(), counts.streamed.len(), served.len()),
        );
    }
    eprintln!("counts (typed, streamed, sandbox-served): {found:?}; not served: {unserved:?}");
    assert_eq!(
        stated(&doc),
        found,
        "the `Counts per vendor` table of {DOC} (section → typed, streamed, sandbox-served) \
         does not match the tables and the sandbox"
    );
}

#[test]
fn stream_cells_are_read_as_documented() {
    assert!(names_a_stream(
        "`GetPersonList::stream(&client)`, `::pages`"
    ));
    assert!(names_a_stream("`GetVacationsByDate::pages(&client)`"));
    assert!(!names_a_stream("one call takes ≤ 300 codes"));
    assert!(!names_a_stream(""));
}
