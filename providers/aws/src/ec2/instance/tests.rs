use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::*;
use crate::stand_in;

#[test]
fn user_data_is_kept_as_its_sha1() {
    assert_eq!(
        super::user_data_digest("hello"),
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    );
}

const NS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

/// An EC2 stand-in for instance `i-1` that stops and starts it at once and
/// refuses every ModifyInstanceAttribute; returns the endpoint and the actions it got.
fn ec2_refusing_changes() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        let mut running = true;
        for conn in listener.incoming() {
            let mut conn = conn.unwrap();
            let request = stand_in::read(&mut conn);
            let body = &request.body;
            let action = body
                .split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .unwrap_or_default()
                .to_string();
            log.lock().unwrap().push(action.clone());
            let (code, name) = if running {
                (16, "running")
            } else {
                (80, "stopped")
            };
            let (status, xml) = match action.as_str() {
                "StopInstances" => {
                    running = false;
                    (200, format!("<StopInstancesResponse xmlns=\"{NS}\"><requestId>1</requestId></StopInstancesResponse>"))
                }
                "StartInstances" => {
                    running = true;
                    (200, format!("<StartInstancesResponse xmlns=\"{NS}\"><requestId>1</requestId></StartInstancesResponse>"))
                }
                "DescribeInstances" => (
                    200,
                    format!(
                        "<DescribeInstancesResponse xmlns=\"{NS}\"><requestId>1</requestId><reservationSet><item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet><item><instanceId>i-1</instanceId><instanceState><code>{code}</code><name>{name}</name></instanceState></item></instancesSet></item></reservationSet></DescribeInstancesResponse>"
                    ),
                ),
                _ => (
                    400,
                    "<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>refused</Message></Error></Errors><RequestID>1</RequestID></Response>".to_string(),
                ),
            };
            stand_in::answer(&mut conn, &request, status, stand_in::XML, &xml);
        }
    });
    (endpoint, seen)
}

#[tokio::test]
async fn a_failed_change_while_stopped_starts_the_instance_again() {
    let (endpoint, seen) = ec2_refusing_changes();
    let aws = crate::client::tests::at(&endpoint, "eu-west-1");
    let prior = Value::object([
        ("id", Value::from("i-1")),
        ("instance_type", Value::from("t3.micro")),
    ]);
    let planned = with(prior.clone(), "instance_type", Value::from("t3.large"));
    let error = Instance
        .update(&aws, &prior, &planned, &Value::Null)
        .await
        .unwrap_err();
    assert!(error.error.message.contains("refused"), "{}", error.error);
    let actions = seen.lock().unwrap().clone();
    let modify = actions
        .iter()
        .position(|a| a == "ModifyInstanceAttribute")
        .expect("the change was tried");
    assert!(
        actions[modify..].iter().any(|a| a == "StartInstances"),
        "started again after the failed change: {actions:?}"
    );
    let partial = error.partial.expect("what was done is recorded");
    assert_eq!(
        partial.get("instance_type").as_str(),
        Some("t3.micro"),
        "the type it could not change"
    );
}
