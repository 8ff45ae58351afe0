//! Creates and actions whose answer was lost. DigitalOcean has no idempotency tokens: a
//! POST that timed out, lost its connection or met a 5xx may still have made its object
//! or started its action, and sending it again could make a second one. So such a POST
//! is never sent again before looking for what it did ([`create`], [`act`]).

use std::future::Future;
use std::time::{Duration, SystemTime};

use iac_provider::Error;
use serde_json::Value as Json;

use crate::api::{Api, Failure};

/// How many times a create or an action is sent when every look finds that the sends
/// before it did nothing.
const SENDS: u32 = 4;

/// How long to let DigitalOcean finish a request whose answer was lost before looking
/// for what it did (a gateway's 504 can come while the work is still being done).
const SETTLE: Duration = Duration::from_secs(2);

/// How far DigitalOcean's clock may be behind ours: an object whose `created_at` is at
/// most this much before the create was sent may be the one it made.
const CLOCK_SKEW: Duration = Duration::from_secs(120);

/// How a look tells what this create made from what was there before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fresh {
    /// By `created_at`: at or after the send, less [`CLOCK_SKEW`].
    CreatedAt,
    /// By a look just before the first send: what it listed is not this create's.
    ListedBefore,
    /// No need: what the look finds the create made, or would have refused to make
    /// (a domain or an SSH key exists once in an account).
    Unique,
}

/// What a create made: the object, and the create's whole answer when it came.
pub struct Made {
    pub object: Json,
    pub answer: Option<Json>,
}

/// Sends the create `POST path body`, whose answer holds the object under `key`. When
/// the answer is lost, `look` lists the objects that match what the create sent; those
/// that `fresh` tells are this create's are taken as what it made. One is the object;
/// none means the create did nothing, and it is sent again; several cannot be told
/// apart, and the create fails, left to the next plan's look (its journal entry stays).
pub async fn create<F, Fut>(
    api: &Api,
    path: &str,
    body: &Json,
    key: &str,
    fresh: Fresh,
    look: F,
) -> Result<Made, Error>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Vec<Json>, Error>>,
{
    let operation = format!("POST {path}");
    let before: Vec<Json> = match fresh {
        Fresh::ListedBefore => look().await?.iter().map(identity).collect(),
        Fresh::CreatedAt | Fresh::Unique => Vec::new(),
    };
    let mut sends = 0;
    loop {
        sends += 1;
        let sent_at = SystemTime::now();
        let failure = match api.post(path, body).await {
            Ok(answer) => {
                return Ok(Made {
                    object: answer[key].clone(),
                    answer: Some(answer),
                });
            }
            Err(f) if f.lost => f,
            Err(f) => return Err(f.into_error(&operation)),
        };
        tracing::debug!(%path, error = %failure.message, "the answer to a create was lost; looking for what it made");
        settle(&operation, &failure).await?;
        let mut made: Vec<Json> = look()
            .await?
            .into_iter()
            .filter(|o| match fresh {
                Fresh::CreatedAt => created_since(o, sent_at),
                Fresh::ListedBefore => !before.contains(&identity(o)),
                Fresh::Unique => true,
            })
            .collect();
        match made.len() {
            0 if sends < SENDS => {
                tracing::debug!(%path, "the create whose answer was lost made nothing; sending it again");
            }
            0 => return Err(failure.into_error(&operation)),
            1 => {
                return Ok(Made {
                    object: made.pop().expect("one"),
                    answer: None,
                });
            }
            n => {
                return Err(Error::api(
                    &operation,
                    format!(
                        "the answer was lost ({}), and {n} objects made since match what it sent, so which one it made cannot be told here; the next plan looks for it again, setting aside those the state records",
                        failure.message
                    ),
                ));
            }
        }
    }
}

/// Starts the action `POST path body` (`path` is the resource's `.../actions`) and
/// returns its id. When the answer is lost, the resource's actions are looked at: one
/// of the same type started since the send is this one; if there is none, it is sent
/// again.
pub async fn act(api: &Api, path: &str, body: &Json) -> Result<u64, Error> {
    let kind = body["type"].as_str().unwrap_or("action");
    let operation = format!("POST {path} ({kind})");
    let mut sends = 0;
    loop {
        sends += 1;
        let sent_at = SystemTime::now();
        let failure = match api.post(path, body).await {
            Ok(out) => return Ok(out["action"]["id"].as_u64().unwrap_or_default()),
            Err(f) if f.lost => f,
            Err(f) => return Err(f.into_error(&operation)),
        };
        tracing::debug!(%path, error = %failure.message, "the answer to an action was lost; looking for it");
        settle(&operation, &failure).await?;
        let actions = api
            .list_all(path, "actions")
            .await
            .map_err(|f| f.into_error(&format!("GET {path}")))?;
        let started = actions
            .iter()
            .filter(|a| a["type"] == kind)
            .filter(|a| since(a["started_at"].as_str(), sent_at))
            .filter_map(|a| a["id"].as_u64())
            .max();
        match started {
            Some(id) => return Ok(id),
            None if sends < SENDS => {
                tracing::debug!(%path, "the action whose answer was lost did not start; sending it again");
            }
            None => return Err(failure.into_error(&operation)),
        }
    }
}

/// Waits for DigitalOcean to finish what a lost request may still be doing.
async fn settle(operation: &str, failure: &Failure) -> Result<(), Error> {
    iac_provider::stop::sleep(SETTLE).await.map_err(|stopped| {
        Error::api(
            operation,
            format!(
                "{}; stopped before looking for what it did: {stopped}",
                failure.message
            ),
        )
    })
}

/// What identifies a listed object: its `id`, or a reserved IP's `ip`.
fn identity(o: &Json) -> Json {
    match &o["id"] {
        Json::Null => o["ip"].clone(),
        id => id.clone(),
    }
}

/// Whether an object was made at or after `sent_at` (less the clock skew); one whose
/// `created_at` cannot be read may have been.
fn created_since(o: &Json, sent_at: SystemTime) -> bool {
    since(o["created_at"].as_str(), sent_at)
}

fn since(time: Option<&str>, sent_at: SystemTime) -> bool {
    let earliest = sent_at.checked_sub(CLOCK_SKEW).unwrap_or(sent_at);
    match time.and_then(|t| humantime::parse_rfc3339_weak(t).ok()) {
        Some(t) => t >= earliest,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fake::{Request, serve};

    fn posts(log: &[Request]) -> usize {
        log.iter().filter(|(m, _)| m == "POST").count()
    }

    fn now() -> String {
        humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
    }

    /// Creates a droplet with `body`, looking for droplets named `web-1` if the
    /// answer is lost.
    async fn create_web_1(api: &Api, body: &Json) -> Result<Made, Error> {
        let look = || async {
            api.list_all("/v2/droplets?name=web-1", "droplets")
                .await
                .map_err(|f| f.into_error("GET /v2/droplets"))
        };
        create(api, "/v2/droplets", body, "droplet", Fresh::CreatedAt, look).await
    }

    #[tokio::test]
    async fn a_create_answered_500_after_it_made_the_droplet_is_found_not_sent_again() {
        // The droplet is made by the first POST, whose answer is a 500.
        let (url, log) = serve(|method, path, log| match (method, path) {
            ("POST", "/v2/droplets") => (
                "500 Internal Server Error",
                json!({"id": "server_error", "message": "Server was unable to give you a response."}).to_string(),
            ),
            ("GET", p) if p.starts_with("/v2/droplets?name=web-1") => {
                let made = posts(log) > 0;
                let droplets: Vec<Json> = made
                    .then(|| json!({"id": 7, "name": "web-1", "created_at": now(), "status": "new"}))
                    .into_iter()
                    .collect();
                ("200 OK", json!({"droplets": droplets, "links": {}}).to_string())
            }
            _ => ("404 Not Found", json!({"id": "not_found", "message": "no"}).to_string()),
        })
        .await;
        let api = Api::new(&url, "dop_v1_lost_create_found").unwrap();
        let made = create_web_1(&api, &json!({"name": "web-1"}))
            .await
            .expect("the droplet the lost create made is found");
        assert_eq!(made.object["id"], 7);
        assert!(made.answer.is_none());
        let log = log.lock().unwrap();
        assert_eq!(posts(&log), 1, "the create was not sent again: {log:?}");
    }

    #[tokio::test]
    async fn a_create_whose_lost_answer_made_nothing_is_sent_again_after_looking() {
        let (url, log) = serve(|method, path, log| match (method, path) {
            ("POST", "/v2/droplets") if posts(log) == 0 => (
                "503 Service Unavailable",
                json!({"id": "service_unavailable", "message": "try later"}).to_string(),
            ),
            ("POST", "/v2/droplets") => (
                "202 Accepted",
                json!({"droplet": {"id": 8, "name": "web-1"}, "links": {"actions": [{"id": 80}]}}).to_string(),
            ),
            // An older droplet of the same name, made before the create was sent.
            ("GET", _) => (
                "200 OK",
                json!({"droplets": [{"id": 3, "name": "web-1", "created_at": "2020-01-01T00:00:00Z"}], "links": {}}).to_string(),
            ),
            _ => ("404 Not Found", "{}".to_string()),
        })
        .await;
        let api = Api::new(&url, "dop_v1_lost_create_resent").unwrap();
        let made = create_web_1(&api, &json!({"name": "web-1"})).await.unwrap();
        assert_eq!(made.object["id"], 8);
        assert_eq!(made.answer.unwrap()["links"]["actions"][0]["id"], 80);
        let log = log.lock().unwrap();
        let methods: Vec<&str> = log.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            methods,
            ["POST", "GET", "POST"],
            "it looked before sending again"
        );
    }

    #[tokio::test]
    async fn objects_listed_before_a_create_are_not_taken_for_what_it_made() {
        // Two unassigned IPs before the create; its lost answer made a third.
        let (url, log) = serve(|method, _, log| match method {
            "POST" => ("504 Gateway Timeout", "{}".to_string()),
            _ => {
                let mut ips = vec![json!({"ip": "45.55.0.1"}), json!({"ip": "45.55.0.2"})];
                if posts(log) > 0 {
                    ips.push(json!({"ip": "45.55.0.3"}));
                }
                (
                    "200 OK",
                    json!({"reserved_ips": ips, "links": {}}).to_string(),
                )
            }
        })
        .await;
        let api = Api::new(&url, "dop_v1_lost_create_listed").unwrap();
        let look = || async {
            api.list_all("/v2/reserved_ips", "reserved_ips")
                .await
                .map_err(|f| f.into_error("GET"))
        };
        let made = create(
            &api,
            "/v2/reserved_ips",
            &json!({"region": "nyc3"}),
            "reserved_ip",
            Fresh::ListedBefore,
            look,
        )
        .await
        .unwrap();
        assert_eq!(made.object["ip"], "45.55.0.3");
        assert_eq!(posts(&log.lock().unwrap()), 1);
    }

    #[tokio::test]
    async fn several_objects_made_since_a_lost_create_fail_it_for_the_next_plan_to_resolve() {
        let (url, log) = serve(|method, _, _| match method {
            "POST" => ("500 Internal Server Error", "{}".to_string()),
            _ => (
                "200 OK",
                json!({"droplets": [{"id": 1, "created_at": now()}, {"id": 2, "created_at": now()}], "links": {}}).to_string(),
            ),
        })
        .await;
        let api = Api::new(&url, "dop_v1_lost_create_several").unwrap();
        let error = create_web_1(&api, &json!({}))
            .await
            .err()
            .expect("it cannot tell which");
        assert!(
            error.message.contains("2 objects made since match"),
            "{error}"
        );
        assert_eq!(posts(&log.lock().unwrap()), 1);
    }

    #[tokio::test]
    async fn an_action_whose_answer_was_lost_is_found_among_the_droplets_actions() {
        let (url, log) = serve(|method, _, _| match method {
            "POST" => ("502 Bad Gateway", "{}".to_string()),
            _ => (
                "200 OK",
                json!({"actions": [
                    {"id": 40, "type": "resize", "status": "completed", "started_at": "2020-01-01T00:00:00Z"},
                    {"id": 41, "type": "resize", "status": "in-progress", "started_at": now()},
                ], "links": {}})
                .to_string(),
            ),
        })
        .await;
        let api = Api::new(&url, "dop_v1_lost_action").unwrap();
        let action = act(&api, "/v2/droplets/7/actions", &json!({"type": "resize"}))
            .await
            .unwrap();
        assert_eq!(action, 41);
        assert_eq!(posts(&log.lock().unwrap()), 1);
    }

    #[test]
    fn objects_made_before_the_send_less_the_skew_are_not_this_creates() {
        let sent = humantime::parse_rfc3339("2026-12-02T05:00:00Z").unwrap();
        let at = |t: &str| serde_json::json!({"id": 1, "created_at": t});
        assert!(created_since(&at("2026-12-02T05:00:03Z"), sent));
        assert!(created_since(&at("2026-12-02T04:59:00Z"), sent));
        assert!(!created_since(&at("2026-12-02T04:57:59Z"), sent));
        assert!(created_since(&serde_json::json!({"id": 1}), sent));
    }

    #[test]
    fn reserved_ips_are_identified_by_their_address() {
        assert_eq!(
            identity(&serde_json::json!({"ip": "45.55.0.1"})),
            "45.55.0.1"
        );
        assert_eq!(identity(&serde_json::json!({"id": 7, "ip": "x"})), 7);
    }
}
