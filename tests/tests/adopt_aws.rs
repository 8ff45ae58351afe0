//! `iac adopt` on the AWS teams' hand-made systems (made with the AWS SDK on moto, in an
//! account of each test's own): one command writes a stack whose first plan only
//! imports, which then plans clean, and which a person edits as their own.

use iac_e2e::handmade::{self, systems};
use iac_e2e::{Emulator, Stack, unique};

const ARGS: [&str; 4] = ["--provider", "aws", "--region", "eu-west-1"];

async fn account() -> Stack {
    Stack::new(Emulator::Moto, &[]).in_own_account().await
}

#[tokio::test(flavor = "multi_thread")]
async fn web_monitoring_is_adopted_with_one_command() {
    let stack = account().await;
    let made = systems::web_monitoring(&stack).await;
    let mut written = handmade::adopt(&stack, &made, &ARGS);
    handmade::assert_adopt_refuses_to_overwrite(&stack, &ARGS);

    written.edit(
        ("aws_instance", "tags.Name", "wm-etl"),
        "instance_type",
        "t3.large",
    );
    handmade::assert_plans_one_update(&stack, "instance_type");
}

#[tokio::test(flavor = "multi_thread")]
async fn human_essentials_is_adopted_with_one_command() {
    let stack = account().await;
    let prefix = unique("he").replace('_', "-");
    let made = systems::human_essentials(&stack, &prefix).await;
    let mut written = handmade::adopt(&stack, &made, &ARGS);
    let db = written.resource_where("aws_db_instance", "identifier", "human-essentials");
    assert!(
        db.body.get_attribute("password").is_some(),
        "the password the API never returns is a variable the stack can take over:\n{}",
        written.text()
    );
    assert!(
        written
            .blocks("variable")
            .any(|v| v
                .body
                .get_attribute("sensitive")
                .is_some_and(|s| s.value.to_string().trim() == "true")),
        "the password's variable is sensitive:\n{}",
        written.text()
    );
    written.edit(
        ("aws_instance", "tags.Name", "human-essentials-staging"),
        "instance_type",
        "t3.medium",
    );
    handmade::assert_plans_one_update(&stack, "instance_type");
}

#[tokio::test(flavor = "multi_thread")]
async fn amy_is_adopted_with_one_command() {
    let stack = account().await;
    let made = systems::amy(&stack, "carpentries.org").await;
    let mut written = handmade::adopt(&stack, &made, &ARGS);
    written.edit(
        ("aws_route53_zone", "name", "carpentries.org"),
        "comment",
        "AMY, its stages and their databases",
    );
    handmade::assert_plans_one_update(&stack, "comment");
}

#[tokio::test(flavor = "multi_thread")]
async fn web_bugs_is_adopted_with_one_command() {
    let stack = account().await;
    let bucket = unique("web-bugs-snapshots").replace('_', "-");
    let made = systems::web_bugs(&stack, "webcompat.com", &bucket).await;
    let mut written = handmade::adopt(&stack, &made, &ARGS);
    written.edit(
        ("aws_instance", "tags.Name", "web-bugs-production"),
        "instance_type",
        "t3.xlarge",
    );
    handmade::assert_plans_one_update(&stack, "instance_type");
}
