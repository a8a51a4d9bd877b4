// `provenance-lens sbom diff A B`: what changed between two SBOMs, or an SBOM and a lockfile —
// components added, removed, with another version, or with the same version but another hash —
// and, unless told not to, which changed components lost their provenance. `sbom generate`: a
// CycloneDX SBOM of what the files declare, with the verification results.

import { ecosystemNames } from './ecosystems';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Checker } from '../core/checker';
import { parseFile } from '../core/fileKinds';
import { type ChangedItem, type InventoryItem, diffInventories, inventoryOfFile } from '../core/sbom/diff';
import { type ProvenanceChange, diffReport, provenanceOfChanges } from '../core/sbom/diffProvenance';
import { type GenerateInput, generateCycloneDx } from '../core/sbom/generate';
import { type CliIo, TRUST_NOTE, TRUST_OPTIONS, TRUST_USAGE, filesToRead, parseCommand, resolveTrust, usageError } from './shared';

const USAGE = `Usage: provenance-lens sbom diff BEFORE AFTER [options]
       provenance-lens sbom generate [paths…] [--output FILE] [--spec-version 1.4|1.5|1.6] [--no-verify]

generate writes a CycloneDX JSON SBOM of what the paths declare (default: .): the dependencies of
every ecosystem (${ecosystemNames()}) by their package URLs, a folder's lockfile
standing for the manifests beside it, with hashes and (npm) who requires whom; each with its
verification results as properties (provenance-lens:verdict, :signature, :provenance, …).

Compares two inventories: CycloneDX or SPDX SBOMs, or an SBOM and an npm lockfile
(package-lock.json, npm-shrinkwrap.json). Lists components added, removed, changed in version, and
changed in content (same version, another hash), and checks the provenance of the changed ones
before and after.

Options:
  --format text|json     diff: output format (default: text)
  --no-verify            diff: compare only; generate: no verification results (no network)
  --output FILE          generate: write here (default: standard output)
  --spec-version V       generate: the CycloneDX version (default: 1.6)
${TRUST_USAGE}
  --offline              no network: provenance only from the cache
  -h, --help             this help

Exit status: 0 when no component lost provenance or changed content, 1 otherwise, 2 for usage errors.
${TRUST_NOTE}`;

export async function runSbom(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const { out, cwd } = io;
  const parsed = parseCommand(
    argv,
    {
      format: { type: 'string', default: 'text' },
      'no-verify': { type: 'boolean', default: false },
      output: { type: 'string' },
      'spec-version': { type: 'string', default: '1.6' },
      ...TRUST_OPTIONS,
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [verb, ...files] = positionals;
  if (verb === 'generate') return generate(files, values, env, io);
  if (verb !== 'diff' || files.length !== 2) return usageError(io, `${USAGE}`);
  if (!['text', 'json'].includes(values.format!)) return usageError(io, '--format must be text or json.');
  const inventories: InventoryItem[][] = [];
  for (const name of files) {
    const file = path.resolve(cwd, name);
    const text = fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : undefined;
    if (text === undefined) return usageError(io, `No such file: ${name}`);
    const inventory = inventoryOfFile(file, text);
    if ('error' in inventory) return usageError(io, inventory.error);
    inventories.push(inventory);
  }
  const diff = diffInventories(inventories[0], inventories[1]);
  let provenance = new Map<ChangedItem, ProvenanceChange>();
  if (!values['no-verify'] && diff.changed.length > 0) {
    const trust = await resolveTrust(values, cwd, io.err, undefined);
    if (!trust) return 2;
    const checker = new Checker({ trust: () => trust, offline: values.offline!, requireProvenance: false, allowProcessExecution: true, env });
    try {
      provenance = await provenanceOfChanges(diff.changed, checker, path.resolve(cwd, files[1]));
    } finally {
      await checker.dispose();
    }
  }
  const report = diffReport(diff, provenance);
  const { changed } = report;
  if (values.format === 'json') {
    out.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const lines: string[] = [];
    for (const a of diff.added) lines.push(`+ ${a.name}@${a.version ?? '?'}`);
    for (const r of diff.removed) lines.push(`- ${r.name}@${r.version ?? '?'}`);
    for (const c of changed) {
      const what = c.hashChanged ? `${c.from ?? '?'}: SAME VERSION, DIFFERENT CONTENT` : `${c.from ?? '?'} → ${c.to ?? '?'}`;
      const prov = c.provenance ? ` (provenance ${c.provenance.from ?? '?'} → ${c.provenance.to ?? '?'}${c.provenance.lost ? ', LOST' : ''})` : '';
      lines.push(`~ ${c.name} ${what}${prov}`);
    }
    lines.push(`${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged`);
    out.write(lines.join('\n') + '\n');
  }
  return changed.some((c) => c.hashChanged || c.provenance?.lost) ? 1 : 0;
}

async function generate(
  paths: string[],
  values: { 'no-verify'?: boolean; output?: string; 'spec-version'?: string; offline?: boolean } & Parameters<typeof resolveTrust>[0],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  const specVersion = values['spec-version'];
  if (specVersion !== '1.4' && specVersion !== '1.5' && specVersion !== '1.6') return usageError(io, '--spec-version must be 1.4, 1.5 or 1.6.');
  const files = await filesToRead(paths, io);
  if (typeof files === 'number') return files;
  const trust = values['no-verify'] ? undefined : await resolveTrust(values, io.cwd, io.err, undefined);
  if (!values['no-verify'] && !trust) return 2;
  const checker = trust && new Checker({ trust: () => trust, offline: values.offline ?? false, requireProvenance: false, allowProcessExecution: true, env });
  let inputs: GenerateInput[];
  try {
    inputs = await Promise.all(
      files.map(async (file) => {
        const parsedFile = parseFile(file, fs.readFileSync(file, 'utf8'))!;
        return { file, parsed: parsedFile, checked: checker ? await checker.verify(file, parsedFile) : [] };
      }),
    );
  } finally {
    await checker?.dispose();
  }
  const folder =
    paths.length === 1 && fs.existsSync(path.resolve(io.cwd, paths[0])) && fs.statSync(path.resolve(io.cwd, paths[0])).isDirectory()
      ? path.resolve(io.cwd, paths[0])
      : io.cwd;
  const text = generateCycloneDx(inputs, { name: path.basename(folder), specVersion }) + '\n';
  if (values.output) {
    fs.writeFileSync(path.resolve(io.cwd, values.output), text);
    io.err.write(`Wrote ${values.output}: ${inputs.reduce((n, i) => n + i.parsed.dependencies.length, 0)} references from ${inputs.length} files.\n`);
  } else io.out.write(text);
  return 0;
}
