// SBOMs: a 10,000-component CycloneDX JSON SBOM (made with the CycloneDX library) — parse and
// index time, schema validation time (first, with the schema's compilation, and again), the same
// SBOM as XML (parse, XSD validation), and the
// language server's memory with that SBOM open and every component judged (offline: nothing is
// fetched, so the figure is the server's own cost).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { laterProblems, parseFile } from '../server/src/core/fileKinds';
import { cleanEnv } from '../test/support/env';
import { LspClient } from '../test/support/lspClient';
import { cycloneDxJson, cycloneDxXml } from '../test/support/sbomFactory';

const COMPONENTS = 10_000;

export async function benchSbom(work: string): Promise<string[]> {
  const text = cycloneDxJson(
    Array.from({ length: COMPONENTS }, (_, i) => ({
      name: `pkg-${i}`,
      version: `1.${i % 50}.${i}`,
      sha512Hex: (i % 256).toString(16).padStart(2, '0').repeat(64),
      license: 'MIT',
    })),
  );
  const ms = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;
  const parses: number[] = [];
  let parsed = parseFile('/w/bom.json', text)!;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    parsed = parseFile('/w/bom.json', text)!;
    parses.push(ms(started));
  }
  let started = process.hrtime.bigint();
  await laterProblems(text, parsed);
  const firstValidation = ms(started);
  started = process.hrtime.bigint();
  await laterProblems(text, parsed);
  const validation = ms(started);

  // The same SBOM as CycloneDX XML: parse, and the XSD validation (libxml2 in WebAssembly, in a worker thread).
  const xml = cycloneDxXml(
    Array.from({ length: COMPONENTS }, (_, i) => ({
      name: `pkg-${i}`,
      version: `1.${i % 50}.${i}`,
      sha512Hex: (i % 256).toString(16).padStart(2, '0').repeat(64),
      license: 'MIT',
    })),
  );
  started = process.hrtime.bigint();
  const parsedXml = parseFile('/w/bom.xml', xml)!;
  const xmlParse = ms(started);
  started = process.hrtime.bigint();
  const xmlProblems = await laterProblems(xml, parsedXml);
  const xmlValidation = ms(started);
  if (xmlProblems.length > 0) throw new Error(`the generated XML SBOM does not validate: ${xmlProblems[0].message}`);

  const workspace = path.join(work, 'sbom');
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'bom.json'), text);
  const home = path.join(work, 'sbom-home');
  fs.mkdirSync(home, { recursive: true });
  const client = new LspClient(cleanEnv({ HOME: home }), { refreshTrustedRoot: false, offline: true, cache: { enabled: false } });
  let rss: number;
  let idle: number;
  let hover: number;
  let hoverAgain: number;
  try {
    await client.initialize(
      { workspaceTrusted: true, storagePath: path.join(work, 'sbom-storage') },
      pathToFileURL(path.join(work, 'empty-for-sbom')).toString(),
    );
    idle = residentMiB(client.pid);
    const uri = pathToFileURL(path.join(workspace, 'bom.json')).toString();
    started = process.hrtime.bigint();
    await client.open(uri, text);
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.length > 0, 60_000);
    await client.waitForNotification<{ pending: number; unverifiable: number }>(
      'provenanceLens/status',
      (s) => s.pending === 0 && s.unverifiable >= COMPONENTS,
      60_000,
    );
    const judged = ms(started);
    rss = residentMiB(client.pid);
    // The schema validation (seconds, in a worker thread) is still running: the server answers meanwhile.
    started = process.hrtime.bigint();
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: parsed.dependencies[0].specRange.start });
    hover = ms(started);
    started = process.hrtime.bigint();
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: parsed.dependencies[1].specRange.start });
    hoverAgain = ms(started);
    return [
      `SBOM: ${COMPONENTS.toLocaleString('en')}-component CycloneDX JSON (${(text.length / 2 ** 20).toFixed(1)} MiB): parse + index ${median(parses).toFixed(0)} ms; schema validation ${firstValidation.toFixed(0)} ms first (compiling the schema), ${validation.toFixed(0)} ms again`,
      `SBOM as CycloneDX XML (${(xml.length / 2 ** 20).toFixed(1)} MiB): parse + index ${xmlParse.toFixed(0)} ms; XSD validation ${xmlValidation.toFixed(0)} ms`,
      `SBOM in the server: open → every component judged (offline) ${judged.toFixed(0)} ms; hovers while the schema validation still runs (in a worker thread): ${hover.toFixed(0)} ms right after (publishing ${COMPONENTS.toLocaleString('en')} verdicts), then ${hoverAgain.toFixed(0)} ms; resident memory ${idle.toFixed(0)} MiB idle → ${rss.toFixed(0)} MiB with it open`,
    ];
  } finally {
    await client.shutdown();
  }
}

function residentMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
