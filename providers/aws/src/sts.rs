//! Who the provider acts as: the account id (for ARNs) and `aws_caller_identity`.

use async_trait::async_trait;
use iac_provider::{Attribute, Error, Schema};
use iac_value::{Type, Value};

use crate::client::AwsClients;
use crate::error::api;
use crate::resource::DataSource;
use crate::retry::retry;

/// The caller's identity, asked once per provider configuration.
async fn identity(aws: &AwsClients) -> Result<&(String, String, String), Error> {
    aws.identity
        .get_or_try_init(|| async {
            let out = retry("GetCallerIdentity", &[], || {
                aws.sts.get_caller_identity().send()
            })
            .await
            .map_err(|e| api("GetCallerIdentity", e))?;
            Ok((
                out.account().unwrap_or_default().to_string(),
                out.arn().unwrap_or_default().to_string(),
                out.user_id().unwrap_or_default().to_string(),
            ))
        })
        .await
}

/// The account the credentials belong to.
pub async fn account_id(aws: &AwsClients) -> Result<String, Error> {
    Ok(identity(aws).await?.0.clone())
}

/// `data "aws_caller_identity"`.
pub struct CallerIdentity;

#[async_trait]
impl DataSource<AwsClients> for CallerIdentity {
    fn schema(&self) -> Schema {
        Schema::new(
            [
                ("id", Attribute::computed(Type::String)),
                ("account_id", Attribute::computed(Type::String)),
                ("arn", Attribute::computed(Type::String)),
                ("user_id", Attribute::computed(Type::String)),
            ],
            [],
        )
    }

    async fn read(&self, aws: &AwsClients, _config: &Value) -> Result<Value, Error> {
        let (account, arn, user) = identity(aws).await?;
        Ok(Value::object([
            ("id", Value::from(account.as_str())),
            ("account_id", Value::from(account.as_str())),
            ("arn", Value::from(arn.as_str())),
            ("user_id", Value::from(user.as_str())),
        ]))
    }
}
