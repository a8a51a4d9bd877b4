// An identity token the environment provides, for signing in CI: SIGSTORE_ID_TOKEN, or GitHub
// Actions' OIDC endpoint (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN) — @sigstore/sign's providers.

import { CIContextProvider } from '@sigstore/sign';

/** Undefined when the environment provides none. */
export async function ambientIdentityToken(): Promise<string | undefined> {
  try {
    return await new CIContextProvider('sigstore').getToken();
  } catch {
    return undefined;
  }
}
