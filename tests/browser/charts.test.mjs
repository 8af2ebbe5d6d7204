// The statistics charts as readers see them, on a desktop (1280 px) and on a
// phone (390 px): every text of a chart lies inside its drawing (no label cut
// off at an edge), and on the phone the text is at least 12 px high once the
// drawing is scaled to the column.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSample, launch, listFiles, serve, urlOf } from './lib.mjs';

const MIN_PHONE_PX = 12;
const site = buildSample();
// Every language: French and Spanish labels are the longest.
const pages = listFiles(site.dir).filter((rel) => rel.endsWith('/statistics/index.html'));
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

/** Per chart: its box, and each text's box and rendered font size. */
const measure = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('svg.chart')].map((svg) => {
      const box = svg.getBoundingClientRect();
      const scale = svg.getScreenCTM().a;
      const texts = [...svg.querySelectorAll('text, tspan')].map((t) => {
        const r = t.getBoundingClientRect();
        return {
          text: t.textContent,
          left: r.left,
          right: r.right,
          top: r.top,
          bottom: r.bottom,
          px: parseFloat(getComputedStyle(t).fontSize) * scale,
        };
      });
      const id = svg.closest('section')?.getAttribute('aria-labelledby') ?? '?';
      return { id, box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom }, texts };
    }),
  );

describe('statistics charts', () => {
  test('the sample has statistics pages in every language', () => {
    assert.ok(pages.length >= 3, `statistics pages: ${pages}`);
  });

  for (const width of [1280, 390]) {
    for (const rel of pages) {
      test(`${width} px, ${rel}: every label inside its chart${width < 500 ? `, text ≥ ${MIN_PHONE_PX} px` : ''}`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, isMobile: width < 500 });
        try {
          const page = await context.newPage();
          await page.goto(urlOf(server.origin, site.dir, rel), { waitUntil: 'load' });
          const charts = await measure(page);
          assert.equal(charts.length, 4, `${rel}: charts`);
          // Half a pixel for anti-aliasing.
          const inside = (r, box) =>
            r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
          for (const chart of charts) {
            assert.ok(chart.texts.length > 0, `${chart.id}: no text`);
            assert.ok(chart.box.right <= width, `${chart.id} is wider than the window`);
            for (const t of chart.texts) {
              assert.ok(
                inside(t, chart.box),
                `${chart.id}: «${t.text}» at ${Math.round(t.left)}–${Math.round(t.right)} × ${Math.round(t.top)}–${Math.round(t.bottom)} sticks out of ${Math.round(chart.box.left)}–${Math.round(chart.box.right)} × ${Math.round(chart.box.top)}–${Math.round(chart.box.bottom)}`,
              );
              if (width < 500) {
                assert.ok(t.px >= MIN_PHONE_PX, `${chart.id}: «${t.text}» is ${t.px.toFixed(1)} px`);
              }
            }
          }
        } finally {
          await context.close();
        }
      });
    }
  }
});
