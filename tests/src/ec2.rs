//! EC2 steps that tests take with the AWS SDK, as a person at the console would.

use aws_sdk_ec2::types::Filter;

/// The id of the region's default VPC.
pub async fn default_vpc(ec2: &aws_sdk_ec2::Client) -> String {
    let vpcs = ec2
        .describe_vpcs()
        .filters(Filter::builder().name("is-default").values("true").build())
        .send()
        .await
        .unwrap();
    vpcs.vpcs()[0].vpc_id().unwrap().to_string()
}
