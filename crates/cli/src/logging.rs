//! Logs, switched on as in Terraform: `IAC_LOG` or `TF_LOG` say how much (Terraform's
//! levels `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `OFF`, or `JSON` for everything as
//! JSON lines; `IAC_LOG` also takes tracing directives such as `iac_engine=debug`), and
//! `IAC_LOG_PATH` or `TF_LOG_PATH` name a file to append to instead of standard error.
//! Colour only on a terminal.

use std::io::IsTerminal;
use std::sync::Mutex;

use tracing::field::{Field, Visit};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Terraform's level names.
const LEVELS: &[&str] = &["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "JSON"];

/// What to log and how.
#[derive(Debug, PartialEq)]
struct Setting {
    directives: String,
    json: bool,
}

/// Starts logging as the environment asks (nothing when neither `IAC_LOG` nor `TF_LOG`
/// is set); `no_color` is `-no-color`.
pub fn init(no_color: bool) {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let setting = match (var("IAC_LOG"), var("TF_LOG")) {
        (Some(v), _) => setting(&v, true),
        (None, Some(v)) => setting(&v, false),
        (None, None) => return,
    };
    let file = var("IAC_LOG_PATH")
        .or_else(|| var("TF_LOG_PATH"))
        .and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| eprintln!("Error opening log file {path}: {e}"))
                .ok()
        });
    let color = file.is_none()
        && !no_color
        && std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let writer = match file {
        Some(f) => BoxMakeWriter::new(Mutex::new(f)),
        None => BoxMakeWriter::new(std::io::stderr),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(&setting.directives))
        .with_writer(writer)
        .with_ansi(color);
    if setting.json {
        builder.event_format(JsonLines).init();
    } else {
        builder.init();
    }
}

/// Reads a level (or, when `directives_allowed`, tracing directives); anything else is
/// warned about and means `TRACE`, as in Terraform.
fn setting(value: &str, directives_allowed: bool) -> Setting {
    let upper = value.trim().to_ascii_uppercase();
    let level = |l: &str| Setting {
        directives: l.to_ascii_lowercase(),
        json: false,
    };
    match upper.as_str() {
        "JSON" => Setting {
            directives: "trace".into(),
            json: true,
        },
        l if LEVELS.contains(&l) => level(l),
        _ if directives_allowed && EnvFilter::try_new(value).is_ok() => Setting {
            directives: value.to_string(),
            json: false,
        },
        _ => {
            eprintln!(
                "[WARN] Invalid log level: {value:?}. Defaulting to level: TRACE. Valid levels are: {LEVELS:?}"
            );
            level("TRACE")
        }
    }
}

/// Terraform's JSON log lines: `@level`, `@message`, `@module`, `@timestamp`, and the
/// event's other fields.
struct JsonLines;

impl<S, N> FormatEvent<S, N> for JsonLines
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let mut timestamp = String::new();
        SystemTime.format_time(&mut Writer::new(&mut timestamp))?;
        let mut fields = JsonFields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        let mut line = serde_json::Map::new();
        line.insert(
            "@level".into(),
            meta.level().as_str().to_ascii_lowercase().into(),
        );
        line.insert(
            "@message".into(),
            fields.0.remove("message").unwrap_or_default(),
        );
        line.insert("@module".into(), meta.target().into());
        line.insert("@timestamp".into(), timestamp.into());
        line.extend(fields.0);
        writeln!(writer, "{}", serde_json::Value::Object(line))
    }
}

/// An event's fields as JSON values.
#[derive(Default)]
struct JsonFields(serde_json::Map<String, serde_json::Value>);

impl Visit for JsonFields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().into(), format!("{value:?}").into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_levels_in_any_case() {
        assert_eq!(setting("DEBUG", false).directives, "debug");
        assert_eq!(setting("warn", false).directives, "warn");
        assert_eq!(
            setting("json", false),
            Setting {
                directives: "trace".into(),
                json: true
            }
        );
    }

    #[test]
    fn directives_only_in_iac_log() {
        assert_eq!(
            setting("iac_engine=debug", true).directives,
            "iac_engine=debug"
        );
        assert_eq!(setting("iac_engine=debug", false).directives, "trace");
        assert_eq!(setting("LOUD", false).directives, "trace");
    }
}
