//! Bar charts for the statistics pages, laid out at build time: the template
//! only writes the SVG elements at the positions computed here, so the chart
//! needs no script and no inline style (the pages' CSP forbids both).

use serde::Serialize;

/// Width of the drawing, in SVG user units.
const WIDTH: u32 = 640;
/// Right edge of the labels, and where bars start.
const LABEL_END: u32 = 196;
const BAR_START: u32 = 204;
/// Room kept right of the longest bar for its value.
const VALUE_ROOM: u32 = 56;
const ROW: u32 = 28;
const BAR_HEIGHT: u32 = 18;
/// Longest label drawn in the chart; the table beside it has the full text.
const LABEL_CHARS: usize = 26;

#[derive(Serialize)]
pub struct Bar {
    /// The full label, for the table.
    pub label: String,
    /// The label as drawn, shortened when too long.
    pub short: String,
    /// `lang` of the label when it is not in the page's language.
    pub lang: Option<&'static str>,
    pub value: usize,
    /// Percentage of the total, rounded, for the table.
    pub share: String,
    pub y: u32,
    pub text_y: u32,
    pub width: u32,
    pub value_x: u32,
}

#[derive(Serialize)]
pub struct Chart {
    /// Unique on the page; ids of the title and description derive from it.
    pub id: String,
    pub title: String,
    /// The text alternative: every label with its value.
    pub desc: String,
    pub width: u32,
    pub height: u32,
    pub label_end: u32,
    pub bar_start: u32,
    pub bar_height: u32,
    pub bars: Vec<Bar>,
}

/// One row of a chart: label, its language if not the page's, value.
pub type Row = (String, Option<&'static str>, usize);

/// A horizontal bar chart of `rows`, in the order given. `total` is what the
/// shares are a percentage of.
pub fn chart(id: &str, title: String, rows: Vec<Row>, total: usize) -> Chart {
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let span = WIDTH - BAR_START - VALUE_ROOM;
    let bars: Vec<Bar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, lang, value))| {
            let y = 4 + ROW * i as u32;
            // Integer arithmetic: same input, same bytes on every machine.
            let width = (value as u64 * u64::from(span) / max as u64) as u32;
            let short = if label.chars().count() > LABEL_CHARS {
                let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
                format!("{}…", cut.trim_end())
            } else {
                label.clone()
            };
            let share = format!(
                "{} %",
                (value * 100 + total / 2).checked_div(total).unwrap_or(0)
            );
            Bar {
                label,
                short,
                lang,
                value,
                share,
                y,
                text_y: y + BAR_HEIGHT - 4,
                width: width.max(u32::from(value > 0)),
                value_x: BAR_START + width + 6,
            }
        })
        .collect();
    let desc = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.value))
        .collect::<Vec<_>>()
        .join("; ");
    Chart {
        id: id.to_string(),
        title,
        desc,
        width: WIDTH,
        height: 8 + ROW * bars.len() as u32,
        label_end: LABEL_END,
        bar_start: BAR_START,
        bar_height: BAR_HEIGHT,
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_bar_fills_the_span_and_others_are_proportional() {
        let c = chart(
            "c",
            "t".into(),
            vec![
                ("a".into(), None, 10),
                ("b".into(), None, 5),
                ("c".into(), None, 0),
            ],
            15,
        );
        let span = WIDTH - BAR_START - VALUE_ROOM;
        assert_eq!(c.bars[0].width, span);
        assert_eq!(c.bars[1].width, span / 2);
        assert_eq!(c.bars[2].width, 0);
        assert_eq!(c.bars[0].share, "67 %");
        assert_eq!(c.desc, "a: 10; b: 5; c: 0");
    }
}
