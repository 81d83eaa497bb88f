import { createServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../test/self-signed.js';
import { ForgeError } from '../forge.js';
import { GitHubGitDataClient } from './github-git-data.js';

/** A fetch that records each request and answers with `answer`. */
function recording(answer: (url: string) => Response) {
  const seen: Array<{ method: string; url: string; auth: string | null; body: unknown }> = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    seen.push({
      method: init?.method ?? 'GET',
      url,
      auth: headers.get('authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    return Promise.resolve(answer(url));
  };
  return { seen, fetch };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('GitHubGitDataClient', () => {
  it.each([
    ['https://github.com/acme/app.git', 'https://api.github.com/repos/acme/app/git/ref/'],
    ['https://ghe.example.com/acme/app', 'https://ghe.example.com/api/v3/repos/acme/app/git/ref/'],
  ])('asks the API of %s with the token', async (repoURL, prefix) => {
    const { seen, fetch } = recording(() => json(200, { object: { sha: 'abc' } }));
    const client = new GitHubGitDataClient({ repoURL, token: 't0ken', fetch });
    expect(await client.getRef('heads/main')).toBe('abc');
    expect(seen[0]?.url.startsWith(prefix)).toBe(true);
    expect(decodeURIComponent(seen[0]!.url.slice(prefix.length))).toBe('heads/main');
    expect(seen[0]?.auth).toBe('token t0ken');
  });

  it('refs are created under refs/, updated with force, and a 422 keeps its status', async () => {
    const { seen, fetch } = recording((url) =>
      url.includes('/git/refs/')
        ? json(422, { message: 'Update is not a fast forward' })
        : json(201, { ref: 'refs/heads/x', object: { sha: 'abc' } }),
    );
    const client = new GitHubGitDataClient({ repoURL: 'https://github.com/acme/app', fetch });
    await client.createRef('heads/x', 'abc');
    expect(seen[0]).toMatchObject({ method: 'POST', body: { ref: 'refs/heads/x', sha: 'abc' } });
    const err = await client.updateRef('heads/x', 'def', false).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(seen[1]).toMatchObject({ method: 'PATCH', body: { sha: 'def', force: false } });
    expect(err).toBeInstanceOf(ForgeError);
    expect((err as ForgeError).status).toBe(422);
    expect((err as ForgeError).message).toContain('Update is not a fast forward');
  });

  it('commits without author and committer leave both to GitHub', async () => {
    const { seen, fetch } = recording(() => json(201, { sha: 'new' }));
    const client = new GitHubGitDataClient({ repoURL: 'https://github.com/acme/app', fetch });
    expect(await client.createCommit({ tree: 't', message: 'm', parents: ['p'] })).toBe('new');
    expect(seen[0]?.body).toEqual({ tree: 't', message: 'm', parents: ['p'] });
  });

  describe('insecureSkipTLSVerify', () => {
    let server: ReturnType<typeof createServer>;
    let base = '';
    beforeAll(async () => {
      server = createServer(selfSignedCertificate(), (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: { sha: 'abc' } }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('a self-signed GitHub Enterprise is refused, unless verification is skipped', async () => {
      const repoURL = `${base}/acme/app`;
      const strict = new GitHubGitDataClient({ repoURL, apiBaseUrl: base });
      await expect(strict.getRef('heads/main')).rejects.toBeInstanceOf(ForgeError);
      const lax = new GitHubGitDataClient({
        repoURL,
        apiBaseUrl: base,
        insecureSkipTLSVerify: true,
      });
      expect(await lax.getRef('heads/main')).toBe('abc');
    });
  });
});
