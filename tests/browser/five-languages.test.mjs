// A site in English, French, Spanish, Portuguese and Arabic
// (tests/fixtures/five-languages): Arabic pages read right to left with
// text in other languages left to right inside them, search finds
// Portuguese and Arabic words by their stems, and axe-core finds no serious
// or critical WCAG 2.2 A/AA violation on the Arabic and Portuguese pages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildContent, launch, listFiles, REPO, serve, urlOf } from './lib.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const D = 'water-governance-2026';

const site = buildContent(join(REPO, 'tests', 'fixtures', 'five-languages'));
let server;
let browser;

before(async () => {
  server = await serve(site.dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  site.cleanup();
});

async function open(rel, base = server.origin, options = {}) {
  const page = await browser.newPage(options);
  await page.goto(urlOf(base, site.dir, rel), { waitUntil: 'load' });
  return page;
}

describe('Arabic pages read right to left', () => {
  const arabic = listFiles(site.dir).filter((f) => f.startsWith('ar/') && f.endsWith('.html'));

  test('every Arabic page says dir="rtl", every other page ltr', () => {
    assert.ok(arabic.length >= 10, `only ${arabic.length} Arabic pages`);
    for (const rel of listFiles(site.dir).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(site.dir, rel), 'utf8');
      const tag = html.match(/<html[^>]*>/)[0];
      assert.equal(/dir="?rtl/.test(tag), rel.startsWith('ar/'), `${rel}: ${tag}`);
    }
  });

  test('an Arabic reply on an English page, and an English paragraph in it, each read their own way', async () => {
    const page = await open(`en/${D}/replies/012-rania-haddad/index.html`);
    const dirs = await page.evaluate(() => {
      const article = document.querySelector('article.reply');
      const english = [...article.querySelectorAll('p[lang=en]')].find((p) => p.textContent.length > 100);
      // The author's Latin-script name starts on the left of the Arabic reply.
      const name = document.querySelector('.reply-author');
      const range = document.createRange();
      range.selectNodeContents(name);
      const nameLeft = range.getBoundingClientRect().left - article.getBoundingClientRect().left;
      return {
        page: getComputedStyle(document.body).direction,
        article: getComputedStyle(article).direction,
        english: english ? getComputedStyle(english).direction : 'missing',
        nameOnTheLeft: nameLeft < 40,
      };
    });
    assert.deepEqual(dirs, { page: 'ltr', article: 'rtl', english: 'ltr', nameOnTheLeft: true });
    await page.close();
  });

  test("on an Arabic page the layout is mirrored: the summary's accent border is on the right", async () => {
    const page = await open(`ar/${D}/week-1/question-1/index.html`);
    const layout = await page.evaluate(() => {
      const summary = document.querySelector('.summary-box');
      const style = summary ? getComputedStyle(summary) : null;
      return {
        direction: getComputedStyle(document.body).direction,
        // The summary's accent border is on its start side: the right.
        borderRight: style ? parseFloat(style.borderRightWidth) : -1,
        borderLeft: style ? parseFloat(style.borderLeftWidth) : -1,
      };
    });
    assert.equal(layout.direction, 'rtl');
    assert.ok(layout.borderRight > layout.borderLeft, JSON.stringify(layout));
    await page.close();
  });
});

/** Types `query` into the search page of `lang`; returns the addresses of the results. */
async function search(base, lang, query) {
  const page = await open(`${lang}/search/index.html`, base);
  const box = page.getByRole('searchbox');
  await box.fill(query);
  await box.press('Enter');
  await page.waitForFunction(
    () => {
      const status = document.querySelector('[role=status]').textContent;
      const box = document.querySelector('[data-loading]');
      if (!status.trim() || status === box.getAttribute('data-loading')) return false;
      // With results, once they are shown with their passages.
      const items = [...document.querySelectorAll('.search-results > li')];
      return !/\d/.test(status) || (items.length > 0 && items.every((li) => li.querySelector('.result-snippet')));
    },
    null,
    { timeout: 10000 },
  );
  const found = await page.evaluate(() =>
    [...document.querySelectorAll('.search-results > li a.result-title')].map((a) => a.getAttribute('href')),
  );
  const marks = await page.evaluate(() =>
    [...document.querySelectorAll('.search-results mark')].map((m) => m.textContent),
  );
  await page.close();
  return { found, marks };
}

describe('search stems Portuguese and Arabic', () => {
  for (const base of ['http', 'file']) {
    test(`${base}: "comunidade" finds the one reply that writes "comunidades"`, async () => {
      const { found, marks } = await search(base === 'http' ? server.origin : 'file', 'pt', 'comunidade');
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.match(found[0], /004-joao-mucavele/);
      assert.ok(marks.includes('comunidades'), JSON.stringify(marks));
    });

    test(`${base}: "المجتمع" finds the one reply that writes "المجتمعات"`, async () => {
      const { found, marks } = await search(base === 'http' ? server.origin : 'file', 'ar', 'المجتمع');
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.match(found[0], /010-youssef-el-amrani/);
      assert.ok(marks.includes('المجتمعات'), JSON.stringify(marks));
    });
  }

  test('a word no text holds finds nothing', async () => {
    const { found } = await search(server.origin, 'ar', 'كمبيوتر');
    assert.deepEqual(found, []);
  });
});

describe('axe-core on the Arabic and Portuguese pages', () => {
  const pages = [
    '',
    `${D}/`,
    `${D}/week-1/`,
    `${D}/week-1/question-1/`,
    `${D}/replies/012-rania-haddad/`,
    `${D}/report/`,
    'search/',
  ];
  for (const lang of ['ar', 'pt']) {
    for (const p of pages) {
      test(`${lang}/${p}: no serious or critical violation`, async () => {
        const rel = `${lang}/${p}index.html`;
        const page = await open(rel, server.origin, { bypassCSP: true });
        await page.addScriptTag({ content: AXE_SOURCE });
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          TAGS,
        );
        await page.close();
        const blocking = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(
          blocking.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`),
          [],
        );
      });
    }
  }
});
