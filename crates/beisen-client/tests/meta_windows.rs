//! The typed setting-object and record windows beyond the seeds:
//! `JobLevel`, `EmploymentForm`, `CommonMetaObject` (legal entities),
//! `Offer` and `Contract`, each against a mock server with the public
//! request and the shape of its reply, then against the in-process
//! sandbox as streams.
//!
//! Request bodies (tests/resources/*.request.json):
//! - JobLevel, EmploymentForm, CommonMetaObject: tourcoding/hztic
//!   `hztic/services/beisen.py` (`get_job_level_by_time_window`,
//!   `get_employment_form_by_time_window`, `get_corporation_by_time_window`),
//!   without the retired `enableTranslate` and the empty `extQueries`, and
//!   with `scrollId: ""` where hztic sends `null`;
//! - Offer: a public Beisen connector's `getChangedOffers` (its columns,
//!   `isWithDeleted: false`; `enableTranslate` dropped);
//! - Contract: no public example; the columns of the same connector's
//!   `Contract/GetByUserIds` call, with `StartDate`/`StopDate`.
//!
//! No vendor reply example is public for these; the replies are the time
//! windows' documented envelope (fxp/skillify
//! `skills/beisen/references/organization-and-positions.md` §2–3) holding
//! the keys the sources read (hztic reads `name`, `objectId`,
//! `fields.OId`, `fields.Name`, `fields.ext…`; the connector reads
//! `userID`; the connector's contract `contractType` filter is a number).

mod common;

use common::{day, fixture, server};

use std::collections::{BTreeMap, BTreeSet};

use beisen_client::models::{
    Contract, Corporation, CorporationFields, EmploymentForm, JobLevel, MetaObjectRecord, Offer,
    WindowRecord,
};
use beisen_client::organization::paths as org_paths;
use beisen_client::organization::{
    GetCommonMetaObjectsByTimeWindow, GetContractsByTimeWindow, GetEmploymentFormsByTimeWindow,
    GetJobLevelsByTimeWindow, GetOffersByTimeWindow,
};
use beisen_client::window::{QueryType, SortDirection};
use beisen_client::{BeisenClient, Credentials, Error};
use chrono::NaiveDate;
use futures::TryStreamExt;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use serde_json::Value;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers `name.request.json` on `route` with `name.response.json`, once.
async fn expect(server: &MockServer, route: &str, name: &str) {
    Mock::given(method("POST"))
        .and(path(route))
        .and(body_json(fixture(&format!("{name}.request.json"))))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture(&format!("{name}.response.json"))),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn job_levels_send_hztics_query_and_decode_typed() {
    let (server, client) = server().await;
    expect(
        &server,
        org_paths::JOB_LEVEL_GET_BY_TIME_WINDOW,
        "job_level_get_by_time_window",
    )
    .await;
    let page = GetJobLevelsByTimeWindow::new(day(2024, 1, 1), day(2024, 3, 31))
        .capacity(300)
        .columns(["Name", "OId", "StartDate", "Level"])
        .sort("Name", SortDirection::Ascending)
        .send(&client)
        .await
        .unwrap();
    let [p3, m1]: [JobLevel; 2] = page.data.try_into().unwrap();
    assert_eq!(p3.code.as_deref(), Some("P3"));
    assert_eq!((p3.level, p3.status), (Some(3), Some(1)));
    assert_eq!(
        p3.oid.as_deref(),
        Some("c28789f8-4e66-4365-84a3-b84a1f49d5c7")
    );
    assert_eq!(
        p3.stop_date.as_ref().unwrap().as_str(),
        "9999-12-31T00:00:00"
    );
    assert_eq!(
        p3.extra.get("order").and_then(Value::as_i64),
        Some(2),
        "unmodelled keys are kept"
    );
    // Numbers sent as text read the same.
    assert_eq!((m1.level, m1.status), (Some(6), Some(1)));
    assert_eq!(
        m1.translate_properties.unwrap()["StatusText"].as_deref(),
        Some("启用")
    );
    assert_eq!(
        p3.versioned_key(QueryType::Modified).as_deref(),
        Some("c28789f8-4e66-4365-84a3-b84a1f49d5c7@2024-02-06T09:12:44")
    );
}

#[tokio::test]
async fn employment_forms_send_hztics_query_and_decode_typed() {
    let (server, client) = server().await;
    expect(
        &server,
        org_paths::EMPLOYMENT_FORM_GET_BY_TIME_WINDOW,
        "employment_form_get_by_time_window",
    )
    .await;
    let page = GetEmploymentFormsByTimeWindow::new(day(2024, 1, 1), day(2024, 3, 31))
        .capacity(300)
        .columns(["Name", "StartDate"])
        .sort("Name", SortDirection::Ascending)
        .send(&client)
        .await
        .unwrap();
    let names: Vec<_> = page.data.iter().map(|f| f.name.as_deref()).collect();
    assert_eq!(names, [Some("全职"), Some("劳务派遣")]);
    let form: &EmploymentForm = &page.data[1];
    assert_eq!(form.oid, form.object_id);
    assert_eq!(
        page.scroll_id.as_deref(),
        Some("DXF1ZXJ5QW5kRmV0Y2gBAAAAAAAJLskWZ0")
    );
}

#[tokio::test]
async fn corporations_send_hztics_query_and_read_its_custom_columns() {
    let (server, client) = server().await;
    expect(
        &server,
        org_paths::COMMON_META_OBJECT_GET_BY_TIME_WINDOW,
        "common_meta_object_get_by_time_window",
    )
    .await;
    let columns = [
        "OId",
        "Name",
        "extzuzhidaima_609792_945002890",
        "extkaihuyinhang_609792_103657435",
        "extyinhangzhanghao_609792_990841835",
        "extdianhua_609792_1936418435",
        "extdengjidizhi_609792_1284935992",
        "Status",
    ];
    let page = GetCommonMetaObjectsByTimeWindow::corporations(day(2024, 1, 1), day(2024, 3, 31))
        .capacity(300)
        .columns(columns)
        .sort("Name", SortDirection::Ascending)
        .send(&client)
        .await
        .unwrap();
    let record: MetaObjectRecord = page.data.into_iter().next().unwrap();
    assert_eq!(
        record.dedup_key().as_deref(),
        Some("9f1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f")
    );
    assert_eq!(
        record.modified_time().map(|t| t.as_str()),
        Some("2024-03-02T11:22:33")
    );
    let corp = Corporation::from(record);
    assert_eq!(corp.name.as_deref(), Some("杭州示例科技有限公司"));
    assert_eq!((corp.code.as_deref(), corp.status), (None, Some(1)));
    // By the default prefixes, and by the tenant's exact names.
    let by_prefix = CorporationFields::default();
    let exact = CorporationFields::default()
        .credit_code("extzuzhidaima_609792_945002890")
        .bank_account("extyinhangzhanghao_609792_990841835");
    for names in [&by_prefix, &exact] {
        assert_eq!(corp.credit_code(names), Some("91330106MA2B0XXX1Q"));
        assert_eq!(corp.bank_account(names), Some("5719 0000 0000 001"));
    }
    assert_eq!(corp.bank(&by_prefix), Some("招商银行杭州分行"));
    assert_eq!(corp.phone(&by_prefix), Some("0571-88880000"));
    assert_eq!(
        corp.address(&by_prefix),
        Some("浙江省杭州市西湖区示例路1号")
    );
    let other_tenant = CorporationFields::default().bank_account("extzhanghao_");
    assert_eq!(corp.bank_account(&other_tenant), None);
}

#[tokio::test]
async fn a_common_meta_object_query_without_a_name_makes_no_call() {
    let (server, client) = server().await;
    Mock::given(method("POST"))
        .and(path(org_paths::COMMON_META_OBJECT_GET_BY_TIME_WINDOW))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let bare = GetCommonMetaObjectsByTimeWindow::new(day(2024, 1, 1), day(2024, 3, 1));
    let err = bare.send(&client).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { field, .. } if field.as_deref() == Some("metaObjectName")),
        "{err:?}"
    );
    let blank = bare.clone().meta_object_name("  ");
    assert!(blank.send(&client).await.is_err());
    // A stream checks it before its first page, too.
    let stream = client.stream(bare).unwrap();
    let err = stream.items().try_collect::<Vec<_>>().await.unwrap_err();
    assert!(err.to_string().contains("metaObjectName"), "{err}");
}

#[tokio::test]
async fn offers_send_the_connectors_query_and_decode_typed() {
    let (server, client) = server().await;
    expect(
        &server,
        org_paths::OFFER_GET_BY_TIME_WINDOW,
        "offer_get_by_time_window",
    )
    .await;
    let page = GetOffersByTimeWindow::new(day(2026, 6, 1), day(2026, 8, 29))
        .capacity(300)
        .columns([
            "UserID",
            "IDNumber",
            "BusinessModifiedTime",
            "ModifiedTime",
            "ApprovalStatus",
            "OfferStatus",
            "ObjectId",
            "SocialSecurityRadices",
            "HousingFundRadices",
            "extygxxshebaojiaonadi_109025_621990250",
        ])
        .with_deleted(false)
        .send(&client)
        .await
        .unwrap();
    let offer: &Offer = &page.data[0];
    assert_eq!(offer.user_id.map(|u| u.get()), Some(101501070));
    assert_eq!(
        offer.id_number.as_ref().unwrap().expose(),
        "110101199003074514"
    );
    assert!(!format!("{offer:?}").contains("199003074514"), "masked");
    assert_eq!(
        (offer.approval_status, offer.offer_status.as_deref()),
        (Some(4), Some("2"))
    );
    assert_eq!(
        offer
            .extra
            .get("socialSecurityRadices")
            .and_then(Value::as_i64),
        Some(8000)
    );
    assert_eq!(
        offer.dedup_key().as_deref(),
        Some("a363874a-2b0e-4d7e-9c8f-0d1e2f3a4b5c")
    );
}

#[tokio::test]
async fn contracts_decode_both_number_and_text_codes_and_open_terms() {
    let (server, client) = server().await;
    expect(
        &server,
        org_paths::CONTRACT_GET_BY_TIME_WINDOW,
        "contract_get_by_time_window",
    )
    .await;
    let page = GetContractsByTimeWindow::new(day(2026, 6, 1), day(2026, 8, 29))
        .query_type(QueryType::BusinessModified)
        .capacity(300)
        .columns([
            "UserID",
            "FirstParty",
            "FirstPartyCode",
            "FirstPartyLookup",
            "Status",
            "ContractType",
            "StartDate",
            "StopDate",
        ])
        .with_deleted(false)
        .send(&client)
        .await
        .unwrap();
    let [current, older]: [Contract; 2] = page.data.try_into().unwrap();
    assert_eq!(current.first_party_code.as_deref(), Some("SZ001"));
    assert_eq!(
        (current.contract_type.as_deref(), current.status),
        (Some("0"), Some(1))
    );
    assert_eq!(current.stop_date.as_ref().unwrap().date(), day(2029, 6, 30));
    assert_eq!(
        (older.contract_type.as_deref(), older.status),
        (Some("1"), Some(0))
    );
    assert_eq!(older.stop_date, None, "null stop date: open-ended");
    // Two contracts of two people: two keys, each the contract's own id.
    assert_ne!(current.dedup_key(), older.dedup_key());
    assert_eq!(
        current.dedup_key().as_deref(),
        Some("4f6b1c2d-0000-4000-8000-00000000c001")
    );
}

// ---------------------------------------------------------------------------
// Against the sandbox, as streams.

async fn sandbox(employees: usize) -> (Sandbox, BeisenClient) {
    let mut c = SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    c.data.employees = employees;
    c.beisen.rate_per_second = 10_000;
    c.beisen.rate_per_minute = 100_000;
    let sb = Sandbox::start(c).await.unwrap();
    let cfg = &sb.config().beisen;
    let client = BeisenClient::builder()
        .base_url(sb.beisen_url())
        .credentials(Credentials::app_key(&cfg.app_key, &cfg.app_secret))
        .build()
        .unwrap();
    (sb, client)
}

/// The sandbox's whole history: its data span is 2024.
fn all_time() -> (NaiveDate, NaiveDate) {
    (day(2023, 12, 1), day(2025, 2, 1))
}

#[tokio::test]
async fn sandbox_job_levels_and_employment_forms_stream_typed_and_resolve_records() {
    let (sb, client) = sandbox(200).await;
    let (a, b) = all_time();
    let levels: Vec<JobLevel> = client
        .stream(GetJobLevelsByTimeWindow::new(a, b).with_disabled(true))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let data = sb.data();
    let by_oid: BTreeMap<_, _> = levels.iter().map(|l| (l.oid.clone().unwrap(), l)).collect();
    assert_eq!(by_oid.len(), data.job_levels().len());
    for expected in data.job_levels() {
        let got = by_oid[&expected.oid];
        assert_eq!(got.code.as_deref(), Some(expected.code));
        assert_eq!(got.level, Some(i64::from(expected.rank)));
        assert_eq!(got.status, Some(i64::from(expected.status)));
    }
    // Without `withDisabled` the retired level is left out.
    let enabled: Vec<JobLevel> = client
        .stream(GetJobLevelsByTimeWindow::new(a, b))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(enabled.iter().all(|l| l.status == Some(1)));
    assert!(enabled.len() < levels.len());

    let forms: Vec<EmploymentForm> = client
        .stream(GetEmploymentFormsByTimeWindow::new(a, b))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let form_oids: BTreeSet<_> = forms.iter().filter_map(|f| f.oid.clone()).collect();
    let expected: BTreeSet<_> = data
        .employment_forms()
        .iter()
        .map(|f| f.oid.clone())
        .collect();
    assert_eq!(form_oids, expected);
}

#[tokio::test]
async fn sandbox_corporations_carry_the_credit_code_and_account_by_prefix() {
    let (sb, client) = sandbox(50).await;
    let (a, b) = all_time();
    let records: Vec<MetaObjectRecord> = client
        .stream(GetCommonMetaObjectsByTimeWindow::corporations(a, b))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let names = CorporationFields::default();
    let corps: BTreeMap<String, Corporation> = records
        .into_iter()
        .map(Corporation::from)
        .map(|c| (c.oid.clone().unwrap(), c))
        .collect();
    assert_eq!(corps.len(), sb.data().corporations().len());
    for expected in sb.data().corporations() {
        let got = &corps[&expected.oid];
        assert_eq!(got.code.as_deref(), Some(expected.code.as_str()));
        assert_eq!(got.credit_code(&names), Some(expected.credit_code.as_str()));
        assert_eq!(got.bank(&names), Some(expected.bank.as_str()));
        assert_eq!(
            got.bank_account(&names),
            Some(expected.bank_account.as_str())
        );
        assert_eq!(got.address(&names), Some(expected.address.as_str()));
    }
}

#[tokio::test]
async fn sandbox_offers_are_the_people_awaiting_entry() {
    let (sb, client) = sandbox(400).await;
    let (a, b) = all_time();
    let offers: Vec<Offer> = client
        .stream(GetOffersByTimeWindow::new(a, b))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let data = sb.data();
    let expected: BTreeSet<i64> = (0..data.len())
        .filter(|&i| data.emp_status(i) == 1 && !data.is_deleted(i))
        .map(|i| data.person(i).user_id)
        .collect();
    assert!(
        !expected.is_empty(),
        "the dataset has people awaiting entry"
    );
    let got: BTreeSet<i64> = offers.iter().map(|o| o.user_id.unwrap().get()).collect();
    assert_eq!(got, expected);
    for offer in &offers {
        let i = data.index_of_user_id(offer.user_id.unwrap().get()).unwrap();
        let p = data.person(i);
        assert_eq!(offer.id_number.as_ref().unwrap().expose(), &p.id_number);
        assert_eq!(
            offer.extra.get("entryDate").and_then(Value::as_str),
            Some(format!("{}T00:00:00", p.entry_date).as_str())
        );
        assert!(offer.object_id.is_some());
    }
}

#[tokio::test]
async fn sandbox_contracts_cover_everyone_entered_with_their_legal_entity() {
    let (sb, client) = sandbox(300).await;
    let (a, b) = all_time();
    let contracts: Vec<Contract> = client
        .stream(GetContractsByTimeWindow::new(a, b).capacity(100))
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let data = sb.data();
    let expected: BTreeSet<i64> = (0..data.len())
        .filter(|&i| data.emp_status(i) != 1 && !data.is_deleted(i))
        .map(|i| data.person(i).user_id)
        .collect();
    let got: BTreeSet<i64> = contracts.iter().map(|c| c.user_id.unwrap().get()).collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), contracts.len(), "one contract each");
    for c in &contracts {
        let p = data.person(data.index_of_user_id(c.user_id.unwrap().get()).unwrap());
        let corp = data.corporation_of_org(p.org_oid);
        assert_eq!(c.first_party_code.as_deref(), Some(corp.code.as_str()));
        assert_eq!(c.first_party.as_deref(), Some(corp.name.as_str()));
        let (start, stop) = (
            c.start_date.as_ref().unwrap().date(),
            c.stop_date.as_ref().unwrap().date(),
        );
        assert!(p.entry_date <= start && start <= stop, "{c:?}");
        if p.has_left() {
            assert_eq!((Some(stop), c.status), (p.last_work_date, Some(0)));
        } else {
            assert_eq!(c.status, Some(1));
            let today = data.config().last_day();
            assert!(
                start <= today && today <= stop,
                "{start}..{stop} holds {today}"
            );
        }
    }
}
