import { useState } from 'preact/hooks';
import { get, storeKey, type Me } from '../api';
import { identityProviderOf, startSignIn } from '../identity-provider';
import { Problem, useLoad } from '../ui';

/**
 * Sign in with an API key, or a token from the organisation's identity provider (heard takes
 * either as a bearer credential). Kept in this tab's session storage only: closing the tab
 * signs out.
 */
export const SignIn = ({
  onSignedIn,
  problem: earlier,
}: {
  onSignedIn: (me: Me) => void;
  problem?: Error;
}) => {
  const [problem, setProblem] = useState<Error | undefined>(earlier);
  const [provider] = useLoad(identityProviderOf, []);
  const [busy, setBusy] = useState(false);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const key = new FormData(event.currentTarget as HTMLFormElement).get('apiKey');
    if (typeof key !== 'string' || key.trim() === '') {
      setProblem(new Error('Enter your API key.'));
      return;
    }
    setBusy(true);
    try {
      const me = await get<Me>('/me', key.trim());
      storeKey(key.trim());
      onSignedIn(me);
    } catch (error) {
      setProblem(error as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>heard</h1>
      <form onSubmit={(e) => void submit(e)} class="panel">
        <h2>Sign in</h2>
        <label for="apiKey">API key or identity-provider token</label>
        <input
          id="apiKey"
          name="apiKey"
          type="password"
          autoComplete="off"
          required
          aria-describedby="apiKey-help"
        />
        <p id="apiKey-help" class="muted">
          Kept for this browser tab only. An admin makes keys with{' '}
          <code>npx heard keys create</code>.
        </p>
        {problem && <Problem error={problem} />}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {provider.state === 'done' && provider.value && (
          <p>
            <button
              type="button"
              class="secondary"
              onClick={() => void startSignIn(provider.value!).catch(setProblem)}
            >
              Sign in with your organisation's account
            </button>
          </p>
        )}
      </form>
    </main>
  );
};
