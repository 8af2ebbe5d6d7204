//! The integration tests of palabre: one test binary, so that the library
//! and the test dependencies are linked once rather than once per file. Each
//! module covers one area; `common` holds the fixture site and the helpers
//! they share, `safety` what "safe HTML" means.

mod common;
mod safety;

mod adversarial;
mod brief;
mod contribute;
mod coverage;
mod docs;
mod errors;
mod import;
mod incremental;
mod init;
mod languages;
mod layers;
mod library_without_cli;
mod links;
mod mail;
mod markdown;
mod new_reply;
mod outline;
mod properties;
mod readers;
mod sample_site;
mod sanitize;
mod serve;
mod themes;
mod translations;
