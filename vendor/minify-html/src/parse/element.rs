use crate::ast::AttrVal;
use crate::ast::ElementClosingTag;
use crate::ast::NodeData;
use crate::ast::ScriptOrStyleLang;
use crate::entity::decode::decode_entities;
use crate::parse::content::parse_content;
use crate::parse::content::ParsedContent;
use crate::parse::script::parse_script_content;
use crate::parse::style::parse_style_content;
use crate::parse::textarea::parse_textarea_content;
use crate::parse::title::parse_title_content;
use crate::parse::Code;
use ahash::AHashMap;
use ahash::RandomState;
use minify_html_common::gen::codepoints::ATTR_QUOTE;
use minify_html_common::gen::codepoints::DOUBLE_QUOTE;
use minify_html_common::gen::codepoints::NOT_UNQUOTED_ATTR_VAL_CHAR;
use minify_html_common::gen::codepoints::SINGLE_QUOTE;
use minify_html_common::gen::codepoints::TAG_NAME_CHAR;
use minify_html_common::gen::codepoints::WHITESPACE;
use minify_html_common::gen::codepoints::WHITESPACE_OR_SLASH;
use minify_html_common::gen::codepoints::WHITESPACE_OR_SLASH_OR_EQUALS_OR_RIGHT_CHEVRON;
use minify_html_common::spec::script::JAVASCRIPT_MIME_TYPES;
use minify_html_common::spec::tag::ns::Namespace;
use minify_html_common::spec::tag::void::VOID_TAGS;
use once_cell::sync::Lazy;
use std::borrow::Cow;
use std::fmt::Debug;
use std::fmt::Formatter;
use std::str::from_utf8;

/// Moves past `<` or `</` and the tag name after it, as written.
fn read_tag_name<'c>(code: &mut Code<'c>) -> &'c [u8] {
  debug_assert!(code.as_slice().starts_with(b"<"));
  code.shift(1);
  code.shift_if_next(b'/');
  code.slice_and_shift_while_in_lookup(TAG_NAME_CHAR)
}

/// The name of the tag that starts `code`, lower-cased, without moving past
/// it: borrowed when it is written in lower case, as it nearly always is.
pub fn peek_tag_name<'c>(code: &mut Code<'c>) -> Cow<'c, [u8]> {
  let cp = code.take_checkpoint();
  let name = read_tag_name(code);
  code.restore_checkpoint(cp);
  if name.iter().any(u8::is_ascii_uppercase) {
    Cow::Owned(name.to_ascii_lowercase())
  } else {
    Cow::Borrowed(name)
  }
}

// Derive Eq for testing.
#[derive(Eq, PartialEq)]
pub struct ParsedTag {
  pub attributes: AHashMap<Vec<u8>, AttrVal>,
  pub name: Vec<u8>,
  pub self_closing: bool,
}

impl Debug for ParsedTag {
  fn fmt(&self, f: &mut Formatter<'_>) -> std::fmt::Result {
    f.write_fmt(format_args!("<{}", from_utf8(&self.name).unwrap()))?;
    let mut attrs = self.attributes.iter().collect::<Vec<_>>();
    attrs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (n, v) in attrs {
      f.write_fmt(format_args!(" {}={:?}", from_utf8(n).unwrap(), v))?;
    }
    if self.self_closing {
      f.write_str(" />")?;
    };
    std::fmt::Result::Ok(())
  }
}

/// Seeded once per process: a seed for each tag was 1 % of minifying.
static ATTRIBUTES_HASHER: Lazy<RandomState> = Lazy::new(RandomState::new);

// While not valid, attributes in closing tags still need to be parsed (and then discarded) as attributes e.g. `</div x=">">`, which is why this function is used for both opening and closing tags.
pub fn parse_tag(code: &mut Code) -> ParsedTag {
  let mut attributes = AHashMap::with_hasher(ATTRIBUTES_HASHER.clone());
  let (name, self_closing) = read_tag(code, Some(&mut attributes));
  ParsedTag {
    attributes,
    name: name.unwrap_or_default(),
    self_closing,
  }
}

/// Moves past a tag whose name and attributes are not needed (a closing or
/// ignored tag), reading it as `parse_tag` does but keeping nothing.
pub fn skip_tag(code: &mut Code) {
  read_tag(code, None);
}

/// Reads a tag: its name and attributes when `attributes` is given (the
/// name is then returned), or only where it ends; and whether it is
/// self-closing.
fn read_tag(
  code: &mut Code,
  mut attributes: Option<&mut AHashMap<Vec<u8>, AttrVal>>,
) -> (Option<Vec<u8>>, bool) {
  let name = read_tag_name(code);
  let elem_name = attributes.is_some().then(|| name.to_ascii_lowercase());
  let self_closing;
  loop {
    // At the beginning of this loop, the last parsed unit was either the tag name or an attribute (including its value, if it had one).
    let last = code.shift_while_in_lookup(WHITESPACE_OR_SLASH);
    if code.at_end() || code.shift_if_next(b'>') {
      self_closing = last.filter(|&c| c == b'/').is_some();
      // End of tag.
      break;
    };
    // An attribute name can start with `=`, but ends at the next whitespace, `=`, `/`, or `>`.
    let name_start = code.take_checkpoint();
    code.shift_if_next_not_in_lookup(WHITESPACE_OR_SLASH);
    code.slice_and_shift_while_not_in_lookup(WHITESPACE_OR_SLASH_OR_EQUALS_OR_RIGHT_CHEVRON);
    let attr_name = code.slice_since(name_start);
    debug_assert!(!attr_name.is_empty());
    // See comment for WHITESPACE_OR_SLASH in codepoints.ts for details of complex attr parsing.
    code.shift_while_in_lookup(WHITESPACE);
    let has_value = code.shift_if_next(b'=');
    code.shift_while_in_lookup(WHITESPACE);
    let (quote, value) = if has_value {
      read_attr_value(code)
    } else {
      (None, &[][..])
    };
    if let Some(attributes) = attributes.as_deref_mut() {
      let value = AttrVal {
        quote,
        value: decode_entities(value, true),
      };
      attributes.insert(attr_name.to_ascii_lowercase(), value);
    }
  }
  (elem_name, self_closing)
}

/// Moves past an attribute's value: its quote, if any, and its text as written.
fn read_attr_value<'c>(code: &mut Code<'c>) -> (Option<u8>, &'c [u8]) {
  // TODO Replace ATTR_QUOTE with direct comparison.
  let attr_delim = code.shift_if_next_in_lookup(ATTR_QUOTE);
  // It seems that for unquoted attribute values, if it's the last value in a tag and is immediately followed by `>`, any trailing `/` is NOT interpreted as a self-closing indicator and is always included as part of the value, even for SVG self-closable elements.
  let attr_delim_pred = match attr_delim {
    Some(b'"') => DOUBLE_QUOTE,
    Some(b'\'') => SINGLE_QUOTE,
    None => NOT_UNQUOTED_ATTR_VAL_CHAR,
    _ => unreachable!(),
  };
  let value = code.slice_and_shift_while_not_in_lookup(attr_delim_pred);
  if let Some(c) = attr_delim {
    // It might not be next if EOF (i.e. attribute value not closed).
    code.shift_if_next(c);
  };
  (attr_delim, value)
}

// `<` must be next. `parent` should be an empty slice if it doesn't exist.
pub fn parse_element(code: &mut Code, ns: Namespace, parent: &[u8]) -> NodeData {
  let ParsedTag {
    name: elem_name,
    attributes,
    self_closing,
  } = parse_tag(code);

  // Embedded svg tags are immediately in the svg namespace and must be parsed as such.
  let ns = if elem_name == b"svg" {
    Namespace::Svg
  } else {
    ns
  };

  // Only foreign elements can be self closed.
  if self_closing && ns != Namespace::Html {
    return NodeData::Element {
      attributes,
      children: Vec::new(),
      closing_tag: ElementClosingTag::SelfClosing,
      name: elem_name,
      namespace: ns,
      next_sibling_element_name: Vec::new(),
    };
  };
  if VOID_TAGS.contains(elem_name.as_slice()) {
    return NodeData::Element {
      attributes,
      children: Vec::new(),
      closing_tag: ElementClosingTag::Void,
      name: elem_name,
      namespace: ns,
      next_sibling_element_name: Vec::new(),
    };
  };

  let ParsedContent {
    closing_tag_omitted,
    children,
  } = match (ns, elem_name.as_slice()) {
    (_, b"script") => match attributes.get(b"type".as_ref()) {
      Some(typ) if typ.as_slice() == b"module" => {
        parse_script_content(code, ScriptOrStyleLang::JSModule)
      }
      Some(mime) if !JAVASCRIPT_MIME_TYPES.contains(mime.as_slice()) => {
        parse_script_content(code, ScriptOrStyleLang::Data)
      }
      _ => parse_script_content(code, ScriptOrStyleLang::JS),
    },
    (_, b"style") => parse_style_content(code),
    (Namespace::Html, b"textarea") => parse_textarea_content(code),
    (Namespace::Html, b"title") => parse_title_content(code),
    _ => parse_content(code, ns, parent, &elem_name),
  };

  if !closing_tag_omitted {
    debug_assert_eq!(peek_tag_name(code).as_ref(), elem_name.as_slice());
    skip_tag(code);
  };

  NodeData::Element {
    attributes,
    children,
    closing_tag: if closing_tag_omitted {
      ElementClosingTag::Omitted
    } else {
      ElementClosingTag::Present
    },
    name: elem_name,
    namespace: ns,
    next_sibling_element_name: Vec::new(),
  }
}
