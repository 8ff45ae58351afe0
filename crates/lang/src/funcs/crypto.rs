//! Hashes, bcrypt, RSA decryption and UUIDs (Terraform's `crypto.go`).

use base64::Engine as _;
use iac_value::Value;
use sha2::Digest as _;

use super::args::{integer, string};
use super::{Ctx, Function, R, bad_arg, f, fail};
use crate::eval::Phase;

pub(crate) const FUNCTIONS: &[Function] = &[
    f("base64sha256", &["str"], |_, a| {
        Ok(base64(&sha256(&string(&a, 0)?)))
    }),
    f("base64sha512", &["str"], |_, a| {
        Ok(base64(&sha512(&string(&a, 0)?)))
    }),
    f("bcrypt", &["str"], bcrypt).variadic("cost"),
    f("md5", &["str"], |_, a| Ok(hex(&md5(&string(&a, 0)?)))),
    f("rsadecrypt", &["ciphertext", "privatekey"], rsadecrypt),
    f("sha1", &["str"], |_, a| Ok(hex(&sha1(&string(&a, 0)?)))),
    f("sha256", &["str"], |_, a| Ok(hex(&sha256(&string(&a, 0)?)))),
    f("sha512", &["str"], |_, a| Ok(hex(&sha512(&string(&a, 0)?)))),
    f("uuid", &[], uuid),
    f("uuidv5", &["namespace", "name"], uuidv5),
];

pub(crate) fn md5(data: impl AsRef<[u8]>) -> Vec<u8> {
    md5::Md5::digest(data).to_vec()
}

pub(crate) fn sha1(data: impl AsRef<[u8]>) -> Vec<u8> {
    sha1::Sha1::digest(data).to_vec()
}

pub(crate) fn sha256(data: impl AsRef<[u8]>) -> Vec<u8> {
    sha2::Sha256::digest(data).to_vec()
}

pub(crate) fn sha512(data: impl AsRef<[u8]>) -> Vec<u8> {
    sha2::Sha512::digest(data).to_vec()
}

/// A digest in lowercase hexadecimal.
pub(crate) fn hex(digest: &[u8]) -> Value {
    Value::String(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// A digest in standard base64.
pub(crate) fn base64(digest: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(digest))
}

/// A bcrypt hash with a random salt: unknown while planning, as in Terraform.
fn bcrypt(ctx: &Ctx, a: Vec<Value>) -> R {
    if a.len() > 2 {
        return fail("bcrypt() takes no more than two arguments");
    }
    let cost = if a.len() == 2 { integer(&a, 1)? } else { 10 };
    if !(4..=31).contains(&cost) {
        return fail(format!(
            "crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        ));
    }
    let text = string(&a, 0)?;
    if ctx.phase == Phase::Plan {
        return Ok(Value::Unknown);
    }
    let hash =
        ::bcrypt::hash(text, cost as u32).map_err(|e| super::CallError::Failed(e.to_string()))?;
    // Terraform's bcrypt (Go's x/crypto) writes the `$2a$` version prefix.
    Ok(Value::String(hash.replacen("$2b$", "$2a$", 1)))
}

fn rsadecrypt(_: &Ctx, a: Vec<Value>) -> R {
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    let ciphertext = string(&a, 0)?;
    let key = string(&a, 1)?;
    let bytes = match base64::engine::general_purpose::STANDARD.decode(ciphertext.trim()) {
        Ok(b) => b,
        Err(_) => {
            return fail(
                "failed to decode input \"cipher_text\": cipher text must be base64-encoded",
            );
        }
    };
    let key = rsa::RsaPrivateKey::from_pkcs1_pem(&key)
        .map_err(|_| super::CallError::Failed("invalid private key: failed to parse key: the private key is not a PEM-encoded RSA private key".into()))?;
    let plain = key.decrypt(rsa::Pkcs1v15Encrypt, &bytes).map_err(|_| {
        super::CallError::Failed("failed to decrypt: crypto/rsa: decryption error".into())
    })?;
    match String::from_utf8(plain) {
        Ok(s) => Ok(Value::String(s)),
        Err(_) => fail("the decrypted message is not valid UTF-8"),
    }
}

/// A random UUID: unknown while planning, as in Terraform.
fn uuid(ctx: &Ctx, _: Vec<Value>) -> R {
    if ctx.phase == Phase::Plan {
        return Ok(Value::Unknown);
    }
    Ok(Value::String(uuid::Uuid::new_v4().to_string()))
}

fn uuidv5(_: &Ctx, a: Vec<Value>) -> R {
    let namespace = match string(&a, 0)?.as_str() {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => match uuid::Uuid::parse_str(other) {
            Ok(u) => u,
            Err(_) => {
                return bad_arg(
                    0,
                    format!(
                        "uuidv5() doesn't support namespace {other} (invalid UUID length: {})",
                        other.len()
                    ),
                );
            }
        },
    };
    let name = string(&a, 1)?;
    Ok(Value::String(
        uuid::Uuid::new_v5(&namespace, name.as_bytes()).to_string(),
    ))
}
