import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SignInPage, ssoLoginHref } from './sign-in-page.js';

const render = (sso: boolean, ended?: string) =>
  renderToStaticMarkup(
    createElement(SignInPage, {
      config: { sso, tokens: true },
      path: '/projects/frontend?x=1',
      ended,
      signIn: () => Promise.resolve(),
    }),
  );

describe('the sign-in page', () => {
  it('offers single sign-on only when the server has it, coming back to the page asked for', () => {
    const withSso = render(true);
    expect(withSso).toContain('Sign in with single sign-on');
    expect(withSso).toContain('href="/v1/auth/oidc/login?redirect=%2Fprojects%2Ffrontend%3Fx%3D1"');
    const without = render(false);
    expect(without).not.toContain('single sign-on');
    expect(without).not.toContain('/v1/auth/oidc/login');
  });

  it('asks for the token in a password field, with the local hint, and says why a session ended', () => {
    const html = render(false, 'your session has expired: sign in again');
    expect(html).toMatch(/<input[^>]*type="password"/);
    expect(html).toContain('<code>cat .gantry/initial-admin-token</code>');
    expect(html).toContain(
      'You were signed out. The server said: your session has expired: sign in again',
    );
    expect(render(false)).not.toContain('signed out');
  });

  it('builds the single sign-on address from any path', () => {
    expect(ssoLoginHref('/')).toBe('/v1/auth/oidc/login?redirect=%2F');
  });
});
