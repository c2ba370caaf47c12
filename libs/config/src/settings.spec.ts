import { loadConfig } from './config';
import { SETTINGS } from './settings';

/** The names loadConfig reads from `env`, recorded as it reads them. */
const namesRead = (env: Record<string, string>): Set<string> => {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get: (target, name) => {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  });
  try {
    loadConfig(recording);
  } catch {
    // A refused setting still shows what was read.
  }
  return read;
};

describe('the settings list (the source of docs/configuration.md)', () => {
  it('names every setting loadConfig reads, and nothing it does not', () => {
    const read = new Set([
      ...namesRead({ HEARD_DATA_DIR: '/tmp/heard-settings-spec' }),
      // JWTs and sign-in: the settings read only once JWTs are configured.
      ...namesRead({
        HEARD_DATA_DIR: '/tmp/heard-settings-spec',
        HEARD_JWT_JWKS_URL: 'https://idp.example.com/jwks',
        HEARD_OIDC_AUTHORIZE_URL: 'https://idp.example.com/authorize',
      }),
    ]);
    const listed = SETTINGS.flatMap((setting) => [...setting.names, ...(setting.also ?? [])]);
    expect([...read].sort()).toEqual([...new Set(listed)].sort());
  });
});
