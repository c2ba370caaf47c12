/**
 * Sign-in through the organisation's identity provider: OpenID Connect's authorization code
 * flow with PKCE, as a public client (no secret in the browser). The access token it gives
 * is what the screens then send to heard, which verifies it as it verifies any JWT.
 */

export interface IdentityProvider {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  scope: string;
}

const PENDING = 'heard.signIn';

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** Where the provider sends the browser back: the app's own page, registered with the provider. */
const redirectUri = () => `${location.origin}/app/`;

export const identityProviderOf = async (): Promise<IdentityProvider | null> => {
  const response = await fetch('/app/config.json');
  if (!response.ok) return null;
  return ((await response.json()) as { identityProvider: IdentityProvider | null })
    .identityProvider;
};

/** Off to the provider's sign-in page; it comes back to /app/ with a code. */
export const startSignIn = async (provider: IdentityProvider) => {
  if (!crypto.subtle)
    throw new Error(
      'Signing in through the identity provider needs https (or localhost): open heard at an https address',
    );
  const verifier = randomText();
  const state = randomText();
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, provider }));
  const url = new URL(provider.authorizeUrl);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: provider.clientId,
    redirect_uri: redirectUri(),
    scope: provider.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }))
    url.searchParams.set(name, value);
  location.assign(url.toString());
};

/**
 * Back from the provider: trades the code for an access token. Undefined when this page
 * load is not a return from the provider.
 */
export const finishSignIn = async (): Promise<string | undefined> => {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  const pendingText = sessionStorage.getItem(PENDING);
  if ((!code && !error) || !pendingText) return undefined;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', '/app/');
  const pending = JSON.parse(pendingText) as {
    verifier: string;
    state: string;
    provider: IdentityProvider;
  };
  if (error)
    throw new Error(
      `The identity provider refused the sign-in: ${params.get('error_description') ?? error}`,
    );
  if (params.get('state') !== pending.state)
    throw new Error('The sign-in came back with a state this tab did not send: try again');
  const response = await fetch(pending.provider.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: redirectUri(),
      client_id: pending.provider.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token)
    throw new Error(
      `The identity provider gave no token: ${body.error_description ?? body.error ?? response.statusText}`,
    );
  return body.access_token;
};
