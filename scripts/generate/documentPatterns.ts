// server/src/shared/documentPatterns.ts, from the plugins: the client cannot import the plugins
// (they hold the whole core), so their globs are written out into the one module it may import.

import { ECOSYSTEM_PLUGINS } from '../../server/src/core/ecosystems/registry';

export const DOCUMENT_PATTERNS_FILE = 'server/src/shared/documentPatterns.ts';

export function documentPatternsSource(): string {
  const seen = new Set<string>();
  const lines = ECOSYSTEM_PLUGINS.flatMap((plugin) => {
    const patterns = plugin.files.flatMap((f) => f.patterns).filter((p) => !seen.has(p) && seen.add(p));
    return patterns.length === 0
      ? []
      : [`  // ${plugin.title} (ecosystems/${plugin.ecosystem}/)`, ...patterns.map((p) => `  ${JSON.stringify(p).replace(/^"|"$/g, "'")},`)];
  });
  return [
    "// The files of every ecosystem as glob patterns, for the editor's document selector and file",
    '// watchers. Written by `npm run generate` from the plugins (server/src/core/ecosystems/): do not',
    '// edit; a test checks it is current.',
    '',
    'export const ECOSYSTEM_DOCUMENT_PATTERNS: readonly string[] = [',
    ...lines,
    '];',
    '',
  ].join('\n');
}
