//! Turning SDK errors into provider errors that name the API operation and AWS's message.

use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use iac_provider::Error;

/// The AWS error code of a failed call, if the service answered with one.
pub fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<&str> {
    e.as_service_error().and_then(ProvideErrorMetadata::code)
}

/// The HTTP status of a failed call, if there was a response.
pub fn status<E, R: HttpStatus>(e: &SdkError<E, R>) -> Option<u16> {
    e.raw_response().map(HttpStatus::status)
}

/// Anything with an HTTP status.
pub trait HttpStatus {
    fn status(&self) -> u16;
}

impl HttpStatus for aws_smithy_runtime_api::http::Response {
    fn status(&self) -> u16 {
        self.status().as_u16()
    }
}

/// A provider error for `operation` from an SDK error.
pub fn api<E: ProvideErrorMetadata + std::error::Error + 'static, R: std::fmt::Debug>(
    operation: &str,
    e: SdkError<E, R>,
) -> Error {
    let message = match e.as_service_error() {
        Some(se) => match (se.code(), se.message()) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c.to_string(),
            _ => DisplayErrorContext(&e).to_string(),
        },
        None => match (stopped(&e), crate::endpoint::unreachable(&e)) {
            (Some(stopped), _) => stopped.to_string(),
            (None, Some(unreachable)) => unreachable.to_string(),
            (None, None) => {
                let full = DisplayErrorContext(&e).to_string();
                if full.contains("loading credentials")
                    || full.contains("no credentials found")
                    || full.contains("CredentialsNotLoaded")
                {
                    "No AWS credentials were found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (with a shared credentials file), or access_key and secret_key in the provider \"aws\" block.".to_string()
                } else {
                    full
                }
            }
        },
    };
    Error::api(operation, message)
}

/// The stop that ended a retry ([`crate::retry`]), if that is what this error is.
fn stopped<E: std::error::Error + 'static, R: std::fmt::Debug>(
    e: &SdkError<E, R>,
) -> Option<&crate::retry::Stopped> {
    std::error::Error::source(e).and_then(|s| s.downcast_ref())
}

/// Whether the error says the thing does not exist (a 404, or one of `codes`).
pub fn is_not_found<E: ProvideErrorMetadata, R: HttpStatus>(
    e: &SdkError<E, R>,
    codes: &[&str],
) -> bool {
    status(e) == Some(404) || code(e).is_some_and(|c| codes.contains(&c))
}
