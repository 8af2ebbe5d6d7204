//! Find-and-replace over bytes that does not start its automaton on input
//! none of whose bytes can begin a pattern: most attribute values and texts
//! of a page hold none, and the automaton's start-up and the copy it builds
//! cost more than the scan. The result is the same as always searching.

use aho_corasick::AhoCorasick;
use aho_corasick::AhoCorasickBuilder;
use aho_corasick::MatchKind;

pub struct Replacer {
  searcher: AhoCorasick,
  replacements: Vec<Vec<u8>>,
  /// The first byte of each pattern; every byte if a pattern is empty.
  starts: [bool; 256],
}

impl Replacer {
  pub fn new<P: AsRef<[u8]>>(
    kind: MatchKind,
    patterns: Vec<P>,
    replacements: Vec<Vec<u8>>,
  ) -> Replacer {
    let mut starts = [false; 256];
    for p in &patterns {
      match p.as_ref().first() {
        Some(&b) => starts[b as usize] = true,
        None => starts = [true; 256],
      }
    }
    let searcher = AhoCorasickBuilder::new()
      .match_kind(kind)
      .build(&patterns)
      .unwrap();
    Replacer {
      searcher,
      replacements,
      starts,
    }
  }

  /// Whether a match could start anywhere in `src`.
  pub fn may_match(&self, src: &[u8]) -> bool {
    src.iter().any(|&b| self.starts[b as usize])
  }

  pub fn replace_all(&self, src: &[u8]) -> Vec<u8> {
    if !self.may_match(src) {
      return src.to_vec();
    }
    self.searcher.replace_all_bytes(src, &self.replacements)
  }
}
