// What is derived from the code's own tables must match them: the files `npm run generate` writes,
// the CLI's help (every ecosystem), and the editor's settings for every option a plugin reads.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli/main';
import { ECOSYSTEM_PLUGINS } from '../../server/src/core/ecosystems/registry';
import { generatedFiles } from '../../scripts/generate';
import { REPO_ROOT } from '../support/paths';

async function help(args: string[]): Promise<string> {
  let out = '';
  await runCli(
    args,
    {},
    { out: { write: (s: string) => ((out += s), true) } as NodeJS.WritableStream, err: { write: () => true } as unknown as NodeJS.WritableStream },
  );
  return out;
}

describe('generated from the plugins and tables', () => {
  for (const { file, text } of generatedFiles()) {
    it(`${file} is current (npm run generate)`, () => {
      assert.equal(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'), text);
    });
  }

  it("the CLI's help names every ecosystem, and check --help every plugin option", async () => {
    const top = await help(['--help']);
    const check = await help(['check', '--help']);
    for (const plugin of ECOSYSTEM_PLUGINS) {
      assert.ok(top.includes(plugin.title), `provenance-lens --help: ${plugin.title}`);
      assert.ok(check.includes(`${plugin.title}: `), `check --help: ${plugin.title}`);
      for (const option of plugin.options ?? []) assert.ok(check.includes(`--${option.flag} ${option.argument}`), `check --help: --${option.flag}`);
    }
  });

  it('every option a plugin reads is a setting of the extension (provenanceLens.<key>), described', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: Array<{ properties: Record<string, { markdownDescription?: string; description?: string }> }> };
    };
    const settings = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<
      string,
      { markdownDescription?: string; description?: string }
    >;
    for (const option of ECOSYSTEM_PLUGINS.flatMap((p) => p.options ?? [])) {
      const setting = settings[`provenanceLens.${option.key}`];
      assert.ok(setting && (setting.markdownDescription || setting.description), `provenanceLens.${option.key}`);
    }
  });
});
