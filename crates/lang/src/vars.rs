//! Root input variables, with Terraform's precedence, lowest first: `TF_VAR_<name>` and
//! `IAC_VAR_<name>` environment variables (`IAC_VAR_` wins when both name one variable:
//! it is the more specific), `terraform.tfvars`, `terraform.tfvars.json`,
//! `*.auto.tfvars` and `*.auto.tfvars.json` (together, in name order), then `-var` and
//! `-var-file` in command-line order. Files named `*.json` are read in JSON syntax.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iac_value::{Type, Value, convert};

use crate::config::{Expr, Module, Variable};
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{EvalContext, NoScope, Scope, evaluate};
use crate::source::{Sources, Span};

/// The prefix of environment variables that set input variables.
pub const ENV_PREFIX: &str = "IAC_VAR_";

/// Terraform's prefix for the same, read too; [`ENV_PREFIX`] wins over it.
pub const TF_ENV_PREFIX: &str = "TF_VAR_";

/// One command-line variable setting, in the order given.
#[derive(Debug, Clone)]
pub enum VarArg {
    /// `-var 'name=value'`.
    Pair(String),
    /// `-var-file=FILE`.
    File(PathBuf),
}

/// A variable's value before it is checked against its declaration.
#[derive(Debug, Clone)]
enum Raw {
    /// From the command line or environment: a string, read as an expression when the
    /// variable's type is not a primitive.
    Text(String),
    /// From a variables file.
    Expr(Expr),
}

/// Gathers the variables for the root module in `dir`, lowest precedence first, and
/// checks them against the declarations: types, `nullable`, required values and
/// `validation` blocks.
pub fn root_variables(
    dir: &Path,
    module: &Module,
    args: &[VarArg],
    env: impl IntoIterator<Item = (String, String)>,
    sources: &mut Sources,
) -> (BTreeMap<String, Value>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut raw: BTreeMap<String, (Raw, Option<Span>)> = BTreeMap::new();
    let mut from_env: Vec<(u8, String, String)> = env
        .into_iter()
        .filter_map(|(k, v)| {
            let (rank, name) = match k.strip_prefix(ENV_PREFIX) {
                Some(name) => (1, name),
                None => (0, k.strip_prefix(TF_ENV_PREFIX)?),
            };
            module
                .variables
                .contains_key(name)
                .then(|| (rank, name.to_string(), v))
        })
        .collect();
    from_env.sort_by_key(|(rank, _, _)| *rank);
    for (_, name, v) in from_env {
        raw.insert(name, (Raw::Text(v), None));
    }
    let mut files: Vec<PathBuf> = ["terraform.tfvars", "terraform.tfvars.json"]
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| p.is_file())
        .collect();
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.to_string_lossy();
                    name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    files.extend(auto);
    for file in files {
        read_file(&file, module, &mut raw, sources, &mut diags, false);
    }
    for arg in args {
        match arg {
            VarArg::File(f) => read_file(f, module, &mut raw, sources, &mut diags, true),
            VarArg::Pair(pair) => match pair.split_once('=') {
                Some((name, value)) if !name.trim().is_empty() => {
                    let name = name.trim();
                    if !module.variables.contains_key(name) {
                        diags.push(Diagnostic::error(format!("Value for undeclared variable \"{name}\""), None).with_detail(format!(
                            "A variable named \"{name}\" was assigned on the command line, but the stack does not declare it.{}",
                            crate::did_you_mean(name, module.variables.keys().map(String::as_str))
                        )));
                        continue;
                    }
                    raw.insert(name.to_string(), (Raw::Text(value.to_string()), None));
                }
                _ => diags.push(Diagnostic::error(format!("Invalid -var option \"{pair}\""), None).with_detail("The given -var option must be a variable name and value separated by an equals sign, like -var=\"key=value\".")),
            },
        }
    }
    let mut values = BTreeMap::new();
    for (name, var) in &module.variables {
        let given = raw.remove(name);
        if let Some(v) = diags.take(finalize(var, given, sources)) {
            values.insert(name.clone(), v);
        }
    }
    for (name, value) in &values {
        diags.extend(validate(&module.variables[name], value, dir));
    }
    (values, diags)
}

fn read_file(
    path: &Path,
    module: &Module,
    raw: &mut BTreeMap<String, (Raw, Option<Span>)>,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    explicit: bool,
) {
    let file = match sources.read(path) {
        Ok(Ok(file)) => file,
        Ok(Err(bad_encoding)) => {
            diags.push(bad_encoding);
            return;
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                format!("Cannot read variables file {}: {e}", path.display()),
                None,
            ));
            return;
        }
    };
    let body = if path.extension().is_some_and(|e| e == "json") {
        crate::load::json::parse_values(file, sources, diags)
    } else {
        diags.take(crate::load::parse_hcl(file, sources))
    };
    let Some(body) = body else { return };
    for b in &body.blocks {
        diags.push(Diagnostic::error(
            "Blocks are not allowed in a variables file",
            Some(b.span.clone()),
        ));
    }
    for attr in body.attrs {
        if !module.variables.contains_key(&attr.name) {
            let d = if explicit {
                Diagnostic::error
            } else {
                Diagnostic::warning
            };
            diags.push(
                d(
                    format!("Value for undeclared variable \"{}\"", attr.name),
                    Some(attr.name_span.clone()),
                )
                .with_detail(format!(
                    "The stack does not declare a variable named \"{}\".{}",
                    attr.name,
                    crate::did_you_mean(&attr.name, module.variables.keys().map(String::as_str))
                )),
            );
            continue;
        }
        raw.insert(
            attr.name.clone(),
            (Raw::Expr(attr.expr), Some(attr.name_span)),
        );
    }
}

fn finalize(
    var: &Variable,
    given: Option<(Raw, Option<Span>)>,
    sources: &mut Sources,
) -> Result<Value, Diagnostic> {
    let ctx = EvalContext::new(&NoScope, Path::new("."));
    let (value, span) = match given {
        Some((Raw::Expr(e), span)) => (evaluate(&e, &ctx)?, span),
        Some((Raw::Text(t), _))
            if matches!(var.ty, Type::String | Type::Number | Type::Bool | Type::Any) =>
        {
            (Value::String(t), None)
        }
        Some((Raw::Text(t), _)) => {
            let file = sources.add(Path::new(&format!("<value for var.{}>", var.name)), t);
            let expr = hcl_edit::parser::parse_expr(sources.text(file)).map_err(|e| {
                Diagnostic::error(format!("Invalid value for variable \"{}\"", var.name), None)
                    .with_detail(e.message().to_string())
            })?;
            let expr = Expr {
                file,
                expr: std::sync::Arc::new(expr),
            };
            (evaluate(&expr, &ctx)?, Some(expr.span()))
        }
        None => match &var.default {
            Some(d) => (evaluate(d, &ctx)?, Some(d.span())),
            None => {
                return Err(Diagnostic::error(format!("No value for required variable \"{}\"", var.name), Some(var.span.clone())).with_detail(format!(
                    "The root module input variable \"{0}\" is not set, and has no default value. Use -var \"{0}=...\", a variables file, or the {ENV_PREFIX}{0} environment variable to provide a value.",
                    var.name
                )));
            }
        },
    };
    // A value given on the command line is shown as its own source line, so for a
    // sensitive variable point at the declaration instead.
    let span = match span {
        Some(s)
            if var.sensitive
                && sources
                    .path(s.file)
                    .to_string_lossy()
                    .starts_with("<value for") =>
        {
            None
        }
        other => other,
    }
    .unwrap_or_else(|| var.span.clone());
    if value.is_null() && !var.nullable {
        return Err(Diagnostic::error(
            format!("Required variable \"{}\" is null", var.name),
            Some(span),
        )
        .with_detail("The variable is declared with nullable = false."));
    }
    let value = convert(value.mark_if(var.sensitive), &var.ty).map_err(|m| {
        Diagnostic::error(
            format!("Invalid value for variable \"{}\"", var.name),
            Some(span),
        )
        .with_detail(m)
    })?;
    Ok(value)
}

/// Checks a variable's `validation` blocks against its value.
pub fn validate(var: &Variable, value: &Value, base_dir: &Path) -> Vec<Diagnostic> {
    struct SelfScope<'a>(&'a str, &'a Value);
    impl Scope for SelfScope<'_> {
        fn resolve(
            &self,
            root: &str,
            attrs: &[&str],
            span: &Span,
        ) -> Result<(Value, usize), Diagnostic> {
            match (root, attrs.first()) {
                ("var", Some(name)) if *name == self.0 => Ok((self.1.clone(), 1)),
                _ => Err(Diagnostic::error("Invalid reference in variable validation", Some(span.clone()))
                    .with_detail(format!("The condition for variable \"{}\" can only refer to the variable itself, using var.{}.", self.0, self.0))),
            }
        }
    }
    let scope = SelfScope(&var.name, value);
    let ctx = EvalContext::new(&scope, base_dir);
    let mut out = Vec::new();
    for v in &var.validations {
        match evaluate(&v.condition, &ctx).map(|c| convert(c.into_unmarked().0, &Type::Bool)) {
            Ok(Ok(Value::Bool(true) | Value::Unknown)) => {}
            Ok(Ok(Value::Bool(false))) => {
                let message = match evaluate(&v.error_message, &ctx) {
                    Ok(m) if m.is_sensitive() => {
                        "The error message included a sensitive value, so it will not be displayed."
                            .to_string()
                    }
                    Ok(m) => m
                        .as_str()
                        .unwrap_or("The value failed validation.")
                        .to_string(),
                    Err(_) => "The value failed validation.".to_string(),
                };
                out.push(
                    Diagnostic::error("Invalid value for variable", Some(v.condition.span()))
                        .with_detail(format!(
                            "{message}\n\nThis was checked by the validation rule for var.{}.",
                            var.name
                        )),
                );
            }
            Ok(_) => out.push(
                Diagnostic::error("Invalid validation condition", Some(v.condition.span()))
                    .with_detail("The condition must be true or false."),
            ),
            Err(d) => out.push(d),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(dir: &Path, text: &str, sources: &mut Sources) -> Module {
        std::fs::write(dir.join("main.hcl"), text).unwrap();
        let (m, d) = crate::load_module(dir, sources);
        assert!(!d.has_errors(), "{d:?}");
        m
    }

    #[test]
    fn precedence_env_files_then_flags_in_order() {
        let dir = std::env::temp_dir().join(format!("iac-vars-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut sources = Sources::default();
        let m = module(
            &dir,
            "variable \"a\" {}\nvariable \"b\" {}\nvariable \"c\" {}\nvariable \"n\" {\n  type = list(number)\n  default = []\n}\n",
            &mut sources,
        );
        std::fs::write(dir.join("terraform.tfvars"), "a = \"file\"\nb = \"file\"\n").unwrap();
        std::fs::write(dir.join("x.auto.tfvars"), "b = \"auto\"\n").unwrap();
        let env = vec![
            ("IAC_VAR_a".to_string(), "env".to_string()),
            ("IAC_VAR_c".to_string(), "env".to_string()),
        ];
        let args = vec![VarArg::Pair("n=[1, 2]".into())];
        let (values, diags) = root_variables(&dir, &m, &args, env, &mut sources);
        assert!(!diags.has_errors(), "{diags:?}");
        assert_eq!(
            values["a"],
            Value::from("file"),
            "files beat the environment"
        );
        assert_eq!(
            values["b"],
            Value::from("auto"),
            "auto files beat terraform.tfvars"
        );
        assert_eq!(values["c"], Value::from("env"));
        assert_eq!(
            values["n"],
            Value::List(vec![Value::Number(1.0), Value::Number(2.0)]),
            "-var values of complex types are read as expressions"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn tf_var_and_json_files_take_their_terraform_places() {
        let dir = std::env::temp_dir().join(format!("iac-vars-json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut sources = Sources::default();
        let decls: String = [
            "env", "both", "tfvars", "json", "auto", "autojson", "cli", "obj",
        ]
        .iter()
        .map(|v| format!("variable \"{v}\" {{ default = \"default\" }}\n"))
        .collect();
        let m = module(&dir, &decls, &mut sources);
        std::fs::write(
            dir.join("terraform.tfvars"),
            "tfvars = \"tfvars\"\njson = \"tfvars\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("terraform.tfvars.json"),
            r#"{"json": "json", "auto": "json", "obj": {"k": [1, "${\"x\"}"]}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.join("a.auto.tfvars"),
            "auto = \"a.auto\"\nautojson = \"a.auto\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("b.auto.tfvars.json"),
            r#"{"autojson": "b.auto.json", "cli": "auto"}"#,
        )
        .unwrap();
        std::fs::write(dir.join("cli.json"), r#"{"cli": "file"}"#).unwrap();
        let env = vec![
            ("IAC_VAR_both".to_string(), "iac".to_string()),
            ("TF_VAR_both".to_string(), "tf".to_string()),
            ("TF_VAR_env".to_string(), "tf".to_string()),
            ("TF_VAR_tfvars".to_string(), "tf".to_string()),
        ];
        let args = vec![
            VarArg::File(dir.join("cli.json")),
            VarArg::Pair("obj={}".into()),
        ];
        let (values, diags) = root_variables(&dir, &m, &args, env, &mut sources);
        assert!(!diags.has_errors(), "{diags:?}");
        let got = |n: &str| values[n].clone();
        assert_eq!(got("env"), Value::from("tf"));
        assert_eq!(got("both"), Value::from("iac"), "IAC_VAR_ beats TF_VAR_");
        assert_eq!(
            got("tfvars"),
            Value::from("tfvars"),
            "files beat the environment"
        );
        assert_eq!(
            got("json"),
            Value::from("json"),
            "terraform.tfvars.json beats terraform.tfvars"
        );
        assert_eq!(
            got("auto"),
            Value::from("a.auto"),
            "auto files beat terraform.tfvars.json"
        );
        assert_eq!(
            got("autojson"),
            Value::from("b.auto.json"),
            "auto files in name order"
        );
        assert_eq!(
            got("cli"),
            Value::from("file"),
            "-var-file beats auto files"
        );
        assert_eq!(got("obj"), Value::from("{}"), "-var after -var-file wins");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn json_variable_files_report_line_and_column() {
        let dir = std::env::temp_dir().join(format!("iac-vars-badjson-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut sources = Sources::default();
        let m = module(&dir, "variable \"a\" {}\n", &mut sources);
        std::fs::write(dir.join("x.json"), "{\n  \"a\": [1,]\n}").unwrap();
        let args = vec![VarArg::File(dir.join("x.json"))];
        let (_, diags) = root_variables(&dir, &m, &args, Vec::new(), &mut sources);
        let text = diags.0[0].to_plain(&sources);
        assert!(text.contains("x.json:2:11"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn required_undeclared_and_invalid_values_are_errors() {
        let dir = std::env::temp_dir().join(format!("iac-vars-err-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut sources = Sources::default();
        let m = module(
            &dir,
            "variable \"need\" {\n  type = number\n}\n",
            &mut sources,
        );
        let (_, diags) = root_variables(
            &dir,
            &m,
            &[VarArg::Pair("nope=1".into())],
            std::iter::empty(),
            &mut sources,
        );
        let text: Vec<String> = diags.0.iter().map(|d| d.summary.clone()).collect();
        assert!(
            text.iter()
                .any(|s| s.contains("undeclared variable \"nope\"")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|s| s.contains("No value for required variable \"need\"")),
            "{text:?}"
        );
        let (_, diags) = root_variables(
            &dir,
            &m,
            &[VarArg::Pair("need=abc".into())],
            std::iter::empty(),
            &mut sources,
        );
        assert!(
            diags.0[0]
                .summary
                .contains("Invalid value for variable \"need\""),
            "{:?}",
            diags.0
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errors_about_sensitive_variables_never_show_the_value() {
        let dir = std::env::temp_dir().join(format!("iac-vars-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut sources = Sources::default();
        let m = module(
            &dir,
            "variable \"pin\" {\n  type      = number\n  sensitive = true\n}\nvariable \"pins\" {\n  type      = list(number)\n  sensitive = true\n}\nvariable \"pw\" {\n  sensitive = true\n  validation {\n    condition     = length(var.pw) > 8\n    error_message = \"${var.pw} is too short.\"\n  }\n}\n",
            &mut sources,
        );
        let args = [
            VarArg::Pair("pin=hunter2".into()),
            VarArg::Pair("pins=[\"hunter2\"]".into()),
            VarArg::Pair("pw=hunter2".into()),
        ];
        let (_, diags) = root_variables(&dir, &m, &args, std::iter::empty(), &mut sources);
        assert_eq!(diags.0.len(), 3, "{diags:?}");
        for d in &diags.0 {
            let text = format!("{}: {}", d.summary, d.detail.clone().unwrap_or_default());
            assert!(!text.contains("hunter2"), "{text}");
            if let Some(span) = &d.span {
                assert!(!sources.snippet(span).contains("hunter2"), "{text}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
