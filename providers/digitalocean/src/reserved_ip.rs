//! `digitalocean_reserved_ip` and `digitalocean_reserved_ip_assignment`.

use std::time::Duration;

use async_trait::async_trait;
use iac_provider::values::{int, num, string, text, with};
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, ListRequest, Listed, Schema};
use iac_value::{Type, Value};
use serde_json::{Value as Json, json};

use crate::api::Api;
use crate::listing;
use crate::lost::{self, Fresh};
use crate::poll::Polling;
use crate::resource::{Resource, imported, read_back};

const ACTION_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The reserved IP, or `None` on a 404.
async fn get(api: &Api, ip: &str) -> Result<Option<Json>, Error> {
    Ok(api
        .get_if_exists(&format!("/v2/reserved_ips/{ip}"))
        .await?
        .map(|out| out["reserved_ip"].clone()))
}

/// Assigns the IP to a droplet (or, with `None`, unassigns it) and waits.
async fn assign(api: &Api, ip: &str, droplet: Option<i64>) -> Result<(), Error> {
    let body = match droplet {
        Some(id) => json!({"type": "assign", "droplet_id": id}),
        None => json!({"type": "unassign"}),
    };
    let action = lost::act(api, &format!("/v2/reserved_ips/{ip}/actions"), &body).await?;
    api.wait_action(action, ACTION_TIMEOUT).await
}

/// Every reserved IP of the account, once none of them has an action running (an
/// assignment a killed run started ends on its own), waiting at most `ACTION_TIMEOUT`.
async fn settled(api: &Api) -> Result<Vec<Json>, Error> {
    let start = std::time::Instant::now();
    let mut polling = Polling::new();
    loop {
        let ips = api
            .list_all("/v2/reserved_ips", "reserved_ips")
            .await
            .map_err(|f| f.into_error("GET /v2/reserved_ips"))?;
        if start.elapsed() >= ACTION_TIMEOUT || !ips.iter().any(|r| r["locked"] == true) {
            return Ok(ips);
        }
        polling.pause().await.map_err(|stopped| {
            Error::api(
                "GET /v2/reserved_ips",
                format!("stopped waiting for a reserved IP's action: {stopped}"),
            )
        })?;
    }
}

/// The reserved IPs a create of `planned` may have made, once their actions are done:
/// in its region, the one assigned to its droplet if there is one, else those assigned
/// to none. DigitalOcean keeps nothing else of a create (no name, tag or time), so two
/// unassigned IPs of a region cannot be told apart.
async fn matching(api: &Api, planned: &Value) -> Result<Vec<Json>, Error> {
    let region = string(planned, "region");
    let in_region: Vec<Json> = settled(api)
        .await?
        .into_iter()
        .filter(|r| r["region"]["slug"].as_str() == region.as_deref())
        .collect();
    if let Some(droplet) = int(planned, "droplet_id") {
        let assigned: Vec<Json> = in_region
            .iter()
            .filter(|r| r["droplet"]["id"].as_i64() == Some(droplet))
            .cloned()
            .collect();
        if !assigned.is_empty() {
            return Ok(assigned);
        }
    }
    Ok(unassigned(in_region))
}

fn unassigned(ips: Vec<Json>) -> Vec<Json> {
    ips.into_iter().filter(|r| r["droplet"].is_null()).collect()
}

/// A reserved IP as the state holds it, from DigitalOcean's JSON.
fn ip_value(ip: &str, r: &Json) -> Value {
    Value::object([
        ("region", text(r["region"]["slug"].as_str())),
        ("droplet_id", num(r["droplet"]["id"].as_f64())),
        ("ip_address", Value::from(ip)),
        ("id", Value::from(ip)),
        ("urn", Value::from(format!("do:reservedip:{ip}"))),
    ])
}

/// An assignment as the state holds it.
fn assignment_value(ip: &str, droplet: i64) -> Value {
    Value::object([
        ("ip_address", Value::from(ip)),
        ("droplet_id", Value::from(droplet)),
        ("id", Value::from(format!("{ip},{droplet}"))),
    ])
}

/// The reserved IPs of the request's `region` (any region without it) that `keep`
/// accepts.
async fn listed(
    api: &Api,
    request: &ListRequest,
    keep: impl Fn(&Json) -> bool,
) -> Result<Vec<Json>, Error> {
    let region = listing::filter(request, "region");
    listing::pages(api, "/v2/reserved_ips", "reserved_ips", request, |r| {
        region
            .as_ref()
            .is_none_or(|g| r["region"]["slug"] == g.as_str())
            && keep(r)
    })
    .await
}

pub struct ReservedIp;

#[async_trait]
impl Resource<Api> for ReservedIp {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("region", Attribute::required(Type::String).force_new()),
                ("droplet_id", Attribute::optional_computed(Type::Number)),
                ("ip_address", Attribute::computed(Type::String)),
                ("id", Attribute::computed(Type::String)),
                ("urn", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error> {
        let Some(ip) = string(current, "ip_address").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        Ok(get(api, &ip).await?.map(|r| ip_value(&ip, &r)))
    }

    async fn create(
        &self,
        api: &Api,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let region = string(planned, "region");
        // The IP is made unassigned: those unassigned before the create are not its.
        let made = lost::create(
            api,
            "/v2/reserved_ips",
            &json!({"region": region}),
            "reserved_ip",
            Fresh::ListedBefore,
            || async {
                let ips = api
                    .list_all("/v2/reserved_ips", "reserved_ips")
                    .await
                    .map_err(|f| f.into_error("GET /v2/reserved_ips"))?;
                Ok(unassigned(ips)
                    .into_iter()
                    .filter(|r| r["region"]["slug"].as_str() == region.as_deref())
                    .collect())
            },
        )
        .await?;
        let ip = made.object["ip"].as_str().unwrap_or_default().to_string();
        let known = with(
            with(planned.clone(), "ip_address", Value::from(ip.as_str())),
            "id",
            Value::from(ip.as_str()),
        );
        if let Some(droplet) = int(planned, "droplet_id")
            && let Err(error) = assign(api, &ip, Some(droplet)).await
        {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, api, &known, "POST /v2/reserved_ips").await
    }

    /// An IP found unassigned although a droplet was planned is complete all the same:
    /// the plan assigns it in place.
    async fn find_created(
        &self,
        api: &Api,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let mut found = Vec::new();
        for r in matching(api, planned).await? {
            let ip = r["ip"].as_str().unwrap_or_default();
            let seed = Value::object([("ip_address", Value::from(ip))]);
            if let Some(state) = self.read(api, &seed).await? {
                found.push(Found {
                    state,
                    complete: true,
                });
            }
        }
        Ok(found)
    }

    async fn update(
        &self,
        api: &Api,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let ip = string(prior, "ip_address").unwrap_or_default();
        if prior.get("droplet_id") != planned.get("droplet_id") {
            if int(prior, "droplet_id").is_some() {
                assign(api, &ip, None).await?;
            }
            if let Some(droplet) = int(planned, "droplet_id") {
                assign(api, &ip, Some(droplet)).await?;
            }
        }
        read_back(self, api, planned, "POST /v2/reserved_ips/actions").await
    }

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error> {
        let ip = string(prior, "ip_address").unwrap_or_default();
        if let Some(r) = get(api, &ip).await?
            && !r["droplet"].is_null()
        {
            assign(api, &ip, None).await?;
        }
        api.delete_if_exists(&format!("/v2/reserved_ips/{ip}"))
            .await
            .map(|_| ())
    }

    /// Filter: `region`.
    fn list_schema(&self) -> Option<Schema> {
        Some(listing::schema(&["region"], &[]))
    }

    async fn list(&self, api: &Api, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        Ok(listed(api, request, |_| true)
            .await?
            .iter()
            .map(|r| {
                let ip = r["ip"].as_str().unwrap_or_default();
                listing::found(request, ip.to_string(), Some(ip), || ip_value(ip, r))
            })
            .collect())
    }

    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error> {
        imported(
            self,
            api,
            Value::object([("ip_address", Value::from(id))]),
            "reserved IP",
            id,
        )
        .await
    }
}

pub struct Assignment;

#[async_trait]
impl Resource<Api> for Assignment {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("ip_address", Attribute::required(Type::String).force_new()),
                ("droplet_id", Attribute::required(Type::Number).force_new()),
                ("id", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, api: &Api, current: &Value) -> Result<Option<Value>, Error> {
        let (Some(ip), Some(droplet)) = (string(current, "ip_address"), int(current, "droplet_id"))
        else {
            return Ok(None);
        };
        match get(api, &ip).await? {
            Some(r) if r["droplet"]["id"].as_i64() == Some(droplet) => {
                Ok(Some(assignment_value(&ip, droplet)))
            }
            _ => Ok(None),
        }
    }

    async fn create(
        &self,
        api: &Api,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let ip = string(planned, "ip_address").unwrap_or_default();
        let droplet = int(planned, "droplet_id").unwrap_or_default();
        assign(api, &ip, Some(droplet)).await?;
        let known = with(
            planned.clone(),
            "id",
            Value::from(format!("{ip},{droplet}")),
        );
        read_back(self, api, &known, "POST /v2/reserved_ips/actions").await
    }

    /// An assignment is the IP's `droplet`: made if it is the planned one, once any
    /// action on the IP has ended. A repeat of it makes nothing twice.
    async fn find_created(
        &self,
        api: &Api,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let ip = string(planned, "ip_address").unwrap_or_default();
        if !settled(api).await?.iter().any(|r| r["ip"] == ip.as_str()) {
            return Ok(Vec::new());
        }
        let id = Value::from(format!(
            "{ip},{}",
            int(planned, "droplet_id").unwrap_or_default()
        ));
        Ok(self
            .read(api, &with(planned.clone(), "id", id))
            .await?
            .map(|state| Found {
                state,
                complete: true,
            })
            .into_iter()
            .collect())
    }

    async fn update(
        &self,
        api: &Api,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        read_back(self, api, planned, "GET /v2/reserved_ips").await
    }

    async fn delete(&self, api: &Api, prior: &Value) -> Result<(), Error> {
        let ip = string(prior, "ip_address").unwrap_or_default();
        match get(api, &ip).await? {
            Some(r) if r["droplet"]["id"].as_i64() == int(prior, "droplet_id") => {
                assign(api, &ip, None).await
            }
            _ => Ok(()),
        }
    }

    /// Filters: `region` and `droplet_id`.
    fn list_schema(&self) -> Option<Schema> {
        Some(Schema::new(
            [
                ("region", Attribute::optional(Type::String)),
                ("droplet_id", Attribute::optional(Type::Number)),
            ],
            [],
        ))
    }

    /// The reserved IPs assigned to a droplet, each as `IP,DROPLET_ID` (its import id).
    async fn list(&self, api: &Api, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        let droplet = int(&request.filter, "droplet_id");
        let assigned = listed(api, request, |r| {
            r["droplet"]["id"]
                .as_i64()
                .is_some_and(|id| droplet.is_none_or(|d| d == id))
        })
        .await?;
        Ok(assigned
            .iter()
            .map(|r| {
                let ip = r["ip"].as_str().unwrap_or_default();
                let droplet = r["droplet"]["id"].as_i64().unwrap_or_default();
                let shown = format!(
                    "{ip} -> {}",
                    r["droplet"]["name"].as_str().unwrap_or_default()
                );
                let id = format!("{ip},{droplet}");
                listing::found(request, id, Some(&shown), || assignment_value(ip, droplet))
            })
            .collect())
    }

    async fn import(&self, api: &Api, id: &str) -> Result<Value, Error> {
        let Some((ip, droplet)) = id.split_once(',') else {
            return Err(Error::new(format!(
                "import id \"{id}\" should be IP,DROPLET_ID, e.g. 45.55.96.47,3164444"
            )));
        };
        let droplet: i64 = droplet
            .parse()
            .map_err(|_| Error::new(format!("\"{droplet}\" is not a droplet id")))?;
        let seed = Value::object([
            ("ip_address", Value::from(ip)),
            ("droplet_id", Value::from(droplet)),
        ]);
        imported(self, api, seed, "reserved IP assignment", id).await
    }
}
