//! The command line before clap reads it, prepared as Terraform prepares its own:
//! `-chdir=DIR` taken off the front, `TF_CLI_ARGS` and `TF_CLI_ARGS_<command>` (and the
//! same with `IAC_`) inserted after the command's name, and `-v`, `-version` or
//! `--version` anywhere meaning `iac version`.

use std::path::PathBuf;

/// The command line to parse, and the folder to work in.
#[derive(Debug, PartialEq)]
pub struct Prepared {
    /// The arguments, starting with the program's name.
    pub args: Vec<String>,
    /// `-chdir=DIR`, given before the command.
    pub chdir: Option<PathBuf>,
}

/// Commands with subcommands, whose name is two words (`state list`).
const NESTED: &[&str] = &["state"];

/// Prepares `args` (the program's name first), reading extra arguments with `env`.
pub fn prepare(
    args: Vec<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Prepared, String> {
    let (chdir, mut args) = take_chdir(args)?;
    let command = command_name(&args);
    if !command.is_empty() {
        let suffix = command.replace(['-', ' '], "_");
        // Each insertion goes in front of the previous ones, and the last of a repeated
        // option wins: the user's own arguments beat IAC_ ones, which beat TF_ ones.
        for prefix in ["IAC_CLI_ARGS", "TF_CLI_ARGS"] {
            for name in [prefix.to_string(), format!("{prefix}_{suffix}")] {
                if let Some(value) = env(&name).filter(|v| !v.is_empty()) {
                    let extra = shlex::split(&value).ok_or_else(|| {
                        format!(
                            "Error parsing extra CLI args from {name}: unbalanced quotes or a trailing backslash in {value:?}"
                        )
                    })?;
                    insert_after_command(&mut args, &command, extra);
                }
            }
        }
    }
    if args
        .iter()
        .skip(1)
        .any(|a| a == "-v" || a == "-version" || a == "--version")
    {
        let json = args.iter().any(|a| a == "-json" || a == "--json");
        args.truncate(1);
        args.push("version".into());
        if json {
            args.push("-json".into());
        }
    }
    Ok(Prepared { args, chdir })
}

/// Takes `-chdir=DIR` from the options before the command, as Terraform does.
fn take_chdir(mut args: Vec<String>) -> Result<(Option<PathBuf>, Vec<String>), String> {
    let mut found = None;
    for (i, arg) in args.iter().enumerate().skip(1) {
        if !arg.starts_with('-') {
            break;
        }
        let name = arg.trim_start_matches('-');
        if name == "chdir" || name == "chdir=" {
            return Err("Invalid -chdir option: must include an equals sign followed by a directory path, like -chdir=example".into());
        }
        if let Some(dir) = name.strip_prefix("chdir=") {
            found = Some((i, PathBuf::from(dir)));
        }
    }
    Ok(match found {
        Some((i, dir)) => {
            args.remove(i);
            (Some(dir), args)
        }
        None => (None, args),
    })
}

/// The command named: the first argument that is not an option, with the next one for
/// commands that have subcommands.
fn command_name(args: &[String]) -> String {
    let mut words = args.iter().skip(1).skip_while(|a| a.starts_with('-'));
    let Some(first) = words.next() else {
        return String::new();
    };
    match words.next() {
        Some(sub) if NESTED.contains(&first.as_str()) && !sub.starts_with('-') => {
            format!("{first} {sub}")
        }
        _ => first.clone(),
    }
}

/// Inserts `extra` right after the command's (last) word.
fn insert_after_command(args: &mut Vec<String>, command: &str, extra: Vec<String>) {
    let last = command.rsplit(' ').next().unwrap_or(command);
    let at = args
        .iter()
        .skip(1)
        .position(|a| a == last)
        .map_or(args.len(), |i| i + 2);
    args.splice(at..at, extra);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn chdir_comes_off_the_front() {
        let p = prepare(s(&["iac", "-chdir=stacks/web", "plan", "-out=p"]), env(&[])).unwrap();
        assert_eq!(p.chdir, Some(PathBuf::from("stacks/web")));
        assert_eq!(p.args, s(&["iac", "plan", "-out=p"]));
        let p = prepare(s(&["iac", "--chdir=x", "validate"]), env(&[])).unwrap();
        assert_eq!(p.chdir, Some(PathBuf::from("x")));
        // After the command it is the command's own (unknown) option.
        let p = prepare(s(&["iac", "plan", "-chdir=x"]), env(&[])).unwrap();
        assert_eq!(p.chdir, None);
        assert!(prepare(s(&["iac", "-chdir", "x", "plan"]), env(&[])).is_err());
    }

    #[test]
    fn cli_args_go_after_the_command() {
        let vars = [
            ("TF_CLI_ARGS", "-no-color"),
            ("TF_CLI_ARGS_plan", "-refresh=false -var 'a=b c'"),
            ("TF_CLI_ARGS_apply", "-auto-approve"),
            ("IAC_CLI_ARGS_plan", "-parallelism=2"),
        ];
        let p = prepare(s(&["iac", "-chdir=d", "plan", "-out=p", "dir"]), env(&vars)).unwrap();
        assert_eq!(
            p.args,
            s(&[
                "iac",
                "plan",
                "-refresh=false",
                "-var",
                "a=b c",
                "-no-color",
                "-parallelism=2",
                "-out=p",
                "dir"
            ])
        );
    }

    #[test]
    fn nested_commands_have_two_word_names() {
        let vars = [
            ("TF_CLI_ARGS_state_list", "-dir=x"),
            ("TF_CLI_ARGS_force_unlock", "-force"),
        ];
        let p = prepare(s(&["iac", "state", "list", "a.b"]), env(&vars)).unwrap();
        assert_eq!(p.args, s(&["iac", "state", "list", "-dir=x", "a.b"]));
        let p = prepare(s(&["iac", "force-unlock", "ID"]), env(&vars)).unwrap();
        assert_eq!(p.args, s(&["iac", "force-unlock", "-force", "ID"]));
    }

    #[test]
    fn bad_quoting_is_an_error() {
        let err = prepare(s(&["iac", "plan"]), env(&[("TF_CLI_ARGS", "-var 'a=b")])).unwrap_err();
        assert!(err.contains("TF_CLI_ARGS"), "{err}");
    }

    #[test]
    fn version_flags_mean_the_version_command() {
        for flag in ["-v", "-version", "--version"] {
            let p = prepare(s(&["iac", flag]), env(&[])).unwrap();
            assert_eq!(p.args, s(&["iac", "version"]));
        }
        let p = prepare(s(&["iac", "-version", "-json"]), env(&[])).unwrap();
        assert_eq!(p.args, s(&["iac", "version", "-json"]));
    }
}
