//! The end-to-end test harness: emulators on free ports, throwaway stacks, the built
//! `iac` binary, and an independent AWS client to check what it did; for crash safety,
//! a fault-injecting proxy (`fault_proxy`), the seed stacks on clean clouds (`seeds`)
//! and what they left in the cloud (`inventory`); the AWS provider's listings called
//! in process (`listing`).
//!
//! The emulators come from `localstack/install.sh`; each test binary starts its own
//! (killed when it exits, by `localstack/supervise.sh`).

pub mod ec2;
pub mod fault_proxy;
pub mod handmade;
pub mod inventory;
pub mod journal;
pub mod listing;
pub mod route53;
pub mod s3;
pub mod seeds;

pub use fault_proxy::{Fault, FaultProxy, Faults};

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Which AWS emulator a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emulator {
    LocalStack,
    Moto,
    /// This workspace's DigitalOcean API emulator (`do-emulator`).
    DigitalOcean,
}

/// A running emulator.
pub struct Running {
    pub endpoint: String,
    /// The supervisor that stops the emulator when this process exits.
    _supervisor: std::process::Child,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository")
        .to_path_buf()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("bound")
        .port()
}

fn wait_healthy(url: &str, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Ok(out) = Command::new("curl")
            .args(["-sf", "-o", "/dev/null", url])
            .output()
            && out.status.success()
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let tail = std::fs::read_to_string(log).unwrap_or_default();
    panic!(
        "{what} did not become healthy at {url}. Did `localstack/install.sh` run? Its log:\n{tail}"
    );
}

fn start(program: &Path, args: &[String], health: &str, what: &str) -> Running {
    let root = repo_root();
    let log = std::env::temp_dir().join(format!("iac-e2e-{what}-{}.log", std::process::id()));
    let file = std::fs::File::create(&log).expect("log file");
    let supervisor = Command::new(root.join("localstack/supervise.sh"))
        .arg(std::process::id().to_string())
        .arg(program)
        .args(args)
        .stdout(file.try_clone().expect("log"))
        .stderr(file)
        .stdin(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {what}: {e}"));
    wait_healthy(health, what, &log);
    let base = health
        .split("/_")
        .next()
        .unwrap_or(health)
        .trim_end_matches("/moto-api/")
        .trim_end_matches("/emulator/health")
        .to_string();
    Running {
        endpoint: base,
        _supervisor: supervisor,
    }
}

impl Emulator {
    /// The emulator for this test binary, started on first use.
    pub fn running(self) -> &'static Running {
        static LOCALSTACK: OnceLock<Running> = OnceLock::new();
        static MOTO: OnceLock<Running> = OnceLock::new();
        static DIGITALOCEAN: OnceLock<Running> = OnceLock::new();
        let script = |name: &str| repo_root().join("localstack").join(name);
        match self {
            Emulator::LocalStack => LOCALSTACK.get_or_init(|| {
                let port = free_port();
                let data =
                    std::env::temp_dir().join(format!("iac-e2e-localstack-{}", std::process::id()));
                start(
                    &script("run-localstack.sh"),
                    &[port.to_string(), data.display().to_string()],
                    &format!("http://127.0.0.1:{port}/_localstack/health"),
                    "localstack",
                )
            }),
            Emulator::Moto => MOTO.get_or_init(|| {
                let port = free_port();
                start(
                    &script("run-moto.sh"),
                    &[port.to_string()],
                    &format!("http://127.0.0.1:{port}/moto-api/"),
                    "moto",
                )
            }),
            Emulator::DigitalOcean => DIGITALOCEAN.get_or_init(|| {
                // Tests share one emulator; the per-token budget a test meets is
                // DigitalOcean's own only where a test asks for it.
                digitalocean_emulator(&["--action-delay-ms", "200", "--rate-limit", "5000"])
            }),
        }
    }
}

/// A DigitalOcean emulator of its own, started with `flags` (`--action-delay-ms N`,
/// `--rate-limit N`, `--rate-limit-hourly N`), for a test whose settings must not slow
/// the shared one; stopped when dropped. Use it with [`Stack::on`].
pub fn digitalocean_emulator(flags: &[&str]) -> Running {
    let port = free_port();
    let mut args = vec!["--port".to_string(), port.to_string()];
    args.extend(flags.iter().map(|f| f.to_string()));
    start(
        &iac_binary().with_file_name("do-emulator"),
        &args,
        &format!("http://127.0.0.1:{port}/emulator/health"),
        &format!("digitalocean-{port}"),
    )
}

impl Drop for Running {
    /// Stops the supervisor, which stops the emulator (the shared ones live in statics
    /// and are stopped when the test process exits).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self._supervisor.id().to_string()])
            .status();
        let _ = self._supervisor.wait();
    }
}

/// A unique lowercase name for this test run (bucket names must not collide).
pub fn unique(prefix: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
        % 1_000_000;
    format!(
        "{prefix}-{}-{secs}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Holds moto's one account for the caller on moto, and nothing elsewhere: moto keeps
/// every test's objects in one account, so tests that count what it holds run one at a
/// time (within their test binary).
pub async fn one_at_a_time(emu: Emulator) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    static MOTO_ACCOUNT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    match emu {
        Emulator::Moto => Some(MOTO_ACCOUNT.lock().await),
        Emulator::LocalStack | Emulator::DigitalOcean => None,
    }
}

/// Every file of the example stack `stacks/<name>` (and its module folders) but READMEs,
/// by relative path, sorted.
pub fn stack_files(name: &str) -> Vec<(String, String)> {
    let root = repo_root().join("stacks").join(name);
    let mut files = Vec::new();
    let mut todo = vec![root.clone()];
    while let Some(dir) = todo.pop() {
        for path in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            if path.is_dir() {
                todo.push(path);
            } else if !path.ends_with("README.md") {
                let relative = path.strip_prefix(&root).unwrap();
                files.push((
                    relative.to_string_lossy().into_owned(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    files.sort();
    files
}

/// The example stack `stacks/<name>` in a fresh folder, with `tfvars` as its
/// `e2e.auto.tfvars`.
pub fn example_stack(emu: Emulator, name: &str, tfvars: &str) -> Stack {
    let files = stack_files(name);
    let mut refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    refs.push(("e2e.auto.tfvars", tfvars));
    Stack::new(emu, &refs)
}

/// A throwaway stack folder with an account of its own on the emulator.
pub struct Stack {
    pub dir: tempfile::TempDir,
    pub emulator: Emulator,
    /// The emulator AWS calls go to: `emulator`, unless [`Stack::with_aws`] gave a
    /// DigitalOcean stack an AWS emulator too (a stack with both providers).
    pub aws: Emulator,
    /// A distinct 12-digit access key id: LocalStack makes it the account id, which
    /// isolates tests from each other.
    pub access_key: String,
    /// The emulator's URL when it is not the shared one ([`Stack::on`]).
    endpoint: Option<String>,
    /// Where `iac`'s AWS calls go instead of the AWS emulator: a [`FaultProxy`] in
    /// front of it ([`Stack::through`]). The independent clients stay direct.
    aws_via: Option<String>,
    /// The same for the DigitalOcean calls.
    digitalocean_via: Option<String>,
    /// Temporary credentials of a role in the account `access_key` names
    /// ([`Stack::in_own_account`]), for moto, which otherwise keeps every access key in
    /// one account.
    session: Option<Session>,
}

/// Temporary credentials from STS.
#[derive(Clone)]
struct Session {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
}

/// What a run of `iac` did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with the output unless the exit code is `code`.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// The built `iac` binary (built by `cargo build --workspace` before the tests), or the
/// one `IAC_BINARY` names, for trying a binary built elsewhere.
pub fn iac_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("IAC_BINARY") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let bin = dir.join("iac");
    assert!(
        bin.is_file(),
        "{} does not exist: run `cargo build --workspace` before the end-to-end tests",
        bin.display()
    );
    bin
}

impl Stack {
    /// A new stack for `emulator` with the given files.
    pub fn new(emulator: Emulator, files: &[(&str, &str)]) -> Stack {
        static ACCOUNT: AtomicU64 = AtomicU64::new(0);
        let n = ACCOUNT.fetch_add(1, Ordering::SeqCst);
        let access_key = format!("{:06}{:06}", std::process::id() % 1_000_000, n);
        let stack = Stack {
            dir: tempfile::tempdir().expect("temp dir"),
            emulator,
            aws: emulator,
            access_key,
            endpoint: None,
            aws_via: None,
            digitalocean_via: None,
            session: None,
        };
        for (name, text) in files {
            stack.write(name, text);
        }
        stack
    }

    /// The same stack with its AWS calls (and [`Stack::sdk`], [`Stack::s3`]) going to
    /// `aws`, while the DigitalOcean provider keeps `emulator`.
    pub fn with_aws(mut self, aws: Emulator) -> Stack {
        assert_ne!(
            aws,
            Emulator::DigitalOcean,
            "AWS calls need an AWS emulator"
        );
        self.aws = aws;
        self
    }

    /// A new DigitalOcean stack on an emulator of its own ([`digitalocean_emulator`]).
    pub fn on(running: &Running, files: &[(&str, &str)]) -> Stack {
        let mut stack = Stack::new(Emulator::DigitalOcean, files);
        stack.endpoint = Some(running.endpoint.clone());
        stack
    }

    /// The same stack with `iac`'s calls to the emulator `proxy` stands in front of (its
    /// AWS or its DigitalOcean one) going through `proxy`; [`Stack::sdk`] and
    /// [`Stack::digitalocean`] still reach the emulator directly.
    pub fn through(mut self, proxy: &FaultProxy) -> Stack {
        if self.aws != Emulator::DigitalOcean && proxy.upstream == self.aws.running().endpoint {
            self.aws_via = Some(proxy.endpoint.clone());
        } else if self.emulator == Emulator::DigitalOcean && proxy.upstream == self.endpoint() {
            self.digitalocean_via = Some(proxy.endpoint.clone());
        } else {
            panic!(
                "the proxy forwards to {}, which is not one of this stack's emulators",
                proxy.upstream
            );
        }
        self
    }

    /// The URL of the stack's DigitalOcean emulator.
    pub fn endpoint(&self) -> String {
        self.endpoint
            .clone()
            .unwrap_or_else(|| self.emulator.running().endpoint.clone())
    }

    /// Writes (or replaces) a file of the stack.
    pub fn write(&self, name: &str, text: &str) {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create stack folder");
        }
        std::fs::write(path, text).expect("write stack file");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The state file's bytes, if any.
    pub fn state_bytes(&self) -> Option<Vec<u8>> {
        std::fs::read(self.path().join(".iac/state.json")).ok()
    }

    /// The state file as JSON.
    pub fn state(&self) -> serde_json::Value {
        serde_json::from_slice(&self.state_bytes().expect("a state file")).expect("state is JSON")
    }

    /// A string attribute of the instance at `address`, as the state records it.
    pub fn attr(&self, address: &str, name: &str) -> String {
        let state = self.state();
        let instance = state["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["address"] == address))
            .unwrap_or_else(|| panic!("{address} is not in the state"));
        instance["attributes"][name]
            .as_str()
            .unwrap_or_else(|| panic!("{address}.{name} is not a string in the state"))
            .to_string()
    }

    /// Runs `iac` with `args` in the stack's folder, against the emulator.
    pub fn iac(&self, args: &[&str]) -> Run {
        self.run_iac(args, true)
    }

    /// Runs `iac` with `args`, then a `-var` for each of `vars` (`name=value`).
    pub fn iac_with_vars(&self, args: &[&str], vars: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        for v in vars {
            all.extend(["-var", v]);
        }
        self.iac(&all)
    }

    /// Runs `iac` with extra environment variables (such as `IAC_LOG`).
    pub fn iac_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = self.command(args);
        command.envs(env.iter().copied());
        Run::from(command.stdin(Stdio::null()).output().expect("iac runs"))
    }

    /// Runs `iac` without `AWS_ENDPOINT_URL`, for stacks that name the endpoint themselves.
    pub fn iac_without_endpoint_env(&self, args: &[&str]) -> Run {
        self.run_iac(args, false)
    }

    fn run_iac(&self, args: &[&str], endpoint_env: bool) -> Run {
        let mut command = self.command(args);
        if !endpoint_env {
            command.env_remove("AWS_ENDPOINT_URL");
        }
        Run::from(command.stdin(Stdio::null()).output().expect("iac runs"))
    }

    /// Starts `iac` with `args` in the background, with piped standard streams, for tests
    /// that interrupt it or hold it at its prompt.
    pub fn spawn_iac(&self, args: &[&str]) -> std::process::Child {
        self.command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("iac starts")
    }

    /// The `iac` command in the stack's folder, with this stack's account on the emulator.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(iac_binary());
        command
            .args(args)
            .current_dir(self.path())
            .env("AWS_ACCESS_KEY_ID", &self.access_key)
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "eu-west-1")
            .env(
                "AWS_ENDPOINT_URL",
                self.aws_via
                    .as_deref()
                    .unwrap_or(&self.aws.running().endpoint),
            )
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true");
        if let Some(s) = &self.session {
            command
                .env("AWS_ACCESS_KEY_ID", &s.access_key_id)
                .env("AWS_SECRET_ACCESS_KEY", &s.secret_access_key)
                .env("AWS_SESSION_TOKEN", &s.session_token);
        }
        if self.emulator == Emulator::DigitalOcean {
            command
                .env(
                    "DIGITALOCEAN_API_URL",
                    self.digitalocean_via
                        .clone()
                        .unwrap_or_else(|| self.endpoint()),
                )
                .env("DIGITALOCEAN_TOKEN", self.token())
                .env_remove("DIGITALOCEAN_ACCESS_TOKEN");
        }
        command
    }

    /// The same stack in an account of its own on moto too: `iac` and the independent
    /// clients use a role of the account its access key names, so that a test which
    /// lists everything in a region (`iac adopt`, `iac query`) sees only what it made.
    /// (LocalStack already makes each access key its own account.)
    pub async fn in_own_account(mut self) -> Stack {
        let sts = aws_sdk_sts::Client::new(&self.sdk());
        let role = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{}:role/e2e", self.access_key))
            .role_session_name("e2e")
            .send()
            .await
            .expect("the emulator lends a role in the stack's account");
        let creds = role.credentials().expect("temporary credentials");
        self.session = Some(Session {
            access_key_id: creds.access_key_id().to_string(),
            secret_access_key: creds.secret_access_key().to_string(),
            session_token: creds.session_token().to_string(),
        });
        self
    }

    /// The credentials `iac` and the independent clients use.
    fn credentials(&self) -> aws_sdk_s3::config::Credentials {
        match &self.session {
            Some(s) => aws_sdk_s3::config::Credentials::new(
                &s.access_key_id,
                &s.secret_access_key,
                Some(s.session_token.clone()),
                None,
                "e2e",
            ),
            None => {
                aws_sdk_s3::config::Credentials::new(&self.access_key, "test", None, None, "e2e")
            }
        }
    }

    /// The SDK configuration of the same account on the emulator, for independent
    /// clients of any service: `aws_sdk_ec2::Client::new(&stack.sdk())`.
    pub fn sdk(&self) -> aws_config::SdkConfig {
        let creds = self.credentials();
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_s3::config::SharedCredentialsProvider::new(creds))
            .endpoint_url(&self.aws.running().endpoint)
            .build()
    }

    /// The DigitalOcean API token of this stack: a personal access token as DigitalOcean
    /// issues them (`dop_v1_` and 64 hex digits, here the SHA-256 of the stack's access
    /// key), so each stack is its own account with its own rate-limit budget.
    pub fn token(&self) -> String {
        use sha2::Digest;
        format!(
            "dop_v1_{:x}",
            sha2::Sha256::digest(self.access_key.as_bytes())
        )
    }

    /// An independent plain-HTTP client of the DigitalOcean emulator: `(status, JSON)`
    /// for `method path [body]`, with this stack's token.
    pub fn digitalocean(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let url = format!("{}{path}", self.endpoint());
        let mut curl = Command::new("curl");
        curl.args(["-s", "-X", method, "-w", "\n%{http_code}", &url])
            .args(["-H", &format!("Authorization: Bearer {}", self.token())])
            .args(["-H", "Content-Type: application/json"]);
        if let Some(b) = body {
            curl.args(["-d", &b.to_string()]);
        }
        let out = curl.output().expect("curl runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let (json, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
        (
            code.trim().parse().unwrap_or(0),
            serde_json::from_str(json).unwrap_or(serde_json::Value::Null),
        )
    }

    /// The AWS emulator's URL, for clients made outside the harness.
    pub fn aws_endpoint(&self) -> String {
        self.aws.running().endpoint.clone()
    }

    /// An S3 client of the same account, independent of `iac`.
    pub async fn s3(&self) -> aws_sdk_s3::Client {
        self.s3_in("eu-west-1")
    }

    /// An S3 client of the stack's AWS emulator in `region` (path-style addressing).
    pub fn s3_in(&self, region: &str) -> aws_sdk_s3::Client {
        let endpoint = &self.aws.running().endpoint;
        let creds = self.credentials();
        let conf = aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new(region.to_string()))
            .credentials_provider(creds)
            .endpoint_url(endpoint)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }
}

/// Generates one test per emulator from `async fn name(emulator: Emulator)`.
#[macro_export]
macro_rules! on_emulators {
    ($name:ident: $($emu:ident),+) => {
        mod $name {
            $(
                #[allow(non_snake_case)]
                #[tokio::test(flavor = "multi_thread")]
                async fn $emu() {
                    super::$name($crate::Emulator::$emu).await;
                }
            )+
        }
    };
}
