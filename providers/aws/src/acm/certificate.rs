//! `aws_acm_certificate`: a certificate ACM issues once its DNS (or e-mail) validation
//! is done.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_acm::types::{Filters, KeyAlgorithm, Tag, ValidationMethod};
use iac_provider::{ApplyError, Attribute, CreateToken, Error, Found, PlannedState, Schema};
use iac_provider::{ListRequest, Listed};
use iac_value::{ObjectAttr, Type, Value};

use super::{NOT_FOUND, describe};
use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::resource::{Resource, read_back};
use crate::retry::{retry, retry_for};
use crate::tags::read_tags;
use crate::values::{blocks, string, string_list, string_map, string_set, strings, text, with};
use crate::wait::{Look, until};

pub struct Certificate;

/// What a `domain_validation_options` element holds.
const VALIDATION_FIELDS: [&str; 4] = [
    "domain_name",
    "resource_record_name",
    "resource_record_type",
    "resource_record_value",
];

/// How long ACM may take to publish the DNS records to validate with.
const RECORDS_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// How long a certificate stays in use after the listener using it is deleted.
const IN_USE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

fn validation_option_type() -> Type {
    Type::Object(
        VALIDATION_FIELDS
            .iter()
            .map(|f| (f.to_string(), ObjectAttr::required(Type::String)))
            .collect(),
    )
}

/// The names a certificate covers: its domain, then its alternative names.
fn covered_names(planned: &Value) -> Option<Vec<String>> {
    let mut names = vec![string(planned, "domain_name")?];
    let sans = planned.get("subject_alternative_names");
    if !sans.is_wholly_known() {
        return None;
    }
    for n in strings(planned, "subject_alternative_names") {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    Some(names)
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Value {
    text(t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()))
}

impl Certificate {
    pub(super) async fn tags(
        &self,
        aws: &AwsClients,
        arn: &str,
    ) -> Result<BTreeMap<String, String>, Error> {
        let req = aws.acm.list_tags_for_certificate().certificate_arn(arn);
        let out = retry("ListTagsForCertificate", &[], || req.clone().send())
            .await
            .map_err(|e| api("ListTagsForCertificate", e))?;
        Ok(out
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().unwrap_or("").to_string()))
            .collect())
    }

    /// Waits until ACM has published the DNS record for each name to validate.
    async fn wait_for_records(&self, aws: &AwsClients, arn: &str) -> Result<(), Error> {
        until(
            "DescribeCertificate",
            &format!("the DNS validation records of {arn}"),
            RECORDS_TIMEOUT,
            || async {
                let Some(c) = describe(aws, arn).await? else {
                    return Ok(Look::Pending("not yet visible".into()));
                };
                let options = c.domain_validation_options();
                let ready =
                    !options.is_empty() && options.iter().all(|o| o.resource_record().is_some());
                Ok(if ready {
                    Look::Ready(())
                } else {
                    Look::Pending(c.status().map(|s| s.as_str()).unwrap_or("").to_string())
                })
            },
        )
        .await
    }
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build().expect("key is set"))
        .collect()
}

#[async_trait]
impl Resource<AwsClients> for Certificate {
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::certificate_schema())
    }

    async fn list(&self, aws: &AwsClients, request: &ListRequest) -> Result<Vec<Listed>, Error> {
        super::list::certificates(aws, request)
            .await?
            .finish(self, aws, request)
            .await
    }

    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("domain_name", Attribute::required(Type::String).force_new()),
                (
                    "subject_alternative_names",
                    Attribute::optional(Type::set(Type::String)).force_new(),
                ),
                (
                    "validation_method",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                (
                    "key_algorithm",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
                ("tags", Attribute::optional(Type::map(Type::String))),
                ("tags_all", Attribute::computed(Type::map(Type::String))),
                ("id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("status", Attribute::computed(Type::String)),
                ("type", Attribute::computed(Type::String)),
                (
                    "domain_validation_options",
                    Attribute::computed(Type::set(validation_option_type())),
                ),
                (
                    "validation_emails",
                    Attribute::computed(Type::list(Type::String)),
                ),
                ("not_after", Attribute::computed(Type::String)),
                ("not_before", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    fn plan(
        &self,
        _aws: &AwsClients,
        prior: Option<&Value>,
        mut proposed: Value,
    ) -> Result<PlannedState, Error> {
        // As Terraform does, a new DNS-validated certificate already knows which names
        // it will ask to validate, so `for_each` over them plans in one go.
        if prior.is_none()
            && proposed.get("validation_method").as_str() == Some("DNS")
            && let Some(names) = covered_names(&proposed)
        {
            let options = names
                .into_iter()
                .map(|n| {
                    let mut o: Vec<(&str, Value)> = vec![("domain_name", Value::from(n))];
                    o.extend(VALIDATION_FIELDS[1..].iter().map(|f| (*f, Value::Unknown)));
                    Value::object(o)
                })
                .collect();
            proposed = with(proposed, "domain_validation_options", Value::set(options));
        }
        Ok(PlannedState {
            planned: proposed,
            requires_replace: Vec::new(),
        })
    }

    async fn read(&self, aws: &AwsClients, current: &Value) -> Result<Option<Value>, Error> {
        let Some(arn) = string(current, "arn").or_else(|| string(current, "id")) else {
            return Ok(None);
        };
        let Some(c) = describe(aws, &arn).await? else {
            return Ok(None);
        };
        let domain = c.domain_name().unwrap_or_default().to_string();
        let sans: Vec<&str> = c
            .subject_alternative_names()
            .iter()
            .map(String::as_str)
            .filter(|n| *n != domain)
            .collect();
        let options = c
            .domain_validation_options()
            .iter()
            .filter_map(|o| {
                let r = o.resource_record()?;
                Some(Value::object([
                    ("domain_name", Value::from(o.domain_name())),
                    ("resource_record_name", Value::from(r.name())),
                    ("resource_record_type", Value::from(r.r#type().as_str())),
                    ("resource_record_value", Value::from(r.value())),
                ]))
            })
            .collect();
        let emails: Vec<&str> = c
            .domain_validation_options()
            .iter()
            .flat_map(|o| o.validation_emails().iter().map(String::as_str))
            .collect();
        let method = c
            .domain_validation_options()
            .first()
            .and_then(|o| o.validation_method())
            .map(|m| m.as_str().to_string());
        let (tags, tags_all) = read_tags(
            &self.tags(aws, &arn).await?,
            current.get("tags"),
            &aws.default_tags,
        );
        Ok(Some(Value::object([
            ("domain_name", Value::from(domain.as_str())),
            (
                "subject_alternative_names",
                if sans.is_empty() && current.get("subject_alternative_names").is_null() {
                    Value::Null
                } else {
                    string_set(sans)
                },
            ),
            ("validation_method", text(method)),
            ("key_algorithm", text(c.key_algorithm().map(|k| k.as_str()))),
            ("tags", tags),
            ("tags_all", tags_all),
            ("id", Value::from(arn.as_str())),
            ("arn", Value::from(arn.as_str())),
            ("status", text(c.status().map(|s| s.as_str()))),
            ("type", text(c.r#type().map(|t| t.as_str()))),
            ("domain_validation_options", Value::set(options)),
            ("validation_emails", string_list(emails)),
            ("not_after", time(c.not_after())),
            ("not_before", time(c.not_before())),
        ])))
    }

    async fn create(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _config: &Value,
        token: &CreateToken,
    ) -> Result<Value, ApplyError> {
        let tags = string_map(planned, "tags_all");
        let method = string(planned, "validation_method");
        let out = aws
            .acm
            .request_certificate()
            .domain_name(string(planned, "domain_name").unwrap_or_default())
            .set_subject_alternative_names(
                Some(strings(planned, "subject_alternative_names")).filter(|s| !s.is_empty()),
            )
            .set_validation_method(method.as_deref().map(ValidationMethod::from))
            .set_key_algorithm(
                string(planned, "key_algorithm").map(|k| KeyAlgorithm::from(k.as_str())),
            )
            // ACM issues one certificate per token (for an hour): the SDK's retries,
            // and a create sent again soon after a crash, cannot request a second.
            .idempotency_token(token.as_str())
            .set_tags(Some(tag_list(&tags)).filter(|t| !t.is_empty()))
            .send()
            .await
            .map_err(|e| api("RequestCertificate", e))?;
        let arn = out.certificate_arn().unwrap_or_default().to_string();
        let known = with(
            with(planned.clone(), "arn", Value::from(arn.as_str())),
            "id",
            Value::from(arn.as_str()),
        );
        if method.as_deref() == Some("DNS")
            && let Err(error) = self.wait_for_records(aws, &arn).await
        {
            return Err(ApplyError {
                error,
                partial: Some(known),
            });
        }
        read_back(self, aws, &known, "RequestCertificate").await
    }

    /// ACM cannot be asked what a token requested: the candidates are the
    /// certificates for the planned domain with the planned names, method, key
    /// algorithm and tags.
    async fn find_created(
        &self,
        aws: &AwsClients,
        planned: &Value,
        _token: &CreateToken,
    ) -> Result<Vec<Found>, Error> {
        let Some(domain) = string(planned, "domain_name") else {
            return Ok(Vec::new());
        };
        let key_types: Vec<KeyAlgorithm> = KeyAlgorithm::values()
            .iter()
            .map(|k| KeyAlgorithm::from(*k))
            .collect();
        let mut arns = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let req = aws
                .acm
                .list_certificates()
                .includes(
                    Filters::builder()
                        .set_key_types(Some(key_types.clone()))
                        .build(),
                )
                .set_next_token(next.clone());
            let page = retry("ListCertificates", &[], || req.clone().send())
                .await
                .map_err(|e| api("ListCertificates", e))?;
            arns.extend(
                page.certificate_summary_list()
                    .iter()
                    .filter(|c| c.domain_name() == Some(domain.as_str()))
                    .filter_map(|c| c.certificate_arn().map(str::to_string)),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() => next = Some(t.to_string()),
                _ => break,
            }
        }
        let dns = string(planned, "validation_method").as_deref() == Some("DNS");
        let found = crate::found::read_all(self, aws, planned, "arn", arns, |state| {
            !dns || !blocks(state, "domain_validation_options").is_empty()
        })
        .await?;
        Ok(found
            .into_iter()
            .filter(|f| {
                crate::found::sent(
                    &f.state,
                    planned,
                    &[
                        "subject_alternative_names",
                        "validation_method",
                        "key_algorithm",
                    ],
                ) && crate::found::tagged(&f.state, planned)
            })
            .collect())
    }

    async fn update(
        &self,
        aws: &AwsClients,
        prior: &Value,
        planned: &Value,
        _config: &Value,
    ) -> Result<Value, ApplyError> {
        let arn = string(prior, "arn").ok_or_else(|| Error::new("the prior state has no arn"))?;
        let changes = crate::tags::changes(prior, planned);
        if !changes.removed.is_empty() {
            let keys = changes
                .removed
                .iter()
                .map(|k| Tag::builder().key(k).build().expect("key is set"))
                .collect();
            aws.acm
                .remove_tags_from_certificate()
                .certificate_arn(&arn)
                .set_tags(Some(keys))
                .send()
                .await
                .map_err(|e| api("RemoveTagsFromCertificate", e))?;
        }
        if !changes.set.is_empty() {
            aws.acm
                .add_tags_to_certificate()
                .certificate_arn(&arn)
                .set_tags(Some(tag_list(&changes.set)))
                .send()
                .await
                .map_err(|e| api("AddTagsToCertificate", e))?;
        }
        read_back(self, aws, planned, "AddTagsToCertificate").await
    }

    async fn delete(&self, aws: &AwsClients, prior: &Value) -> Result<(), Error> {
        let arn = string(prior, "arn").ok_or_else(|| Error::new("the prior state has no arn"))?;
        let req = aws.acm.delete_certificate().certificate_arn(&arn);
        match retry_for(
            IN_USE_TIMEOUT,
            "DeleteCertificate",
            &["ResourceInUseException"],
            || req.clone().send(),
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e, NOT_FOUND) => Ok(()),
            Err(e) => Err(api("DeleteCertificate", e)),
        }
    }

    async fn import(&self, aws: &AwsClients, id: &str) -> Result<Value, Error> {
        let seed = Value::object([("arn", Value::from(id))]);
        self.read(aws, &seed).await?.ok_or_else(|| {
            Error::api(
                "DescribeCertificate",
                format!("no certificate \"{id}\" exists"),
            )
        })
    }
}
