//! Bar charts for the statistics pages, laid out at build time: the template
//! only writes the SVG elements at the positions computed here, so the chart
//! needs no script and no inline style (the pages' CSP forbids both).
//!
//! Each bar has its value after its end, and its label beside it when every
//! label of the chart is short, else above it, on up to [`MAX_LINES`] lines
//! across the whole width. The drawing is narrow
//! ([`WIDTH`] units) and its text large for it ([`FONT_SIZE`]): the chart is
//! scaled to the page's width, and on a phone 390 pixels wide its text stays
//! above 12 pixels. Labels are wrapped with widths measured against a wide
//! font, so that no reader's font overflows the drawing; a label cut short
//! ends with "…" and the bar's `<title>` (a tooltip) and the table beside the
//! chart have it in full.

use serde::Serialize;

use super::countries;
use crate::lang::Lang;
use crate::model::Reply;

/// Width of the drawing, in SVG user units.
pub const WIDTH: u32 = 400;
/// Size of the chart's text, in user units.
pub const FONT_SIZE: u32 = 15;
/// Lines of a label at most: longer labels are cut, with "…".
pub const MAX_LINES: usize = 2;
/// From one label line's baseline to the next.
const LINE: u32 = 19;
/// From the top of a label's line to its baseline (the font's ascent).
const ASCENT: u32 = 14;
const BAR_HEIGHT: u32 = 16;
/// Between the last label line's baseline and the bar, or between a label
/// and its bar when it is beside it.
const LABEL_GAP: u32 = 8;
/// Between a bar and the next label above its bar, or the next bar when
/// labels are beside the bars.
const ROW_GAP: u32 = 14;
const ROW_GAP_BESIDE: u32 = 10;
/// Between a bar's end and its value.
const VALUE_GAP: u32 = 6;
/// Above the first label and below the last bar.
const MARGIN: u32 = 4;

/// One line of a bar's label, as drawn.
#[derive(Serialize)]
pub struct Line {
    /// The line's text.
    pub text: String,
    /// Baseline.
    pub y: u32,
}

/// One bar of a [`Chart`], with its label and value, laid out. Positions
/// are in SVG user units.
#[derive(Serialize)]
pub struct Bar {
    /// The full label, for the table and the bar's tooltip.
    pub label: String,
    /// The label as drawn: wrapped, cut with "…" when too long.
    pub lines: Vec<Line>,
    /// `lang` of the label when it is not in the page's language.
    pub lang: Option<&'static str>,
    /// The count the bar stands for.
    pub value: usize,
    /// Percentage of the total, rounded, for the table.
    pub share: String,
    /// Top of the bar.
    pub y: u32,
    /// The bar's length, in proportion to the chart's largest value; at least 1
    /// for any value above 0.
    pub width: u32,
    /// Where the value's text starts: just after the bar's end.
    pub value_x: u32,
    /// Baseline of the value, level with the bar's middle.
    pub value_y: u32,
}

/// A horizontal bar chart, laid out for the template to draw as SVG.
/// Positions and sizes are in SVG user units.
#[derive(Serialize)]
pub struct Chart {
    /// Unique on the page; ids of the title and description derive from it.
    pub id: String,
    /// The chart's title: its heading, and the SVG's `<title>`.
    pub title: String,
    /// The text alternative: every label with its value.
    pub desc: String,
    /// Width of the drawing: always [`WIDTH`].
    pub width: u32,
    /// Height of the drawing: what its bars and labels take.
    pub height: u32,
    /// Size of its text: always [`FONT_SIZE`].
    pub font_size: u32,
    /// Where bars start: after the labels when they are beside the bars.
    pub bar_x: u32,
    /// Thickness of every bar.
    pub bar_height: u32,
    /// Its bars, in the order of the rows given.
    pub bars: Vec<Bar>,
}

/// One row of a chart: label, its language if not the page's, value.
pub type Row = (String, Option<&'static str>, usize);

/// A horizontal bar chart of `rows`, in the order given. `total` is what the
/// shares are a percentage of.
pub fn chart(id: &str, title: String, rows: Vec<Row>, total: usize) -> Chart {
    let max = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    // Room after the longest bar for the widest value.
    let widest_value = rows
        .iter()
        .map(|r| to_units(text_width(&r.2.to_string())))
        .max()
        .unwrap_or(0);
    let widest_label = rows
        .iter()
        .map(|r| to_units(text_width(&r.0)))
        .max()
        .unwrap_or(0);
    // Short labels (languages, weeks, most countries) go beside their bars,
    // long ones above them.
    let beside = widest_label <= WIDTH * 2 / 5;
    let bar_x = if beside { widest_label + LABEL_GAP } else { 0 };
    let span = WIDTH - bar_x - VALUE_GAP - widest_value - 1;
    let label_room = WIDTH * 1000 / FONT_SIZE;
    // Digits and capitals are about 0.7 em high: their baseline where they
    // are centred on the bar.
    let centred = (BAR_HEIGHT + FONT_SIZE * 7 / 10) / 2;
    let gap = if beside { ROW_GAP_BESIDE } else { ROW_GAP };
    let mut y = MARGIN;
    let mut bars = Vec::with_capacity(rows.len());
    for (label, lang, value) in rows {
        let (lines, bar_y) = if beside {
            let line = Line {
                text: label.clone(),
                y: y + centred,
            };
            (vec![line], y)
        } else {
            let lines: Vec<Line> = wrap(&label, label_room, MAX_LINES)
                .into_iter()
                .enumerate()
                .map(|(i, text)| Line {
                    text,
                    y: y + ASCENT + LINE * i as u32,
                })
                .collect();
            let bar_y = y + ASCENT + LINE * (lines.len().max(1) as u32 - 1) + LABEL_GAP;
            (lines, bar_y)
        };
        // Integer arithmetic: same input, same bytes on every machine.
        let width = (value as u64 * u64::from(span) / max as u64) as u32;
        let width = width.max(u32::from(value > 0));
        let share = format!(
            "{} %",
            (value * 100 + total / 2).checked_div(total).unwrap_or(0)
        );
        bars.push(Bar {
            label,
            lines,
            lang,
            value,
            share,
            y: bar_y,
            width,
            value_x: bar_x + width + VALUE_GAP,
            value_y: bar_y + centred,
        });
        y = bar_y + BAR_HEIGHT + gap;
    }
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
        height: y.saturating_sub(gap).max(MARGIN) + MARGIN,
        font_size: FONT_SIZE,
        bar_x,
        bar_height: BAR_HEIGHT,
        bars,
    }
}

/// Replies per country, most first (ties in alphabetical order), then those
/// that give none as `unknown`. A country is counted once whatever language
/// or code it is written in, and named in `lang`; a country palabre does not
/// know is counted and shown as written.
pub fn country_rows(replies: &[Reply], lang: Lang, unknown: &str) -> Vec<Row> {
    use std::collections::BTreeMap;
    let mut by_country: BTreeMap<String, usize> = BTreeMap::new();
    let mut none = 0;
    for r in replies {
        match r.country.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => {
                *by_country.entry(countries::shown(c, lang)).or_default() += 1
            }
            _ => none += 1,
        }
    }
    let mut rows: Vec<(String, usize)> = by_country.into_iter().collect();
    // Alphabetical as readers expect: "Équateur" with the E's.
    rows.sort_by_cached_key(|(name, n)| {
        (
            std::cmp::Reverse(*n),
            countries::name_key(name),
            name.clone(),
        )
    });
    let mut rows: Vec<Row> = rows.into_iter().map(|(c, n)| (c, None, n)).collect();
    if none > 0 {
        rows.push((unknown.to_string(), None, none));
    }
    rows
}

/// Thousandths of an em to user units, rounded up.
fn to_units(milli_em: u32) -> u32 {
    (milli_em * FONT_SIZE).div_ceil(1000)
}

/// The width of `text` in thousandths of an em, as wide as DejaVu Sans (the
/// widest of the fonts the theme asks for, and Linux's usual fallback) or
/// wider: narrower fonts leave room, none overflows.
pub fn text_width(text: &str) -> u32 {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> u32 {
    // An accented letter is as wide as its base letter.
    let base = if c.is_ascii() {
        c
    } else {
        match deunicode::deunicode_char(c).map(|s| s.as_bytes()) {
            Some(&[b]) => char::from(b),
            // Ligatures, symbols, other scripts: a full em.
            _ => return 1000,
        }
    };
    match base {
        ' ' => 320,
        'i' | 'j' | 'l' | 'I' | 'J' | '.' | ',' | ':' | ';' | '!' | '\'' | '|' => 340,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 440,
        'm' => 980,
        'w' | 'M' | 'W' | '%' | '@' => 1000,
        'a'..='z' | '0'..='9' => 640,
        'A'..='Z' => 800,
        _ => 840,
    }
}

/// `text` in lines of at most `room` thousandths of an em, broken between
/// words (inside a word only when it is longer than a line), at most `max`
/// lines: the last one ends with "…" when some text is left out.
pub fn wrap(text: &str, room: u32, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut width = 0;
    let words = text.split_whitespace();
    let mut cut = false;
    'words: for word in words {
        let w = text_width(word);
        let space = if line.is_empty() { 0 } else { char_width(' ') };
        if width + space + w <= room {
            if space > 0 {
                line.push(' ');
            }
            line.push_str(word);
            width += space + w;
            continue;
        }
        // The word starts a new line, split if it is longer than a line.
        let mut rest = word;
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            width = 0;
        }
        loop {
            if lines.len() == max {
                cut = true;
                break 'words;
            }
            let w = text_width(rest);
            if w <= room {
                line.push_str(rest);
                width = w;
                break;
            }
            let mut taken = 0;
            let mut end = 0;
            for (i, c) in rest.char_indices() {
                if taken + char_width(c) > room {
                    break;
                }
                taken += char_width(c);
                end = i + c.len_utf8();
            }
            if end == 0 {
                // A character wider than a line: it goes alone.
                end = rest.chars().next().map_or(rest.len(), char::len_utf8);
            }
            lines.push(rest[..end].to_string());
            rest = &rest[end..];
            if rest.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if cut && let Some(last) = lines.last_mut() {
        let ellipsis = char_width('…');
        // Cut at a word's end, unless that leaves too little of the line.
        while text_width(last) + ellipsis > room {
            match last.rfind(' ') {
                Some(i) if i > last.len() / 2 => last.truncate(i),
                _ => {
                    last.pop();
                }
            }
        }
        let kept = last.trim_end_matches([' ', ',', ';', ':', '.']).len();
        last.truncate(kept);
        last.push('…');
    }
    lines
}

/// A signed contributor, once however many replies they signed.
pub struct Contributor<'a> {
    /// The name as the first of their replies signs it.
    pub name: &'a str,
    /// Their organisation, or "".
    pub organisation: &'a str,
    /// Their country as shown in the page's language ([`countries::shown`]), or "".
    pub country: String,
    /// How many replies they signed.
    pub replies: usize,
}

/// Each signed contributor once (same name, organisation and country), in
/// alphabetical order, with their number of replies; and the number of
/// unsigned replies. For the report, as a page and as a Word document.
pub fn contributors(replies: &[Reply], lang: Lang) -> (Vec<Contributor<'_>>, usize) {
    use std::collections::BTreeMap;
    // Keyed by the name in lower case first, to sort as readers expect.
    let mut people: BTreeMap<(String, &str, &str, String), usize> = BTreeMap::new();
    let mut anonymous = 0;
    for r in replies {
        match r.author.as_deref() {
            Some(a) => {
                let key = (
                    a.to_lowercase(),
                    a,
                    r.organisation.as_deref().unwrap_or(""),
                    r.country
                        .as_deref()
                        .map(|c| countries::shown(c, lang))
                        .unwrap_or_default(),
                );
                *people.entry(key).or_default() += 1;
            }
            None => anonymous += 1,
        }
    }
    let people = people
        .into_iter()
        .map(|((_, name, organisation, country), replies)| Contributor {
            name,
            organisation,
            country,
            replies,
        })
        .collect();
    (people, anonymous)
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
        let longest = c.bars[0].width;
        assert!(longest + VALUE_GAP + to_units(text_width("10")) <= WIDTH);
        assert!(longest > WIDTH * 3 / 4, "{longest}");
        assert_eq!(c.bars[1].width, longest / 2);
        assert_eq!(c.bars[2].width, 0);
        assert_eq!(c.bars[0].share, "67 %");
        assert_eq!(c.desc, "a: 10; b: 5; c: 0");
    }

    #[test]
    fn long_labels_wrap_within_the_width_and_are_cut_with_an_ellipsis() {
        let room = WIDTH * 1000 / FONT_SIZE;
        let long = "2.2 What are the main challenges for RLAs in making sure that migrants are active players in local governance and active citizenship";
        let lines = wrap(long, room, MAX_LINES);
        assert_eq!(lines.len(), MAX_LINES, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l) <= room), "{lines:?}");
        assert!(lines[0].starts_with("2.2 What are the main"), "{lines:?}");
        assert!(lines[1].ends_with('…'), "{lines:?}");
        // Nothing is lost between the lines: they are the label's start.
        let shown = lines.join(" ");
        let shown = shown.trim_end_matches('…');
        assert!(long.starts_with(shown), "{shown:?}");

        assert_eq!(wrap("Spain", room, MAX_LINES), ["Spain"]);
        // A word longer than a line is split.
        let word = "W".repeat(40);
        let split = wrap(&word, room, 3);
        assert!(split.len() >= 2 && split.iter().all(|l| text_width(l) <= room));
        assert!(word.starts_with(split.concat().trim_end_matches('…')));
    }

    #[test]
    fn short_labels_go_beside_their_bars() {
        let c = chart(
            "c",
            "t".into(),
            vec![
                ("English".into(), None, 9),
                ("Français".into(), Some("fr"), 3),
            ],
            12,
        );
        assert!(c.bar_x >= to_units(text_width("Français")));
        for b in &c.bars {
            assert_eq!(b.lines.len(), 1);
            assert_eq!(b.lines[0].y, b.value_y, "label and value on one line");
            assert!(b.lines[0].y > b.y && b.lines[0].y < b.y + BAR_HEIGHT);
            assert!(b.value_x + to_units(text_width(&b.value.to_string())) <= c.width);
        }
        assert_eq!(c.height, c.bars[1].y + BAR_HEIGHT + MARGIN);
    }

    #[test]
    fn every_row_lies_below_the_previous_one_and_inside_the_drawing() {
        let rows: Vec<Row> = (0..5)
            .map(|i| ("word ".repeat(i * 12) + "end", None, i + 1))
            .collect();
        let c = chart("c", "t".into(), rows, 15);
        let mut bottom = 0;
        for b in &c.bars {
            let first = b.lines.first().map_or(b.y, |l| l.y - ASCENT);
            assert!(first >= bottom, "row overlaps the previous one");
            assert!(b.lines.len() <= MAX_LINES);
            for l in &b.lines {
                assert!(
                    l.y + (FONT_SIZE - ASCENT) < b.y,
                    "a label line under its bar"
                );
            }
            assert!(b.value_x + to_units(text_width(&b.value.to_string())) <= c.width);
            bottom = b.y + BAR_HEIGHT;
        }
        assert!(bottom <= c.height);
    }
}
