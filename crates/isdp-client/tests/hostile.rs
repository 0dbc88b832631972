//! Hostile and broken ISDP+ servers: failures inside HTTP 200 in every
//! shape the vendor and its gateways use, pages without their promised
//! fields, servers that ignore `start` or grow their total for ever, and a
//! listing that fails half-way and is resumed. Every test checks the error
//! kind, that nothing was handed out as a success that should not have
//! been, and the number of API requests made.

use futures::StreamExt;
use hr_common::Error;
use hr_common::error::PagingErrorKind;
use hr_common::transport::RetryPolicy;
use isdp_client::Credentials;
use isdp_client::PERSON_UPDATE_PATH;
use isdp_client::{
    DeregisterPerson, ExportPersons, FindOrgsWithDirection, FindRoles, GetPersonList, IsdpClient,
    OffsetCheckpoint, PERSON_LIST_PATH, Person, PersonStatus, PersonType, UpdatePerson,
};
use isdp_client::{EXPORT_PATH, ORG_DIRECTION_PATH, PERSON_DEREGISTER_PATH, ROLE_LIST_PATH};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// An exclusive server, not one from wiremock's pool: these tests count the
/// requests a route received, and a pooled server (a port another test just
/// gave back) can still receive the other test's late calls.
async fn mock() -> MockServer {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/oauth/rest_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "T", "token_type": "bearer", "expires_in": 1799}),
        ))
        .mount(&server)
        .await;
    server
}

fn client_with(server: &MockServer, concurrency: usize) -> IsdpClient {
    IsdpClient::builder()
        .base_url(server.uri())
        .credentials(Credentials::password_grant_default_secret(
            "cid",
            "app",
            "app-token",
        ))
        .retry(RetryPolicy::none())
        .concurrency(concurrency)
        .build()
        .unwrap()
}

fn client(server: &MockServer) -> IsdpClient {
    client_with(server, 1)
}

async fn answer(server: &MockServer, route: &str, answer: impl Respond + 'static) {
    Mock::given(method("POST"))
        .and(path(route.to_owned()))
        .respond_with(answer)
        .mount(server)
        .await;
}

/// API requests made to `route` (the token call not counted).
async fn requests(server: &MockServer, route: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == route)
        .count()
}

fn person(id: u64) -> Value {
    json!({"personId": id, "personCode": format!("P{id:05}"), "personName": format!("员工{id}"),
           "personType": "Employee", "personStatus": "OpenAccount"})
}

fn ids(persons: &[Person]) -> Vec<u64> {
    persons.iter().map(|p| p.person_id.get() as u64).collect()
}

/// Every item a stream handed out, and the error that ended it.
async fn drain<T>(
    stream: impl futures::Stream<Item = hr_common::Result<T>> + Unpin,
) -> (Vec<T>, Option<Error>) {
    let mut stream = stream.take(100_000);
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(e) => return (items, Some(e)),
        }
    }
    (items, None)
}

// ---------------------------------------------------------------- finding B

#[tokio::test]
async fn a_code_and_message_500_on_the_first_page_is_an_error_not_an_empty_listing() {
    let server = mock().await;
    answer(
        &server,
        PERSON_LIST_PATH,
        ResponseTemplate::new(200)
            .set_body_json(json!({"code": "500", "message": "internal error", "data": null})),
    )
    .await;
    let (persons, err) = drain(GetPersonList::new().stream(&client(&server))).await;
    let err = err.expect("a refusal is no empty listing");
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.vendor_code(), Some("500"));
    assert_eq!(err.vendor_message(), Some("internal error"));
    assert!(persons.is_empty());
    assert_eq!(requests(&server, PERSON_LIST_PATH).await, 1);
}

/// Each failure shape, as (body, content type, expected code).
fn failure_shapes() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        (
            r#"{"stateCode":"1","errorMessage":"bad","result":null}"#,
            "application/json",
            "1",
        ),
        (
            r#"{"StateCode":"403","errorMessage":"bad"}"#,
            "application/json",
            "403",
        ),
        (
            r#"{"status":"failed","msg":"bad","data":null}"#,
            "application/json",
            "failed",
        ),
        (
            r#"{"error":"invalid_token","error_description":"bad"}"#,
            "application/json",
            "invalid_token",
        ),
        (
            r#"{"timestamp":"2024-01-01T00:00:00.000+00:00","status":500,"error":"Internal Server Error","message":"bad","path":"/x"}"#,
            "application/json",
            "Internal Server Error",
        ),
        (
            r#"{"code":"500","message":"bad","data":null}"#,
            "application/json",
            "500",
        ),
        (
            "<InvalidTokenException><error>invalid_token</error><error_description>bad</error_description></InvalidTokenException>",
            "application/xml",
            "invalid_token",
        ),
    ]
}

#[tokio::test]
async fn every_failure_shape_on_every_endpoint_is_an_api_error() {
    for (body, content_type, code) in failure_shapes() {
        let server = mock().await;
        for route in [
            PERSON_LIST_PATH,
            ORG_DIRECTION_PATH,
            ROLE_LIST_PATH,
            EXPORT_PATH,
            PERSON_UPDATE_PATH,
            PERSON_DEREGISTER_PATH,
        ] {
            answer(
                &server,
                route,
                ResponseTemplate::new(200).set_body_raw(body, content_type),
            )
            .await;
        }
        let client = client(&server);
        let results: Vec<(&str, Option<Error>)> = vec![
            (
                PERSON_LIST_PATH,
                drain(GetPersonList::new().stream(&client)).await.1,
            ),
            (
                ORG_DIRECTION_PATH,
                drain(FindOrgsWithDirection::new().stream(&client)).await.1,
            ),
            (ROLE_LIST_PATH, FindRoles::new().send(&client).await.err()),
            (
                EXPORT_PATH,
                ExportPersons::new("x").send(&client).await.err(),
            ),
            (
                PERSON_UPDATE_PATH,
                UpdatePerson::new(
                    1,
                    "P1",
                    "n",
                    PersonType::Employee,
                    "13512345678",
                    PersonStatus::OpenAccount,
                    1,
                )
                .send(&client)
                .await
                .err(),
            ),
            (
                PERSON_DEREGISTER_PATH,
                DeregisterPerson::new("P1").send(&client).await.err(),
            ),
        ];
        for (route, err) in results {
            let err = err.unwrap_or_else(|| panic!("{route}: {body} passed for a success"));
            assert!(matches!(err, Error::Api { .. }), "{route}: {body}: {err:?}");
            assert_eq!(err.vendor_code(), Some(code), "{route}: {body}");
            assert_eq!(err.vendor_message(), Some("bad"), "{route}: {body}");
            assert_eq!(requests(&server, route).await, 1, "{route}: {body}");
        }
    }
}

#[tokio::test]
async fn a_page_needs_its_data_list_and_a_total() {
    let cases = [
        (json!({"data": [person(1)], "pos": 0}), "totalCount"),
        (json!({"totalCount": 5, "pos": 0}), "data"),
        (json!({"data": null, "totalCount": 5}), "data"),
        (json!({"data": {"personId": 1}, "totalCount": 1}), "data"),
        (json!({"data": [], "totalCount": "many"}), "totalCount"),
        (json!({}), "totalCount"),
        (json!([person(1)]), "."),
    ];
    for (body, missing) in cases {
        let server = mock().await;
        answer(
            &server,
            PERSON_LIST_PATH,
            ResponseTemplate::new(200).set_body_json(&body),
        )
        .await;
        let (persons, err) = drain(GetPersonList::new().stream(&client(&server))).await;
        let err = err.unwrap_or_else(|| panic!("{body} passed for a page"));
        assert!(err.is_decode(), "{body}: {err:?}");
        assert_eq!(err.decode_path(), Some(missing), "{body}: {err}");
        assert!(persons.is_empty());
        assert_eq!(requests(&server, PERSON_LIST_PATH).await, 1);
    }

    // `data: null` with a total of 0 is a proven empty listing.
    let server = mock().await;
    answer(
        &server,
        PERSON_LIST_PATH,
        ResponseTemplate::new(200)
            .set_body_json(json!({"data": null, "pos": 0, "totalCount": 0, "total_count": 0})),
    )
    .await;
    let (persons, err) = drain(GetPersonList::new().stream(&client(&server))).await;
    assert!(err.is_none(), "{err:?}");
    assert!(persons.is_empty());
    assert_eq!(requests(&server, PERSON_LIST_PATH).await, 1);
}

// ---------------------------------------------------------------- finding C

/// getPersonList over persons `0..len`, with options to misbehave.
#[derive(Clone, Copy)]
struct Persons {
    len: u64,
    /// Serve the first page whatever `start` says.
    ignore_start: bool,
    /// Send `pos`.
    pos: bool,
    /// Announce a total one page ahead of every page, for ever.
    grow: bool,
}

impl Persons {
    fn new(len: u64) -> Self {
        Persons {
            len,
            ignore_start: false,
            pos: true,
            grow: false,
        }
    }
}

impl Respond for Persons {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let start = if self.ignore_start {
            0
        } else {
            body["page"]["start"].as_u64().unwrap()
        };
        let count = body["page"]["count"].as_u64().unwrap();
        let (end, total) = if self.grow {
            (start + count, start + 2 * count)
        } else {
            ((start + count).min(self.len), self.len)
        };
        let data: Vec<Value> = (start.min(end)..end).map(person).collect();
        let mut page =
            json!({"data": data, "totalCount": total, "total_count": total, "entityName": null});
        if self.pos {
            page["pos"] = json!(start);
        }
        ResponseTemplate::new(200).set_body_json(page)
    }
}

#[tokio::test]
async fn a_server_that_ignores_start_is_stopped_after_its_first_page() {
    for pos in [true, false] {
        let server = mock().await;
        answer(
            &server,
            PERSON_LIST_PATH,
            Persons {
                ignore_start: true,
                pos,
                ..Persons::new(1_000_000)
            },
        )
        .await;
        let mut listing = GetPersonList::new().listing(&client(&server));
        let progress = listing.progress();
        let (persons, err) = drain(listing.items()).await;
        let err = err.expect("a server ignoring start never ends on its own");
        assert!(
            matches!(
                err,
                Error::Paging {
                    kind: PagingErrorKind::NoProgress,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("resume from offset 200"), "{err}");
        // The 200 genuine persons, once.
        assert_eq!(ids(&persons), (0..200).collect::<Vec<_>>());
        let checkpoint = progress.checkpoint();
        assert_eq!(
            (checkpoint.start, checkpoint.delivered, checkpoint.total),
            (0, 200, Some(1_000_000))
        );
        assert_eq!(requests(&server, PERSON_LIST_PATH).await, 2, "pos {pos}");
    }

    // With concurrent pages: the first page alone, then at most 4 in flight.
    let server = mock().await;
    answer(
        &server,
        PERSON_LIST_PATH,
        Persons {
            ignore_start: true,
            ..Persons::new(1_000_000)
        },
    )
    .await;
    let (persons, err) = drain(GetPersonList::new().stream(&client_with(&server, 4))).await;
    assert!(matches!(
        err,
        Some(Error::Paging {
            kind: PagingErrorKind::NoProgress,
            ..
        })
    ));
    assert_eq!(persons.len(), 200);
    let made = requests(&server, PERSON_LIST_PATH).await;
    assert!((2..=5).contains(&made), "{made} requests");
}

#[tokio::test]
async fn a_listing_whose_total_keeps_growing_stops_at_twice_the_first_total() {
    let grow = Persons {
        grow: true,
        ..Persons::new(0)
    };
    let server = mock().await;
    answer(&server, PERSON_LIST_PATH, grow).await;
    let (persons, err) = drain(GetPersonList::new().page(0, 10).stream(&client(&server))).await;
    let err = err.expect("an ever-growing listing never ends on its own");
    assert!(
        matches!(
            err,
            Error::Paging {
                kind: PagingErrorKind::Overrun,
                ..
            }
        ),
        "{err:?}"
    );
    // First total 20: 2 × 20 + one page of 10.
    assert_eq!(ids(&persons), (0..50).collect::<Vec<_>>());
    assert_eq!(requests(&server, PERSON_LIST_PATH).await, 6);

    // The caller can allow more: 4 × 20 + 10 = 90.
    let server = mock().await;
    answer(&server, PERSON_LIST_PATH, grow).await;
    let listing = GetPersonList::new()
        .page(0, 10)
        .listing(&client(&server))
        .max_growth(Some(4));
    let (persons, err) = drain(listing.items()).await;
    assert!(matches!(
        err,
        Some(Error::Paging {
            kind: PagingErrorKind::Overrun,
            ..
        })
    ));
    assert_eq!(persons.len(), 90);
    assert_eq!(requests(&server, PERSON_LIST_PATH).await, 10);
}

// ---------------------------------------------------------------- finding D

#[tokio::test]
async fn a_failed_listing_resumes_from_its_checkpoint_and_delivers_the_rest_exactly_once() {
    let server = mock().await;
    // The page at offset 6 fails once, with a refusal in an HTTP 200.
    Mock::given(method("POST"))
        .and(path(PERSON_LIST_PATH))
        .and(body_string_contains(r#""start":6"#))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"stateCode": "500", "errorMessage": "busy", "result": null})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(PERSON_LIST_PATH))
        .respond_with(Persons::new(10))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client_with(&server, 4);
    let query = GetPersonList::new().page(0, 3);

    let mut listing = query.listing(&client);
    let progress = listing.progress();
    let (first, err) = drain(listing.items()).await;
    let err = err.expect("the page at 6 fails");
    assert_eq!(err.vendor_code(), Some("500"));
    assert_eq!(ids(&first), [0, 1, 2, 3, 4, 5]);
    let checkpoint = progress.checkpoint();
    assert_eq!((checkpoint.start, checkpoint.delivered), (0, 6));
    assert_eq!(checkpoint.next_start(), 6);
    assert!(!checkpoint.is_complete());

    // Kept between runs as JSON.
    let saved = serde_json::to_string(&checkpoint).unwrap();
    let checkpoint: OffsetCheckpoint = serde_json::from_str(&saved).unwrap();

    let mut resumed = query.listing(&client).resume_from(&checkpoint);
    let progress = resumed.progress();
    let (rest, err) = drain(resumed.items()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(ids(&rest), [6, 7, 8, 9]);
    let mut all = ids(&first);
    all.extend(ids(&rest));
    assert_eq!(
        all,
        (0..10).collect::<Vec<_>>(),
        "every person exactly once"
    );
    // The resumed run's checkpoint counts from the first run's start.
    let done = progress.checkpoint();
    assert_eq!((done.start, done.delivered, done.total), (0, 10, Some(10)));
    assert!(done.is_complete());

    // A checkpoint of a listing from another offset is refused before
    // anything is sent.
    let before = requests(&server, PERSON_LIST_PATH).await;
    let (none, err) = drain(
        GetPersonList::new()
            .page(3, 3)
            .listing(&client)
            .resume_from(&checkpoint)
            .items(),
    )
    .await;
    assert!(matches!(err, Some(Error::InvalidRequest { .. })), "{err:?}");
    assert!(none.is_empty());
    assert_eq!(requests(&server, PERSON_LIST_PATH).await, before);
}

#[tokio::test]
async fn the_plain_text_lookup_needs_its_list_too() {
    use isdp_client::{FindPersonsByUserIds, PERSON_PLAIN_TEXT_PATH};
    for body in [
        json!({}),
        json!({"message": "An error has occurred."}),
        json!(null),
        json!({"data": null, "totalCount": 3}),
        json!({"stateCode": "1", "errorMessage": "bad", "result": null}),
    ] {
        let server = mock().await;
        answer(
            &server,
            PERSON_PLAIN_TEXT_PATH,
            ResponseTemplate::new(200).set_body_json(&body),
        )
        .await;
        let err = FindPersonsByUserIds::new([1])
            .send(&client(&server))
            .await
            .expect_err(&body.to_string());
        assert!(
            err.is_decode() || matches!(err, Error::Api { .. }),
            "{body}: {err:?}"
        );
        assert_eq!(requests(&server, PERSON_PLAIN_TEXT_PATH).await, 1);
    }
    // Envelope B's stateCode "0" vouches for an empty result.
    let server = mock().await;
    answer(
        &server,
        PERSON_PLAIN_TEXT_PATH,
        ResponseTemplate::new(200)
            .set_body_json(json!({"stateCode": "0", "errorMessage": null, "result": null})),
    )
    .await;
    let persons = FindPersonsByUserIds::new([1])
        .send(&client(&server))
        .await
        .unwrap();
    assert!(persons.is_empty());
}
