//! `aws_acm_certificate_validation`: no AWS object of its own, but the wait until a
//! certificate is issued, so that what uses the certificate comes after.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_acm::types::CertificateStatus;
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, Schema, ValidationError};
use iac_provider::{ListRequest, Listed};
use iac_value::{Type, Value};

use super::describe;
use crate::client::AwsClients;
use crate::resource::{Resource, read_back};
use crate::route53::normalize_name;
use crate::timeouts;
use crate::values::{string, string_set, strings, text, with};
use crate::wait::{Look, until};

pub struct Validation;

/// Terraform's default: ACM may take a long while to see the DNS records.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(75 * 60);

/// Statuses a certificate does not leave.
fn failed(status: &CertificateStatus) -> bool {
    matches!(
        status,
        CertificateStatus::Failed
            | CertificateStatus::ValidationTimedOut
            | CertificateStatus::Revoked
            | CertificateStatus::Expired
            | CertificateStatus::Inactive
    )
}

#[async_trait]
impl Resource<AwsClients> for Validation {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::validation_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::validations(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                (
                    "certificate_arn",
                    Attribute::required(Type::String).force_new(),
                ),
                (
                    "validation_record_fqdns",
                    Attribute::optional(Type::set(Type::String)).force_new(),
                ),
                ("id", Attribute::computed(Type::String)),
            ],
            [timeouts::block(&["create"])],
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidationError> {
        let mut out = Vec::new();
        timeouts::validate(config, &mut out);
        out
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(arn) = string(current, "certificate_arn") else {
            return Ok(None);
        };
        // A certificate that is not (or no longer) issued needs validating again.
        let Some(c) = describe(aws, &arn).await? else {
            return Ok(None);
        };
        if c.status() != Some(&CertificateStatus::Issued) {
            return Ok(None);
        }
        let issued = c
            .issued_at()
            .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok());
        Ok(Some(Value::object([
            ("certificate_arn", Value::from(arn.as_str())),
            (
                "validation_record_fqdns",
                current.get("validation_record_fqdns").clone(),
            ),
            ("id", text(issued.or(Some(arn)))),
            ("timeouts", current.get("timeouts").clone()),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        _token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let arn = string(planned, "certificate_arn").unwrap_or_default();
        let Some(cert) = describe(aws, &arn).await? else {
            return Err(Error::api(
                "DescribeCertificate",
                format!("no certificate \"{arn}\" exists"),
            )
            .into());
        };
        // With records named, each name to validate must have its record among them.
        if !planned.get("validation_record_fqdns").is_null() {
            let given: Vec<String> = strings(planned, "validation_record_fqdns")
                .iter()
                .map(|f| normalize_name(f))
                .collect();
            for o in cert.domain_validation_options() {
                if let Some(r) = o.resource_record()
                    && !given.contains(&normalize_name(r.name()))
                {
                    return Err(Error::api(
                        "DescribeCertificate",
                        format!(
                            "missing {} DNS validation record: {}",
                            o.domain_name(),
                            r.name()
                        ),
                    )
                    .into());
                }
            }
        }
        let timeout = timeouts::get(planned, "create", DEFAULT_TIMEOUT);
        until(
            "DescribeCertificate",
            &format!("certificate {arn} to be issued"),
            timeout,
            || async {
                let status = describe(aws, &arn).await?.and_then(|c| c.status().cloned());
                Ok(match status {
                    Some(CertificateStatus::Issued) => Look::Ready(()),
                    Some(s) if failed(&s) => Look::Failed(s.as_str().to_string()),
                    Some(s) => Look::Pending(s.as_str().to_string()),
                    None => Look::Failed("deleted".into()),
                })
            },
        )
        .await?;
        let known = with(planned.clone(), "id", Value::from(arn.as_str()));
        read_back(self, aws, &known, "DescribeCertificate").await
    }

    /// Nothing is made: the wait is over when the certificate is issued, and else it
    /// is waited for again.
    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let state = self.read(aws, planned).await?;
        Ok(crate::found::at_most_one(state, |_| true))
    }

    async fn update(
        &self,
        aws: &AwsClients,
        _prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        read_back(self, aws, planned, "DescribeCertificate").await
    }

    async fn delete(&self, _aws: &AwsClients, _prior: &Value) -> Result<(), Error> {
        // Nothing exists in AWS for this resource; forgetting it is enough.
        Ok(())
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        // The records that validated the certificate are the ones it asks for.
        let fqdns = match describe(aws, id).await? {
            Some(c) if !c.domain_validation_options().is_empty() => string_set(
                c.domain_validation_options()
                    .iter()
                    .filter_map(|o| o.resource_record())
                    .map(|r| normalize_name(r.name())),
            ),
            _ => Value::Null,
        };
        let seed = Value::object([
            ("certificate_arn", Value::from(id)),
            ("validation_record_fqdns", fqdns),
        ]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "DescribeCertificate",
                format!("certificate \"{id}\" does not exist or is not issued"),
            )
        })
    }
}
