//! The response models built the way a user's test builds them: `new(id)`
//! plus `with_*` setters, without vendor JSON. A built record must equal
//! the decoded one, serialise to the vendor's field names, and round-trip.

use hr_common::CivilDateTime;
use isdp_client::{
    DirectedOrg, Organization, Person, PersonOrg, PersonStatus, PersonType, Position, PositionInfo,
    PositionRole, ProfilePictureStatus, Role, RoleInfo,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn seed_person() -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/resources/seed001_person_list_response.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let page: Value = serde_json::from_str(&text).unwrap();
    page["data"][0].clone()
}

/// Serialises `built`, decodes it back, and returns the JSON, checking the
/// decoded copy serialises the same (the org models have no `PartialEq`).
fn round_trip<T: Serialize + DeserializeOwned>(built: &T) -> Value {
    let json = serde_json::to_value(built).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), json);
    json
}

/// A model the user builds must serialise exactly as the decode of `wire`.
fn same_as_decoded<T: Serialize + DeserializeOwned>(built: &T, wire: Value) {
    let decoded: T = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(
        serde_json::to_value(built).unwrap(),
        serde_json::to_value(&decoded).unwrap(),
        "built model differs from the decode of {wire}"
    );
}

#[test]
fn the_builders_reproduce_the_seed_person() {
    let built = Person::new(5001610)
        .with_profile_picture_status(ProfilePictureStatus::CollectionFailed)
        .with_person_code("h00799695b")
        .with_person_name("黄xxtest2")
        .with_person_type(PersonType::Employee)
        .with_tenant_id(101075)
        .with_certificate_type("")
        .with_profile_picture_id("")
        .with_black_list(0)
        .with_phone("135******78")
        .with_admin_org_id(9911292880)
        .with_integration_account("")
        .with_last_updated_by(36378)
        .with_last_update_date(
            "2023-08-11T14:23:09.000+08:00"
                .parse::<CivilDateTime>()
                .unwrap(),
        )
        .with_person_status(PersonStatus::NoAccountOpened)
        .with_is_smart_device(false)
        .with_user_id(5003069)
        .with_org(
            PersonOrg::new(9911292880)
                .with_value("15512345678aaa")
                .with_org_name("15512345678aaa")
                .with_org_no("SaasTenant101075"),
        )
        .with_position_info(
            PositionInfo::new(5000829)
                .with_position_name("测试")
                .with_position_code("HWtest"),
        )
        .with_role_info(
            RoleInfo::new(126290)
                .with_role_code("ConstructionSiteOperator")
                .with_role_name("现场作业人员"),
        )
        .with_role_info(
            RoleInfo::new(126294)
                .with_role_code("ConstructionProjectAssistant")
                .with_role_name("项目助理/后台人员"),
        );
    let decoded: Person = serde_json::from_value(seed_person()).unwrap();
    assert_eq!(built, decoded);
    assert!(!built.is_blacklisted());
}

#[test]
fn a_built_person_round_trips_with_vendor_field_names() {
    let p = Person::new(1001)
        .with_person_code("E0007")
        .with_person_name("张三")
        .with_person_status(PersonStatus::Freeze)
        .with_phone("13512345678")
        .with_certificate_no("110101199001011234")
        .with_is_smart_device(true)
        .with_black_list(1)
        .with_org(PersonOrg::new(20).with_org_no("RD"))
        .with_extra("newField", 7);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["personId"], 1001);
    assert_eq!(json["personCode"], "E0007");
    assert_eq!(json["personStatus"], "Freeze");
    assert_eq!(json["phone"], "13512345678");
    assert_eq!(json["isSmartDevice"], "Y");
    assert_eq!(json["Org"]["id"], 20);
    assert_eq!(json["Org"]["orgId"], 20);
    // An extra key sits at the top level, like an unknown vendor field.
    assert_eq!(json["newField"], 7);
    let back: Person = serde_json::from_value(json).unwrap();
    assert_eq!(back, p);
    assert_eq!(back.extra["newField"], 7);
    assert!(back.is_blacklisted());
    // Built personal data is masked like decoded personal data.
    let debug = format!("{p:?}");
    assert!(!debug.contains("13512345678"), "{debug}");
    assert!(!debug.contains("110101199001011234"), "{debug}");
}

#[test]
fn new_is_the_decode_of_the_id_alone() {
    assert_eq!(
        Person::new(5),
        serde_json::from_value::<Person>(json!({"personId": 5})).unwrap()
    );
    assert_eq!(
        RoleInfo::new(7),
        serde_json::from_value::<RoleInfo>(json!({"roleId": "7"})).unwrap()
    );
    assert_eq!(
        PositionInfo::new(31),
        serde_json::from_value::<PositionInfo>(json!({"positionId": "31"})).unwrap()
    );
    assert_eq!(
        PersonOrg::new(20),
        serde_json::from_value::<PersonOrg>(json!({"id": 20, "orgId": 20})).unwrap()
    );
    same_as_decoded(&DirectedOrg::new(20), json!({"id": 20, "orgId": 20}));
    same_as_decoded(&Organization::new(21), json!({"orgId": 21}));
    same_as_decoded(&Role::new(7), json!({"roleId": 7}));
    same_as_decoded(&PositionRole::new(7), json!({"roleId": 7}));
    same_as_decoded(&Position::new(31), json!({"positionId": 31}));
}

#[test]
fn the_default_filled_person_writes_nulls_and_empty_lists_that_decode_back() {
    let json = round_trip(&Person::new(5));
    assert_eq!(json["personCode"], "");
    assert_eq!(json["roleInfo"], json!([]));
    assert_eq!(json["phone"], Value::Null);
    assert_eq!(json["lastUpdateDate"], Value::Null);
}

#[test]
fn built_org_models_serialise_as_the_vendor_sends_them() {
    let directed = DirectedOrg::new(20)
        .with_org_no("RD")
        .with_org_name("研发中心")
        .with_value("研发中心")
        .with_org_level(2);
    same_as_decoded(
        &directed,
        json!({"id": 20, "orgId": 20, "orgNo": "RD", "orgName": "研发中心",
               "value": "研发中心", "orgLevel": 2}),
    );
    round_trip(&directed);

    let org = Organization::new(21)
        .with_org_code("RD-1")
        .with_org_name("平台组")
        .with_parent_org_id(20)
        .with_parent_org_code("RD")
        .with_org_level(3)
        .with_extra("orgType", "Dept");
    let json = round_trip(&org);
    assert_eq!(json["parentOrgId"], 20);
    assert_eq!(json["orgType"], "Dept");

    let role = Role::new(7)
        .with_role_no("R007")
        .with_role_name("员工")
        .with_role_type("Business")
        .with_status("Y")
        .with_description("d")
        .with_tenant_id(101075);
    same_as_decoded(
        &role,
        json!({"roleId": 7, "roleNo": "R007", "roleName": "员工", "roleType": "Business",
               "status": "Y", "description": "d", "tenantId": 101075}),
    );

    let position = Position::new(31)
        .with_position_code("P031")
        .with_position_name("工程师")
        .with_org_id(20)
        .with_org_name("研发中心")
        .with_org_no("RD")
        .with_position_factor(json!({"k": 1}))
        .with_role(PositionRole::new(7).with_role_no("R007"))
        .with_role(PositionRole::new(8).with_role_name("组长"));
    let json = round_trip(&position);
    assert_eq!(json["rolesList"][0]["roleId"], 7);
    assert_eq!(json["rolesList"][1]["roleName"], "组长");
    assert_eq!(position.roles_list.len(), 2);
    assert_eq!(position.org_id.map(|id| id.get()), Some(20));
}
