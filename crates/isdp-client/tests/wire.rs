//! Wire-level tests against wiremock: request bodies, the seeds' examples
//! decoded verbatim, both 401 forms, the envelopes' errors.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::TryStreamExt;
use isdp_client::Credentials;
use isdp_client::{
    BatchAddPersons, ExportPersons, FindExportTasks, FindRoles, GetPersonList, IsdpClient,
    NewPerson, OrgInfo, PersonStatus, PersonType, PositionId, ProfilePictureStatus, RoleId,
    SaveOrgs, ServeFile, TaskStatus, UpdatePerson,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/resources/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

async fn server_with_token(token_body: &str) -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/oauth/rest_token"))
        .and(body_json(
            json!({"client_id": "cid", "client_secret": "cid", "grant_type": "password",
                              "username": "app", "password": "app-token"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(token_body.to_owned(), "application/json"),
        )
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> IsdpClient {
    IsdpClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::password_grant_default_secret(
            "cid",
            "app",
            "app-token",
        ))
        .build()
        .unwrap()
}

#[tokio::test]
async fn token_expires_in_as_string_or_number() {
    for (name, secs) in [
        ("token_expires_in_string.json", 359),
        ("token_expires_in_number.json", 1199),
    ] {
        let server = server_with_token(&fixture(name)).await;
        let client = client(&server);
        let token = client.token_cache().token().await.unwrap();
        let left = token.expires_in().unwrap().as_secs();
        assert!(left <= secs && left >= secs - 5, "{name}: {left}");
    }
}

#[tokio::test]
async fn get_person_list_sends_the_seed_request_and_decodes_the_seed_response() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    // The seed's request, but with `roleIds` as its table names the field
    // (the example says `roleId`) and without the `personName: null`.
    let mut expected = fixture_json("seed001_person_list_request.json");
    let obj = expected.as_object_mut().unwrap();
    let role_ids = obj.remove("roleId").unwrap();
    obj.insert("roleIds".into(), role_ids);
    obj.remove("personName");
    Mock::given(method("POST"))
        .and(path("/openapi/v1/person/getPersonList"))
        .and(header("authorization", "bearer tok-1"))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("seed001_person_list_response.json"),
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let page = GetPersonList::new()
        .page(0, 20)
        .position_ids([5000829, 5000830])
        .position_code(["HWtest"])
        .position_name(["测试"])
        .id_list([5001610, 5001609])
        .person_code_list(["h00799695b", "h00799695a"])
        .person_type([PersonType::Employee, PersonType::Customer])
        .org_id_list([9911292880])
        .org_include_child(false)
        .org_no_list(["SaasTenant101075"])
        .org_name(["1551"])
        .profile_picture_status(ProfilePictureStatus::CollectionFailed)
        .phone("135*******8")
        .person_status([PersonStatus::NoAccountOpened, PersonStatus::OpenAccount])
        .is_smart_device(false)
        .role_name(["现场作业人员", "项目助理/后台人员"])
        .role_no(["ConstructionSiteOperator", "ConstructionProjectAssistant"])
        .role_ids([126290, 126294])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(page.total(), Some(1));
    let p = &page.data[0];
    assert_eq!(p.person_id.get(), 5001610);
    assert_eq!(p.person_type, Some(PersonType::Employee));
    assert_eq!(p.person_status, Some(PersonStatus::NoAccountOpened));
    assert_eq!(
        p.profile_picture_status,
        Some(ProfilePictureStatus::CollectionFailed)
    );
    assert_eq!(p.phone.as_ref().unwrap().expose(), "135******78");
    assert!(p.certificate_no.is_none());
    assert_eq!(p.is_smart_device, Some(false));
    assert!(!p.is_blacklisted());
    assert_eq!(p.admin_org_id.unwrap().get(), 9911292880);
    let org = p.org.as_ref().unwrap();
    assert_eq!(
        (org.org_no.as_deref(), org.value.as_deref()),
        (Some("SaasTenant101075"), Some("15512345678aaa"))
    );
    assert_eq!(p.position_info[0].position_id, Some(PositionId(5000829)));
    assert_eq!(p.role_info[1].role_id, Some(RoleId(126294)));
    let updated = p.last_update_date.as_ref().unwrap();
    assert_eq!(updated.offset().unwrap().local_minus_utc(), 8 * 3600);
    assert_eq!(updated.as_str(), "2023-08-11T14:23:09.000+08:00");
    assert!(
        p.extra.is_empty(),
        "every seed field is modelled: {:?}",
        p.extra.keys()
    );

    // Written back: the vendor's names, every field of the seed.
    let back = serde_json::to_value(p).unwrap();
    let seed = &fixture_json("seed001_person_list_response.json")["data"][0];
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(keys(&back), keys(seed));
    // Value for value, nested ids as the strings the vendor sent.
    assert_eq!(back["roleInfo"], seed["roleInfo"]);
    assert_eq!(back["positionInfo"], seed["positionInfo"]);
    assert_eq!(back, *seed);
    assert_eq!(back["Org"], seed["Org"]);
    assert_eq!(back["lastUpdateDate"], seed["lastUpdateDate"]);
    assert_eq!(back["phone"], seed["phone"]);
}

/// Answers 401 (in `body`) to the first call and 200 after.
struct RejectOnce {
    calls: Arc<AtomicUsize>,
    body: String,
    content_type: &'static str,
}

impl Respond for RejectOnce {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            ResponseTemplate::new(401).set_body_raw(self.body.clone(), self.content_type)
        } else {
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "pos": 0, "total_count": 0, "totalCount": 0, "entityName": null}))
        }
    }
}

#[tokio::test]
async fn a_401_in_json_or_xml_means_one_refresh_and_one_retry() {
    for (file, content_type) in [
        ("token_401.json", "application/json"),
        ("token_401.xml", "application/xml"),
    ] {
        let server = server_with_token(&fixture("token_expires_in_string.json")).await;
        let calls = Arc::new(AtomicUsize::new(0));
        Mock::given(path("/openapi/v1/person/getPersonList"))
            .respond_with(RejectOnce {
                calls: calls.clone(),
                body: fixture(file),
                content_type,
            })
            .mount(&server)
            .await;
        let client = client(&server);
        GetPersonList::new().send(&client).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2, "{file}");
        assert_eq!(client.token_cache().fetch_count(), 2, "{file}");
        assert_eq!(client.stats().auth_retries, 1, "{file}");
    }
}

#[tokio::test]
async fn a_second_401_is_an_auth_error_with_the_vendor_code() {
    for (file, content_type) in [
        ("token_401.json", "application/json"),
        ("token_401.xml", "application/xml"),
    ] {
        let server = server_with_token(&fixture("token_expires_in_string.json")).await;
        Mock::given(path("/openapi/v1/role/findPagedRoleList"))
            .respond_with(ResponseTemplate::new(401).set_body_raw(fixture(file), content_type))
            // The first try and one after each of the two refreshes.
            .expect(3)
            .mount(&server)
            .await;
        let err = FindRoles::new().send(&client(&server)).await.unwrap_err();
        assert!(err.is_auth(), "{err}");
        assert_eq!(err.vendor_code(), Some("invalid_token"), "{file}: {err}");
        assert_eq!(err.vendor_message(), Some("check_token error"));
    }
}

#[tokio::test]
async fn export_sends_the_seed_request_and_decodes_the_seed_task() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    Mock::given(path("/openapi/v1/person/exportPersonModel"))
        .and(body_json(fixture_json("seed000_export_request.json")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("seed000_export_response.json"), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let task = ExportPersons::new("ChengTiePersonModel.export")
        .person_status([
            PersonStatus::NoAccountOpened,
            PersonStatus::OpeningAccount,
            PersonStatus::OpenAccount,
            PersonStatus::Freeze,
        ])
        .id_list([235378])
        .send(&client)
        .await
        .unwrap();
    assert_eq!(task.task_id.get(), 5047646);
    assert_eq!(task.status, TaskStatus::Pending);
    assert_eq!(task.progress(), Some(0.0));
    assert_eq!(task.doc_id, None);
    assert_eq!(task.module_name.as_deref(), Some("人员信息导出"));
    assert!(
        task.param
            .as_deref()
            .unwrap()
            .contains("ChengTiePersonModel.export")
    );
    assert!(task.extra.is_empty(), "{:?}", task.extra);
}

#[tokio::test]
async fn export_task_in_envelope_b_is_unwrapped_too() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    let task = fixture_json("seed000_export_response.json");
    Mock::given(path("/openapi/v1/person/exportPersonModel"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"stateCode": "0", "errorMessage": null, "result": task})),
        )
        .mount(&server)
        .await;
    let task = ExportPersons::new("x")
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(task.task_id.get(), 5047646);
}

#[tokio::test]
async fn poll_and_serve_file_requests() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    let mut done = fixture_json("seed000_export_response.json");
    done["status"] = json!(2);
    done["docId"] = json!("880001");
    done["progressRate"] = json!("100");
    Mock::given(path(
        "/openapi/v1/excelRecord/findPageExcelRecordModelListById",
    ))
    .and(body_json(
        json!({"po": {"taskId": [5047646]}, "page": {"start": 0, "count": 200}}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(
        json!({"data": [done], "pos": 0, "total_count": 1, "totalCount": 1, "entityName": null}),
    ))
    .mount(&server)
    .await;
    Mock::given(path("/openapi/v1/file/serveFile"))
        .and(body_json(json!({"fileId": 880001})))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            b"\xEF\xBB\xBFa,b\r\n1,2\r\n".to_vec(),
            "application/octet-stream",
        ))
        .mount(&server)
        .await;
    let client = client(&server);
    let page = FindExportTasks::by_ids([5047646])
        .send(&client)
        .await
        .unwrap();
    let task = &page.data[0];
    assert_eq!(task.status, TaskStatus::Succeeded);
    let bytes = ServeFile::new(task.doc_id.unwrap())
        .send(&client)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"\xEF\xBB\xBFa,b\r\n1,2\r\n");
}

#[tokio::test]
async fn envelope_b_error_is_an_api_error() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    Mock::given(path("/openapi/v1/role/findPagedRoleList"))
        .and(body_json(
            json!({"role": {"roleName": "项目"}, "page": {"start": 0, "count": 200}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"stateCode": "1", "errorMessage": "role query failed", "result": null}),
        ))
        .mount(&server)
        .await;
    let err = FindRoles::new()
        .role_name("项目")
        .stream(&client(&server))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("1"));
    assert_eq!(err.vendor_message(), Some("role query failed"));
}

/// Records the size of every `personList`/`orgInfoList` it receives.
struct BatchRecorder {
    key: &'static str,
    sizes: Arc<std::sync::Mutex<Vec<usize>>>,
}

impl Respond for BatchRecorder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let items = body[self.key].as_array().unwrap();
        self.sizes.lock().unwrap().push(items.len());
        let data: Vec<Value> = items
            .iter()
            .map(|i| json!({"personCode": i.get("personCode"), "orgNo": i.get("orgNo"), "status": "success", "msg": "success"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"status": "success", "msg": "success", "data": data, "success": items.len(), "failed": 0}))
    }
}

#[tokio::test]
async fn batch_writes_are_chunked() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    let (persons, orgs) = (Arc::default(), Arc::default());
    Mock::given(path("/openapi/v1/person/batchAdd"))
        .respond_with(BatchRecorder {
            key: "personList",
            sizes: Arc::clone(&persons),
        })
        .mount(&server)
        .await;
    Mock::given(path("/openapi/v1/orgOpen/batchSaveOrgInfo"))
        .respond_with(BatchRecorder {
            key: "orgInfoList",
            sizes: Arc::clone(&orgs),
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let add = BatchAddPersons::new((0..250).map(|i| {
        NewPerson::new(format!("P{i}"), "n", PersonType::Employee, "13512345678").org_no("D1")
    }));
    let outcome = add.send(&client).await.unwrap();
    assert_eq!(
        (outcome.calls, outcome.success, outcome.items.len()),
        (3, 250, 250)
    );
    assert_eq!(*persons.lock().unwrap(), [100, 100, 50]);
    let saved = SaveOrgs::new((0..41).map(|i| OrgInfo::new(format!("O{i}"), "n", None)))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(saved.calls, 3);
    assert_eq!(*orgs.lock().unwrap(), [20, 20, 1]);
}

#[tokio::test]
async fn whole_batch_refusal_and_single_failure_are_api_errors() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    Mock::given(path("/openapi/v1/person/batchAdd"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "failed", "msg": "personList is empty", "data": null, "success": 0, "failed": 0})))
        .mount(&server)
        .await;
    let expected_update = json!({"personId": 5001610, "personCode": "h1", "personName": "n", "personType": "Employee",
                                 "phone": "13512345678", "personStatus": "Freeze", "adminOrgId": 9911292880_i64});
    Mock::given(path("/openapi/v1/person/update"))
        .and(body_json(&expected_update))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"status": "failed", "msg": "person not found", "data": null}),
            ),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let err =
        BatchAddPersons::new([NewPerson::new("a", "b", PersonType::Employee, "1").admin_org_id(1)])
            .send(&client)
            .await
            .unwrap_err();
    assert_eq!(
        (err.vendor_code(), err.vendor_message()),
        (Some("failed"), Some("personList is empty"))
    );
    let err = UpdatePerson::new(
        5001610,
        "h1",
        "n",
        PersonType::Employee,
        "13512345678",
        PersonStatus::Freeze,
        9911292880,
    )
    .send(&client)
    .await
    .unwrap_err();
    assert_eq!(
        (err.vendor_code(), err.vendor_message()),
        (Some("failed"), Some("person not found"))
    );
}

#[tokio::test]
async fn a_person_without_an_organisation_is_refused_before_sending() {
    let server = MockServer::builder().start().await;
    let client = client(&server);
    let err = BatchAddPersons::new([NewPerson::new("a", "b", PersonType::Employee, "1")])
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("adminOrgId"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn import_uploads_multipart_and_answers_the_task() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    let mut task = fixture_json("seed000_export_response.json");
    task["taskType"] = json!("import");
    Mock::given(method("POST"))
        .and(path("/openapi/openFile/v1/person/importData"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let task = isdp_client::ImportPersons::new("人员.xlsx", b"PK\x03\x04workbook".to_vec())
        .import_name("personModel.import")
        .created_by(36378)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(task.task_type.as_deref(), Some("import"));

    let reqs = server.received_requests().await.unwrap();
    let upload = reqs
        .iter()
        .find(|r| r.url.path().ends_with("importData"))
        .unwrap();
    let content_type = upload
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let body = &upload.body;
    let text = String::from_utf8_lossy(body);
    assert!(text.starts_with(&format!("--{boundary}\r\n")));
    assert!(text.contains("name=\"file\"; filename=\"人员.xlsx\""));
    assert!(body.windows(12).any(|w| w == b"PK\x03\x04workbook"));
    assert!(text.contains("name=\"importName\"\r\n\r\npersonModel.import\r\n"));
    assert!(text.contains("name=\"createdBy\"\r\n\r\n36378\r\n"));
    assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    assert_eq!(upload.headers.get("authorization").unwrap(), "bearer tok-1");
}

#[tokio::test]
async fn template_download_request() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    Mock::given(path("/openapi/v1/person/getTemplateExcel"))
        .and(body_json(json!({"fileName": "personTemplate.xlsx"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(b"PK\x03\x04tpl".to_vec(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    let bytes = isdp_client::GetTemplateExcel::new("personTemplate.xlsx")
        .send(&client(&server))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"PK\x03\x04tpl");
}

#[tokio::test]
async fn plain_text_persons_in_any_list_shape() {
    let person = json!({"personId": 5001610, "personCode": "h00799695b", "personName": "黄x", "personType": "Employee",
                        "phone": "13512345678", "adminOrgId": 9911292880_i64, "faceFileId": 77});
    for body in [
        json!([person]),
        json!({"data": [person], "pos": 0, "totalCount": 1, "total_count": 1, "entityName": null}),
        json!({"stateCode": "0", "errorMessage": null, "result": [person]}),
    ] {
        let server = server_with_token(&fixture("token_expires_in_string.json")).await;
        Mock::given(path("/openapi/v1/person/findPersonByUserIdListPlainText"))
            .and(body_json(json!({"userIdList": [5003069]})))
            .respond_with(ResponseTemplate::new(200).set_body_json(&body))
            .mount(&server)
            .await;
        let persons = isdp_client::FindPersonsByUserIds::new([5003069])
            .send(&client(&server))
            .await
            .unwrap();
        assert_eq!(persons.len(), 1, "{body}");
        let p = &persons[0];
        assert_eq!(p.phone.as_ref().unwrap().expose(), "13512345678");
        assert!(!format!("{p:?}").contains("13512345678"));
        assert_eq!(p.extra["faceFileId"], 77);
    }
}

// ---- review fixes ----------------------------------------------------------

fn token_server_client(server: &MockServer) -> IsdpClient {
    client(server)
}

#[tokio::test]
async fn a_failure_body_on_a_page_endpoint_is_an_api_error_not_an_empty_page() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    Mock::given(path("/openapi/v1/person/getPersonList"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "failed", "msg": "no permission"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/openapi/v1/position/findPagedPosition"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"stateCode": "1", "errorMessage": "denied"})),
        )
        .mount(&server)
        .await;
    Mock::given(path(
        "/openapi/v1/excelRecord/findPageExcelRecordModelListById",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"pos": 0})))
    .mount(&server)
    .await;
    let client = token_server_client(&server);
    let err = GetPersonList::new()
        .stream(&client)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        (err.vendor_code(), err.vendor_message()),
        (Some("failed"), Some("no permission"))
    );
    let err = isdp_client::FindPositions::new()
        .stream(&client)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        (err.vendor_code(), err.vendor_message()),
        (Some("1"), Some("denied"))
    );
    // Neither data nor a total: not a page.
    let err = FindExportTasks::by_ids([1])
        .send(&client)
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err}");
}

#[tokio::test]
async fn batch_errors_keep_the_vendor_code_and_message() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    Mock::given(path("/openapi/v1/person/batchAdd"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "failed", "msg": "tenant locked", "data": {}})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/openapi/v1/orgOpen/batchSaveOrgInfo"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "success", "data": null, "success": 1})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let err =
        BatchAddPersons::new([NewPerson::new("a", "b", PersonType::Employee, "1").admin_org_id(1)])
            .send(&client)
            .await
            .unwrap_err();
    assert_eq!(
        (err.vendor_code(), err.vendor_message()),
        (Some("failed"), Some("tenant locked"))
    );
    let saved = SaveOrgs::new([OrgInfo::new("O1", "n", None)])
        .send(&client)
        .await
        .unwrap();
    assert_eq!((saved.success, saved.failed, saved.calls), (1, 0, 1));
    assert_eq!(saved.items.len(), 1);
    assert!(saved.items[0].is_success());
    assert_eq!(saved.items[0].org_no.as_deref(), Some("O1"));
}

/// Answers the first batch call with item results and refuses the rest.
struct RefuseAfterFirst {
    calls: Arc<AtomicUsize>,
}

impl Respond for RefuseAfterFirst {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        if self.calls.fetch_add(1, Ordering::SeqCst) > 0 {
            return ResponseTemplate::new(200)
                .set_body_json(json!({"status": "failed", "msg": "quota exceeded", "data": null}));
        }
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let items = body["personList"].as_array().unwrap();
        let data: Vec<Value> = items
            .iter()
            .map(|i| json!({"personCode": i["personCode"], "personId": 7, "status": "success", "msg": "success"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(
            json!({"status": "success", "msg": "success", "data": data, "success": items.len(), "failed": 0}),
        )
    }
}

#[tokio::test]
async fn a_refused_later_chunk_keeps_the_earlier_chunks_results() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(path("/openapi/v1/person/batchAdd"))
        .respond_with(RefuseAfterFirst {
            calls: Arc::clone(&calls),
        })
        .mount(&server)
        .await;
    let outcome = BatchAddPersons::new((0..150).map(|i| {
        NewPerson::new(format!("P{i}"), "n", PersonType::Employee, "13512345678").org_no("D1")
    }))
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(
        (
            outcome.calls,
            outcome.success,
            outcome.failed,
            outcome.items.len()
        ),
        (2, 100, 50, 150)
    );
    assert!(outcome.items[..100].iter().all(|i| i.is_success()));
    assert!(
        outcome.items[100..]
            .iter()
            .all(|i| !i.is_success() && i.msg.as_deref() == Some("quota exceeded"))
    );
    assert_eq!(outcome.items[149].person_code.as_deref(), Some("P149"));
    let stop = outcome.stopped.clone().unwrap();
    assert_eq!((stop.at, stop.refused), (100, true));
    assert_eq!(stop.message, "quota exceeded");
    let err = outcome.into_result().unwrap_err();
    assert!(err.vendor_message().unwrap().contains("quota exceeded"));
}

#[tokio::test]
async fn absurd_expires_in_is_clamped_not_a_panic() {
    for (expires_in, low, high) in [
        (json!(1e30), 23 * 3600, 24 * 3600),
        (json!("18446744073709551615"), 23 * 3600, 24 * 3600),
        (json!(0), 1, 60),
        (json!(-5), 1, 60),
    ] {
        let body =
            json!({"access_token": "tok-1", "token_type": "bearer", "expires_in": expires_in});
        let server = server_with_token(&body.to_string()).await;
        let client = client(&server);
        let token = client.token_cache().token().await.unwrap();
        let left = token.expires_in().unwrap().as_secs();
        assert!(left >= low && left <= high, "{expires_in}: {left}");
        // Still valid: a second call does not fetch again.
        client.token_cache().token().await.unwrap();
        assert_eq!(client.token_cache().fetch_count(), 1, "{expires_in}");
    }
}

fn task_json(status: i64, doc: Option<&str>, size: Option<u64>, err: Option<&str>) -> Value {
    let mut t = fixture_json("seed000_export_response.json");
    t["status"] = json!(status);
    if let Some(d) = doc {
        t["docId"] = json!(d);
    }
    if let Some(n) = size {
        t["fileSize"] = json!(n);
    }
    if let Some(e) = err {
        t["errInfo"] = json!(e);
    }
    t
}

async fn export_server(polled: Value, file: &'static [u8]) -> MockServer {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    Mock::given(path("/openapi/v1/person/exportPersonModel"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task_json(0, None, None, None)))
        .mount(&server)
        .await;
    Mock::given(path(
        "/openapi/v1/excelRecord/findPageExcelRecordModelListById",
    ))
    .respond_with(
        ResponseTemplate::new(200).set_body_json(json!({"data": [polled], "totalCount": 1})),
    )
    .mount(&server)
    .await;
    Mock::given(path("/openapi/v1/file/serveFile"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(file.to_vec(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn export_download_is_checked_against_file_size() {
    let server = export_server(task_json(2, Some("880001"), Some(99), None), b"a,b\r\n").await;
    let client = client(&server);
    let (task, download) = client
        .persons()
        .export(ExportPersons::new("x"))
        .poll_interval(std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(task.file_size, Some(99));
    assert_eq!(download.expected_size, Some(99));
    let err = download.bytes().await.unwrap_err();
    assert!(err.to_string().contains("99"), "{err}");

    // A matching size, or none announced (0), is fine.
    for size in [5, 0] {
        let server =
            export_server(task_json(2, Some("880001"), Some(size), None), b"a,b\r\n").await;
        let (_, download) = client_export(&server).await.unwrap();
        assert_eq!(&download.bytes().await.unwrap()[..], b"a,b\r\n");
    }
}

async fn client_export(
    server: &MockServer,
) -> isdp_client::Result<(isdp_client::ExportTask, isdp_client::Download)> {
    client(server)
        .persons()
        .export(ExportPersons::new("x"))
        .poll_interval(std::time::Duration::ZERO)
        .timeout(std::time::Duration::from_secs(5))
        .await
}

#[tokio::test]
async fn export_status_4_is_an_api_error_with_err_info() {
    let server = export_server(task_json(4, None, None, Some("aborted by admin")), b"").await;
    let err = client_export(&server).await.unwrap_err();
    assert_eq!(err.vendor_code(), Some("4"));
    assert!(
        err.vendor_message().unwrap().contains("aborted by admin"),
        "{err}"
    );
}

#[tokio::test]
async fn unknown_export_status_with_err_info_ends_the_poll_as_a_failure() {
    let server = export_server(task_json(9, None, None, Some("disk full")), b"").await;
    let err = client_export(&server).await.unwrap_err();
    assert_eq!(err.vendor_code(), Some("9"));
    assert!(err.vendor_message().unwrap().contains("disk full"), "{err}");
    // One poll was enough: the loop did not run into the timeout.
    let polls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("findPageExcelRecordModelListById"))
        .count();
    assert_eq!(polls, 1);
}

#[tokio::test]
async fn poll_errors_name_the_task() {
    let server = server_with_token(&fixture("token_expires_in_string.json")).await;
    Mock::given(path("/openapi/v1/person/exportPersonModel"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task_json(0, None, None, None)))
        .mount(&server)
        .await;
    Mock::given(path(
        "/openapi/v1/excelRecord/findPageExcelRecordModelListById",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_raw("not json", "text/plain"))
    .mount(&server)
    .await;
    let err = client_export(&server).await.unwrap_err();
    assert!(err.to_string().contains("5047646"), "{err}");
}

/// A raw HTTP/1.1 server: the token, then `serveFile` as a chunked body
/// with no `Content-Length`.
async fn chunked_file_server(body: &'static [u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    let mut chunk = [0u8; 4096];
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    let Some(end) = text.find("\r\n\r\n") else {
                        continue;
                    };
                    let len: usize = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    if buf.len() < end + 4 + len {
                        continue;
                    }
                    let head = text[..end].to_owned();
                    buf.drain(..end + 4 + len);
                    let reply = if head.contains("rest_token") {
                        let json = r#"{"access_token":"tok-1","expires_in":600}"#;
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{json}",
                            json.len()
                        )
                        .into_bytes()
                    } else {
                        let mut r = b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
                        for part in body.chunks(3) {
                            r.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
                            r.extend_from_slice(part);
                            r.extend_from_slice(b"\r\n");
                        }
                        r.extend_from_slice(b"0\r\n\r\n");
                        r
                    };
                    if sock.write_all(&reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn chunked_download_without_content_length_is_checked_against_file_size() {
    let url = chunked_file_server(b"a,b\r\n1,2\r\n").await;
    let client = IsdpClient::builder()
        .base_url(url)
        .credentials(Credentials::password_grant_default_secret(
            "cid",
            "app",
            "app-token",
        ))
        .build()
        .unwrap();
    let download = ServeFile::new(880001).send(&client).await.unwrap();
    assert_eq!(download.content_length, None);
    let err = download.expect_size(Some(4)).bytes().await.unwrap_err();
    assert!(err.to_string().contains("fileSize"), "{err}");
    let short = ServeFile::new(880001)
        .send(&client)
        .await
        .unwrap()
        .expect_size(Some(64))
        .bytes()
        .await
        .unwrap_err();
    assert!(short.to_string().contains("64"), "{short}");
    let exact = ServeFile::new(880001)
        .send(&client)
        .await
        .unwrap()
        .expect_size(Some(10))
        .bytes()
        .await
        .unwrap();
    assert_eq!(&exact[..], b"a,b\r\n1,2\r\n");
}
