import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import type { AuthConfig } from '../../api/types.js';
import { messageOf } from '../../components/use-action.js';

/** Where single sign-on starts, coming back to `path` (the page the user was going to). */
export function ssoLoginHref(path: string): string {
  return `/v1/auth/oidc/login?${new URLSearchParams({ redirect: path }).toString()}`;
}

/**
 * The sign-in page, shown in place of any page while there is no session (the URL stays, so
 * signing in lands on the page asked for). An API token pasted here is sent once to start a
 * session (an HttpOnly cookie) and then forgotten; single sign-on is offered when the server
 * has it.
 */
export function SignInPage(props: {
  /** Why the last session ended, as the server said it (mid-use expiry, a revoked token). */
  ended?: string | undefined;
  /** The path to come back to after single sign-on. */
  path: string;
  signIn: (token: string) => Promise<void>;
  /** The server's sign-in options; read from the server when not given. */
  config?: AuthConfig | undefined;
}) {
  const [config, setConfig] = useState<AuthConfig | undefined>(props.config);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (props.config) return;
    let current = true;
    api.authConfig().then(
      (answer) => current && setConfig(answer),
      (err: unknown) => current && setError(messageOf(err)),
    );
    return () => {
      current = false;
    };
  }, [props.config]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.signIn(token);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
    // The token is not kept past this attempt, whatever the outcome.
    setToken('');
  };

  return (
    <section className="page sign-in" data-testid="sign-in">
      <h1>Sign in to Gantry</h1>
      {props.ended && (
        <div className="banner banner-info" role="status" data-testid="session-ended">
          You were signed out. The server said: {props.ended}
        </div>
      )}
      {config?.sso && (
        <p>
          <a className="button primary" href={ssoLoginHref(props.path)} data-testid="sso-sign-in">
            Sign in with single sign-on
          </a>
        </p>
      )}
      <form onSubmit={(event) => void submit(event)} className="sign-in-form">
        <label htmlFor="api-token">{config?.sso ? 'Or paste an API token' : 'API token'}</label>
        <input
          id="api-token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="gty_…"
          value={token}
          onChange={(event) => setToken(event.target.value)}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {error && (
        <div className="banner banner-error" role="alert" data-testid="sign-in-error">
          {error}
        </div>
      )}
      <p className="muted hint">
        Running Gantry yourself? On first start the server wrote an initial admin token to{' '}
        <code>&lt;data-dir&gt;/initial-admin-token</code>:{' '}
        <code>cat .gantry/initial-admin-token</code> with the default data directory. Make tokens
        for others with{' '}
        <code>gantry create token NAME --project P --role viewer|developer|admin</code>.
      </p>
    </section>
  );
}
