//! The isdp-client's import, template and plain-text endpoints against the
//! in-process ISDP+ simulator.

use hr_sandbox::{Sandbox, SandboxConfig, isdp};
use isdp_client::{
    Credentials, FindExportTasks, FindPersonsByUserIds, GetPersonList, GetTemplateExcel,
    ImportPersons, IsdpClient, TaskStatus,
};

async fn start() -> (Sandbox, IsdpClient) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let cfg = &sandbox.config().isdp;
    let client = IsdpClient::builder()
        .base_url(sandbox.isdp_url())
        .credentials(Credentials::password_grant(
            cfg.client_id.clone(),
            cfg.client_secret.clone(),
            cfg.username.clone(),
            cfg.password.clone(),
        ))
        .build()
        .unwrap();
    (sandbox, client)
}

#[tokio::test]
async fn the_template_downloads_and_a_filled_copy_imports() {
    let (sandbox, client) = start().await;
    let template = GetTemplateExcel::new("人员导入模板")
        .send(&client)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let header: Vec<String> = isdp::IMPORT_TEMPLATE_COLUMNS.map(String::from).to_vec();
    assert_eq!(
        template.to_vec(),
        isdp::write_workbook(std::slice::from_ref(&header))
    );

    let org_no = GetPersonList::new().send(&client).await.unwrap().data[0]
        .org
        .as_ref()
        .and_then(|o| o.org_no.clone())
        .expect("an organisation");
    let code = sandbox.data().person(4).job_number;
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let file = isdp::write_workbook(&[
        header,
        row(&[
            "C0001",
            "赵六",
            "Employee",
            "",
            "13600000001",
            &org_no,
            "",
            "",
        ]),
        row(&[&code, "钱七", "", "", "", "", "", ""]),
    ]);
    let task = ImportPersons::new("人员.xlsx", file)
        .import_name("personModel.import")
        .created_by(36378)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(task.task_type.as_deref(), Some("import"));
    assert_eq!(task.status, TaskStatus::Pending);

    let done = loop {
        let page = FindExportTasks::by_ids([task.task_id])
            .send(&client)
            .await
            .unwrap();
        let t = page.data.into_iter().next().expect("the task is listed");
        if t.is_over() {
            break t;
        }
    };
    assert_eq!(done.status, TaskStatus::Succeeded, "{:?}", done.err_info);
    assert_eq!((done.total_rows, done.success_rows), (Some(2), Some(2)));

    let listed = GetPersonList::new()
        .person_code_list(["C0001", code.as_str()])
        .send(&client)
        .await
        .unwrap()
        .data;
    let names: Vec<&str> = listed.iter().map(|p| p.person_name.as_str()).collect();
    assert_eq!(names, ["钱七", "赵六"]);
}

#[tokio::test]
async fn an_unreadable_import_fails_its_task() {
    let (_sandbox, client) = start().await;
    let task = ImportPersons::new("old.xls", b"\xd0\xcf\x11\xe0".to_vec())
        .send(&client)
        .await
        .unwrap();
    let done = loop {
        let page = FindExportTasks::by_ids([task.task_id])
            .send(&client)
            .await
            .unwrap();
        let t = page.data.into_iter().next().unwrap();
        if t.is_over() {
            break t;
        }
    };
    assert!(done.has_failed());
    assert_eq!(done.status, TaskStatus::Aborted);
    assert!(done.err_info.unwrap().contains(".xls"));
}

#[tokio::test]
async fn persons_by_user_id_have_their_phone_in_clear() {
    let (sandbox, client) = start().await;
    let user_ids: Vec<_> = (0..3)
        .map(|i| sandbox.data().person(i).isdp_user_id)
        .collect();
    let persons = FindPersonsByUserIds::new(user_ids.clone())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(persons.len(), 3);
    for (i, p) in persons.iter().enumerate() {
        let person = sandbox.data().person(i);
        assert_eq!(p.person_code.as_deref(), Some(person.job_number.as_str()));
        assert_eq!(
            p.phone.as_ref().map(|ph| ph.expose().as_str()),
            Some(person.mobile.as_str())
        );
    }
}
