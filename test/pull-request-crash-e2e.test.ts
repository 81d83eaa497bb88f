import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionStatus } from '../src/api/promotion.js';
import { startGitHubDouble, type GitHubDouble } from './forges/github-double.js';
import { startGantryServer, type GantryServerProcess } from './gantry-process.js';
import { startGitServer, type TestGitServer } from './git-server.js';
import { cliAgainst, until } from './in-process-cli.js';

/**
 * A crash between opening a pull request and its merge (issue 16): the real `gantry server`
 * is killed (SIGKILL) after GitHub has created the pull request but before Gantry has heard
 * so — the double's answer to `POST /pulls` is held by a loopback relay until the server is
 * dead. Restarted, the Promotion resumes at git-open-pr, finds the pull request it opened
 * (same branches, same head commit), opens no second one, waits for it, and finishes once the
 * reviewer merges it.
 */
describe('a crash between opening the pull request and its merge', { timeout: 240_000 }, () => {
  let dir: string;
  let git: TestGitServer;
  let github: GitHubDouble;
  let relay: Server;
  let relayUrl: string;
  let server: GantryServerProcess | undefined;
  /** Held answers to `POST /repos/…/pulls`; set while the test wants them held. */
  let holding: Array<() => void> | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-pr-crash-'));
    git = await startGitServer();
    github = await startGitHubDouble(git, { token: 'gh-t0ken' });
    // Forwards everything to the double; holds the answer to a pull request's creation.
    relay = createServer((req, res) => {
      const target = new URL(req.url ?? '/', github.apiUrl);
      const upstream = request(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (answer: IncomingMessage) => {
          const send = () => {
            if (res.destroyed) return answer.resume();
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          };
          const creates = req.method === 'POST' && /\/pulls$/.test(target.pathname);
          if (creates && holding) holding.push(send);
          else send();
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    relayUrl = `http://127.0.0.1:${(relay.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    relay?.closeAllConnections();
    await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
    await github?.stop();
    await git?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the same pull request after a restart, opens no second one, and finishes', async () => {
    const repository = 'acme/gitops';
    const repoURL = git.createRepo(repository, { 'env/prod/app.yaml': 'tag: v1\n' });
    const forgeConfig = join(dir, 'forges.yaml');
    writeFileSync(
      forgeConfig,
      `hosts:\n- url: ${git.url}\n  provider: github\n  apiURL: ${relayUrl}\n`,
    );
    const dataDir = join(dir, 'data');
    const start = () =>
      startGantryServer(
        ['--data-dir', dataDir, '--forge-config', forgeConfig, '--min-warehouse-interval', '1h'],
        0,
      );
    server = await start();
    const cli = cliAgainst(() => server!, 'shop');
    const manifests = join(dir, 'shop.yaml');
    writeFileSync(manifests, pipeline(repoURL));
    const applied = await cli(['apply', '-f', manifests]);
    expect(applied.code, applied.err).toBe(0);
    let freight = '';
    await until(
      async () => {
        const listed = await cli(['get', 'freight', '-o', 'json']);
        freight =
          (JSON.parse(listed.out || '{}') as { items?: Array<{ metadata: { name: string } }> })
            .items?.[0]?.metadata.name ?? '';
        return freight !== '';
      },
      'Freight',
      120,
    );

    holding = [];
    const started = await cli(['promote', '--stage', 'prod', '--freight', freight]);
    expect(started.code, started.err).toBe(0);
    const name = /promotion\.kargo\.akuity\.io\/(\S+) created/.exec(started.out)![1]!;
    // GitHub has made the pull request; Gantry has not had the answer.
    await until(
      () => Promise.resolve((holding?.length ?? 0) > 0),
      'git-open-pr to ask GitHub',
      120,
    );
    expect(github.inspect(repository, 1)?.state).toBe('open');
    server.child.kill('SIGKILL');
    await server.exited;
    const held = holding;
    holding = undefined;
    for (const send of held) send(); // to a dead client: dropped

    server = await start();
    const status = async () =>
      (
        JSON.parse((await cli(['get', 'promotion', name, '-o', 'json'])).out || '{}') as {
          status?: PromotionStatus;
        }
      ).status;
    await until(
      async () => JSON.stringify((await status())?.state ?? {}).includes('"open":true'),
      'the resumed Promotion to wait on the pull request',
      120,
    );
    expect(github.inspect(repository, 2)).toBeUndefined();
    github.reviewer.merge(repository, 1);
    await until(
      async () => ['Succeeded', 'Failed', 'Errored'].includes((await status())?.phase ?? ''),
      'the Promotion to finish',
      120,
    );
    const finished = await status();
    expect(finished?.phase, JSON.stringify(finished)).toBe('Succeeded');
    expect(finished?.state?.['open-pr']).toEqual({
      pr: { id: 1, url: github.webUrl(repository, 1) },
    });
    // One pull request was ever asked for: the resumed step found it instead.
    expect(
      github.requests.filter((r) => /^POST \/repos\/acme\/gitops\/pulls$/.test(r)),
    ).toHaveLength(1);
    expect(github.inspect(repository, 2)).toBeUndefined();
    expect(git.git(repository, ['show', 'main:env/prod/app.yaml'])).toBe('tag: v2\n');
    const logs = (await cli(['logs', 'promotion', name])).out;
    expect(logs).toContain('resuming at step 5 after a restart');
    expect(logs).toContain('not opening another');
  });
});

/** One Stage promoting through a pull request, the repository's main commit as Freight. */
function pipeline(repoURL: string): string {
  return `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: shop}
---
apiVersion: v1
kind: Secret
metadata:
  name: repo
  namespace: shop
  labels: {kargo.akuity.io/cred-type: git}
stringData: {repoURL: ${repoURL}, username: gantry, password: gh-t0ken}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: config, namespace: shop}
spec:
  subscriptions:
  - git: {repoURL: ${repoURL}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: prod, namespace: shop}
spec:
  requestedFreight:
  - origin: {kind: Warehouse, name: config}
    sources: {direct: true}
  promotionTemplate:
    spec:
      steps:
      - uses: git-clone
        config:
          repoURL: ${repoURL}
          checkout: [{branch: main, path: ./src}]
      - uses: file-write
        config: {path: ./src/env/prod/app.yaml, contents: "tag: v2\\n", overwrite: true}
      - uses: git-commit
        config: {path: ./src, message: Promote v2 to prod}
      - uses: git-push
        as: push
        config: {path: ./src, generateTargetBranch: true}
      - uses: git-open-pr
        as: open-pr
        config:
          repoURL: ${repoURL}
          sourceBranch: \${{ outputs.push.branch }}
          targetBranch: main
      - uses: git-wait-for-pr
        as: wait-for-pr
        config:
          repoURL: ${repoURL}
          prNumber: \${{ outputs['open-pr'].pr.id }}
          pollInterval: 1s
`;
}
