import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The environment without npm's script variables, the machine's global npmrc or docker daemon
 * settings, so only the test's own files decide the registries (tests set HOME to an empty folder too).
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|https?_proxy$|no_proxy$)/i.test(k)) env[k] = v;
  return {
    ...env,
    npm_config_globalconfig: path.join(os.tmpdir(), 'provenance-lens-no-global-npmrc'),
    DOCKER_DAEMON_CONFIG: path.join(os.tmpdir(), 'provenance-lens-no-daemon-json'),
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  };
}
