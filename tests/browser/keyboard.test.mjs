// Keyboard use on every page type: the first Tab lands on a visible skip link
// that moves focus to the main content; the language switcher is reachable by
// Tab; every focused control shows a visible focus indicator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSample, label, launch, samplePages, serve, urlOf } from './lib.mjs';

const site = buildSample();
// Keyboard behaviour comes from the templates, not the language: English
// pages (and the chooser) cover every template.
const pages = samplePages(site.dir).filter((p) => ['', 'en'].includes(p.lang));
// Tab stops checked per page: the header, breadcrumbs and the start of main.
const MAX_TABS = 40;
let server;
let browser;
let context;

before(async () => {
  server = await serve(site.dir);
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  site.cleanup();
});

/** What the focused element is and how its focus shows (runs in the page). */
function focusState() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const hit = document.elementFromPoint(cx, cy);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.textContent || '').trim().slice(0, 60),
    className: el.className,
    inSwitcher: !!el.closest('.lang-switcher'),
    href: el.getAttribute('href'),
    outlineWidth: parseFloat(cs.outlineWidth) || 0,
    outlineStyle: cs.outlineStyle,
    boxShadow: cs.boxShadow,
    box: { x: box.left, y: box.top, w: box.width, h: box.height },
    viewport: { w: innerWidth, h: innerHeight },
    // Visible: on screen, not transparent, and not covered by something else.
    onTop: !!hit && (hit === el || el.contains(hit)),
    opacity: parseFloat(cs.opacity),
    visibility: cs.visibility,
  };
}

const hasFocusRing = (s) =>
  (s.outlineWidth > 0 && s.outlineStyle !== 'none') || (s.boxShadow && s.boxShadow !== 'none');

describe('keyboard', () => {
  for (const p of pages) {
    test(`${label(p)}: first Tab focuses a visible skip link that moves focus to main`, async () => {
      const page = await context.newPage();
      try {
        await page.goto(urlOf(server.origin, site.dir, p.rel), { waitUntil: 'load' });
        await page.keyboard.press('Tab');
        const s = await page.evaluate(focusState);
        assert.ok(s, 'the first Tab focused nothing');
        assert.equal(s.tag, 'a', `the first Tab focused ${JSON.stringify(s)}`);
        assert.match(String(s.className), /skip-link/, `the first Tab focused ${JSON.stringify(s)}`);
        assert.equal(s.href, '#main');
        assert.ok(s.box.w >= 1 && s.box.h >= 1, `skip link has no size: ${JSON.stringify(s.box)}`);
        assert.ok(
          s.box.x >= 0 && s.box.y >= 0 && s.box.x + s.box.w <= s.viewport.w && s.box.y + s.box.h <= s.viewport.h,
          `skip link is not inside the viewport when focused: ${JSON.stringify(s)}`,
        );
        assert.ok(s.onTop && s.opacity > 0 && s.visibility === 'visible', `skip link is hidden: ${JSON.stringify(s)}`);
        assert.ok(hasFocusRing(s), `skip link shows no focus indicator: ${JSON.stringify(s)}`);

        await page.keyboard.press('Enter');
        await page.waitForFunction(() => document.activeElement?.id === 'main', null, { timeout: 2000 }).catch(() => {});
        const after = await page.evaluate(() => ({
          id: document.activeElement?.id,
          tag: document.activeElement?.tagName.toLowerCase(),
        }));
        assert.deepEqual(after, { id: 'main', tag: 'main' }, 'activating the skip link did not focus <main>');
        // The next Tab continues from main onwards, not back in the header.
        await page.keyboard.press('Tab');
        const before = await page.evaluate(() => {
          const el = document.activeElement;
          const main = document.getElementById('main');
          if (!el || el === document.body || main.contains(el)) return null;
          // A page with no control from main onwards wraps around to the top: fine.
          const controls = document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])');
          const later = [...controls].some(
            (c) => main.contains(c) || main.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING,
          );
          if (!later) return null;
          const preceding = !!(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
          return preceding ? el.outerHTML.slice(0, 120) : null;
        });
        assert.equal(before, null, 'after the skip link, Tab went back before <main>');
      } finally {
        await page.close();
      }
    });

    test(`${label(p)}: the language switcher is reachable by Tab, every focus is visible`, async () => {
      const page = await context.newPage();
      try {
        await page.goto(urlOf(server.origin, site.dir, p.rel), { waitUntil: 'load' });
        const switcherLinks = await page.locator('.lang-switcher a').count();
        // The chooser is the language choice itself; every other page has a switcher.
        if (p.type !== 'chooser') assert.ok(switcherLinks >= 3, `${p.rel} has ${switcherLinks} switcher link(s)`);
        const reached = new Set();
        const noRing = [];
        // Every Tab stop among the first MAX_TABS, not only the switcher's.
        for (let i = 0; i < MAX_TABS; i++) {
          await page.keyboard.press('Tab');
          const s = await page.evaluate(focusState);
          if (!s) break; // past the last control
          if (i > 0 && /skip-link/.test(String(s.className))) break; // wrapped around
          if (!hasFocusRing(s)) noRing.push(`${s.tag}.${s.className} «${s.text}»`);
          if (s.inSwitcher) reached.add(s.text);
        }
        assert.equal(reached.size, switcherLinks, `only ${reached.size} of ${switcherLinks} switcher links reached in ${MAX_TABS} Tabs`);
        assert.deepEqual(noRing, [], 'focused without a visible focus indicator');
      } finally {
        await page.close();
      }
    });
  }
});
