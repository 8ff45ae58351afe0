//! The seed stacks the crash and fault tests run: `stacks/web-monitoring` on moto and
//! `stacks/insync` on a DigitalOcean emulator of its own (actions of 1.5 s) with its
//! buckets on moto, each on a clean cloud, and what each leaves in the cloud.

use crate::inventory::{self, Inventory};
use crate::{Emulator, Running, Stack, digitalocean_emulator, example_stack, unique};

const PUBLIC_KEY: &str = include_str!("../tests/e2e_key.pub");

/// Both stacks keep buckets on this binary's moto, which web-monitoring resets.
pub static MOTO: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[derive(Clone, Copy, Debug)]
pub enum Seed {
    WebMonitoring,
    Insync,
}

/// One stack on a clean cloud.
pub struct Trial {
    pub stack: Stack,
    /// The bucket names' prefix (insync).
    pub prefix: String,
    /// The DigitalOcean emulator of this trial alone (insync).
    emulator: Option<Running>,
}

impl Seed {
    /// The stack in a fresh folder on a clean cloud.
    pub fn fresh(self) -> Trial {
        match self {
            Seed::WebMonitoring => {
                let reset = std::process::Command::new("curl")
                    .args(["-sf", "-X", "POST"])
                    .arg(format!(
                        "{}/moto-api/reset",
                        Emulator::Moto.running().endpoint
                    ))
                    .output()
                    .expect("curl runs");
                assert!(reset.status.success(), "moto resets");
                let stack = example_stack(
                    Emulator::Moto,
                    "web-monitoring",
                    &format!(
                        "region                = \"eu-west-1\"\ndb_password           = \"crash-test-password-1\"\nprotect_production_db = false\nssh_public_key        = \"{}\"\n",
                        PUBLIC_KEY.trim()
                    ),
                );
                Trial {
                    stack,
                    prefix: String::new(),
                    emulator: None,
                }
            }
            Seed::Insync => {
                let emulator =
                    digitalocean_emulator(&["--action-delay-ms", "1500", "--rate-limit", "100000"]);
                let prefix = unique("crash");
                let files = crate::stack_files("insync");
                let tfvars = format!(
                    "ssh_public_keys = {{ ops = \"{}\" }}\n\
                     package_repos_bucket = \"{prefix}-repos\"\n\
                     db_backups_bucket = \"{prefix}-dumps\"\n\
                     regions = {{ \"radar-2\" = \"sgp1\" }}\n\
                     size_overrides = {{ ct1 = \"s-1vcpu-2gb\", db = \"s-4vcpu-8gb\" }}\n\
                     backups = [\"db\"]\n\
                     monitoring = [\"ct1\", \"db\", \"radar-2\"]\n",
                    PUBLIC_KEY.trim()
                );
                let mut refs: Vec<(&str, &str)> = files
                    .iter()
                    .map(|(n, t)| (n.as_str(), t.as_str()))
                    .collect();
                refs.push(("e2e.auto.tfvars", &tfvars));
                let stack = Stack::on(&emulator, &refs).with_aws(Emulator::Moto);
                Trial {
                    stack,
                    prefix: format!("{prefix}-"),
                    emulator: Some(emulator),
                }
            }
        }
    }

    pub async fn inventory(self, trial: &Trial) -> Inventory {
        match self {
            Seed::WebMonitoring => inventory::web_monitoring(&trial.stack).await,
            Seed::Insync => inventory::insync(&trial.stack, &trial.prefix).await,
        }
    }
}

impl Trial {
    /// The trial with `iac`'s calls to one of its emulators going through `proxy`
    /// ([`Stack::through`]).
    pub fn through(mut self, proxy: &crate::FaultProxy) -> Trial {
        self.stack = self.stack.through(proxy);
        self
    }

    /// The URL of the trial's own DigitalOcean emulator (insync).
    pub fn digitalocean_endpoint(&self) -> Option<&str> {
        self.emulator.as_ref().map(|e| e.endpoint.as_str())
    }
}
