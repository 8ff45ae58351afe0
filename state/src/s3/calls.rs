//! The S3 requests of the backend, sent with the AWS SDK on a runtime of the backend's
//! own (the `Backend` interface is synchronous; its callers may be on a runtime already).

use std::future::Future;
use std::sync::Arc;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;

use super::S3Settings;

/// One `PutObject`.
pub(super) struct Put<'a> {
    pub key: &'a str,
    pub body: Vec<u8>,
    /// Written only over this ETag.
    pub if_match: Option<&'a str>,
    /// Written only where no object is.
    pub if_absent: bool,
}

struct Inner {
    runtime: Option<tokio::runtime::Runtime>,
    client: aws_sdk_s3::Client,
    bucket: String,
    encryption: Option<(ServerSideEncryption, Option<String>)>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which an async caller must not do.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The backend's client; clones share it.
#[derive(Clone)]
pub(super) struct Calls(Arc<Inner>);

fn io_error(what: &str, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("{what}: {e}"))
}

/// An SDK error as text: the service's code and message, or the SDK's own description.
fn describe<E: ProvideErrorMetadata + std::error::Error + 'static, R: std::fmt::Debug>(
    e: &SdkError<E, R>,
) -> String {
    match e.as_service_error() {
        Some(s) => format!(
            "{}: {}",
            s.code().unwrap_or("error"),
            s.message().unwrap_or_default()
        ),
        None => aws_smithy_types::error::display::DisplayErrorContext(e).to_string(),
    }
}

/// Whether S3 answered `status`.
fn answered<E>(e: &SdkError<E, aws_smithy_runtime_api::http::Response>, status: u16) -> bool {
    e.raw_response()
        .is_some_and(|r| r.status().as_u16() == status)
}

impl Calls {
    pub(super) fn new(settings: &S3Settings) -> Calls {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("the S3 backend's runtime starts");
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(region) = &settings.region {
            loader = loader.region(aws_config::Region::new(region.clone()));
        }
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some((id, secret)) = &settings.credentials {
            loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
                id,
                secret,
                None,
                None,
                "backend \"s3\"",
            ));
        }
        let sdk = on(&runtime, loader.load());
        let mut conf = aws_sdk_s3::config::Builder::from(&sdk);
        if let Some(url) = &settings.endpoint {
            conf = conf.endpoint_url(url);
        }
        // An endpoint of one's own (an S3-compatible store, an emulator) is addressed by
        // path, as in Terraform's backend.
        let env_endpoint = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
            .iter()
            .any(|v| std::env::var_os(v).is_some());
        if settings.use_path_style || settings.endpoint.is_some() || env_endpoint {
            conf = conf.force_path_style(true);
        }
        let encryption = match (&settings.kms_key_id, settings.encrypt) {
            (Some(key), _) => Some((ServerSideEncryption::AwsKms, Some(key.clone()))),
            (None, true) => Some((ServerSideEncryption::Aes256, None)),
            (None, false) => None,
        };
        Calls(Arc::new(Inner {
            client: aws_sdk_s3::Client::from_conf(conf.build()),
            runtime: Some(runtime),
            bucket: settings.bucket.clone(),
            encryption,
        }))
    }

    fn run<T: Send>(&self, fut: impl Future<Output = T> + Send) -> T {
        on(self.0.runtime.as_ref().expect("the runtime runs"), fut)
    }

    /// The object's ETag, or `None` when there is no object.
    pub(super) fn head(&self, key: &str) -> std::io::Result<Option<String>> {
        let inner = &self.0;
        let req = inner.client.head_object().bucket(&inner.bucket).key(key);
        match self.run(req.send()) {
            Ok(out) => Ok(out.e_tag().map(str::to_string)),
            Err(e) if answered(&e, 404) => Ok(None),
            Err(e) => Err(io_error(
                &format!("reading s3://{}/{key}", inner.bucket),
                describe(&e),
            )),
        }
    }

    /// The object's bytes and ETag, or `None` when there is no object.
    pub(super) fn get(&self, key: &str) -> std::io::Result<Option<(Vec<u8>, Option<String>)>> {
        let inner = &self.0;
        let req = inner.client.get_object().bucket(&inner.bucket).key(key);
        let what = format!("reading s3://{}/{key}", inner.bucket);
        self.run(async {
            match req.send().await {
                Ok(out) => {
                    let etag = out.e_tag().map(str::to_string);
                    let body = out.body.collect().await.map_err(|e| io_error(&what, e))?;
                    Ok(Some((body.into_bytes().to_vec(), etag)))
                }
                Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => Ok(None),
                Err(e) => Err(io_error(&what, describe(&e))),
            }
        })
    }

    /// Writes the object; its new ETag, or `None` when the put's condition did not hold.
    pub(super) fn put(&self, put: Put<'_>) -> std::io::Result<Option<String>> {
        let inner = &self.0;
        let mut req = inner
            .client
            .put_object()
            .bucket(&inner.bucket)
            .key(put.key)
            .content_type("application/json")
            .body(ByteStream::from(put.body));
        if let Some(etag) = put.if_match {
            req = req.if_match(etag);
        }
        if put.if_absent {
            req = req.if_none_match("*");
        }
        if let Some((kind, key)) = &inner.encryption {
            req = req
                .server_side_encryption(kind.clone())
                .set_ssekms_key_id(key.clone());
        }
        match self.run(req.send()) {
            Ok(out) => Ok(Some(out.e_tag().unwrap_or_default().to_string())),
            // 412: a condition (`If-Match`, `If-None-Match`) did not hold.
            Err(e) if answered(&e, 412) => Ok(None),
            Err(e) => Err(io_error(
                &format!("writing s3://{}/{}", inner.bucket, put.key),
                describe(&e),
            )),
        }
    }

    pub(super) fn delete(&self, key: &str) -> std::io::Result<()> {
        let inner = &self.0;
        let req = inner.client.delete_object().bucket(&inner.bucket).key(key);
        self.run(req.send()).map(|_| ()).map_err(|e| {
            io_error(
                &format!("removing s3://{}/{key}", inner.bucket),
                describe(&e),
            )
        })
    }

    /// What releases the lock `key` of id `id`: its removal, if it is still that lock.
    pub(super) fn release(
        &self,
        key: String,
        id: String,
    ) -> Box<dyn FnOnce() -> std::io::Result<()> + Send + Sync> {
        let calls = self.clone();
        Box::new(move || {
            let held = calls
                .get(&key)?
                .and_then(|(body, _)| serde_json::from_slice::<crate::lock::LockInfo>(&body).ok());
            match held {
                Some(info) if info.id == id => calls.delete(&key),
                _ => Ok(()),
            }
        })
    }
}

/// Runs `fut` on `runtime` from any thread, also one of another runtime.
fn on<T: Send>(runtime: &tokio::runtime::Runtime, fut: impl Future<Output = T> + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| runtime.block_on(fut))
            .join()
            .expect("an S3 call does not panic")
    })
}
