//! ACM: certificates and waiting for their validation.

mod certificate;
mod list;
mod validation;

use aws_sdk_acm::types::CertificateDetail;
use iac_provider::Error;

use crate::client::AwsClients;
use crate::error::{api, is_not_found};
use crate::retry::retry;

/// The ACM resource types by name.
pub fn resources() -> crate::resource::Resources {
    let mut m = crate::resource::Resources::new();
    m.insert("aws_acm_certificate", Box::new(certificate::Certificate));
    m.insert(
        "aws_acm_certificate_validation",
        Box::new(validation::Validation),
    );
    m
}

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// The certificate with this ARN, if it exists.
async fn describe(aws: &AwsClients, arn: &str) -> Result<Option<CertificateDetail>, Error> {
    let req = aws.acm.describe_certificate().certificate_arn(arn);
    match retry("DescribeCertificate", &[], || req.clone().send()).await {
        Ok(out) => Ok(out.certificate().cloned()),
        Err(e) if is_not_found(&e, NOT_FOUND) => Ok(None),
        Err(e) => Err(api("DescribeCertificate", e)),
    }
}
