// What the CLI says and takes of the ecosystems, from their plugins: the list of what `check`
// verifies, the options each plugin reads (`--python-index-url`…) and the settings they become.

import * as path from 'node:path';
import { ECOSYSTEM_PLUGINS } from '../core/ecosystems/registry';

const OPTIONS = ECOSYSTEM_PLUGINS.flatMap((p) => p.options ?? []);

/** "npm, Python, …, container images and GitHub Actions". */
export function ecosystemNames(): string {
  const titles = ECOSYSTEM_PLUGINS.map((p) => p.title);
  return `${titles.slice(0, -1).join(', ')} and ${titles[titles.length - 1]}`;
}

/** One line per ecosystem for `check --help`: what is verified, in which files. */
export function ecosystemsUsage(): string {
  return ECOSYSTEM_PLUGINS.map((p) => wrap(`  ${p.title}: ${p.summary}`, '    ')).join('\n');
}

/** The plugins' options for `check --help`, as the other options are written. */
export function ecosystemOptionsUsage(): string {
  return OPTIONS.map((o) => {
    const left = `  --${o.flag} ${o.argument}`;
    return wrap(`${left.padEnd(29)}${o.help}`, ' '.repeat(29));
  }).join('\n');
}

/** The plugins' options for parseArgs. */
export function ecosystemOptionConfig(): Record<string, { type: 'string' }> {
  return Object.fromEntries(OPTIONS.map((o) => [o.flag, { type: 'string' as const }]));
}

/** The settings the plugins read, from the command line (a FILE relative to the working folder). */
export function ecosystemSettingsFrom(values: Record<string, unknown>, cwd: string): Record<string, string | undefined> {
  return Object.fromEntries(
    OPTIONS.map((o) => {
      const value = values[o.flag];
      return [o.key, typeof value === 'string' && value !== '' ? (o.argument === 'FILE' ? path.resolve(cwd, value) : value) : undefined];
    }),
  );
}

/** Wraps at 100 columns, continuing with `indent`. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/(?<=\S) (?=\S)/)) {
    if (line && line.length + 1 + word.length > 100) {
      lines.push(line);
      line = indent + word.trimStart();
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n');
}
