//! The seed teams' systems as they were made: by hand, with the AWS SDK on moto (never
//! with `iac`) in an account of their own, and over HTTP on the DigitalOcean emulator.
//! Each builder returns what it [`Made`], so that an adoption test can check the
//! configuration written for it.

pub mod aws;
pub mod check;
pub mod digitalocean;
pub mod systems;

use std::collections::BTreeMap;

use crate::Stack;

/// What a hand-made system holds.
#[derive(Debug, Default)]
pub struct Made {
    /// Every id the cloud gave an object (instance, group, allocation, zone, droplet
    /// ids...), and the ids of what the system uses without owning (the default VPC,
    /// its subnets, the image): none may appear as a literal in an adopted stack.
    pub ids: Vec<String>,
    /// How many objects of each Terraform resource type the system holds.
    pub objects: BTreeMap<&'static str, usize>,
}

impl Made {
    /// Records `n` more objects of `type_name`.
    pub fn count(&mut self, type_name: &'static str, n: usize) {
        *self.objects.entry(type_name).or_default() += n;
    }

    /// Records an id the adopted stack must not hold as a literal.
    pub fn id(&mut self, id: impl Into<String>) -> String {
        let id = id.into();
        self.ids.push(id.clone());
        id
    }

    /// How many objects in all.
    pub fn total(&self) -> usize {
        self.objects.values().sum()
    }
}

/// Adopts what `stack`'s account holds into the stack's empty folder with
/// `iac adopt . ARGS`, and checks the promise of adoption: files a person would have
/// written (parsed, no literal id where a reference or a lookup belongs), a first plan
/// that only imports, every object of `made`, and after `apply` a plan that is clean
/// (`-detailed-exitcode` 0). Returns what was written.
pub fn adopt(stack: &Stack, made: &Made, args: &[&str]) -> check::Written {
    let mut adopt = vec!["adopt", ".", "-no-color"];
    adopt.extend(args);
    stack.iac(&adopt).expect(0);
    let written = check::Written::read(stack.path());
    written.assert_no_literal_ids(made);

    let plan = stack.iac(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, 2, "{}\n{}", plan.stdout, plan.stderr);
    assert_eq!(
        check::plan_counts(&plan.stdout),
        (made.total(), 0, 0, 0),
        "the first plan imports every object and changes nothing:\n{}\n{}",
        plan.stdout,
        written.text()
    );
    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let clean = stack.iac(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(
        clean.code, 0,
        "after the imports the stack plans clean:\n{}\n{}",
        clean.stdout, clean.stderr
    );
    written
}

/// Adopting again into a folder that holds the stack is refused, and changes no file.
pub fn assert_adopt_refuses_to_overwrite(stack: &Stack, args: &[&str]) {
    let before = check::Written::read(stack.path()).text();
    let mut adopt = vec!["adopt", ".", "-no-color"];
    adopt.extend(args);
    let again = stack.iac(&adopt);
    assert_ne!(again.code, 0, "{}", again.stdout);
    assert!(
        again.stderr.contains("already exist") && again.stderr.contains("compute.tf"),
        "the refusal names the files: {}",
        again.stderr
    );
    assert_eq!(check::Written::read(stack.path()).text(), before);
}

/// After `edit`, the plan is exactly one in-place update, of `attribute`.
pub fn assert_plans_one_update(stack: &Stack, attribute: &str) {
    let plan = stack.iac(&["plan", "-no-color"]).expect(0);
    assert_eq!(
        check::plan_counts(&plan.stdout),
        (0, 0, 1, 0),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("~ {attribute} "))),
        "the update changes {attribute}:\n{}",
        plan.stdout
    );
}
