//! palabre: a static-site generator for multilingual e-discussions.
//!
//! Data flows one way:
//! files --[`content`]--> model --[`site`]--> pages --[`render`]--> HTML --[`output`]--> disk.
//!
//! The modules are layers, lowest first: each one uses only the modules
//! before it in this table, never one after it (`tests/testsuite/layers.rs` checks it).
//!
//! | module        | what it is                                                        |
//! |---------------|-------------------------------------------------------------------|
//! | `util`        | small helpers: locks, minifying, plain text, web addresses        |
//! | `lang`        | the languages palabre knows, and telling a text's language        |
//! | `diagnostic`  | problems reported with their file, line and a hint                |
//! | `style`       | `style:` of site.yaml: colours, logo, footer, contrast            |
//! | `config`      | the settings of site.yaml                                         |
//! | `model`       | the content as plain data: discussions, questions, replies, links |
//! | `frontmatter` | YAML front-matter, split from the text and typed                  |
//! | `markdown`    | Markdown to sanitised HTML, and the links found in it             |
//! | `site`        | the page plan: which pages there are and where they live          |
//! | `store`       | the reply store: texts held compressed or left in the build cache |
//! | `content`     | loading a content folder into the model, links resolved           |
//! | `import`      | new reply files, from scratch or from e-mails                     |
//! | `translations`| which summaries translate which, and recording it                 |
//! | `theme`       | templates, static files and translations                          |
//! | `i18n`        | the site's own words in each language                             |
//! | `links`       | site links filled in for the page or feed that shows them         |
//! | `extras`      | the files beside the pages: search, feeds, open data, .docx, …    |
//! | `brief`       | the moderators' brief: key phrases, passages, draft summaries     |
//! | `render`      | pages to HTML with the theme                                      |
//! | `output`      | writing the site safely, and the table of the files written       |
//! | `build`       | the `build` and `check` pipelines                                 |
//!
//! The command line is not part of the library: it lives in the binary
//! (`src/main.rs` and `src/cli/`), on top of `build`.

pub mod brief;
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
pub mod store;
pub mod style;
pub mod theme;
pub mod translations;
pub mod util;

mod build;

pub use build::{BuildOptions, BuildReport, Progress, build, check, themes_beside};
