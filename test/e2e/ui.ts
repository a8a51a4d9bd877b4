// The UI test: what a person sees. Opens the workbench, waits for the status-bar item, opens the
// provenance view, expands nodes, hovers a dependency, opens an SBOM in the review view (the
// extension's webview in this VS Code's webview host), and saves screenshots to test-artifacts/.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { cycloneDxJson } from '../support/sbomFactory';
import { type E2eContext, browserOptions } from './run';

export async function runUiTest(ctx: E2eContext): Promise<number> {
  // Two components the replay registry knows: sigstore@1.0.0 verifies, async@2.5.0's signature is tampered with.
  fs.writeFileSync(
    path.join(ctx.workspace, 'bom.cdx.json'),
    cycloneDxJson([
      { name: 'sigstore', version: '1.0.0', license: 'Apache-2.0' },
      { name: 'async', version: '2.5.0', license: 'MIT' },
    ]),
  );
  const browser = await ctx.chromium.launch(browserOptions());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const shot = (name: string) => page.screenshot({ path: ctx.screenshot(name) });
  try {
    const started = Date.now();
    await page.goto(`${ctx.baseUrl}/?folder=${encodeURIComponent(ctx.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The status-bar summary appears once the server has verified the workspace.
    // Status-bar entries are rendered with the id `<extension id>.<item id>`.
    const statusSelector = '[id="provenance-lens.provenance-lens.provenanceLens.status"]';
    const status = page.locator(statusSelector);
    await status.waitFor({ timeout: 60_000 });
    // (A string: this runs in the page, and the project does not compile against the DOM library.)
    await page.waitForFunction(
      `(() => { const s = document.querySelector('${statusSelector}'); return s && /\\d/.test(s.textContent) && !s.querySelector('.codicon-sync'); })()`,
      undefined,
      { timeout: 60_000 },
    );
    ctx.log(`ui: workbench and verdicts ready after ${Date.now() - started} ms; status bar "${(await status.textContent())?.trim()}"`);

    await status.click(); // opens the provenance view
    const rows = page.locator('[id="workbench.view.extension.provenanceLens"] .monaco-list-row');
    await rows.filter({ hasText: 'package-lock.json' }).waitFor({ timeout: 30_000 });
    await expand(page, rows, 'package-lock.json');
    await expand(page, rows, 'sigstore@1.0.0');
    await rows.filter({ hasText: 'Transparency log entry 12988397' }).waitFor({ timeout: 10_000 });
    await rows.filter({ hasText: 'node-fetch@1.7.1' }).first().waitFor();
    const texts = await rows.allTextContents();
    assert.ok(
      texts.some((t) => t.startsWith('async@2.5.0') && t.includes('invalid')),
      texts.join(' | '),
    );
    await shot('tree-view');

    // A hover on the sigstore dependency in package.json.
    await quickOpen(page, 'package.json');
    const line = page.locator('.view-line', { hasText: '"sigstore"' }).first();
    await line.waitFor();
    const box = (await line.boundingBox())!;
    await page.mouse.move(box.x + 150, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'Registry signature' });
    await hover.waitFor({ timeout: 15_000 });
    assert.match((await hover.textContent()) ?? '', /sigstore@1\.0\.0.*verified/s);
    await shot('hover');

    // The SBOM review view: the webview is an iframe (VS Code's webview host) holding the extension's page in another.
    await page.keyboard.press('Escape');
    await quickOpen(page, 'bom.cdx.json');
    await page.keyboard.press('F1');
    await page.keyboard.type('Provenance Lens: Review SBOM');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Review SBOM' }).first().waitFor();
    await page.keyboard.press('Enter');
    const review = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await review.locator('#summary', { hasText: '1 verified' }).filter({ hasText: '1 invalid' }).waitFor({ timeout: 30_000 });
    const reviewRows = await review.locator('#rows .row').allTextContents();
    assert.equal(reviewRows.length, 2, reviewRows.join(' | '));
    assert.ok(
      reviewRows.some((r) => r.includes('async') && r.includes('invalid')),
      reviewRows.join(' | '),
    );
    await shot('sbom-review');
    ctx.log(`ui: passed; screenshots ${path.relative(process.cwd(), ctx.screenshot('*'))}`);
    return 0;
  } catch (error) {
    await shot('failure').catch(() => undefined);
    ctx.log(`ui: FAILED: ${(error as Error).stack ?? error}`);
    return 1;
  } finally {
    await browser.close();
  }
}

async function expand(page: Page, rows: ReturnType<Page['locator']>, label: string): Promise<void> {
  const row = rows.filter({ hasText: label }).first();
  await row.click();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(300);
}

/** Opens a workspace file by name through Quick Open (Ctrl+P). */
async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.keyboard.type(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
}
