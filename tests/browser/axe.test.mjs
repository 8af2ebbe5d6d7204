// axe-core on one page of every page type in every language (and in the dark
// colour scheme, whose contrast the stylesheet promises too): no serious or
// critical violation of the WCAG 2.0/2.1/2.2 A and AA rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildBrief, buildSample, label, launch, samplePages, serve, urlOf } from './lib.mjs';

// axe-core itself, injected into the page (@axe-core/playwright needs Node 22).
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const BLOCKING = new Set(['serious', 'critical']);
// Landmarks and outline: axe files these under best practices, not WCAG tags,
// so they are asked for by name, and any violation of them counts.
const STRUCTURE_RULES = [
  'landmark-one-main',
  'region',
  'landmark-unique',
  'landmark-no-duplicate-banner',
  'landmark-no-duplicate-contentinfo',
  'landmark-no-duplicate-main',
  'landmark-banner-is-top-level',
  'landmark-contentinfo-is-top-level',
  'landmark-main-is-top-level',
  'page-has-heading-one',
  'heading-order',
  'empty-heading',
];
// A word of many sample replies, in all three languages.
const SEARCH_WORD = 'migration';

const site = buildSample();
const pages = samplePages(site.dir);
let server;
let browser;
const contexts = {};

before(async () => {
  server = await serve(site.dir);
  browser = await launch();
  for (const colorScheme of ['light', 'dark']) {
    // The pages' CSP forbids inline scripts, and axe is injected as one.
    contexts[colorScheme] = await browser.newContext({ bypassCSP: true, colorScheme });
  }
});

after(async () => {
  await browser?.close();
  await server?.close();
  site.cleanup();
});

function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary.replace(/\n/g, '\n      ')}`)
        .join('\n');
      const more = v.nodes.length > 5 ? `\n    ... and ${v.nodes.length - 5} more` : '';
      return `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
}

// `url` gives the address of an output file: the sample site's, served, by default.
async function audit(rel, colorScheme, runOnly = { type: 'tag', values: TAGS }, url = (r) => urlOf(server.origin, site.dir, r)) {
  const page = await contexts[colorScheme].newPage();
  const run = () =>
    page.evaluate((only) => window.axe.run(document, { runOnly: only, resultTypes: ['violations'] }), runOnly);
  try {
    await page.goto(url(rel), { waitUntil: 'load' });
    await page.addScriptTag({ content: AXE_SOURCE });
    const result = await run();
    // A search page is checked again with results on it.
    const box = page.locator('input[type=search]:visible');
    if ((await box.count()) > 0) {
      await box.first().fill(SEARCH_WORD);
      await box.first().press('Enter');
      await page.waitForLoadState('networkidle');
      const withResults = await run();
      for (const v of withResults.violations) v.help = `${v.help} (with search results shown)`;
      result.violations.push(...withResults.violations);
    }
    return result;
  } finally {
    await page.close();
  }
}

describe('axe-core, landmarks and headings', () => {
  for (const p of pages.filter((p) => p.lang === 'en' || p.lang === '')) {
    test(`${label(p)}: one main, all content in landmarks, headings in order`, async () => {
      const result = await audit(p.rel, 'light', { type: 'rule', values: STRUCTURE_RULES });
      assert.equal(
        result.violations.length,
        0,
        `${p.rel} has structure violation(s):\n${describeViolations(result.violations)}`,
      );
    });
  }
});

describe('axe-core, WCAG 2.2 A and AA', () => {
  test('the output has every known page type in every language', () => {
    const types = new Set(pages.map((p) => p.type));
    for (const t of ['chooser', 'home', 'discussion', 'group', 'question', 'reply']) {
      assert.ok(types.has(t), `no ${t} page found in the output`);
    }
    for (const t of ['home', 'discussion', 'group', 'question', 'reply']) {
      for (const lang of ['en', 'fr', 'es']) {
        assert.ok(pages.some((p) => p.type === t && p.lang === lang), `no ${lang} ${t} page`);
      }
    }
  });

  const runs = [
    ...pages.map((p) => ({ ...p, scheme: 'light' })),
    // Contrast of the dark scheme: once per page type.
    ...pages.filter((p) => p.lang === 'en' || p.lang === '').map((p) => ({ ...p, scheme: 'dark' })),
  ];
  for (const p of runs) {
    test(`${label(p)}, ${p.scheme} scheme: no serious or critical violation`, async (t) => {
      const result = await audit(p.rel, p.scheme);
      const minor = result.violations.filter((v) => !BLOCKING.has(v.impact));
      if (minor.length) t.diagnostic(`minor/moderate:\n${describeViolations(minor)}`);
      const blocking = result.violations.filter((v) => BLOCKING.has(v.impact));
      assert.equal(
        blocking.length,
        0,
        `${p.rel} (${p.scheme}) has ${blocking.length} serious/critical violation(s):\n${describeViolations(blocking)}`,
      );
    });
  }
});

// The brief is opened from disk, as moderators open it.
describe("axe-core on the moderators' brief", () => {
  const briefs = {};
  before(() => {
    for (const lang of ['en', 'es']) briefs[lang] = buildBrief(lang);
  });
  after(() => {
    for (const b of Object.values(briefs)) b.cleanup();
  });
  for (const lang of ['en', 'es']) {
    for (const rel of ['index.html', '1-2.html']) {
      test(`${lang} brief ${rel}: landmarks, headings and WCAG 2.2 AA`, async () => {
        const url = (r) => urlOf('file', briefs[lang].dir, r);
        const structure = await audit(rel, 'light', { type: 'rule', values: STRUCTURE_RULES }, url);
        const wcag = await audit(rel, 'light', { type: 'tag', values: TAGS }, url);
        const blocking = [...structure.violations, ...wcag.violations.filter((v) => BLOCKING.has(v.impact))];
        assert.equal(blocking.length, 0, `${lang} ${rel}:\n${describeViolations(blocking)}`);
      });
    }
  }
});
