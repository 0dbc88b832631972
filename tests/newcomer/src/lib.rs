//! What a newcomer writes after reading the crate READMEs: each function is
//! a README example, with credentials from the documented environment
//! variables. `tests/three_clients.rs` runs them against the sandbox.
#![forbid(unsafe_code)]

use beisen_client::BeisenClient;
use beisen_client::chrono::{Duration, NaiveDate};
use beisen_client::enums::EmpStatus;
use futures::TryStreamExt;
use isdp_client::{GetPersonList, IsdpClient};
use travel_sync_types::UserInfo;
use travel_sync_types::client::TravelSyncClient;

/// What the Beisen README's first example saw.
#[derive(Debug, Default)]
pub struct Changed {
    /// Records streamed.
    pub records: usize,
    /// Of which departed (status 6, 8, 9 or 10).
    pub departed: usize,
}

/// The Beisen README's first example: everyone changed in `[start, stop)`,
/// leavers included, from a client built from `BEISEN_*`.
pub async fn beisen_changed(start: NaiveDate, stop: NaiveDate) -> beisen_client::Result<Changed> {
    let client = BeisenClient::from_env()?;
    let mut employees = client
        .employees()
        .changed_between(start, stop)
        .everyone()
        .parallel(4)
        .items();
    let mut seen = Changed::default();
    while let Some(employee) = employees.try_next().await? {
        seen.records += 1;
        let status = employee
            .record_info
            .as_ref()
            .and_then(|r| r.employee_status);
        if matches!(
            status,
            Some(
                EmpStatus::Departed
                    | EmpStatus::Retired
                    | EmpStatus::Deceased
                    | EmpStatus::RehireEnded
            )
        ) {
            seen.departed += 1;
        }
    }
    Ok(seen)
}

/// The last `days` days up to `today`, as the example's window.
pub fn last_days(today: NaiveDate, days: i64) -> (NaiveDate, NaiveDate) {
    (today - Duration::days(days), today + Duration::days(1))
}

/// The ISDP README's listing: every person, from a client built from
/// `ISDP_*`.
pub async fn isdp_persons() -> isdp_client::Result<usize> {
    let client = IsdpClient::from_env()?;
    let persons: Vec<_> = GetPersonList::new().stream(&client).try_collect().await?;
    Ok(persons.len())
}

/// The travel README's push: users in, per-user outcomes out, from a client
/// built from `TRAVEL_*`.
pub async fn travel_push(users: Vec<UserInfo>) -> travel_sync_types::Result<(usize, usize)> {
    let client = TravelSyncClient::from_env()?;
    let report = client.push(users).await;
    if let Some(err) = report.first_error() {
        return Err(err.clone());
    }
    Ok((report.sent(), report.succeeded()))
}
