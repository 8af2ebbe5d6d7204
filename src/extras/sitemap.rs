//! `sitemap.xml`, with every page's counterparts in the other languages
//! (`xhtml:link rel="alternate" hreflang`), and `robots.txt` pointing at it.

use quick_xml::escape::escape;

use super::OutputFile;
use crate::model::Site;
use crate::site::{self, PageKind};

pub(super) fn files(site: &Site, base: &str) -> Vec<OutputFile> {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let url = |path: &str| escape(format!("{base}/{path}")).into_owned();
    for page in site::pages(site) {
        xml.push_str("<url><loc>");
        xml.push_str(&url(&page.path()));
        xml.push_str("</loc>");
        // The chooser is the same page for every language.
        if !matches!(page.kind, PageKind::Chooser) {
            for &l in &site.config.languages {
                xml.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    l.code(),
                    url(&page.path_in(l))
                ));
            }
            xml.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                url(&page.path_in(site.config.default_lang))
            ));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {base}/sitemap.xml\n");
    vec![
        OutputFile {
            path: "sitemap.xml".to_string(),
            bytes: xml.into_bytes(),
        },
        OutputFile {
            path: "robots.txt".to_string(),
            bytes: robots.into_bytes(),
        },
    ]
}
