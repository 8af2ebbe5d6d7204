// The language switcher keeps the reader on the same page: clicking "English"
// on a French question or reply page opens the English version of that page,
// over HTTP and from disk (file://).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSample, launch, serve, urlOf } from './lib.mjs';

const site = buildSample();
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

// The first discussion (in path order) that has a question 2.1, and its first reply.
const discussion = readdirSync(join(site.dir, 'fr'))
  .sort()
  .find((d) => existsSync(join(site.dir, 'fr', d, 'week-2', 'question-1', 'index.html')));
const firstReply = discussion && readdirSync(join(site.dir, 'fr', discussion, 'replies')).sort()[0];

const cases = [
  { what: 'question page', path: `${discussion}/week-2/question-1/index.html` },
  { what: 'reply page', path: `${discussion}/replies/${firstReply}/index.html` },
];
const switches = [
  { from: 'fr', to: 'en', name: 'English' },
  { from: 'en', to: 'es', name: 'Español' },
  { from: 'es', to: 'fr', name: 'Français' },
];

describe('language switcher', () => {
  test('the sample has a French week-2 question 1 and a reply', () => {
    assert.ok(discussion, 'no fr/<discussion>/week-2/question-1/index.html in the output');
    assert.ok(firstReply, `no reply page in fr/${discussion}/replies/`);
  });

  for (const base of ['http', 'file']) {
    for (const c of cases) {
      // From disk, one switch per page is enough: the links are the same.
      for (const s of base === 'http' ? switches : switches.slice(0, 1)) {
        test(`${base}: ${s.from}/${c.path}, click "${s.name}" -> ${s.to}/${c.path}`, async () => {
          const origin = base === 'http' ? server.origin : 'file';
          const page = await browser.newPage();
          try {
            await page.goto(urlOf(origin, site.dir, `${s.from}/${c.path}`), { waitUntil: 'load' });
            const link = page.locator('.lang-switcher').getByRole('link', { name: s.name, exact: true });
            assert.equal(await link.count(), 1, `no single "${s.name}" link in the switcher`);
            await Promise.all([page.waitForURL((u) => !u.href.includes(`/${s.from}/`)), link.click()]);
            const expected = urlOf(origin, site.dir, `${s.to}/${c.path}`);
            assert.equal(page.url(), expected);
            // The page reached is the target language's version of it, not a 404.
            assert.equal(await page.getAttribute('html', 'lang'), s.to);
            const current = page.locator('.lang-switcher [aria-current="page"]');
            assert.equal((await current.textContent())?.trim(), s.name);
          } finally {
            await page.close();
          }
        });
      }
    }
  }
});
