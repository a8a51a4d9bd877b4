import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The environment without npm's script variables, the machine's global npmrc or docker daemon
 * settings, Python's or Bundler's package configuration, or a GitHub API or host, so only the test's own files decide the registries
 * (tests set HOME to an empty folder too). Python packages go to a closed loopback port unless a
 * test names its own index: no test reaches a public index, even when pip would name one.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      !/^(npm_|https?_proxy$|no_proxy$|PIP_|UV_|VIRTUAL_ENV$|BUNDLE_|GITHUB_API_URL$|GITHUB_TOKEN$|GH_TOKEN$|GH_HOST$|GOSUMDB$|GOPROXY$|GONOSUMDB$|GOPRIVATE$)/i.test(
        k,
      )
    )
      env[k] = v;
  return {
    ...env,
    npm_config_globalconfig: path.join(os.tmpdir(), 'provenance-lens-no-global-npmrc'),
    DOCKER_DAEMON_CONFIG: path.join(os.tmpdir(), 'provenance-lens-no-daemon-json'),
    NO_PROXY: '127.0.0.1,localhost',
    PIP_CONFIG_FILE: 'os.devnull',
    PIP_INDEX_URL: CLOSED_INDEX,
    // Go: the public checksum database's name, reached only through a closed loopback proxy.
    GOSUMDB: 'sum.golang.org',
    GOPROXY: 'http://127.0.0.1:9',
    GONOSUMDB: '',
    GOPRIVATE: '',
    ...extra,
  };
}

/** A loopback port nothing listens on (the discard port): connecting fails at once. */
export const CLOSED_INDEX = 'http://127.0.0.1:9/simple/';
