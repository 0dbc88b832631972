//! Behaviour against the in-process ISDP+ simulator.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use hr_common::transport::RetryPolicy;
use hr_sandbox::{FaultSpec, Sandbox, SandboxConfig, isdp};
use isdp_client::Credentials;
use isdp_client::{
    BatchAddPersons, DeleteOrgs, DeregisterPerson, ExportPersons, ExportProgress, FindOrgs,
    FindOrgsWithDirection, FindPositions, FindRoles, GetPersonList, IsdpClient, NewPerson, OrgInfo,
    PersonPatch, PersonStatus, PersonType, PersonUpdate, SaveOrgs, TaskStatus, UpdatePerson,
};

fn client_for(sandbox: &Sandbox, concurrency: usize) -> IsdpClient {
    client_at(sandbox, sandbox.isdp_url(), concurrency)
}

fn client_at(sandbox: &Sandbox, url: String, concurrency: usize) -> IsdpClient {
    let cfg = &sandbox.config().isdp;
    IsdpClient::builder()
        .base_url(url)
        .credentials(Credentials::password_grant(
            cfg.client_id.clone(),
            cfg.client_secret.clone(),
            cfg.username.clone(),
            cfg.password.clone(),
        ))
        .concurrency(concurrency)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(5))
                .max_attempts(6),
        )
        .build()
        .unwrap()
}

async fn start(f: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut cfg = SandboxConfig::default();
    f(&mut cfg);
    Sandbox::start(cfg).await.unwrap()
}

fn assert_once_in_order(ids: &[i64], expected: usize) {
    assert_eq!(ids.len(), expected);
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), expected, "a person came twice");
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "persons out of personId order"
    );
}

/// A TCP proxy in front of `url` that counts the connections it accepts.
/// HTTP/1.1 carries one request at a time per connection and the client
/// keeps idle connections, so requests made one after another share one
/// connection, while N requests in flight at once need N: the count is a
/// deterministic witness of concurrency, without any timing.
async fn counting_proxy(url: &str) -> (String, Arc<AtomicUsize>) {
    let target = url.trim_start_matches("http://").to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (format!("http://{addr}"), accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn all_20000_persons_exactly_once_with_concurrency() {
    let sandbox = start(|c| c.data.employees = 20_000).await;

    // Calibration: one page at a time needs one connection (three at
    // most: the token may be fetched over its own, and hyper hands a
    // finished connection back to its pool in another task, which a busy
    // machine may run after the next request has opened a new one).
    let (url, connections) = counting_proxy(&sandbox.isdp_url()).await;
    let sequential: Vec<_> =
        futures::StreamExt::take(client_at(&sandbox, url, 1).persons().all(), 1_000)
            .try_collect()
            .await
            .unwrap();
    assert_eq!(sequential.len(), 1_000);
    let one_at_a_time = connections.load(Ordering::SeqCst);
    assert!(one_at_a_time <= 3, "{one_at_a_time} connections");

    let list_requests = format!("requests.isdp.{}", isdp::PERSON_LIST_PATH);
    let before = sandbox.counters().get(&list_requests);
    let tokens_before = sandbox.counters().get("tokens_issued.isdp");
    let (url, connections) = counting_proxy(&sandbox.isdp_url()).await;
    let client = client_at(&sandbox, url, 8);
    let first = GetPersonList::new().page(0, 1).send(&client).await.unwrap();
    let total = first.total().unwrap() as usize;
    assert_eq!(total, sandbox.data().len());

    let persons: Vec<_> = client.persons().all().try_collect().await.unwrap();
    let ids: Vec<i64> = persons.iter().map(|p| p.person_id.get()).collect();
    assert_once_in_order(&ids, total);
    // 100 pages of 200 plus the probe above: no page was fetched twice.
    let pages = 1 + total.div_ceil(200) as u64;
    assert_eq!(client.stats().calls, pages);
    assert_eq!(sandbox.counters().get(&list_requests) - before, pages);
    assert_eq!(
        sandbox.counters().get("tokens_issued.isdp") - tokens_before,
        1
    );
    // Pages were in flight at once: 8 at a time need several connections.
    let used = connections.load(Ordering::SeqCst);
    assert!(
        used >= 4,
        "only {used} connections: the pages were not fetched concurrently"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn persons_added_mid_stream_do_not_disturb_the_originals() {
    let sandbox = start(|c| c.data.employees = 3_000).await;
    let client = client_for(&sandbox, 4);
    let original: Vec<i64> = client
        .persons()
        .all()
        .map_ok(|p| p.person_id.get())
        .try_collect()
        .await
        .unwrap();
    let org = GetPersonList::new()
        .page(0, 1)
        .send(&client)
        .await
        .unwrap()
        .data[0]
        .admin_org_id
        .unwrap();

    let mut stream = GetPersonList::new().page(0, 100).stream(&client);
    let mut seen = Vec::new();
    let mut added = 0;
    while let Some(p) = stream.try_next().await.unwrap() {
        seen.push(p.person_id.get());
        // Twice during the stream, 150 more persons (two chunks each): the
        // total grows while later pages are being fetched concurrently.
        if seen.len() == 500 || seen.len() == 1_700 {
            let batch: Vec<NewPerson> = (added..added + 150)
                .map(|i| {
                    NewPerson::new(
                        format!("MID{i:04}"),
                        format!("中途{i}"),
                        PersonType::Employee,
                        "13512345678",
                    )
                    .admin_org_id(org)
                })
                .collect();
            added += 150;
            let outcome = BatchAddPersons::new(batch).send(&client).await.unwrap();
            assert_eq!(outcome.success, 150, "{outcome:?}");
        }
    }
    assert_eq!(added, 300);
    assert_eq!(
        GetPersonList::new()
            .page(0, 1)
            .send(&client)
            .await
            .unwrap()
            .total(),
        Some(3_300)
    );
    // No person twice, in order, and every original one exactly once.
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a person came twice");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "out of order");
    for id in &original {
        assert!(unique.contains(id), "person {id} was lost");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn token_revoked_mid_stream_is_refreshed_once_per_revocation() {
    // Every 7th accepted call kills the token: the XML 401 path.
    let sandbox = start(|c| {
        c.data.employees = 1_000;
        c.isdp.revoke_tokens_after = Some(7);
        c.isdp.expires_in_as_string = false;
    })
    .await;
    let client = client_for(&sandbox, 3);
    let persons: Vec<_> = GetPersonList::new()
        .page(0, 50)
        .stream(&client)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = persons.iter().map(|p| p.person_id.get()).collect();
    assert_once_in_order(&ids, sandbox.data().len());
    let stats = client.stats();
    assert!(stats.auth_retries >= 2, "{stats:?}");
    assert!(client.token_cache().fetch_count() >= 3);
    assert!(sandbox.counters().get("auth_rejected.isdp") >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_percent_500s_lose_and_repeat_nothing() {
    let sandbox = start(|c| {
        c.data.employees = 6_000;
        c.faults.seed = 7;
        c.faults.isdp.default = FaultSpec {
            error_500: 0.05,
            ..FaultSpec::default()
        };
    })
    .await;
    let client = client_for(&sandbox, 4);
    let persons: Vec<_> = GetPersonList::new()
        .page(0, 100)
        .stream(&client)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<i64> = persons.iter().map(|p| p.person_id.get()).collect();
    assert_once_in_order(&ids, sandbox.data().len());
    assert!(
        client.stats().retries > 0,
        "the faults did not fire: {:?}",
        client.stats()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_chain_end_to_end_bytes_match_the_listing() {
    let sandbox = start(|c| {
        c.data.employees = 500;
        c.isdp.export_polls_per_step = 2;
    })
    .await;
    let client = client_for(&sandbox, 4);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let (task, download) = client
        .persons()
        .export(
            ExportPersons::new("ChengTiePersonModel.export")
                .person_status([PersonStatus::OpenAccount]),
        )
        .poll_interval(Duration::from_millis(5))
        .max_poll_interval(Duration::from_millis(20))
        .on_progress(move |p| {
            let kind = match p {
                ExportProgress::Started(_) => "started",
                ExportProgress::Polled(_) => "polled",
                ExportProgress::Ready(_) => "ready",
                _ => "other",
            };
            log.lock()
                .unwrap()
                .push((kind, p.task().status, p.task().progress()));
        })
        .await
        .unwrap();
    assert_eq!(task.status, TaskStatus::Succeeded);
    let events = seen.lock().unwrap().clone();
    assert_eq!(events.first().unwrap().0, "started");
    assert_eq!(
        events.last().unwrap(),
        &("ready", TaskStatus::Succeeded, Some(100.0))
    );
    assert!(
        events
            .iter()
            .any(|e| e.1 == TaskStatus::Processing && e.2 == Some(50.0))
    );

    let expected_len = download.content_length;
    let bytes = download.bytes().await.unwrap();
    assert_eq!(Some(bytes.len() as u64), expected_len);
    assert_eq!(task.file_size, expected_len);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("人员ID,人员编码,人员名称")
    );
    let file_ids: Vec<i64> = lines
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();

    let listed: Vec<i64> = GetPersonList::new()
        .person_status([PersonStatus::OpenAccount])
        .stream(&client)
        .map_ok(|p| p.person_id.get())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(file_ids, listed);
    assert_eq!(task.records, Some(listed.len() as u64));
}

#[tokio::test]
async fn failing_export_is_an_api_error_with_err_info() {
    let sandbox = start(|_| {}).await;
    let client = client_for(&sandbox, 1);
    let err = client
        .persons()
        .export(ExportPersons::new(isdp::FAILING_EXPORT_NAME))
        .poll_interval(Duration::from_millis(1))
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("3"), "{err}");
    assert!(err.to_string().contains("failed"), "{err}");
}

#[tokio::test]
async fn unknown_file_is_refused() {
    let sandbox = start(|_| {}).await;
    let client = client_for(&sandbox, 1);
    let err = isdp_client::ServeFile::new(424242)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.vendor_code(), Some("400"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn person_writes_chunk_and_show_in_reads() {
    let sandbox = start(|_| {}).await;
    let client = client_for(&sandbox, 2);
    let org = GetPersonList::new()
        .page(0, 1)
        .send(&client)
        .await
        .unwrap()
        .data[0]
        .admin_org_id
        .unwrap();
    let new: Vec<NewPerson> = (0..150)
        .map(|i| {
            NewPerson::new(
                format!("NEW{i:04}"),
                format!("新人{i}"),
                PersonType::Employee,
                "13512345678",
            )
            .admin_org_id(org)
        })
        .collect();
    let outcome = BatchAddPersons::new(new).send(&client).await.unwrap();
    assert_eq!(
        (outcome.calls, outcome.success, outcome.failed),
        (2, 150, 0)
    );

    // A duplicate code fails that item only; the batch is not an error.
    let dup = client
        .persons()
        .add([
            NewPerson::new("NEW0000", "重复", PersonType::Employee, "13512345678")
                .admin_org_id(org),
            NewPerson::new("NEW9999", "新", PersonType::Employee, "13512345678").admin_org_id(org),
        ])
        .await
        .unwrap();
    assert_eq!((dup.success, dup.failed), (1, 1));
    assert_eq!(
        dup.failures().next().unwrap().person_code.as_deref(),
        Some("NEW0000")
    );
    assert!(dup.clone().into_result().is_err());

    let added = GetPersonList::new()
        .person_code_list(["NEW0001"])
        .send(&client)
        .await
        .unwrap();
    let p = &added.data[0];
    assert_eq!(p.person_name, "新人1");
    UpdatePerson::new(
        p.person_id,
        "NEW0001",
        "改名",
        PersonType::Employee,
        "13512345678",
        PersonStatus::Freeze,
        org,
    )
    .send(&client)
    .await
    .unwrap();
    // batchUpdate: from the listed person, one field changed.
    let listed = GetPersonList::new()
        .person_code_list(["NEW0002"])
        .send(&client)
        .await
        .unwrap();
    let update = PersonUpdate::from_person(&listed.data[0])
        .unwrap()
        .person_name("批量改名");
    client
        .persons()
        .update_info([update])
        .await
        .unwrap()
        .into_result()
        .unwrap();
    // batchUpdatePerson adds accounts: the vendor appends `@hw` to the
    // code, so `ACC1` opens the account of `ACC1@hw`, and `NEW0006` (no
    // `NEW0006@hw`) is not found.
    client
        .persons()
        .add([
            NewPerson::new("ACC1@hw", "账号", PersonType::Employee, "13512345678")
                .admin_org_id(org)
                .person_status(PersonStatus::NoAccountOpened),
        ])
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let accounts = client
        .persons()
        .add_accounts([
            PersonPatch::by_code("ACC1").field("openAccount", 1),
            PersonPatch::by_code("NEW0006").person_name("无此人"),
        ])
        .await
        .unwrap();
    assert_eq!((accounts.success, accounts.failed), (1, 1), "{accounts:?}");
    assert!(
        accounts
            .failures()
            .next()
            .unwrap()
            .msg
            .as_deref()
            .unwrap_or_default()
            .contains("NEW0006@hw"),
        "{accounts:?}"
    );
    DeregisterPerson::new("NEW0003")
        .send(&client)
        .await
        .unwrap();
    client
        .persons()
        .deregister(["NEW0004", "NEW0005"])
        .await
        .unwrap()
        .into_result()
        .unwrap();

    let after: Vec<_> = GetPersonList::new()
        .person_code_list(["NEW0001", "NEW0002", "NEW0003", "NEW0004"])
        .stream(&client)
        .try_collect()
        .await
        .unwrap();
    let by_code = |c: &str| after.iter().find(|p| p.person_code == c).unwrap();
    assert_eq!(by_code("NEW0001").person_name, "改名");
    assert_eq!(by_code("NEW0001").person_status, Some(PersonStatus::Freeze));
    assert_eq!(by_code("NEW0002").person_name, "批量改名");
    let acc = GetPersonList::new()
        .person_code_list(["ACC1@hw", "NEW0006"])
        .send(&client)
        .await
        .unwrap();
    let acc_by = |c: &str| acc.data.iter().find(|p| p.person_code == c).unwrap();
    assert_eq!(
        acc_by("ACC1@hw").person_status,
        Some(PersonStatus::OpenAccount)
    );
    assert_eq!(acc_by("NEW0006").person_name, "新人6", "not changed");
    assert_eq!(by_code("NEW0003").person_status, Some(PersonStatus::Cancel));
    assert_eq!(by_code("NEW0004").person_status, Some(PersonStatus::Cancel));

    let err = DeregisterPerson::new("NO-SUCH-CODE")
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(err.vendor_code(), Some("failed"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_role_position_streams_and_org_writes() {
    let sandbox = start(|_| {}).await;
    let client = client_for(&sandbox, 3);
    let orgs: Vec<_> = FindOrgs::new().stream(&client).try_collect().await.unwrap();
    assert_eq!(orgs.len(), sandbox.data().orgs().len());
    let tree: Vec<_> = FindOrgsWithDirection::new()
        .stream(&client)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tree.len(), orgs.len());
    assert_eq!(tree[0].org_level, Some(1));
    let roles: Vec<_> = FindRoles::new()
        .stream(&client)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(roles.len(), 10);
    let positions: Vec<_> = FindPositions::new()
        .stream(&client)
        .try_collect()
        .await
        .unwrap();
    assert!(!positions.is_empty());
    let ids: HashSet<_> = positions.iter().map(|p| p.position_id).collect();
    assert_eq!(ids.len(), positions.len());

    let root = tree[0].org_no.clone().unwrap();
    let new: Vec<OrgInfo> = (0..25)
        .map(|i| OrgInfo::new(format!("T{i:02}"), format!("测试{i}"), Some(root.clone())))
        .collect();
    let saved = SaveOrgs::new(new)
        .send(&client)
        .await
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!((saved.calls, saved.success), (2, 25));
    let found = FindOrgs::new().org_code("T07").send(&client).await.unwrap();
    assert_eq!(found.data[0].org_name.as_deref(), Some("测试7"));
    let deleted = DeleteOrgs::new((0..25).map(|i| format!("T{i:02}")))
        .send(&client)
        .await
        .unwrap();
    assert_eq!((deleted.calls, deleted.success), (2, 25));
    assert!(
        FindOrgs::new()
            .org_code("T07")
            .send(&client)
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn limits_are_checked_before_sending() {
    let sandbox = start(|_| {}).await;
    let client = client_for(&sandbox, 1);
    let too_many = GetPersonList::new()
        .id_list(0..201)
        .send(&client)
        .await
        .unwrap_err();
    assert!(
        matches!(too_many, hr_common::Error::InvalidRequest { .. }),
        "{too_many}"
    );
    let orgs = GetPersonList::new()
        .org_id_list(0..201)
        .stream(&client)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(orgs.to_string().contains("orgIdList"), "{orgs}");
    let count = GetPersonList::new()
        .page(0, 201)
        .send(&client)
        .await
        .unwrap_err();
    assert!(count.to_string().contains("count"), "{count}");
    let export = ExportPersons::new("x")
        .id_list(0..201)
        .send(&client)
        .await
        .unwrap_err();
    assert!(matches!(export, hr_common::Error::InvalidRequest { .. }));
    assert_eq!(client.stats().calls, 0);
    assert_eq!(sandbox.counters().get("tokens_issued.isdp"), 0);
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error() {
    let sandbox = start(|_| {}).await;
    let client = IsdpClient::builder()
        .base_url(sandbox.isdp_url())
        .credentials(Credentials::password_grant_default_secret(
            "sandbox-client",
            "sandbox-app",
            "wrong",
        ))
        .build()
        .unwrap();
    let err = GetPersonList::new().send(&client).await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert_eq!(err.vendor_code(), Some("invalid_grant"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_revoked_while_a_concurrent_stream_is_half_read() {
    let sandbox = start(|c| c.data.employees = 3_000).await;
    let client = client_for(&sandbox, 4);
    let mut persons = GetPersonList::new().page(0, 100).stream(&client);
    let mut ids = Vec::new();
    while let Some(p) = persons.try_next().await.unwrap() {
        ids.push(p.person_id.get());
        if ids.len() == 1_000 {
            // Every token dies: the calls in flight and the next ones get
            // the XML 401, refresh once between them, and carry on.
            sandbox.revoke_tokens();
        }
    }
    assert_once_in_order(&ids, sandbox.data().len());
    assert_eq!(client.token_cache().fetch_count(), 2);
    assert!(client.stats().auth_retries >= 1);
}
