// The W3C Nu HTML checker (npm's vnu-jar, run with the machine's Java) on every
// HTML file and stylesheet of the built sample site, and of a site in five
// languages with Arabic right to left: no error.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContent, buildSample, listFiles, REPO } from './lib.mjs';

const VNU_JAR = join(
  dirname(createRequire(import.meta.url).resolve('vnu-jar/package.json')),
  'build',
  'dist',
  'vnu.jar',
);

const sample = buildSample();
// A site in five languages, Arabic right to left.
const five = buildContent(join(REPO, 'tests', 'fixtures', 'five-languages'));
after(() => {
  sample.cleanup();
  five.cleanup();
});

for (const [name, site] of [['sample site', sample], ['five-language site', five]]) {
  checkSite(name, site);
}

function checkSite(name, site) {
  const files = listFiles(site.dir).filter((f) => f.endsWith('.html') || f.endsWith('.css'));

  // One run over the whole folder: a JVM start per file would take minutes.
  const run = spawnSync(
    'java',
    ['-jar', VNU_JAR, '--errors-only', '--skip-non-html', '--also-check-css', '--format', 'json', site.dir],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );

  describe(`Nu HTML checker: ${name}`, () => {
    test('the checker ran', () => {
      assert.equal(run.error, undefined, `could not run java: ${run.error}`);
      // Exit status 1 only means "errors found"; anything else is the checker failing.
      assert.ok(run.status === 0 || run.status === 1, `vnu exited with ${run.status}: ${run.stderr}`);
      assert.ok(files.some((f) => f.endsWith('.html')), 'no HTML file in the output');
    });

    let report;
    try {
      // The report is the JSON object on stderr; the JVM may print notes before it.
      report = JSON.parse(run.stderr.slice(run.stderr.indexOf('{"')));
    } catch {
      report = { messages: [{ type: 'error', url: 'vnu', message: `unreadable output: ${run.stderr}` }] };
    }
    const byFile = new Map(files.map((f) => [f, []]));
    const unknown = [];
    for (const m of report.messages) {
      // 'non-document-error': a file the checker could not read.
      if (m.type !== 'error' && m.type !== 'non-document-error') continue;
      let rel = null;
      if (m.url && m.url.startsWith('file:')) {
        const path = fileURLToPath(m.url.replace(/^file:(?!\/\/)/, 'file://'));
        rel = path.startsWith(site.dir) ? path.slice(site.dir.length + 1) : null;
      }
      if (rel && byFile.has(rel)) byFile.get(rel).push(m);
      else unknown.push(m);
    }

    test('no error outside a checked file', () => {
      assert.deepEqual(
        unknown.map((m) => `${m.url}: ${m.message}`),
        [],
      );
    });

    for (const [rel, messages] of byFile) {
      test(`${rel}: no error`, () => {
        const text = messages
          .map((m) => `  ${m.lastLine}:${m.firstColumn ?? ''}-${m.lastColumn}: ${m.message}\n    «${m.extract ?? ''}»`)
          .join('\n');
        assert.equal(messages.length, 0, `${rel} has ${messages.length} error(s):\n${text}`);
      });
    }
  });
}
