// The language filter of consolidated (question) pages, in the browser:
// choosing a language shows only the contributions written in it (by mouse and
// by keyboard), over HTTP and from disk; without JavaScript every contribution
// shows and no dead control is left on the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSample, launch, samplePages, serve, urlOf } from './lib.mjs';

const site = buildSample();
// The English page of the first question (path order) of the sample.
const question = samplePages(site.dir).find((p) => p.type === 'question' && p.lang === 'en');
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

/** Languages of the contributions shown, and of all of them. */
const replyLangs = (page) =>
  page.evaluate(() => {
    const all = [...document.querySelectorAll('main article.reply')];
    const visible = all.filter((a) => a.checkVisibility());
    return { all: all.map((a) => a.lang), visible: visible.map((a) => a.lang) };
  });

describe('language filter', () => {
  test('the sample has an English question page', () => {
    assert.ok(question, 'no en question page in the output');
  });

  for (const base of ['http', 'file']) {
    test(`${base}: choosing a language shows only its contributions; "all" shows every one`, async () => {
      const page = await browser.newPage();
      try {
        await page.goto(urlOf(base === 'http' ? server.origin : 'file', site.dir, question.rel), { waitUntil: 'load' });
        const filter = page.getByRole('group', { name: /contributions/i });
        await filter.waitFor({ state: 'visible', timeout: 5000 });
        const start = await replyLangs(page);
        const langs = [...new Set(start.all)];
        assert.ok(langs.length >= 2, `${question.rel} has contributions in ${langs.length} language(s)`);
        assert.deepEqual(start.visible, start.all, 'some contributions are hidden before any choice');

        const radios = filter.getByRole('radio');
        const values = await radios.evaluateAll((rs) => rs.map((r) => r.value));
        for (const lang of langs) assert.ok(values.includes(lang), `no choice for ${lang} (choices: ${values})`);

        for (const lang of langs) {
          const radio = filter.locator(`input[type=radio][value="${lang}"]`);
          await radio.check();
          const now = await replyLangs(page);
          const expected = start.all.filter((l) => l === lang);
          assert.deepEqual(now.visible, expected, `after choosing ${lang}`);
          // The count in the choice's label is the number of contributions shown.
          const text = await radio.evaluate((r) => r.closest('label')?.textContent ?? '');
          assert.match(text, new RegExp(`\\b${expected.length}\\b`), `label «${text.trim()}»`);
          // Screen readers hear the new count (role=status).
          const status = (await page.getByRole('status').textContent()) ?? '';
          assert.match(status, new RegExp(`\\b${expected.length}\\b`), `status «${status}»`);
        }
        await filter.locator('input[type=radio][value="all"]').check();
        assert.deepEqual((await replyLangs(page)).visible, start.all, 'after choosing all languages');
      } finally {
        await page.close();
      }
    });
  }

  test('keyboard: arrow keys move between choices and filter at once', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(urlOf(server.origin, site.dir, question.rel), { waitUntil: 'load' });
      const all = page.locator('.lang-filter input[type=radio][value="all"]');
      await all.focus();
      await page.keyboard.press('ArrowDown');
      const chosen = await page.evaluate(() => document.activeElement?.value);
      assert.ok(chosen && chosen !== 'all', `ArrowDown focused ${chosen}`);
      const { all: langs, visible } = await replyLangs(page);
      assert.deepEqual(visible, langs.filter((l) => l === chosen), `after ArrowDown to ${chosen}`);
    } finally {
      await page.close();
    }
  });

  test('without JavaScript: every contribution shows and the filter is not offered', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(urlOf(server.origin, site.dir, question.rel), { waitUntil: 'load' });
      const { all, visible } = await replyLangs(page);
      assert.ok(all.length > 0, 'no contribution on the page');
      assert.deepEqual(visible, all);
      const shownControls = await page.locator('input[type=radio]:visible').count();
      assert.equal(shownControls, 0, 'a filter that cannot work is shown without JavaScript');
    } finally {
      await context.close();
    }
  });
});
