//! DigitalOcean end to end: the Insync stack of 21 droplets on the emulator (checked
//! over plain HTTP) and its two S3 buckets on moto (checked with aws-sdk-s3), resizing,
//! rebuilding and retiring droplets; a failed action; a refused token; and adopting a
//! droplet made directly through the API.

use iac_e2e::{Emulator, Stack, example_stack};
use serde_json::{Value, json};

const PUBLIC_KEY: &str = include_str!("e2e_key.pub");

/// A second key, for the data-source test.
const LOOKUP_KEY: &str = include_str!("e2e_lookup_key.pub");

/// The droplets of the seed's notes.
const INSYNC: [&str; 21] = [
    "ct1",
    "beanstalkd",
    "web-lb02",
    "web02",
    "license01",
    "license02",
    "db",
    "db-slave02",
    "redis",
    "dev",
    "sentry",
    "radar-2",
    "drone",
    "drone-test",
    "mrkr-web-lb",
    "wiki",
    "insynchq-support",
    "staging",
    "insynchq-web-staging",
    "dev02",
    "sendy",
];

const CANDIDATES: [&str; 6] = ["dev02", "drone", "drone-test", "wiki", "dev", "sendy"];

/// The legacy bucket the team's db dumps go to (a name S3 no longer creates).
const DB_BACKUPS: &str = "insync_db_backups";

/// The Insync stack, on the DigitalOcean emulator and moto; `repos` names the bucket of
/// the apt/yum repositories (the notes do not).
fn insync(repos: &str) -> Stack {
    example_stack(
        Emulator::DigitalOcean,
        "insync",
        &format!(
            "ssh_public_keys = {{ ops = \"{}\" }}\n\npackage_repos_bucket = \"{repos}\"\n\nregions = {{ \"radar-2\" = \"sgp1\" }}\n",
            PUBLIC_KEY.trim()
        ),
    )
    .with_aws(Emulator::Moto)
}

/// The firewall named `name`, over plain HTTP.
fn firewall(stack: &Stack, name: &str) -> Value {
    let (_, firewalls) = stack.digitalocean("GET", "/v2/firewalls?per_page=200", None);
    firewalls["firewalls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("firewall {name} exists: {firewalls:#}"))
        .clone()
}

/// Whether `firewall` lets `protocol` on `ports` in from `sources` (an object of the
/// API's `sources`, e.g. `{"tags": ["web"]}`, matched on the keys it gives).
fn lets_in(firewall: &Value, protocol: &str, ports: &str, sources: &Value) -> bool {
    firewall["inbound_rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| {
            r["protocol"] == protocol
                && (protocol == "icmp"
                    || r["ports"] == ports
                    || (ports == "all" && r["ports"] == "0"))
                && sources
                    .as_object()
                    .unwrap()
                    .iter()
                    .all(|(k, v)| sorted(&r["sources"][k]) == sorted(v))
        })
}

/// The strings of a JSON array, sorted (the API keeps a rule's sources as sets).
fn sorted(list: &Value) -> Vec<String> {
    let mut items: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    items.sort();
    items
}

/// The stack's droplets (its token's account is its own), over plain HTTP, following
/// pagination.
fn droplets(stack: &Stack) -> Vec<Value> {
    let mut all = Vec::new();
    let mut next = Some("/v2/droplets?per_page=10".to_string());
    while let Some(path) = next.take() {
        let (status, page) = stack.digitalocean("GET", &path, None);
        assert_eq!(status, 200);
        all.extend(page["droplets"].as_array().cloned().unwrap_or_default());
        // Links are full URLs; the client takes paths.
        let origin = &Emulator::DigitalOcean.running().endpoint;
        next = page["links"]["pages"]["next"]
            .as_str()
            .map(|url| url.trim_start_matches(origin.as_str()).to_string());
    }
    all
}

fn by_name<'a>(all: &'a [Value], name: &str) -> &'a Value {
    all.iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("droplet {name} exists"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_insync_stack() {
    let repos = iac_e2e::unique("insync-packages");
    let stack = insync(&repos);
    stack.iac(&["validate", "-no-color"]).expect(0);
    stack.iac(&["fmt", "-check"]).expect(0);

    // The db backups bucket exists already, with the dumps db-slave02 uploaded: the
    // stack adopts it.
    let s3 = stack.s3_in("us-east-1");
    s3.create_bucket().bucket(DB_BACKUPS).send().await.unwrap();
    s3.put_object()
        .bucket(DB_BACKUPS)
        .key("daily/insync/insync_2026-12-01.sql.gz")
        .body(b"dump".to_vec().into())
        .send()
        .await
        .unwrap();
    stack
        .iac(&[
            "import",
            "-no-color",
            "aws_s3_bucket.db_backups",
            DB_BACKUPS,
        ])
        .expect(0);
    stack
        .iac(&["apply", "-auto-approve", "-no-color", "-parallelism", "20"])
        .expect(0);

    // Both buckets, checked with aws-sdk-s3.
    for bucket in [DB_BACKUPS, repos.as_str()] {
        s3.head_bucket().bucket(bucket).send().await.unwrap();
        let location = s3
            .get_bucket_location()
            .bucket(bucket)
            .send()
            .await
            .unwrap();
        assert!(
            location
                .location_constraint()
                .is_none_or(|l| l.as_str().is_empty()),
            "{bucket} is in us-east-1: {location:?}"
        );
    }
    let dumps = s3
        .list_objects_v2()
        .bucket(DB_BACKUPS)
        .send()
        .await
        .unwrap();
    assert_eq!(
        dumps.key_count(),
        Some(1),
        "the adopted bucket keeps its dumps"
    );
    assert_eq!(
        stack.attr("aws_s3_bucket.package_repos", "bucket_domain_name"),
        format!("{repos}.s3.amazonaws.com")
    );

    // The droplets, over plain HTTP: what the notes say and DigitalOcean's defaults for
    // what they do not.
    let all = droplets(&stack);
    let mut names: Vec<&str> = all.iter().map(|d| d["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    let mut expected = INSYNC.to_vec();
    expected.sort_unstable();
    assert_eq!(
        names, expected,
        "the stack's account holds its droplets only"
    );
    assert!(all.iter().all(|d| d["status"] == "active"));
    assert!(
        all.iter().all(|d| {
            let features = d["features"].as_array().unwrap();
            !features.contains(&json!("backups")) && !features.contains(&json!("monitoring"))
        }),
        "the notes ask for neither backups nor monitoring"
    );
    let ct1 = by_name(&all, "ct1");
    assert_eq!(ct1["region"]["slug"], "nyc2");
    assert_eq!(ct1["tags"], json!(["gateway"]));
    assert_eq!(by_name(&all, "radar-2")["region"]["slug"], "sgp1");
    assert_eq!(by_name(&all, "db")["tags"], json!(["db", "internal"]));
    for public in ["sentry", "dev", "drone", "drone-test", "radar-2"] {
        let tags = by_name(&all, public)["tags"].as_array().unwrap().clone();
        assert!(tags.contains(&json!("public-web")), "{public}: {tags:?}");
    }
    assert!(
        by_name(&all, "dev02")["tags"]
            .as_array()
            .unwrap()
            .contains(&json!("email"))
    );

    // The firewalls let in what runs: SSH to ct1 alone, the conf server from the web and
    // the mailer, every web service, dev02's mail, and ping.
    let anywhere = json!({"addresses": ["0.0.0.0/0", "::/0"]});
    let gateway = firewall(&stack, "gateway");
    assert!(lets_in(&gateway, "tcp", "58878", &anywhere));
    assert!(
        lets_in(
            &gateway,
            "tcp",
            "all",
            &json!({"tags": ["license", "queue", "web"]})
        ),
        "{gateway:#}"
    );
    assert!(lets_in(&gateway, "icmp", "", &anywhere));
    let internal = firewall(&stack, "internal");
    assert!(lets_in(
        &internal,
        "tcp",
        "22",
        &json!({"tags": ["gateway"]})
    ));
    assert!(lets_in(&internal, "icmp", "", &anywhere));
    let web = firewall(&stack, "public-web");
    assert!(lets_in(&web, "tcp", "80", &anywhere) && lets_in(&web, "tcp", "443", &anywhere));
    assert_eq!(web["tags"], json!(["public-web"]));
    let email = firewall(&stack, "email");
    for port in ["25", "587", "993"] {
        assert!(lets_in(&email, "tcp", port, &anywhere), "{port}: {email:#}");
    }

    // The names of the notes point at their droplets; nothing else is invented.
    let (_, reserved) = stack.digitalocean("GET", "/v2/reserved_ips", None);
    assert_eq!(
        reserved["meta"]["total"], 0,
        "no reserved IP moves the names"
    );
    let (_, records) =
        stack.digitalocean("GET", "/v2/domains/insynchq.com/records?per_page=200", None);
    let records = records["domain_records"].as_array().unwrap().clone();
    let ip = |d: &Value| {
        d["networks"]["v4"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["type"] == "public")
            .unwrap()["ip_address"]
            .clone()
    };
    let points = |name: &str, droplet: &str| {
        records.iter().any(|r| {
            r["type"] == "A" && r["name"] == name && r["data"] == ip(by_name(&all, droplet))
        })
    };
    assert!(points("jobs", "ct1") && points("@", "ct1") && points("blog", "ct1"));
    assert!(
        points("hg", "dev") && points("email", "dev02") && points("forums", "insynchq-support")
    );
    assert!(
        !records.iter().any(|r| r["type"] == "MX"),
        "the notes give no mail exchanger: {records:#?}"
    );

    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);

    // A new size is a power-off, resize and power-on of the same droplet.
    let redis_id = by_name(&all, "redis")["id"].clone();
    let resize = ["size_overrides={\"redis\"=\"s-4vcpu-8gb\"}"];
    let plan = stack
        .iac_with_vars(&["plan", "-no-color"], &resize)
        .expect(0);
    assert!(
        plan.stdout
            .contains("# digitalocean_droplet.this[\"redis\"] will be updated in-place")
            && plan
                .stdout
                .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    stack
        .iac_with_vars(&["apply", "-auto-approve", "-no-color"], &resize)
        .expect(0);
    let (_, redis) = stack.digitalocean("GET", &format!("/v2/droplets/{redis_id}"), None);
    assert_eq!(redis["droplet"]["size_slug"], "s-4vcpu-8gb");
    assert_eq!(redis["droplet"]["status"], "active");

    // A new image for the same droplet rebuilds it: a new one replaces it.
    let mut vars = resize.to_vec();
    vars.push("image_overrides={\"redis\"=\"ubuntu-24-04-x64\"}");
    let plan = stack.iac_with_vars(&["plan", "-no-color"], &vars).expect(0);
    assert!(
        plan.stdout
            .contains("# digitalocean_droplet.this[\"redis\"] must be replaced"),
        "{}",
        plan.stdout
    );
    stack
        .iac_with_vars(&["apply", "-auto-approve", "-no-color"], &vars)
        .expect(0);
    let (status, _) = stack.digitalocean("GET", &format!("/v2/droplets/{redis_id}"), None);
    assert_eq!(status, 404);
    let redis = droplets(&stack)
        .into_iter()
        .find(|d| d["name"] == "redis")
        .unwrap();
    assert_eq!(redis["image"]["slug"], "ubuntu-24-04-x64");
    assert_eq!(redis["size_slug"], "s-4vcpu-8gb");

    // Retiring the candidates for removal deletes those droplets and the names they
    // serve (hg, wiki, email), nothing else.
    let retired = format!(
        "retired=[{}]",
        CANDIDATES.map(|c| format!("\"{c}\"")).join(",")
    );
    vars.push(&retired);
    let plan = stack.iac_with_vars(&["plan", "-no-color"], &vars).expect(0);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 0 to change, 9 to destroy."),
        "{}",
        plan.stdout
    );
    for gone in CANDIDATES
        .map(|c| format!("# digitalocean_droplet.this[\"{c}\"] will be destroyed"))
        .into_iter()
        .chain(
            ["hg", "wiki", "email"]
                .map(|r| format!("# digitalocean_record.this[\"{r}\"] will be destroyed")),
        )
    {
        assert!(plan.stdout.contains(&gone), "{gone}: {}", plan.stdout);
    }
    stack
        .iac_with_vars(&["apply", "-auto-approve", "-no-color"], &vars)
        .expect(0);
    let left = droplets(&stack);
    assert_eq!(left.len(), 15);
    assert!(
        left.iter()
            .all(|d| !CANDIDATES.contains(&d["name"].as_str().unwrap()))
    );

    // The backups outlive the stack: forgotten, then everything else destroyed.
    stack
        .iac(&["state", "rm", "aws_s3_bucket.db_backups"])
        .expect(0);
    stack
        .iac_with_vars(&["destroy", "-auto-approve", "-no-color"], &vars)
        .expect(0);
    assert!(droplets(&stack).is_empty());
    let (_, firewalls) = stack.digitalocean("GET", "/v2/firewalls", None);
    assert_eq!(firewalls["meta"]["total"], 0);
    let (_, domains) = stack.digitalocean("GET", "/v2/domains", None);
    assert_eq!(domains["meta"]["total"], 0);
    assert!(s3.head_bucket().bucket(&repos).send().await.is_err());
    let dumps = s3
        .list_objects_v2()
        .bucket(DB_BACKUPS)
        .send()
        .await
        .unwrap();
    assert_eq!(dumps.key_count(), Some(1));
}

const ONE_DROPLET: &str = r#"
variable "size" {
  default = "s-1vcpu-1gb"
}

resource "digitalocean_droplet" "legacy" {
  name   = "legacy-web"
  region = "sgp1"
  size   = var.size
  image  = "debian-12-x64"
  tags   = ["legacy"]
}
"#;

/// Polls the emulator until a droplet is active.
fn wait_active(stack: &Stack, id: &Value) {
    for _ in 0..100 {
        let (_, d) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
        if d["droplet"]["status"] == "active" {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("droplet {id} did not become active");
}

#[test]
fn a_droplet_made_by_hand_is_adopted() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.hcl", ONE_DROPLET)]);
    let (status, made) = stack.digitalocean(
        "POST",
        "/v2/droplets",
        Some(&json!({"name": "legacy-web", "region": "sgp1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": ["legacy"]})),
    );
    assert_eq!(status, 202);
    let id = made["droplet"]["id"].clone();
    wait_active(&stack, &id);
    stack
        .iac(&[
            "import",
            "-no-color",
            "digitalocean_droplet.legacy",
            &id.to_string(),
        ])
        .expect(0);
    let plan = stack.iac(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
    let (status, _) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
    assert_eq!(status, 404);
}

const BACKED_UP: &str = r#"
variable "hour" {
  default = 8
}

resource "digitalocean_droplet" "backed_up" {
  name               = "backed-up"
  region             = "nyc3"
  size               = "s-1vcpu-1gb"
  image              = "ubuntu-22-04-x64"
  backups            = true
  private_networking = true
  backup_policy {
    plan    = "weekly"
    weekday = "TUE"
    hour    = var.hour
  }
}

output "policy_hour" {
  value = digitalocean_droplet.backed_up.backup_policy[0].hour
}
"#;

#[test]
fn a_backup_policy_is_set_at_create_and_changed_in_place() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.tf", BACKED_UP)]);
    stack.iac(&["validate", "-no-color"]).expect(0);
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let id = stack.attr("digitalocean_droplet.backed_up", "id");
    let policy = |stack: &Stack| {
        let (status, got) =
            stack.digitalocean("GET", &format!("/v2/droplets/{id}/backups/policy"), None);
        assert_eq!(status, 200);
        got["policy"].clone()
    };
    let got = policy(&stack);
    assert_eq!(got["backup_enabled"], true);
    assert_eq!(
        (
            &got["backup_policy"]["plan"],
            &got["backup_policy"]["weekday"],
            &got["backup_policy"]["hour"]
        ),
        (&json!("weekly"), &json!("TUE"), &json!(8))
    );
    let state = stack.state();
    let droplet = state["resources"]
        .as_array()
        .and_then(|rs| {
            rs.iter()
                .find(|r| r["address"] == "digitalocean_droplet.backed_up")
        })
        .unwrap();
    assert_eq!(droplet["attributes"]["private_networking"], true);
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);

    let later = ["hour=20"];
    let plan = stack
        .iac_with_vars(&["plan", "-no-color"], &later)
        .expect(0);
    assert!(
        plan.stdout
            .contains("# digitalocean_droplet.backed_up will be updated in-place")
            && plan
                .stdout
                .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    stack
        .iac_with_vars(&["apply", "-auto-approve", "-no-color"], &later)
        .expect(0);
    assert_eq!(stack.attr("digitalocean_droplet.backed_up", "id"), id);
    assert_eq!(policy(&stack)["backup_policy"]["hour"], 20);
    stack
        .iac_with_vars(&["plan", "-detailed-exitcode", "-no-color"], &later)
        .expect(0);

    stack
        .iac_with_vars(&["destroy", "-auto-approve", "-no-color"], &later)
        .expect(0);
    let (status, _) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
    assert_eq!(status, 404);
}

#[test]
fn a_failed_action_is_reported_and_the_droplet_kept() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.hcl", ONE_DROPLET)]);
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let id = stack.attr("digitalocean_droplet.legacy", "id");
    let (status, _) = stack.digitalocean(
        "POST",
        "/emulator/fail-next-action",
        Some(&json!({"type": "resize"})),
    );
    assert_eq!(status, 204);
    let failed = stack
        .iac(&[
            "apply",
            "-auto-approve",
            "-no-color",
            "-var",
            "size=s-2vcpu-4gb",
        ])
        .expect(1);
    assert!(
        failed.stderr.contains("digitalocean_droplet.legacy")
            && failed.stderr.contains("resize action")
            && failed.stderr.contains("errored"),
        "{}",
        failed.stderr
    );
    let (_, d) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
    assert_eq!(d["droplet"]["size_slug"], "s-1vcpu-1gb");
    assert_eq!(
        d["droplet"]["status"], "active",
        "powered back on after the failure"
    );
    assert_eq!(
        stack.attr("digitalocean_droplet.legacy", "id"),
        id,
        "still in the state"
    );
    stack
        .iac(&[
            "apply",
            "-auto-approve",
            "-no-color",
            "-var",
            "size=s-2vcpu-4gb",
        ])
        .expect(0);
    let (_, d) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
    assert_eq!(d["droplet"]["size_slug"], "s-2vcpu-4gb");
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
}

#[test]
fn a_refused_token_names_the_variable_to_set() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.hcl", ONE_DROPLET)]);
    let stack_dir = stack.path().to_path_buf();
    let out = std::process::Command::new(iac_e2e::iac_binary())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(&stack_dir)
        .env(
            "DIGITALOCEAN_API_URL",
            &Emulator::DigitalOcean.running().endpoint,
        )
        .env("DIGITALOCEAN_TOKEN", "1234-not-a-real-token")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("401") && stderr.contains("DIGITALOCEAN_TOKEN"),
        "{stderr}"
    );
}

#[test]
fn data_sources_find_droplets_keys_and_images() {
    let stack = Stack::new(
        Emulator::DigitalOcean,
        &[(
            "main.hcl",
            &format!(
                r#"
resource "digitalocean_ssh_key" "ops" {{
  name       = "ops-lookup"
  public_key = "{key}"
}}

data "digitalocean_ssh_key" "ops" {{
  name = digitalocean_ssh_key.ops.name
}}

data "digitalocean_image" "noble" {{
  slug = "ubuntu-24-04-x64"
}}

data "digitalocean_droplet" "existing" {{
  name = "made-by-hand"
}}

output "fingerprint" {{
  value = data.digitalocean_ssh_key.ops.fingerprint
}}

output "image_id" {{
  value = data.digitalocean_image.noble.id
}}

output "existing_ip" {{
  value = data.digitalocean_droplet.existing.ipv4_address
}}
"#,
                key = LOOKUP_KEY.trim()
            ),
        )],
    );
    let (status, made) = stack.digitalocean(
        "POST",
        "/v2/droplets",
        Some(&json!({"name": "made-by-hand", "region": "nyc2", "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64"})),
    );
    assert_eq!(status, 202);
    wait_active(&stack, &made["droplet"]["id"]);
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let outputs = &stack.state()["outputs"];
    let (_, key) = stack.digitalocean(
        "GET",
        &format!(
            "/v2/account/keys/{}",
            stack.attr("digitalocean_ssh_key.ops", "id")
        ),
        None,
    );
    assert_eq!(
        outputs["fingerprint"]["value"],
        key["ssh_key"]["fingerprint"]
    );
    let (_, image) = stack.digitalocean("GET", "/v2/images/ubuntu-24-04-x64", None);
    assert_eq!(
        outputs["image_id"]["value"],
        image["image"]["id"].to_string()
    );
    let (_, droplet) = stack.digitalocean(
        "GET",
        &format!("/v2/droplets/{}", made["droplet"]["id"]),
        None,
    );
    assert_eq!(
        outputs["existing_ip"]["value"],
        droplet["droplet"]["networks"]["v4"][0]["ip_address"]
    );
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
    stack.digitalocean(
        "DELETE",
        &format!("/v2/droplets/{}", made["droplet"]["id"]),
        None,
    );
}
