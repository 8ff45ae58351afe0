//! `aws_db_instance`: an RDS database instance.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_rds::operation::modify_db_instance::builders::ModifyDBInstanceFluentBuilder;
use aws_sdk_rds::types::DbInstance as Description;
use iac_provider::{
    ApplyError, Attribute, CreateToken, Error, Found, PlannedState, Schema, ValidationError,
};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::{tag_list, tag_map, update_tags};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, invalid, read_back};
use crate::retry::{once, retry};
use crate::tags::read_tags;
use crate::timeouts;
use crate::values::{flag, int, num, string, string_set, strings, text, with};
use crate::wait::{Look, until};

pub struct DbInstance;

const NOT_FOUND: &[&str] = &["DBInstanceNotFound", "DBInstanceNotFoundFault"];

/// What RDS answers to a second instance with the same identifier.
const ALREADY_EXISTS: &[&str] = &["DBInstanceAlreadyExists", "DBInstanceAlreadyExistsFault"];

/// Statuses an instance does not leave by itself.
const FAILED: &[&str] = &[
    "failed",
    "incompatible-credentials",
    "incompatible-network",
    "incompatible-option-group",
    "incompatible-parameters",
    "incompatible-restore",
    "inaccessible-encryption-credentials",
    "storage-full",
];

/// A setting a `ModifyDBInstance` call can change, by attribute name.
type Setter = fn(ModifyDBInstanceFluentBuilder, &Value) -> ModifyDBInstanceFluentBuilder;

/// The attributes changed in place, and how each goes into `ModifyDBInstance`.
const MODIFIABLE: &[(&str, Setter)] = &[
    ("instance_class", |r, v| {
        r.set_db_instance_class(string(v, "instance_class"))
    }),
    ("engine_version", |r, v| {
        r.set_engine_version(string(v, "engine_version"))
            .allow_major_version_upgrade(flag(v, "allow_major_version_upgrade"))
    }),
    ("allocated_storage", |r, v| {
        r.set_allocated_storage(int(v, "allocated_storage").map(|n| n as i32))
    }),
    ("max_allocated_storage", |r, v| {
        r.set_max_allocated_storage(int(v, "max_allocated_storage").map(|n| n as i32))
    }),
    ("storage_type", |r, v| {
        r.set_storage_type(string(v, "storage_type"))
    }),
    ("password", |r, v| {
        r.set_master_user_password(string(v, "password"))
    }),
    ("port", |r, v| {
        r.set_db_port_number(int(v, "port").map(|n| n as i32))
    }),
    ("parameter_group_name", |r, v| {
        r.set_db_parameter_group_name(string(v, "parameter_group_name"))
    }),
    ("vpc_security_group_ids", |r, v| {
        r.set_vpc_security_group_ids(Some(strings(v, "vpc_security_group_ids")))
    }),
    ("backup_retention_period", |r, v| {
        r.set_backup_retention_period(int(v, "backup_retention_period").map(|n| n as i32))
    }),
    ("backup_window", |r, v| {
        r.set_preferred_backup_window(string(v, "backup_window"))
    }),
    ("maintenance_window", |r, v| {
        r.set_preferred_maintenance_window(string(v, "maintenance_window"))
    }),
    ("multi_az", |r, v| {
        r.set_multi_az(v.get("multi_az").as_bool())
    }),
    ("publicly_accessible", |r, v| {
        r.publicly_accessible(flag(v, "publicly_accessible"))
    }),
    ("auto_minor_version_upgrade", |r, v| {
        r.auto_minor_version_upgrade(flag(v, "auto_minor_version_upgrade"))
    }),
    ("deletion_protection", |r, v| {
        r.deletion_protection(flag(v, "deletion_protection"))
    }),
    ("copy_tags_to_snapshot", |r, v| {
        r.copy_tags_to_snapshot(flag(v, "copy_tags_to_snapshot"))
    }),
];

impl DbInstance {
    async fn describe(&self, aws: &AwsClients, id: &str) -> Result<Option<Description>, Error> {
        let req = aws.rds.describe_db_instances().db_instance_identifier(id);
        match retry("DescribeDBInstances", &[], || req.clone().send()).await {
            Ok(out) => Ok(out.db_instances().first().cloned()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
            Err(e) => Err(api("DescribeDBInstances", e)),
        }
    }

    /// The database with identifier `id` (identifiers are unique in a region), if it
    /// runs the planned engine.
    async fn locate(
        &self,
        aws: &AwsClients,
        planned: &Value,
        id: &str,
    ) -> Result<Option<String>, Error> {
        let engine = string(planned, "engine");
        Ok(self
            .describe(aws, id)
            .await?
            .filter(|d| engine.is_none() || d.engine() == engine.as_deref())
            .map(|_| id.to_string()))
    }

    /// Waits until the instance is `available` (or gone, when `gone` is set).
    async fn wait(
        &self,
        aws: &AwsClients,
        id: &str,
        timeout: Duration,
        operation: &str,
        gone: bool,
    ) -> Result<(), Error> {
        let what = if gone {
            format!("database {id} to be deleted")
        } else {
            format!("database {id} to be available")
        };
        until(operation, &what, timeout, || async {
            let status = self
                .describe(aws, id)
                .await?
                .map(|d| d.db_instance_status().unwrap_or_default().to_string());
            Ok(match status {
                None if gone => Look::Ready(()),
                None => Look::Pending("not yet visible".into()),
                Some(s) if !gone && s == "available" => Look::Ready(()),
                Some(s) if FAILED.contains(&s.as_str()) => Look::Failed(s),
                Some(s) => Look::Pending(s),
            })
        })
        .await
    }
}

/// Whether a configured engine version names the running one: equal, or a prefix of it
/// ending at a version component ("14" names "14.10", "1" does not; Terraform's rule).
fn version_matches(configured: &str, running: &str) -> bool {
    configured == running
        || running
            .strip_prefix(configured)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The `engine_version` a refresh records: the recorded one while it names the running
/// version, or while it is the upgrade waiting for the maintenance window; else the
/// running version.
fn recorded_version<'a>(
    recorded: Option<&'a str>,
    running: &'a str,
    pending: Option<&str>,
) -> &'a str {
    match recorded {
        Some(v) if !v.is_empty() && (Some(v) == pending || version_matches(v, running)) => v,
        _ => running,
    }
}

#[async_trait]
impl Resource<AwsClients> for DbInstance {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::instance_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::instances(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        let oc = Attribute::optional_computed;
        Schema::new(
            [
                ("identifier", oc(Type::String).force_new()),
                (
                    "identifier_prefix",
                    Attribute::optional(Type::String).force_new(),
                ),
                ("engine", oc(Type::String).force_new()),
                ("engine_version", oc(Type::String)),
                ("engine_version_actual", Attribute::computed(Type::String)),
                (
                    "allow_major_version_upgrade",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
                ("instance_class", Attribute::required(Type::String)),
                ("allocated_storage", oc(Type::Number)),
                ("max_allocated_storage", Attribute::optional(Type::Number)),
                ("storage_type", oc(Type::String)),
                (
                    "storage_encrypted",
                    Attribute::optional(Type::Bool).default(false).force_new(),
                ),
                ("db_name", oc(Type::String).force_new()),
                ("username", oc(Type::String).force_new()),
                (
                    "password",
                    Attribute::optional(Type::String).sensitive().config_only(),
                ),
                ("port", oc(Type::Number)),
                ("parameter_group_name", oc(Type::String)),
                ("db_subnet_group_name", oc(Type::String).force_new()),
                ("vpc_security_group_ids", oc(Type::set(Type::String))),
                ("backup_retention_period", oc(Type::Number)),
                ("backup_window", oc(Type::String)),
                ("maintenance_window", oc(Type::String)),
                ("multi_az", oc(Type::Bool)),
                (
                    "publicly_accessible",
                    Attribute::optional(Type::Bool).default(false),
                ),
                (
                    "auto_minor_version_upgrade",
                    Attribute::optional(Type::Bool).default(true),
                ),
                (
                    "deletion_protection",
                    Attribute::optional(Type::Bool).default(false),
                ),
                (
                    "copy_tags_to_snapshot",
                    Attribute::optional(Type::Bool).default(false),
                ),
                (
                    "skip_final_snapshot",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
                (
                    "final_snapshot_identifier",
                    Attribute::optional(Type::String).config_only(),
                ),
                (
                    "apply_immediately",
                    Attribute::optional(Type::Bool).default(false).config_only(),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("resource_id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("address", Attribute::computed(Type::String)),
                ("endpoint", Attribute::computed(Type::String)),
                ("hosted_zone_id", Attribute::computed(Type::String)),
                ("status", Attribute::computed(Type::String)),
            ],
            [timeouts::block(&["create", "update", "delete"])],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        if let Some(id) = config.get("identifier").as_str()
            && (id.len() > 63
                || !id.starts_with(|c: char| c.is_ascii_lowercase())
                || id.ends_with('-')
                || id.contains("--")
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        {
            out.push(invalid(
                "identifier",
                "lowercase letters, digits and single hyphens, starting with a letter, at most 63 characters",
            ));
        }
        if !config.get("identifier").is_null() && !config.get("identifier_prefix").is_null() {
            out.push(invalid(
                "identifier_prefix",
                "\"identifier_prefix\" conflicts with \"identifier\"",
            ));
        }
        if let Some(p) = config.get("password").as_str()
            && p.len() < 8
        {
            out.push(invalid("password", "at least 8 characters"));
        }
        timeouts::validate(config, &mut out);
        out
    }

    fn plan(
        &self,
        _aws: &AwsClients,
        prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        // AWS reports windows in lower case.
        for window in ["backup_window", "maintenance_window"] {
            if let Some(w) = proposed.get(window).as_str() {
                let lower = w.to_lowercase();
                proposed = with(proposed, window, Value::from(lower));
            }
        }
        if let Some(p) = prior {
            // A configured "14" while AWS runs 14.10 (after an import, or a minor
            // upgrade) is no change: the prior value stays, unless it is an upgrade
            // still pending.
            if let (Some(configured), Some(recorded), Some(running)) = (
                proposed.get("engine_version").as_str(),
                p.get("engine_version").as_str(),
                p.get("engine_version_actual").as_str(),
            ) && version_matches(configured, running)
                && version_matches(recorded, running)
            {
                let kept = p.get("engine_version").clone();
                proposed = with(proposed, "engine_version", kept);
            }
            if proposed.get("engine_version") != p.get("engine_version") {
                proposed = with(proposed, "engine_version_actual", Value::Unknown);
            }
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(id) = string(current, "identifier") else {
            return Ok(None);
        };
        let Some(d) = self.describe(aws, &id).await? else {
            return Ok(None);
        };
        let actual = d.engine_version().unwrap_or_default().to_string();
        let pending = d.pending_modified_values().and_then(|p| p.engine_version());
        let engine_version = Value::from(recorded_version(
            current.get("engine_version").as_str(),
            &actual,
            pending,
        ));
        let endpoint = d.endpoint();
        let address = endpoint.and_then(|e| e.address()).unwrap_or_default();
        let port = endpoint.and_then(|e| e.port()).or(d.db_instance_port());
        let (tags, tags_all) = read_tags(
            &tag_map(d.tag_list()),
            current.get("tags"),
            &aws.default_tags,
        );
        let keep = |name: &str| current.get(name).clone();
        Ok(Some(Value::object([
            ("identifier", Value::from(id.as_str())),
            ("identifier_prefix", keep("identifier_prefix")),
            ("engine", text(d.engine())),
            ("engine_version", engine_version),
            ("engine_version_actual", Value::from(actual)),
            (
                "allow_major_version_upgrade",
                keep("allow_major_version_upgrade"),
            ),
            ("instance_class", text(d.db_instance_class())),
            ("allocated_storage", num(d.allocated_storage())),
            ("max_allocated_storage", num(d.max_allocated_storage())),
            ("storage_type", text(d.storage_type())),
            (
                "storage_encrypted",
                Value::Bool(d.storage_encrypted().unwrap_or(false)),
            ),
            ("db_name", text(d.db_name())),
            ("username", text(d.master_username())),
            ("password", keep("password")),
            ("port", num(port)),
            (
                "parameter_group_name",
                text(
                    d.db_parameter_groups()
                        .first()
                        .and_then(|g| g.db_parameter_group_name()),
                ),
            ),
            (
                "db_subnet_group_name",
                text(d.db_subnet_group().and_then(|g| g.db_subnet_group_name())),
            ),
            (
                "vpc_security_group_ids",
                string_set(
                    d.vpc_security_groups()
                        .iter()
                        .filter_map(|g| g.vpc_security_group_id()),
                ),
            ),
            ("backup_retention_period", num(d.backup_retention_period())),
            (
                "backup_window",
                text(d.preferred_backup_window().map(str::to_lowercase)),
            ),
            (
                "maintenance_window",
                text(d.preferred_maintenance_window().map(str::to_lowercase)),
            ),
            ("multi_az", Value::Bool(d.multi_az().unwrap_or(false))),
            (
                "publicly_accessible",
                Value::Bool(d.publicly_accessible().unwrap_or(false)),
            ),
            (
                "auto_minor_version_upgrade",
                Value::Bool(d.auto_minor_version_upgrade().unwrap_or(true)),
            ),
            (
                "deletion_protection",
                Value::Bool(d.deletion_protection().unwrap_or(false)),
            ),
            (
                "copy_tags_to_snapshot",
                Value::Bool(d.copy_tags_to_snapshot().unwrap_or(false)),
            ),
            ("skip_final_snapshot", keep("skip_final_snapshot")),
            (
                "final_snapshot_identifier",
                keep("final_snapshot_identifier"),
            ),
            ("apply_immediately", keep("apply_immediately")),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", text(d.dbi_resource_id())),
            ("resource_id", text(d.dbi_resource_id())),
            ("arn", text(d.db_instance_arn())),
            ("address", Value::from(address)),
            (
                "endpoint",
                Value::from(match port {
                    Some(p) if !address.is_empty() => format!("{address}:{p}"),
                    _ => address.to_string(),
                }),
            ),
            (
                "hosted_zone_id",
                text(endpoint.and_then(|e| e.hosted_zone_id())),
            ),
            ("status", text(d.db_instance_status())),
            ("timeouts", keep("timeouts")),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let id = crate::names::chosen(
            planned,
            "identifier",
            "identifier_prefix",
            "terraform-",
            token,
        );
        let groups = strings(planned, "vpc_security_group_ids");
        let req = aws
            .rds
            .create_db_instance()
            .db_instance_identifier(&id)
            .set_engine(string(planned, "engine"))
            .set_engine_version(string(planned, "engine_version"))
            .set_db_instance_class(string(planned, "instance_class"))
            .set_allocated_storage(int(planned, "allocated_storage").map(|n| n as i32))
            .set_max_allocated_storage(int(planned, "max_allocated_storage").map(|n| n as i32))
            .set_storage_type(string(planned, "storage_type"))
            .storage_encrypted(flag(planned, "storage_encrypted"))
            .set_db_name(string(planned, "db_name"))
            .set_master_username(string(planned, "username"))
            .set_master_user_password(string(planned, "password"))
            .set_port(int(planned, "port").map(|n| n as i32))
            .set_db_parameter_group_name(string(planned, "parameter_group_name"))
            .set_db_subnet_group_name(string(planned, "db_subnet_group_name"))
            .set_vpc_security_group_ids(Some(groups).filter(|g| !g.is_empty()))
            .set_backup_retention_period(int(planned, "backup_retention_period").map(|n| n as i32))
            .set_preferred_backup_window(string(planned, "backup_window"))
            .set_preferred_maintenance_window(string(planned, "maintenance_window"))
            .set_multi_az(planned.get("multi_az").as_bool())
            .publicly_accessible(flag(planned, "publicly_accessible"))
            .auto_minor_version_upgrade(flag(planned, "auto_minor_version_upgrade"))
            .deletion_protection(flag(planned, "deletion_protection"))
            .copy_tags_to_snapshot(flag(planned, "copy_tags_to_snapshot"))
            .set_tags(tag_list(planned));
        crate::retry::create(
            "CreateDBInstance",
            &[],
            ALREADY_EXISTS,
            || once!(req.clone(), aws_sdk_rds),
            || self.locate(aws, planned, &id),
        )
        .await?;
        let known = with(planned.clone(), "identifier", Value::from(id.as_str()));
        let timeout = timeouts::get(planned, "create", Duration::from_secs(40 * 60));
        if let Err(error) = self
            .wait(aws, &id, timeout, "CreateDBInstance", false)
            .await
        {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, aws, &known, "CreateDBInstance").await
    }

    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let id = crate::names::chosen(
            planned,
            "identifier",
            "identifier_prefix",
            "terraform-",
            token,
        );
        let ids = self.locate(aws, planned, &id).await?;
        // The create waits for `available`; a database still being made did not finish.
        crate::found::read_all(self, aws, planned, "identifier", ids, |state| {
            state.get("status").as_str() == Some("available")
        })
        .await
    }

    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let id = string(prior, "identifier")
            .ok_or_else(|| Error::new("the prior state has no identifier"))?;
        update_tags(
            aws,
            &string(prior, "arn").unwrap_or_default(),
            prior,
            planned,
        )
        .await?;
        let changed: Vec<&(&str, Setter)> = MODIFIABLE
            .iter()
            .filter(|(name, _)| prior.get(name) != planned.get(name))
            .collect();
        if !changed.is_empty() {
            let mut req = aws
                .rds
                .modify_db_instance()
                .db_instance_identifier(&id)
                .apply_immediately(flag(planned, "apply_immediately"));
            for (_, set) in changed {
                req = set(req, planned);
            }
            req.send().await.map_err(|e| api("ModifyDBInstance", e))?;
            let timeout = timeouts::get(planned, "update", Duration::from_secs(80 * 60));
            self.wait(aws, &id, timeout, "ModifyDBInstance", false)
                .await?;
        }
        read_back(self, aws, planned, "ModifyDBInstance").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let id = string(prior, "identifier")
            .ok_or_else(|| Error::new("the prior state has no identifier"))?;
        let skip = flag(prior, "skip_final_snapshot");
        let snapshot = string(prior, "final_snapshot_identifier");
        if !skip && snapshot.is_none() {
            return Err(Error::api(
                "DeleteDBInstance",
                format!(
                    "the database {id} would be deleted without a final snapshot: set final_snapshot_identifier, or skip_final_snapshot = true, and apply before destroying"
                ),
            ));
        }
        let req = aws
            .rds
            .delete_db_instance()
            .db_instance_identifier(&id)
            .skip_final_snapshot(skip)
            .set_final_db_snapshot_identifier(snapshot.filter(|_| !skip))
            .delete_automated_backups(true);
        match retry("DeleteDBInstance", &["InvalidDBInstanceState"], || {
            req.clone().send()
        })
        .await
        {
            Ok(_) => {}
            Err(e) if is_not_found(&e, NOT_FOUND) => return Ok(()),
            Err(e) => return Err(api("DeleteDBInstance", e)),
        }
        let timeout = timeouts::get(prior, "delete", Duration::from_secs(60 * 60));
        self.wait(aws, &id, timeout, "DeleteDBInstance", true).await
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("identifier", Value::from(id))]);
        self.read(aws, &seed)
            .await?
            .ok_or_else(|| {
                Error::api(
                    "DescribeDBInstances",
                    format!("no database \"{id}\" exists"),
                )
            })
            .map(|v| crate::names::with_imported_prefix(v, "identifier_prefix", "identifier"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_names_the_running_one_at_a_component_boundary() {
        assert!(version_matches("14", "14.10"));
        assert!(version_matches("14.10", "14.10"));
        assert!(version_matches("8.0", "8.0.mysql_aurora.3.05.2"));
        assert!(!version_matches("1", "14.10"));
        assert!(!version_matches("14.1", "14.10"));
        assert!(!version_matches("15", "14.10"));
        assert!(!version_matches("14.10", "14"));
    }

    #[test]
    fn a_refresh_keeps_the_configured_version_while_it_names_the_running_one() {
        assert_eq!(recorded_version(Some("14"), "14.10", None), "14");
        assert_eq!(recorded_version(Some("14.9"), "14.10", None), "14.10");
        assert_eq!(recorded_version(None, "14.10", None), "14.10");
        // An upgrade waiting for the maintenance window is not drift.
        assert_eq!(recorded_version(Some("15"), "14.10", Some("15")), "15");
    }

    fn planned(prior: &Value, configured: &str) -> Value {
        let aws = crate::client::tests::offline();
        let proposed = with(prior.clone(), "engine_version", Value::from(configured));
        DbInstance
            .plan(&aws, Some(prior), proposed)
            .unwrap()
            .planned
    }

    #[tokio::test]
    async fn an_imported_instance_planned_with_its_major_version_is_unchanged() {
        let imported = Value::object([
            ("engine_version", Value::from("14.10")),
            ("engine_version_actual", Value::from("14.10")),
        ]);
        assert_eq!(planned(&imported, "14"), imported);
        let upgrade = planned(&imported, "15");
        assert_eq!(upgrade.get("engine_version"), &Value::from("15"));
        assert!(upgrade.get("engine_version_actual").is_unknown());
        // Going back from an upgrade still pending is a change.
        let pending = with(imported.clone(), "engine_version", Value::from("15"));
        assert_eq!(
            planned(&pending, "14").get("engine_version"),
            &Value::from("14")
        );
    }
}
