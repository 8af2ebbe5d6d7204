//! palabre: a static-site generator for multilingual e-discussions.
//!
//! Data flows one way:
//! files --[`content`]--> model --[`site`]--> pages --[`render`]--> HTML --[`output`]--> disk.

pub mod cache;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod extras;
pub mod frontmatter;
pub mod i18n;
pub mod import;
pub mod lang;
pub mod links;
pub mod markdown;
pub mod model;
pub mod output;
pub mod render;
pub mod site;
pub mod style;
pub mod theme;

mod build;

pub use build::{BuildOptions, BuildReport, Progress, build, check};
