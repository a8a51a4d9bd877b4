// Images: a compose file and a 200-document Kubernetes manifest with 500 image references (50
// signed images in a real registry on 127.0.0.1), opened in the built server over LSP: time until
// every reference has its verdict, cold and with the verdicts a previous session cached.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv } from '../test/support/env';
import { LspClient } from '../test/support/lspClient';
import { OciRegistry, registryAvailable } from '../test/support/ociRegistry';

const IMAGES = 50;

export async function benchImages(work: string): Promise<string> {
  if (!registryAvailable()) return 'Images: skipped (install docker-registry to measure)';
  const registry = new OciRegistry();
  await registry.start();
  try {
    const signer = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const refs: string[] = [];
    for (let i = 0; i < IMAGES; i++) {
      const { digest } = await registry.pushImage(`bench/svc-${i}`, '1.0');
      await registry.signWithKey(`bench/svc-${i}`, digest, signer.privateKey);
      refs.push(`${registry.host}/bench/svc-${i}:1.0`);
    }
    const workspace = path.join(work, 'images');
    fs.mkdirSync(workspace, { recursive: true });
    const services = Array.from({ length: 100 }, (_, i) => `  s${i}:\n    image: ${refs[i % IMAGES]}`).join('\n');
    fs.writeFileSync(path.join(workspace, 'compose.yaml'), `services:\n${services}\n`);
    const docs = Array.from(
      { length: 200 },
      (_, i) =>
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: a\n      image: ${refs[i % IMAGES]}\n    - name: b\n      image: ${refs[(i + 7) % IMAGES]}`,
    );
    fs.writeFileSync(path.join(workspace, 'pods.yaml'), docs.join('\n---\n') + '\n');
    const keyFile = path.join(work, 'bench-cosign.pub');
    fs.writeFileSync(keyFile, signer.publicKey.export({ format: 'pem', type: 'spki' }));
    const storagePath = path.join(work, 'image-storage');
    const home = path.join(work, 'image-home');
    fs.mkdirSync(home, { recursive: true });
    const run = () => timeToVerdicts(workspace, storagePath, home, keyFile, 500);
    const cold = await run();
    const warm = await run();
    return `Images: compose + 200-document Kubernetes manifest, 500 references to ${IMAGES} signed images → all verdicts: cold ${cold.toFixed(0)} ms, with cached verdicts ${warm.toFixed(0)} ms (server start included)`;
  } finally {
    await registry.stop();
  }
}

async function timeToVerdicts(workspace: string, storagePath: string, home: string, keyFile: string, expected: number): Promise<number> {
  const started = process.hrtime.bigint();
  const client = new LspClient(cleanEnv({ HOME: home }), {
    refreshTrustedRoot: false,
    oci: { keys: [{ path: keyFile, ignoreTlog: true }], insecureRegistries: [] },
  });
  try {
    await client.initialize({ workspaceTrusted: true, storagePath }, pathToFileURL(workspace).toString());
    await client.waitForNotification<{ verified: number; pending: number }>(
      'provenanceLens/status',
      (s) => s.pending === 0 && s.verified === expected,
      120_000,
    );
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    await client.shutdown();
  }
}
