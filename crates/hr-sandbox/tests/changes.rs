//! The data span that ends today, and changes made while the sandbox runs
//! (`hire`, `dismiss`, `set_mobile`), as Beisen and ISDP serve them.

use std::collections::BTreeMap;

use chrono::{Duration as ChronoDuration, NaiveDateTime};
use hr_sandbox::beisen::paths;
use hr_sandbox::isdp::{PERSON_LIST_PATH, TOKEN_PATH};
use hr_sandbox::{DataConfig, NewHire, Sandbox, SandboxConfig};
use serde_json::{Value, json};

const EMPLOYEES: &str = paths::EMPLOYEE_GET_BY_TIME_WINDOW;
const EMPLOYEE_LIST: &str = paths::EMPLOYEE_GET_LIST_BY_TIME_WINDOW;

/// A sandbox with a Beisen and an ISDP token.
struct Running {
    sandbox: Sandbox,
    client: reqwest::Client,
    beisen_token: String,
    isdp_token: String,
}

impl Running {
    async fn start(config: SandboxConfig) -> Running {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let client = reqwest::Client::new();
        let c = sandbox.config();
        let beisen: Value = client
            .post(format!("{}{}", sandbox.beisen_url(), paths::TOKEN))
            .json(&json!({
                "grant_type": "client_credentials",
                "app_key": c.beisen.app_key,
                "app_secret": c.beisen.app_secret,
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let isdp: Value = client
            .post(format!("{}{TOKEN_PATH}", sandbox.isdp_url()))
            .json(&json!({
                "client_id": c.isdp.client_id,
                "client_secret": c.isdp.client_secret,
                "grant_type": "password",
                "username": c.isdp.username,
                "password": c.isdp.password,
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Running {
            beisen_token: beisen["access_token"].as_str().unwrap().to_owned(),
            isdp_token: isdp["access_token"].as_str().unwrap().to_owned(),
            sandbox,
            client,
        }
    }

    async fn beisen(&self, path: &str, body: &Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.sandbox.beisen_url()))
            .bearer_auth(&self.beisen_token)
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path} {body}");
        let page: Value = response.json().await.unwrap();
        assert_eq!(page["code"], "200", "{path} {body}: {page}");
        page
    }

    /// Every employee item of a time-window query, scrolled to the end.
    async fn window(&self, path: &str, mut body: Value) -> Vec<Value> {
        body["capacity"] = json!(300);
        body["scrollId"] = json!("");
        let mut items = Vec::new();
        loop {
            let page = self.beisen(path, &body).await;
            let data = page["data"].as_array().unwrap();
            if data.is_empty() {
                return items;
            }
            items.extend(data.iter().cloned());
            body["scrollId"] = page["scrollId"].clone();
            assert!(items.len() < 100_000, "runaway scroll");
        }
    }

    async fn isdp(&self, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}{PERSON_LIST_PATH}", self.sandbox.isdp_url()))
            .header("Authorization", format!("bearer {}", self.isdp_token))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{body}");
        response.json().await.unwrap()
    }

    /// Every ISDP person, by pages of 200.
    async fn isdp_everyone(&self) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let page = self
                .isdp(json!({"page": {"start": all.len(), "count": 200}}))
                .await;
            let data = page["data"].as_array().unwrap();
            if data.is_empty() {
                return all;
            }
            all.extend(data.iter().cloned());
        }
    }

    /// The job number of a generated person, from index `from` on, whom
    /// the default filters list (regular, internal, main job, effective).
    fn active_from(&self, from: usize) -> String {
        let data = self.sandbox.data();
        let i = (from..data.generated_len())
            .find(|&i| {
                data.emp_status(i) == 3
                    && !data.is_deleted(i)
                    && data.employ_type(i) == 0
                    && data.service_type(i) == 0
                    && data.approval_status(i) == 4
            })
            .expect("an active person");
        data.person(i).job_number
    }
}

/// A Beisen time as a window bound, to the millisecond.
fn text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

fn window(start: NaiveDateTime, stop: NaiveDateTime, query_type: u8) -> Value {
    json!({
        "startTime": text(start),
        "stopTime": text(stop),
        "timeWindowQueryType": query_type,
        "withDisabled": true,
    })
}

/// Job number → how many times it was listed.
fn job_numbers(items: &[Value]) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for item in items {
        let job = item["recordInfo"]["jobNumber"]
            .as_str()
            .or_else(|| item["recordInfos"][0]["jobNumber"].as_str())
            .unwrap_or_else(|| panic!("no job number: {item}"));
        *seen.entry(job.to_owned()).or_insert(0) += 1;
    }
    seen
}

fn parse_time(v: &Value) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(v.as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%.f").unwrap()
}

#[tokio::test]
async fn the_default_span_ends_today_and_the_last_30_days_have_people() {
    let run = Running::start(SandboxConfig::default()).await;
    let config = run.sandbox.data().config();
    let today = run.sandbox.clock().today();
    // The config was made a moment before the sandbox started: midnight
    // may have passed in between.
    assert!(
        config.span_end() == today || config.span_end() == today - ChronoDuration::days(1),
        "{} vs {today}",
        config.span_end()
    );
    assert_eq!(config.span_days, 365);

    let now = run.sandbox.context().change_time();
    let items = run
        .window(EMPLOYEES, window(now - ChronoDuration::days(30), now, 1))
        .await;
    // About 30/365 of 1,000 people, leavers included.
    assert!((40..=130).contains(&items.len()), "{}", items.len());
    for item in &items {
        let t = parse_time(&item["employeeInfo"]["modifiedTime"]);
        assert!(t < now && t >= now - ChronoDuration::days(30), "{t}");
    }
    // Nothing lies in the future of the sandbox's clock.
    let later = run
        .window(EMPLOYEES, window(now, now + ChronoDuration::days(80), 1))
        .await;
    assert!(later.is_empty(), "{later:?}");
}

#[tokio::test]
async fn each_change_is_listed_once_in_beisen_windows_and_in_isdp() {
    let run = Running::start(SandboxConfig::default()).await;
    let (sandbox, data) = (&run.sandbox, run.sandbox.data());
    let leaver = run.active_from(0);
    let mover = run.active_from(data.index_of_job_number(&leaver).unwrap() + 1);
    let cancelled_before = run.isdp(json!({"personStatus": "Cancel"})).await["totalCount"]
        .as_u64()
        .unwrap();

    let before = sandbox.context().change_time();
    let hired = sandbox.hire(
        NewHire::new("张三", "13800138000")
            .with_email("zhang.san@corp.example.com")
            .with_department_oid(data.orgs()[3].oid)
            .with_job_level("P3"),
    );
    assert!(sandbox.dismiss(&leaver));
    assert!(sandbox.set_mobile(&mover, "13900139000"));
    assert!(!sandbox.dismiss("E7777777"));
    assert!(!sandbox.set_mobile("E7777777", "13900139000"));
    let after = sandbox.context().change_time() + ChronoDuration::milliseconds(1);
    assert_eq!(hired, "E0001000");

    let expected: BTreeMap<String, usize> = [&hired, &leaver, &mover]
        .into_iter()
        .map(|j| (j.clone(), 1))
        .collect();
    // Both query types and both endpoints: exactly the three, once each.
    for (path, query_type) in [
        (EMPLOYEES, 1),
        (EMPLOYEES, 2),
        (EMPLOYEE_LIST, 1),
        (EMPLOYEE_LIST, 2),
    ] {
        let items = run.window(path, window(before, after, query_type)).await;
        assert_eq!(job_numbers(&items), expected, "{path} type {query_type}");
    }
    let items = run.window(EMPLOYEES, window(before, after, 1)).await;
    let by_job = |job: &str| {
        items
            .iter()
            .find(|i| i["recordInfo"]["jobNumber"] == job)
            .unwrap()
            .clone()
    };
    let left = by_job(&leaver);
    assert_eq!(left["recordInfo"]["employeeStatus"], "8", "{left}");
    assert_eq!(
        left["recordInfo"]["lastWorkDate"],
        format!("{}T00:00:00", before.date())
    );
    let new = by_job(&hired);
    assert_eq!(new["employeeInfo"]["name"], "张三");
    assert_eq!(new["employeeInfo"]["mobilePhone"], "13800138000");
    assert_eq!(new["employeeInfo"]["email"], "zhang.san@corp.example.com");
    assert_eq!(new["recordInfo"]["oIdDepartment"], data.orgs()[3].oid);
    // The level's GUID, as a real tenant sends it; the code is the level's.
    let p3 = data.job_level("P3").expect("P3 in the catalogue");
    assert_eq!(new["recordInfo"]["oIdJobLevel"], p3.oid.as_str());
    assert_eq!(new["recordInfo"]["employeeStatus"], "2");
    let moved = by_job(&mover);
    assert_eq!(moved["employeeInfo"]["mobilePhone"], "13900139000");
    for item in [&left, &new, &moved] {
        for info in ["employeeInfo", "recordInfo"] {
            for field in ["modifiedTime", "businessModifiedTime"] {
                let t = parse_time(&item[info][field]);
                assert!(before <= t && t < after, "{info}.{field} {t}: {item}");
            }
        }
    }

    // Without withDisabled the leaver is left out, as generated leavers are.
    let mut active_only = window(before, after, 1);
    active_only["withDisabled"] = json!(false);
    let active = job_numbers(&run.window(EMPLOYEES, active_only).await);
    assert_eq!(active.keys().collect::<Vec<_>>(), {
        let mut v = vec![&hired, &mover];
        v.sort();
        v
    });
    // They left the windows they were generated in, and none follows.
    let span_start = data.config().span_start.and_time(chrono::NaiveTime::MIN);
    let mut earlier = Vec::new();
    let mut start = span_start;
    while start < before {
        let stop = (start + ChronoDuration::days(90)).min(before);
        earlier.extend(run.window(EMPLOYEES, window(start, stop, 1)).await);
        start = stop;
    }
    let earlier = job_numbers(&earlier);
    assert!(earlier.values().all(|n| *n == 1));
    for job in [&hired, &leaver, &mover] {
        assert!(!earlier.contains_key(job.as_str()), "{job}");
    }
    let later = run
        .window(EMPLOYEES, window(after, after + ChronoDuration::days(1), 1))
        .await;
    assert!(later.is_empty());

    // By id.
    let ids: Vec<i64> = [&hired, &mover]
        .iter()
        .map(|j| data.person(data.index_of_job_number(j).unwrap()).user_id)
        .collect();
    let basics = run
        .beisen(paths::EMPLOYEE_GET_BASIC_INFO_BY_IDS, &json!({"oIds": ids}))
        .await;
    assert_eq!(basics["data"][0]["name"], "张三", "{basics}");
    assert_eq!(basics["data"][1]["mobilePhone"], "13900139000", "{basics}");
    let by_email = run
        .beisen(
            paths::EMPLOYEE_GET_USER_ID_BY_EMAIL,
            &json!({"email": "zhang.san@corp.example.com"}),
        )
        .await;
    assert_eq!(by_email["data"], ids[0].to_string());

    // ISDP: the hire listed once, the leaver cancelled, the new mobile.
    let everyone = run.isdp_everyone().await;
    assert_eq!(everyone.len(), 1_001);
    let isdp_of = |job: &str| {
        let found: Vec<&Value> = everyone.iter().filter(|p| p["personCode"] == job).collect();
        assert_eq!(found.len(), 1, "{job}");
        found[0].clone()
    };
    let new = isdp_of(&hired);
    assert_eq!(new["personName"], "张三");
    assert_eq!(new["phone"], "138******00");
    assert_eq!(new["Org"]["id"], data.orgs()[3].isdp_id, "{new}");
    assert_eq!(isdp_of(&leaver)["personStatus"], "Cancel");
    assert_eq!(isdp_of(&mover)["phone"], "139******00");
    let found = run.isdp(json!({"phone": "13900139000"})).await;
    assert_eq!(found["data"][0]["personCode"], mover.as_str(), "{found}");
    // A filtered query cached before the change sees it.
    let cancelled_after = run.isdp(json!({"personStatus": "Cancel"})).await["totalCount"]
        .as_u64()
        .unwrap();
    assert_eq!(cancelled_after, cancelled_before + 1);
}

#[tokio::test]
async fn changes_leave_everyone_else_as_generated() {
    let config = || SandboxConfig {
        data: DataConfig::year_2024(),
        ..SandboxConfig::default()
    };
    let run = Running::start(config()).await;
    let untouched = Running::start(config()).await;
    let (start, stop) = (
        parse_time(&json!("2024-03-01T00:00:00")),
        parse_time(&json!("2024-05-30T00:00:00")),
    );
    let query = window(start, stop, 1);
    let before = run.window(EMPLOYEE_LIST, query.clone()).await;
    // An overlay with nothing in it serves what the generator makes.
    assert_eq!(before, untouched.window(EMPLOYEE_LIST, query.clone()).await);
    assert!(before.len() > 100);

    // Change two people listed in this window, and hire one.
    let listed: Vec<String> = job_numbers(&before).into_keys().collect();
    let (leaver, mover) = (&listed[0], &listed[1]);
    assert!(run.sandbox.dismiss(leaver));
    assert!(run.sandbox.set_mobile(mover, "13700137000"));
    run.sandbox.hire(NewHire::new("李四", "13600136000"));

    let after = run.window(EMPLOYEE_LIST, query).await;
    let kept: Vec<&Value> = before
        .iter()
        .filter(|i| {
            let job = &i["recordInfos"][0]["jobNumber"];
            job != leaver.as_str() && job != mover.as_str()
        })
        .collect();
    assert_eq!(after.iter().collect::<Vec<_>>(), kept);
    // ISDP too: everyone else as generated, the leaver cancelled.
    let (changed, generated) = (run.isdp_everyone().await, untouched.isdp_everyone().await);
    assert_eq!((changed.len(), generated.len()), (1_001, 1_000));
    for (a, g) in changed.iter().zip(&generated) {
        if a["personCode"] == leaver.as_str() {
            assert_eq!(a["personStatus"], "Cancel");
        } else if a["personCode"] == mover.as_str() {
            assert_eq!(a["phone"], "137******00");
        } else {
            assert_eq!(a, g);
        }
    }
}

#[tokio::test]
async fn the_change_routes_work_on_every_port() {
    let run = Running::start(SandboxConfig::default()).await;
    let client = &run.client;
    let (beisen, isdp, travel) = (
        run.sandbox.beisen_url(),
        run.sandbox.isdp_url(),
        run.sandbox.travel_url(),
    );
    let post = async |url: String, body: Option<Value>| {
        let request = client.post(&url);
        let request = match body {
            Some(body) => request.body(body.to_string()),
            None => request,
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };

    let (status, hired) = post(
        format!("{isdp}/_sandbox/hire"),
        Some(json!({"name": "王五", "mobile": "13500135000", "departmentOid": 1_000_002, "job_level": "M1"})),
    )
    .await;
    assert_eq!(status, 200, "{hired}");
    assert_eq!(hired["job_number"], "E0001000");
    let data = run.sandbox.data();
    let p = data.person(1000);
    assert_eq!(hired["user_id"], p.user_id);
    assert_eq!(
        (
            p.name.as_str(),
            p.mobile.as_str(),
            p.org_oid,
            p.job_level.as_str()
        ),
        ("王五", "13500135000", 1_000_002, "M1")
    );

    let (status, body) = post(format!("{beisen}/_sandbox/dismiss/E0000003"), None).await;
    assert_eq!((status, &body["dismissed"]), (200, &json!("E0000003")));
    assert_eq!(data.emp_status(3), 8);
    let (status, body) = post(
        format!("{travel}/_sandbox/mobile/E0001000"),
        Some(json!({"mobile": "13500135001"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(data.person(1000).mobile, "13500135001");

    // Unknown people, bad bodies.
    let (status, body) = post(format!("{beisen}/_sandbox/dismiss/E9999999"), None).await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].as_str().unwrap().contains("E9999999"));
    let (status, _) = post(
        format!("{beisen}/_sandbox/mobile/nobody"),
        Some(json!({"mobile": "1"})),
    )
    .await;
    assert_eq!(status, 404);
    for (path, body) in [
        ("hire", json!({"name": "no mobile"})),
        ("hire", json!([1, 2])),
        ("mobile/E0000001", json!({"phone": "13500135000"})),
    ] {
        let (status, answer) = post(format!("{beisen}/_sandbox/{path}"), Some(body)).await;
        assert_eq!(status, 400, "{path}: {answer}");
        assert!(answer["error"].is_string());
    }
    assert_eq!(data.len(), 1_001, "refused hires add no one");
    assert_eq!(data.revision(), 3);
}
