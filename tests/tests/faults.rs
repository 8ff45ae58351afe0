//! The seed stacks applied through the fault-injecting proxy (`iac_e2e::fault_proxy`)
//! in front of moto and the DigitalOcean emulator: server errors, throttling in each
//! service's own format, connection resets and lost responses. The apply may need
//! re-running only where a fault was final (the retries ran out); then the cloud must
//! hold exactly the stack's objects (nothing duplicated, nothing lost, every one in the
//! state) and a re-plan must be clean. The proxy's counters show each kind of fault
//! really happened.

use iac_e2e::inventory::Inventory;
use iac_e2e::seeds::{MOTO, Seed, Trial};
use iac_e2e::{Emulator, Fault, FaultProxy, Faults};

/// How many applies a stack may need through the faults.
const ATTEMPTS: usize = 5;

/// Lost responses: a tenth of the mutating requests.
const LOST: f64 = 0.10;

/// A clean apply of `seed` without faults: what the cloud then holds.
async fn expected(seed: Seed) -> Inventory {
    let trial = seed.fresh();
    trial
        .stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    seed.inventory(&trial).await
}

/// Applies `trial` until an apply succeeds (at most [`ATTEMPTS`]), then checks the
/// cloud against `expected` and the state, with the faults off for the checks.
async fn converges(seed: Seed, trial: &Trial, proxies: &[&FaultProxy], expected: &Inventory) {
    let mut failures = Vec::new();
    for _ in 0..ATTEMPTS {
        let run = trial.stack.iac(&["apply", "-auto-approve", "-no-color"]);
        if run.code == 0 {
            break;
        }
        failures.push(
            run.stderr
                .lines()
                .filter(|l| l.contains("Error") || l.contains("error"))
                .take(3)
                .collect::<Vec<_>>()
                .join(" | "),
        );
    }
    for proxy in proxies {
        proxy.inject(false);
    }
    let summary: Vec<String> = proxies.iter().map(|p| p.summary()).collect();
    let lost: Vec<String> = proxies.iter().flat_map(|p| p.lost_responses()).collect();
    eprintln!(
        "{seed:?}: {} failed applies before convergence: {failures:#?}\nfaults:\n{}\nlost responses: {lost:?}",
        failures.len(),
        summary.join("\n")
    );
    assert!(
        failures.len() < ATTEMPTS,
        "{seed:?} did not converge in {ATTEMPTS} applies: {failures:#?}\n{}",
        summary.join("\n")
    );
    let found = seed.inventory(trial).await;
    let findings = found.compare(expected, &trial.stack.state());
    assert!(
        findings.is_clean(),
        "{seed:?} through the faults: {findings}\nlost responses: {lost:?}\n{}",
        summary.join("\n")
    );
    let plan = trial
        .stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(plan.code, 0, "{seed:?}: {}\n{}", plan.stdout, plan.stderr);
}

fn assert_every_fault(proxies: &[&FaultProxy]) {
    for fault in Fault::ALL {
        let n: u64 = proxies.iter().map(|p| p.injected(fault)).sum();
        assert!(n > 0, "no {fault:?} was injected");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn web_monitoring_converges_through_faults_on_moto() {
    let _moto = MOTO.lock().await;
    let seed = Seed::WebMonitoring;
    let expected = expected(seed).await;
    let aws = FaultProxy::start(&Emulator::Moto.running().endpoint, Faults::issue(7, LOST));
    let trial = seed.fresh().through(&aws);
    converges(seed, &trial, &[&aws], &expected).await;
    assert_every_fault(&[&aws]);
    for service in ["ec2", "rds"] {
        assert!(
            aws.injected_for(Fault::Throttle, service)
                + aws.injected_for(Fault::ServerError, service)
                > 0,
            "{service} met no error"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn insync_converges_through_faults_on_digitalocean() {
    let _moto = MOTO.lock().await;
    let seed = Seed::Insync;
    let expected = expected(seed).await;
    let trial = seed.fresh();
    let digitalocean = FaultProxy::start(
        trial
            .digitalocean_endpoint()
            .expect("insync has its own emulator"),
        Faults::issue(7, LOST),
    );
    let aws = FaultProxy::start(&Emulator::Moto.running().endpoint, Faults::issue(7, LOST));
    let trial = trial.through(&digitalocean).through(&aws);
    converges(seed, &trial, &[&digitalocean, &aws], &expected).await;
    assert_every_fault(&[&digitalocean]);
    assert!(
        digitalocean.injected_for(Fault::Throttle, "digitalocean") > 0,
        "DigitalOcean's 429 was met"
    );
}

/// Only `fault`, on every request it may take.
fn always(fault: Fault) -> Faults {
    let rate = |f: Fault| if f == fault { 1.0 } else { 0.0 };
    Faults {
        seed: 1,
        server_error: rate(Fault::ServerError),
        throttle: rate(Fault::Throttle),
        reset: rate(Fault::Reset),
        lost_response: rate(Fault::LostResponse),
    }
}

/// An SDK configuration whose calls go through `proxy`, trying each call once.
fn through(proxy: &FaultProxy) -> aws_config::SdkConfig {
    let creds = aws_sdk_s3::config::Credentials::new("123456789012", "test", None, None, "e2e");
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .credentials_provider(aws_sdk_s3::config::SharedCredentialsProvider::new(creds))
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .endpoint_url(&proxy.endpoint)
        .build()
}

/// The proxy's throttling is what each service answers, as the SDK reads it: EC2's
/// `RequestLimitExceeded`, RDS's `Throttling`, S3's `SlowDown`, DigitalOcean's 429 with
/// `retry-after`; a reset is an answerless connection; a lost response is a write done.
#[tokio::test(flavor = "multi_thread")]
async fn the_proxy_speaks_each_services_error_format() {
    use aws_sdk_ec2::error::ProvideErrorMetadata;
    let moto = &Emulator::Moto.running().endpoint;
    let throttled = FaultProxy::start(moto, always(Fault::Throttle));
    let sdk = through(&throttled);
    let ec2 = aws_sdk_ec2::Client::new(&sdk).describe_vpcs().send().await;
    assert_eq!(ec2.unwrap_err().code(), Some("RequestLimitExceeded"));
    let rds = aws_sdk_rds::Client::new(&sdk)
        .describe_db_instances()
        .send()
        .await;
    assert_eq!(rds.unwrap_err().code(), Some("Throttling"));
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    )
    .list_buckets()
    .send()
    .await;
    assert_eq!(s3.unwrap_err().code(), Some("SlowDown"));
    assert_eq!(throttled.injected_for(Fault::Throttle, "ec2"), 1);
    assert_eq!(throttled.injected_for(Fault::Throttle, "rds"), 1);
    assert_eq!(throttled.injected_for(Fault::Throttle, "s3"), 1);
    assert_eq!(throttled.forwarded(), 0);

    let digitalocean = iac_e2e::digitalocean_emulator(&[]);
    let curl = |proxy: &FaultProxy, args: &[&str]| {
        std::process::Command::new("curl")
            .args(["-s", "-i", "-H", "Authorization: Bearer dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "-H", "Content-Type: application/json"])
            .args(args)
            .arg(format!("{}/v2/tags", proxy.endpoint))
            .output()
            .unwrap()
    };
    let throttled = FaultProxy::start(&digitalocean.endpoint, always(Fault::Throttle));
    let answer = String::from_utf8_lossy(&curl(&throttled, &[]).stdout).to_lowercase();
    assert!(
        answer.starts_with("http/1.1 429")
            && answer.contains("retry-after: 1")
            && answer.contains("too_many_requests"),
        "{answer}"
    );

    let reset = FaultProxy::start(&digitalocean.endpoint, always(Fault::Reset));
    let out = curl(&reset, &[]);
    assert!(out.stdout.is_empty() && !out.status.success(), "no answer");
    assert_eq!(reset.injected(Fault::Reset), 1);
    assert_eq!(reset.forwarded(), 0);

    let lost = FaultProxy::start(&digitalocean.endpoint, always(Fault::LostResponse));
    let read = curl(&lost, &[]);
    assert!(read.status.success(), "reads are never lost");
    let write = curl(&lost, &["-X", "POST", "-d", r#"{"name":"lost"}"#]);
    assert!(
        write.stdout.is_empty() && !write.status.success(),
        "no answer"
    );
    assert_eq!(lost.lost_responses(), ["digitalocean POST /v2/tags"]);
    lost.inject(false);
    let listed = String::from_utf8_lossy(&curl(&lost, &[]).stdout).into_owned();
    assert!(
        listed.contains(r#""name":"lost""#),
        "the write was done: {listed}"
    );
}
