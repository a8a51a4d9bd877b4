// The SBOM review view in a real browser (Debian chromium through playwright-core): the webview's
// own page and script (media/sbomReview), fed a 10,000-component model as the extension feeds it.
// It must render only the rows in sight, sort, filter, and post "reveal" with the component's
// line; a screenshot is kept.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REVIEW_BODY } from '../../client/src/sbomReviewPage';
import { parseFile } from '../../server/src/core/fileKinds';
import { reviewModel } from '../../server/src/core/sbom/review';
import { REPO_ROOT } from '../support/paths';
import { cycloneDxJson } from '../support/sbomFactory';
import { type E2eContext, browserOptions } from './run';

const COMPONENTS = 10_000;

export async function runSbomReviewTest(ctx: E2eContext): Promise<number> {
  // One name is markup: it must show as text.
  const name = (i: number) => (i === 7 ? 'pkg-7 <img src=x onerror="window.pwned=1">' : `pkg-${i}`);
  const text = cycloneDxJson(Array.from({ length: COMPONENTS }, (_, i) => ({ name: name(i), version: `1.0.${i}`, license: i % 3 ? 'MIT' : 'Apache-2.0' })));
  const parsed = parseFile('/w/bom.json', text)!;
  const verdicts = ['verified', 'invalid', 'unsigned'] as const;
  const signature = {
    verdict: 'verified' as const,
    reason: 'Signed.',
    signer: 'release@example.com',
    issuer: 'https://issuer.example',
    logEntryUrl: 'https://log.example/entry/1',
    source: 'bundle bom.json.sigstore.json',
  };
  const model = reviewModel(parsed.sbom!, parsed.dependencies, (d) => ({ verdict: verdicts[Number(d.version!.split('.')[2]) % 3] }) as never, signature);
  const media = path.join(REPO_ROOT, 'media', 'sbomReview');
  const page = `<!DOCTYPE html><html><head><style>${fs.readFileSync(path.join(media, 'review.css'), 'utf8')}</style></head><body>${REVIEW_BODY}
<script>window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m) });</script>
<script>${fs.readFileSync(path.join(media, 'review.js'), 'utf8')}</script></body></html>`;
  const browser = await ctx.chromium.launch(browserOptions());
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await tab.setContent(page);
    const started = Date.now();
    // (Strings: these run in the page, and the project does not compile against the DOM library.)
    await tab.evaluate(`window.postMessage({ type: 'model', model: ${JSON.stringify(model)} }, '*')`);
    await tab.waitForSelector('#rows .row');
    const firstRender = Date.now() - started;
    const rendered = await tab.locator('#rows .row').count();
    assert.ok(rendered > 10 && rendered < 100, `only the rows in sight are in the page (${rendered})`);
    assert.equal(await tab.locator('#shown').textContent(), `${COMPONENTS} of ${COMPONENTS} components`);
    assert.match((await tab.locator('#summary').textContent()) ?? '', /3334 verified/);
    assert.equal(
      await tab.locator('#signature').textContent(),
      'Signed by release@example.com (https://issuer.example) — bundle bom.json.sigstore.json · log entry',
    );

    const firstName = () => tab.locator('#rows .row >> nth=0 >> div >> nth=0').textContent();
    assert.equal(await firstName(), 'pkg-0', 'sorted by name, numbers in order');
    await tab.locator('#head div', { hasText: 'Name' }).click();
    assert.equal(await firstName(), 'pkg-9999', 'a second click sorts the other way');

    await tab.fill('#filter', 'pkg-4242');
    assert.equal(await tab.locator('#shown').textContent(), `1 of ${COMPONENTS} components`);
    await tab.fill('#filter', 'licence:apache version:1.0.4242');
    assert.equal(await tab.locator('#shown').textContent(), `1 of ${COMPONENTS} components`, 'field:value filters one column each');
    await tab.fill('#filter', 'licence:mit version:1.0.4242');
    assert.equal(await tab.locator('#shown').textContent(), `0 of ${COMPONENTS} components`);
    await tab.fill('#filter', 'onerror');
    assert.equal(
      await tab.locator('#rows .row >> nth=0 >> div >> nth=0').textContent(),
      'pkg-7 <img src=x onerror="window.pwned=1">',
      'markup in a name is shown as text',
    );
    assert.equal(await tab.locator('#rows img').count(), 0);
    assert.equal(await tab.evaluate('window.pwned'), undefined);
    await tab.fill('#filter', '');
    await tab.selectOption('#verdict', 'invalid');
    assert.equal(await tab.locator('#shown').textContent(), `3333 of ${COMPONENTS} components`);
    await tab.evaluate(`document.getElementById('viewport').scrollTop = 24 * 2000`);
    await tab.waitForFunction(`document.querySelector('#rows .row div')?.textContent !== 'pkg-9998'`);
    await tab.selectOption('#verdict', '');
    await tab.screenshot({ path: ctx.screenshot('sbom-review') });

    await tab.evaluate(`document.getElementById('viewport').scrollTop = 0`);
    await tab.waitForFunction(`document.querySelector('#rows .row div')?.textContent === 'pkg-9999'`);
    const row = tab.locator('#rows .row').first();
    const line = Number(await row.getAttribute('data-line'));
    await row.click();
    const posted = (await tab.evaluate('window.posted')) as Array<{ type: string; line?: number }>;
    assert.deepEqual(
      posted.filter((m) => m.type === 'reveal'),
      [{ type: 'reveal', line }],
    );
    assert.ok(
      posted.some((m) => m.type === 'ready'),
      'the page says it is ready for its data',
    );
    const expected = text.split('\n').findIndex((l, i) => i >= line && l.includes('"name": "pkg-'));
    assert.ok(expected >= line, "the line is the component's in the file");
    // A comparison, as "Compare SBOM with…" posts it.
    const diff = {
      added: [{ name: 'new-dep', version: '1.0.0' }],
      removed: [],
      changed: [
        { name: 'left-pad', from: '1.3.0', to: '1.3.0', versionChanged: false, hashChanged: true },
        { name: 'sigstore', from: '1.0.0', to: '0.9.0', versionChanged: true, hashChanged: false, provenance: { from: 'verified', to: 'absent', lost: true } },
      ],
      unchanged: 9997,
    };
    await tab.evaluate(`window.postMessage({ type: 'diff', against: 'bom-previous.json', diff: ${JSON.stringify(diff)} }, '*')`);
    const changes = (await tab.locator('#changes').textContent()) ?? '';
    assert.match(changes, /Changes since bom-previous\.json: 1 added, 0 removed, 2 changed, 9997 unchanged/);
    assert.match(changes, /~ left-pad 1\.3\.0: same version, DIFFERENT CONTENT/);
    assert.match(changes, /~ sigstore 1\.0\.0 → 0\.9\.0 — provenance verified → absent \(LOST\)/);
    assert.equal(await tab.locator('#changes .alarm').count(), 2);
    await tab.screenshot({ path: ctx.screenshot('sbom-review-changes') });
    ctx.log(`sbom review: ${COMPONENTS.toLocaleString('en')} components, first rows on screen ${firstRender} ms after the data; ${rendered} rows in the page`);
    return 0;
  } finally {
    await browser.close();
  }
}
