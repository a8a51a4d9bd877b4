// `provenance-lens check`: verifies the dependencies the given files and folders declare.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Checker } from '../core/checker';
import { laterProblems, parseFile } from '../core/fileKinds';
import { readTextIfExists } from '../core/readText';
import type { PublicKeyEntry } from '../core/trust/signers';
import { isFailing } from '../core/verdict';
import { ecosystemOptionConfig, ecosystemOptionsUsage, ecosystemSettingsFrom, ecosystemsUsage } from './ecosystems';
import { type FileReport, toJson, toSarif, toText } from './report';
import { type CliIo, TRUST_NOTE, TRUST_OPTIONS, TRUST_USAGE, defaultCacheDir, filesToRead, parseCommand, resolveTrust } from './shared';

const USAGE = `Usage: provenance-lens check [paths…] [options]

Verifies the dependencies the files declare, each ecosystem as its registry allows:
${ecosystemsUsage()}
and every component of CycloneDX (JSON, XML) or SPDX (2 JSON and tag-value, 3 JSON-LD) SBOMs, by
its package URL. Folders are searched.

Options:
  --format text|json|sarif   output format (default: text)
  --offline                  make no network requests; use cached results only
${TRUST_USAGE}
  --cache-dir DIR            where verified results are kept (default: ~/.cache/provenance-lens); entries
                             are sealed with the key in DIR.key, or PROVENANCE_LENS_CACHE_KEY when set
  --no-cache                 neither read nor write the disk cache
  --require-provenance       treat a version without provenance as a policy violation
  --policy FILE              the policy to apply (default: the nearest provenance-policy.json)
  --key FILE                 a cosign public key accepted for image signatures (repeatable)
  --insecure-ignore-tlog     accept key-based image signatures without a transparency-log entry
  --insecure-registry HOST   allow plain HTTP to this registry (repeatable; loopback always is)
${ecosystemOptionsUsage()}
  --concurrency N            verifications at once (default: 16)
  --timeout MS               per-request deadline (default: 15000)
  -h, --help                 this help

${TRUST_NOTE}`;

export async function runCheck(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const { out, err, cwd } = io;
  const parsed = parseCommand(
    argv,
    {
      format: { type: 'string', default: 'text' },
      ...TRUST_OPTIONS,
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      'require-provenance': { type: 'boolean', default: false },
      policy: { type: 'string' },
      key: { type: 'string', multiple: true, default: [] },
      'insecure-ignore-tlog': { type: 'boolean', default: false },
      'insecure-registry': { type: 'string', multiple: true, default: [] },
      ...ecosystemOptionConfig(),
      concurrency: { type: 'string', default: '16' },
      timeout: { type: 'string', default: '15000' },
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const paths = positionals;
  if (!['text', 'json', 'sarif'].includes(values.format!)) {
    err.write(`--format must be text, json or sarif.\n`);
    return 2;
  }
  const concurrency = Number(values.concurrency);
  const timeoutMs = Number(values.timeout);
  if (!(concurrency >= 1) || !(timeoutMs >= 1)) {
    err.write('--concurrency and --timeout take positive numbers.\n');
    return 2;
  }

  const cacheDir = values['no-cache'] ? undefined : path.resolve(cwd, values['cache-dir'] ?? defaultCacheDir(env));
  const trust = await resolveTrust(values, cwd, err, cacheDir);
  if (!trust) return 2;

  if (values.policy && readTextIfExists(path.resolve(cwd, values.policy)) === undefined) {
    err.write(`--policy ${values.policy}: cannot read it.\n`);
    return 2;
  }
  const imageKeys: PublicKeyEntry[] = [];
  for (const file of values.key ?? []) {
    const pem = readTextIfExists(path.resolve(cwd, file));
    if (!pem || !/BEGIN PUBLIC KEY/.test(pem)) {
      err.write(`--key ${file}: not a readable PEM public key.\n`);
      return 2;
    }
    imageKeys.push({ name: file, pem, ignoreTlog: values['insecure-ignore-tlog'] });
  }

  const files = await filesToRead(paths, io);
  if (typeof files === 'number') return files;

  const checker = new Checker({
    trust: () => trust,
    offline: values.offline!,
    cacheDir,
    // The signers first seen in this folder, kept with the cache (a folder's own memory: its path names the file).
    signerMemoryFile: cacheDir && path.join(cacheDir, 'signers', `${crypto.createHash('sha256').update(path.resolve(cwd)).digest('hex').slice(0, 16)}.json`),
    requireProvenance: values['require-provenance']!,
    allowProcessExecution: true,
    env,
    concurrency,
    timeoutMs,
    imageKeys,
    insecureRegistries: values['insecure-registry'],
    ecosystemSettings: ecosystemSettingsFrom(values, cwd),
    policyFile: values.policy && path.resolve(cwd, values.policy),
  });
  let reports: FileReport[];
  try {
    // All files at once: the checker's scheduler bounds the concurrency and shares packages between files.
    reports = await Promise.all(
      files.map(async (file) => {
        const text = fs.readFileSync(file, 'utf8');
        const parsedFile = parseFile(file, text)!;
        const [later, checked] = await Promise.all([laterProblems(text, parsedFile), checker.verify(file, parsedFile)]);
        return { file, problems: [...parsedFile.problems, ...later], checked };
      }),
    );
  } finally {
    await checker.dispose();
  }

  if (values.format === 'json') out.write(JSON.stringify(toJson(reports, cwd), null, 2) + '\n');
  else if (values.format === 'sarif') out.write(JSON.stringify(toSarif(reports, cwd), null, 2) + '\n');
  else out.write(toText(reports, cwd) + '\n');

  const failing = reports.some((r) => r.problems.length > 0 || r.checked.some((c) => isFailing(c.result.verdict)));
  return failing ? 1 : 0;
}
