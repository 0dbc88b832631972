//! The setting-object windows (job levels, grades, sequences, employment
//! forms, employee subsets, `CommonMetaObject` legal entities),
//! `Employee/GetEmployeeOfOrganization`, and the organisation fields that
//! link them, through real HTTP.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use hr_sandbox::beisen::paths;
use hr_sandbox::{DataConfig, Dataset, Sandbox, SandboxConfig};
use serde_json::{Value, json};

struct Beisen {
    sandbox: Sandbox,
    client: reqwest::Client,
    token: String,
}

impl Beisen {
    async fn start(employees: usize) -> Beisen {
        let mut config = SandboxConfig {
            data: DataConfig {
                employees,
                ..DataConfig::year_2024()
            },
            ..SandboxConfig::default()
        };
        // Whole-year scans make many calls on one route.
        config.beisen.rate_per_second = 10_000;
        config.beisen.rate_per_minute = 100_000;
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let client = reqwest::Client::new();
        let beisen = &sandbox.config().beisen;
        let token: Value = client
            .post(format!("{}{}", sandbox.beisen_url(), paths::TOKEN))
            .json(&json!({"grant_type": "client_credentials", "app_key": beisen.app_key, "app_secret": beisen.app_secret}))
            .send()
            .await
            .expect("token request")
            .json()
            .await
            .expect("token JSON");
        let token = token["access_token"].as_str().expect("token").to_owned();
        Beisen {
            sandbox,
            client,
            token,
        }
    }

    fn data(&self) -> &Dataset {
        self.sandbox.data()
    }

    async fn call(&self, path: &str, body: &Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.sandbox.beisen_url()))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{path} {body}");
        response.json().await.expect("JSON")
    }

    /// Every item of one scroll, following `scrollId` to the empty page.
    async fn scroll(&self, path: &str, mut body: Value) -> Vec<Value> {
        body["scrollId"] = json!("");
        let mut items = Vec::new();
        for _ in 0..1_000 {
            let page = self.call(path, &body).await;
            assert_eq!(page["code"], "200", "{path}: {page}");
            let data = page["data"].as_array().expect("data array");
            if data.is_empty() {
                assert_eq!(page["total"].as_u64(), Some(items.len() as u64));
                return items;
            }
            items.extend(data.iter().cloned());
            body["scrollId"] = page["scrollId"].clone();
        }
        panic!("runaway scroll on {path}");
    }

    /// Every item over 2024 (and the first days of 2025), in 90-day windows.
    async fn year(&self, path: &str, extra: Value) -> Vec<Value> {
        let bounds = [
            "2024-01-01",
            "2024-03-31",
            "2024-06-29",
            "2024-09-27",
            "2024-12-26",
            "2025-01-10",
        ];
        let mut items = Vec::new();
        for w in bounds.windows(2) {
            let mut body = json!({"startTime": w[0], "stopTime": w[1], "timeWindowQueryType": 1, "capacity": 300});
            if let (Value::Object(b), Value::Object(e)) = (&mut body, &extra) {
                b.extend(e.clone());
            }
            items.extend(self.scroll(path, body).await);
        }
        items
    }
}

fn strings(items: &[Value], key: &str) -> BTreeSet<String> {
    items
        .iter()
        .map(|i| {
            i[key]
                .as_str()
                .unwrap_or_else(|| panic!("{key} of {i}"))
                .to_owned()
        })
        .collect()
}

/// `(oIdJobLevel, oidJobGrade, oIdJobSequence, employmentForm)` of every
/// employee record of 2024, everyone included.
async fn record_links(b: &Beisen) -> Vec<[String; 4]> {
    let everyone = json!({"withDisabled": true, "employType": [0, 1, 2, 3], "serviceType": [0, 1, 4, 5], "isWithDeleted": true});
    b.year(paths::EMPLOYEE_GET_BY_TIME_WINDOW, everyone)
        .await
        .iter()
        .map(|item| {
            let r = &item["recordInfo"];
            [
                "oIdJobLevel",
                "oidJobGrade",
                "oIdJobSequence",
                "employmentForm",
            ]
            .map(|k| {
                r[k].as_str()
                    .unwrap_or_else(|| panic!("{k}: {r}"))
                    .to_owned()
            })
        })
        .collect()
}

#[tokio::test]
async fn grades_and_sequences_of_every_record_position_and_job_post_resolve() {
    let b = Beisen::start(300).await;
    let grades = b.year(paths::JOB_GRADE_GET_BY_TIME_WINDOW, json!({})).await;
    let sequences = b
        .year(paths::JOB_SEQUENCE_GET_BY_TIME_WINDOW, json!({}))
        .await;
    assert_eq!((grades.len(), sequences.len()), (9, 12));
    let grade_ids = strings(&grades, "oId");
    let sequence_ids = strings(&sequences, "oId");
    assert_eq!(grade_ids, strings(&grades, "objectId"));
    assert!(
        sequence_ids.iter().all(|s| s.parse::<u32>().is_ok()),
        "{sequence_ids:?}"
    );

    let links = record_links(&b).await;
    assert!(links.len() > 250, "{} records", links.len());
    for [_, grade, sequence, _] in &links {
        assert!(grade_ids.contains(grade), "oidJobGrade {grade}");
        assert!(sequence_ids.contains(sequence), "oIdJobSequence {sequence}");
    }
    let posts = b
        .year(
            paths::JOB_POST_GET_BY_TIME_WINDOW,
            json!({"withDisabled": true, "isWithDeleted": true}),
        )
        .await;
    for post in &posts {
        for k in ["oIdJobGradeLow", "oIdJobGradeHigh"] {
            assert!(grade_ids.contains(post[k].as_str().unwrap()), "{k}: {post}");
        }
        assert!(sequence_ids.contains(post["oIdJobSequence"].as_str().unwrap()));
    }
}

#[tokio::test]
async fn job_levels_are_guids_that_positions_and_job_posts_reference() {
    let b = Beisen::start(200).await;
    let levels = b.year(paths::JOB_LEVEL_GET_BY_TIME_WINDOW, json!({})).await;
    let all = b
        .year(
            paths::JOB_LEVEL_GET_BY_TIME_WINDOW,
            json!({"withDisabled": true}),
        )
        .await;
    // The retired P0 only with withDisabled.
    assert_eq!((levels.len(), all.len()), (9, 10));
    assert!(all.iter().any(|l| l["code"] == "P0" && l["status"] == 0));
    let ids = strings(&levels, "oId");
    assert_eq!(ids, strings(&levels, "objectId"));
    assert!(
        ids.iter()
            .all(|id| id.len() == 36 && id.matches('-').count() == 4),
        "{ids:?}"
    );
    let codes = strings(&levels, "code");
    for code in ["P1", "P3", "M2", "X9"] {
        assert!(codes.contains(code), "{codes:?}");
    }
    let positions = b
        .year(
            paths::POSITION_GET_BY_TIME_WINDOW,
            json!({"withDisabled": true, "isWithDeleted": true}),
        )
        .await;
    let posts = b
        .year(
            paths::JOB_POST_GET_BY_TIME_WINDOW,
            json!({"withDisabled": true, "isWithDeleted": true}),
        )
        .await;
    assert!(positions.len() > 150 && posts.len() > 250);
    for item in positions.iter().chain(&posts) {
        for k in ["oIdJobLevel", "highestOIdJobLevel"] {
            assert!(ids.contains(item[k].as_str().unwrap()), "{k}: {item}");
        }
    }
    // The same rules as the other windows: 90 days at most.
    let long = b
        .call(
            paths::JOB_LEVEL_GET_BY_TIME_WINDOW,
            &json!({"startTime": "2024-01-01", "stopTime": "2024-06-01", "scrollId": ""}),
        )
        .await;
    assert_eq!(
        (&long["code"], &long["data"]),
        (&json!("417"), &Value::Null)
    );
    // Translations, when asked for.
    let page = b
        .call(
            paths::JOB_LEVEL_GET_BY_TIME_WINDOW,
            &json!({"startTime": "2024-01-01", "stopTime": "2024-03-31", "scrollId": "", "enableTranslate": true, "withDisabled": true}),
        )
        .await;
    for level in page["data"].as_array().unwrap() {
        assert!(
            level["translateProperties"]["OIdJobLevelTypeText"].is_string(),
            "{level}"
        );
    }
}

#[tokio::test]
async fn every_record_job_level_and_employment_form_resolves() {
    let b = Beisen::start(300).await;
    let levels = b.year(paths::JOB_LEVEL_GET_BY_TIME_WINDOW, json!({})).await;
    let forms = b
        .year(paths::EMPLOYMENT_FORM_GET_BY_TIME_WINDOW, json!({}))
        .await;
    let level_ids = strings(&levels, "oId");
    let form_ids = strings(&forms, "oId");
    let links = record_links(&b).await;
    let mut forms_used = BTreeSet::new();
    for [level, _, _, form] in &links {
        assert!(level_ids.contains(level), "oIdJobLevel {level}");
        assert!(form_ids.contains(form), "employmentForm {form}");
        forms_used.insert(form.clone());
    }
    assert!(forms_used.len() >= 3, "{forms_used:?}");
}

#[tokio::test]
async fn employment_forms_list_the_catalogue() {
    let b = Beisen::start(100).await;
    // hztic's request, verbatim but for the dates.
    let forms = b
        .year(
            paths::EMPLOYMENT_FORM_GET_BY_TIME_WINDOW,
            json!({"columns": ["Name", "StartDate"], "enableTranslate": true, "sort": {"Name": 1}}),
        )
        .await;
    let names = strings(&forms, "name");
    let expected: BTreeSet<String> = b
        .data()
        .employment_forms()
        .iter()
        .map(|f| f.name.to_owned())
        .collect();
    assert_eq!(names, expected);
    for form in &forms {
        assert!(
            form["objectId"].as_str().is_some_and(|id| id.len() == 36),
            "{form}"
        );
        // Not a selected column: present, null.
        assert!(
            form["code"].is_null() && form.get("code").is_some(),
            "{form}"
        );
    }
}

#[tokio::test]
async fn corporations_carry_finance_fields_and_every_department_names_one() {
    let b = Beisen::start(400).await;
    let tenant = b.data().tenant_id();
    let corps = b
        .year(
            paths::COMMON_META_OBJECT_GET_BY_TIME_WINDOW,
            json!({"metaObjectName": "Corporation", "enableTranslate": true, "sort": {"Name": 1}}),
        )
        .await;
    assert_eq!(corps.len(), b.data().corporations().len());
    let mut by_oid = BTreeMap::new();
    for corp in &corps {
        let f = &corp["fields"];
        let credit = f[format!("extzuzhidaima_{tenant}_11")]
            .as_str()
            .expect("credit code");
        assert_eq!(credit.len(), 18, "{f}");
        assert!(
            f[format!("extyinhangzhanghao_{tenant}_13")]
                .as_str()
                .is_some_and(|a| a.bytes().all(|c| c.is_ascii_digit()))
        );
        for k in [
            "kaihuyinhang_{t}_12",
            "dianhua_{t}_14",
            "dengjidizhi_{t}_15",
        ] {
            let key = format!("ext{}", k.replace("{t}", &tenant.to_string()));
            assert!(
                f[&key].as_str().is_some_and(|v| !v.is_empty()),
                "{key}: {f}"
            );
        }
        assert_eq!(f["Status"], 1);
        by_oid.insert(
            f["OId"].as_str().unwrap().to_owned(),
            f["Name"].as_str().unwrap().to_owned(),
        );
    }
    assert_eq!(by_oid.len(), corps.len());
    assert!(by_oid.values().any(|n| n == "沙箱科技有限公司"));

    // Every department's 所属公司主体 is one of them, its text the name.
    let field = format!("extsuoshugongsizhuti_{tenant}_16");
    let orgs = b
        .year(
            paths::ORGANIZATION_GET_BY_TIME_WINDOW,
            json!({"withDisabled": true, "enableTranslate": true}),
        )
        .await;
    assert_eq!(orgs.len(), b.data().orgs().len());
    for org in &orgs {
        let oid = org["customProperties"][&field]
            .as_str()
            .unwrap_or_else(|| panic!("{org}"));
        let name = &by_oid[oid];
        assert_eq!(
            org["translateProperties"][format!("{field}Text")],
            name.as_str()
        );
    }

    // extQueries on that property filter departments by legal entity.
    let head = b.data().corporations()[0].oid.clone();
    let head_orgs = b
        .year(
            paths::ORGANIZATION_GET_BY_TIME_WINDOW,
            json!({"withDisabled": true, "extQueries": [{"fieldName": field, "queryType": 5, "values": [head]}]}),
        )
        .await;
    assert_eq!(
        head_orgs.len(),
        1,
        "only the root belongs to the head office"
    );
    assert_eq!(head_orgs[0]["oId"], b.data().orgs()[0].oid);

    // Other names are refused as the other business errors are.
    for body in [
        json!({"metaObjectName": "NoSuchObject", "startTime": "2024-01-01", "stopTime": "2024-02-01", "scrollId": ""}),
        json!({"startTime": "2024-01-01", "stopTime": "2024-02-01", "scrollId": ""}),
    ] {
        let reply = b
            .call(paths::COMMON_META_OBJECT_GET_BY_TIME_WINDOW, &body)
            .await;
        assert_eq!(reply["code"], "417", "{reply}");
        assert!(reply["data"].is_null() && reply["scrollId"].is_null() && reply["total"] == 0);
        assert!(
            reply["message"]
                .as_str()
                .is_some_and(|m| m.contains("metaObjectName") || m.contains("NoSuchObject")),
            "{reply}"
        );
    }
}

#[tokio::test]
async fn organisations_carry_their_name_path_and_translations() {
    let b = Beisen::start(400).await;
    // hztic's request, verbatim but for the dates and the tenant's field.
    let orgs = b
        .year(
            paths::ORGANIZATION_GET_BY_TIME_WINDOW,
            json!({"columns": ["OId", "POIdOrgAdminNameTreePath", "extsuoshugongsizhuti_609792_1697874494", "PersonInCharge", "Name"],
                   "extQueries": [], "isWithDeleted": false, "enableTranslate": true, "sort": {"Name": 1}}),
        )
        .await;
    let data = b.data();
    let enabled = data.orgs().iter().filter(|o| o.status == 1).count();
    assert_eq!(orgs.len(), enabled);
    let mut with_charge = 0;
    for org in &orgs {
        let o = data.org(org["oId"].as_i64().unwrap()).unwrap();
        // Root first, the department last, joined by "/".
        let mut names = vec![o.name.clone()];
        let mut at = o;
        while let Some(parent) = at.parent_oid.and_then(|p| data.org(p)) {
            names.insert(0, parent.name.clone());
            at = parent;
        }
        let path = names.join("/");
        assert_eq!(org["pOIdOrgAdminNameTreePath"], path.as_str());
        let texts = &org["translateProperties"];
        assert_eq!(texts["POIdOrgAdminNameTreePathText"], path.as_str());
        match o.person_in_charge {
            Some(user) => {
                let i = data.index_of_user_id(user).unwrap();
                assert_eq!(org["personInCharge"], user);
                assert_eq!(texts["PersonInChargeText"], data.person(i).name.as_str());
                with_charge += 1;
            }
            None => assert!(texts.get("PersonInChargeText").is_none(), "{org}"),
        }
        // Not selected: present and null.
        assert!(org["code"].is_null());
    }
    assert!(with_charge > 0);
    // Without enableTranslate, no translations.
    let page = b
        .call(
            paths::ORGANIZATION_GET_BY_TIME_WINDOW,
            &json!({"startTime": "2024-01-01", "stopTime": "2024-03-31", "scrollId": ""}),
        )
        .await;
    let first = &page["data"][0];
    assert!(
        first["translateProperties"].is_null() && first["pOIdOrgAdminNameTreePath"].is_string(),
        "{first}"
    );
}

#[tokio::test]
async fn employee_subsets_list_education_records_by_name() {
    let b = Beisen::start(100).await;
    let records = b
        .year(
            paths::EMP_SUBSET_GET_BY_TIME_WINDOW,
            json!({"metaObjectName": "EmpEducation", "withDisabled": true}),
        )
        .await;
    let users: HashSet<i64> = records
        .iter()
        .map(|r| r["userID"].as_i64().unwrap())
        .collect();
    assert_eq!(users.len(), records.len());
    let live = (0..100).filter(|&i| !b.data().is_deleted(i)).count();
    assert_eq!(records.len(), live);
    assert!(
        records
            .iter()
            .all(|r| r["schoolName"].is_string() && r["objectId"].is_string())
    );
    let reply = b
        .call(
            paths::EMP_SUBSET_GET_BY_TIME_WINDOW,
            &json!({"metaObjectName": "EmpNothing", "startTime": "2024-01-01", "stopTime": "2024-02-01", "scrollId": ""}),
        )
        .await;
    assert_eq!(reply["code"], "417", "{reply}");
}

/// The departments at and below `oid`, enabled ones only below it.
fn subtree(data: &Dataset, oid: i64) -> HashSet<i64> {
    let mut set = HashSet::from([oid]);
    for o in data.orgs() {
        if o.parent_oid.is_some_and(|p| set.contains(&p)) && o.status == 1 {
            set.insert(o.oid);
        }
    }
    set
}

#[tokio::test]
async fn employees_of_an_organisation_scroll_with_or_without_sub_departments() {
    let b = Beisen::start(600).await;
    let data = b.data();
    let division = data.orgs().iter().find(|o| o.level == 1).unwrap().oid;
    let expected = |orgs: &HashSet<i64>| -> BTreeSet<i64> {
        (0..data.len())
            .filter(|&i| {
                let p = data.person(i);
                orgs.contains(&p.org_oid)
                    && [2, 3, 7].contains(&p.emp_status)
                    && p.employ_type == 0
                    && p.service_type == 0
                    && p.approval_status == 4
                    && !p.is_deleted
            })
            .map(|i| data.person(i).user_id)
            .collect()
    };
    let users = |items: &[Value]| -> Vec<i64> {
        items
            .iter()
            .map(|i| i["employeeInfo"]["userID"].as_i64().unwrap())
            .collect()
    };
    let path = paths::EMPLOYEE_GET_EMPLOYEE_OF_ORGANIZATION;
    let all = b
        .scroll(
            path,
            json!({"orgOId": division, "includeSubOrg": true, "queryDate": null, "capacity": 7}),
        )
        .await;
    let got = users(&all);
    let want = expected(&subtree(data, division));
    assert!(
        want.len() > 7,
        "a division with a few pages of people: {}",
        want.len()
    );
    assert_eq!(got.iter().copied().collect::<BTreeSet<_>>(), want);
    assert!(got.windows(2).all(|w| w[0] < w[1]), "userID order");
    let own = b
        .scroll(
            path,
            json!({"orgOId": division, "includeSubOrg": false, "queryDate": "2024-06-01T00:00:00"}),
        )
        .await;
    assert_eq!(
        users(&own).into_iter().collect::<BTreeSet<_>>(),
        expected(&HashSet::from([division]))
    );

    // The record shape is the time windows' employee record.
    let item = &all[0];
    let user = item["employeeInfo"]["userID"].as_i64().unwrap();
    let t = data.modified_time(data.index_of_user_id(user).unwrap());
    let window = b
        .scroll(
            paths::EMPLOYEE_GET_BY_TIME_WINDOW,
            json!({"startTime": t.format("%Y-%m-%dT%H:%M:%S").to_string(), "stopTime": (t + chrono::Duration::seconds(1)).format("%Y-%m-%dT%H:%M:%S").to_string()}),
        )
        .await;
    let same = window
        .iter()
        .find(|w| w["employeeInfo"]["userID"] == user)
        .expect("in its window");
    assert_eq!(same, item);

    // Errors: the scroll envelope with null data.
    for (body, message) in [
        (
            json!({"includeSubOrg": true, "queryDate": null}),
            "OrgOId不能为空且为正整数！",
        ),
        (
            json!({"orgOId": 0, "includeSubOrg": true, "queryDate": null}),
            "OrgOId不能为空且为正整数！",
        ),
        (
            json!({"orgOId": division, "queryDate": null}),
            "IncludeSubOrg不能为空",
        ),
        (
            json!({"orgOId": division, "includeSubOrg": true}),
            "QueryDate不能为空",
        ),
    ] {
        let mut body = body;
        body["scrollId"] = json!("");
        let reply = b.call(path, &body).await;
        assert_eq!(
            reply,
            json!({"scrollId": null, "isLastData": false, "total": 0, "data": null, "code": "417", "message": message})
        );
    }
    // A department the tree does not have lists nobody.
    let none = b
        .scroll(
            path,
            json!({"orgOId": 42, "includeSubOrg": true, "queryDate": null}),
        )
        .await;
    assert!(none.is_empty());
}
