// What every HTTP request needs besides its URL: the proxy to go through and the credentials for
// its host. Each ecosystem's configuration says which (npm's https-proxy, pip's proxy); without
// one, the environment's proxy variables apply.

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export interface RegistryAuth {
  /** The header value to send, e.g. `Bearer …` or `Basic …`. */
  authorization: string;
}

/** The environment's proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case). */
export function environmentProxy(env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v);
  return { httpsProxy: pick('HTTPS_PROXY', 'https_proxy'), httpProxy: pick('HTTP_PROXY', 'http_proxy'), noProxy: pick('NO_PROXY', 'no_proxy') };
}
