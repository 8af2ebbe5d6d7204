//! Every discussion's replies as CSV and JSON, for staff who work on the
//! synthesis in a spreadsheet or a script.

use std::borrow::Cow;

use serde::Serialize;

use super::{JobError, OutputFile, countries};

use crate::model::Discussion;
use crate::site;

/// One reply as a row: the same fields, in the same order, in both formats.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    /// `null` in JSON and empty in CSV when not given.
    author: Option<&'a str>,
    organisation: Option<&'a str>,
    /// As written in the reply.
    country: Option<&'a str>,
    /// Its ISO 3166-1 alpha-2 code, when palabre knows the country (see
    /// [`countries`]): what to group by.
    country_code: Option<&'static str>,
    /// `YYYY-MM-DD`.
    date: Option<String>,
    language: &'static str,
    /// Question ids, e.g. `1.1 1.2` in CSV and a list in JSON.
    questions: Vec<String>,
    text: String,
    /// The questions whose consolidated reply (summary) cites it, in any
    /// language: ids as in `questions`. Last, so that the columns before it
    /// keep the places they had before it was added.
    cited_in: Vec<String>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    discussion: &'a str,
    replies: Vec<Row<'a>>,
}

fn rows(d: &Discussion) -> Result<Vec<Row<'_>>, JobError> {
    d.replies
        .iter()
        .map(|r| {
            Ok(Row {
                id: &r.id,
                author: r.author.as_deref(),
                organisation: r.organisation.as_deref(),
                country: r.country.as_deref(),
                country_code: r
                    .country
                    .as_deref()
                    .and_then(countries::find)
                    .map(countries::Country::code),
                date: r.date.map(|x| x.format("%Y-%m-%d").to_string()),
                language: r.lang.code(),
                questions: r.answers.iter().map(ToString::to_string).collect(),
                text: r.text()?,
                cited_in: d.cited_in(&r.id).iter().map(ToString::to_string).collect(),
            })
        })
        .collect()
}

/// `data/<discussion>.csv`.
pub(super) fn csv_file(d: &Discussion) -> Result<Vec<OutputFile>, JobError> {
    Ok(vec![OutputFile {
        path: site::data_path(d, "csv"),
        bytes: csv_bytes(d)?,
    }])
}

/// `data/<discussion>.json`.
pub(super) fn json_file(d: &Discussion) -> Result<Vec<OutputFile>, JobError> {
    let json = JsonFile {
        discussion: &d.slug,
        replies: rows(d)?,
    };
    let mut bytes = Vec::with_capacity(size_hint(&json.replies));
    serde_json::to_writer_pretty(&mut bytes, &json).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(vec![OutputFile {
        path: site::data_path(d, "json"),
        bytes,
    }])
}

/// A little more than the size of `rows` in either format, so that a
/// discussion's file (tens of megabytes) is written into one buffer rather
/// than copied again each time it outgrows one.
fn size_hint(rows: &[Row<'_>]) -> usize {
    rows.iter().map(|r| r.text.len() + 512).sum()
}

/// Text from the public that a spreadsheet would run as a formula (`=`, `+`,
/// `-`, `@`, or a tab/CR first) gets a leading `'`, which spreadsheets show as text.
fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

fn csv_bytes(d: &Discussion) -> Result<Vec<u8>, JobError> {
    // A byte-order mark, so that Excel reads the file as UTF-8 (accents intact);
    // LibreOffice and csv libraries accept it.
    let rows = rows(d)?;
    let mut buf = Vec::with_capacity(size_hint(&rows));
    buf.extend_from_slice("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        w.write_record([
            "id",
            "author",
            "organisation",
            "country",
            "country_code",
            "date",
            "language",
            "questions",
            "text",
            "cited_in",
        ])
        .map_err(|e| e.to_string())?;
        for r in rows {
            let questions = r.questions.join(" ");
            let cited_in = r.cited_in.join(" ");
            w.write_record([
                r.id,
                &spreadsheet_safe(r.author.unwrap_or("")),
                &spreadsheet_safe(r.organisation.unwrap_or("")),
                &spreadsheet_safe(r.country.unwrap_or("")),
                r.country_code.unwrap_or(""),
                r.date.as_deref().unwrap_or(""),
                r.language,
                &questions,
                &spreadsheet_safe(&r.text),
                &cited_in,
            ])
            .map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_from_replies_stay_text_in_spreadsheets() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(spreadsheet_safe("+cmd|calc"), "'+cmd|calc");
        assert_eq!(spreadsheet_safe("Región de Murcia"), "Región de Murcia");
    }
}
