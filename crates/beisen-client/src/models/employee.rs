//! Employee records: `employeeInfo` (员工信息) and `recordInfo` (任职记录), every
//! field of the vendor's schema typed, the rest kept in `extra`.

use hr_common::civil_time::{self, CivilDateTime};
use hr_common::sensitive::{IdNumber, Phone};
use serde::{Deserialize, Serialize};

use crate::custom::{CustomProperties, TranslateProperties};
#[allow(unused_imports)]
use crate::enums::{ApprovalStatus, EmpStatus, EmployType, Gender, ServiceType};
use crate::ids::{JobPostOId, OrgOId, PositionOId, UserId};

/// 员工信息: the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmployeeInfo {
    /// 员工 UserID.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// 姓名.
    #[serde(rename = "name", default)]
    pub name: Option<String>,
    /// 姓名 (the vendor's second copy, `_Name`).
    #[serde(rename = "_Name", default)]
    pub name_alt: Option<String>,
    /// 性别.
    #[serde(rename = "gender", default)]
    pub gender: Option<Gender>,
    /// 邮箱 (lower-case in Beisen).
    #[serde(rename = "email", default)]
    pub email: Option<String>,
    /// 证件类型 code.
    #[serde(rename = "iDType", default)]
    pub id_type: Option<String>,
    /// 证件号码; masked in `Debug`.
    #[serde(rename = "iDNumber", default)]
    pub id_number: Option<IdNumber>,
    /// 出生日期.
    #[serde(rename = "birthday", default, with = "civil_time::option")]
    pub birthday: Option<CivilDateTime>,
    /// 参加工作日期.
    #[serde(rename = "workDate", default, with = "civil_time::option")]
    pub work_date: Option<CivilDateTime>,
    /// 家庭地址.
    #[serde(rename = "homeAddress", default)]
    pub home_address: Option<String>,
    /// 手机; masked in `Debug`.
    #[serde(rename = "mobilePhone", default)]
    pub mobile_phone: Option<Phone>,
    /// 微信.
    #[serde(rename = "weiXin", default)]
    pub wei_xin: Option<String>,
    /// 证件照.
    #[serde(rename = "iDPhoto", default)]
    pub id_photo: Option<String>,
    /// 个人主页.
    #[serde(rename = "personalHomepage", default)]
    pub personal_homepage: Option<String>,
    /// 特长.
    #[serde(rename = "speciality", default)]
    pub speciality: Option<String>,
    /// 专业.
    #[serde(rename = "major", default)]
    pub major: Option<String>,
    /// 邮编.
    #[serde(rename = "postalCode", default)]
    pub postal_code: Option<String>,
    /// 护照号; masked in `Debug`.
    #[serde(rename = "passportNumber", default)]
    pub passport_number: Option<IdNumber>,
    /// 星座.
    #[serde(rename = "constellation", default)]
    pub constellation: Option<String>,
    /// 血型.
    #[serde(rename = "bloodType", default)]
    pub blood_type: Option<String>,
    /// 居住地址.
    #[serde(rename = "residenceAddress", default)]
    pub residence_address: Option<String>,
    /// 入党日期.
    #[serde(rename = "joinPartyDate", default, with = "civil_time::option")]
    pub join_party_date: Option<CivilDateTime>,
    /// 户口类型.
    #[serde(rename = "domicileType", default)]
    pub domicile_type: Option<i64>,
    /// 紧急联系人.
    #[serde(rename = "emergencyContact", default)]
    pub emergency_contact: Option<String>,
    /// 紧急联系人关系.
    #[serde(rename = "emergencyContactRelationship", default)]
    pub emergency_contact_relationship: Option<String>,
    /// 紧急联系人电话; masked.
    #[serde(rename = "emergencyContactPhone", default)]
    pub emergency_contact_phone: Option<Phone>,
    /// QQ.
    #[serde(rename = "qQ", default)]
    pub qq: Option<String>,
    /// 自我介绍.
    #[serde(rename = "aboutMe", default)]
    pub about_me: Option<String>,
    /// 家庭电话; masked.
    #[serde(rename = "homePhone", default)]
    pub home_phone: Option<Phone>,
    /// 毕业日期.
    #[serde(rename = "graduateDate", default, with = "civil_time::option")]
    pub graduate_date: Option<CivilDateTime>,
    /// 婚姻状况 code.
    #[serde(rename = "marryCategory", default)]
    pub marry_category: Option<String>,
    /// 政治面貌 code.
    #[serde(rename = "politicalStatus", default)]
    pub political_status: Option<String>,
    /// 国籍 code.
    #[serde(rename = "nationality", default)]
    pub nationality: Option<i64>,
    /// 民族 code.
    #[serde(rename = "nation", default)]
    pub nation: Option<String>,
    /// 籍贯.
    #[serde(rename = "birthplace", default)]
    pub birthplace: Option<String>,
    /// 户口所在地.
    #[serde(rename = "registAddress", default)]
    pub regist_address: Option<String>,
    /// 学历 code.
    #[serde(rename = "educationLevel", default)]
    pub education_level: Option<String>,
    /// 毕业学校.
    #[serde(rename = "lastSchool", default)]
    pub last_school: Option<String>,
    /// 英文名.
    #[serde(rename = "engName", default)]
    pub eng_name: Option<String>,
    /// 办公电话; masked in `Debug`.
    #[serde(rename = "officeTel", default)]
    pub office_tel: Option<Phone>,
    /// 办公地址.
    #[serde(rename = "businessAddress", default)]
    pub business_address: Option<String>,
    /// 备用邮箱.
    #[serde(rename = "backupMail", default)]
    pub backup_mail: Option<String>,
    /// 应聘者 id.
    #[serde(rename = "applicantId", default)]
    pub applicant_id: Option<i64>,
    /// 年龄.
    #[serde(rename = "age", default)]
    pub age: Option<i64>,
    /// 业务修改人.
    #[serde(rename = "businessModifiedBy", default)]
    pub business_modified_by: Option<i64>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 来源类型.
    #[serde(rename = "sourceType", default)]
    pub source_type: Option<i64>,
    /// 对象 id (GUID).
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 创建人.
    #[serde(rename = "createdBy", default)]
    pub created_by: Option<i64>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改人.
    #[serde(rename = "modifiedBy", default)]
    pub modified_by: Option<i64>,
    /// 修改时间 (the window of `timeWindowQueryType` 1).
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

impl EmployeeInfo {
    /// A person with only `userID` set: every other field is `None` (and
    /// `extra` empty), exactly as decoding `{"userID": …}` gives. Chain the
    /// `with_*` setters for the fields a fixture needs.
    ///
    /// ```
    /// use beisen_client::enums::Gender;
    /// use beisen_client::models::EmployeeInfo;
    /// use hr_common::CivilDateTime;
    ///
    /// let person = EmployeeInfo::new(100000007)
    ///     .with_name("张三")
    ///     .with_gender(Gender::Male)
    ///     .with_email("zhangsan@example.com")
    ///     .with_mobile_phone("13512345678")
    ///     .with_modified_time("2024-01-05T10:00:00".parse::<CivilDateTime>()?)
    ///     .with_custom_property("extCostCenter_100001_1", "CC-7");
    /// assert_eq!(person.user_id.get(), 100000007);
    /// assert_eq!(person.mobile_phone.as_ref().unwrap().expose(), "13512345678");
    /// assert_eq!(serde_json::to_value(&person)?["userID"], 100000007);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(user_id: impl Into<UserId>) -> Self {
        EmployeeInfo {
            user_id: user_id.into(),
            name: None,
            name_alt: None,
            gender: None,
            email: None,
            id_type: None,
            id_number: None,
            birthday: None,
            work_date: None,
            home_address: None,
            mobile_phone: None,
            wei_xin: None,
            id_photo: None,
            personal_homepage: None,
            speciality: None,
            major: None,
            postal_code: None,
            passport_number: None,
            constellation: None,
            blood_type: None,
            residence_address: None,
            join_party_date: None,
            domicile_type: None,
            emergency_contact: None,
            emergency_contact_relationship: None,
            emergency_contact_phone: None,
            qq: None,
            about_me: None,
            home_phone: None,
            graduate_date: None,
            marry_category: None,
            political_status: None,
            nationality: None,
            nation: None,
            birthplace: None,
            regist_address: None,
            education_level: None,
            last_school: None,
            eng_name: None,
            office_tel: None,
            business_address: None,
            backup_mail: None,
            applicant_id: None,
            age: None,
            business_modified_by: None,
            business_modified_time: None,
            source_type: None,
            object_id: None,
            custom_properties: None,
            translate_properties: None,
            created_by: None,
            created_time: None,
            modified_by: None,
            modified_time: None,
            std_is_deleted: None,
            extra: Default::default(),
        }
    }
}

hr_common::with_setters!(EmployeeInfo {
    with_name => name: String,
    with_name_alt => name_alt: String,
    with_gender => gender: Gender,
    with_email => email: String,
    with_id_type => id_type: String,
    with_birthday => birthday: CivilDateTime,
    with_work_date => work_date: CivilDateTime,
    with_home_address => home_address: String,
    with_wei_xin => wei_xin: String,
    with_id_photo => id_photo: String,
    with_personal_homepage => personal_homepage: String,
    with_speciality => speciality: String,
    with_major => major: String,
    with_postal_code => postal_code: String,
    with_constellation => constellation: String,
    with_blood_type => blood_type: String,
    with_residence_address => residence_address: String,
    with_join_party_date => join_party_date: CivilDateTime,
    with_domicile_type => domicile_type: i64,
    with_emergency_contact => emergency_contact: String,
    with_emergency_contact_relationship => emergency_contact_relationship: String,
    with_qq => qq: String,
    with_about_me => about_me: String,
    with_graduate_date => graduate_date: CivilDateTime,
    with_marry_category => marry_category: String,
    with_political_status => political_status: String,
    with_nationality => nationality: i64,
    with_nation => nation: String,
    with_birthplace => birthplace: String,
    with_regist_address => regist_address: String,
    with_education_level => education_level: String,
    with_last_school => last_school: String,
    with_eng_name => eng_name: String,
    with_business_address => business_address: String,
    with_backup_mail => backup_mail: String,
    with_applicant_id => applicant_id: i64,
    with_age => age: i64,
    with_business_modified_by => business_modified_by: i64,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_source_type => source_type: i64,
    with_object_id => object_id: String,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_created_by => created_by: i64,
    with_created_time => created_time: CivilDateTime,
    with_modified_by => modified_by: i64,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
}
sensitive {
    with_id_number => id_number,
    with_mobile_phone => mobile_phone,
    with_passport_number => passport_number,
    with_emergency_contact_phone => emergency_contact_phone,
    with_home_phone => home_phone,
    with_office_tel => office_tel,
});
custom_property_setter!(EmployeeInfo);

/// 任职记录: one employment record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordInfo {
    /// 员工 UserID.
    #[serde(rename = "userID")]
    pub user_id: UserId,
    /// 员工对象 id.
    #[serde(rename = "pObjectDataID", default)]
    pub p_object_data_id: Option<String>,
    /// 部门.
    #[serde(rename = "oIdDepartment", default)]
    pub oid_department: Option<OrgOId>,
    /// 生效日期.
    #[serde(rename = "startDate", default, with = "civil_time::option")]
    pub start_date: Option<CivilDateTime>,
    /// 失效日期 (`9999-12-31` or unset: open-ended).
    #[serde(rename = "stopDate", default, with = "civil_time::option")]
    pub stop_date: Option<CivilDateTime>,
    /// 工号.
    #[serde(rename = "jobNumber", default)]
    pub job_number: Option<String>,
    /// 入职日期.
    #[serde(rename = "entryDate", default, with = "civil_time::option")]
    pub entry_date: Option<CivilDateTime>,
    /// 最后工作日.
    #[serde(rename = "lastWorkDate", default, with = "civil_time::option")]
    pub last_work_date: Option<CivilDateTime>,
    /// 转正日期.
    #[serde(rename = "regularizationDate", default, with = "civil_time::option")]
    pub regularization_date: Option<CivilDateTime>,
    /// 试用期 (months).
    #[serde(rename = "probation", default)]
    pub probation: Option<i64>,
    /// 排序 (0 main job).
    #[serde(rename = "order", default)]
    pub order: Option<i64>,
    /// 雇佣类型.
    #[serde(rename = "employType", default)]
    pub employ_type: Option<EmployType>,
    /// 任职类型.
    #[serde(rename = "serviceType", default)]
    pub service_type: Option<ServiceType>,
    /// 任职状态.
    #[serde(rename = "serviceStatus", default)]
    pub service_status: Option<i64>,
    /// 审批状态.
    #[serde(rename = "approvalStatus", default)]
    pub approval_status: Option<ApprovalStatus>,
    /// 人员来源.
    #[serde(rename = "employmentSource", default)]
    pub employment_source: Option<String>,
    /// 用工形式.
    #[serde(rename = "employmentForm", default)]
    pub employment_form: Option<String>,
    /// 是否负责人 (`"1"`/`"0"`).
    #[serde(rename = "isCharge", default)]
    pub is_charge: Option<String>,
    /// 职务 (numeric string).
    #[serde(rename = "oIdJobPost", default)]
    pub oid_job_post: Option<JobPostOId>,
    /// 职务序列.
    #[serde(rename = "oIdJobSequence", default)]
    pub oid_job_sequence: Option<String>,
    /// 职位 (GUID).
    #[serde(rename = "oIdJobPosition", default)]
    pub oid_job_position: Option<PositionOId>,
    /// 职级.
    #[serde(rename = "oIdJobLevel", default)]
    pub oid_job_level: Option<String>,
    /// 职等 (the vendor spells this key `oidJobGrade`).
    #[serde(rename = "oidJobGrade", default)]
    pub oid_job_grade: Option<String>,
    /// 工作地点.
    #[serde(rename = "place", default)]
    pub place: Option<String>,
    /// 人员状态, sent as a string.
    #[serde(rename = "employeeStatus", default, with = "crate::enums::as_string")]
    pub employee_status: Option<EmpStatus>,
    /// 人员类别.
    #[serde(rename = "employmentType", default)]
    pub employment_type: Option<String>,
    /// 异动 id.
    #[serde(rename = "employmentChangeID", default)]
    pub employment_change_id: Option<String>,
    /// 变动状态.
    #[serde(rename = "changedStatus", default)]
    pub changed_status: Option<String>,
    /// 直线经理.
    #[serde(rename = "pOIdEmpAdmin", default)]
    pub poid_emp_admin: Option<UserId>,
    /// 虚线经理.
    #[serde(rename = "pOIdEmpReserve2", default)]
    pub poid_emp_reserve2: Option<i64>,
    /// 业务类型.
    #[serde(rename = "businessTypeOID", default)]
    pub business_type_oid: Option<String>,
    /// 变动类型.
    #[serde(rename = "changeTypeOID", default)]
    pub change_type_oid: Option<String>,
    /// 入职前工龄.
    #[serde(rename = "workYearBefore", default)]
    pub work_year_before: Option<f64>,
    /// 入职前集团工龄.
    #[serde(rename = "workYearGroupBefore", default)]
    pub work_year_group_before: Option<f64>,
    /// 入职前司龄.
    #[serde(rename = "workYearCompanyBefore", default)]
    pub work_year_company_before: Option<f64>,
    /// 累计工龄 (refreshed daily).
    #[serde(rename = "workYearTotal", default)]
    pub work_year_total: Option<f64>,
    /// 累计集团工龄.
    #[serde(rename = "workYearGroupTotal", default)]
    pub work_year_group_total: Option<f64>,
    /// 累计司龄.
    #[serde(rename = "workYearCompanyTotal", default)]
    pub work_year_company_total: Option<f64>,
    /// 所属公司.
    #[serde(rename = "oIdOrganization", default)]
    pub oid_organization: Option<OrgOId>,
    /// 离职去向.
    #[serde(rename = "whereabouts", default)]
    pub whereabouts: Option<String>,
    /// 黑名单说明.
    #[serde(rename = "blackStaffDesc", default)]
    pub black_staff_desc: Option<String>,
    /// 加入黑名单原因.
    #[serde(rename = "blackListAddReason", default)]
    pub black_list_add_reason: Option<String>,
    /// 异动类型.
    #[serde(rename = "transitionTypeOID", default)]
    pub transition_type_oid: Option<String>,
    /// 变动原因.
    #[serde(rename = "changeReason", default)]
    pub change_reason: Option<String>,
    /// 试用结果.
    #[serde(rename = "probationResult", default)]
    pub probation_result: Option<String>,
    /// 实际转正日期.
    #[serde(
        rename = "probationActualStopDate",
        default,
        with = "civil_time::option"
    )]
    pub probation_actual_stop_date: Option<CivilDateTime>,
    /// 试用开始.
    #[serde(rename = "probationStartDate", default, with = "civil_time::option")]
    pub probation_start_date: Option<CivilDateTime>,
    /// 试用结束.
    #[serde(rename = "probationStopDate", default, with = "civil_time::option")]
    pub probation_stop_date: Option<CivilDateTime>,
    /// 是否有试用期.
    #[serde(rename = "isHaveProbation", default)]
    pub is_have_probation: Option<String>,
    /// 备注.
    #[serde(rename = "remarks", default)]
    pub remarks: Option<String>,
    /// 是否加入黑名单.
    #[serde(rename = "addOrNotBlackList", default)]
    pub add_or_not_black_list: Option<bool>,
    /// 业务修改人.
    #[serde(rename = "businessModifiedBy", default)]
    pub business_modified_by: Option<i64>,
    /// 业务修改时间.
    #[serde(rename = "businessModifiedTime", default, with = "civil_time::option")]
    pub business_modified_time: Option<CivilDateTime>,
    /// 任职记录 id.
    #[serde(rename = "objectId", default)]
    pub object_id: Option<String>,
    /// 自定义字段.
    #[serde(rename = "customProperties", default)]
    pub custom_properties: Option<CustomProperties>,
    /// 翻译字段.
    #[serde(rename = "translateProperties", default)]
    pub translate_properties: Option<TranslateProperties>,
    /// 创建人.
    #[serde(rename = "createdBy", default)]
    pub created_by: Option<i64>,
    /// 创建时间.
    #[serde(rename = "createdTime", default, with = "civil_time::option")]
    pub created_time: Option<CivilDateTime>,
    /// 修改人.
    #[serde(rename = "modifiedBy", default)]
    pub modified_by: Option<i64>,
    /// 修改时间.
    #[serde(rename = "modifiedTime", default, with = "civil_time::option")]
    pub modified_time: Option<CivilDateTime>,
    /// 是否删除.
    #[serde(rename = "stdIsDeleted", default)]
    pub std_is_deleted: Option<bool>,
    /// Fields this crate does not model, kept so the record round-trips.
    #[serde(flatten)]
    pub extra: crate::custom::Extra,
}

impl RecordInfo {
    /// An employment record of `user_id` with every other field `None` (and
    /// `extra` empty), exactly as decoding `{"userID": …}` gives.
    ///
    /// ```
    /// use beisen_client::enums::{EmpStatus, ServiceType};
    /// use beisen_client::models::RecordInfo;
    /// use beisen_client::chrono::NaiveDate;
    ///
    /// let record = RecordInfo::new(100000007)
    ///     .with_job_number("E0007")
    ///     .with_oid_department(900001)
    ///     .with_service_type(ServiceType::Main)
    ///     .with_employee_status(EmpStatus::Regular)
    ///     .with_entry_date(NaiveDate::from_ymd_opt(2020, 3, 1).unwrap());
    /// let json = serde_json::to_value(&record)?;
    /// assert_eq!(json["jobNumber"], "E0007");
    /// assert_eq!(json["employeeStatus"], "3"); // sent as a string, like Beisen
    /// assert_eq!(json["entryDate"], "2020-03-01");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new(user_id: impl Into<UserId>) -> Self {
        RecordInfo {
            user_id: user_id.into(),
            p_object_data_id: None,
            oid_department: None,
            start_date: None,
            stop_date: None,
            job_number: None,
            entry_date: None,
            last_work_date: None,
            regularization_date: None,
            probation: None,
            order: None,
            employ_type: None,
            service_type: None,
            service_status: None,
            approval_status: None,
            employment_source: None,
            employment_form: None,
            is_charge: None,
            oid_job_post: None,
            oid_job_sequence: None,
            oid_job_position: None,
            oid_job_level: None,
            oid_job_grade: None,
            place: None,
            employee_status: None,
            employment_type: None,
            employment_change_id: None,
            changed_status: None,
            poid_emp_admin: None,
            poid_emp_reserve2: None,
            business_type_oid: None,
            change_type_oid: None,
            work_year_before: None,
            work_year_group_before: None,
            work_year_company_before: None,
            work_year_total: None,
            work_year_group_total: None,
            work_year_company_total: None,
            oid_organization: None,
            whereabouts: None,
            black_staff_desc: None,
            black_list_add_reason: None,
            transition_type_oid: None,
            change_reason: None,
            probation_result: None,
            probation_actual_stop_date: None,
            probation_start_date: None,
            probation_stop_date: None,
            is_have_probation: None,
            remarks: None,
            add_or_not_black_list: None,
            business_modified_by: None,
            business_modified_time: None,
            object_id: None,
            custom_properties: None,
            translate_properties: None,
            created_by: None,
            created_time: None,
            modified_by: None,
            modified_time: None,
            std_is_deleted: None,
            extra: Default::default(),
        }
    }
}

hr_common::with_setters!(RecordInfo {
    with_p_object_data_id => p_object_data_id: String,
    with_oid_department => oid_department: OrgOId,
    with_start_date => start_date: CivilDateTime,
    with_stop_date => stop_date: CivilDateTime,
    with_job_number => job_number: String,
    with_entry_date => entry_date: CivilDateTime,
    with_last_work_date => last_work_date: CivilDateTime,
    with_regularization_date => regularization_date: CivilDateTime,
    with_probation => probation: i64,
    with_order => order: i64,
    with_employ_type => employ_type: EmployType,
    with_service_type => service_type: ServiceType,
    with_service_status => service_status: i64,
    with_approval_status => approval_status: ApprovalStatus,
    with_employment_source => employment_source: String,
    with_employment_form => employment_form: String,
    with_is_charge => is_charge: String,
    with_oid_job_post => oid_job_post: JobPostOId,
    with_oid_job_sequence => oid_job_sequence: String,
    with_oid_job_position => oid_job_position: PositionOId,
    with_oid_job_level => oid_job_level: String,
    with_oid_job_grade => oid_job_grade: String,
    with_place => place: String,
    with_employee_status => employee_status: EmpStatus,
    with_employment_type => employment_type: String,
    with_employment_change_id => employment_change_id: String,
    with_changed_status => changed_status: String,
    with_poid_emp_admin => poid_emp_admin: UserId,
    with_poid_emp_reserve2 => poid_emp_reserve2: i64,
    with_business_type_oid => business_type_oid: String,
    with_change_type_oid => change_type_oid: String,
    with_work_year_before => work_year_before: f64,
    with_work_year_group_before => work_year_group_before: f64,
    with_work_year_company_before => work_year_company_before: f64,
    with_work_year_total => work_year_total: f64,
    with_work_year_group_total => work_year_group_total: f64,
    with_work_year_company_total => work_year_company_total: f64,
    with_oid_organization => oid_organization: OrgOId,
    with_whereabouts => whereabouts: String,
    with_black_staff_desc => black_staff_desc: String,
    with_black_list_add_reason => black_list_add_reason: String,
    with_transition_type_oid => transition_type_oid: String,
    with_change_reason => change_reason: String,
    with_probation_result => probation_result: String,
    with_probation_actual_stop_date => probation_actual_stop_date: CivilDateTime,
    with_probation_start_date => probation_start_date: CivilDateTime,
    with_probation_stop_date => probation_stop_date: CivilDateTime,
    with_is_have_probation => is_have_probation: String,
    with_remarks => remarks: String,
    with_add_or_not_black_list => add_or_not_black_list: bool,
    with_business_modified_by => business_modified_by: i64,
    with_business_modified_time => business_modified_time: CivilDateTime,
    with_object_id => object_id: String,
    with_custom_properties => custom_properties: CustomProperties,
    with_translate_properties => translate_properties: TranslateProperties,
    with_created_by => created_by: i64,
    with_created_time => created_time: CivilDateTime,
    with_modified_by => modified_by: i64,
    with_modified_time => modified_time: CivilDateTime,
    with_std_is_deleted => std_is_deleted: bool,
});
custom_property_setter!(RecordInfo);
