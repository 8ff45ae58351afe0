//! RDS end to end (moto only: LocalStack's free edition has no RDS): a database with
//! its parameter group and subnet group; in-place changes, a replacement, import, and
//! AWS's own errors reported against the resource; a major `engine_version` naming the
//! minor version an imported database runs. Checked with aws-sdk-rds.

use iac_e2e::{Emulator, Stack, on_emulators, one_at_a_time, unique};

fn stack_files(name: &str) -> String {
    format!(
        r#"
variable "instance_class" {{
  default = "db.t4g.micro"
}}

variable "work_mem" {{
  default = "8192"
}}

variable "engine" {{
  default = "postgres"
}}

variable "db_name" {{
  default = "app"
}}

data "aws_vpc" "default" {{
  default = true
}}

data "aws_subnets" "default" {{
  filter {{
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }}
}}

resource "aws_db_subnet_group" "main" {{
  name       = "{name}"
  subnet_ids = data.aws_subnets.default.ids
  tags = {{
    team = "data"
  }}
}}

resource "aws_db_parameter_group" "tuned" {{
  name   = "{name}"
  family = "postgres16"

  parameter {{
    name  = "work_mem"
    value = var.work_mem
  }}

  parameter {{
    name         = "shared_buffers"
    value        = "{{DBInstanceClassMemory/32768}}"
    apply_method = "pending-reboot"
  }}
}}

resource "aws_db_instance" "main" {{
  identifier              = "{name}"
  engine                  = var.engine
  engine_version          = "16"
  instance_class          = var.instance_class
  allocated_storage       = 20
  max_allocated_storage   = 100
  db_name                 = var.db_name
  username                = "app"
  password                = "correct-horse-battery"
  db_subnet_group_name    = aws_db_subnet_group.main.name
  parameter_group_name    = aws_db_parameter_group.tuned.name
  backup_retention_period = 7
  skip_final_snapshot     = true
  apply_immediately       = true

  timeouts {{
    create = "10m"
  }}
}}

output "endpoint" {{
  value = aws_db_instance.main.endpoint
}}
"#
    )
}

async fn database_lifecycle(emu: Emulator) {
    // It counts the account's databases at the end.
    let _account = one_at_a_time(emu).await;
    let name = unique("db").replace('_', "-");
    let stack = Stack::new(emu, &[("main.hcl", &stack_files(&name))]);
    let rds = aws_sdk_rds::Client::new(&stack.sdk());
    let describe = || async {
        rds.describe_db_instances()
            .db_instance_identifier(&name)
            .send()
            .await
            .unwrap()
            .db_instances()[0]
            .clone()
    };

    stack
        .iac(&["apply", "-auto-approve", "-no-color"])
        .expect(0);
    let db = describe().await;
    assert_eq!(db.db_instance_status(), Some("available"));
    assert_eq!(db.db_instance_class(), Some("db.t4g.micro"));
    assert_eq!(db.max_allocated_storage(), Some(100));
    assert_eq!(
        db.db_subnet_group().and_then(|g| g.db_subnet_group_name()),
        Some(name.as_str())
    );
    let endpoint = db.endpoint().unwrap();
    assert_eq!(
        stack.state()["outputs"]["endpoint"]["value"],
        format!(
            "{}:{}",
            endpoint.address().unwrap(),
            endpoint.port().unwrap()
        )
    );
    let state = String::from_utf8(stack.state_bytes().unwrap()).unwrap();
    assert!(
        state.contains("\"password\""),
        "the password is in the state"
    );
    let shown = stack.iac(&["show", "-no-color"]).expect(0);
    assert!(
        !shown.stdout.contains("correct-horse-battery"),
        "{}",
        shown.stdout
    );
    stack
        .iac(&["plan", "-detailed-exitcode", "-no-color"])
        .expect(0);

    // A new class and a new parameter value change things in place.
    let vars = [
        "-var",
        "instance_class=db.t4g.small",
        "-var",
        "work_mem=16384",
    ];
    let plan = stack
        .iac(&[&["plan", "-no-color"][..], &vars].concat())
        .expect(0);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 2 to change, 0 to destroy.")
            && !plan.stdout.contains("correct-horse-battery"),
        "{}",
        plan.stdout
    );
    stack
        .iac(&[&["apply", "-auto-approve", "-no-color"][..], &vars].concat())
        .expect(0);
    assert_eq!(describe().await.db_instance_class(), Some("db.t4g.small"));
    let parameters = rds
        .describe_db_parameters()
        .db_parameter_group_name(&name)
        .send()
        .await
        .unwrap();
    assert!(parameters.parameters().iter().any(|p| {
        p.parameter_name() == Some("work_mem") && p.parameter_value() == Some("16384")
    }));

    // A new database name can only come with a new instance.
    let vars = [&vars[..], &["-var", "db_name=app2"]].concat();
    let plan = stack
        .iac(&[&["plan", "-no-color"][..], &vars].concat())
        .expect(0);
    assert!(
        plan.stdout
            .contains("aws_db_instance.main must be replaced"),
        "{}",
        plan.stdout
    );
    stack
        .iac(&[&["apply", "-auto-approve", "-no-color"][..], &vars].concat())
        .expect(0);
    assert_eq!(describe().await.db_name(), Some("app2"));

    // Adopt all three again by name: the plan has nothing to do.
    let adopt = [
        ("aws_db_subnet_group.main", name.as_str()),
        ("aws_db_parameter_group.tuned", name.as_str()),
        ("aws_db_instance.main", name.as_str()),
    ];
    for (addr, _) in adopt {
        stack.iac(&["state", "rm", addr]).expect(0);
    }
    for (addr, id) in adopt {
        stack
            .iac(&[&["import", "-no-color"][..], &vars, &[addr, id]].concat())
            .expect(0);
    }
    let plan = stack.iac(&[&["plan", "-detailed-exitcode", "-no-color"][..], &vars].concat());
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);

    // AWS's own refusal reaches the user against the resource, with the operation.
    let bad = stack
        .iac(
            &[
                &["apply", "-auto-approve", "-no-color"][..],
                &vars,
                &["-var", "engine=postgress"],
            ]
            .concat(),
        )
        .expect(1);
    assert!(
        bad.stderr.contains("aws_db_instance.main")
            && bad.stderr.contains("CreateDBInstance")
            && bad.stderr.contains("postgress"),
        "{}",
        bad.stderr
    );
    assert!(
        rds.describe_db_instances()
            .db_instance_identifier(&name)
            .send()
            .await
            .is_err(),
        "the old instance was replaced and the new one refused"
    );

    stack
        .iac(&[&["destroy", "-auto-approve", "-no-color"][..], &vars].concat())
        .expect(0);
    assert!(
        rds.describe_db_instances()
            .send()
            .await
            .unwrap()
            .db_instances()
            .is_empty()
    );
    assert!(
        rds.describe_db_subnet_groups()
            .send()
            .await
            .unwrap()
            .db_subnet_groups()
            .is_empty()
    );
}

on_emulators!(database_lifecycle: Moto);

/// A database made outside the stack, running a minor version the stack does not name.
fn major_version_stack(name: &str) -> String {
    format!(
        r#"
variable "engine_version" {{
  default = "14"
}}

resource "aws_db_instance" "legacy" {{
  identifier                  = "{name}"
  engine                      = "postgres"
  engine_version              = var.engine_version
  allow_major_version_upgrade = true
  instance_class              = "db.t4g.micro"
  allocated_storage           = 20
  username                    = "app"
  password                    = "correct-horse-battery"
  skip_final_snapshot         = true
  apply_immediately           = true
}}
"#
    )
}

async fn a_major_version_names_the_running_minor(emu: Emulator) {
    let _account = one_at_a_time(emu).await;
    let name = unique("legacy").replace('_', "-");
    let stack = Stack::new(emu, &[("main.hcl", &major_version_stack(&name))]);
    let rds = aws_sdk_rds::Client::new(&stack.sdk());
    rds.create_db_instance()
        .db_instance_identifier(&name)
        .engine("postgres")
        .engine_version("14.10")
        .db_instance_class("db.t4g.micro")
        .allocated_storage(20)
        .master_username("app")
        .master_user_password("correct-horse-battery")
        .send()
        .await
        .unwrap();

    stack
        .iac(&["import", "-no-color", "aws_db_instance.legacy", &name])
        .expect(0);
    assert_eq!(
        stack.attr("aws_db_instance.legacy", "engine_version_actual"),
        "14.10"
    );
    let plan = stack.iac(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(
        plan.code, 0,
        "\"14\" names the running 14.10:\n{}\n{}",
        plan.stdout, plan.stderr
    );

    let upgrade = stack
        .iac(&["plan", "-no-color", "-var", "engine_version=15"])
        .expect(0);
    assert!(
        upgrade
            .stdout
            .contains("aws_db_instance.legacy will be updated in-place")
            && upgrade.stdout.lines().any(|l| {
                l.trim_start().starts_with("~ engine_version ") && l.ends_with(r#""14.10" -> "15""#)
            })
            && upgrade
                .stdout
                .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        upgrade.stdout
    );

    // The database was never the stack's to delete (and `destroy` after an import alone
    // would not know skip_final_snapshot): it goes as it came.
    stack
        .iac(&["state", "rm", "aws_db_instance.legacy"])
        .expect(0);
    rds.delete_db_instance()
        .db_instance_identifier(&name)
        .skip_final_snapshot(true)
        .send()
        .await
        .unwrap();
}

on_emulators!(a_major_version_names_the_running_minor: Moto);
