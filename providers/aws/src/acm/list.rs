//! Listing ACM certificates, and the validations of issued ones. Only certificates
//! that ACM issued are listed: imported and private ones are not what
//! `aws_acm_certificate` manages.

use aws_sdk_acm::types::{CertificateStatus, CertificateType, Filters as AcmFilters, KeyAlgorithm};
use iac_provider::{Attribute, Error, ListRequest, Schema};
use iac_value::Type;

use super::certificate::Certificate;
use crate::client::AwsClients;
use crate::listing::{self, Candidate, Filters, Found, pages, tagged};
use crate::values::strings;

pub fn certificate_schema() -> Schema {
    listing::schema([("statuses", Attribute::optional(Type::set(Type::String)))])
}

pub fn validation_schema() -> Schema {
    listing::schema([])
}

/// Certificates (`name_prefix` on the domain name) in the requested `statuses`, of
/// every key algorithm.
pub async fn certificates(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    let statuses = strings(&request.filter, "statuses")
        .iter()
        .map(|s| CertificateStatus::from(s.to_ascii_uppercase().as_str()))
        .collect();
    listed(aws, request, statuses).await
}

/// The validations of issued certificates: an `aws_acm_certificate_validation` is
/// imported by the ARN of a certificate that validation issued.
pub async fn validations(aws: &AwsClients, request: &ListRequest) -> Result<Found, Error> {
    listed(aws, request, vec![CertificateStatus::Issued]).await
}

async fn listed(
    aws: &AwsClients,
    request: &ListRequest,
    statuses: Vec<CertificateStatus>,
) -> Result<Found, Error> {
    let f = Filters::of(request);
    // Without `includes`, ListCertificates answers RSA-2048 certificates only.
    let every_key = AcmFilters::builder()
        .set_key_types(Some(
            KeyAlgorithm::values()
                .iter()
                .map(|k| KeyAlgorithm::from(*k))
                .collect(),
        ))
        .build();
    let req = aws
        .acm
        .list_certificates()
        .includes(every_key)
        .set_certificate_statuses(Some(statuses).filter(|s| !s.is_empty()));
    let mut candidates = Vec::new();
    pages(
        "ListCertificates",
        |token| req.clone().set_next_token(token).send(),
        |out| {
            for c in out.certificate_summary_list() {
                let domain = c.domain_name().unwrap_or("");
                let issued = c
                    .r#type()
                    .is_none_or(|t| *t == CertificateType::AmazonIssued);
                if let Some(arn) = c.certificate_arn()
                    && issued
                    && f.name(domain)
                {
                    candidates.push(Candidate {
                        id: arn.to_string(),
                        name: domain.to_string(),
                        key: arn.to_string(),
                    });
                }
            }
            listing::more(out.next_token(), candidates.len(), &f, request)
        },
    )
    .await?;
    tagged(request, &f, candidates, |arn| async move {
        Certificate.tags(aws, &arn).await
    })
    .await
}
