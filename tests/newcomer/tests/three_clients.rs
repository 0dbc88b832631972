//! The newcomer's crate against the sandbox: environment variables as the
//! READMEs document them, nothing but the public API.

use hr_sandbox::{Sandbox, SandboxConfig};
use travel_sync_types::UserInfo;

/// One test, so that setting the process environment races with nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_three_clients_from_the_environment() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let c = sandbox.config();
    let vars = [
        ("BEISEN_BASE_URL", sandbox.beisen_url()),
        ("BEISEN_APP_KEY", c.beisen.app_key.clone()),
        ("BEISEN_APP_SECRET", c.beisen.app_secret.clone()),
        ("ISDP_BASE_URL", sandbox.isdp_url()),
        ("ISDP_CLIENT_ID", c.isdp.client_id.clone()),
        ("ISDP_CLIENT_SECRET", c.isdp.client_secret.clone()),
        ("ISDP_USERNAME", c.isdp.username.clone()),
        ("ISDP_PASSWORD", c.isdp.password.clone()),
        ("TRAVEL_SYNC_URL", sandbox.travel_sync_url()),
        ("TRAVEL_ACCOUNT", c.travel.account.clone()),
        ("TRAVEL_SESSION_ID", c.travel.session_id.clone()),
    ];
    for (k, v) in vars {
        // SAFETY: this binary has one test, and nothing else reads the
        // environment while it is set.
        unsafe { std::env::set_var(k, v) };
    }

    // The sandbox's data: a year of changes from its span start.
    let data = sandbox.data().config();
    let start = data.span_start;
    let stop = start + beisen_client::chrono::Duration::days(i64::from(data.span_days));
    let all = newcomer::beisen_changed(start, stop).await.unwrap();
    let employees = sandbox.data().len();
    assert!(all.records > employees / 2, "{all:?} of {employees}");
    assert!(
        all.departed > 0,
        "{all:?}: the README example must include leavers"
    );

    // The last 30 days of the span, as a daily job would ask.
    let (from, to) = newcomer::last_days(stop - beisen_client::chrono::Duration::days(1), 30);
    let month = newcomer::beisen_changed(from, to).await.unwrap();
    println!(
        "README example over {from}..{to}: {} records, {} departed",
        month.records, month.departed
    );
    assert!(
        month.records > 0 && month.records < all.records,
        "{month:?}"
    );

    let persons = newcomer::isdp_persons().await.unwrap();
    assert_eq!(persons, employees);

    let users = vec![
        UserInfo::new("N0001", "王伟", "13812345678", false),
        UserInfo::new("N0002", "李娜", "13912345678", true),
    ];
    let (sent, succeeded) = newcomer::travel_push(users).await.unwrap();
    assert_eq!((sent, succeeded), (2, 2));
    let received = sandbox.travel_received();
    assert_eq!(received.iter().map(|b| b.users.len()).sum::<usize>(), 2);
}
