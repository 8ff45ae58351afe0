//! Unit tests of the built-in functions: what the Terraform golden cases
//! (`tests/golden.rs`) cannot show — unknown and sensitive arguments, the plan and
//! apply phases, random results, and files made on the fly.

use std::path::Path;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use iac_value::Value;

use super::*;

fn plan() -> Ctx<'static> {
    Ctx {
        base_dir: Path::new("."),
        phase: Phase::Plan,
    }
}

fn apply() -> Ctx<'static> {
    Ctx {
        base_dir: Path::new("."),
        phase: Phase::Apply {
            plan_time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        },
    }
}

fn ok(ctx: &Ctx, name: &str, args: Vec<Value>) -> Value {
    call(name, args, ctx).unwrap_or_else(|e| panic!("{name}: {:?}", describe(name, e)))
}

fn err(name: &str, args: Vec<Value>) -> (String, String) {
    describe(name, call(name, args, &plan()).expect_err(name))
}

fn s(v: &str) -> Value {
    Value::from(v)
}

#[test]
fn every_terraform_function_is_registered() {
    // Terraform 1.11's functions (internal/lang/functions.go), `type` (console only) aside.
    let terraform = "abs abspath alltrue anytrue base64decode base64encode base64gzip \
        base64sha256 base64sha512 basename bcrypt can ceil chomp chunklist cidrhost \
        cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat contains \
        csvdecode dirname distinct element endswith ephemeralasnull file filebase64 \
        filebase64sha256 filebase64sha512 fileexists filemd5 fileset filesha1 filesha256 \
        filesha512 flatten floor format formatdate formatlist indent index issensitive join \
        jsondecode jsonencode keys length list log lookup lower map matchkeys max md5 merge \
        min nonsensitive one parseint pathexpand plantimestamp pow range regex regexall \
        replace reverse rsadecrypt sensitive setintersection setproduct setsubtract setunion \
        sha1 sha256 sha512 signum slice sort split startswith strcontains strrev substr sum \
        templatefile templatestring textdecodebase64 textencodebase64 timeadd timecmp \
        timestamp title tobool tolist tomap tonumber toset tostring transpose trim \
        trimprefix trimspace trimsuffix try upper urlencode uuid uuidv5 values yamldecode \
        yamlencode zipmap";
    let ours: Vec<&str> = names().collect();
    for name in terraform.split_whitespace() {
        assert!(ours.contains(&name), "{name} is missing");
    }
    assert_eq!(ours.len(), terraform.split_whitespace().count());
}

#[test]
fn unknown_arguments_make_unknown_results() {
    assert_eq!(ok(&plan(), "upper", vec![Value::Unknown]), Value::Unknown);
    assert_eq!(
        ok(
            &plan(),
            "jsonencode",
            vec![Value::List(vec![Value::Unknown])]
        ),
        Value::Unknown
    );
    // length and keys see through unknown elements, as in Terraform.
    assert_eq!(
        ok(
            &plan(),
            "length",
            vec![Value::List(vec![Value::Unknown, s("a")])]
        ),
        Value::from(2i64)
    );
    assert_eq!(
        ok(
            &plan(),
            "keys",
            vec![Value::object([("a", Value::Unknown)])]
        ),
        Value::List(vec![s("a")])
    );
    assert_eq!(
        ok(&plan(), "issensitive", vec![Value::Unknown]),
        Value::Unknown
    );
}

#[test]
fn sensitive_arguments_make_sensitive_results() {
    let secret = s("hunter2").mark_sensitive();
    let v = ok(&plan(), "sha256", vec![secret.clone()]);
    assert!(v.is_sensitive());
    let v = ok(&plan(), "length", vec![Value::List(vec![secret.clone()])]);
    assert_eq!(v, Value::from(1i64).mark_sensitive());
    assert_eq!(
        ok(&plan(), "sensitive", vec![s("x")]),
        s("x").mark_sensitive()
    );
    assert_eq!(
        ok(&plan(), "nonsensitive", vec![secret.clone()]),
        s("hunter2")
    );
    assert_eq!(ok(&plan(), "nonsensitive", vec![s("plain")]), s("plain"));
    assert_eq!(
        ok(&plan(), "issensitive", vec![secret.clone()]),
        Value::Bool(true)
    );
    assert_eq!(ok(&plan(), "issensitive", vec![s("x")]), Value::Bool(false));
    let (_, detail) = err("tonumber", vec![Value::List(vec![]).mark_sensitive()]);
    assert!(detail.contains("this sensitive"), "{detail}");
    assert!(!detail.contains("hunter2"));
}

#[test]
fn impure_functions_are_unknown_while_planning_and_known_when_applying() {
    for name in ["timestamp", "plantimestamp", "uuid"] {
        assert_eq!(ok(&plan(), name, vec![]), Value::Unknown, "{name}");
        assert!(ok(&apply(), name, vec![]).as_str().is_some(), "{name}");
    }
    assert_eq!(ok(&plan(), "bcrypt", vec![s("pw")]), Value::Unknown);
    assert_eq!(
        ok(&apply(), "plantimestamp", vec![]),
        s("2023-11-14T22:13:20Z")
    );
    let now = ok(&apply(), "timestamp", vec![]);
    let now = now.as_str().unwrap();
    assert!(now.ends_with('Z') && now.len() == 20, "{now}");
    let id = ok(&apply(), "uuid", vec![]);
    assert_ne!(id, ok(&apply(), "uuid", vec![]));
    assert_eq!(id.as_str().unwrap().len(), 36);
}

#[test]
fn bcrypt_hashes_verify_and_reject_bad_costs() {
    let hash = ok(&apply(), "bcrypt", vec![s("pw"), Value::from(5i64)]);
    let hash = hash.as_str().unwrap();
    assert!(hash.starts_with("$2a$05$"), "{hash}");
    assert!(::bcrypt::verify("pw", hash).unwrap());
    let (_, detail) = err("bcrypt", vec![s("pw"), Value::from(32i64)]);
    assert!(
        detail.contains("cost 32 is outside allowed range (4,31)"),
        "{detail}"
    );
}

#[test]
fn base64gzip_round_trips() {
    let v = ok(&plan(), "base64gzip", vec![s("hello gzip")]);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(v.as_str().unwrap())
        .unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .unwrap();
    assert_eq!(text, "hello gzip");
}

#[test]
fn yaml_errors_and_documents() {
    let (summary, _) = err("yamldecode", vec![s("a: [")]);
    assert_eq!(summary, "Error in function call");
    let (summary, _) = err("yamldecode", vec![s("a: 1\n---\nb: 2\n")]);
    assert_eq!(summary, "Invalid function argument");
    assert_eq!(
        ok(&plan(), "yamldecode", vec![s("a: &x 1\nb: *x\n")]),
        Value::object([("a", Value::from(1i64)), ("b", Value::from(1i64))])
    );
}

#[test]
fn file_functions_read_relative_to_the_base_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::write(dir.path().join("a/x.txt"), "x").unwrap();
    std::fs::write(dir.path().join("a/b/y.txt"), "y").unwrap();
    std::fs::write(dir.path().join("bin"), [0xff, 0xfe]).unwrap();
    let ctx = Ctx {
        base_dir: dir.path(),
        phase: Phase::Plan,
    };
    assert_eq!(ok(&ctx, "file", vec![s("a/x.txt")]), s("x"));
    assert_eq!(
        ok(&ctx, "fileset", vec![s("a"), s("**/*.txt")]),
        Value::set(vec![s("b/y.txt"), s("x.txt")])
    );
    assert_eq!(
        ok(&ctx, "fileset", vec![s("nowhere"), s("*")]),
        Value::Set(vec![])
    );
    assert_eq!(ok(&ctx, "filebase64", vec![s("bin")]), s("//4="));
    let (_, detail) = describe("file", call("file", vec![s("bin")], &ctx).unwrap_err());
    assert!(detail.contains("are not valid UTF-8"), "{detail}");
    let home = std::env::var("HOME").unwrap_or_default();
    assert_eq!(
        ok(&ctx, "pathexpand", vec![s("~/x")]),
        s(&format!("{home}/x"))
    );
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(
        ok(&ctx, "abspath", vec![s("a/../b")]),
        s(&format!("{}/b", cwd.display()))
    );
}

#[test]
fn arity_errors_name_the_missing_parameter() {
    assert_eq!(
        err("cidrsubnet", vec![s("10.0.0.0/8")]),
        (
            "Not enough function arguments".to_string(),
            "Function \"cidrsubnet\" expects 3 argument(s). Missing value for \"newbits\"."
                .to_string()
        )
    );
    let (summary, detail) = err("nosuch", vec![]);
    assert_eq!(summary, "Call to unknown function");
    assert!(
        detail.starts_with("There is no function named \"nosuch\"."),
        "{detail}"
    );
}

#[test]
fn textencodings_round_trip() {
    for enc in ["UTF-8", "UTF-16LE", "UTF-16BE", "ISO-8859-1"] {
        let b = ok(&plan(), "textencodebase64", vec![s("héllo"), s(enc)]);
        assert_eq!(
            ok(&plan(), "textdecodebase64", vec![b, s(enc)]),
            s("héllo"),
            "{enc}"
        );
    }
    let (_, detail) = err("textencodebase64", vec![s("é"), s("US-ASCII")]);
    assert!(detail.contains("cannot be represented"), "{detail}");
}
