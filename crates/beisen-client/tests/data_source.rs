//! `DataSource/GetDataSource` and the [`CodeNames`] cache: the documented
//! shapes against a mock, the client against the sandbox (every coded field
//! of a page of employees resolves), and the cache's call count under
//! concurrent lookups.
//!
//! Source of the shapes: fxp/skillify `skills/beisen/references/employees.md`
//! §8 "根据查询条件获取数据源" (a scrape of the vendor's documents: request
//! `app`, `metaObjectName`, `listFilter` ≤ 10 of `{dsName, fieldName, values,
//! isShowInactive}`; reply `data[] = {key, fieldName, application,
//! metaObjectName, dataSourceResults: [{text, value, isActive}]}`; error
//! codes `000001`, `000002`, `1000024`). The source prints no complete
//! example body: the fixtures in tests/resources/data_source_* are written
//! from its field tables, with its example values (`app` `Compensation`,
//! `metaObjectName` `TenantBase.EmployeeInformation`); the error message of
//! `1000024` is the table's wording, not a quoted reply.

mod common;

use common::{day, fixture, server};

use std::collections::HashSet;
use std::time::Duration;

use beisen_client::data_source::{
    CodeNames, CodedField, DataSourceFilter, EMPLOYEE_INFORMATION, GetDataSource, MAX_FILTERS,
};
use beisen_client::employee::GetEmployeesByTimeWindow;
use beisen_client::{BeisenClient, Credentials, DATA_SOURCE_GROUP, DATA_SOURCE_LIMITS};
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PATH: &str = "/dataservice/api/DataSource/GetDataSource";

async fn data_source_calls(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == PATH)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn the_documented_request_is_sent_and_the_documented_reply_read() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .and(body_json(fixture(
            "data_source_get_data_source.request.json",
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("data_source_get_data_source.response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let reply = GetDataSource::new(
        "Compensation",
        EMPLOYEE_INFORMATION,
        [DataSourceFilter::new("IDType")
            .field_name("IDType")
            .values(["1", "2"])
            .show_inactive(false)],
    )
    .filter(DataSourceFilter::new("Nationality"))
    .send(&client)
    .await
    .unwrap();
    assert_eq!(reply.entries().len(), 2);
    let id_type = reply.get("IDType").unwrap();
    assert_eq!(id_type.field_name.as_deref(), Some("IDType"));
    assert_eq!(id_type.application.as_deref(), Some("Compensation"));
    assert_eq!(
        id_type.meta_object_name.as_deref(),
        Some("TenantBase.EmployeeInformation")
    );
    assert_eq!(id_type.text("2"), Some("护照"));
    let nationality = reply.get("Nationality").unwrap();
    assert_eq!(nationality.text("1"), Some("中国"));
    assert_eq!(nationality.item("5").unwrap().is_active, Some(false));
    assert_eq!(reply.text("Nationality", "404"), None);
}

#[tokio::test]
async fn a_vendor_error_code_is_an_api_error() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("data_source_get_data_source.error.json")),
        )
        .mount(&server)
        .await;
    let err = GetDataSource::new(
        "TenantBase",
        EMPLOYEE_INFORMATION,
        [DataSourceFilter::new("x")],
    )
    .send(&client)
    .await
    .unwrap_err();
    assert_eq!(err.vendor_code(), Some("1000024"), "{err}");
}

#[tokio::test]
async fn more_than_ten_filters_go_in_calls_of_ten_in_filter_order() {
    let (server, client) = server().await;
    // Answers each filter with one option named after its data source, in
    // reverse order, so the client must match by key, not position.
    struct Echo;
    impl Respond for Echo {
        fn respond(&self, req: &Request) -> ResponseTemplate {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            let mut data: Vec<Value> = body["listFilter"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    json!({"key": f["dsName"], "dataSourceResults": [
                        {"text": format!("name of {}", f["dsName"].as_str().unwrap()), "value": "1", "isActive": true}
                    ]})
                })
                .collect();
            data.reverse();
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": "200", "message": null, "data": data}))
        }
    }
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(Echo)
        .mount(&server)
        .await;
    let filters = (0..23).map(|i| DataSourceFilter::new(format!("ds{i:02}")));
    let reply = GetDataSource::new("TenantBase", EMPLOYEE_INFORMATION, filters)
        .send(&client)
        .await
        .unwrap();
    let calls = data_source_calls(&server).await;
    let sizes: Vec<usize> = calls
        .iter()
        .map(|c| c["listFilter"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 23);
    assert!(sizes.iter().all(|n| *n <= MAX_FILTERS), "{sizes:?}");
    assert_eq!(sizes.len(), 3);
    assert_eq!(reply.entries().len(), 23);
    for i in 0..23 {
        assert_eq!(
            reply.text(&format!("ds{i:02}"), "1"),
            Some(format!("name of ds{i:02}").as_str())
        );
    }
}

#[test]
fn the_data_source_group_has_the_documented_limits() {
    assert_eq!(
        beisen_client::documented_limits(DATA_SOURCE_GROUP),
        DATA_SOURCE_LIMITS
    );
    assert_eq!(
        DATA_SOURCE_LIMITS,
        beisen_client::Limits::new(Some(30), Some(1000))
    );
}

/// A reply with every requested source holding the codes "1" to "3",
/// answered after a delay so that concurrent callers overlap.
struct Options;
impl Respond for Options {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let data: Vec<Value> = body["listFilter"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let ds = f["dsName"].as_str().unwrap();
                json!({"key": ds, "fieldName": f["fieldName"], "dataSourceResults":
                    (1..=3).map(|v| json!({"text": format!("{ds}-{v}"), "value": v.to_string(), "isActive": true})).collect::<Vec<_>>()})
            })
            .collect();
        ResponseTemplate::new(200)
            .set_delay(Duration::from_millis(150))
            .set_body_json(json!({"code": "200", "message": null, "data": data}))
    }
}

fn standard_fields() -> Vec<CodedField> {
    vec![
        CodedField::employee_status(),
        CodedField::place(),
        CodedField::employment_form(),
        CodedField::employ_type(),
        CodedField::service_type(),
        CodedField::approval_status(),
        CodedField::nationality(),
        CodedField::id_type(),
        CodedField::gender(),
        CodedField::nation(),
        CodedField::education_level(),
        CodedField::marry_category(),
        CodedField::political_status(),
    ]
}

#[tokio::test]
async fn concurrent_lookups_share_one_fetch_per_source_batched_ten_a_call() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(Options)
        .mount(&server)
        .await;
    let names = CodeNames::new(&client);
    let fields = standard_fields();
    // 13 standard fields of two objects, and 12 custom fields of a third
    // object (two calls: 10 + 2); each caller asks every field, codes vary.
    let custom: Vec<CodedField> = (0..12)
        .map(|i| CodedField::new("TenantBase", "TenantBase.Custom", format!("ds{i}")))
        .collect();
    let lookups = (0..40).map(|i| {
        let names = names.clone();
        let mut pairs: Vec<(CodedField, String)> = fields
            .iter()
            .chain(&custom)
            .map(|f| (f.clone(), format!("{}", 1 + i % 3)))
            .collect();
        pairs.push((custom[(i + 5) % 12].clone(), "404".to_owned()));
        async move { names.resolve(pairs).await }
    });
    let results = futures::future::join_all(lookups).await;
    for (i, r) in results.into_iter().enumerate() {
        let r = r.unwrap();
        let code = format!("{}", 1 + i % 3);
        assert_eq!(
            r.get(&CodedField::employee_status(), &code),
            Some(format!("EmployeeStatus-{code}").as_str())
        );
        assert_eq!(
            r.get(&CodedField::id_type(), &code),
            Some(format!("IDType-{code}").as_str())
        );
        assert_eq!(
            r.get(&custom[i % 12], &code),
            Some(format!("ds{}-{code}", i % 12).as_str())
        );
        let unresolved: Vec<_> = r.unresolved().collect();
        assert_eq!(unresolved, [(&custom[(i + 5) % 12], "404")]);
    }
    let calls = data_source_calls(&server).await;
    // EmploymentRecord (6 sources), EmployeeInformation (7), Custom (10 + 2).
    assert_eq!(calls.len(), 4, "{calls:#?}");
    let mut asked = HashSet::new();
    for call in &calls {
        for f in call["listFilter"].as_array().unwrap() {
            assert_eq!(f["isShowInactive"], true, "old codes may be disabled");
            assert!(f.get("values").is_none(), "whole sources are cached");
            assert!(
                asked.insert((call["metaObjectName"].clone(), f["dsName"].clone())),
                "{f} asked twice"
            );
        }
    }
    assert_eq!(asked.len(), 13 + 12);

    // Cached for the cache's lifetime: no more calls.
    assert_eq!(
        names
            .name(&CodedField::place(), "3")
            .await
            .unwrap()
            .as_deref(),
        Some("Place-3")
    );
    assert_eq!(data_source_calls(&server).await.len(), 4);
    names.clear();
    names.table(&CodedField::place()).await.unwrap();
    assert_eq!(data_source_calls(&server).await.len(), 5);
}

#[tokio::test]
async fn a_failed_fetch_is_not_cached_and_a_ttl_refetches() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": null, "code": "000001", "message": "参数缺失"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(Options)
        .with_priority(2)
        .mount(&server)
        .await;
    // Long enough that the calls below, on a busy machine, stay inside it.
    let names = CodeNames::with_ttl(&client, Duration::from_secs(5));
    let field = CodedField::place();
    let err = names.name(&field, "1").await.unwrap_err();
    assert_eq!(err.vendor_code(), Some("000001"));
    assert_eq!(
        names.name(&field, "1").await.unwrap().as_deref(),
        Some("Place-1")
    );
    assert_eq!(
        names.name(&field, "2").await.unwrap().as_deref(),
        Some("Place-2")
    );
    assert_eq!(data_source_calls(&server).await.len(), 2);
    tokio::time::sleep(Duration::from_millis(5100)).await;
    assert_eq!(
        names.name(&field, "2").await.unwrap().as_deref(),
        Some("Place-2")
    );
    assert_eq!(
        data_source_calls(&server).await.len(),
        3,
        "fetched again after the TTL"
    );
}

/// The client against the sandbox: every coded field of a page of
/// employees resolves, with two calls (one per object).
#[tokio::test]
async fn every_coded_field_of_a_page_of_sandbox_employees_resolves() {
    let mut config = SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    config.data.employees = 300;
    let sb = Sandbox::start(config).await.unwrap();
    let cfg = &sb.config().beisen;
    let client = BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .build()
        .unwrap();
    let page = GetEmployeesByTimeWindow::new(day(2024, 1, 1), day(2024, 3, 30))
        .capacity(200)
        .with_disabled(true)
        .send(&client)
        .await
        .unwrap();
    assert!(page.data.len() > 50, "{}", page.data.len());

    let mut pairs: Vec<(CodedField, String)> = Vec::new();
    for e in &page.data {
        let (info, record) = (&e.employee_info, e.record_info.as_ref().unwrap());
        let mut add = |f: CodedField, code: Option<String>| {
            let code = code.unwrap_or_else(|| panic!("{f:?} missing for {:?}", info.user_id));
            pairs.push((f, code));
        };
        add(
            CodedField::employee_status(),
            record.employee_status.map(|s| s.code().to_string()),
        );
        add(CodedField::place(), record.place.clone());
        add(
            CodedField::employment_form(),
            record.employment_form.clone(),
        );
        add(
            CodedField::nationality(),
            info.nationality.map(|n| n.to_string()),
        );
        add(CodedField::id_type(), info.id_type.clone());
        add(CodedField::nation(), info.nation.clone());
        add(CodedField::education_level(), info.education_level.clone());
        add(CodedField::marry_category(), info.marry_category.clone());
        add(
            CodedField::political_status(),
            info.political_status.clone(),
        );
    }
    let before = client.stats().calls;
    let names = CodeNames::new(&client);
    let resolved = names.resolve(pairs.clone()).await.unwrap();
    let unresolved: Vec<_> = resolved.unresolved().collect();
    assert!(unresolved.is_empty(), "{unresolved:?}");
    assert_eq!(client.stats().calls - before, 2, "one call per object");
    // Spot checks against the sandbox's tables.
    for (f, code) in &pairs {
        let name = resolved.get(f, code).unwrap();
        assert!(!name.is_empty(), "{f:?} {code}");
        if *f == CodedField::employee_status() && code == "3" {
            assert_eq!(name, "正式");
        }
        if *f == CodedField::place() && code == "1100" {
            assert_eq!(name, "北京");
        }
        if *f == CodedField::id_type() {
            assert_eq!(name, "居民身份证");
        }
    }
    // Employment forms are GUIDs that name a form.
    let forms = names.table(&CodedField::employment_form()).await.unwrap();
    assert_eq!(forms.len(), 6);
    assert!(forms.iter().any(|(_, n)| n == "全职"));

    // The sandbox's errors, in the vendor's codes.
    let too_many = serde_json::json!({
        "app": "TenantBase",
        "metaObjectName": EMPLOYEE_INFORMATION,
        "listFilter": (0..11).map(|i| json!({"dsName": format!("d{i}")})).collect::<Vec<_>>()
    });
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/token", sb.beisen_url()))
        .json(&json!({"grant_type": "client_credentials", "app_key": cfg.app_key, "app_secret": cfg.app_secret}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let reply: Value = http
        .post(format!("{}{PATH}", sb.beisen_url()))
        .bearer_auth(&token)
        .json(&too_many)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["code"], "1000024", "{reply}");
    assert!(reply["data"].is_null());
    let reply: Value = http
        .post(format!("{}{PATH}", sb.beisen_url()))
        .bearer_auth(&token)
        .json(&json!({"app": "TenantBase", "listFilter": [{"dsName": "Place"}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["code"], "000001", "{reply}");
    // isShowInactive and values narrow the options.
    let reply = GetDataSource::new(
        "TenantBase",
        "TenantBase.EmploymentRecord",
        [
            DataSourceFilter::new("Place"),
            DataSourceFilter::new("ds_any")
                .field_name("place")
                .show_inactive(true),
            DataSourceFilter::new("EmployeeStatus").values(["3", "8"]),
        ],
    )
    .send(&client)
    .await
    .unwrap();
    let entries = reply.entries();
    assert_eq!(
        entries[0].data_source_results.len(),
        8,
        "closed office hidden"
    );
    assert_eq!(entries[1].data_source_results.len(), 9);
    assert_eq!(entries[1].item("4301").unwrap().is_active, Some(false));
    assert_eq!(entries[2].data_source_results.len(), 2);
    assert_eq!(entries[2].text("8"), Some("离职"));
}
