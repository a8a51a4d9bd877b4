// What the table of reason codes (server/src/core/reasons.ts) writes: the `provenanceLens.rules`
// setting's schema in package.json (every code a property, with its default severity and its
// description; nothing else accepted), and the README's table of codes between two markers. The
// rest of each file is kept as it is.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { REASONS, type ReasonCode, SEVERITIES } from '../../server/src/core/reasons';
import { REPO_ROOT } from '../../test/support/paths';

export const PACKAGE_JSON_FILE = 'package.json';
export const README_FILE = 'README.md';
export const RULES_SETTING = 'provenanceLens.rules';
export const README_START = '<!-- reasons:start -->';
export const README_END = '<!-- reasons:end -->';

const CODES = Object.keys(REASONS) as ReasonCode[];

/** The `properties` of the rules setting: one per code of the table. */
export function rulesSchemaProperties(): Record<string, { type: 'string'; enum: string[]; default: string; description: string }> {
  return Object.fromEntries(
    CODES.map((code) => [code, { type: 'string', enum: [...SEVERITIES], default: REASONS[code].severity, description: REASONS[code].description }]),
  );
}

type Manifest = { contributes: { configuration: Array<{ properties: Record<string, { properties?: unknown; additionalProperties?: unknown }> }> } };

/** package.json with the rules setting's properties written from the table (2-space JSON, as npm writes it). */
export function packageJsonSource(text = read(PACKAGE_JSON_FILE)): string {
  const manifest = JSON.parse(text) as Manifest;
  const setting = manifest.contributes.configuration.map((section) => section.properties[RULES_SETTING]).find(Boolean);
  if (!setting) throw new Error(`${PACKAGE_JSON_FILE} has no ${RULES_SETTING} setting`);
  setting.properties = rulesSchemaProperties();
  setting.additionalProperties = false;
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** What the kind column of the README says. */
function kindOf(code: ReasonCode): string {
  const reason = REASONS[code];
  if (reason.kind === 'verdict') return `\`${reason.verdict}\``;
  return reason.kind === 'finding' ? 'finding' : code === 'unverifiable-summary' ? 'summary' : 'file problem';
}

/** The README's table of codes: every code, its verdict (or kind), its default severity and its description. */
export function reasonsTable(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '| code | verdict | default | meaning |',
    '|---|---|---|---|',
    ...CODES.map((code) => `| \`${code}\` | ${kindOf(code)} | ${REASONS[code].severity} | ${escape(REASONS[code].description)} |`),
  ].join('\n');
}

/** README.md with the text between the markers replaced by the table. */
export function readmeSource(text = read(README_FILE)): string {
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`${README_FILE} needs ${README_START} … ${README_END} around the table of reason codes`);
  return `${text.slice(0, start + README_START.length)}\n${reasonsTable()}\n${text.slice(end)}`;
}

function read(file: string): string {
  return fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
}
