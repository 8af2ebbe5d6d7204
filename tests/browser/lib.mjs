// Helpers shared by the browser tests: building the sample site with the real
// binary, serving it on 127.0.0.1, launching Debian's Chromium, and finding one
// page of every page type in the output.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, relative, resolve as resolvePath, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = normalize(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
export const CONTENT = join(REPO, 'content');
export const THEMES = join(REPO, 'themes');
export const LANGS = ['en', 'fr', 'es'];

// The chromium that Debian installs; playwright-core never downloads one.
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The palabre binary: PALABRE_BIN if set, otherwise a debug build of this checkout. */
export function palabreBinary() {
  if (process.env.PALABRE_BIN) return process.env.PALABRE_BIN;
  // Incremental: a no-op when `cargo test` has just built it.
  execFileSync('cargo', ['build', '--locked', '--quiet', '--bin', 'palabre'], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return join(process.env.CARGO_TARGET_DIR || join(REPO, 'target'), 'debug', 'palabre');
}

/**
 * Builds the sample content into a fresh temporary folder (or takes the one
 * PALABRE_SAMPLE_SITE names) and returns { dir, cleanup }. The output folder
 * must not exist beforehand (palabre refuses a non-empty folder it did not
 * create), so the site goes into a subfolder of the temporary one.
 */
export function buildSample() {
  // scripts/test.sh builds the site once for all the test files (each runs in
  // its own process); it stays read-only and is left for the script to remove.
  if (process.env.PALABRE_SAMPLE_SITE) {
    return { dir: resolvePath(process.env.PALABRE_SAMPLE_SITE), cleanup: () => {} };
  }
  return buildContent(CONTENT);
}

/**
 * Builds the site of `content` (a content folder) with the repository's
 * themes into a fresh temporary folder; returns { dir, cleanup }.
 */
export function buildContent(content) {
  const parent = mkdtempSync(join(tmpdir(), 'palabre-browser-'));
  const dir = join(parent, 'site');
  const bin = palabreBinary();
  try {
    execFileSync(bin, ['build', '--content', content, '--themes', THEMES, '--output', dir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    rmSync(parent, { recursive: true, force: true });
    // A broken theme reports one error per page: the first few say it all.
    const lines = String(e.stderr ?? e.message).split('\n');
    const shown = lines.slice(0, 20).join('\n');
    const more = lines.length > 21 ? `\n... (${lines.length - 20} more lines)\n${lines.at(-2)}` : '';
    throw new Error(`palabre build of ${content} failed (${bin}):\n${shown}${more}`);
  }
  return { dir, cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * Writes the moderators' brief of a sample discussion, its pages in `lang`,
 * into a fresh temporary folder; returns { dir, cleanup }.
 */
export function buildBrief(lang) {
  const parent = mkdtempSync(join(tmpdir(), 'palabre-brief-'));
  const dir = join(parent, 'brief');
  const args = ['brief', '--content', CONTENT, '--themes', THEMES, '--output', dir];
  args.push('--discussion', 'mainstreaming-migration-2015', '--lang', lang);
  execFileSync(palabreBinary(), args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  return { dir, cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

/**
 * Serves `dir` on 127.0.0.1 (ephemeral port), like any static host would:
 * a folder URL serves its index.html, anything outside `dir` is a 404.
 * Resolves to { origin, close }.
 */
export function serve(dir) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(dir, path));
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(404).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

/** Launches headless Chromium through playwright-core. */
export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Every file under `dir`, as sorted '/'-separated relative paths. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** The sample's discussion folders (those with a _discussion.md). */
function discussionSlugs() {
  return new Set(
    readdirSync(CONTENT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(CONTENT, e.name, '_discussion.md')))
      .map((e) => e.name),
  );
}

/**
 * The type of an output page from its path, or a name made from the path for
 * page types this suite does not know yet (a search page, a printable
 * document, statistics...), so that new page types are checked as soon as
 * they appear in the output.
 */
export function pageType(rel, slugs = discussionSlugs()) {
  const segs = rel.split('/');
  if (rel === 'index.html') return { type: 'chooser', lang: '' };
  const dirs = segs.slice(0, -1);
  const file = segs[segs.length - 1];
  // Only index.html files are pages; other .html files keep their name in the type.
  const extra = file === 'index.html' ? [] : [file.replace(/\.html$/, '')];
  const generic = (parts) => parts.map((s) => s.replace(/\d+/g, 'N')).join('-') || 'page';
  if (!LANGS.includes(dirs[0])) return { type: generic([...dirs, ...extra]), lang: '' };
  const lang = dirs[0];
  const rest = [...dirs.slice(1), ...extra];
  if (rest.length === 0) return { type: 'home', lang };
  if (!slugs.has(rest[0])) return { type: generic(rest), lang };
  const sub = rest.slice(1);
  const isGroup = (s) => /^[a-z][a-z0-9_-]*-\d+$/.test(s) && s !== 'replies';
  if (sub.length === 0) return { type: 'discussion', lang };
  if (sub.length === 2 && sub[0] === 'replies' && extra.length === 0) return { type: 'reply', lang };
  if (sub.length === 1 && isGroup(sub[0]) && extra.length === 0) return { type: 'group', lang };
  if (sub.length === 2 && isGroup(sub[0]) && /^question-\d+$/.test(sub[1]) && extra.length === 0)
    return { type: 'question', lang };
  return { type: `discussion-${generic(sub)}`, lang };
}

/**
 * One page per (type, language): the first in path order, so the choice is
 * stable. Returns [{ type, lang, rel }], sorted by type then language.
 */
export function samplePages(dir) {
  const slugs = discussionSlugs();
  const seen = new Map();
  for (const rel of listFiles(dir)) {
    if (!rel.endsWith('.html')) continue;
    const { type, lang } = pageType(rel, slugs);
    const key = `${type}\t${lang}`;
    if (!seen.has(key)) seen.set(key, { type, lang, rel });
  }
  return [...seen.values()].sort(
    (a, b) => a.type.localeCompare(b.type) || LANGS.indexOf(a.lang) - LANGS.indexOf(b.lang),
  );
}

/** The URL of an output file over HTTP or from disk. */
export function urlOf(base, dir, rel) {
  return base === 'file' ? pathToFileURL(join(dir, rel)).href : `${base}/${rel}`;
}

/** A short label for test names. */
export const label = (p) => (p.lang ? `${p.lang} ${p.type} (${p.rel})` : `${p.type} (${p.rel})`);
