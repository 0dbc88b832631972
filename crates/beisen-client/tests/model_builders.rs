//! The response models built the way a user's test builds them: `new(id)`
//! plus `with_*` setters, without vendor JSON. A built record must equal
//! the decoded one, serialise to Beisen's field names, and round-trip.

use beisen_client::chrono::NaiveDate;
use beisen_client::custom::CustomProperties;
use beisen_client::enums::{ApprovalStatus, EmpStatus, EmployType, Gender, ServiceType};
use beisen_client::models::{
    Employee, EmployeeInfo, EmployeeWithRecords, JobPost, MetaRecord, Organization, Position,
    RecordInfo, WindowRecord,
};
use beisen_client::window::QueryType;
use hr_common::CivilDateTime;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn time(text: &str) -> CivilDateTime {
    text.parse().unwrap()
}

/// Serialises `built`, checks the decode of that JSON equals `built`, and
/// returns the JSON.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(built: &T) -> Value {
    let json = serde_json::to_value(built).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(&back, built);
    json
}

fn decode<T: DeserializeOwned>(wire: Value) -> T {
    serde_json::from_value(wire).unwrap()
}

/// What a user's fixture typically holds: the person and their main job.
fn fixture(user_id: i64, modified: &str) -> Employee {
    Employee::new(
        EmployeeInfo::new(user_id)
            .with_name("张三")
            .with_gender(Gender::Female)
            .with_email("zhangsan@example.com")
            .with_mobile_phone("13512345678")
            .with_id_number("110101199001011234")
            .with_birthday(NaiveDate::from_ymd_opt(1990, 1, 1).unwrap())
            .with_modified_time(time(modified))
            .with_std_is_deleted(false)
            .with_custom_property("extCostCenter_100001_1", "CC-7"),
    )
    .with_record_info(
        RecordInfo::new(user_id)
            .with_job_number("E0007")
            .with_oid_department(900001)
            .with_oid_job_post("1001")
            .with_oid_job_position("6f1c2a9e-0000-4000-8000-000000000001")
            .with_employ_type(EmployType::Internal)
            .with_service_type(ServiceType::Main)
            .with_approval_status(ApprovalStatus::Effective)
            .with_employee_status(EmpStatus::Regular)
            .with_poid_emp_admin(100000001)
            .with_entry_date(time("2020-03-01T00:00:00"))
            .with_work_year_total(3.5)
            .with_modified_time(time("2024-01-01T00:00:00")),
    )
}

#[test]
fn a_built_employee_equals_the_decode_of_the_same_vendor_json() {
    let wire = json!({
        "employeeInfo": {
            "userID": 100000007, "name": "张三", "gender": 1,
            "email": "zhangsan@example.com", "mobilePhone": "13512345678",
            "iDNumber": "110101199001011234", "birthday": "1990-01-01",
            "modifiedTime": "2024-01-05T10:00:00", "stdIsDeleted": false,
            "customProperties": {"extCostCenter_100001_1": "CC-7"}
        },
        "recordInfo": {
            "userID": 100000007, "jobNumber": "E0007", "oIdDepartment": 900001,
            "oIdJobPost": "1001", "oIdJobPosition": "6f1c2a9e-0000-4000-8000-000000000001",
            "employType": 0, "serviceType": 0, "approvalStatus": 4,
            "employeeStatus": "3", "pOIdEmpAdmin": 100000001,
            "entryDate": "2020-03-01T00:00:00", "workYearTotal": 3.5,
            "modifiedTime": "2024-01-01T00:00:00"
        }
    });
    let built = fixture(100000007, "2024-01-05T10:00:00");
    assert_eq!(built, decode::<Employee>(wire));
}

#[test]
fn a_built_employee_serialises_to_beisen_names_and_round_trips() {
    let built = fixture(100000007, "2024-01-05T10:00:00").with_extra("originalId", "X-1");
    let json = round_trip(&built);
    let (person, record) = (&json["employeeInfo"], &json["recordInfo"]);
    assert_eq!(person["userID"], 100000007);
    assert_eq!(person["mobilePhone"], "13512345678");
    assert_eq!(person["iDNumber"], "110101199001011234");
    assert_eq!(person["birthday"], "1990-01-01");
    assert_eq!(person["customProperties"]["extCostCenter_100001_1"], "CC-7");
    assert_eq!(record["oIdDepartment"], 900001);
    assert_eq!(record["employeeStatus"], "3");
    assert_eq!(record["approvalStatus"], 4);
    assert_eq!(json["originalId"], "X-1");
    // Built personal data is masked like decoded personal data.
    let debug = format!("{built:?}");
    assert!(!debug.contains("13512345678"), "{debug}");
    assert!(!debug.contains("110101199001011234"), "{debug}");
    assert_eq!(
        built
            .employee_info
            .custom_properties
            .as_ref()
            .and_then(|c| c.get_str("extCostCenter_100001_1")),
        Some("CC-7")
    );
}

#[test]
fn new_is_the_decode_of_the_id_alone() {
    assert_eq!(
        EmployeeInfo::new(7),
        decode::<EmployeeInfo>(json!({"userID": 7}))
    );
    assert_eq!(
        RecordInfo::new(7),
        decode::<RecordInfo>(json!({"userID": 7}))
    );
    let person = EmployeeInfo::new(7);
    assert_eq!(
        Employee::new(person.clone()),
        decode::<Employee>(json!({"employeeInfo": {"userID": 7}}))
    );
    assert_eq!(
        EmployeeWithRecords::new(person),
        decode::<EmployeeWithRecords>(json!({"employeeInfo": {"userID": 7}}))
    );
    assert_eq!(
        Organization::new(900001),
        decode::<Organization>(json!({"oId": 900001}))
    );
    assert_eq!(
        Position::new("6f1c2a9e"),
        decode::<Position>(json!({"oId": "6f1c2a9e"}))
    );
    assert_eq!(
        JobPost::new("1001"),
        decode::<JobPost>(json!({"oId": "1001"}))
    );
    assert_eq!(MetaRecord::new(), decode::<MetaRecord>(json!({})));
}

#[test]
fn default_filled_fields_write_nulls_that_decode_back_to_none() {
    let json = round_trip(&RecordInfo::new(7));
    assert_eq!(json["employeeStatus"], Value::Null);
    assert_eq!(json["entryDate"], Value::Null);
    round_trip(&EmployeeInfo::new(7));
    round_trip(&Employee::new(EmployeeInfo::new(7)));
    round_trip(&EmployeeWithRecords::new(EmployeeInfo::new(7)));
    round_trip(&Organization::new(1));
    round_trip(&MetaRecord::new());
}

#[test]
fn built_records_carry_the_window_identity_and_version() {
    let q = QueryType::Modified;
    let old = fixture(7, "2024-01-02T10:00:00");
    let copy = fixture(7, "2024-01-02T10:00:00");
    let newer = fixture(7, "2024-01-05T10:00:00");
    assert_eq!(old.dedup_key().as_deref(), Some("7"));
    assert_eq!(old.versioned_key(q), copy.versioned_key(q));
    assert_ne!(old.versioned_key(q), newer.versioned_key(q));

    let listed = EmployeeWithRecords::new(EmployeeInfo::new(7))
        .with_record_info(RecordInfo::new(7).with_order(0))
        .with_record_info(RecordInfo::new(7).with_order(1));
    assert_eq!(listed.record_infos.len(), 2);
    assert_eq!(
        listed
            .clone()
            .with_record_infos([RecordInfo::new(7)])
            .record_infos
            .len(),
        1
    );
    round_trip(&listed);

    let org = Organization::new(900001).with_modified_time(time("2024-01-05T10:00:00"));
    assert_eq!(
        org.versioned_key(q).as_deref(),
        Some("900001@2024-01-05T10:00:00")
    );
    let level = MetaRecord::new().with_oid(12);
    assert_eq!(level.dedup_key().as_deref(), Some("12"));
}

#[test]
fn built_org_models_serialise_as_beisen_sends_them() {
    let mut custom = CustomProperties::default();
    custom.0.insert("extRegion_1".into(), json!("华东"));
    let org = Organization::new(900001)
        .with_name("研发中心")
        .with_short_name("研发")
        .with_code("RD")
        .with_status(1)
        .with_poid_org_admin(900000)
        .with_person_in_charge(100000001)
        .with_person_in_charge_deputy("100000002,100000003")
        .with_establish_date(NaiveDate::from_ymd_opt(2010, 5, 1).unwrap())
        .with_custom_properties(custom)
        .with_extra("orgType", 2);
    let json = round_trip(&org);
    assert_eq!(json["oId"], 900001);
    assert_eq!(json["pOIdOrgAdmin"], 900000);
    assert_eq!(json["personInCharge"], 100000001);
    assert_eq!(json["establishDate"], "2010-05-01");
    assert_eq!(json["customProperties"]["extRegion_1"], "华东");
    assert_eq!(json["orgType"], 2);
    assert_eq!(org.deputies().len(), 2);

    let position = Position::new("6f1c2a9e")
        .with_name("后端工程师")
        .with_oid_job_post("1001")
        .with_oid_organization(900001)
        .with_status(1);
    assert_eq!(
        position,
        decode::<Position>(json!({"oId": "6f1c2a9e", "name": "后端工程师",
            "oIdJobPost": "1001", "oIdOrganization": 900001, "status": 1}))
    );

    let post = JobPost::new("1001")
        .with_name("工程师")
        .with_code("ENG")
        .with_custom_property("extFamily_1", 3);
    assert_eq!(
        post,
        decode::<JobPost>(json!({"oId": "1001", "name": "工程师", "code": "ENG",
            "customProperties": {"extFamily_1": 3}}))
    );
}
