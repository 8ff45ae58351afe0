//! The report as Markdown for a pull-request comment or an issue: a summary line, one
//! table row per differing attribute (stack, address, attribute, recorded, real), and a
//! table of unmanaged objects with the command that adopts each.

use std::fmt::Write;

use crate::report::{AttributeDrift, Change, Report};

/// The longest value shown in a cell; longer ones are cut with an ellipsis.
const CELL: usize = 80;

/// Renders the report.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mark = if report.found_drift() {
        "⚠️"
    } else {
        "✅"
    };
    let _ = writeln!(out, "### {mark} iac drift\n\n{}\n", report.summary_line());
    let rows: Vec<String> = report
        .stacks
        .iter()
        .flat_map(|s| {
            s.resources.iter().flat_map(move |r| {
                let cells = |attr: &str, recorded: String, real: String| {
                    format!(
                        "| {} | `{}` | {attr} | {recorded} | {real} |",
                        cell(&s.stack),
                        cell(&r.address),
                    )
                };
                match r.change {
                    Change::Deleted => {
                        vec![cells("*(object)*", "exists".into(), "**deleted**".into())]
                    }
                    Change::Changed => r
                        .attributes
                        .iter()
                        .map(|a| {
                            cells(
                                &format!("`{}`", cell(&a.path)),
                                value(a, true),
                                value(a, false),
                            )
                        })
                        .collect(),
                }
            })
        })
        .collect();
    if !rows.is_empty() {
        out.push_str("| Stack | Address | Attribute | Recorded | Real |\n|---|---|---|---|---|\n");
        for r in rows {
            out.push_str(&r);
            out.push('\n');
        }
        out.push('\n');
    }
    if !report.unmanaged.is_empty() {
        let _ = writeln!(
            out,
            "**Unmanaged objects** (of {} types; no given stack manages them)\n\n| Stack | Type | Id | Name | Adopt with |\n|---|---|---|---|---|",
            if report.unmanaged_scope == "all" {
                "all listable"
            } else {
                "the stacks'"
            }
        );
        for u in &report.unmanaged {
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}` | {} | `{}` |",
                cell(&u.stack),
                u.type_name,
                cell(&u.id),
                cell(&u.name),
                cell(&u.import)
            );
        }
        out.push('\n');
    }
    if report.summary.ignored > 0 {
        let _ = writeln!(
            out,
            "_{} differences left out by `drift {{ ignore }}` or `ignore_changes`._",
            report.summary.ignored
        );
    }
    out
}

/// One side of an attribute's change as a cell.
fn value(a: &AttributeDrift, recorded: bool) -> String {
    if a.sensitive {
        return "*(sensitive)*".to_string();
    }
    let v = if recorded { &a.recorded } else { &a.real };
    match (a.change, recorded) {
        ("added", true) | ("removed", false) => "*(none)*".to_string(),
        _ => format!("`{}`", cell(&v.to_string())),
    }
}

/// Text safe inside a table cell: pipes escaped, newlines as spaces, backticks dropped,
/// cut to [`CELL`] characters.
fn cell(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c == '\n' || c == '`' { ' ' } else { c })
        .take(CELL)
        .collect();
    if text.chars().count() > CELL {
        s.push('…');
    }
    s.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::*;

    #[test]
    fn rows_per_attribute_and_nothing_sensitive() {
        let report = Report {
            format_version: "1.0",
            stacks: vec![StackReport {
                stack: "stacks/web".into(),
                state: "s3://b/k".into(),
                resources: vec![ResourceDrift {
                    address: "aws_instance.web".into(),
                    type_name: "aws_instance".into(),
                    id: Some("i-1".into()),
                    change: Change::Changed,
                    attributes: vec![
                        AttributeDrift {
                            path: "instance_type".into(),
                            change: "changed",
                            recorded: "t3.micro".into(),
                            real: "t3.small".into(),
                            sensitive: false,
                        },
                        AttributeDrift {
                            path: "user_data".into(),
                            change: "changed",
                            recorded: serde_json::Value::Null,
                            real: serde_json::Value::Null,
                            sensitive: true,
                        },
                    ],
                }],
                ignored: 0,
            }],
            unmanaged: vec![],
            unmanaged_scope: "types",
            summary: Summary {
                changed: 1,
                stacks: 1,
                ..Summary::default()
            },
        };
        let md = render(&report);
        assert!(
            md.contains("Drift in 1 stack: 1 changed, 0 deleted, 0 unmanaged."),
            "{md}"
        );
        assert!(md.contains("| stacks/web | `aws_instance.web` | `instance_type` | `\"t3.micro\"` | `\"t3.small\"` |"), "{md}");
        assert!(
            md.contains("| `user_data` | *(sensitive)* | *(sensitive)* |"),
            "{md}"
        );
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
