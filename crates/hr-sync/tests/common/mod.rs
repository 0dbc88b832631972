//! Shared helpers of the integration tests: sandbox clients, a Beisen
//! source over the sandbox's fixed 2024 data span, received-user lookups,
//! and a fake source for what the sandbox cannot change between runs.
#![allow(dead_code)]

#[cfg(feature = "postgres")]
pub mod postgres_server;
pub mod store_behaviour;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use beisen_client::{BeisenClient, Credentials};
use chrono::NaiveDate;
use futures::StreamExt;
use hr_sandbox::{DataConfig, Sandbox, SandboxConfig};
use hr_sync::source::{Pull, Source, SourceCheckpoint, SourceRecord};
use hr_sync::{BeisenSource, StateStore, SyncJob};
use serde_json::Value;
use travel_sync_types::client::{Credentials as TravelCredentials, TravelSyncClient};

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A sandbox of `employees` people; with `accept_all_levels`, the travel
/// side knows `X9` too and refuses nobody.
pub async fn sandbox(employees: usize, accept_all_levels: bool) -> Sandbox {
    sandbox_with(employees, accept_all_levels, |_| {}).await
}

/// [`sandbox`], with `tweak` applied to its configuration.
pub async fn sandbox_with(
    employees: usize,
    accept_all_levels: bool,
    tweak: impl FnOnce(&mut SandboxConfig),
) -> Sandbox {
    let mut config = SandboxConfig {
        data: DataConfig {
            employees,
            // The tests read fixed 2024 windows: pin the span there.
            ..DataConfig::year_2024()
        },
        ..SandboxConfig::default()
    };
    if accept_all_levels {
        config.travel.known_levels.push("X9".into());
    }
    tweak(&mut config);
    Sandbox::start(config).await.unwrap()
}

pub fn beisen(sandbox: &Sandbox) -> BeisenClient {
    let b = &sandbox.config().beisen;
    BeisenClient::builder()
        .base_url(sandbox.beisen_url())
        .credentials(Credentials::app_key(&b.app_key, &b.app_secret))
        .build()
        .unwrap()
}

pub fn travel(sandbox: &Sandbox) -> TravelSyncClient {
    let t = &sandbox.config().travel;
    TravelSyncClient::builder()
        .base_url(sandbox.travel_sync_url())
        .credentials(TravelCredentials::session(&t.account, &t.session_id))
        .build()
        .unwrap()
}

/// The sandbox's whole data span (2024), explicitly.
pub fn beisen_source(sandbox: &Sandbox) -> BeisenSource {
    BeisenSource::new(beisen(sandbox))
        .since(day(2024, 1, 1))
        .until(day(2025, 1, 1))
}

pub fn job(
    source: impl Source + 'static,
    store: impl StateStore + 'static,
    sandbox: &Sandbox,
) -> hr_sync::SyncJobBuilder {
    SyncJob::builder()
        .source(source)
        .store(store)
        .travel(travel(sandbox))
        .progress(hr_sync::progress::Silent)
}

/// Every user the travel side received, in order, as JSON.
pub fn received(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .travel_received()
        .into_iter()
        .flat_map(|b| b.users)
        .collect()
}

/// How often each `userNo` was received.
pub fn received_counts(sandbox: &Sandbox) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for u in received(sandbox) {
        *counts
            .entry(u["userNo"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

/// A source whose records a test changes between runs.
#[derive(Clone, Default)]
pub struct FakeSource {
    pub records: Arc<Mutex<Vec<SourceRecord>>>,
    pub complete: bool,
}

impl FakeSource {
    pub fn new(records: Vec<SourceRecord>, complete: bool) -> Self {
        FakeSource {
            records: Arc::new(Mutex::new(records)),
            complete,
        }
    }

    pub fn edit(&self, f: impl FnOnce(&mut Vec<SourceRecord>)) {
        f(&mut self.records.lock().unwrap());
    }
}

#[async_trait::async_trait]
impl Source for FakeSource {
    fn name(&self) -> &str {
        "fake"
    }

    fn is_complete_listing(&self) -> bool {
        self.complete
    }

    async fn pull(&self, _from: Option<&SourceCheckpoint>) -> hr_sync::Result<Pull<'_>> {
        let records = self.records.lock().unwrap().clone();
        Ok(Pull::new(
            futures::stream::iter(records).map(Ok),
            Some(SourceCheckpoint::new(serde_json::json!({"fake": true}))),
        ))
    }
}
