//! `iac version` (also `-v`, `-version`, `--version`).

use serde_json::json;

use crate::args::VersionArgs;
use crate::context;

/// Prints iac's version, the Terraform language version it implements and the platform;
/// with `-json`, in the shape of Terraform's `version -json` plus `iac_version`. The
/// provider selections are the providers built into iac, at the version of the Terraform
/// provider whose schema each follows.
pub fn version(a: VersionArgs) -> i32 {
    let iac = env!("CARGO_PKG_VERSION");
    let providers = context::providers();
    if a.json {
        let selections: serde_json::Map<String, serde_json::Value> = providers
            .values()
            .map(|p| {
                let (source, version) = context::provider_release(p.as_ref());
                (source, json!(version))
            })
            .collect();
        let shape = json!({
            "iac_version": iac,
            "terraform_version": iac_lang::TERRAFORM_VERSION,
            "platform": platform(),
            "provider_selections": selections,
            "terraform_outdated": false,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&shape).expect("JSON values serialize")
        );
        return 0;
    }
    println!(
        "iac v{iac}\nTerraform language v{}\non {}",
        iac_lang::TERRAFORM_VERSION,
        platform()
    );
    for p in providers.values() {
        let (source, version) = context::provider_release(p.as_ref());
        println!("+ provider {source} v{version} (built in)");
    }
    0
}

/// The platform in Go's `os_arch` spelling, as Terraform prints it (`linux_amd64`).
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}
