import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { authFor, loadNpmConfig, npmEnvConfig, parseNpmrc, proxyFor, registryFor } from '../../server/src/core/ecosystems/npm/npmConfig';

/** An in-memory file system: path → contents. */
function files(map: Record<string, string>) {
  return (file: string) => map[path.resolve(file)];
}

const HOME = path.resolve('/home/dev');
const PROJECT = path.resolve('/work/app');
const PREFIX = path.resolve('/opt/node');

describe('npm configuration chain', () => {
  it('layers global < user < project < environment, like npm', () => {
    const config = loadNpmConfig({
      projectDir: path.join(PROJECT, 'src'),
      homeDir: HOME,
      env: { npm_config_prefix: PREFIX, npm_config_strict_ssl: 'false' },
      readFile: files({
        [path.join(PREFIX, 'etc/npmrc')]: 'registry=http://global.test/\nfoo=global\n',
        [path.join(HOME, '.npmrc')]: 'registry=http://user.test/\nbar=user\n',
        [path.join(PROJECT, 'package.json')]: '{}',
        [path.join(PROJECT, '.npmrc')]: 'registry=http://project.test/npm/\n',
      }),
    });
    assert.equal(registryFor(config, 'left-pad'), 'http://project.test/npm/');
    assert.equal(config.values.get('foo'), 'global');
    assert.equal(config.values.get('bar'), 'user');
    assert.equal(config.values.get('strict-ssl'), 'false');
    assert.equal(config.files.length, 3);
  });

  it("reads the workspace root's .npmrc for a workspace package, as npm does", () => {
    const readFile = files({
      [path.join(PROJECT, 'package.json')]: JSON.stringify({ workspaces: ['packages/*'] }),
      [path.join(PROJECT, '.npmrc')]: 'registry=http://root.test/\n',
      [path.join(PROJECT, 'packages/a/package.json')]: '{}',
      [path.join(PROJECT, 'tools/b/package.json')]: '{}',
    });
    const inWorkspace = loadNpmConfig({ projectDir: path.join(PROJECT, 'packages/a'), homeDir: HOME, env: {}, readFile });
    assert.equal(registryFor(inWorkspace, 'x'), 'http://root.test/');
    const outside = loadNpmConfig({ projectDir: path.join(PROJECT, 'tools/b'), homeDir: HOME, env: {}, readFile });
    assert.equal(registryFor(outside, 'x'), undefined, 'not a workspace: npm would not read the parent .npmrc');
  });

  it('lets npm_config_registry override every file', () => {
    const config = loadNpmConfig({
      projectDir: PROJECT,
      homeDir: HOME,
      env: { npm_config_registry: 'http://env.test' },
      readFile: files({ [path.join(HOME, '.npmrc')]: 'registry=http://user.test/' }),
    });
    assert.equal(registryFor(config, 'x'), 'http://env.test/');
  });

  it('honours npm_config_userconfig', () => {
    const config = loadNpmConfig({
      projectDir: PROJECT,
      homeDir: HOME,
      env: { npm_config_userconfig: '/etc/custom-npmrc' },
      readFile: files({ [path.resolve('/etc/custom-npmrc')]: 'registry=http://custom.test/' }),
    });
    assert.equal(registryFor(config, 'x'), 'http://custom.test/');
  });

  it('routes scoped packages to their scope registry', () => {
    const config = { values: parseNpmrc('registry=http://main.test/\n@corp:registry=http://corp.test/npm\n', {}), files: [] };
    assert.equal(registryFor(config, '@corp/lib'), 'http://corp.test/npm/');
    assert.equal(registryFor(config, '@other/lib'), 'http://main.test/');
    assert.equal(registryFor(config, 'lib'), 'http://main.test/');
  });

  it('has no registry when nothing is configured (no host is assumed)', () => {
    const config = loadNpmConfig({ projectDir: PROJECT, homeDir: HOME, env: {}, readFile: () => undefined });
    assert.equal(registryFor(config, 'x'), undefined);
  });

  it('expands ${VAR} and ${VAR?}, keeps escaped \\${', () => {
    const values = parseNpmrc('//corp.test/:_authToken=${TOKEN}\nopt=${UNSET?}\nlit=\\${TOKEN}\n; comment\n# comment\n[section]\n', { TOKEN: 's3cret' });
    assert.equal(values.get('//corp.test/:_authToken'), 's3cret');
    assert.equal(values.get('opt'), '');
    assert.equal(values.get('lit'), '${TOKEN}');
    assert.equal(values.size, 3);
  });

  it('maps npm_config_* variables to keys', () => {
    const values = npmEnvConfig({ NPM_CONFIG_HTTPS_PROXY: 'http://proxy.test:3128', 'npm_config_//corp.test/:_authToken': 't', PATH: '/bin' });
    assert.equal(values.get('https-proxy'), 'http://proxy.test:3128');
    assert.equal(values.get('//corp.test/:_authToken'), 't');
    assert.equal(values.size, 2);
  });
});

describe('registry credentials', () => {
  const config = {
    values: parseNpmrc(
      [
        '//corp.test/npm/:_authToken=corp-token',
        '//basic.test/:username=alice',
        `//basic.test/:_password=${Buffer.from('pw').toString('base64')}`,
        '//legacy.test:8080/:_auth=YWxpY2U6cHc=',
      ].join('\n'),
      {},
    ),
    files: [],
  };

  it('sends a token only to its own host and path', () => {
    assert.deepEqual(authFor(config, 'http://corp.test/npm/left-pad'), { authorization: 'Bearer corp-token' });
    assert.deepEqual(authFor(config, 'http://corp.test/npm/-/npm/v1/keys'), { authorization: 'Bearer corp-token' });
    assert.equal(authFor(config, 'http://corp.test/other/left-pad'), undefined);
    assert.equal(authFor(config, 'http://evil.test/npm/left-pad'), undefined);
    assert.equal(authFor(config, 'http://corp.test.evil.test/npm/x'), undefined);
  });

  it('builds basic auth from username and base64 password, and uses _auth as given', () => {
    assert.deepEqual(authFor(config, 'http://basic.test/x'), { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` });
    assert.deepEqual(authFor(config, 'http://legacy.test:8080/x'), { authorization: 'Basic YWxpY2U6cHc=' });
    assert.equal(authFor(config, 'http://legacy.test/x'), undefined, 'the port is part of the host');
  });

  it('reads proxies from npm config first, then the environment', () => {
    const c = { values: parseNpmrc('https-proxy=http://npm-proxy.test:1\n', {}), files: [] };
    assert.deepEqual(proxyFor(c, { HTTP_PROXY: 'http://env-proxy.test:2', NO_PROXY: 'localhost' }), {
      httpsProxy: 'http://npm-proxy.test:1',
      httpProxy: 'http://env-proxy.test:2',
      noProxy: 'localhost',
    });
  });
});
