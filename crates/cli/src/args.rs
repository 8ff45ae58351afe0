//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// iac: infrastructure as code, in Terraform's language, for small teams.
#[derive(Parser, Debug)]
#[command(
    name = "iac",
    about,
    long_about = None,
    // A repeated option takes its last value, as in Terraform (`TF_CLI_ARGS` come first).
    args_override_self = true,
    after_help = "Global options (before the command):\n  -chdir=DIR  Switch to the folder DIR before running the command\n  -version    Print the version (also -v, --version)"
)]
pub struct Cli {
    /// Disable colour in the output.
    #[arg(long, global = true)]
    pub no_color: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show what an apply would change.
    Plan(PlanArgs),
    /// Make the changes a plan describes (planning first unless given a saved plan).
    Apply(ApplyArgs),
    /// Destroy everything the stack manages.
    Destroy(ApplyArgs),
    /// Check the stack's files without contacting any provider.
    Validate(StackArg),
    /// Print root module outputs.
    Output(OutputArgs),
    /// Show the state, or a saved plan.
    Show(ShowArgs),
    /// Adopt an existing object into the state, under a resource block of the stack.
    Import(ImportArgs),
    /// Discover a provider's objects and write a stack that adopts them, proven to plan no change.
    Adopt(AdoptArgs),
    /// List the objects the list blocks of the folder's *.tfquery.hcl files find.
    Query(QueryArgs),
    /// Report what differs between the real infrastructure and the stacks' states, and what no stack manages (exit 0: none, 2: some, 1: error).
    Drift(DriftArgs),
    /// Inspect and change the state.
    #[command(subcommand)]
    State(StateCommand),
    /// Print the dependency graph in DOT form.
    Graph(StackArg),
    /// Rewrite stack files in the canonical format.
    Fmt(FmtArgs),
    /// Remove a state lock left behind.
    ForceUnlock(ForceUnlockArgs),
    /// Prepare the stack folder: check its files and backend (the providers are built in).
    Init(InitArgs),
    /// Print the version of iac and of the Terraform language it implements.
    Version(VersionArgs),
}

/// The stack folder.
#[derive(Args, Debug, Clone)]
pub struct StackArg {
    /// The stack folder (default: the current folder).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Locking options.
#[derive(Args, Debug, Clone)]
pub struct LockArgs {
    /// Hold the state lock while running (default true).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub lock: bool,
    /// How long to wait for a lock held by someone else (e.g. 30s).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "0s")]
    pub lock_timeout: std::time::Duration,
}

/// `-var` and `-var-file`, accepted here and read in their order from the raw
/// arguments (`var_args`), since the order decides which value wins.
#[derive(Args, Debug, Clone)]
pub struct VarFlags {
    /// Set a variable: -var 'name=value'.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from a file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

/// Options shared by plan, apply and destroy.
#[derive(Args, Debug, Clone)]
pub struct PlanOptions {
    #[command(flatten)]
    pub variables: VarFlags,
    /// Read the current state of every object first (default true).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub refresh: bool,
    /// Only update the state to match the real objects.
    #[arg(long)]
    pub refresh_only: bool,
    /// Plan only these resources and what they depend on.
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Replace this resource instance even if nothing forces it.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// How many provider operations to run at once.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
    /// Accepted for compatibility; iac never asks for variables.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub input: Option<bool>,
    #[command(flatten)]
    pub lock: LockArgs,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// The stack folder (default: the current folder).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Plan to destroy everything.
    #[arg(long)]
    pub destroy: bool,
    /// Save the plan to this file, for `iac apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 when nothing changes, 2 when something does, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Print the plan as JSON, in the shape of Terraform's plan format.
    #[arg(long)]
    pub json: bool,
    /// Write resource blocks for the import blocks that have none to this new file
    /// (in the stack's folder), then plan with them.
    #[arg(long, value_name = "FILE")]
    pub generate_config_out: Option<PathBuf>,
    #[command(flatten)]
    pub opts: PlanOptions,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The stack folder, or a saved plan file (default: the current folder).
    #[arg(default_value = ".")]
    pub target: PathBuf,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    /// Plan to destroy everything (what `iac destroy` does).
    #[arg(long)]
    pub destroy: bool,
    #[command(flatten)]
    pub opts: PlanOptions,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The resource instance to import into, e.g. aws_s3_bucket.logs.
    pub address: String,
    /// The object's id, as the resource type's documentation names it.
    pub id: String,
    /// The stack folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub variables: VarFlags,
    #[command(flatten)]
    pub lock: LockArgs,
}

#[derive(Args, Debug)]
pub struct AdoptArgs {
    /// The folder to write the stack into (new files only).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The provider whose objects to adopt: aws or digitalocean.
    #[arg(long)]
    pub provider: String,
    /// The AWS region (default: the SDK's own chain, AWS_REGION).
    #[arg(long)]
    pub region: Option<String>,
    /// Only objects of this resource type (repeatable).
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// Only objects with this tag (KEY=VALUE, or KEY; repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// Fold objects of one type that differ in a few attributes into one block with for_each.
    #[arg(long)]
    pub fold: bool,
}

#[derive(Args, Debug)]
pub struct QueryArgs {
    /// The stack folder (default: the current folder).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub variables: VarFlags,
    /// Print Terraform's machine-readable UI messages, one JSON object a line.
    #[arg(long)]
    pub json: bool,
    /// Write an import and a resource block for each object found to this new file.
    #[arg(long, value_name = "FILE")]
    pub generate_config_out: Option<std::path::PathBuf>,
}

#[derive(Args, Debug)]
pub struct DriftArgs {
    /// The stack folders (default: the current folder); one report covers them all.
    #[arg(default_value = ".")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub variables: VarFlags,
    /// Print the report as JSON (schema in docs/drift.md).
    #[arg(long)]
    pub json: bool,
    /// Also write the report as Markdown to this file.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Which unmanaged objects to look for: off, types (of the types the stacks use), all.
    #[arg(long, value_name = "SCOPE", default_value = "types", value_parser = ["off", "types", "all"])]
    pub unmanaged: String,
    /// Look for unmanaged objects with this tag only: -tag KEY=VALUE, or KEY.
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// Provider reads in flight at once.
    #[arg(long, default_value_t = 10)]
    pub parallelism: usize,
}

#[derive(Args, Debug)]
pub struct OutputArgs {
    /// The output to print (default: all).
    pub name: Option<String>,
    /// The stack folder.
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print a string output's raw text.
    #[arg(long)]
    pub raw: bool,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// A saved plan file, or the stack folder (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum StateCommand {
    /// List the resource instances in the state.
    List {
        /// Only addresses within these.
        addresses: Vec<String>,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Show one resource instance.
    Show {
        address: String,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Forget resource instances without destroying them.
    Rm {
        #[arg(required = true)]
        addresses: Vec<String>,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Print the stored state, as JSON, to stdout.
    Pull {
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Replace the stored state with a state file (an errored file, or one pulled from
    /// elsewhere), after checking its lineage and serial.
    Push {
        /// The state file, or `-` to read it from stdin.
        path: String,
        /// Store it even when its lineage differs or the stored serial is higher.
        #[arg(long)]
        force: bool,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        lock: LockArgs,
    },
    /// Rename a resource, instance or module in the state.
    Mv {
        source: String,
        destination: String,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        lock: LockArgs,
    },
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Files or folders (default: the current folder).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Only check; exit 3 if a file is not formatted.
    #[arg(long)]
    pub check: bool,
    /// Also format sub-folders.
    #[arg(long)]
    pub recursive: bool,
}

/// Terraform's `init` options. iac has nothing to download or record, so those about
/// providers, modules and the lock file are accepted and change nothing.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// The stack folder (default: the current folder).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Check the state backend (default true).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub backend: bool,
    /// Accepted for compatibility; iac never asks for input.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub input: Option<bool>,
    /// Accepted for compatibility; the providers are built into iac.
    #[arg(long)]
    pub upgrade: bool,
    /// Accepted for compatibility; the backend block is read on every run.
    #[arg(long)]
    pub reconfigure: bool,
    /// Copy the stack's local state to the backend its configuration names (which must
    /// hold none yet).
    #[arg(long)]
    pub migrate_state: bool,
    /// With -migrate-state: copy without asking (iac never asks; accepted as Terraform's).
    #[arg(long)]
    pub force_copy: bool,
    /// Accepted for compatibility (e.g. -lockfile=readonly); iac keeps no lock file.
    #[arg(long, value_name = "MODE")]
    pub lockfile: Option<String>,
    /// Accepted for compatibility; modules are local folders, read in place.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub get: Option<bool>,
    /// Accepted for compatibility; init takes no state lock.
    #[command(flatten)]
    pub lock: LockArgs,
}

#[derive(Args, Debug)]
pub struct VersionArgs {
    /// Print as JSON, in the shape of Terraform's `version -json`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ForceUnlockArgs {
    /// The lock id, as the lock error shows it.
    pub id: String,
    /// The stack folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub force: bool,
}

/// Rewrites Terraform's single-dash long flags (`-auto-approve`, `-out=FILE`) to the
/// double dash clap expects.
pub fn normalize(args: impl IntoIterator<Item = String>) -> Vec<String> {
    args.into_iter()
        .enumerate()
        .map(|(i, a)| {
            let name = a
                .strip_prefix('-')
                .filter(|rest| !rest.starts_with('-'))
                .map(|rest| rest.split('=').next().unwrap_or(rest));
            match name {
                Some(n)
                    if i > 0
                        && n.len() > 1
                        && n.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                        && n.chars().next().is_some_and(|c| c.is_ascii_lowercase()) =>
                {
                    format!("-{a}")
                }
                _ => a,
            }
        })
        .collect()
}

/// The `-var` and `-var-file` options in the order given (their order decides which wins).
pub fn var_args(args: &[String]) -> Vec<iac_lang::vars::VarArg> {
    let mut out = Vec::new();
    let mut iter = args.iter().peekable();
    while let Some(a) = iter.next() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--var=") {
            out.push(iac_lang::vars::VarArg::Pair(v.to_string()));
        } else if a == "--var" {
            if let Some(v) = iter.next() {
                out.push(iac_lang::vars::VarArg::Pair(v.clone()));
            }
        } else if let Some(v) = a.strip_prefix("--var-file=") {
            out.push(iac_lang::vars::VarArg::File(v.into()));
        } else if a == "--var-file"
            && let Some(v) = iter.next()
        {
            out.push(iac_lang::vars::VarArg::File(v.into()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn single_dash_flags_become_double() {
        assert_eq!(
            normalize(s(&[
                "iac",
                "apply",
                "-auto-approve",
                "-var",
                "a=b",
                "-out=plan",
                "--json",
                "-",
                "-5",
                "stacks/web"
            ])),
            s(&[
                "iac",
                "apply",
                "--auto-approve",
                "--var",
                "a=b",
                "--out=plan",
                "--json",
                "-",
                "-5",
                "stacks/web"
            ])
        );
    }

    #[test]
    fn var_order_is_kept() {
        let vars = var_args(&s(&[
            "--var-file=a.tfvars",
            "--var",
            "x=1",
            "--var=y=2",
            "--var-file",
            "b.tfvars",
        ]));
        assert_eq!(vars.len(), 4);
        assert!(matches!(&vars[1], iac_lang::vars::VarArg::Pair(p) if p == "x=1"));
        assert!(matches!(&vars[2], iac_lang::vars::VarArg::Pair(p) if p == "y=2"));
    }

    #[test]
    fn terraform_spellings_parse() {
        let cli = Cli::try_parse_from(normalize(s(&[
            "iac",
            "plan",
            "-refresh=false",
            "-lock=false",
            "-lock-timeout=5s",
            "-target",
            "aws_s3_bucket.a",
            "-detailed-exitcode",
            "stacks/web",
        ])))
        .unwrap();
        let Command::Plan(p) = cli.command else {
            panic!()
        };
        assert!(!p.opts.refresh);
        assert!(!p.opts.lock.lock);
        assert_eq!(p.opts.lock.lock_timeout, std::time::Duration::from_secs(5));
        assert!(p.detailed_exitcode);
        assert_eq!(p.dir, PathBuf::from("stacks/web"));
    }

    #[test]
    fn a_repeated_option_takes_its_last_value() {
        let cli = Cli::try_parse_from(normalize(s(&[
            "iac",
            "plan",
            "-parallelism=2",
            "-refresh=false",
            "-var",
            "a=1",
            "-parallelism=5",
            "-refresh=true",
            "-var",
            "b=2",
        ])))
        .unwrap();
        let Command::Plan(p) = cli.command else {
            panic!()
        };
        assert_eq!(p.opts.parallelism, 5);
        assert!(p.opts.refresh);
        assert_eq!(p.opts.variables.vars, s(&["a=1", "b=2"]));
    }

    #[test]
    fn terraform_init_flags_parse() {
        let cli = Cli::try_parse_from(normalize(s(&[
            "iac",
            "init",
            "-input=false",
            "-backend=false",
            "-upgrade",
            "-reconfigure",
            "-no-color",
            "-lockfile=readonly",
            "-get=false",
            "-lock=false",
        ])))
        .unwrap();
        assert!(cli.no_color);
        let Command::Init(a) = cli.command else {
            panic!()
        };
        assert!(!a.backend);
        assert_eq!(a.dir, PathBuf::from("."));
    }
}
