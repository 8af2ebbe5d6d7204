//! The subcommands: each a client of the library, owning its arguments and
//! its output to the terminal.

pub mod build;
pub mod check;
pub mod import;
pub mod new;
pub mod serve;

use crate::diagnostic::Diagnostic;

/// Prints problems on stderr, one block each.
pub fn print_all<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diags {
        eprintln!("{d}");
    }
}
