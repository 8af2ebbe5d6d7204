// Screenshots of every page type (English; the chooser has no language) at
// desktop and phone width, into docs/screenshots/<type>-<width>.png.
// Run by hand after a visible change: `node tests/browser/screenshots.mjs`.
// Not a test: it asserts nothing, it shows what readers see.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, buildSample, launch, samplePages, serve } from './lib.mjs';

const OUT = join(REPO, 'docs', 'screenshots');
const WIDTHS = [
  { width: 1280, height: 900, deviceScaleFactor: 1, isMobile: false },
  { width: 390, height: 844, deviceScaleFactor: 1, isMobile: true },
];
// Long pages (a question with 15 replies) are cut at this height, enough to
// show the summary and the first replies, and then quantised with pngquant
// (Debian's `pngquant`): the images stay small enough for the repository.
const MAX_HEIGHT = { 1280: 2700, 390: 4200 };

const site = buildSample();
const server = await serve(site.dir);
const browser = await launch();
try {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const pages = samplePages(site.dir).filter((p) => p.lang === 'en' || p.lang === '');
  for (const vp of WIDTHS) {
    const context = await browser.newContext({
      viewport: { width: vp.width, height: vp.height },
      deviceScaleFactor: vp.deviceScaleFactor,
      isMobile: vp.isMobile,
      hasTouch: vp.isMobile,
      colorScheme: 'light',
      reducedMotion: 'reduce',
    });
    for (const p of pages) {
      const page = await context.newPage();
      await page.goto(`${server.origin}/${p.rel}`, { waitUntil: 'load' });
      // A search page is shown with results.
      const box = page.locator('input[type=search]:visible');
      if ((await box.count()) > 0) {
        await box.first().fill('migration');
        await box.first().press('Enter');
        await page.waitForLoadState('networkidle');
      }
      const full = await page.evaluate(() => document.documentElement.scrollHeight);
      const height = Math.min(full, MAX_HEIGHT[vp.width]);
      const file = join(OUT, `${p.type}-${vp.width}.png`);
      await page.screenshot({
        path: file,
        fullPage: true,
        clip: { x: 0, y: 0, width: vp.width, height },
        animations: 'disabled',
      });
      await page.close();
      console.log(`${file.slice(REPO.length + 1)}  ${p.rel}  ${vp.width}x${height}`);
    }
    await context.close();
  }
  const files = readdirSync(OUT).map((f) => join(OUT, f));
  try {
    execFileSync('pngquant', ['--quality=65-90', '--speed', '1', '--strip', '--force', '--ext', '.png', ...files]);
  } catch (e) {
    throw new Error(`pngquant failed (install it: apt-get install -y pngquant): ${e.message}`);
  }
  const total = readdirSync(OUT).reduce((n, f) => n + statSync(join(OUT, f)).size, 0);
  console.log(`${readdirSync(OUT).length} screenshots, ${(total / 1024).toFixed(0)} kB in docs/screenshots/`);
} finally {
  await browser.close();
  await server.close();
  site.cleanup();
}
