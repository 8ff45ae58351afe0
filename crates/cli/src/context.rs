//! Loading what a command works on: the stack, its providers, variables and state backend.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use iac_engine::{Providers, Stack};
use iac_lang::{Diagnostic, Diagnostics, Sources};
use iac_state::{Backend, LocalBackend, S3Backend, S3Settings};
use iac_value::Value;

/// Every provider compiled into this build.
pub fn providers() -> Providers {
    let mut p: Providers = BTreeMap::new();
    let aws: Arc<dyn iac_provider::Provider> = Arc::new(iac_provider_aws::AwsProvider::new());
    p.insert(aws.name().to_string(), aws);
    let digitalocean: Arc<dyn iac_provider::Provider> =
        Arc::new(iac_provider_digitalocean::DigitalOceanProvider::new());
    p.insert(digitalocean.name().to_string(), digitalocean);
    p
}

/// A provider's source address and the version of the Terraform provider whose schema it
/// follows (`registry.terraform.io/hashicorp/aws`, `5.100.0`).
pub fn provider_release(provider: &dyn iac_provider::Provider) -> (String, &'static str) {
    let release = provider.release();
    (
        format!("registry.terraform.io/{}", release.source),
        release.version,
    )
}

/// The schema of a resource or data source type, by provider name.
pub fn schema<'a>(
    providers: &'a Providers,
    provider: &str,
    mode: iac_lang::config::Mode,
    ty: &str,
) -> Option<&'a iac_provider::Schema> {
    let p = providers.get(provider)?;
    match mode {
        iac_lang::config::Mode::Managed => p.schema().resources.get(ty),
        iac_lang::config::Mode::Data => p.schema().data_sources.get(ty),
    }
}

/// The schema of the resource a change is about.
pub fn change_schema<'a>(
    providers: &'a Providers,
    c: &iac_engine::plan::ResourceChange,
) -> Option<&'a iac_provider::Schema> {
    let name = iac_engine::parse_provider_address(&c.provider)?.0;
    schema(providers, &name, c.addr.resource.mode, &c.addr.resource.ty)
}

/// A command failed; the diagnostics say why.
pub struct Failed(pub Diagnostics);

impl From<Diagnostics> for Failed {
    fn from(d: Diagnostics) -> Failed {
        Failed(d)
    }
}

impl From<Diagnostic> for Failed {
    fn from(d: Diagnostic) -> Failed {
        Failed(d.into())
    }
}

/// Shorthand for an error with no source location.
pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Failed {
    Diagnostic::error(summary, None).with_detail(detail).into()
}

/// The state backend a stack's `terraform { backend ... }` block selects (its own
/// `.iac/state.json` by default).
pub fn backend_for(dir: &Path, stack: Option<&Stack>) -> Box<dyn Backend> {
    backend_of(dir, stack.and_then(|s| s.tree.module.backend.as_ref()))
}

/// A backend when no stack is loaded: reads the backend block only if the folder parses.
pub fn backend_in(dir: &Path) -> Box<dyn Backend> {
    let mut sources = Sources::default();
    let (module, _) = iac_lang::load_module(dir, &mut sources);
    backend_of(dir, module.backend.as_ref())
}

/// The backend a `backend` block configures (checked when it was loaded), or the
/// stack's local state.
fn backend_of(dir: &Path, block: Option<&iac_lang::config::Backend>) -> Box<dyn Backend> {
    let Some(block) = block else {
        return Box::new(LocalBackend::for_stack(dir));
    };
    let text = |name: &str| {
        block
            .config
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let flag = |name: &str| {
        block
            .config
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    match block.kind.as_str() {
        "s3" => Box::new(S3Backend::new(S3Settings {
            bucket: text("bucket").unwrap_or_default(),
            key: text("key").unwrap_or_default(),
            region: text("region"),
            profile: text("profile"),
            credentials: text("access_key").zip(text("secret_key")),
            endpoint: block
                .config
                .get("endpoints")
                .map(|e| e.get("s3"))
                .and_then(Value::as_str)
                .map(str::to_string),
            use_path_style: flag("use_path_style"),
            encrypt: flag("encrypt"),
            kms_key_id: text("kms_key_id"),
            use_lockfile: flag("use_lockfile"),
        })),
        _ => match text("path") {
            Some(path) => Box::new(LocalBackend::at(dir.join(path))),
            None => Box::new(LocalBackend::for_stack(dir)),
        },
    }
}

/// Reads the stored state, or a new empty one.
pub fn read_state(backend: &dyn Backend) -> Result<iac_state::State, Failed> {
    stored_state(backend).map(Option::unwrap_or_default)
}

/// Reads the stored state, if there is one.
pub fn stored_state(backend: &dyn Backend) -> Result<Option<iac_state::State>, Failed> {
    backend.read().map_err(|e| {
        error(
            "Failed to read the state",
            format!("{}: {e}", backend.describe()),
        )
    })
}

/// The `-tag KEY=VALUE` (or `KEY`) filters of `iac adopt` and `iac drift`.
pub fn tag_filters(tags: &[String]) -> Result<Vec<iac_discovery::select::TagFilter>, Failed> {
    tags.iter()
        .map(|t| iac_discovery::select::TagFilter::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|m| error("Invalid -tag", m))
}

/// Takes the state lock unless `-lock=false`.
pub fn lock(
    backend: &dyn Backend,
    operation: &str,
    args: &crate::args::LockArgs,
) -> Result<iac_state::LockGuard, Failed> {
    if !args.lock {
        return Ok(iac_state::LockGuard::none());
    }
    let guard = backend
        .lock(operation, args.lock_timeout)
        .map_err(|e| error("Error acquiring the state lock", e.to_string()))?;
    if let Some(left) = &guard.took_over {
        eprint!("{}", took_over(left).to_plain(&Sources::default()));
    }
    Ok(guard)
}

/// The warning that a lock left by a process that is gone was taken over.
fn took_over(left: &iac_state::LockInfo) -> Diagnostic {
    Diagnostic::warning("Took over a stale state lock", None).with_detail(format!(
        "The state lock was held by \"{}\" (pid {}, {}, since {}; lock ID {}), a process that no longer runs on this host: it ended without releasing the lock (killed or crashed). iac took the lock over; what that run recorded is in the state.",
        left.operation, left.pid, left.who, left.created, left.id
    ))
}
