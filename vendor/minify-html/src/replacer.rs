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
  /// An empty pattern matches everywhere.
  always: bool,
  /// The bytes that are a whole pattern.
  whole: [bool; 256],
  /// The first two bytes of each longer pattern, as bits: `first * 256 + second`.
  pairs: Vec<u64>,
  /// The patterns' first bytes, each once: when there are few, candidates
  /// are found with memchr rather than byte by byte.
  firsts: Vec<u8>,
  /// No pattern starts with an ASCII byte (characters shorter encoded):
  /// ASCII input, checked many bytes at a time, holds no match.
  no_ascii_first: bool,
}

impl Replacer {
  pub fn new<P: AsRef<[u8]>>(
    kind: MatchKind,
    patterns: Vec<P>,
    replacements: Vec<Vec<u8>>,
  ) -> Replacer {
    let mut always = false;
    let mut whole = [false; 256];
    let mut pairs = vec![0u64; 256 * 256 / 64];
    let mut firsts = Vec::new();
    for p in &patterns {
      if let Some(&b) = p.as_ref().first() {
        if !firsts.contains(&b) {
          firsts.push(b);
        }
      }
      match *p.as_ref() {
        [] => always = true,
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
      always,
      whole,
      pairs,
      no_ascii_first: !firsts.iter().any(u8::is_ascii),
      firsts,
    }
  }

  /// Whether a match could start anywhere in `src`.
  pub fn may_match(&self, src: &[u8]) -> bool {
    let at = |i: usize| self.may_start_at(src, i);
    if self.always {
      return true;
    }
    match *self.firsts.as_slice() {
      [a] => memchr::memchr_iter(a, src).any(at),
      [a, b] => memchr::memchr2_iter(a, b, src).any(at),
      [a, b, c] => memchr::memchr3_iter(a, b, c, src).any(at),
      _ if self.no_ascii_first && src.is_ascii() => false,
      _ => (0..src.len()).any(at),
    }
  }

  /// Whether a pattern may start at `src[i]`: by its first two bytes.
  fn may_start_at(&self, src: &[u8], i: usize) -> bool {
    let a = src[i];
    self.whole[a as usize]
      || src.get(i + 1).is_some_and(|&b| {
        let bit = (a as usize) << 8 | b as usize;
        self.pairs[bit / 64] & 1 << (bit % 64) != 0
      })
  }

  pub fn replace_all(&self, src: &[u8]) -> Vec<u8> {
    if !self.may_match(src) {
      return src.to_vec();
    }
    self.searcher.replace_all_bytes(src, &self.replacements)
  }

  /// `replace_all`, giving `src` back rather than a copy when nothing matches.
  pub fn replace_all_owned(&self, src: Vec<u8>) -> Vec<u8> {
    if !self.may_match(&src) {
      return src;
    }
    self.searcher.replace_all_bytes(&src, &self.replacements)
  }
}
