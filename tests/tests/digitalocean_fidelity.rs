//! DigitalOcean as it really behaves, end to end: image slugs that move to newer images,
//! DNS host names that come back without their trailing dot, droplets adopted with
//! values only the configuration holds, resizing a droplet that is off, and what
//! DigitalOcean refuses, found before the apply where the configuration shows it. Each
//! runs the built `iac` against `do-emulator` (which behaves so) and checks over HTTP.

use iac_e2e::{Emulator, Stack, example_stack};
use serde_json::{Value, json};

/// A public key of its own for each caller: DigitalOcean refuses one key twice in an
/// account, and the tests of this file share one.
fn public_key(label: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut blob = b"\0\0\0\x0bssh-ed25519\0\0\0\x20".to_vec();
    blob.extend(format!("{label:-<32}").bytes().take(32));
    let mut text = String::new();
    for chunk in blob.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                text.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                text.push('=');
            }
        }
    }
    format!("ssh-ed25519 {text} {label}@e2e")
}

/// Moves a slug to a newer image, as DigitalOcean does over time.
fn supersede(stack: &Stack, slug: &str) {
    let (status, moved) =
        stack.digitalocean("POST", &format!("/emulator/images/{slug}/successor"), None);
    assert_eq!(status, 201, "{moved}");
}

fn droplet(stack: &Stack, id: &str) -> Value {
    let (status, d) = stack.digitalocean("GET", &format!("/v2/droplets/{id}"), None);
    assert_eq!(status, 200, "{d}");
    d["droplet"].clone()
}

/// Polls the emulator until a droplet is active.
fn wait_active(stack: &Stack, id: &Value) {
    for _ in 0..100 {
        if droplet(stack, &id.to_string())["status"] == "active" {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("droplet {id} did not become active");
}

/// The actions `plan -json` plans for each resource instance, by address.
fn planned_actions(stack: &Stack, vars: &[&str]) -> Vec<(String, Value)> {
    let run = stack
        .iac_with_vars(&["plan", "-json", "-no-color"], vars)
        .expect(0);
    let plan: Value = serde_json::from_str(&run.stdout).expect("plan -json is JSON");
    plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["change"]["actions"].clone(),
            )
        })
        .collect()
}

const BY_SLUG: &str = r#"
variable "image" {
  default = "ubuntu-20-04-x64"
}

resource "digitalocean_droplet" "app" {
  name   = "slug-app"
  region = "nyc3"
  size   = "s-1vcpu-1gb"
  image  = var.image
}
"#;

#[test]
fn a_droplet_is_not_replaced_when_its_image_slug_moves_but_is_when_its_image_changes() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.tf", BY_SLUG)]);
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let id = stack.attr("digitalocean_droplet.app", "id");
    let made_from = droplet(&stack, &id)["image"]["id"].clone();

    supersede(&stack, "ubuntu-20-04-x64");
    let now = droplet(&stack, &id);
    assert_eq!(now["image"]["id"], made_from);
    assert_eq!(now["image"]["slug"], Value::Null, "the slug moved away");
    let plan = stack.iac(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    assert_eq!(
        stack.attr("digitalocean_droplet.app", "image"),
        "ubuntu-20-04-x64"
    );

    let plan = stack
        .iac_with_vars(&["plan", "-no-color"], &["image=debian-12-x64"])
        .expect(0);
    assert!(
        plan.stdout
            .contains("# digitalocean_droplet.app must be replaced")
            && plan.stdout.contains("# forces replacement"),
        "{}",
        plan.stdout
    );
    stack
        .iac_with_vars(
            &["apply", "-auto-approve", "-no-color"],
            &["image=debian-12-x64"],
        )
        .expect(0);
    let rebuilt = stack.attr("digitalocean_droplet.app", "id");
    assert_ne!(rebuilt, id);
    assert_eq!(droplet(&stack, &rebuilt)["image"]["slug"], "debian-12-x64");
    stack
        .iac_with_vars(
            &["destroy", "-auto-approve", "-no-color"],
            &["image=debian-12-x64"],
        )
        .expect(0);
}

const RECORDS: &str = r#"
resource "digitalocean_domain" "default" {
  name = "fidelity-records.example.com"
}

# Terraform's documentation example.
resource "digitalocean_record" "mx" {
  domain   = digitalocean_domain.default.id
  type     = "MX"
  name     = "@"
  priority = 10
  value    = "mail.example.com."
}

resource "digitalocean_record" "docs" {
  domain = digitalocean_domain.default.id
  type   = "CNAME"
  name   = "docs"
  value  = "readthedocs.io."
}
"#;

#[test]
fn dns_host_names_plan_no_change_after_digitalocean_drops_their_dot() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.tf", RECORDS)]);
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let domain = "fidelity-records.example.com";
    for (address, data) in [
        ("digitalocean_record.mx", "mail.example.com"),
        ("digitalocean_record.docs", "readthedocs.io"),
    ] {
        let id = stack.attr(address, "id");
        let (_, got) =
            stack.digitalocean("GET", &format!("/v2/domains/{domain}/records/{id}"), None);
        assert_eq!(got["domain_record"]["data"], data, "stored without the dot");
        assert_eq!(stack.attr(address, "value"), format!("{data}."));
    }
    let plan = stack.iac(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);

    // A host name without its dot is what DigitalOcean refuses: found before the apply.
    stack.write(
        "main.tf",
        &RECORDS.replace("\"readthedocs.io.\"", "\"readthedocs.io\""),
    );
    for command in ["validate", "plan"] {
        let run = stack.iac(&[command, "-no-color"]).expect(1);
        assert!(
            run.stderr
                .contains("Invalid digitalocean_record configuration")
                && run.stderr.contains("main.tf:19:12")
                && run.stderr.contains("value  = \"readthedocs.io\"")
                && run.stderr.contains("\"readthedocs.io.\""),
            "{command}: {}",
            run.stderr
        );
    }
    stack.write("main.tf", RECORDS);
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
}

#[test]
fn an_adopted_droplet_takes_ssh_keys_and_user_data_from_the_configuration() {
    let key = public_key("adopted");
    let files = format!(
        r##"
variable "user_data" {{
  default = "#cloud-config\npackages: [nginx]\n"
}}

resource "digitalocean_ssh_key" "ops" {{
  name       = "ops-adopted"
  public_key = "{key}"
}}

resource "digitalocean_droplet" "legacy" {{
  name      = "adopted-web"
  region    = "sgp1"
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-22-04-x64"
  ssh_keys  = [digitalocean_ssh_key.ops.fingerprint]
  user_data = var.user_data
}}
"##
    );
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.tf", &files)]);
    let (status, made_key) = stack.digitalocean(
        "POST",
        "/v2/account/keys",
        Some(&json!({"name": "ops-adopted", "public_key": key})),
    );
    assert_eq!(status, 201, "{made_key}");
    let fingerprint = made_key["ssh_key"]["fingerprint"].clone();
    let (status, made) = stack.digitalocean(
        "POST",
        "/v2/droplets",
        Some(&json!({
            "name": "adopted-web", "region": "sgp1", "size": "s-1vcpu-1gb",
            "image": "ubuntu-22-04-x64", "ssh_keys": [fingerprint],
            "user_data": "#cloud-config\npackages: [nginx]\n",
        })),
    );
    assert_eq!(status, 202, "{made}");
    let id = made["droplet"]["id"].clone();
    wait_active(&stack, &id);
    let key_id = made_key["ssh_key"]["id"].to_string();
    stack
        .iac(&["import", "-no-color", "digitalocean_ssh_key.ops", &key_id])
        .expect(0);
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
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let state = stack.state();
    let recorded = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "digitalocean_droplet.legacy")
        .unwrap()["attributes"]
        .clone();
    assert_eq!(recorded["ssh_keys"], json!([fingerprint]));
    let user_data = recorded["user_data"].as_str().unwrap();
    assert!(
        user_data.len() == 40 && !user_data.contains("nginx"),
        "recorded as its digest, as for a droplet made by iac: {user_data}"
    );

    // A real change of what only the configuration holds replaces the droplet, as in
    // Terraform (both are ForceNew).
    let plan = stack
        .iac_with_vars(&["plan", "-no-color"], &["user_data=#cloud-config\n"])
        .expect(0);
    assert!(
        plan.stdout
            .contains("# digitalocean_droplet.legacy must be replaced")
            && plan.stdout.contains("user_data"),
        "{}",
        plan.stdout
    );
    let other = files.replace(
        "ssh_keys  = [digitalocean_ssh_key.ops.fingerprint]",
        "ssh_keys  = []",
    );
    stack.write("main.tf", &other);
    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        plan.stdout
            .contains("# digitalocean_droplet.legacy must be replaced")
            && plan.stdout.contains("ssh_keys"),
        "{}",
        plan.stdout
    );
    stack.write("main.tf", &files);
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
}

const STOPPED: &str = r#"
variable "size" {
  default = "s-1vcpu-1gb"
}

resource "digitalocean_droplet" "batch" {
  name   = "stopped-batch"
  region = "fra1"
  size   = var.size
  image  = "debian-12-x64"
}
"#;

#[test]
fn a_droplet_that_is_off_is_resized_and_left_off() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.tf", STOPPED)]);
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let id = stack.attr("digitalocean_droplet.batch", "id");
    let (status, off) = stack.digitalocean(
        "POST",
        &format!("/v2/droplets/{id}/actions"),
        Some(&json!({"type": "power_off"})),
    );
    assert_eq!(status, 201, "{off}");
    for _ in 0..100 {
        if droplet(&stack, &id)["status"] == "off" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    stack
        .iac_with_vars(
            &["apply", "-auto-approve", "-no-color"],
            &["size=s-2vcpu-4gb"],
        )
        .expect(0);
    let now = droplet(&stack, &id);
    assert_eq!(now["size_slug"], "s-2vcpu-4gb");
    assert_eq!(now["status"], "off", "a droplet that was off stays off");
    stack
        .iac_with_vars(
            &["destroy", "-auto-approve", "-no-color"],
            &["size=s-2vcpu-4gb"],
        )
        .expect(0);
}

#[test]
fn what_digitalocean_refuses_in_a_firewall_is_found_before_the_apply() {
    let stack = Stack::new(
        Emulator::DigitalOcean,
        &[(
            "main.tf",
            r#"
resource "digitalocean_firewall" "web" {
  name = "web_fw"

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = ["0.0.0.0/0"]
  }

  inbound_rule {
    protocol         = "udp"
    source_addresses = ["0.0.0.0/0"]
  }
}

resource "digitalocean_firewall" "empty" {
  name = "empty"
}
"#,
        )],
    );
    for command in ["validate", "plan"] {
        let run = stack.iac(&[command, "-no-color"]).expect(1);
        let err = &run.stderr;
        for expected in [
            // The name, at its value.
            "main.tf:3:10",
            "\"web_fw\" is not a valid firewall name",
            // The rule without ports, at its block.
            "main.tf:11:3",
            "a udp rule needs a port_range",
            // No rule at all, at the resource.
            "main.tf:17:1",
            "at least one inbound_rule or outbound_rule must be given",
        ] {
            assert!(err.contains(expected), "{command}: {expected}\n{err}");
        }
        assert!(err.contains("  name = \"web_fw\""), "{err}");
    }
}

#[test]
fn what_only_digitalocean_knows_is_refused_with_its_message() {
    let stack = Stack::new(
        Emulator::DigitalOcean,
        &[(
            "main.tf",
            r#"
resource "digitalocean_firewall" "web" {
  name = "web"
  tags = ["no-such-tag"]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0"]
  }
}

resource "digitalocean_droplet" "nowhere" {
  name   = "nowhere"
  region = "mars1"
  size   = "s-1vcpu-1gb"
  image  = "debian-12-x64"
}
"#,
        )],
    );
    stack.iac(&["validate", "-no-color"]).expect(0);
    let run = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(1);
    for expected in [
        "digitalocean_firewall.web: creating failed in POST /v2/firewalls",
        "422 unprocessable_entity: tag \"no-such-tag\" does not exist",
        "digitalocean_droplet.nowhere: creating failed in POST /v2/droplets",
        "422 unprocessable_entity: You specified an invalid region",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}

const TWO_IPS: &str = r#"
resource "digitalocean_droplet" "gateway" {
  name   = "two-ips"
  region = "nyc1"
  size   = "s-1vcpu-1gb"
  image  = "debian-12-x64"
}

resource "digitalocean_reserved_ip" "first" {
  region     = "nyc1"
  droplet_id = digitalocean_droplet.gateway.id
}

resource "digitalocean_reserved_ip" "second" {
  region     = "nyc1"
  droplet_id = digitalocean_droplet.gateway.id
  depends_on = [digitalocean_reserved_ip.first]
}
"#;

#[test]
fn a_second_reserved_ip_on_one_droplet_is_refused() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.tf", TWO_IPS)]);
    let run = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(1);
    assert!(
        run.stderr
            .contains("422 unprocessable_entity: The Droplet already has a reserved IP"),
        "{}",
        run.stderr
    );
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
}

/// The Insync stack's tests share its domains: one at a time.
static INSYNC: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The Insync stack (on the emulator, its buckets on moto) with an admin key of its own
/// and the settings of the team's droplets that the notes do not give, as the team
/// would set them when adopting its servers.
fn insync(label: &str) -> Stack {
    example_stack(
        Emulator::DigitalOcean,
        "insync",
        &format!(
            "ssh_public_keys = {{ ops = \"{}\" }}\n\
             package_repos_bucket = \"{}\"\n\
             regions = {{ \"radar-2\" = \"sgp1\" }}\n\
             size_overrides = {{ ct1 = \"s-1vcpu-2gb\", db = \"s-4vcpu-8gb\" }}\n\
             backups = [\"db\"]\n\
             monitoring = [\"ct1\", \"db\", \"radar-2\"]\n",
            public_key(label),
            iac_e2e::unique(label),
        ),
    )
    .with_aws(Emulator::Moto)
}

/// The bucket of db dumps that S3 no longer lets anyone create (its name has an
/// underscore): made directly in moto if this run has not yet, then imported.
async fn adopt_db_backups(stack: &Stack) {
    let s3 = stack.s3_in("us-east-1");
    if s3.head_bucket().bucket(DB_BACKUPS).send().await.is_err() {
        s3.create_bucket().bucket(DB_BACKUPS).send().await.unwrap();
    }
    stack
        .iac(&[
            "import",
            "-no-color",
            "aws_s3_bucket.db_backups",
            DB_BACKUPS,
        ])
        .expect(0);
}

/// Destroys what the stack made, leaving the adopted bucket of dumps in place.
fn destroy_keeping_db_backups(stack: &Stack) {
    stack
        .iac(&["state", "rm", "aws_s3_bucket.db_backups"])
        .expect(0);
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
}

const DB_BACKUPS: &str = "insync_db_backups";

/// The droplets the stack's state records: address and id.
fn recorded_droplets(stack: &Stack) -> Vec<(String, String)> {
    stack.state()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "digitalocean_droplet")
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                r["attributes"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_insync_droplets_plan_no_change_after_their_image_slugs_move() {
    let _one = INSYNC.lock().await;
    let stack = insync("insync-slugs");
    adopt_db_backups(&stack).await;
    stack
        .iac(&["apply", "-auto-approve", "-no-color", "-parallelism", "20"])
        .expect(0);
    let droplets = recorded_droplets(&stack);
    assert_eq!(droplets.len(), 21);
    let mut slugs: Vec<String> = droplets
        .iter()
        .map(|(address, _)| stack.attr(address, "image"))
        .collect();
    slugs.sort();
    slugs.dedup();
    for slug in &slugs {
        supersede(&stack, slug);
    }
    for (address, id) in &droplets {
        assert_eq!(
            droplet(&stack, id)["image"]["slug"],
            Value::Null,
            "{address} now runs an image without a slug"
        );
    }
    let plan = stack.iac(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    destroy_keeping_db_backups(&stack);
}

/// The droplets the stack would make, as `plan -json` shows them: address and planned
/// values (name, region, size, image, tags, backups, monitoring).
fn planned_droplets(stack: &Stack) -> Vec<(String, Value)> {
    let run = stack.iac(&["plan", "-json", "-no-color"]).expect(0);
    let plan: Value = serde_json::from_str(&run.stdout).expect("plan -json is JSON");
    plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "digitalocean_droplet")
        .map(|c| {
            assert_eq!(c["change"]["actions"], json!(["create"]));
            (
                c["address"].as_str().unwrap().to_string(),
                c["change"]["after"].clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_insync_droplets_running_by_hand_are_adopted_without_change() {
    let _one = INSYNC.lock().await;
    let key = public_key("insync-adopt");
    let stack = insync("insync-adopt");
    // The team's 21 servers, made by hand over the API with the settings the stack
    // gives them, and their key.
    let planned = planned_droplets(&stack);
    assert_eq!(planned.len(), 21);
    let (status, made_key) = stack.digitalocean(
        "POST",
        "/v2/account/keys",
        Some(&json!({"name": "ops", "public_key": key})),
    );
    assert_eq!(status, 201, "{made_key}");
    let mut imports = vec![(
        "digitalocean_ssh_key.admin[\"ops\"]".to_string(),
        made_key["ssh_key"]["id"].to_string(),
    )];
    let mut tags: Vec<String> = Vec::new();
    for (address, d) in &planned {
        let droplet_tags = d["tags"].as_array().expect("tags are known at plan");
        let (status, made) = stack.digitalocean(
            "POST",
            "/v2/droplets",
            Some(&json!({
                "name": d["name"], "region": d["region"], "size": d["size"],
                "image": d["image"], "tags": droplet_tags, "backups": d["backups"],
                "monitoring": d["monitoring"],
                "ssh_keys": [made_key["ssh_key"]["fingerprint"]],
            })),
        );
        assert_eq!(status, 202, "{made}");
        imports.push((address.clone(), made["droplet"]["id"].to_string()));
        tags.extend(droplet_tags.iter().map(|t| t.as_str().unwrap().to_string()));
    }
    for (_, id) in &imports[1..] {
        wait_active(&stack, &id.parse::<u64>().unwrap().into());
    }
    tags.sort();
    tags.dedup();
    for tag in tags {
        let address = match tag.as_str() {
            "internal" => "digitalocean_tag.internal".to_string(),
            "public-web" => "digitalocean_tag.public_web".to_string(),
            "email" => "digitalocean_tag.email".to_string(),
            role => format!("digitalocean_tag.role[\"{role}\"]"),
        };
        imports.push((address, tag));
    }
    // Made years ago: their image slugs have moved on since.
    let mut slugs: Vec<&str> = planned
        .iter()
        .map(|(_, d)| d["image"].as_str().unwrap())
        .collect();
    slugs.sort();
    slugs.dedup();
    for slug in slugs {
        supersede(&stack, slug);
    }
    for (address, id) in &imports {
        stack.iac(&["import", "-no-color", address, id]).expect(0);
    }
    let actions = planned_actions(&stack, &[]);
    for (address, _) in &imports {
        let (_, planned) = actions
            .iter()
            .find(|(a, _)| a == address)
            .unwrap_or_else(|| panic!("{address} is in the plan"));
        assert_eq!(planned, &json!(["no-op"]), "{address}");
    }
    stack
        .iac(&["destroy", "-auto-approve", "-no-color"])
        .expect(0);
}
