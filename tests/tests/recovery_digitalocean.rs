//! Crash safety on DigitalOcean, which has no idempotency tokens: a create whose answer
//! never reached the state (the run was killed, or the answer was lost) is found by what
//! it sent and adopted, never made twice. Checked over plain HTTP against the emulator.
//!
//! A killed run is simulated by applying a stack, then turning its state entries into
//! the journal entries (`pending`) a run killed during those creates leaves behind,
//! with the objects left in the cloud; or, for real, by SIGKILL during a droplet create.

use std::time::{Duration, Instant};

use iac_e2e::{Emulator, Run, Stack, digitalocean_emulator};
use serde_json::{Value, json};

const PUBLIC_KEY: &str = include_str!("e2e_key.pub");

/// Attributes a plan cannot know before the create: the journal records them null.
fn computed(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "digitalocean_droplet" => &[
            "id",
            "urn",
            "status",
            "locked",
            "ipv4_address",
            "ipv4_address_private",
            "ipv6_address",
            "created_at",
            "memory",
            "vcpus",
            "disk",
            "vpc_uuid",
            "private_networking",
        ],
        "digitalocean_tag" => &["id", "total_resource_count", "droplets_count"],
        "digitalocean_ssh_key" => &["id", "fingerprint"],
        "digitalocean_domain" => &["id", "ttl", "urn"],
        "digitalocean_record" => &["id", "fqdn"],
        "digitalocean_firewall" => &["id", "status", "created_at"],
        "digitalocean_reserved_ip" => &["ip_address", "id", "urn"],
        "digitalocean_reserved_ip_assignment" => &["id"],
        other => panic!("no journal shape for {other}"),
    }
}

/// The journal entry a run killed while creating the object recorded by `resource`
/// leaves: its planned values (computed ones null), a token, the time and the run.
fn pending(resource: &Value, n: usize) -> Value {
    let type_name = resource["type"].as_str().unwrap();
    let mut planned = resource["attributes"].clone();
    for name in computed(type_name) {
        if planned.get(*name).is_some() {
            planned[*name] = Value::Null;
        }
    }
    json!({
        "address": resource["address"],
        "type": type_name,
        "provider": resource["provider"],
        "token": format!("{n:032x}"),
        "planned": planned,
        "dependencies": resource.get("dependencies").cloned().unwrap_or(json!([])),
        "started": "2026-12-02T05:00:00Z",
        "run": "killed-run",
    })
}

/// Turns the state entries at `addresses` into journal entries, as if the run that made
/// them had been killed before recording their answers; the objects stay in the cloud.
fn lose_answers(stack: &Stack, addresses: &[&str]) {
    let mut state = stack.state();
    let resources = state["resources"].as_array().unwrap().clone();
    let (lost, kept): (Vec<Value>, Vec<Value>) = resources
        .into_iter()
        .partition(|r| addresses.contains(&r["address"].as_str().unwrap()));
    assert_eq!(lost.len(), addresses.len(), "every address is recorded");
    state["resources"] = Value::Array(kept);
    state["pending"] = Value::Array(
        lost.iter()
            .enumerate()
            .map(|(n, r)| pending(r, n + 1))
            .collect(),
    );
    state["serial"] = json!(state["serial"].as_u64().unwrap() + 1);
    stack.write(
        ".iac/state.json",
        &serde_json::to_string_pretty(&state).unwrap(),
    );
}

/// The id the state records at `address`.
fn id(stack: &Stack, address: &str) -> String {
    stack.attr(address, "id")
}

/// How many objects the account's listing at `path` holds.
fn total(stack: &Stack, path: &str) -> u64 {
    let (status, listed) = stack.digitalocean("GET", path, None);
    assert_eq!(status, 200, "{path}: {listed}");
    listed["meta"]["total"].as_u64().unwrap()
}

/// Stdout and stderr of a run.
fn output(run: &Run) -> String {
    format!("{}\n{}", run.stdout, run.stderr)
}

/// A clean re-plan, and no journal entry left.
fn converged(stack: &Stack) {
    let plan = stack.iac(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "the re-plan is clean: {}", output(&plan));
    assert!(stack.state().get("pending").is_none(), "{}", stack.state());
}

const EVERY_TYPE: &str = r#"
resource "digitalocean_tag" "web" {
  name = "web"
}

resource "digitalocean_ssh_key" "ops" {
  name       = "ops"
  public_key = var.public_key
}

variable "public_key" {
  type = string
}

resource "digitalocean_droplet" "web" {
  name     = "web-1"
  region   = "nyc3"
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  tags     = [digitalocean_tag.web.name]
  ssh_keys = [digitalocean_ssh_key.ops.fingerprint]
}

resource "digitalocean_domain" "site" {
  name = "recovery.example"
}

resource "digitalocean_record" "www" {
  domain = digitalocean_domain.site.id
  type   = "A"
  name   = "www"
  value  = digitalocean_droplet.web.ipv4_address
  ttl    = 300
}

resource "digitalocean_firewall" "web" {
  name = "web"
  tags = [digitalocean_tag.web.name]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "all"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }
}

resource "digitalocean_reserved_ip" "web" {
  region     = "nyc3"
  droplet_id = digitalocean_droplet.web.id
}

resource "digitalocean_reserved_ip" "spare" {
  region = "nyc3"
}
"#;

const ADDRESSES: [&str; 8] = [
    "digitalocean_tag.web",
    "digitalocean_ssh_key.ops",
    "digitalocean_droplet.web",
    "digitalocean_domain.site",
    "digitalocean_record.www",
    "digitalocean_firewall.web",
    "digitalocean_reserved_ip.web",
    "digitalocean_reserved_ip.spare",
];

fn every_type_stack(stack_on: impl FnOnce(&[(&str, &str)]) -> Stack) -> Stack {
    let vars = format!("public_key = \"{}\"\n", PUBLIC_KEY.trim());
    stack_on(&[("main.hcl", EVERY_TYPE), ("e2e.auto.tfvars", &vars)])
}

/// Exactly the stack's objects, each once.
fn one_of_each(stack: &Stack) {
    assert_eq!(total(stack, "/v2/droplets"), 1);
    assert_eq!(total(stack, "/v2/tags"), 1);
    assert_eq!(total(stack, "/v2/account/keys"), 1);
    assert_eq!(total(stack, "/v2/domains"), 1);
    assert_eq!(
        total(
            stack,
            "/v2/domains/recovery.example/records?type=A&name=www.recovery.example"
        ),
        1
    );
    assert_eq!(total(stack, "/v2/firewalls"), 1);
    assert_eq!(total(stack, "/v2/reserved_ips"), 2);
}

#[test]
fn creates_of_every_type_whose_answers_were_lost_are_adopted_not_made_again() {
    let stack = every_type_stack(|files| Stack::new(Emulator::DigitalOcean, files));
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let ids: Vec<String> = ADDRESSES.iter().map(|a| id(&stack, a)).collect();
    lose_answers(&stack, &ADDRESSES);

    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    let text = output(&plan);
    for address in ADDRESSES {
        assert!(
            text.contains(&format!(
                "Adopted {address} that an interrupted apply created"
            )),
            "{address}: {text}"
        );
    }
    assert!(text.contains("No changes"), "nothing is made again: {text}");

    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    one_of_each(&stack);
    for (address, was) in ADDRESSES.iter().zip(&ids) {
        assert_eq!(
            &id(&stack, address),
            was,
            "{address} records the object made"
        );
    }
    converged(&stack);
}

#[test]
fn a_lost_reserved_ip_assignment_is_adopted_not_sent_again() {
    let stack = Stack::new(
        Emulator::DigitalOcean,
        &[(
            "main.hcl",
            r#"
resource "digitalocean_droplet" "api" {
  name   = "api-1"
  region = "nyc3"
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
}

resource "digitalocean_reserved_ip" "api" {
  region = "nyc3"
}

resource "digitalocean_reserved_ip_assignment" "api" {
  ip_address = digitalocean_reserved_ip.api.ip_address
  droplet_id = digitalocean_droplet.api.id
}
"#,
        )],
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let (_, before) = stack.digitalocean("GET", "/v2/actions?per_page=200", None);
    lose_answers(&stack, &["digitalocean_reserved_ip_assignment.api"]);
    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        output(&plan).contains("Adopted digitalocean_reserved_ip_assignment.api"),
        "{}",
        output(&plan)
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let (_, after) = stack.digitalocean("GET", "/v2/actions?per_page=200", None);
    assert_eq!(
        after["meta"]["total"], before["meta"]["total"],
        "no second assign action"
    );
    assert_eq!(total(&stack, "/v2/reserved_ips"), 1);
    converged(&stack);
}

#[test]
fn a_create_that_made_nothing_is_made_once() {
    let stack = every_type_stack(|files| Stack::new(Emulator::DigitalOcean, files));
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    // The droplet's create never reached DigitalOcean: the journal names it, the cloud
    // does not hold it.
    let droplet = id(&stack, "digitalocean_droplet.web");
    lose_answers(&stack, &["digitalocean_droplet.web"]);
    let (status, _) = stack.digitalocean("DELETE", &format!("/v2/droplets/{droplet}"), None);
    assert_eq!(status, 204);
    let deadline = Instant::now() + Duration::from_secs(20);
    while total(&stack, "/v2/droplets") > 0 {
        assert!(Instant::now() < deadline, "the droplet is destroyed");
        std::thread::sleep(Duration::from_millis(200));
    }
    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(
        output(&plan).contains("digitalocean_droplet.web will be created"),
        "{}",
        output(&plan)
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    one_of_each(&stack);
    converged(&stack);
}

/// A droplet create as the provider sends it, over plain HTTP; its id.
fn create_droplet(stack: &Stack, name: &str) -> u64 {
    let body = json!({
        "name": name, "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64",
        "ssh_keys": [], "backups": false, "monitoring": false, "ipv6": false, "tags": ["web"],
    });
    let (status, made) = stack.digitalocean("POST", "/v2/droplets", Some(&body));
    assert_eq!(status, 202, "{made}");
    made["droplet"]["id"].as_u64().unwrap()
}

const ONE_DROPLET: &str = r#"
resource "digitalocean_droplet" "web" {
  name   = "web-1"
  region = "nyc3"
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["web"]
}
"#;

/// A state holding only the journal entry of `digitalocean_droplet.web`'s create.
fn journal_of_one_droplet(stack: &Stack) {
    let planned = json!({
        "name": "web-1", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64",
        "tags": ["web"], "backups": false, "monitoring": false, "ipv6": false,
        "graceful_shutdown": false, "resize_disk": true, "backup_policy": [],
    });
    let state = json!({
        "version": 1,
        "lineage": "5b3c1ef0-0000-4000-8000-00000000d0d0",
        "serial": 1,
        "resources": [],
        "pending": [{
            "address": "digitalocean_droplet.web",
            "type": "digitalocean_droplet",
            "provider": "provider[\"digitalocean\"]",
            "token": "0123456789abcdef0123456789abcdef",
            "planned": planned,
            "started": "2026-12-02T05:00:00Z",
            "run": "killed-run",
        }],
    });
    stack.write(
        ".iac/state.json",
        &serde_json::to_string_pretty(&state).unwrap(),
    );
}

#[test]
fn a_droplet_still_being_built_is_adopted_once_active() {
    let emulator = digitalocean_emulator(&["--action-delay-ms", "4000"]);
    let stack = Stack::on(&emulator, &[("main.hcl", ONE_DROPLET)]);
    let droplet = create_droplet(&stack, "web-1");
    journal_of_one_droplet(&stack);
    let (_, building) = stack.digitalocean("GET", &format!("/v2/droplets/{droplet}"), None);
    assert_eq!(building["droplet"]["status"], "new");

    let applied = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(
        output(&applied).contains("Adopted digitalocean_droplet.web"),
        "{}",
        output(&applied)
    );
    assert!(applied.stdout.contains("0 added"), "{}", applied.stdout);
    assert_eq!(total(&stack, "/v2/droplets"), 1);
    assert_eq!(id(&stack, "digitalocean_droplet.web"), droplet.to_string());
    assert_eq!(stack.attr("digitalocean_droplet.web", "status"), "active");
    let entry = &stack.state()["resources"][0];
    assert!(entry.get("status").is_none(), "recorded ready: {entry}");
    converged(&stack);
}

#[test]
fn a_droplet_whose_create_action_errored_is_adopted_tainted_and_replaced() {
    let stack = Stack::new(Emulator::DigitalOcean, &[("main.hcl", ONE_DROPLET)]);
    let (status, _) = stack.digitalocean(
        "POST",
        "/emulator/fail-next-action",
        Some(&json!({"type": "create"})),
    );
    assert_eq!(status, 204);
    let broken = create_droplet(&stack, "web-1");
    journal_of_one_droplet(&stack);

    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    let text = output(&plan);
    assert!(text.contains("recorded it as tainted"), "{text}");
    assert!(text.contains("must be replaced"), "{text}");
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let replaced = id(&stack, "digitalocean_droplet.web");
    assert_ne!(replaced, broken.to_string());
    let deadline = Instant::now() + Duration::from_secs(20);
    while total(&stack, "/v2/droplets") > 1 {
        assert!(Instant::now() < deadline, "the broken droplet is destroyed");
        std::thread::sleep(Duration::from_millis(200));
    }
    converged(&stack);
}

#[test]
fn creates_whose_answers_are_lost_in_flight_are_looked_for_not_sent_again() {
    let stack = every_type_stack(|files| Stack::new(Emulator::DigitalOcean, files));
    // Every create's answer is lost once: DigitalOcean carries it out and answers 500.
    for path in [
        "/v2/droplets",
        "/v2/tags",
        "/v2/account/keys",
        "/v2/domains",
        "/v2/domains/recovery.example/records",
        "/v2/firewalls",
        "/v2/reserved_ips",
    ] {
        let lose = json!({"method": "POST", "path": path, "status": 500});
        let (status, _) = stack.digitalocean("POST", "/emulator/lose-next-answer", Some(&lose));
        assert_eq!(status, 204);
    }
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    one_of_each(&stack);
    converged(&stack);
}

#[test]
fn an_apply_killed_while_a_droplet_is_created_is_finished_by_the_next_with_one_droplet() {
    let emulator = digitalocean_emulator(&["--action-delay-ms", "3000"]);
    let stack = Stack::on(&emulator, &[("main.hcl", ONE_DROPLET)]);
    let mut apply = stack.spawn_iac(&["apply", "-auto-approve", "-no-color"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while total(&stack, "/v2/droplets?name=web-1") == 0 {
        assert!(Instant::now() < deadline, "the create was sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    apply.kill().expect("SIGKILL");
    apply.wait().expect("reaped");
    let state = stack.state();
    assert_eq!(
        state["pending"][0]["address"], "digitalocean_droplet.web",
        "the create is journaled: {state}"
    );
    // No force-unlock: the killed run's lock is taken over.
    let again = stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert!(
        again.stderr.contains("Took over a stale state lock")
            || again.stdout.contains("Took over a stale state lock"),
        "{}{}",
        again.stdout,
        again.stderr
    );
    assert_eq!(total(&stack, "/v2/droplets"), 1, "no second droplet");
    let (_, listed) = stack.digitalocean("GET", "/v2/droplets?name=web-1", None);
    assert_eq!(
        id(&stack, "digitalocean_droplet.web"),
        listed["droplets"][0]["id"].to_string()
    );
    converged(&stack);
}

#[test]
fn a_namesake_another_address_records_is_not_adopted() {
    let stack = Stack::new(
        Emulator::DigitalOcean,
        &[(
            "main.hcl",
            r#"
# Two droplets of one name, and two firewalls of one name with different rules: what
# another address records is set aside, and the rules tell the firewalls apart.
resource "digitalocean_droplet" "web" {
  count  = 2
  name   = "web"
  region = "nyc3"
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
}

resource "digitalocean_firewall" "web" {
  for_each = toset(["80", "443"])
  name     = "web"

  inbound_rule {
    protocol         = "tcp"
    port_range       = each.key
    source_addresses = ["0.0.0.0/0"]
  }
}
"#,
        )],
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let droplet = id(&stack, "digitalocean_droplet.web[1]");
    let firewall = id(&stack, "digitalocean_firewall.web[\"443\"]");
    lose_answers(
        &stack,
        &[
            "digitalocean_droplet.web[1]",
            "digitalocean_firewall.web[\"443\"]",
        ],
    );
    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert!(output(&plan).contains("No changes"), "{}", output(&plan));
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    assert_eq!(id(&stack, "digitalocean_droplet.web[1]"), droplet);
    assert_eq!(id(&stack, "digitalocean_firewall.web[\"443\"]"), firewall);
    assert_eq!(total(&stack, "/v2/droplets"), 2);
    assert_eq!(total(&stack, "/v2/firewalls"), 2);
    converged(&stack);
}
