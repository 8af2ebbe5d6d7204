//! E-mail files as mail programs and archives write them: line endings of
//! any system, a byte-order mark, blank lines before the headers, headers in
//! an undeclared 8-bit charset, and mbox mailboxes of every variant.

use std::borrow::Cow;

use encoding_rs::{ISO_2022_JP, UTF_8, WINDOWS_1252};

/// The bytes of one message made readable for the parser: `\n` line endings
/// (CRLF and old Mac CR-only files alike), no byte-order mark or blank lines
/// before the first header, and header lines in UTF-8: an undeclared 8-bit
/// header is read as UTF-8 when it is valid UTF-8, else as windows-1252 (what
/// mail programs do); raw ISO-2022-JP in a header is decoded. A message
/// without any `charset=` that is not valid UTF-8 is read as windows-1252 as
/// a whole.
pub(crate) fn normalize(raw: &[u8]) -> Vec<u8> {
    let raw = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw);
    let unix = unix_line_endings(raw);
    let text = skip_blank_lines(&unix);
    if std::str::from_utf8(text).is_err() && !contains_ignore_case(text, b"charset=") {
        let (decoded, _) = WINDOWS_1252.decode_without_bom_handling(text);
        return decoded.into_owned().into_bytes();
    }
    let header_end = header_end(text);
    let mut out = Vec::with_capacity(text.len() + 16);
    for line in text[..header_end].split_inclusive(|&b| b == b'\n') {
        out.extend_from_slice(&header_line(line));
    }
    out.extend_from_slice(&text[header_end..]);
    out
}

/// `\r\n` and lone `\r` become `\n`.
fn unix_line_endings(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'\r') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'\r' => {
                out.push(b'\n');
                if raw.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// Lines of spaces or tabs before the first header are not the message's.
fn skip_blank_lines(text: &[u8]) -> &[u8] {
    let mut start = 0;
    while let Some(end) = text[start..].iter().position(|&b| b == b'\n') {
        let line = &text[start..start + end];
        if !line.iter().all(|b| *b == b' ' || *b == b'\t') {
            break;
        }
        start += end + 1;
    }
    &text[start..]
}

/// Where the header block ends: just after its blank line, or the end.
fn header_end(text: &[u8]) -> usize {
    memchr::memmem::find(text, b"\n\n").map_or(text.len(), |i| i + 1)
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn header_line(line: &[u8]) -> Cow<'_, [u8]> {
    // ESC $ B / ESC $ @: a JIS X 0208 run, as old Japanese mail programs
    // wrote headers without encoded words.
    if line.windows(3).any(|w| w == b"\x1b$B" || w == b"\x1b$@") {
        let (text, _) = ISO_2022_JP.decode_without_bom_handling(line);
        return Cow::Owned(text.into_owned().into_bytes());
    }
    if std::str::from_utf8(line).is_ok() {
        return Cow::Borrowed(line);
    }
    let (text, _, had_errors) = UTF_8.decode(line);
    if !had_errors {
        return Cow::Owned(text.into_owned().into_bytes());
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(line);
    Cow::Owned(text.into_owned().into_bytes())
}

/// One message of a mailbox, and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxMessage {
    /// Its place in the mailbox, from 1.
    pub number: usize,
    /// The line of its `From ` separator, from 1.
    pub line: usize,
    /// Its bytes, without the separator, `>From ` unquoted.
    pub bytes: Vec<u8>,
}

/// True when `bytes` look like an mbox mailbox: they start with a `From `
/// separator line (after a byte-order mark or blank lines) rather than a
/// header.
pub fn is_mbox(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let unix = unix_line_endings(bytes);
    skip_blank_lines(&unix).starts_with(b"From ")
}

/// The messages of an mbox mailbox, in order, whatever its variant: mboxo
/// and mboxrd (`>From ` lines unquoted by one `>`), mboxcl (a
/// `Content-Length:` header saying where the body ends, so that an unquoted
/// `From ` line inside it does not split it). A `From ` line separates
/// messages at the start of the file, or after a blank line when a header
/// follows it, so that a sentence starting with "From " is no separator even
/// where it was not quoted.
pub fn split_mbox(bytes: &[u8]) -> Vec<MailboxMessage> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let unix = unix_line_endings(bytes);
    let lines: Vec<&[u8]> = unix.split_inclusive(|&b| b == b'\n').collect();
    let blank = |l: &[u8]| l.iter().all(|b| b.is_ascii_whitespace());
    // The first line of the file separates whatever follows it; a message
    // under it that is no message is reported with its place.
    let is_separator = |i: usize| {
        lines[i].starts_with(b"From ")
            && (lines[..i].iter().all(|l| blank(l))
                || (blank(lines[i - 1]) && lines.get(i + 1).is_some_and(|l| is_header_line(l))))
    };
    let mut messages = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_separator(i) {
            i += 1;
            continue;
        }
        let line = i + 1;
        let start = i + 1;
        let mut end = start;
        let mut in_headers = true;
        let mut body_length: Option<usize> = None;
        while end < lines.len() {
            let l = lines[end];
            if in_headers {
                if blank(l) {
                    in_headers = false;
                    if let Some(n) = body_length.take() {
                        // Trust Content-Length only when it ends the body
                        // right before a separator or the end of the file,
                        // counted with the file's line endings (LF or CRLF).
                        let fits = |j: usize| {
                            (j..lines.len())
                                .find(|&k| !blank(lines[k]))
                                .is_none_or(is_separator)
                        };
                        let found = [0, 1].into_iter().find_map(|per_line| {
                            let mut taken = 0;
                            let mut j = end + 1;
                            while j < lines.len() && taken < n {
                                taken += lines[j].len() + per_line;
                                j += 1;
                            }
                            (taken == n && fits(j)).then_some(j)
                        });
                        if let Some(j) = found {
                            end = j;
                            break;
                        }
                    }
                } else if let Some(value) = header_value(l, b"content-length") {
                    body_length = std::str::from_utf8(value)
                        .ok()
                        .and_then(|v| v.trim().parse().ok());
                }
            } else if is_separator(end) {
                break;
            }
            end += 1;
        }
        let mut message = Vec::new();
        for l in &lines[start..end] {
            // mboxrd: `>From `, `>>From `, … lose one `>`.
            let quotes = l.iter().take_while(|&&b| b == b'>').count();
            if quotes > 0 && l[quotes..].starts_with(b"From ") {
                message.extend_from_slice(&l[1..]);
            } else {
                message.extend_from_slice(l);
            }
        }
        messages.push(MailboxMessage {
            number: messages.len() + 1,
            line,
            bytes: message,
        });
        i = end;
    }
    messages
}

/// `Name: value` with a name of printable ASCII, or a folded continuation.
fn is_header_line(line: &[u8]) -> bool {
    line.iter()
        .position(|&b| b == b':')
        .is_some_and(|colon| colon > 0 && line[..colon].iter().all(|b| (33..=126).contains(b)))
}

fn header_value<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let colon = line.iter().position(|&b| b == b':')?;
    line[..colon]
        .eq_ignore_ascii_case(name)
        .then(|| &line[colon + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_bom_and_blank_lines_are_normalized() {
        let mac = b"From: Ana\rSubject: Hola\r\rTexto.\r";
        assert_eq!(normalize(mac), b"From: Ana\nSubject: Hola\n\nTexto.\n");
        let bom = b"\xef\xbb\xbf  \n\t\nFrom: Ana\r\n\r\nTexto.\r\n";
        assert_eq!(normalize(bom), b"From: Ana\n\nTexto.\n");
    }

    #[test]
    fn undeclared_8_bit_headers_are_read_as_utf8_then_windows_1252() {
        let latin1 = b"From: Luc\xeda <l@example.es>\nSubject: =?utf-8?q?x?=\nContent-Type: text/plain; charset=utf-8\n\nT\xc3\xa9\n";
        let out = String::from_utf8(normalize(latin1)).expect("utf-8");
        assert!(out.starts_with("From: Lucía <"), "{out}");
        assert!(out.ends_with("\n\nTé\n"), "{out}");
        let jis = b"From: \x1b$B%O%m!<\x1b(B <h@example.jp>\n\nx\n";
        let out = String::from_utf8(normalize(jis)).expect("utf-8");
        assert!(out.starts_with("From: ハロー <"), "{out}");
    }

    #[test]
    fn mbox_variants_split_where_messages_start() {
        let mbox = b"\xef\xbb\xbfFrom - Mon Jul  8 10:00:00 2013\r\nFrom: a\r\n\r\nOne.\r\n>From here.\r\n>>From there.\r\n\r\nFrom my side, nothing.\r\n\r\nFrom b@x Tue Jul  9 10:00:00 2013\r\nFrom: b\r\nContent-Length: 38\r\n\r\nTwo.\r\n\r\nFrom c@x Tue Jul  9 2013\r\nTo: x\r\n\r\nFrom d@x Wed Jul 10 10:00:00 2013\r\nFrom: d\r\n\r\nThree.\r\n";
        assert!(is_mbox(mbox));
        let messages = split_mbox(mbox);
        let texts: Vec<String> = messages
            .iter()
            .map(|m| String::from_utf8_lossy(&m.bytes).into_owned())
            .collect();
        assert_eq!(messages.len(), 3, "{texts:#?}");
        assert_eq!(
            texts[0],
            "From: a\n\nOne.\nFrom here.\n>From there.\n\nFrom my side, nothing.\n\n"
        );
        // Content-Length keeps the unquoted separator-like lines in the body.
        assert!(
            texts[1].contains("From c@x Tue Jul  9 2013\nTo: x"),
            "{texts:#?}"
        );
        assert_eq!(texts[2], "From: d\n\nThree.\n");
        let lines: Vec<usize> = messages.iter().map(|m| m.line).collect();
        assert_eq!(lines, [1, 10, 19]);
    }
}
