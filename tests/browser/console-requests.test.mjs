// On one page of every page type and language, over HTTP and from disk: no
// console error, no uncaught exception, no failed or missing resource, and no
// request to anywhere but the site itself (nothing fetched from third parties).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSample, label, launch, samplePages, serve, urlOf } from './lib.mjs';

// A word of many sample replies, in all three languages.
const SEARCH_WORD = 'migration';

const site = buildSample();
const pages = samplePages(site.dir);
let server;
let browser;
let context;

before(async () => {
  server = await serve(site.dir);
  browser = await launch();
  // The pages' own CSP stays in force: a violation is a console error too.
  context = await browser.newContext();
});

after(async () => {
  await browser?.close();
  await server?.close();
  site.cleanup();
});

async function visit(base, rel) {
  const problems = [];
  const requests = [];
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location()?.url ?? ''})`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  let searched = null;
  try {
    await page.goto(urlOf(base, site.dir, rel), { waitUntil: 'load' });
    // Late requests (lazy resources, scripts fetching after load) count too.
    await page.waitForLoadState('networkidle');
    // A page with a search box loads its index only when the reader searches:
    // search, so that those requests and scripts are checked too.
    const box = page.locator('input[type=search]:visible');
    if ((await box.count()) > 0) {
      const before = requests.length;
      await box.first().fill(SEARCH_WORD);
      await box.first().press('Enter');
      await page.waitForLoadState('networkidle');
      searched = requests.length - before;
    }
  } finally {
    await page.close();
  }
  return { problems, requests, searched };
}

describe('console and requests', () => {
  const runs = [
    ...pages.map((p) => ({ ...p, base: 'http' })),
    ...pages.filter((p) => p.lang === 'en' || p.lang === '').map((p) => ({ ...p, base: 'file' })),
  ];
  for (const p of runs) {
    test(`${p.base}: ${label(p)}: no console error, no request leaving the site`, async () => {
      const base = p.base === 'http' ? server.origin : 'file';
      const { problems, requests, searched } = await visit(base, p.rel);
      if (searched !== null) assert.ok(searched > 0, 'searching loaded nothing: the search did not run');
      assert.ok(requests.length > 0, 'no request recorded: the listener is not working');
      const own = p.base === 'http' ? (u) => new URL(u).origin === server.origin : (u) => u.startsWith('file://');
      const outside = requests.filter((u) => !own(u));
      assert.deepEqual(outside, [], `${p.rel} requested something outside the site`);
      assert.deepEqual(problems, [], `${p.rel} had errors`);
    });
  }
});
