// Contributing by e-mail from the page: while a discussion is open the
// overview, week and question pages show the mailto: link; once its `closes`
// day has passed they say it has closed and offer no link. This is decided in
// the reader's browser (static/contribute.js), with a fixed clock here, so that
// the pages are the same bytes whatever day the site was built (checked by
// building the sample on two other days with faketime).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT, LANGS, REPO, THEMES, buildSample, launch, listFiles, serve, urlOf } from './lib.mjs';

const site = buildSample();
const D = 'territorial-approach-2013';
// The sample's discussion closes on 2013-08-04 (its last day still open).
const CLOSES = '2013-08-04';
const pages = LANGS.flatMap((lang) =>
  [`${lang}/${D}/index.html`, `${lang}/${D}/week-1/index.html`, `${lang}/${D}/week-1/question-2/index.html`].map(
    (rel) => ({ lang, rel }),
  ),
);
const NAMES = {
  en: { heading: 'Contribute', link: 'Send your contribution by e-mail', closed: 'closed on 4 August 2013' },
  fr: { heading: 'Contribuer', link: 'Envoyer votre contribution par courriel', closed: 'a pris fin le 4 août 2013' },
  es: { heading: 'Contribuir', link: 'Enviar su contribución por correo electrónico', closed: 'terminó el 4 de agosto de 2013' },
};
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

/** What the reader sees of the offer on `rel` at `time` (a Date), or with JavaScript off. */
async function offerAt(rel, { time, javaScript = true, base = 'http' }) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    if (time) await page.clock.setFixedTime(time);
    await page.goto(urlOf(base === 'http' ? server.origin : 'file', site.dir, rel), { waitUntil: 'load' });
    // contribute.js is deferred: it has run once the document has loaded.
    const lang = rel.split('/')[0];
    const link = page.getByRole('link', { name: NAMES[lang].link, exact: true });
    const links = await link.count();
    const visible = links === 1 && (await link.isVisible());
    const href = links === 1 ? await link.getAttribute('href') : null;
    const closed = page.locator('.contribute-closed');
    const closedVisible = (await closed.count()) === 1 && (await closed.isVisible());
    const closedText = closedVisible ? await closed.innerText() : '';
    const heading = await page.getByRole('heading', { name: NAMES[lang].heading, exact: true }).count();
    return { links, visible, href, closedVisible, closedText, heading, errors };
  } finally {
    await context.close();
  }
}

describe('contribute by e-mail', () => {
  for (const { lang, rel } of pages) {
    test(`${rel}: open before the closing day and on it, with the link to the moderators`, async () => {
      for (const time of [new Date('2013-07-20T10:00:00'), new Date(`${CLOSES}T23:30:00`)]) {
        const o = await offerAt(rel, { time });
        assert.deepEqual(o.errors, []);
        assert.equal(o.visible, true, `${rel} at ${time}: the link is not shown`);
        assert.match(o.href, /^mailto:m4d@example\.org\?subject=%5Bterritorial-approach-2013[%0-9A-Z.]*%5D/);
        assert.equal(o.closedVisible, false, `${rel} at ${time}: says closed while open`);
        assert.equal(o.heading, 1);
      }
    });

    test(`${rel}: closed after the closing day, as text, with no link`, async () => {
      const o = await offerAt(rel, { time: new Date('2013-08-05T00:30:00') });
      assert.deepEqual(o.errors, []);
      assert.equal(o.links, 0, `${rel}: a contribute link is left after the discussion closed`);
      assert.equal(o.closedVisible, true);
      assert.ok(o.closedText.includes(NAMES[lang].closed), o.closedText);
    });
  }

  test('from disk, today (long after the sample closed): closed', async () => {
    const o = await offerAt(pages[2].rel, { base: 'file' });
    assert.equal(o.links, 0);
    assert.equal(o.closedVisible, true);
  });

  test('without JavaScript: the link stays, with the closing day beside it', async () => {
    for (const { lang, rel } of pages) {
      const o = await offerAt(rel, { time: new Date('2030-01-01T12:00:00'), javaScript: false });
      assert.equal(o.visible, true, rel);
      assert.equal(o.closedVisible, false, rel);
    }
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(urlOf(server.origin, site.dir, `fr/${D}/week-1/question-2/index.html`));
    const until = await page.locator('.contribute-open .contribute-until').innerText();
    await context.close();
    assert.equal(until, "Les contributions sont ouvertes jusqu'au 4 août 2013.");
  });

  // axe.test.mjs sees the sample closed (today): the open offer, checked here.
  const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  for (const colorScheme of ['light', 'dark']) {
    test(`axe-core, ${colorScheme}: no serious WCAG A/AA violation in the open offer`, async () => {
      // The pages' CSP forbids inline scripts, and axe is injected as one.
      const context = await browser.newContext({ bypassCSP: true, colorScheme });
      try {
        for (const { rel } of pages) {
          const page = await context.newPage();
          await page.clock.setFixedTime(new Date('2013-07-20T10:00:00'));
          await page.goto(urlOf(server.origin, site.dir, rel), { waitUntil: 'load' });
          await page.addScriptTag({ content: AXE_SOURCE });
          const violations = await page.evaluate(async () => {
            const r = await window.axe.run(document.querySelector('.contribute'), {
              runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
            });
            return r.violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
          });
          await page.close();
          assert.deepEqual(violations, [], rel);
        }
      } finally {
        await context.close();
      }
    });
  }

  test('the same bytes whatever day the site is built', () => {
    const hashes = (dir) =>
      Object.fromEntries(
        listFiles(dir).map((rel) => [rel, createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex')]),
      );
    const reference = hashes(site.dir);
    const bin = process.env.PALABRE_BIN || join(process.env.CARGO_TARGET_DIR || join(REPO, 'target'), 'debug', 'palabre');
    // Before the discussion closed, and long after.
    for (const day of ['2013-07-20 12:00:00', '2031-02-03 04:05:06']) {
      const parent = mkdtempSync(join(tmpdir(), 'palabre-day-'));
      try {
        const out = join(parent, 'site');
        execFileSync('faketime', [day, bin, 'build', '--content', CONTENT, '--themes', THEMES, '--output', out], {
          cwd: REPO,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const built = hashes(out);
        assert.deepEqual(Object.keys(built), Object.keys(reference), `built on ${day}: other files`);
        for (const [rel, hash] of Object.entries(reference)) {
          assert.equal(built[rel], hash, `${rel} differs when built on ${day}`);
        }
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    }
  });
});
