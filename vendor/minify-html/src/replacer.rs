//! Find-and-replace over bytes that does not start its automaton on input
//! where no pattern can begin: most attribute values and texts of a page
//! have no such place, and the automaton's start-up and the copy it builds
//! cost more than the scan. A place is told by its byte and the next: the
//! patterns of shorter-encoded characters start with the lead bytes of
//! typographic quotes and dashes, which text is full of. The result is the
//! same as always searching.

use aho_corasick::AhoCorasick;
use aho_corasick::AhoCorasickBuilder;
use aho_corasick::MatchKind;

pub struct Replacer {
  searcher: AhoCorasick,
  replacements: Vec<Vec<u8>>,
  /// The bytes that are a whole pattern; every byte if a pattern is empty.
  whole: [bool; 256],
  /// The first two bytes of each longer pattern, as bits: `first * 256 + second`.
  pairs: Vec<u64>,
}

impl Replacer {
  pub fn new<P: AsRef<[u8]>>(
    kind: MatchKind,
    patterns: Vec<P>,
    replacements: Vec<Vec<u8>>,
  ) -> Replacer {
    let mut whole = [false; 256];
    let mut pairs = vec![0u64; 256 * 256 / 64];
    for p in &patterns {
      match *p.as_ref() {
        [] => whole = [true; 256],
        [b] => whole[b as usize] = true,
        [a, b, ..] => {
          let bit = (a as usize) << 8 | b as usize;
          pairs[bit / 64] |= 1 << (bit % 64);
        }
      }
    }
    let searcher = AhoCorasickBuilder::new()
      .match_kind(kind)
      .build(&patterns)
      .unwrap();
    Replacer {
      searcher,
      replacements,
      whole,
      pairs,
    }
  }

  /// Whether a match could start anywhere in `src`.
  pub fn may_match(&self, src: &[u8]) -> bool {
    src.iter().enumerate().any(|(i, &a)| {
      self.whole[a as usize]
        || src.get(i + 1).is_some_and(|&b| {
          let bit = (a as usize) << 8 | b as usize;
          self.pairs[bit / 64] & 1 << (bit % 64) != 0
        })
    })
  }

  pub fn replace_all(&self, src: &[u8]) -> Vec<u8> {
    if !self.may_match(src) {
      return src.to_vec();
    }
    self.searcher.replace_all_bytes(src, &self.replacements)
  }
}
