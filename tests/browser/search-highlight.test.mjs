// Search results show the passage of each text around the words found, the
// words marked: typed queries, over HTTP and from disk; stemmed and folded
// forms are marked ("policies" marks "policy", "developpement" marks
// "développement"); a reply's text is shown as text, never run as HTML.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildContent, buildSample, launch, serve, urlOf } from './lib.mjs';

const site = buildSample();

// A site with one reply that quotes markup, in code as a reply may.
const hostileContent = mkdtempSync(join(tmpdir(), 'palabre-hostile-'));
mkdirSync(join(hostileContent, 'talk', 'replies'), { recursive: true });
writeFileSync(join(hostileContent, 'site.yaml'), 'title: {en: T}\nlanguages: [en, fr, es]\n');
writeFileSync(
  join(hostileContent, 'talk', '_discussion.md'),
  '---\ntitle: {en: "A discussion"}\ngroup_label: week\ngroups:\n  - id: 1\n    questions:\n      - id: 1\n        text: {en: "Question one?"}\n---\nThe introduction.\n',
);
writeFileSync(
  join(hostileContent, 'talk', 'replies', 'mallory.md'),
  '---\nauthor: "Mallory"\nlang: en\nanswers: ["1.1"]\n---\n' +
    'Replies may quote markup such as `<img src=x onerror="window.pwned=1">` or ' +
    '`<script>window.pwned=2</script>`; the onerror handler must stay text.\n',
);
const hostile = buildContent(hostileContent);

let server;
let hostileServer;
let browser;

before(async () => {
  server = await serve(site.dir);
  hostileServer = await serve(hostile.dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await hostileServer?.close();
  site.cleanup();
  hostile.cleanup();
  rmSync(hostileContent, { recursive: true, force: true });
});

/** Types `query` into the search page at `url`; returns each result's passage and marked words. */
async function search(page, url, query) {
  await page.goto(url, { waitUntil: 'load' });
  const box = page.getByRole('searchbox');
  await box.fill(query);
  await box.press('Enter');
  await page.getByRole('status').filter({ hasText: /\d/ }).waitFor({ timeout: 10000 });
  await page.waitForFunction(() => {
    const items = document.querySelectorAll('.search-results > li');
    return items.length > 0 && [...items].every((li) => li.querySelector('.result-snippet'));
  }, null, { timeout: 10000 });
  return page.evaluate(() =>
    [...document.querySelectorAll('.search-results > li')].map((li) => {
      const p = li.querySelector('.result-snippet');
      return {
        href: li.querySelector('a.result-title')?.href ?? '',
        text: p?.textContent ?? '',
        marks: [...(p?.querySelectorAll('mark') ?? [])].map((m) => m.textContent),
        // Anything in the passage but text and <mark> holding only text.
        elements: [...(p?.querySelectorAll('*') ?? [])].filter((e) => e.tagName !== 'MARK' || e.children.length).length,
      };
    }),
  );
}

/** Lower-case ASCII, as the index folds words. */
const fold = (w) => w.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

describe('search results show the passage around the words found', () => {
  for (const base of ['http', 'file']) {
    test(`${base}: "developpement" marks "développement" in French passages`, async () => {
      const page = await browser.newPage();
      try {
        const results = await search(page, urlOf(base === 'http' ? server.origin : 'file', site.dir, 'fr/search/index.html'), 'developpement');
        assert.ok(results.length > 0, 'no result');
        for (const r of results) {
          assert.ok(r.marks.length > 0, `${r.href}: nothing marked in «${r.text}»`);
          for (const m of r.marks) assert.match(fold(m), /^developp/, `${r.href}: «${m}» marked`);
          assert.equal(r.elements, 0, `${r.href}: markup in the passage`);
          assert.ok(r.text.length <= 300, `${r.href}: a passage of ${r.text.length} characters`);
        }
        assert.ok(results.some((r) => r.marks.some((m) => m.includes('é'))), 'no accented form marked');
        // Passages are where the word is, not the start of each text.
        assert.ok(results.some((r) => r.text.startsWith('…')), 'every passage is the start of its text');
      } finally {
        await page.close();
      }
    });
  }

  test('an inflected form marks the forms the texts use: "policies" marks "policy"', async () => {
    const page = await browser.newPage();
    try {
      const results = await search(page, `${server.origin}/en/search/index.html`, 'local policies');
      assert.ok(results.length > 0, 'no result');
      const marked = new Set(results.flatMap((r) => r.marks.map(fold)));
      assert.ok(marked.has('policy'), `marked: ${[...marked]}`);
      for (const m of marked) assert.match(m, /^(local|polic)/, `«${m}» marked for "local policies"`);
      // Both words of the query in one passage, where some text has them close together.
      assert.ok(
        results.some((r) => r.marks.some((m) => /^local/i.test(m)) && r.marks.some((m) => /^polic/i.test(fold(m)))),
        'no passage shows both words',
      );
    } finally {
      await page.close();
    }
  });

  test('markup quoted in a reply is shown as text and never runs', async () => {
    const page = await browser.newPage();
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    try {
      const results = await search(page, `${hostileServer.origin}/en/search/index.html`, 'onerror');
      assert.equal(results.length, 1, 'the reply is found');
      const [r] = results;
      assert.ok(r.text.includes('<img src=x onerror="window.pwned=1">'), `«${r.text}»`);
      assert.deepEqual(r.marks, ['onerror', 'onerror']);
      assert.equal(r.elements, 0, 'markup in the passage');
      const ran = await page.evaluate(() => ({
        pwned: window.pwned,
        elements: document.querySelectorAll('.search-results img, .search-results script').length,
      }));
      assert.deepEqual(ran, { pwned: undefined, elements: 0 });
      assert.deepEqual(dialogs, []);
    } finally {
      await page.close();
    }
  });
});
