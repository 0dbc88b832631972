//! The Beisen lookups by key, employment records, direct reports,
//! sub-organisations and employee writes, through real HTTP, in the shapes
//! of the public sources (fxp/skillify `skills/beisen/references`, the PHP
//! SDK chinayin/italent-openapi-sdk-php); and a check that every path the
//! clients call has a sandbox route.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Duration as ChronoDuration;
use hr_sandbox::beisen::paths;
use hr_sandbox::{DataConfig, Dataset, NewHire, Sandbox, SandboxConfig};
use serde_json::{Value, json};

struct Beisen {
    sandbox: Sandbox,
    client: reqwest::Client,
    token: String,
}

impl Beisen {
    /// A sandbox of 1,000 people modified over the year before today, so a
    /// window around now lists exactly the changes made by a test.
    async fn start() -> Beisen {
        let config = SandboxConfig {
            data: DataConfig {
                employees: 1_000,
                ..DataConfig::default()
            },
            ..SandboxConfig::default()
        };
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let client = reqwest::Client::new();
        let beisen = &sandbox.config().beisen;
        let reply: Value = client
            .post(format!("{}{}", sandbox.beisen_url(), paths::TOKEN))
            .json(&json!({
                "grant_type": "client_credentials",
                "app_key": beisen.app_key,
                "app_secret": beisen.app_secret,
            }))
            .send()
            .await
            .expect("token request")
            .json()
            .await
            .expect("token JSON");
        let token = reply["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned();
        Beisen {
            sandbox,
            client,
            token,
        }
    }

    /// POSTs JSON with the token; expects HTTP 200 and returns the body.
    async fn call(&self, path: &str, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.sandbox.beisen_url()))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{path} {body}");
        response.json().await.expect("JSON body")
    }

    /// Calls and expects a `417` with this message.
    async fn refused(&self, path: &str, body: Value, message: &str) {
        let reply = self.call(path, body.clone()).await;
        assert_eq!(reply["code"], "417", "{path} {body}: {reply}");
        assert_eq!(reply["message"], message, "{path} {body}: {reply}");
        assert!(reply["data"].is_null(), "{reply}");
    }

    /// Calls and expects code `"200"`; returns `data`.
    async fn data(&self, path: &str, body: Value) -> Value {
        let reply = self.call(path, body.clone()).await;
        assert_eq!(reply["code"], "200", "{path} {body}: {reply}");
        reply["data"].clone()
    }

    fn people(&self) -> &Dataset {
        self.sandbox.data()
    }

    /// Everyone changed in the last day and the next, as
    /// `Employee/GetByTimeWindow` lists them (`extra` added to the query).
    async fn changed_today(&self, extra: Value) -> Vec<Value> {
        let now = self.sandbox.clock().civil_now();
        let fmt = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S").to_string();
        let mut body = json!({
            "startTime": fmt(now - ChronoDuration::days(1)),
            "stopTime": fmt(now + ChronoDuration::days(1)),
            "timeWindowQueryType": 1,
            "capacity": 300,
            "scrollId": "",
        });
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        let mut items = Vec::new();
        loop {
            let page = self
                .call(paths::EMPLOYEE_GET_BY_TIME_WINDOW, body.clone())
                .await;
            assert_eq!(page["code"], "200", "{page}");
            let data = page["data"].as_array().expect("data").clone();
            if data.is_empty() {
                return items;
            }
            items.extend(data);
            body["scrollId"] = page["scrollId"].clone();
        }
    }
}

fn user_id(i: usize) -> i64 {
    100_000_000 + i as i64
}

/// The first person for whom `f` holds.
fn find(data: &Dataset, f: impl Fn(usize) -> bool) -> usize {
    (0..data.len()).find(|&i| f(i)).expect("such a person")
}

/// An undeleted, effective, internal person in service in their main job.
fn regular(data: &Dataset, i: usize) -> bool {
    !data.is_deleted(i)
        && data.approval_status(i) == 4
        && data.employ_type(i) == 0
        && data.service_type(i) == 0
        && matches!(data.emp_status(i), 2 | 3)
}

// ---------------------------------------------------------------------------
// GetUserIDsByJobNumbers, GetUserIDsByMobilesV5
// ---------------------------------------------------------------------------

#[tokio::test]
async fn user_ids_by_job_number_come_per_item_in_request_order() {
    let b = Beisen::start().await;
    let data = b.people();
    let found = find(data, |i| !data.is_deleted(i));
    let deleted = find(data, |i| data.is_deleted(i));
    let job = |i: usize| data.person(i).job_number;
    let items = b
        .data(
            paths::EMPLOYEE_GET_USER_IDS_BY_JOB_NUMBERS,
            json!({"jobNumbers": [job(found), "E9999999", job(deleted), job(found)]}),
        )
        .await;
    assert_eq!(
        items,
        json!([
            {"jobNumber": job(found), "userId": user_id(found), "code": 200, "msg": null},
            {"jobNumber": "E9999999", "userId": null, "code": 417, "msg": "所查工号无对应人员信息"},
            // A person the vendor will not list still carries their id, as
            // in the vendor's example of a failed item.
            {"jobNumber": job(deleted), "userId": user_id(deleted), "code": 417, "msg": "所查工号无对应人员信息"},
            {"jobNumber": job(found), "userId": user_id(found), "code": 200, "msg": null},
        ])
    );
    // The outer code stays "200" when every item fails.
    let all_failed = b
        .data(
            paths::EMPLOYEE_GET_USER_IDS_BY_JOB_NUMBERS,
            json!({"jobNumbers": ["nobody"]}),
        )
        .await;
    assert_eq!(all_failed[0]["code"], 417);
}

#[tokio::test]
async fn more_than_thirty_keys_are_refused_whole() {
    let b = Beisen::start().await;
    let thirty: Vec<String> = (0..30).map(|i| format!("E{i:07}")).collect();
    let items = b
        .data(
            paths::EMPLOYEE_GET_USER_IDS_BY_JOB_NUMBERS,
            json!({"jobNumbers": thirty}),
        )
        .await;
    assert_eq!(items.as_array().map(Vec::len), Some(30));
    let thirty_one: Vec<String> = (0..31).map(|i| format!("E{i:07}")).collect();
    b.refused(
        paths::EMPLOYEE_GET_USER_IDS_BY_JOB_NUMBERS,
        json!({"jobNumbers": thirty_one}),
        "一次操作不能超过30条数据",
    )
    .await;
    let mobiles: Vec<String> = (0..31).map(|i| format!("138{i:08}")).collect();
    b.refused(
        paths::EMPLOYEE_GET_USER_IDS_BY_MOBILES,
        json!({"mobiles": mobiles}),
        "一次操作不能超过30条数据",
    )
    .await;
    b.refused(
        paths::EMPLOYEE_GET_USER_IDS_BY_MOBILES,
        json!({"jobNumbers": ["E0000001"]}),
        "mobiles不能为空",
    )
    .await;
}

#[tokio::test]
async fn user_ids_by_mobile_follow_changes_and_hires() {
    let b = Beisen::start().await;
    let data = b.people();
    let i = find(data, |i| !data.is_deleted(i));
    let p = data.person(i);
    let lookup = |mobiles: Value| {
        b.data(
            paths::EMPLOYEE_GET_USER_IDS_BY_MOBILES,
            json!({"mobiles": mobiles}),
        )
    };
    let items = lookup(json!([p.mobile])).await;
    assert_eq!(
        items,
        json!([{"mobile": p.mobile, "userId": user_id(i), "code": 200, "msg": null}])
    );

    // After the index is built: a new number, and a hire.
    assert!(b.sandbox.set_mobile(&p.job_number, "19900000001"));
    let hired = b.sandbox.hire(NewHire::new("张三", "19900000002"));
    let hired = data.index_of_job_number(&hired).expect("hire");
    let items = lookup(json!([p.mobile, "19900000001", "19900000002"])).await;
    assert_eq!(items[0]["code"], 417, "{items}");
    assert_eq!(items[0]["msg"], "所查手机号无对应人员信息");
    assert_eq!(items[1]["userId"], user_id(i));
    assert_eq!(items[2]["userId"], user_id(hired));
    assert_eq!(items[2]["code"], 200);
}

// ---------------------------------------------------------------------------
// GetServiceInfoByIds
// ---------------------------------------------------------------------------

fn record_user_ids(records: &Value) -> Vec<i64> {
    records
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["userID"].as_i64().expect("userID"))
        .collect()
}

#[tokio::test]
async fn service_info_filters_by_conditions_or_option() {
    let b = Beisen::start().await;
    let data = b.people();
    let a = find(data, |i| regular(data, i));
    let c = find(data, |i| i > a && regular(data, i));
    let approved = find(data, |i| {
        data.approval_status(i) == 2 && !data.is_deleted(i) && data.service_type(i) == 0
    });
    let deleted = find(data, |i| {
        data.is_deleted(i) && data.approval_status(i) == 4 && data.service_type(i) == 0
    });
    let ids = json!([
        user_id(c),
        1,
        user_id(a),
        user_id(approved),
        user_id(deleted)
    ]);
    let path = paths::EMPLOYEE_GET_SERVICE_INFO_BY_IDS;

    // Option 0 (the default): effective main records of undeleted people,
    // in request order; unknown ids skipped.
    let records = b.data(path, json!({"oIds": ids})).await;
    assert_eq!(record_user_ids(&records), vec![user_id(c), user_id(a)]);
    let record = &records[1];
    assert_eq!(record["jobNumber"], data.person(a).job_number);
    assert_eq!(record["oIdDepartment"], data.person(a).org_oid);
    assert_eq!(record["serviceType"], 0);
    assert_eq!(record["approvalStatus"], 4);
    assert!(
        record.get("employeeInfo").is_none(),
        "flat records: {record}"
    );

    // The singular `approvalStatus` filter, and `isWithDeleted`.
    let records = b
        .data(
            path,
            json!({"oIds": ids, "option": 0, "approvalStatus": [2]}),
        )
        .await;
    assert_eq!(record_user_ids(&records), vec![user_id(approved)]);
    let records = b
        .data(path, json!({"oIds": ids, "isWithDeleted": true}))
        .await;
    assert!(record_user_ids(&records).contains(&user_id(deleted)));
    // `empStatus` filters too.
    let status = data.emp_status(a) as i64;
    let records = b
        .data(path, json!({"oIds": ids, "empStatus": [status]}))
        .await;
    assert!(record_user_ids(&records).contains(&user_id(a)));
    let other = if status == 2 { 3 } else { 2 };
    let records = b
        .data(path, json!({"oIds": [user_id(a)], "empStatus": [other]}))
        .await;
    assert_eq!(records, json!([]));

    // 1: the latest main record, conditions ignored (the approved one too);
    // 2: the main record in effect today (not the approved-only one).
    let records = b
        .data(
            path,
            json!({"oIds": ids, "option": 1, "approvalStatus": [6]}),
        )
        .await;
    assert_eq!(
        record_user_ids(&records),
        vec![user_id(c), user_id(a), user_id(approved)]
    );
    let records = b.data(path, json!({"oIds": ids, "option": "2"})).await;
    assert_eq!(record_user_ids(&records), vec![user_id(c), user_id(a)]);
    // The documents' own example sends "None".
    let records = b.data(path, json!({"oIds": ids, "option": "None"})).await;
    assert_eq!(record_user_ids(&records), vec![user_id(c), user_id(a)]);

    b.refused(
        path,
        json!({"oIds": ids, "option": 3}),
        "option参数不正确,0条件查询、1最新主职、2当前生效主职",
    )
    .await;
    b.refused(
        path,
        json!({"option": 1}),
        "Value cannot be null.\r\nParameter name: Argument name: Ids is null",
    )
    .await;
}

#[tokio::test]
async fn service_info_lists_part_time_records_when_asked() {
    let b = Beisen::start().await;
    let path = paths::EMPLOYEE_GET_SERVICE_INFO_BY_IDS;
    let mut two_records = None;
    for chunk in (0..1_000).collect::<Vec<i64>>().chunks(300) {
        let ids: Vec<i64> = chunk.iter().map(|i| 100_000_000 + i).collect();
        let records = b
            .data(path, json!({"oIds": ids, "serviceType": [0, 1]}))
            .await;
        let users = record_user_ids(&records);
        if let Some(w) = users.windows(2).find(|w| w[0] == w[1]) {
            let pair: Vec<&Value> = records
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["userID"] == w[0])
                .collect();
            assert_eq!(pair[0]["serviceType"], 0);
            assert_eq!(pair[1]["serviceType"], 1);
            two_records = Some(w[0]);
            break;
        }
    }
    let user = two_records.expect("someone holds a part-time post too");
    let records = b.data(path, json!({"oIds": [user]})).await;
    assert_eq!(record_user_ids(&records), vec![user]);
}

// ---------------------------------------------------------------------------
// GetJuniorById
// ---------------------------------------------------------------------------

#[tokio::test]
async fn juniors_are_the_direct_reports_in_service() {
    let b = Beisen::start().await;
    let data = b.people();
    let people: Vec<_> = (0..data.len()).map(|i| data.person(i)).collect();
    // The manager with the most reports.
    let manager = people
        .iter()
        .filter_map(|p| p.manager_user_id)
        .max_by_key(|m| {
            people
                .iter()
                .filter(|p| p.manager_user_id == Some(*m))
                .count()
        })
        .expect("a manager");
    let expected: Vec<i64> = people
        .iter()
        .filter(|p| {
            p.manager_user_id == Some(manager) && !p.is_deleted && matches!(p.emp_status, 2 | 3 | 7)
        })
        .map(|p| p.user_id)
        .collect();
    assert!(!expected.is_empty());
    let items = b
        .data(paths::EMPLOYEE_GET_JUNIOR_BY_ID, json!({"oId": manager}))
        .await;
    let got: Vec<i64> = items
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            assert_eq!(item["recordInfo"]["pOIdEmpAdmin"], manager, "{item}");
            item["employeeInfo"]["userID"].as_i64().expect("userID")
        })
        .collect();
    assert_eq!(got, expected);

    let none = b
        .data(paths::EMPLOYEE_GET_JUNIOR_BY_ID, json!({"oId": 42}))
        .await;
    assert_eq!(none, json!([]));
    b.refused(paths::EMPLOYEE_GET_JUNIOR_BY_ID, json!({}), "OId不能为空")
        .await;
}

// ---------------------------------------------------------------------------
// Organization/GetSubOrganizations
// ---------------------------------------------------------------------------

fn oids(items: &Value) -> Vec<i64> {
    items
        .as_array()
        .expect("organisations")
        .iter()
        .map(|o| o["oId"].as_i64().expect("oId"))
        .collect()
}

#[tokio::test]
async fn sub_organizations_walk_the_tree_by_level() {
    let b = Beisen::start().await;
    let orgs = b.people().orgs().to_vec();
    let root = orgs[0].oid;
    let path = paths::ORGANIZATION_GET_SUB_ORGANIZATIONS;
    let children: Vec<i64> = orgs
        .iter()
        .filter(|o| o.parent_oid == Some(root) && o.status == 1)
        .map(|o| o.oid)
        .collect();
    assert!(!children.is_empty());

    let items = b.data(path, json!({"oId": root, "level": 1})).await;
    assert_eq!(oids(&items), children);
    assert_eq!(items[0]["pOIdOrgAdmin"], root);
    let items = b
        .data(path, json!({"oId": root, "level": 1, "isWithSelf": true}))
        .await;
    assert_eq!(oids(&items)[0], root);
    assert_eq!(oids(&items)[1..], children[..]);

    // The default depth (20) reaches every department; `isWithDisable`
    // (not `withDisabled`) adds the disabled ones.
    let enabled: Vec<i64> = orgs[1..]
        .iter()
        .filter(|o| o.status == 1)
        .map(|o| o.oid)
        .collect();
    let all: Vec<i64> = orgs[1..].iter().map(|o| o.oid).collect();
    assert_ne!(enabled, all, "the tree has disabled departments");
    assert_eq!(oids(&b.data(path, json!({"oId": root})).await), enabled);
    assert_eq!(
        oids(
            &b.data(path, json!({"oId": root, "withDisabled": true}))
                .await
        ),
        enabled
    );
    assert_eq!(
        oids(
            &b.data(path, json!({"oId": root, "isWithDisable": true}))
                .await
        ),
        all
    );
    // 0 names the root.
    assert_eq!(oids(&b.data(path, json!({"oId": 0})).await), enabled);

    // Below a division: its subtree only.
    let division = children[0];
    let items = b
        .data(path, json!({"oId": division, "isWithDisable": true}))
        .await;
    for o in oids(&items) {
        let mut up = orgs.iter().find(|x| x.oid == o).unwrap().parent_oid;
        while up != Some(division) {
            up = orgs.iter().find(|x| Some(x.oid) == up).unwrap().parent_oid;
            assert!(up.is_some(), "{o} is not below {division}");
        }
    }

    // Before any department was created, there were none.
    let none = b
        .data(
            path,
            json!({"oId": root, "queryDate": "2017-01-01T00:00:00"}),
        )
        .await;
    assert_eq!(none, json!([]));
    let sorted = b.data(path, json!({"oId": root, "sort": {"OId": 2}})).await;
    let mut descending = enabled.clone();
    descending.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(oids(&sorted), descending);

    b.refused(path, json!({"oId": -1}), "OId必须大于等于0")
        .await;
    b.refused(path, json!({"oId": 123}), "对应的组织单元不存在")
        .await;
    b.refused(
        path,
        json!({"oId": root, "queryDate": "1899-12-31"}),
        "时间节点必须大于1900-01-01T00:00:00",
    )
    .await;
    // Any field the organisation time window sorts by, in any casing:
    // `Name` (text), then `Status` descending before `Code`; ties keep the
    // tree order.
    let by_name = b
        .data(path, json!({"oId": root, "sort": {"Name": 1}}))
        .await;
    let mut expected: Vec<_> = orgs[1..].iter().filter(|o| o.status == 1).collect();
    expected.sort_by(|x, y| x.name.cmp(&y.name));
    let names = |items: &Value| -> Vec<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&by_name),
        expected.iter().map(|o| o.name.clone()).collect::<Vec<_>>()
    );
    assert_eq!(
        oids(&by_name),
        expected.iter().map(|o| o.oid).collect::<Vec<_>>()
    );
    assert_ne!(oids(&by_name), enabled, "the order changed");
    let by_status = b
        .data(
            path,
            // (`json!` orders keys by byte: `Status` goes first.)
            json!({"oId": root, "isWithDisable": true, "sort": {"Status": 2, "code": 1}}),
        )
        .await;
    let mut expected: Vec<_> = orgs[1..].iter().collect();
    expected.sort_by(|x, y| y.status.cmp(&x.status).then_with(|| x.code.cmp(&y.code)));
    assert_eq!(
        oids(&by_status),
        expected.iter().map(|o| o.oid).collect::<Vec<_>>()
    );
    // What organisation records do not carry is still refused.
    b.refused(
        path,
        json!({"oId": root, "sort": {"NoSuchField": 1}}),
        "暂不支持的排序字段:NoSuchField",
    )
    .await;
    // An employee field is no organisation field.
    b.refused(
        path,
        json!({"oId": root, "sort": {"Name": 1, "MobilePhone": 1}}),
        "暂不支持的排序字段:MobilePhone",
    )
    .await;
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

fn new_employee(email: &str, department: i64) -> Value {
    json!({
        "employeeInformation": {"name": "李四", "email": email, "mobilePhone": "13700000001", "originalId": "HR-000123"},
        "employmentRecord": {"oIdDepartment": department, "entryDate": "2026-10-01T00:00:00", "employType": 0, "probation": 3},
    })
}

fn is_guid(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4)
}

#[tokio::test]
async fn create_adds_a_person_the_windows_and_lookups_see() {
    let b = Beisen::start().await;
    let data = b.people();
    let department = data.orgs()[3].oid;
    let reply = b
        .call(
            paths::EMPLOYEE_CREATE,
            new_employee("Li.Si@Example.com", department),
        )
        .await;
    assert_eq!(reply["code"], "200", "{reply}");
    assert_eq!(reply["message"], "");
    let created = &reply["data"];
    assert!(is_guid(&created["employeeInformationId"]), "{created}");
    assert!(is_guid(&created["employmentRecordId"]), "{created}");
    let user = created["userId"].as_i64().expect("userId");
    assert_eq!(user, user_id(1_000));

    let items = b.changed_today(json!({})).await;
    let item = items
        .iter()
        .find(|it| it["employeeInfo"]["userID"] == user)
        .expect("the new person in today's window");
    assert_eq!(item["employeeInfo"]["name"], "李四");
    assert_eq!(item["employeeInfo"]["email"], "li.si@example.com");
    assert_eq!(item["employeeInfo"]["mobilePhone"], "13700000001");
    assert_eq!(
        item["employeeInfo"]["objectId"],
        created["employeeInformationId"]
    );
    assert_eq!(
        item["recordInfo"]["objectId"],
        created["employmentRecordId"]
    );
    assert_eq!(item["recordInfo"]["oIdDepartment"], department);
    // The entry date sent is kept (the hire is not dated today).
    assert_eq!(item["recordInfo"]["entryDate"], "2026-10-01T00:00:00");

    let job_number = item["recordInfo"]["jobNumber"].clone();
    let ids = b
        .data(
            paths::EMPLOYEE_GET_USER_IDS_BY_JOB_NUMBERS,
            json!({"jobNumbers": [job_number]}),
        )
        .await;
    assert_eq!(ids[0]["userId"], user);

    // The same e-mail again, and the documented required fields.
    let again = b
        .call(
            paths::EMPLOYEE_CREATE,
            new_employee("li.si@example.com", department),
        )
        .await;
    assert_eq!(again["code"], "417");
    // The documented message names a pending hire (待入职); this one is in service.
    assert_eq!(
        again["message"],
        "电子邮箱与在职的内部员工：李四重复，请确认信息！"
    );
    let mut no_type = new_employee("wang.wu@example.com", department);
    no_type["employmentRecord"]
        .as_object_mut()
        .unwrap()
        .remove("employType");
    b.refused(paths::EMPLOYEE_CREATE, no_type, "雇佣关系不能为空")
        .await;
    let mut no_email = new_employee("x@example.com", department);
    no_email["employeeInformation"]["email"] = json!("");
    b.refused(paths::EMPLOYEE_CREATE, no_email, "电子邮件不能为空")
        .await;
    b.refused(
        paths::EMPLOYEE_CREATE,
        new_employee("zhao.liu@example.com", 42),
        "指定的部门不存在",
    )
    .await;
    let mut bad_manager = new_employee("zhao.liu@example.com", department);
    bad_manager["employmentRecord"]["pOIdEmpAdmin"] = json!(42);
    b.refused(paths::EMPLOYEE_CREATE, bad_manager, "指定的直线经理不存在")
        .await;
    let mut taken = new_employee("zhao.liu@example.com", department);
    taken["employeeInformation"]["originalId"] = json!("HR-000123");
    b.refused(paths::EMPLOYEE_CREATE, taken, "外部ID已存在")
        .await;
    assert_eq!(b.people().len(), 1_001, "refused creates add no one");
}

#[tokio::test]
async fn transfer_moves_a_person_and_refuses_a_repeat_within_three_seconds() {
    let b = Beisen::start().await;
    let data = b.people();
    let i = find(data, |i| regular(data, i));
    let p = data.person(i);
    let department = data
        .orgs()
        .iter()
        .map(|o| o.oid)
        .find(|&o| o != p.org_oid && o != data.orgs()[0].oid)
        .unwrap();
    let manager = user_id(find(data, |j| j != i && regular(data, j)));
    let level = data
        .job_levels()
        .iter()
        .find(|l| l.code != p.job_level && l.status == 1)
        .unwrap();
    let body = json!({
        "userId": user_id(i),
        "employmentRecord": {"oIdDepartment": department, "startDate": "2026-10-01T00:00:00", "pOIdEmpAdmin": manager, "oIdJobLevel": level.oid},
    });
    let reply = b.call(paths::EMPLOYEE_TRANSFER, body.clone()).await;
    assert_eq!(reply, json!({"code": "200", "message": null}));
    b.refused(
        paths::EMPLOYEE_TRANSFER,
        body.clone(),
        "为防止并发请求导致重复数据，请求参数相同时，3秒内仅能请求一次",
    )
    .await;
    b.sandbox.advance_clock(Duration::from_secs(3));
    let reply = b.call(paths::EMPLOYEE_TRANSFER, body).await;
    assert_eq!(reply["code"], "200", "{reply}");

    let items = b.changed_today(json!({})).await;
    let item = items
        .iter()
        .find(|it| it["employeeInfo"]["userID"] == user_id(i))
        .expect("the transferred person in today's window");
    assert_eq!(item["recordInfo"]["oIdDepartment"], department, "{item}");
    assert_eq!(item["recordInfo"]["pOIdEmpAdmin"], manager, "{item}");
    // The level is sent back as the GUID it was moved to.
    assert_eq!(
        item["recordInfo"]["oIdJobLevel"],
        level.oid.as_str(),
        "{item}"
    );
    assert_eq!(data.person(i).job_level, level.code);
    // The department's listing has them now.
    let listed = b
        .data(
            paths::EMPLOYEE_GET_EMPLOYEE_OF_ORGANIZATION,
            json!({"orgOId": department, "includeSubOrg": false, "queryDate": format!("{}T00:00:00", b.sandbox.clock().today())}),
        )
        .await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|it| it["employeeInfo"]["userID"] == user_id(i)),
        "{listed}"
    );
}

#[tokio::test]
async fn transfers_and_departures_name_exactly_one_person_in_the_right_state() {
    let b = Beisen::start().await;
    let data = b.people();
    let department = data.orgs()[2].oid;
    let record = json!({"oIdDepartment": department});
    let one_id = "人员UserId标识（OId）或外部ID标识（OriginalId）必须有且仅有一个有值";
    let i = find(data, |i| regular(data, i));
    b.refused(
        paths::EMPLOYEE_TRANSFER,
        json!({"employmentRecord": record}),
        one_id,
    )
    .await;
    b.refused(
        paths::EMPLOYEE_TRANSFER,
        json!({"userId": user_id(i), "originalId": "X", "employmentRecord": record}),
        one_id,
    )
    .await;
    b.refused(
        paths::EMPLOYEE_TRANSFER,
        json!({"originalId": "never-registered", "employmentRecord": record}),
        "根据外部ID未找到对应的人员",
    )
    .await;
    b.refused(
        paths::EMPLOYEE_DIMISSION,
        json!({"userId": user_id(i), "employmentRecord": {}}),
        "最后工作日不能为空",
    )
    .await;
    let external = find(data, |i| {
        data.employ_type(i) == 1 && !data.is_deleted(i) && matches!(data.emp_status(i), 2 | 3)
    });
    b.refused(
        paths::EMPLOYEE_DIMISSION,
        json!({"userId": user_id(external), "employmentRecord": {"lastWorkDate": "2026-01-31"}}),
        "外部人员不支持离职操作",
    )
    .await;
    b.refused(
        paths::EMPLOYEE_TRANSFER,
        json!({"userId": user_id(external), "employmentRecord": record}),
        "外部人员不支持调动操作",
    )
    .await;
    let left = find(data, |i| {
        data.emp_status(i) == 8 && data.employ_type(i) == 0 && !data.is_deleted(i)
    });
    b.refused(
        paths::EMPLOYEE_TRANSFER,
        json!({"userId": user_id(left), "employmentRecord": record}),
        "该人员当前状态不能办理当前业务",
    )
    .await;
    b.refused(
        paths::EMPLOYEE_TRANSFER,
        json!({"userId": user_id(i), "employmentRecord": {"oIdDepartment": department, "oIdJobPosition": "P3"}}),
        "oIdJobPosition必须为空或GUID",
    )
    .await;

    // A person created with an originalId is named by it.
    let created = b
        .data(
            paths::EMPLOYEE_CREATE,
            new_employee("origin@example.com", department),
        )
        .await;
    let reply = b
        .call(
            paths::EMPLOYEE_TRANSFER,
            json!({"originalId": "HR-000123", "employmentRecord": {"oIdDepartment": data.orgs()[4].oid}}),
        )
        .await;
    assert_eq!(reply["code"], "200", "{reply}");
    assert!(created["userId"].is_i64());
}

#[tokio::test]
async fn dimission_makes_a_person_leave_on_the_given_day() {
    let b = Beisen::start().await;
    let data = b.people();
    let i = find(data, |i| regular(data, i));
    let yesterday = b.sandbox.clock().today() - ChronoDuration::days(1);
    let body = json!({
        "userId": user_id(i),
        "employmentRecord": {
            "lastWorkDate": format!("{yesterday}T00:00:00"),
            "transitionTypeOID": "e3b1a7c2-0000-4000-8000-000000000001",
            "addOrNotBlackList": false,
            "remarks": "个人原因",
        },
    });
    let reply = b.call(paths::EMPLOYEE_DIMISSION, body.clone()).await;
    assert_eq!(reply, json!({"code": "200", "message": null}));
    b.refused(
        paths::EMPLOYEE_DIMISSION,
        body.clone(),
        "为防止并发请求导致重复数据，请求参数相同时，3秒内仅能请求一次",
    )
    .await;
    b.sandbox.advance_clock(Duration::from_secs(3));
    // Three seconds on, the same call meets a person who has left.
    b.refused(
        paths::EMPLOYEE_DIMISSION,
        body,
        "该人员当前状态不能办理当前业务",
    )
    .await;

    // Leavers are listed with `withDisabled`.
    assert!(
        b.changed_today(json!({}))
            .await
            .iter()
            .all(|it| it["employeeInfo"]["userID"] != user_id(i))
    );
    let items = b.changed_today(json!({"withDisabled": true})).await;
    let item = items
        .iter()
        .find(|it| it["employeeInfo"]["userID"] == user_id(i))
        .expect("the leaver in today's window");
    assert_eq!(item["recordInfo"]["employeeStatus"], "8");
    assert_eq!(
        item["recordInfo"]["lastWorkDate"],
        format!("{yesterday}T00:00:00"),
        "{item}"
    );
}

// ---------------------------------------------------------------------------
// Every client path has a route
// ---------------------------------------------------------------------------

/// Every `const NAME: &str = "/…";` in the `.rs` files under `dir`: the
/// paths a client calls. Read from source, so a constant added later is
/// checked without touching this test.
fn path_constants(dir: &Path) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable source");
                for stmt in text.split("const ").skip(1) {
                    let stmt = stmt.split(';').next().unwrap_or("");
                    let flat: String = stmt.split_whitespace().collect::<Vec<_>>().join(" ");
                    let Some((name, rest)) = flat.split_once(':') else {
                        continue;
                    };
                    let rest = rest.trim_start();
                    if !(rest.starts_with("&str =") || rest.starts_with("&'static str =")) {
                        continue;
                    }
                    let Some(value) = rest.split('"').nth(1) else {
                        continue;
                    };
                    if value.starts_with('/') {
                        out.insert((name.trim().to_owned(), value.to_owned()));
                    }
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn every_path_the_clients_call_has_a_sandbox_route() {
    let b = Beisen::start().await;
    let crates = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut missing = Vec::new();
    let mut checked = 0;
    for (krate, base) in [
        ("beisen-client", b.sandbox.beisen_url()),
        ("isdp-client", b.sandbox.isdp_url()),
        ("travel-sync-types", b.sandbox.travel_url()),
    ] {
        let src = crates.join(krate).join("src");
        assert!(src.is_dir(), "{} is missing", src.display());
        let constants = path_constants(&src);
        assert!(!constants.is_empty(), "no path constants in {krate}");
        for (name, path) in constants {
            let mut request = b.client.post(format!("{base}{path}")).json(&json!({}));
            // Beisen's gateway checks the token before it routes; ISDP and
            // travel answer a known path without credentials with their
            // own refusal, an unknown one with a bare 404.
            if krate == "beisen-client" {
                request = request.bearer_auth(&b.token);
            }
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            let unrouted = status == 404
                && (krate != "beisen-client" || body.contains("The resource cannot be found."));
            if unrouted {
                missing.push(format!("{krate} {name} = {path}"));
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} path constants found");
    assert!(
        missing.is_empty(),
        "client paths without a sandbox route:\n{}",
        missing.join("\n")
    );
}
