use std::fmt;

/// An error from a provider: what it was doing and what went wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The API operation that failed, e.g. `CreateBucket`.
    pub operation: Option<String>,
    pub message: String,
}

impl Error {
    /// An error with no particular API operation.
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            operation: None,
            message: message.into(),
        }
    }

    /// An error from the API operation `operation`.
    pub fn api(operation: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            operation: Some(operation.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation {
            Some(op) => write!(f, "{op}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// A failed create or update. When the object was made but a later step failed,
/// `partial` holds its state so that it is recorded (as tainted) and not lost.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyError {
    pub error: Error,
    pub partial: Option<iac_value::Value>,
}

impl From<Error> for ApplyError {
    fn from(error: Error) -> ApplyError {
        ApplyError {
            error,
            partial: None,
        }
    }
}

/// A problem with one attribute of a configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// The attribute path the problem is at (empty for the whole block).
    pub path: iac_value::Path,
    pub message: String,
}

impl From<crate::Interrupted> for Error {
    fn from(interrupted: crate::Interrupted) -> Error {
        Error::new(interrupted.to_string())
    }
}
