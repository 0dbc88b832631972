//! The Beisen iTalent simulator, through real HTTP.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use chrono::NaiveDateTime;
use hr_sandbox::beisen::paths;
use hr_sandbox::{DataConfig, Dataset, Sandbox, SandboxConfig};
use serde_json::{Value, json};

const EMPLOYEES: &str = paths::EMPLOYEE_GET_BY_TIME_WINDOW;

struct Beisen {
    sandbox: Sandbox,
    client: reqwest::Client,
    token: String,
}

impl Beisen {
    async fn start(config: SandboxConfig) -> Beisen {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let client = reqwest::Client::new();
        let mut beisen = Beisen {
            sandbox,
            client,
            token: String::new(),
        };
        beisen.token = beisen.new_token().await;
        beisen
    }

    async fn new_token(&self) -> String {
        let config = &self.sandbox.config().beisen;
        let (status, body) = self
            .post_token(json!({
                "grant_type": "client_credentials",
                "app_key": config.app_key,
                "app_secret": config.app_secret,
            }))
            .await;
        assert_eq!(status, 200, "{body}");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    async fn post_token(&self, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{}", self.sandbox.beisen_url(), paths::TOKEN))
            .json(&body)
            .send()
            .await
            .expect("request");
        (
            response.status().as_u16(),
            response.json().await.expect("JSON"),
        )
    }

    async fn oauth(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .client
            .post(format!(
                "{}{}",
                self.sandbox.beisen_url(),
                paths::OAUTH_TOKEN
            ))
            .form(form)
            .send()
            .await
            .expect("request");
        (
            response.status().as_u16(),
            response.json().await.expect("JSON"),
        )
    }

    async fn raw_with(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.sandbox.beisen_url()))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// POSTs with the current token; returns status and JSON body.
    async fn send(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self.raw_with(&self.token, path, body).await;
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// POSTs and expects HTTP 200.
    async fn call(&self, path: &str, body: Value) -> Value {
        let (status, json) = self.send(path, &body).await;
        assert_eq!(status, 200, "{path} {body}: {json}");
        json
    }

    /// Scrolls `path` to the end; returns every page's body.
    async fn scroll_all(&self, path: &str, mut body: Value) -> Vec<Value> {
        body["scrollId"] = json!("");
        let mut pages = Vec::new();
        loop {
            let page = self.call(path, body.clone()).await;
            assert_eq!(page["code"], "200", "{page}");
            let empty = page["data"].as_array().expect("data array").is_empty();
            body["scrollId"] = page["scrollId"].clone();
            pages.push(page);
            if empty {
                return pages;
            }
            assert!(pages.len() < 1_000, "runaway scroll");
        }
    }

    fn data(&self) -> &Dataset {
        self.sandbox.data()
    }

    fn counter(&self, key: &str) -> u64 {
        self.sandbox.counters().get(key)
    }
}

/// The data of 2024, which the windows below query.
fn config(employees: usize) -> SandboxConfig {
    SandboxConfig {
        data: DataConfig {
            employees,
            ..DataConfig::year_2024()
        },
        ..SandboxConfig::default()
    }
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").expect("date-time")
}

fn window(start: &str, stop: &str) -> Value {
    json!({"startTime": start, "stopTime": stop, "timeWindowQueryType": 1, "capacity": 300})
}

/// What the vendor's defaults select (effective records of internal
/// people in their main job), computed from the dataset directly.
fn expected_user_ids(
    data: &Dataset,
    start: NaiveDateTime,
    stop: NaiveDateTime,
    business: bool,
    statuses: &[u8],
) -> BTreeSet<i64> {
    (0..data.len())
        .filter(|&i| {
            let t = if business {
                data.business_modified_time(i)
            } else {
                data.modified_time(i)
            };
            start <= t
                && t < stop
                && !data.is_deleted(i)
                && statuses.contains(&data.emp_status(i))
                && data.employ_type(i) == 0
                && data.service_type(i) == 0
                && data.approval_status(i) == 4
        })
        .map(|i| 100_000_000 + i as i64)
        .collect()
}

fn user_ids(pages: &[Value]) -> Vec<i64> {
    pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap().iter())
        .map(|item| item["employeeInfo"]["userID"].as_i64().unwrap())
        .collect()
}

const ACTIVE: &[u8] = &[2, 3, 7];
const ALL: &[u8] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

#[tokio::test]
async fn token_flows_issue_tokens_and_refresh_tokens_work_once() {
    let b = Beisen::start(config(100)).await;
    let cfg = b.sandbox.config().beisen.clone();

    let (status, issued) = b
        .post_token(json!({"grant_type": "client_credentials", "app_key": cfg.app_key, "app_secret": cfg.app_secret}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(issued["token_type"], "bearer");
    assert_eq!(issued["expires_in"], 7200);
    let refresh = issued["refresh_token"].as_str().unwrap().to_owned();

    let (status, refreshed) = b
        .post_token(json!({"grant_type": "refresh_token", "refresh_token": refresh}))
        .await;
    assert_eq!(status, 200, "{refreshed}");
    let fresh = refreshed["access_token"].as_str().unwrap();
    assert_ne!(fresh, issued["access_token"].as_str().unwrap());
    let response = b
        .raw_with(fresh, EMPLOYEES, &window("2024-01-01", "2024-01-02"))
        .await;
    assert_eq!(response.status(), 200);

    // A refresh token works once.
    let (status, again) = b
        .post_token(json!({"grant_type": "refresh_token", "refresh_token": refresh}))
        .await;
    assert_eq!((status, again), (400, json!({"error": "invalid_grant"})));
    let (status, bad) = b
        .post_token(json!({"grant_type": "client_credentials", "app_key": cfg.app_key, "app_secret": "nope"}))
        .await;
    assert_eq!((status, bad), (401, json!({"error": "invalid_client"})));
    let (status, bad) = b.post_token(json!({"grant_type": "password"})).await;
    assert_eq!(
        (status, bad),
        (400, json!({"error": "unsupported_grant_type"}))
    );

    // The form flow: every value a string, expires_in an epoch.
    let tenant = b.data().tenant_id().to_string();
    let (status, oauth) = b
        .oauth(&[
            ("app_id", &cfg.app_id),
            ("secret", &cfg.secret),
            ("tenant_id", &tenant),
            ("grant_type", "client_credentials"),
        ])
        .await;
    assert_eq!(status, 200, "{oauth}");
    assert_eq!(oauth["tenant_id"], tenant.as_str());
    assert_eq!(oauth["user_id"], "0");
    let expires: u64 = oauth["expires_in"]
        .as_str()
        .expect("string")
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        (now + 7_100..=now + 7_300).contains(&expires),
        "{expires} vs {now}"
    );
    let token = oauth["access_token"].as_str().unwrap();
    let response = b
        .raw_with(token, EMPLOYEES, &window("2024-01-01", "2024-01-02"))
        .await;
    assert_eq!(response.status(), 200);

    let (status, bad) = b
        .oauth(&[
            ("secret", &cfg.secret),
            ("tenant_id", "0"),
            ("grant_type", "client_credentials"),
        ])
        .await;
    assert_eq!((status, bad), (400, json!({"error": "invalid_tenantid"})));
    let (status, bad) = b
        .oauth(&[
            ("secret", "nope"),
            ("tenant_id", &tenant),
            ("grant_type", "client_credentials"),
        ])
        .await;
    assert_eq!((status, bad), (401, json!({"error": "invalid_client"})));
    // The form endpoint does not take JSON.
    let response = b
        .client
        .post(format!("{}{}", b.sandbox.beisen_url(), paths::OAUTH_TOKEN))
        .json(
            &json!({"secret": cfg.secret, "tenant_id": tenant, "grant_type": "client_credentials"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    // start(), client_credentials, refresh, form flow.
    assert_eq!(b.counter("tokens_issued.beisen"), 4);
}

#[tokio::test]
async fn the_gateway_checks_the_token_before_the_route() {
    let b = Beisen::start(config(100)).await;
    let url = |path: &str| format!("{}{path}", b.sandbox.beisen_url());
    let body = window("2024-01-01", "2024-01-02");

    for path in [EMPLOYEES, "/TenantBaseExternal/api/v5/Nope"] {
        let response = b.client.post(url(path)).json(&body).send().await.unwrap();
        assert_eq!(response.status(), 400, "{path}");
        let json: Value = response.json().await.unwrap();
        assert_eq!(json, json!({"message": "Authorization header is empty"}));

        let response = b.raw_with("not-a-token", path, &body).await;
        assert_eq!(response.status(), 401, "{path}");
        let json: Value = response.json().await.unwrap();
        assert_eq!(json, json!({"message": "un-authorized"}));
    }
    // A real token without the scheme is refused too.
    let response = b
        .client
        .post(url(EMPLOYEES))
        .header("Authorization", &b.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(b.counter("auth_rejected.beisen"), 5);

    let (status, json) = b.send("/TenantBaseExternal/api/v5/Nope", &body).await;
    assert_eq!(
        (status, json),
        (404, json!({"message": "The resource cannot be found."}))
    );

    let response = b.raw_with(&b.token, EMPLOYEES, &body).await;
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-paas-request-id"].to_str().unwrap();
    assert_eq!(request_id.len(), 36);

    // Business endpoints want JSON.
    let response = b
        .client
        .post(url(EMPLOYEES))
        .bearer_auth(&b.token)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn expired_and_revoked_tokens_are_refused() {
    let mut cfg = config(100);
    cfg.beisen.token_ttl = Duration::from_secs(7200);
    let b = Beisen::start(cfg).await;
    let body = window("2024-01-01", "2024-01-02");
    assert_eq!(b.send(EMPLOYEES, &body).await.0, 200);
    b.sandbox.advance_clock(Duration::from_secs(7000));
    assert_eq!(b.send(EMPLOYEES, &body).await.0, 200);
    b.sandbox.advance_clock(Duration::from_secs(201));
    assert_eq!(
        b.send(EMPLOYEES, &body).await,
        (401, json!({"message": "un-authorized"}))
    );
    // Tokens of the form flow age on the same clock.
    let cfg = b.sandbox.config().beisen.clone();
    let tenant = b.data().tenant_id().to_string();
    let (status, oauth) = b
        .oauth(&[
            ("secret", &cfg.secret),
            ("tenant_id", &tenant),
            ("grant_type", "client_credentials"),
        ])
        .await;
    assert_eq!(status, 200, "{oauth}");
    let token = oauth["access_token"].as_str().unwrap();
    assert_eq!(b.raw_with(token, EMPLOYEES, &body).await.status(), 200);
    b.sandbox.advance_clock(cfg.token_ttl);
    assert_eq!(b.raw_with(token, EMPLOYEES, &body).await.status(), 401);

    let b = Beisen::start(config(100)).await;
    let cfg = b.sandbox.config().beisen.clone();
    let (_, issued) = b
        .post_token(json!({"grant_type": "client_credentials", "app_key": cfg.app_key, "app_secret": cfg.app_secret}))
        .await;
    b.sandbox.revoke_tokens();
    assert_eq!(b.send(EMPLOYEES, &body).await.0, 401);
    // Revocation kills refresh tokens too; a new token works.
    let (status, _) = b
        .post_token(
            json!({"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 400);
    let token = b.new_token().await;
    assert_eq!(b.raw_with(&token, EMPLOYEES, &body).await.status(), 200);
}

#[tokio::test]
async fn tokens_die_after_the_configured_number_of_calls() {
    let mut cfg = config(100);
    cfg.beisen.revoke_tokens_after = Some(3);
    let mut b = Beisen::start(cfg).await;
    let body = window("2024-01-01", "2024-01-02");
    for _ in 0..3 {
        assert_eq!(b.send(EMPLOYEES, &body).await.0, 200);
    }
    assert_eq!(b.send(EMPLOYEES, &body).await.0, 401);
    b.token = b.new_token().await;
    assert_eq!(b.send(EMPLOYEES, &body).await.0, 200);
}

#[tokio::test]
async fn rate_limits_answer_429_per_route() {
    // The minute window is deterministic: five calls pass, the sixth does not.
    let mut cfg = config(100);
    cfg.beisen.rate_per_second = 1_000;
    cfg.beisen.rate_per_minute = 5;
    let b = Beisen::start(cfg).await;
    let body = window("2024-01-01", "2024-01-02");
    for _ in 0..5 {
        assert_eq!(b.send(EMPLOYEES, &body).await.0, 200);
    }
    let (status, json) = b.send(EMPLOYEES, &body).await;
    assert_eq!(status, 429);
    assert_eq!(json["code"], "429");
    assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    // Another route has its own allowance.
    let (status, _) = b.send(paths::ORGANIZATION_GET_BY_TIME_WINDOW, &body).await;
    assert_eq!(status, 200);
    assert_eq!(b.counter("rate_limited.beisen"), 1);
    // The window slides on the sandbox's clock.
    b.sandbox.advance_clock(Duration::from_secs(60));
    for _ in 0..5 {
        assert_eq!(b.send(EMPLOYEES, &body).await.0, 200);
    }
    assert_eq!(b.send(EMPLOYEES, &body).await.0, 429);
    assert_eq!(b.counter("rate_limited.beisen"), 2);

    // The second window: a burst of 12 gets at least 3 through and some 429s.
    let mut cfg = config(100);
    cfg.beisen.rate_per_second = 3;
    let b = Beisen::start(cfg).await;
    let calls = (0..12).map(|_| b.send(EMPLOYEES, &body));
    let statuses: Vec<u16> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.0)
        .collect();
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(ok + limited, 12, "{statuses:?}");
    assert!(ok >= 3 && limited >= 1, "{statuses:?}");
    assert_eq!(b.counter("rate_limited.beisen"), limited as u64);
}

#[tokio::test]
async fn employee_records_have_the_vendor_shape() {
    let b = Beisen::start(config(1_000)).await;
    let page = b
        .call(
            EMPLOYEES,
            window("2024-03-01T00:00:00", "2024-05-01T00:00:00"),
        )
        .await;
    assert_eq!(page["code"], "200");
    assert!(page["message"].is_null());
    assert!(
        page["scrollId"]
            .as_str()
            .unwrap()
            .starts_with("DXF1ZXJ5QW5kRmV0Y2gB")
    );
    let expected = expected_user_ids(
        b.data(),
        at("2024-03-01T00:00:00"),
        at("2024-05-01T00:00:00"),
        false,
        ACTIVE,
    );
    assert_eq!(page["total"], expected.len());
    let items = page["data"].as_array().unwrap();
    assert_eq!(items.len(), expected.len().min(300));

    let mut saw_custom = false;
    let mut saw_extra = false;
    let mut saw_null_custom = false;
    let mut fractions = BTreeSet::new();
    let mut stop_dates = BTreeSet::new();
    let mut unset_last_work_dates = BTreeSet::new();
    for item in items {
        let info = &item["employeeInfo"];
        let record = &item["recordInfo"];
        let user_id = info["userID"].as_i64().unwrap();
        let p = b.data().person(b.data().index_of_user_id(user_id).unwrap());
        assert_eq!(info["name"], p.name.as_str());
        assert_eq!(info["iDNumber"], p.id_number.as_str());
        assert_eq!(info["mobilePhone"], p.mobile.as_str());
        assert_eq!(info["email"], p.email.as_str());
        // The dataset's second, plus milliseconds for some people.
        let modified = info["modifiedTime"].as_str().unwrap();
        let second = p.modified_time.format("%Y-%m-%dT%H:%M:%S").to_string();
        let fraction = modified.strip_prefix(second.as_str()).expect(modified);
        assert!(
            fraction.is_empty()
                || (fraction.len() <= 4
                    && fraction.starts_with('.')
                    && !fraction.ends_with('0')
                    && fraction[1..].bytes().all(|c| c.is_ascii_digit())),
            "{modified}"
        );
        assert_eq!(record["modifiedTime"], info["modifiedTime"]);
        fractions.insert(fraction.len());
        assert!(info["translateProperties"].is_null());
        for key in [
            "weiXin",
            "homeAddress",
            "workDate",
            "graduateDate",
            "stdIsDeleted",
            "objectId",
        ] {
            assert!(info.get(key).is_some(), "employeeInfo.{key}");
        }
        // Custom properties: exactly the person's, null keys omitted.
        let custom = info["customProperties"].as_object().unwrap();
        let non_null: serde_json::Map<String, Value> = p
            .custom
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(custom, &non_null);
        saw_null_custom |= non_null.len() < p.custom.len();
        saw_custom |= custom.len() > 1;
        for (k, v) in &p.extra {
            assert_eq!(&info[k], v);
            saw_extra = true;
        }

        assert_eq!(record["userID"], user_id);
        assert_eq!(record["employeeStatus"], p.emp_status.to_string());
        assert!(ACTIVE.contains(&p.emp_status));
        assert_eq!(record["employType"], 0);
        assert_eq!(record["serviceType"], 0);
        assert_eq!(record["approvalStatus"], p.approval_status);
        assert_eq!(record["jobNumber"], p.job_number.as_str());
        assert_eq!(record["oIdDepartment"], p.org_oid);
        let post = record["oIdJobPost"].as_str().unwrap();
        assert!(post.parse::<u32>().is_ok(), "{post}");
        assert_eq!(record["oIdJobPosition"], p.position_oid.as_str());
        assert_eq!(record["oIdJobPosition"].as_str().unwrap().len(), 36);
        assert!(record["oidJobGrade"].is_string() && record.get("oIdJobGrade").is_none());
        // Open-ended, or unset as .NET's MinValue.
        let stop = record["stopDate"].as_str().unwrap();
        assert!(
            ["9999-12-31T00:00:00", "0001-01-01T00:00:00"].contains(&stop),
            "{stop}"
        );
        stop_dates.insert(stop.to_owned());
        match p.last_work_date {
            Some(day) => assert_eq!(
                record["lastWorkDate"],
                format!("{}T00:00:00", day.format("%Y-%m-%d"))
            ),
            None => {
                let unset = &record["lastWorkDate"];
                assert!(unset.is_null() || unset == "0001-01-01T00:00:00", "{unset}");
                unset_last_work_dates.insert(unset.to_string());
            }
        }
        assert_eq!(record["pOIdEmpAdmin"], json!(p.manager_user_id));
        assert_eq!(record["oIdOrganization"], b.data().orgs()[0].oid);
        assert!(record["workYearTotal"].is_f64());
    }
    assert!(
        saw_custom && saw_extra && saw_null_custom,
        "the page shows optional custom keys, omitted null ones and extra fields"
    );
    // Both date shapes, both ways of leaving a date unset.
    assert!(
        fractions.contains(&0) && fractions.contains(&4),
        "{fractions:?}"
    );
    assert_eq!(stop_dates.len(), 2, "{stop_dates:?}");
    assert_eq!(unset_last_work_dates.len(), 2, "{unset_last_work_dates:?}");

    // Translation on request.
    let mut body = window("2024-03-01", "2024-05-01");
    body["enableTranslate"] = json!(true);
    let page = b.call(EMPLOYEES, body).await;
    let first = &page["data"][0];
    assert!(
        ["男", "女"].contains(
            &first["employeeInfo"]["translateProperties"]["GenderText"]
                .as_str()
                .unwrap()
        )
    );
    assert!(first["recordInfo"]["translateProperties"]["EmployeeStatusText"].is_string());
}

#[tokio::test]
async fn columns_keep_the_shape_and_null_the_rest() {
    let b = Beisen::start(config(300)).await;
    let mut body = window("2024-01-01", "2024-03-01");
    body["columns"] = json!(["Name", "EmployeeStatus", "extWorkCity_100001_2"]);
    let page = b.call(EMPLOYEES, body).await;
    for item in page["data"].as_array().unwrap() {
        let (info, record) = (&item["employeeInfo"], &item["recordInfo"]);
        assert!(info["userID"].is_i64() && info["name"].is_string());
        assert!(info.get("email").is_some_and(Value::is_null));
        assert!(record["employeeStatus"].is_string());
        assert!(record.get("oIdDepartment").is_some_and(Value::is_null));
        let custom = info["customProperties"].as_object().unwrap();
        assert!(custom.keys().all(|k| k == "extWorkCity_100001_2"));
    }
}

#[tokio::test]
async fn long_windows_large_capacities_and_bad_times_are_417() {
    let b = Beisen::start(config(100)).await;
    // 90 days exactly is allowed.
    let ok = b
        .call(
            EMPLOYEES,
            window("2024-01-01T00:00:00", "2024-03-31T00:00:00"),
        )
        .await;
    assert_eq!(ok["code"], "200");

    let refused = b
        .call(
            EMPLOYEES,
            window("2024-01-01T00:00:00", "2024-03-31T00:00:01"),
        )
        .await;
    assert_eq!(refused["code"], "417");
    assert_eq!(refused["message"], "只支持查询90天范围内的数据,请分段查询");
    assert!(refused["data"].is_null());

    let mut body = window("2024-01-01", "2024-01-02");
    body["capacity"] = json!(301);
    let refused = b.call(EMPLOYEES, body).await;
    assert_eq!(refused["code"], "417");
    assert_eq!(refused["message"], "每批次数据量必须小于等于300");

    for (start, stop) in [("2024-02-01", "2024-01-01"), ("2024/01/01", "2024-01-02")] {
        let refused = b
            .call(paths::ORGANIZATION_GET_BY_TIME_WINDOW, window(start, stop))
            .await;
        assert_eq!(refused["code"], "417", "{start} {stop}");
    }
    let refused = b.call(EMPLOYEES, json!({"stopTime": "2024-01-02"})).await;
    assert_eq!(refused["code"], "417");
}

/// The `/token` flow as the public Java client yxd9485/OpenApi sends it
/// (a form), with a numeric app key read as its digits, and JSON with the
/// vendor's comments.
#[tokio::test]
async fn the_token_flow_takes_a_form_and_json_with_comments() {
    let mut config = config(10);
    config.beisen.app_key = "20211231".into();
    let b = Beisen::start(config).await;
    let cfg = b.sandbox.config().beisen.clone();
    let url = format!("{}{}", b.sandbox.beisen_url(), paths::TOKEN);
    let form = b
        .client
        .post(&url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("app_key", cfg.app_key.as_str()),
            ("app_secret", cfg.app_secret.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let issued: Value = form.json().await.unwrap();
    let token = issued["access_token"].as_str().expect("a token");
    let response = b
        .raw_with(token, EMPLOYEES, &window("2024-01-01", "2024-01-02"))
        .await;
    assert_eq!(response.status(), 200);

    let (status, _) = b
        .post_token(json!({"grant_type": "client_credentials", "app_key": 20211231, "app_secret": cfg.app_secret}))
        .await;
    assert_eq!(status, 200, "a numeric app key");
    let commented = format!(
        "{{\"grant_type\": \"client_credentials\", // 授权类型\n \"app_key\": \"{}\", /* key */ \"app_secret\": \"{}\"}}",
        cfg.app_key, cfg.app_secret
    );
    let response = b
        .client
        .post(&url)
        .header("Content-Type", "application/json")
        .body(commented)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let wrong = b
        .client
        .post(&url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("app_key", cfg.app_key.as_str()),
            ("app_secret", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
}

/// ASP.NET routing ignores the case of a path and a trailing slash:
/// clients that spell the documented paths otherwise reach them.
#[tokio::test]
async fn paths_match_without_case_or_trailing_slash() {
    let b = Beisen::start(config(100)).await;
    let lower = EMPLOYEES.to_ascii_lowercase() + "/";
    let (status, reply) = b.send(&lower, &window("2024-01-01", "2024-01-02")).await;
    assert_eq!((status, &reply["code"]), (200, &json!("200")), "{reply}");
    let cfg = b.sandbox.config().beisen.clone();
    let tenant = b.data().tenant_id().to_string();
    let response = b
        .client
        .post(format!("{}/oauth/token", b.sandbox.beisen_url()))
        .form(&[
            ("app_id", cfg.app_id.as_str()),
            ("secret", cfg.secret.as_str()),
            ("tenant_id", tenant.as_str()),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (status, _) = b.send("/no/such/route/", &json!({})).await;
    assert_eq!(status, 404);
}

/// `startTime`/`stopTime` typed `string <date-time>` in the seed: RFC 3339
/// with an offset selects the same people as the civil time it names in
/// China.
#[tokio::test]
async fn rfc3339_window_times_are_read_in_china_time() {
    let b = Beisen::start(config(1_000)).await;
    let civil = b
        .scroll_all(
            EMPLOYEES,
            window("2024-04-01T00:00:00", "2024-04-15T00:00:00"),
        )
        .await;
    for (start, stop) in [
        ("2024-03-31T16:00:00Z", "2024-04-14T16:00:00Z"),
        ("2024-04-01T00:00:00+08:00", "2024-04-15T00:00:00.000+08:00"),
    ] {
        let pages = b.scroll_all(EMPLOYEES, window(start, stop)).await;
        assert_eq!(user_ids(&pages), user_ids(&civil), "{start} {stop}");
    }
    assert!(!user_ids(&civil).is_empty());
}

#[tokio::test]
async fn query_type_selects_modified_or_business_time() {
    let b = Beisen::start(config(1_000)).await;
    let (start, stop) = (at("2024-04-01T00:00:00"), at("2024-04-15T00:00:00"));
    let by_modified = expected_user_ids(b.data(), start, stop, false, ACTIVE);
    let by_business = expected_user_ids(b.data(), start, stop, true, ACTIVE);
    assert_ne!(by_modified, by_business, "the dataset gives different sets");

    for (query_type, expected) in [(json!(1), &by_modified), (json!("2"), &by_business)] {
        let mut body = window("2024-04-01", "2024-04-15");
        body["timeWindowQueryType"] = query_type.clone();
        let pages = b.scroll_all(EMPLOYEES, body).await;
        let got: BTreeSet<i64> = user_ids(&pages).into_iter().collect();
        assert_eq!(&got, expected, "timeWindowQueryType {query_type}");
    }
}

#[tokio::test]
async fn emp_status_and_with_disabled_follow_the_vendor_table() {
    let b = Beisen::start(config(1_000)).await;
    let (start, stop) = (at("2024-01-01T00:00:00"), at("2024-03-01T00:00:00"));
    let cases = [
        (json!({}), ACTIVE),
        (json!({"empStatus": []}), ACTIVE),
        (json!({"empStatus": null, "withDisabled": false}), ACTIVE),
        (json!({"withDisabled": true}), ALL),
        (json!({"empStatus": [], "withDisabled": true}), ALL),
        (json!({"empStatus": [8], "withDisabled": false}), &[8][..]),
        (json!({"empStatus": ["6", 8]}), &[6, 8][..]),
    ];
    for (filters, statuses) in cases {
        let mut body = window("2024-01-01", "2024-03-01");
        for (k, v) in filters.as_object().unwrap() {
            body[k] = v.clone();
        }
        let pages = b.scroll_all(EMPLOYEES, body).await;
        let got: BTreeSet<i64> = user_ids(&pages).into_iter().collect();
        assert_eq!(
            got,
            expected_user_ids(b.data(), start, stop, false, statuses),
            "{filters}"
        );
        for item in pages.iter().flat_map(|p| p["data"].as_array().unwrap()) {
            let status: u8 = item["recordInfo"]["employeeStatus"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(statuses.contains(&status));
        }
    }
    let mut body = window("2024-01-01", "2024-03-01");
    body["empStatus"] = json!([13]);
    assert_eq!(b.call(EMPLOYEES, body).await["code"], "417");
}

#[tokio::test]
async fn a_full_scroll_returns_each_record_exactly_once() {
    let b = Beisen::start(config(2_000)).await;
    let mut body = window("2024-02-01", "2024-05-01");
    body["withDisabled"] = json!(true);
    let pages = b.scroll_all(EMPLOYEES, body).await;
    let expected = expected_user_ids(
        b.data(),
        at("2024-02-01T00:00:00"),
        at("2024-05-01T00:00:00"),
        false,
        ALL,
    );
    assert!(expected.len() > 300, "several pages: {}", expected.len());

    let ids = user_ids(&pages);
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "no record twice");
    assert_eq!(unique, expected);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "userID ascending");

    let scroll_ids: HashSet<&str> = pages
        .iter()
        .map(|p| p["scrollId"].as_str().unwrap())
        .collect();
    assert_eq!(scroll_ids.len(), pages.len(), "a new id every page");
    let (last, rest) = pages.split_last().unwrap();
    for (k, page) in rest.iter().enumerate() {
        assert_eq!(page["total"], expected.len());
        // By default isLastData is true on the last batch with records, as
        // seed 003 documents it (`Early` is an adversarial option).
        assert_eq!(page["isLastData"], k + 1 == rest.len(), "page {k}");
    }
    assert_eq!(last["data"], json!([]));
    assert_eq!(last["code"], "200");
    assert_eq!(b.counter("scrolls_expired.beisen"), 0);
}

#[tokio::test]
async fn consecutive_windows_split_without_gap_or_overlap() {
    let b = Beisen::start(config(1_000)).await;
    // Split exactly on the modification time of someone the query selects.
    let data = b.data();
    let (i, boundary) = (0..data.len())
        .map(|i| (i, data.modified_time(i)))
        .find(|(i, t)| {
            *t > at("2024-03-01T00:00:00")
                && *t < at("2024-04-01T00:00:00")
                && !data.is_deleted(*i)
                && data.employ_type(*i) == 0
                && data.service_type(*i) == 0
        })
        .unwrap();
    let on_boundary = data.person(i).user_id;
    let boundary = boundary.format("%Y-%m-%dT%H:%M:%S").to_string();
    let mut body = window("2024-03-01", "2024-04-01");
    body["withDisabled"] = json!(true);
    let whole: Vec<i64> = user_ids(&b.scroll_all(EMPLOYEES, body.clone()).await);
    body["stopTime"] = json!(boundary);
    let first = user_ids(&b.scroll_all(EMPLOYEES, body.clone()).await);
    body["startTime"] = json!(boundary);
    body["stopTime"] = json!("2024-04-01");
    let second = user_ids(&b.scroll_all(EMPLOYEES, body).await);

    let mut joined: Vec<i64> = first.iter().chain(&second).copied().collect();
    joined.sort_unstable();
    assert_eq!(joined, whole);
    assert!(first.iter().all(|id| !second.contains(id)));
    // The stop is exclusive and the start inclusive.
    assert!(!first.contains(&on_boundary) && second.contains(&on_boundary));
}

#[tokio::test]
async fn an_idle_scroll_dies_silently() {
    let cfg = config(1_000);
    let idle = cfg.beisen.scroll_idle;
    assert_eq!(idle, Duration::from_secs(10), "the vendor's idle limit");
    let b = Beisen::start(cfg).await;
    let mut body = window("2024-01-01", "2024-03-31");
    body["capacity"] = json!(10);
    let first = b.call(EMPLOYEES, body.clone()).await;
    assert!(first["total"].as_u64().unwrap() > 20);
    body["scrollId"] = first["scrollId"].clone();
    // Idle time short of the limit: the scroll lives on.
    b.sandbox.advance_clock(idle / 2);
    let second = b.call(EMPLOYEES, body.clone()).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 10);
    body["scrollId"] = second["scrollId"].clone();

    b.sandbox.advance_clock(idle + Duration::from_secs(1));
    let dead = b.call(EMPLOYEES, body).await;
    assert_eq!(dead["code"], "200");
    assert_eq!(dead["data"], json!([]));
    assert_eq!(b.counter("scrolls_expired.beisen"), 1);
    assert_eq!(b.counter("scrolls_ended.beisen"), 0);
}

#[tokio::test]
async fn the_clock_can_be_advanced_over_http() {
    let b = Beisen::start(config(1_000)).await;
    let mut body = window("2024-01-01", "2024-03-31");
    body["capacity"] = json!(10);
    let first = b.call(EMPLOYEES, body.clone()).await;
    body["scrollId"] = first["scrollId"].clone();
    let advance = |query: &str| {
        b.client
            .post(format!(
                "{}/_sandbox/clock/advance{query}",
                b.sandbox.isdp_url()
            ))
            .send()
    };
    for bad in ["", "?seconds=", "?seconds=-1", "?seconds=NaN", "?minutes=5"] {
        let response = advance(bad).await.unwrap();
        assert_eq!(response.status(), 400, "{bad}");
    }
    assert_eq!(b.sandbox.clock().offset(), Duration::ZERO);
    let response = advance("?seconds=10.5").await.unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["advanced_secs"], 10.5);
    assert_eq!(answer["offset_secs"], 10.5);
    let clock: Value = b
        .client
        .get(format!("{}/_sandbox/clock", b.sandbox.travel_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["offset_secs"], 10.5);
    // One clock for all three simulators: the Beisen scroll idled out.
    let dead = b.call(EMPLOYEES, body).await;
    assert_eq!(dead["data"], json!([]));
    assert_eq!(b.counter("scrolls_expired.beisen"), 1);
}

#[tokio::test]
async fn expire_scrolls_kills_every_open_scroll() {
    let b = Beisen::start(config(1_000)).await;
    let mut body = window("2024-01-01", "2024-03-31");
    body["capacity"] = json!(10);
    let employees = b.call(EMPLOYEES, body.clone()).await;
    let orgs = b
        .call(paths::ORGANIZATION_GET_BY_TIME_WINDOW, body.clone())
        .await;
    b.sandbox.expire_scrolls();
    for (path, page) in [
        (EMPLOYEES, employees),
        (paths::ORGANIZATION_GET_BY_TIME_WINDOW, orgs),
    ] {
        body["scrollId"] = page["scrollId"].clone();
        let dead = b.call(path, body.clone()).await;
        assert_eq!(
            (&dead["code"], &dead["data"]),
            (&json!("200"), &json!([])),
            "{path}"
        );
    }
    assert_eq!(b.counter("scrolls_expired.beisen"), 2);
    // New scrolls work.
    body["scrollId"] = json!("");
    assert_eq!(
        b.call(EMPLOYEES, body).await["data"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
}

#[tokio::test]
async fn scroll_ids_change_every_page_and_old_ones_are_refused() {
    let b = Beisen::start(config(1_000)).await;
    let mut body = window("2024-01-01", "2024-03-31");
    body["capacity"] = json!(5);
    let first = b.call(EMPLOYEES, body.clone()).await;
    let first_id = first["scrollId"].clone();
    body["scrollId"] = first_id.clone();
    let second = b.call(EMPLOYEES, body.clone()).await;
    let second_id = second["scrollId"].clone();
    assert_ne!(first_id, second_id);
    assert!(
        second_id
            .as_str()
            .unwrap()
            .starts_with("DXF1ZXJ5QW5kRmV0Y2gB")
    );
    let ids = |page: &Value| user_ids(std::slice::from_ref(page));
    assert!(ids(&first).last() < ids(&second).first());

    // Going back to an older id (as a careless retry would) is refused.
    let stale = b.call(EMPLOYEES, body.clone()).await;
    assert_eq!(
        (&stale["code"], &stale["message"], &stale["data"]),
        (&json!("417"), &json!("scrollId无效或已过期"), &Value::Null)
    );
    // The latest id still continues, right after the second page.
    body["scrollId"] = second_id.clone();
    let third = b.call(EMPLOYEES, body.clone()).await;
    assert_eq!(third["code"], "200");
    assert!(ids(&second).last() < ids(&third).first());
    assert_eq!(
        b.call(EMPLOYEES, body.clone()).await["message"],
        "scrollId无效或已过期"
    );

    // Not a scroll id at all, and an employee id on another endpoint.
    for (path, scroll_id) in [
        (EMPLOYEES, json!("bm90IGEgc2Nyb2xsIGlk")),
        (
            paths::POSITION_GET_BY_TIME_WINDOW,
            third["scrollId"].clone(),
        ),
    ] {
        body["scrollId"] = scroll_id;
        let refused = b.call(path, body.clone()).await;
        assert_eq!(
            (&refused["code"], &refused["message"]),
            (&json!("417"), &json!("scrollId无效"))
        );
    }

    // A finished scroll keeps answering empty to its latest id, without
    // counting as expired; older ids are still refused.
    let mut small = window("2024-01-01", "2024-01-03");
    small["withDisabled"] = json!(true);
    let pages = b.scroll_all(EMPLOYEES, small.clone()).await;
    let end_id = pages.last().unwrap()["scrollId"].clone();
    small["scrollId"] = end_id.clone();
    let after = b.call(EMPLOYEES, small.clone()).await;
    assert_eq!(
        (&after["code"], &after["data"], &after["scrollId"]),
        (&json!("200"), &json!([]), &end_id)
    );
    assert_eq!(after["total"], pages[0]["total"]);
    small["scrollId"] = pages[0]["scrollId"].clone();
    assert_eq!(b.call(EMPLOYEES, small).await["code"], "417");
    assert_eq!(b.counter("scrolls_expired.beisen"), 0);

    // A dead scroll answers any of its ids silently, empty with "200".
    b.sandbox.expire_scrolls();
    for id in [&first_id, &third["scrollId"]] {
        body["scrollId"] = id.clone();
        let dead = b.call(EMPLOYEES, body.clone()).await;
        assert_eq!(
            (&dead["code"], &dead["data"], &dead["total"]),
            (&json!("200"), &json!([]), &json!(0))
        );
    }
    assert_eq!(b.counter("scrolls_expired.beisen"), 2);

    // The vendor's example id is well-formed but names another cluster's
    // context: answered like an expired scroll, so that replaying the
    // example succeeds.
    body["scrollId"] = json!("DXF1ZXJ5QW5kRmV0Y2gBAAAAAAVrsaUWdnVycEd3OEFRRm02aEpHRFZQZ2htdw==");
    let foreign = b.call(EMPLOYEES, body.clone()).await;
    assert_eq!(
        (&foreign["code"], &foreign["data"]),
        (&json!("200"), &json!([]))
    );
    assert_eq!(b.counter("scrolls_expired.beisen"), 3);
}

#[tokio::test]
async fn the_list_endpoint_returns_every_selected_record() {
    let b = Beisen::start(config(1_000)).await;
    let mut body = window("2024-01-01", "2024-03-31");
    let default = b
        .scroll_all(paths::EMPLOYEE_GET_LIST_BY_TIME_WINDOW, body.clone())
        .await;
    let single = b.scroll_all(EMPLOYEES, body.clone()).await;
    assert_eq!(
        user_ids(&default),
        user_ids(&single),
        "same employees as the single-record endpoint"
    );
    for item in default.iter().flat_map(|p| p["data"].as_array().unwrap()) {
        assert!(item.get("recordInfo").is_none());
        let records = item["recordInfos"].as_array().unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["serviceType"], 0);
    }

    body["serviceType"] = json!([0, 1]);
    let both = b
        .scroll_all(paths::EMPLOYEE_GET_LIST_BY_TIME_WINDOW, body)
        .await;
    let mut part_time = 0;
    for item in both.iter().flat_map(|p| p["data"].as_array().unwrap()) {
        let records = item["recordInfos"].as_array().unwrap();
        if records.len() == 2 {
            part_time += 1;
            assert_eq!(
                (&records[0]["serviceType"], &records[1]["serviceType"]),
                (&json!(0), &json!(1))
            );
            assert_eq!(records[0]["userID"], records[1]["userID"]);
            assert_ne!(records[0]["objectId"], records[1]["objectId"]);
            assert_eq!(
                records[1]["pObjectDataID"],
                item["employeeInfo"]["objectId"]
            );
        }
    }
    assert!(part_time > 0, "some people hold a part-time post");
}

#[tokio::test]
async fn lookups_by_ids_and_by_email() {
    let b = Beisen::start(config(500)).await;
    let data = b.data();
    let (p1, p2) = (data.person(3), data.person(42));
    let (q1, q2) = (
        data.index_of_user_id(p1.user_id),
        data.index_of_user_id(p2.user_id),
    );
    assert_eq!((q1, q2), (Some(3), Some(42)));
    let live: Vec<i64> = [&p1, &p2]
        .iter()
        .filter(|p| !p.is_deleted)
        .map(|p| p.user_id)
        .collect();

    let found = b
        .call(
            paths::EMPLOYEE_GET_BASIC_INFO_BY_IDS,
            json!({"oIds": [p2.user_id, p1.user_id, 1]}),
        )
        .await;
    assert_eq!(found["code"], "200");
    let items = found["data"].as_array().unwrap();
    let got: Vec<i64> = items
        .iter()
        .map(|i| i["userID"].as_i64().unwrap())
        .collect();
    let mut want = live.clone();
    want.reverse();
    assert_eq!(got, want, "request order, unknown ids skipped");
    assert!(
        items
            .iter()
            .all(|i| i.get("recordInfo").is_none() && i["iDNumber"].is_string())
    );

    for (body, message) in [
        (
            json!({}),
            "Value cannot be null.\r\nParameter name: Argument name: Ids is null",
        ),
        (
            json!({"oIds": [p1.user_id.to_string()]}),
            "OIds所有元素必须为大于等于0的整数",
        ),
        (
            json!({"oIds": vec![p1.user_id; 301]}),
            "OIds数量不能超过300",
        ),
    ] {
        let refused = b.call(paths::EMPLOYEE_GET_BASIC_INFO_BY_IDS, body).await;
        assert_eq!(
            (&refused["code"], &refused["message"]),
            (&json!("417"), &json!(message))
        );
    }

    let live_person = if p1.is_deleted { &p2 } else { &p1 };
    let by_email = b
        .call(
            paths::EMPLOYEE_GET_USER_ID_BY_EMAIL,
            json!({"email": live_person.email}),
        )
        .await;
    assert_eq!(by_email["data"], live_person.user_id.to_string());
    let upper = b
        .call(
            paths::EMPLOYEE_GET_USER_ID_BY_EMAIL,
            json!({"email": live_person.email.to_uppercase()}),
        )
        .await;
    assert_eq!(
        (&upper["code"], &upper["data"]),
        (&json!("200"), &Value::Null)
    );

    let root = data.orgs()[0].oid;
    let child = data.orgs()[1].oid;
    let orgs = b
        .call(
            paths::ORGANIZATION_GET_BY_IDS,
            json!({"oIds": [child, root, 7]}),
        )
        .await;
    let items = orgs["data"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["pOIdOrgAdmin"], root);
    assert_eq!(items[1]["oId"], root);
    assert!(items[1]["pOIdOrgAdmin"].is_null());
    assert_eq!(items[1]["pOIdOrgReserve2"], -2);
}

#[tokio::test]
async fn organisation_position_and_job_post_windows() {
    let b = Beisen::start(config(1_000)).await;
    let data = b.data();
    let (start, stop) = (at("2024-01-01T00:00:00"), at("2024-03-31T00:00:00"));

    let pages = b
        .scroll_all(
            paths::ORGANIZATION_GET_BY_TIME_WINDOW,
            window("2024-01-01", "2024-03-31"),
        )
        .await;
    let got: BTreeSet<i64> = pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap())
        .map(|o| o["oId"].as_i64().unwrap())
        .collect();
    let want: BTreeSet<i64> = data
        .orgs()
        .iter()
        .filter(|o| o.status == 1 && start <= o.modified_time && o.modified_time < stop)
        .map(|o| o.oid)
        .collect();
    assert_eq!(got, want);
    let org = &pages[0]["data"][0];
    for key in [
        "name",
        "shortName",
        "code",
        "level",
        "status",
        "personInCharge",
        "personInChargeDeputy",
    ] {
        assert!(org.get(key).is_some(), "organisation.{key}");
    }

    let positions = b
        .call(
            paths::POSITION_GET_BY_TIME_WINDOW,
            window("2024-01-01", "2024-03-31"),
        )
        .await;
    let item = &positions["data"][0];
    let oid = item["oId"].as_str().unwrap();
    assert!(
        (0..data.len()).any(|i| data.person(i).position_oid == oid),
        "{oid} is someone's position"
    );
    assert!(item["oIdOrganization"].is_i64() && item["oIdJobPost"].is_string());

    // Job posts over the whole span in consecutive windows: each at most once.
    let mut seen = HashSet::new();
    for (a, z) in [
        ("2024-01-01", "2024-03-31"),
        ("2024-03-31", "2024-06-29"),
        ("2024-06-29", "2024-09-27"),
        ("2024-09-27", "2024-12-26"),
        ("2024-12-26", "2025-01-01"),
    ] {
        for page in b
            .scroll_all(paths::JOB_POST_GET_BY_TIME_WINDOW, window(a, z))
            .await
        {
            for post in page["data"].as_array().unwrap() {
                let oid: u32 = post["oId"].as_str().unwrap().parse().unwrap();
                assert!((20_000..20_300).contains(&oid));
                assert!(seen.insert(oid), "{oid} twice");
            }
        }
    }
    assert!(
        seen.len() > 250,
        "most job posts are enabled: {}",
        seen.len()
    );
}

#[tokio::test]
async fn attendance_cursor_pages_walk_to_the_end() {
    let b = Beisen::start(config(2_000)).await;
    let path = paths::VACATION_GET_BY_APPROVAL_TIME;
    let mut body = json!({"approveStartDate": "2024-05-06", "approveStopDate": "2024-05-06 23:59:59", "pageSize": 7});
    let mut seen = HashSet::new();
    let mut total = None;
    let mut pages = 0;
    loop {
        let page = b.call(path, body.clone()).await;
        assert_eq!(page["code"], "200", "{page}");
        let data = &page["data"];
        total.get_or_insert(data["total"].as_u64().unwrap());
        for leave in data["vacationList"].as_array().unwrap() {
            assert!(seen.insert(leave["vacationId"].as_str().unwrap().to_owned()));
            assert_ne!(leave["approveStatus"], 2, "never in approval");
            assert!(
                leave["approveCompleteDateTime"]
                    .as_str()
                    .unwrap()
                    .starts_with("2024-05-06 ")
            );
        }
        pages += 1;
        if data["isLastPage"] == true {
            break;
        }
        body["queryCursor"] = data["sortCursor"].clone();
        assert!(pages < 100);
    }
    assert_eq!(seen.len() as u64, total.unwrap());
    assert!(pages >= 2, "{pages} pages of 7 for {} leaves", seen.len());

    // Only approved leaves when asked.
    let approved = b
        .call(path, json!({"approveStartDate": "2024-05-06", "approveStopDate": "2024-05-06", "approveStatus": 1}))
        .await;
    assert!(
        approved["data"]["vacationList"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["approveStatus"] == 1)
    );

    let refusals = [
        json!({"approveStartDate": "2024-05-06", "approveStopDate": "2024-05-07"}),
        json!({"approveStartDate": "2024-05-06", "approveStopDate": "2024-05-06", "pageSize": 0}),
        json!({"approveStartDate": "2024-05-06", "approveStopDate": "2024-05-06", "approveStatus": 9}),
        json!({"approveStartDate": "2024-05-07", "approveStopDate": "2024-05-07", "queryCursor": body["queryCursor"]}),
    ];
    for refusal in refusals {
        let refused = b.call(path, refusal.clone()).await;
        assert_eq!(
            (&refused["code"], &refused["data"]),
            (&json!("417"), &json!([])),
            "{refusal}"
        );
    }
}

#[tokio::test]
async fn recruiting_batches_walk_to_the_end() {
    let b = Beisen::start(config(1_000)).await;
    let path = paths::APPLY_GET_BY_MODIFIED_TIME;
    let mut body = json!({"startTime": "2024-02-01T00:00:00", "endTime": "2024-03-15T00:00:00", "batchId": ""});
    let mut seen = HashSet::new();
    let mut batches = 0;
    let total = loop {
        let batch = b.call(path, body.clone()).await;
        assert_eq!(batch["code"], 200, "an integer code: {batch}");
        let data = &batch["data"];
        let items = data["items"].as_array().unwrap();
        assert!(items.len() <= 1_000);
        for item in items {
            assert!(item["applicantId"].is_string() && item["jobId"].is_string());
            assert!(seen.insert(item["applyId"].as_str().unwrap().to_owned()));
        }
        batches += 1;
        if data["isLastBatch"] == true {
            assert!(data["nextBatchId"].is_null());
            break data["total"].as_u64().unwrap();
        }
        body["batchId"] = data["nextBatchId"].clone();
        assert!(batches < 50);
    };
    assert_eq!(seen.len() as u64, total);
    assert!(batches >= 2, "{total} applications in {batches} batches");

    let refused = b
        .call(
            path,
            json!({"startTime": "2024-03-01", "endTime": "2024-03-01"}),
        )
        .await;
    assert_eq!(
        refused,
        json!({"data": null, "code": 400, "message": "开始时间不能大于等于结束时间"})
    );
    let refused = b
        .call(
            path,
            json!({"startTime": "2024-03-01", "endTime": "2024-03-02", "batchId": "bogus"}),
        )
        .await;
    assert_eq!(refused["code"], 400);
}

#[tokio::test]
async fn approval_statuses_filter_records() {
    let b = Beisen::start(config(2_000)).await;
    let data = b.data();
    let (start, stop) = (at("2024-01-01T00:00:00"), at("2024-03-31T00:00:00"));
    let in_window = |statuses: &[u8]| -> BTreeSet<i64> {
        (0..data.len())
            .filter(|&i| {
                let t = data.modified_time(i);
                start <= t
                    && t < stop
                    && !data.is_deleted(i)
                    && ACTIVE.contains(&data.emp_status(i))
                    && data.employ_type(i) == 0
                    && data.service_type(i) == 0
                    && statuses.contains(&data.approval_status(i))
            })
            .map(|i| data.person(i).user_id)
            .collect()
    };
    let effective = in_window(&[4]);
    let approved = in_window(&[2]);
    assert!(!effective.is_empty() && !approved.is_empty());
    let scroll = async |filter: Option<Value>| -> BTreeSet<i64> {
        let mut body = window("2024-01-01", "2024-03-31");
        if let Some(filter) = filter {
            body["approvalStatuses"] = filter;
        }
        user_ids(&b.scroll_all(EMPLOYEES, body).await)
            .into_iter()
            .collect()
    };

    // By default only effective (4) records: "默认查询未删除、审批生效的员工信息".
    for default in [None, Some(json!(null)), Some(json!([]))] {
        assert_eq!(scroll(default.clone()).await, effective, "{default:?}");
    }
    assert_eq!(scroll(Some(json!([2]))).await, approved);
    let both: BTreeSet<i64> = effective.union(&approved).copied().collect();
    assert_eq!(scroll(Some(json!([2, "4"]))).await, both);
    // Every enum value 0–6 is accepted; the dataset has none in 0, 1, 3, 5, 6.
    assert!(scroll(Some(json!([0, 1, 3, 5, 6]))).await.is_empty());
    for bad in [json!([7]), json!([-1])] {
        let mut body = window("2024-01-01", "2024-03-31");
        body["approvalStatuses"] = bad.clone();
        assert_eq!(b.call(EMPLOYEES, body).await["code"], "417", "{bad}");
    }
}

#[tokio::test]
async fn is_last_data_is_exact_early_or_never_as_configured() {
    use hr_sandbox::beisen::IsLastData;
    for (mode, flags) in [
        // Four pages with records, then the empty end page.
        (IsLastData::Exact, [false, false, false, true, true]),
        (IsLastData::Early, [false, false, true, true, true]),
        (IsLastData::Never, [false, false, false, false, false]),
    ] {
        let mut cfg = config(1_000);
        cfg.beisen.is_last_data = mode;
        let b = Beisen::start(cfg).await;
        let mut body = window("2024-01-01", "2024-03-31");
        let total = b.call(EMPLOYEES, body.clone()).await["total"]
            .as_u64()
            .unwrap();
        // Four pages, the last one partial.
        body["capacity"] = json!(total.div_ceil(4) + u64::from(total % 4 == 0));
        assert_eq!(total.div_ceil(body["capacity"].as_u64().unwrap()), 4);
        let pages = b.scroll_all(EMPLOYEES, body).await;
        let got: Vec<bool> = pages
            .iter()
            .map(|p| p["isLastData"].as_bool().unwrap())
            .collect();
        assert_eq!(got, flags, "{mode:?}");
    }
}

#[tokio::test]
async fn the_least_recently_used_scroll_is_evicted_beyond_the_cap() {
    let mut cfg = config(1_000);
    cfg.beisen.max_live_scrolls = 2;
    let b = Beisen::start(cfg).await;
    let mut body = window("2024-01-01", "2024-03-31");
    body["capacity"] = json!(5);
    let a = b.call(EMPLOYEES, body.clone()).await;
    let c = b
        .call(paths::ORGANIZATION_GET_BY_TIME_WINDOW, body.clone())
        .await;
    // Using `a` leaves the organisation scroll the least recently used.
    body["scrollId"] = a["scrollId"].clone();
    let a = b.call(EMPLOYEES, body.clone()).await;
    body["scrollId"] = json!("");
    let d = b.call(EMPLOYEES, body.clone()).await;
    assert_eq!(d["code"], "200");
    assert_eq!(b.counter("scrolls_evicted.beisen"), 1);

    body["scrollId"] = c["scrollId"].clone();
    let evicted = b
        .call(paths::ORGANIZATION_GET_BY_TIME_WINDOW, body.clone())
        .await;
    assert_eq!(
        (&evicted["code"], &evicted["data"], &evicted["total"]),
        (&json!("200"), &json!([]), &json!(0)),
        "an evicted scroll answers like an expired one"
    );
    assert_eq!(b.counter("scrolls_expired.beisen"), 1);
    for page in [a, d] {
        body["scrollId"] = page["scrollId"].clone();
        let next = b.call(EMPLOYEES, body.clone()).await;
        assert_eq!(next["data"].as_array().unwrap().len(), 5, "{next}");
    }
}

#[tokio::test]
async fn oauth_expires_in_is_an_epoch_string_or_seconds() {
    use hr_sandbox::beisen::OAuthExpiresIn;
    for mode in [OAuthExpiresIn::EpochString, OAuthExpiresIn::Seconds] {
        let mut cfg = config(100);
        cfg.beisen.oauth_expires_in = mode;
        let b = Beisen::start(cfg).await;
        let cfg = b.sandbox.config().beisen.clone();
        let tenant = b.data().tenant_id().to_string();
        // The epoch is written on the sandbox's clock.
        const DAY: u64 = 86_400;
        b.sandbox.advance_clock(Duration::from_secs(DAY));
        let (status, oauth) = b
            .oauth(&[
                ("secret", &cfg.secret),
                ("tenant_id", &tenant),
                ("grant_type", "client_credentials"),
            ])
            .await;
        assert_eq!(status, 200, "{oauth}");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        match mode {
            OAuthExpiresIn::EpochString => {
                let at: u64 = oauth["expires_in"].as_str().unwrap().parse().unwrap();
                assert!(
                    (now + DAY + 7_100..=now + DAY + 7_300).contains(&at),
                    "{at}"
                );
            }
            OAuthExpiresIn::Seconds => assert_eq!(oauth["expires_in"], json!(7200)),
        }
        assert_eq!(oauth["tenant_id"], tenant.as_str());
        let token = oauth["access_token"].as_str().unwrap();
        let response = b
            .raw_with(token, EMPLOYEES, &window("2024-01-01", "2024-01-02"))
            .await;
        assert_eq!(response.status(), 200);
    }
}

#[tokio::test]
async fn the_window_message_has_either_comma() {
    for (fullwidth, message) in [
        (false, "只支持查询90天范围内的数据,请分段查询"),
        (true, "只支持查询90天范围内的数据，请分段查询"),
    ] {
        let mut cfg = config(100);
        cfg.beisen.window_message_fullwidth_comma = fullwidth;
        let b = Beisen::start(cfg).await;
        for path in [EMPLOYEES, paths::JOB_POST_GET_BY_TIME_WINDOW] {
            let refused = b.call(path, window("2024-01-01", "2024-04-01")).await;
            assert_eq!(
                (&refused["code"], &refused["message"]),
                (&json!("417"), &json!(message))
            );
        }
    }
}

#[tokio::test]
async fn null_custom_properties_are_omitted_exactly_for_their_people() {
    const NOTE: &str = "extProbationNote_100001_4";
    let b = Beisen::start(config(300)).await;
    let ids: Vec<i64> = (0..300).map(|i| b.data().person(i).user_id).collect();
    let found = b
        .call(
            paths::EMPLOYEE_GET_BASIC_INFO_BY_IDS,
            json!({"oIds": ids, "isWithDeleted": true}),
        )
        .await;
    let items = found["data"].as_array().unwrap();
    assert_eq!(items.len(), 300);
    let (mut null, mut set) = (0, 0);
    for item in items {
        let i = b
            .data()
            .index_of_user_id(item["userID"].as_i64().unwrap())
            .unwrap();
        let p = b.data().person(i);
        let value = &p.custom.iter().find(|(k, _)| k == NOTE).unwrap().1;
        let custom = item["customProperties"].as_object().unwrap();
        if value.is_null() {
            assert!(!custom.contains_key(NOTE), "{custom:?}");
            null += 1;
        } else {
            assert_eq!(&custom[NOTE], value);
            set += 1;
        }
    }
    assert!(null > 100 && set > 100, "{null} null, {set} set");
}

/// `(modifiedTime, userID)` of every employee of `pages`, in order.
fn modified_and_ids(pages: &[Value], key: &str) -> Vec<(NaiveDateTime, i64)> {
    pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap())
        .map(|item| {
            let info = &item["employeeInfo"];
            let t = info[key].as_str().unwrap();
            let t = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").expect(t);
            (t, info["userID"].as_i64().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn sort_orders_by_user_id_and_times_both_ways() {
    let b = Beisen::start(config(1_000)).await;
    let mut base = window("2024-01-01", "2024-03-31");
    base["capacity"] = json!(40);
    let default = user_ids(&b.scroll_all(EMPLOYEES, base.clone()).await);
    assert!(default.len() > 80, "several pages: {}", default.len());
    let sorted = |sort: Value| {
        let mut body = base.clone();
        body["sort"] = sort;
        body
    };

    let mut descending = default.clone();
    descending.reverse();
    let by_id = user_ids(&b.scroll_all(EMPLOYEES, sorted(json!({"UserID": 2}))).await);
    assert_eq!(by_id, descending);
    // 0 is "no sort", so the next key decides; keys keep request order.
    let zero_then_id = sorted(json!({"ModifiedTime": 0, "userID": 2}));
    assert_eq!(
        user_ids(&b.scroll_all(EMPLOYEES, zero_then_id).await),
        descending
    );

    for (key, direction) in [
        ("ModifiedTime", 1),
        ("ModifiedTime", 2),
        ("BusinessModifiedTime", 1),
    ] {
        let pages = b
            .scroll_all(EMPLOYEES, sorted(json!({ key: direction })))
            .await;
        let field = if key == "ModifiedTime" {
            "modifiedTime"
        } else {
            "businessModifiedTime"
        };
        let got = modified_and_ids(&pages, field);
        let mut want = got.clone();
        // Ties fall back to userID ascending.
        want.sort_by(|a, b| match direction {
            1 => a.cmp(b),
            _ => b.0.cmp(&a.0).then(a.1.cmp(&b.1)),
        });
        assert_eq!(got, want, "{key} {direction}");
        let mut ids: Vec<i64> = got.iter().map(|(_, id)| *id).collect();
        ids.sort_unstable();
        assert_eq!(ids, default, "the same records, reordered");
    }

    // Departments by oId, descending: the root (900…) first.
    let mut body = window("2024-01-01", "2024-03-31");
    body["sort"] = json!({"OId": 2});
    body["withDisabled"] = json!(true);
    let orgs: Vec<i64> = b
        .scroll_all(paths::ORGANIZATION_GET_BY_TIME_WINDOW, body)
        .await
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap())
        .map(|o| o["oId"].as_i64().unwrap())
        .collect();
    assert!(orgs.len() >= 3, "{orgs:?}");
    assert_eq!(orgs[0], b.data().orgs()[0].oid, "{orgs:?}");
    assert!(orgs.windows(2).all(|w| w[0] > w[1]), "{orgs:?}");

    for (sort, message) in [
        (json!({"Nope": 1}), "暂不支持的排序字段:Nope"),
        (json!({"UserID": 3}), "sort参数不正确"),
        (json!(["UserID"]), "sort参数不正确"),
    ] {
        let refused = b.call(EMPLOYEES, sorted(sort.clone())).await;
        assert_eq!(
            (&refused["code"], &refused["message"]),
            (&json!("417"), &json!(message)),
            "{sort}"
        );
    }
    let mut body = window("2024-01-01", "2024-03-31");
    body["sort"] = json!({"UserID": 1});
    let refused = b.call(paths::POSITION_GET_BY_TIME_WINDOW, body).await;
    assert_eq!(refused["code"], "417", "positions have no userID");
}

#[tokio::test]
async fn ext_queries_filter_on_custom_properties() {
    let b = Beisen::start(config(1_000)).await;
    let data = b.data();
    let base = window("2024-01-01", "2024-03-31");
    let everyone: BTreeSet<i64> = user_ids(&b.scroll_all(EMPLOYEES, base.clone()).await)
        .into_iter()
        .collect();
    let custom = |id: i64, key: &str| -> Option<String> {
        let p = data.person(data.index_of_user_id(id).unwrap());
        p.custom
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_str().map(str::to_owned))
    };
    let query = async |queries: Value| -> BTreeSet<i64> {
        let mut body = base.clone();
        body["extQueries"] = queries;
        user_ids(&b.scroll_all(EMPLOYEES, body).await)
            .into_iter()
            .collect()
    };
    let subset = |f: &dyn Fn(i64) -> bool| -> BTreeSet<i64> {
        everyone.iter().copied().filter(|id| f(*id)).collect()
    };

    let center = "extCostCenter_100001_1";
    let first = everyone.iter().next().copied().unwrap();
    let wanted: Vec<String> = everyone
        .iter()
        .step_by(7)
        .take(3)
        .map(|id| custom(*id, center).unwrap())
        .collect();
    let equal = subset(&|id| custom(id, center).is_some_and(|c| wanted.contains(&c)));
    assert!(equal.contains(&first) && equal.len() < everyone.len());
    let got = query(json!([{"fieldName": center, "queryType": 5, "values": wanted}])).await;
    assert_eq!(got, equal);
    let got = query(json!([{"fieldName": center, "queryType": "6", "values": wanted}])).await;
    assert_eq!(got, everyone.difference(&equal).copied().collect());

    // null or "" test emptiness; conditions combine with "and".
    let note = "extProbationNote_100001_4";
    let city = "extWorkCity_100001_2";
    let empty_note = subset(&|id| custom(id, note).is_none());
    assert!(!empty_note.is_empty() && empty_note.len() < everyone.len());
    assert_eq!(
        query(json!([{"fieldName": note, "queryType": 5, "values": [null]}])).await,
        empty_note
    );
    assert_eq!(
        query(json!([{"fieldName": note, "queryType": 6, "values": [""]}])).await,
        everyone.difference(&empty_note).copied().collect()
    );
    let both =
        subset(&|id| custom(id, note).is_none() && custom(id, city).as_deref() == Some("北京"));
    assert!(!both.is_empty());
    let got = query(json!([
        {"fieldName": note, "queryType": 5, "values": [null]},
        {"fieldName": city, "queryType": 5, "values": ["北京"]}
    ]))
    .await;
    assert_eq!(got, both);

    // The record's contract type filters too.
    let contract = format!("extContractType_{}_9", data.tenant_id());
    let pages = b.scroll_all(EMPLOYEES, base.clone()).await;
    let fixed: BTreeSet<i64> = pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap())
        .filter(|item| item["recordInfo"]["customProperties"][&contract] == "固定期限")
        .map(|item| item["employeeInfo"]["userID"].as_i64().unwrap())
        .collect();
    assert!(!fixed.is_empty());
    assert_eq!(
        query(json!([{"fieldName": contract, "queryType": 5, "values": ["固定期限"]}])).await,
        fixed
    );

    // Fields the tenant does not have are dropped, as the vendor says;
    // names are case-sensitive.
    for field in ["extNoSuchField_100001_99", "EXTCOSTCENTER_100001_1"] {
        let got = query(json!([{"fieldName": field, "queryType": 5, "values": ["x"]}])).await;
        assert_eq!(got, everyone, "{field}");
    }

    let too_many: Vec<String> = (0..301).map(|k| k.to_string()).collect();
    for (queries, message) in [
        (
            json!([{"fieldName": center, "queryType": 1, "values": ["1", "2"]}]),
            "extQueries.values只能包含一个值",
        ),
        (
            json!([{"fieldName": center, "queryType": 7, "values": ["1"]}]),
            "extQueries.values只能包含两个值",
        ),
        (
            json!([{"fieldName": center, "queryType": 9, "values": ["1"]}]),
            "extQueries.queryType参数不正确",
        ),
        (
            json!([{"fieldName": center, "queryType": 5, "values": []}]),
            "extQueries.values至少包含一个元素",
        ),
        (
            json!([{"fieldName": center, "queryType": 5, "values": too_many}]),
            "extQueries.values最多支持300个值",
        ),
        (
            json!([{"queryType": 5, "values": ["x"]}]),
            "extQueries.fieldName不能为空",
        ),
        (json!({"fieldName": center}), "extQueries参数格式不正确"),
    ] {
        let mut body = base.clone();
        body["extQueries"] = queries.clone();
        for path in [EMPLOYEES, paths::ORGANIZATION_GET_BY_TIME_WINDOW] {
            let refused = b.call(path, body.clone()).await;
            assert_eq!(
                (&refused["code"], &refused["message"]),
                (&json!("417"), &json!(message)),
                "{path} {queries}"
            );
        }
    }
}

/// Every path constant of `beisen::paths` but the two token routes: read
/// from the source, so that a route added later is checked too.
fn business_paths() -> BTreeSet<String> {
    let source = include_str!("../src/beisen/mod.rs");
    let module = source
        .split("pub mod paths {")
        .nth(1)
        .and_then(|rest| rest.split("pub const LIMITED").next())
        .expect("the paths module");
    let mut out = BTreeSet::new();
    for stmt in module.split("pub const ").skip(1) {
        let stmt = stmt.split(';').next().unwrap_or("");
        let (name, value) = stmt.split_once('=').expect("a constant with a value");
        let name = name.split(':').next().unwrap_or("").trim();
        if name == "TOKEN" || name == "OAUTH_TOKEN" {
            continue;
        }
        let value = value.split('"').nth(1).expect("a string path");
        out.insert(value.to_owned());
    }
    out
}

#[test]
fn every_business_route_is_rate_limited() {
    let all = business_paths();
    assert!(all.len() >= 25, "only {} paths found: {all:?}", all.len());
    let limited: BTreeSet<String> = paths::LIMITED.iter().map(|p| p.to_string()).collect();
    let unlimited: Vec<&String> = all.difference(&limited).collect();
    assert!(unlimited.is_empty(), "not in paths::LIMITED: {unlimited:?}");
    assert!(!limited.contains(paths::TOKEN) && !limited.contains(paths::OAUTH_TOKEN));
}

#[tokio::test]
async fn the_config_route_shows_each_groups_rate_limits() {
    let b = Beisen::start(SandboxConfig::default()).await;
    let config: Value = b
        .client
        .get(format!("{}/_sandbox/config", b.sandbox.beisen_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let limits = hr_sandbox::BeisenRateLimits::DOCUMENTED;
    let pair = |l: hr_sandbox::RateLimit| json!([l.per_second, l.per_minute]);
    assert_eq!(
        config["beisen"]["rate_limits"],
        json!({
            "time_window": pair(limits.time_window),
            "recruiting": pair(limits.recruiting),
            "data_source": pair(limits.data_source),
            "other": pair(limits.other),
        })
    );
    assert_eq!(
        config["beisen"]["rate_limits"]["time_window"],
        json!([100, 3000])
    );
    assert_eq!(config["isdp"]["accept_legacy_client"], true);
}
