import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { FakeApplication } from './fake-argocd.js';
import { ROOT } from './gantry-process.js';

/** Kargo's public example repositories, as published. */
export type KargoExample = 'kargo-simple' | 'kargo-advanced';

/**
 * The commit of each example the test runs. The examples carry no licence, so none of their
 * files is copied into this repository: they are read at test time from a local git mirror of
 * each (KARGO_CORPUS_MIRRORS, default `../.mirror` beside the checkout, holding
 * `akuity+<name>/repo`, as for the real-manifest corpus), at exactly these commits.
 */
export const KARGO_EXAMPLE_COMMITS: Record<KargoExample, string> = {
  'kargo-simple': '26bae71e564ae534a0c37eaccc700388fdcd2428',
  'kargo-advanced': '7de9a099297025d5e2033ff44030e244ea180e8f',
};

const MIRRORS = process.env.KARGO_CORPUS_MIRRORS ?? resolve(ROOT, '..', '.mirror');

/** The parts of an example the test uses: its manifests and its kustomize layout. */
const USED = /^(kargo|base|env|argocd)\//;

/** Why an example cannot be read here (no mirror, or the commit missing), or undefined. */
export function kargoExampleMissing(example: KargoExample): string | undefined {
  const mirror = join(MIRRORS, `akuity+${example}`, 'repo');
  try {
    execFileSync(
      'git',
      ['--git-dir', mirror, 'cat-file', '-e', `${KARGO_EXAMPLE_COMMITS[example]}^{commit}`],
      {
        stdio: 'ignore',
      },
    );
    return undefined;
  } catch {
    return `no mirror of akuity/${example} holding commit ${KARGO_EXAMPLE_COMMITS[example].slice(0, 12)} at ${mirror} (set KARGO_CORPUS_MIRRORS to a directory of <owner>+<name>/repo git mirrors)`;
  }
}

/** Where the examples point, and where a test points them instead. */
export interface ExampleAddresses {
  /** Replaces `https://github.com/akuity` (repositories become `<git>/<name>.git`). */
  git: string;
  /** Replaces `ghcr.io` (the image becomes `<registry>/akuity/guestbook`). */
  registry: string;
  /**
   * Replaces `https://pokeapi.co` in kargo-advanced's AnalysisTemplate: the one address that is
   * not a repository, served by a loopback double because tests reach no outside network.
   */
  pokeapi: string;
}

/**
 * One example repository as a user has it after forking it and running its personalize.sh:
 * every file (path → text) with the GitHub and GHCR addresses replaced by the test's own
 * servers, as text, in every file (personalize.sh rewrites every *.yaml the same way). Nothing
 * else is changed.
 */
export function loadKargoExample(
  example: KargoExample,
  addresses: ExampleAddresses,
): Record<string, string> {
  const gitDir = join(MIRRORS, `akuity+${example}`, 'repo');
  const commit = KARGO_EXAMPLE_COMMITS[example];
  const git = (args: string[]) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' });
  const files: Record<string, string> = {};
  for (const path of git(['ls-tree', '-r', '--name-only', commit]).split('\n')) {
    if (!USED.test(path)) continue;
    files[path] = git(['show', `${commit}:${path}`])
      .replaceAll('https://github.com/akuity/', `${addresses.git}/`)
      .replaceAll('ghcr.io/', `${addresses.registry}/`)
      .replaceAll('https://pokeapi.co/', `${addresses.pokeapi}/`);
  }
  for (const [path, text] of Object.entries(files))
    if (/github\.com|ghcr\.io|pokeapi\.co/.test(text))
      throw new Error(`${example}/${path} names an address this helper does not rewrite`);
  return files;
}

/** Writes the example's Kargo manifests (kargo/*.yaml) into `dir`, for `gantry apply -f`. */
export function writeKargoManifests(files: Record<string, string>, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of Object.entries(files))
    if (path.startsWith('kargo/')) writeFileSync(join(dir, path.slice('kargo/'.length)), text);
  return dir;
}

/**
 * The Applications Argo CD's ApplicationSet controller makes of kargo-advanced's
 * argocd/appset.yaml: its one git directory generator (`env/*`) over the repository's
 * directories, `{{path.basename}}` filled in. Only what this example uses is understood.
 */
export function expandApplicationSet(files: Record<string, string>): FakeApplication[] {
  const appSet = parse(files['argocd/appset.yaml'] ?? '') as {
    spec: {
      generators: Array<{ git: { directories: Array<{ path: string }> } }>;
      template: FakeApplication;
    };
  };
  const pattern = appSet.spec.generators[0]?.git.directories[0]?.path ?? '';
  if (!pattern.endsWith('/*')) throw new Error(`unexpected generator path ${pattern}`);
  const parent = `${pattern.slice(0, -1)}`;
  const basenames = new Set(
    Object.keys(files)
      .filter((path) => path.startsWith(parent))
      .map((path) => path.slice(parent.length).split('/')[0]!),
  );
  const template = JSON.stringify(appSet.spec.template);
  return [...basenames].map((basename) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    ...(JSON.parse(template.replaceAll('{{path.basename}}', basename)) as FakeApplication),
  }));
}

/**
 * A clock for `startGantry`'s analysisClock that skips waits: `sleep(ms)` moves the clock `ms`
 * ahead and returns after a few real milliseconds, so an AnalysisTemplate's own intervals keep
 * their order and count (each measurement at least `interval` after the last, by this clock)
 * without taking their time. It never runs behind the wall clock.
 */
export function fastForwardClock(): {
  now: () => Date;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
} {
  let skipped = 0;
  return {
    now: () => new Date(Date.now() + skipped),
    sleep: (ms, signal) => {
      if (signal.aborted) return Promise.resolve();
      skipped += ms;
      return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
    },
  };
}
