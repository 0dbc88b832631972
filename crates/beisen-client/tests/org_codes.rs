//! `Organization/GetOrganizationInfoByCodes` and
//! `Organization/GetSubOrganizationTrees`: against a mock server, then
//! against the in-process sandbox.
//!
//! Sources of the fixtures (tests/resources/):
//! - `organization_get_organization_info_by_codes.*`: the request carries
//!   the fields of fxp/skillify `skills/beisen/references/organization-
//!   and-positions.md` §3 (its own example is not valid JSON: a comma is
//!   missing after `"activeDate":null`); the reply item is that document's
//!   organisation example (`rrrLF11`), the error its documented 417
//!   ("时间节点必须大于1900-01-01T00:00:00"). The PHP SDK
//!   (chinayin/italent-openapi-sdk-php `TenantBaseExternal/Organization.php`)
//!   limits `codes` to 300.
//! - `organization_get_sub_organization_trees.*`: no public example or field
//!   table exists (skillify names the endpoint only); the request mirrors
//!   `GetSubOrganizations`, and the reply exercises the lenient node
//!   reading (`children`, `subOrganizations`, `null`, absent).

mod common;

use common::{day, fixture, server};

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use beisen_client::models::{OrgTreeNode, Organization};
use beisen_client::organization::paths as org_paths;
use beisen_client::organization::{
    GetOrganizationInfoByCodes, GetSubOrganizationTrees, GetSubOrganizations, MAX_CODES_PER_CALL,
};
use beisen_client::{BeisenClient, Credentials, Error};
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, Request, ResponseTemplate};

const COLUMNS: [&str; 7] = [
    "Name",
    "OId",
    "Code",
    "POIdOrgAdmin",
    "Status",
    "StartDate",
    "StopDate",
];

#[tokio::test]
async fn codes_send_the_documented_fields_and_decode_the_documented_item() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(org_paths::ORG_GET_ORGANIZATION_INFO_BY_CODES))
        .and(body_json(fixture(
            "organization_get_organization_info_by_codes.request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(
            "organization_get_organization_info_by_codes.response.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let reply = GetOrganizationInfoByCodes::new(["rrrLF11", "RD-0001"])
        .active_date(day(2021, 4, 1))
        .with_deleted(false)
        .columns(COLUMNS)
        .send(&client)
        .await
        .unwrap();
    let [org]: [Organization; 1] = reply.data.try_into().unwrap();
    assert_eq!(
        (org.oid.get(), org.code.as_deref()),
        (1143532, Some("rrrLF11"))
    );
    assert_eq!(org.poid_org_admin.map(|o| o.get()), Some(389173));
    assert_eq!(org.extra.get("isCurrentRecord"), Some(&json!(true)));
}

#[tokio::test]
async fn codes_before_1900_are_refused_before_a_call_and_the_vendors_417_is_an_error() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(org_paths::ORG_GET_ORGANIZATION_INFO_BY_CODES))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(
            "organization_get_organization_info_by_codes.error.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let early = GetOrganizationInfoByCodes::new(["RD"]).active_date(day(1899, 12, 31));
    let err = early.send(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field.as_deref() == Some("activeDate")),
        "{err:?}"
    );
    let none = GetOrganizationInfoByCodes::new(Vec::<String>::new());
    assert!(none.send(&client).await.is_err(), "no codes: no call");
    // The one call that goes out meets the documented refusal.
    let err = GetOrganizationInfoByCodes::new(["RD"])
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("417"));
    assert_eq!(
        err.vendor_message(),
        Some("时间节点必须大于1900-01-01T00:00:00")
    );
}

#[tokio::test]
async fn more_than_300_codes_go_in_calls_of_300_and_come_back_in_order() {
    let (server, client) = server().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    Mock::given(method("POST"))
        .and(path(org_paths::ORG_GET_ORGANIZATION_INFO_BY_CODES))
        .respond_with(move |req: &Request| {
            seen.fetch_add(1, Ordering::SeqCst);
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let codes = body["codes"].as_array().unwrap();
            if codes.len() > MAX_CODES_PER_CALL {
                return ResponseTemplate::new(200)
                    .set_body_json(json!({"data": null, "code": "417", "message": "too many"}));
            }
            assert_eq!(body["activeDate"], "2024-06-30T00:00:00", "every call");
            // Unknown codes (odd numbers) are left out, as the vendor does.
            let items: Vec<Value> = codes
                .iter()
                .filter_map(|c| {
                    let n: i64 = c.as_str()?.trim_start_matches("D-").parse().ok()?;
                    (n % 2 == 0).then(|| json!({"oId": 1000 + n, "code": c}))
                })
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": items, "code": "200", "message": ""}))
        })
        .mount(&server)
        .await;
    let codes: Vec<String> = (0..650).map(|n| format!("D-{n}")).collect();
    let reply = GetOrganizationInfoByCodes::new(codes.clone())
        .active_date(day(2024, 6, 30))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3, "300 + 300 + 50");
    let got: Vec<i64> = reply.data.iter().map(|o| o.oid.get()).collect();
    let want: Vec<i64> = (0..650).filter(|n| n % 2 == 0).map(|n| 1000 + n).collect();
    assert_eq!(got, want);
    // One call as an `Endpoint` is one call: more than 300 is refused.
    let err = hr_common::endpoint::send(
        &client,
        &GetOrganizationInfoByCodes::new(codes),
        &hr_common::transport::CallOptions::new(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn trees_send_their_fields_and_read_every_child_key() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(org_paths::ORG_GET_SUB_ORGANIZATION_TREES))
        .and(body_json(fixture(
            "organization_get_sub_organization_trees.request.json",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(
            "organization_get_sub_organization_trees.response.json",
        )))
        .expect(1)
        .mount(&server)
        .await;
    let reply = GetSubOrganizationTrees::new([1143532, 389173])
        .level(2)
        .with_disabled(false)
        .query_date(day(2021, 4, 1))
        .send(&client)
        .await
        .unwrap();
    let [rd, hq]: [OrgTreeNode; 2] = reply.data.try_into().unwrap();
    let below: Vec<&str> = rd.descendants().filter_map(|o| o.code.as_deref()).collect();
    assert_eq!(below, ["RD-0001", "RD-0001-01", "RD-0002"]);
    assert_eq!(hq.organization.code.as_deref(), Some("HQ"));
    assert!(hq.children.is_empty(), "null children: a leaf");
    // Refused before any call: negative ids, none, too many.
    for bad in [
        GetSubOrganizationTrees::new([-1]),
        GetSubOrganizationTrees::new(Vec::<i64>::new()),
        GetSubOrganizationTrees::new(0..301),
    ] {
        assert!(
            matches!(bad.send(&client).await, Err(Error::InvalidRequest { .. })),
            "{bad:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Against the sandbox.

async fn sandbox(employees: usize) -> (Sandbox, BeisenClient) {
    let mut c = SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    c.data.employees = employees;
    let sb = Sandbox::start(c).await.unwrap();
    let cfg = &sb.config().beisen;
    let client = BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .build()
        .unwrap();
    (sb, client)
}

#[tokio::test]
async fn sandbox_departments_resolve_by_code_in_request_order_as_of_a_day() {
    let (sb, client) = sandbox(50).await;
    let orgs = sb.data().orgs();
    // Reversed, with an unknown code among them.
    let mut codes: Vec<String> = orgs.iter().rev().map(|o| o.code.clone()).collect();
    codes.insert(1, "NO-SUCH-CODE".into());
    let reply = GetOrganizationInfoByCodes::new(codes.clone())
        .send(&client)
        .await
        .unwrap();
    let got: Vec<String> = reply.data.iter().filter_map(|o| o.code.clone()).collect();
    let want: Vec<String> = orgs.iter().rev().map(|o| o.code.clone()).collect();
    assert_eq!(got, want, "known codes, request order, disabled included");
    for (o, expected) in reply.data.iter().zip(orgs.iter().rev()) {
        assert_eq!(o.oid.get(), expected.oid);
    }
    // As of a day before the newest department existed, it does not.
    let newest = orgs.iter().max_by_key(|o| o.created_time).unwrap();
    let before = newest.created_time.date().pred_opt().unwrap();
    let older = GetOrganizationInfoByCodes::new(codes)
        .active_date(before)
        .send(&client)
        .await
        .unwrap();
    assert!(older.data.iter().all(|o| o.oid.get() != newest.oid));
    let expected = orgs
        .iter()
        .filter(|o| o.created_time.date() <= before)
        .count();
    assert_eq!(older.data.len(), expected);
    // The sandbox refuses a date before 1900 as the vendor documents (sent
    // raw: the typed request refuses it before any call).
    let response = client
        .transport()
        .send(
            hr_common::transport::Request::post(org_paths::ORG_GET_ORGANIZATION_INFO_BY_CODES)
                .json(&json!({"codes": ["X"], "activeDate": "1899-01-01T00:00:00"}))
                .unwrap(),
        )
        .await
        .unwrap();
    let body: Value = response.json().unwrap();
    assert_eq!(body["code"], "417");
    assert_eq!(body["message"], "时间节点必须大于1900-01-01T00:00:00");
}

#[tokio::test]
async fn sandbox_trees_match_the_sub_organization_lists() {
    let (sb, client) = sandbox(50).await;
    let orgs = sb.data().orgs();
    let root = orgs[0].oid;
    let divisions: Vec<i64> = orgs
        .iter()
        .filter(|o| o.parent_oid == Some(root))
        .map(|o| o.oid)
        .take(3)
        .collect();
    let mut roots = vec![root];
    roots.extend(&divisions);
    roots.push(123); // unknown: no tree
    let reply = GetSubOrganizationTrees::new(roots.clone())
        .level(2)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(reply.data.len(), 1 + divisions.len());
    for (tree, &oid) in reply.data.iter().zip(&roots) {
        assert_eq!(tree.organization.oid.get(), oid);
        // Every child names its parent, and no branch is deeper than 2.
        fn check(node: &OrgTreeNode, depth: u32) {
            assert!(depth <= 2, "{depth}");
            for c in &node.children {
                assert_eq!(c.organization.poid_org_admin, Some(node.organization.oid));
                check(c, depth + 1);
            }
        }
        check(tree, 0);
        let in_tree: BTreeSet<i64> = tree.descendants().map(|o| o.oid.get()).collect();
        let listed: BTreeSet<i64> = GetSubOrganizations::new(oid)
            .level(2)
            .send(&client)
            .await
            .unwrap()
            .data
            .iter()
            .map(|o| o.oid.get())
            .collect();
        assert_eq!(
            in_tree, listed,
            "the tree below {oid} is its sub-organisation list"
        );
    }
    assert!(!reply.data[0].children.is_empty(), "the root has divisions");
}
