//! `iac query [DIR]`: the objects the list blocks of the folder's `*.tfquery.hcl` files
//! find, printed as `terraform query` prints them (or, with `-json`, as its
//! machine-readable UI), and with `-generate-config-out=FILE` written as `import` and
//! `resource` blocks (`query_config`).

use std::path::Path;

use iac_engine::listing::{Found, Query};
use iac_lang::Sources;
use iac_value::Value;
use serde_json::{Value as Json, json};

use crate::args::QueryArgs;
use crate::context::{self, Failed, error};
use crate::ui::Ui;

pub async fn query(
    a: QueryArgs,
    ui: Ui,
    raw: &[String],
    sources: &mut Sources,
) -> Result<i32, Failed> {
    if let Some(out) = &a.generate_config_out {
        refuse_existing(out)?;
    }
    let providers = context::providers();
    let q = Query::load(&a.dir, sources, &providers)?;
    let vars = crate::commands::plan::root_variables(&q.stack, raw, sources, &ui)?;
    let found = q
        .run(&providers, &vars, a.generate_config_out.is_some())
        .await?;
    if a.json {
        for f in &found {
            for line in json_lines(f) {
                println!("{line}");
            }
        }
    } else {
        print_human(&found, &ui);
    }
    if let Some(out) = &a.generate_config_out {
        let text = crate::commands::query_config::generate(&found);
        std::fs::write(out, text).map_err(|e| {
            error(
                "Failed to write the generated configuration",
                format!("{}: {e}", out.display()),
            )
        })?;
        if !a.json {
            println!(
                "\nWrote an import and a resource block for each object found to {}.",
                out.display()
            );
        }
    }
    Ok(0)
}

/// `-generate-config-out` never replaces a file, as in Terraform.
fn refuse_existing(out: &Path) -> Result<(), Failed> {
    if out.exists() {
        return Err(error(
            "Target generated file already exists",
            format!(
                "iac writes generated configuration only into a new file, and {} exists. Choose another file, or move its configuration elsewhere and delete it.",
                out.display()
            ),
        ));
    }
    Ok(())
}

/// One line per result: `list.TYPE.NAME   id=ID   DISPLAY NAME`.
fn print_human(found: &[Found], ui: &Ui) {
    let width = found.iter().map(|f| f.address.len()).max().unwrap_or(0);
    let mut total = 0;
    for f in found {
        for r in &f.results {
            total += 1;
            println!(
                "{}   {}   {}",
                ui.bold(&format!("{:width$}", f.address)),
                format_args!("id={}", r.id),
                r.display_name
            );
        }
    }
    if total == 0 {
        println!("No objects found.");
    }
}

/// A value as JSON with its sensitive parts null, for output.
fn redacted(v: &Value) -> Json {
    match v {
        Value::Sensitive(_) => Json::Null,
        Value::List(items) | Value::Set(items) => Json::Array(items.iter().map(redacted).collect()),
        Value::Map(map) => {
            Json::Object(map.iter().map(|(k, v)| (k.clone(), redacted(v))).collect())
        }
        other => other.to_json(),
    }
}

/// Terraform's machine-readable UI messages of one list block instance: `list_start`,
/// a `list_resource_found` per result, then `list_complete`.
fn json_lines(f: &Found) -> Vec<Json> {
    let now = humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string();
    let message = |text: &str, kind: &str, body: Json| {
        json!({
            "@level": "info",
            "@message": format!("{}: {text}", f.address),
            "@module": "iac.ui",
            "@timestamp": now,
            "type": kind,
            kind: body,
        })
    };
    let mut lines = vec![message(
        "Starting query...",
        "list_start",
        json!({"address": f.address, "resource_type": f.type_name, "input_config": redacted(&f.filter)}),
    )];
    for r in &f.results {
        let mut found = json!({
            "address": f.address,
            "display_name": r.display_name,
            "identity": {"id": r.id},
            "resource_type": f.type_name,
        });
        if let Some(state) = &r.state {
            found["resource_object"] = redacted(state);
        }
        lines.push(message("Result found", "list_resource_found", found));
    }
    lines.push(message(
        "List complete",
        "list_complete",
        json!({"address": f.address, "resource_type": f.type_name, "total": f.results.len()}),
    ));
    lines
}
