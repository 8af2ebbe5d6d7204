// WCAG 1.4.10 Reflow: at 320 CSS pixels wide (a 1280-pixel window zoomed to
// 400 %), no page type scrolls sideways; wide content (tables, charts) may
// scroll inside its own box but must not widen the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSample, label, launch, samplePages, serve, urlOf } from './lib.mjs';

const site = buildSample();
// Layout comes from the templates and the stylesheet: English pages cover them.
const pages = samplePages(site.dir).filter((p) => ['', 'en'].includes(p.lang));
let server;
let browser;
let context;

before(async () => {
  server = await serve(site.dir);
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 320, height: 640 } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  site.cleanup();
});

describe('reflow at 320 px', () => {
  for (const p of pages) {
    test(`${label(p)}: no horizontal scrolling`, async () => {
      const page = await context.newPage();
      try {
        await page.goto(urlOf(server.origin, site.dir, p.rel), { waitUntil: 'load' });
        const r = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const sticksOut = (el) => el.getBoundingClientRect().right > width + 1;
          // The outermost elements sticking out on the right, for the failure message.
          const wide = [...document.querySelectorAll('body *')]
            .filter((el) => sticksOut(el) && !sticksOut(el.parentElement))
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className} (right ${Math.round(el.getBoundingClientRect().right)})`);
          return { scrollWidth: document.documentElement.scrollWidth, width, wide };
        });
        assert.ok(
          r.scrollWidth <= r.width,
          `${p.rel} is ${r.scrollWidth} px wide in a ${r.width} px window; sticking out: ${r.wide.join(', ')}`,
        );
      } finally {
        await page.close();
      }
    });
  }
});
