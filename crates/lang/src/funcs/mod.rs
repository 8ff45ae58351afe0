//! The built-in functions, one module per family as in Terraform's `internal/lang/funcs`.
//!
//! Each family lists its functions as [`Function`]s: a name, the parameters' names (for
//! Terraform's argument errors) and an implementation. [`call`] finds the function, checks
//! the argument count, and handles the marks: unless a function says otherwise, an
//! argument that is not wholly known makes the result unknown, and a sensitive argument
//! makes the result sensitive. `can`, `try` and `templatestring` see their argument
//! expressions, so the evaluator handles them before calling here.

mod args;
mod collection;
mod conversion;
mod crypto;
mod datetime;
mod encoding;
mod filesystem;
mod format;
mod network;
mod number;
mod set;
mod string;
mod yaml;

use std::path::Path;

use iac_value::Value;

pub(crate) use filesystem::render_template;

use crate::eval::Phase;

/// Why a call failed.
#[derive(Debug)]
pub(crate) enum CallError {
    /// No function has that name.
    Unknown,
    /// The function failed: "Call to function "f" failed: ...".
    Failed(String),
    /// The argument at this index was rejected: "Invalid value for "p" parameter: ...".
    Arg(usize, String),
    /// A diagnostic of its own: summary and detail.
    Diag(String, String),
}

/// The result of a function.
pub(crate) type R = Result<Value, CallError>;

/// A function's failure.
pub(crate) fn fail<T>(msg: impl Into<String>) -> Result<T, CallError> {
    Err(CallError::Failed(msg.into()))
}

/// A rejected argument.
pub(crate) fn bad_arg<T>(index: usize, msg: impl Into<String>) -> Result<T, CallError> {
    Err(CallError::Arg(index, msg.into()))
}

/// What a function call may use besides its arguments.
pub(crate) struct Ctx<'a> {
    /// The folder relative file paths are read from.
    pub base_dir: &'a Path,
    pub phase: Phase,
}

/// How a function receives its arguments.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Args {
    /// Wholly known and unmarked; the result is unknown when an argument is not wholly
    /// known, and sensitive when one was sensitive.
    Known,
    /// Unmarked, possibly with unknowns inside; the result is sensitive when an argument was.
    MaybeUnknown,
    /// As given, marks and unknowns included.
    Marked,
}

/// One built-in function.
pub(crate) struct Function {
    pub name: &'static str,
    /// The names of the fixed parameters.
    pub params: &'static [&'static str],
    /// The name of the variadic parameter, if any.
    pub variadic: Option<&'static str>,
    pub args: Args,
    pub imp: fn(&Ctx, Vec<Value>) -> R,
}

/// A function with fixed parameters and wholly known arguments.
pub(crate) const fn f(
    name: &'static str,
    params: &'static [&'static str],
    imp: fn(&Ctx, Vec<Value>) -> R,
) -> Function {
    Function {
        name,
        params,
        variadic: None,
        args: Args::Known,
        imp,
    }
}

impl Function {
    /// The same function with a variadic parameter.
    pub(crate) const fn variadic(mut self, name: &'static str) -> Function {
        self.variadic = Some(name);
        self
    }

    /// The same function, receiving its arguments as `args`.
    pub(crate) const fn taking(mut self, args: Args) -> Function {
        self.args = args;
        self
    }

    /// The name of the parameter that argument `index` is for.
    pub(crate) fn param(&self, index: usize) -> &'static str {
        self.params
            .get(index)
            .copied()
            .or(self.variadic)
            .unwrap_or("")
    }
}

/// Functions the evaluator handles itself, because they see their argument expressions.
const EVALUATOR_FUNCTIONS: &[&str] = &["can", "templatestring", "try"];

fn families() -> [&'static [Function]; 12] {
    [
        collection::FUNCTIONS,
        conversion::FUNCTIONS,
        crypto::FUNCTIONS,
        datetime::FUNCTIONS,
        encoding::FUNCTIONS,
        filesystem::FUNCTIONS,
        format::FUNCTIONS,
        network::FUNCTIONS,
        number::FUNCTIONS,
        set::FUNCTIONS,
        string::FUNCTIONS,
        yaml::FUNCTIONS,
    ]
}

/// The function called `name`, if there is one.
pub(crate) fn lookup(name: &str) -> Option<&'static Function> {
    families()
        .into_iter()
        .flat_map(|family| family.iter())
        .find(|f| f.name == name)
}

/// The names of all functions, for suggestions.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    families()
        .into_iter()
        .flat_map(|family| family.iter().map(|f| f.name))
        .chain(EVALUATOR_FUNCTIONS.iter().copied())
}

/// Calls function `name`.
pub(crate) fn call(name: &str, args: Vec<Value>, ctx: &Ctx) -> R {
    let func = lookup(name).ok_or(CallError::Unknown)?;
    check_arity(func, args.len())?;
    match func.args {
        Args::Marked => (func.imp)(ctx, args),
        Args::Known | Args::MaybeUnknown => {
            let sensitive = args.iter().any(Value::contains_sensitive);
            if func.args == Args::Known && args.iter().any(|a| !a.is_wholly_known()) {
                return Ok(Value::Unknown.mark_if(sensitive));
            }
            let args: Vec<Value> = args.into_iter().map(|a| a.unmark_deep().0).collect();
            Ok((func.imp)(ctx, args)?.mark_if(sensitive))
        }
    }
}

fn check_arity(func: &Function, given: usize) -> Result<(), CallError> {
    let fixed = func.params.len();
    if given < fixed {
        return Err(CallError::Diag(
            "Not enough function arguments".into(),
            format!(
                "Function \"{}\" expects {fixed} argument(s). Missing value for \"{}\".",
                func.name, func.params[given]
            ),
        ));
    }
    if given > fixed && func.variadic.is_none() {
        return Err(CallError::Diag(
            "Too many function arguments".into(),
            format!(
                "Function \"{}\" expects only {fixed} argument(s).",
                func.name
            ),
        ));
    }
    Ok(())
}

/// The summary and detail of a failed call of `name`, as Terraform words them.
pub(crate) fn describe(name: &str, err: CallError) -> (String, String) {
    match err {
        CallError::Unknown => (
            "Call to unknown function".into(),
            format!(
                "There is no function named \"{name}\".{}",
                crate::did_you_mean(name, names())
            ),
        ),
        CallError::Failed(m) => (
            "Error in function call".into(),
            format!("Call to function \"{name}\" failed: {}.", sentence(&m)),
        ),
        CallError::Arg(i, m) => {
            let param = lookup(name).map(|f| f.param(i)).unwrap_or("");
            (
                "Invalid function argument".into(),
                format!("Invalid value for \"{param}\" parameter: {}.", sentence(&m)),
            )
        }
        CallError::Diag(summary, detail) => (summary, detail),
    }
}

/// A message without its final full stop (one is added after it).
fn sentence(m: &str) -> &str {
    m.strip_suffix('.').unwrap_or(m)
}

#[cfg(test)]
mod tests;
