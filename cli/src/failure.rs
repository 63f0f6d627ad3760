//! Why a command stopped, and the exit code each reason gives. The one place that maps a
//! closed stdout (`tower-webhook … | head`) to a quiet, successful exit, as `ls | head` ends.

use std::io;
use std::process::ExitCode;

/// Why a command stopped: a usage error (exit 2), a verdict (exit 1), or its output could
/// not be written.
pub(crate) enum Failure {
    /// The command line, a file or a setting is wrong; the message says which (exit 2).
    Usage(String),
    /// The command ran and its report says why it failed: rejected, not answered 2xx, no
    /// such delivery (exit 1).
    Failed,
    /// Writing to stdout failed. A closed pipe (its reader is gone) is a clean exit.
    Output(io::Error),
}

/// What a command returns.
pub(crate) type Outcome = Result<(), Failure>;

/// A usage error with this message.
pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

/// The commands write to stdout with `writeln!(out, …)?`; this is what `?` makes of a
/// failed write. Nothing else reaches a command as a bare `io::Error`: reading a file maps
/// its error to a usage message that names the file.
impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Failure {
        Failure::Output(error)
    }
}

/// The exit code of `outcome`, after saying on stderr what went wrong, if anything did.
pub(crate) fn exit_code(outcome: Outcome) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Failed) => ExitCode::from(1),
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Output(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(Failure::Output(error)) => {
            eprintln!("error: cannot write: {error}");
            ExitCode::from(2)
        }
    }
}
