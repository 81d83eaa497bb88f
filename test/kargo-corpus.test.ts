import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { foreignKindWarning } from '../src/api/compat/foreign-kinds.js';
import { kindName } from '../src/api/kind-names.js';
import { readManifestFiles } from '../src/cli/manifest-files.js';
import { PromotionLogs } from '../src/engine/promotion-logs.js';
import { silentLogger } from '../src/logger.js';
import { ResourceService } from '../src/resources/resource-service.js';
import { createApp } from '../src/server/app.js';
import { listen } from '../src/server/http-server.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { testAuth } from './auth-fixtures.js';
import { cliAgainst, type CliResult } from './in-process-cli.js';

/**
 * Real Kargo manifest files from public repositories (test/fixtures/kargo-corpus/sources.json
 * names each: repository, commit, path, licence, sha256), applied unchanged with
 * `gantry apply -f FILE` as a user would. What Kargo's API server accepts must be accepted here
 * (warnings allowed: the CLI prints them as `Warning:` lines, nothing else on standard error);
 * what it refuses (`refusedByKargo`: Stages of Kargo's pre-v0.4 API kept among its API-server
 * fixtures) must be refused, naming the field.
 *
 * The files are read from local git mirrors of their repositories, never copied into this
 * one: KARGO_CORPUS_MIRRORS, default `../.mirror` beside the checkout, holds
 * `<owner>+<name>/repo` (a bare clone or mirror). Each file's bytes are checked against the
 * recorded sha256, so what is applied is exactly what was published.
 */

interface CorpusFile {
  repository: string;
  ref: string;
  commit: string;
  path: string;
  sha256: string;
  /** Set when Kargo's API server refuses the file: why, and what Gantry must say. */
  refusedByKargo?: { because: string; messages: string[] };
}
interface Corpus {
  repositories: Array<{ repository: string; licence: string; licenceFile: string }>;
  files: CorpusFile[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = JSON.parse(
  readFileSync(join(ROOT, 'test/fixtures/kargo-corpus/sources.json'), 'utf8'),
) as Corpus;
const MIRRORS = process.env.KARGO_CORPUS_MIRRORS ?? resolve(ROOT, '..', '.mirror');
/** Licences that allow redistribution; a corpus file from any other repository is refused. */
const REDISTRIBUTABLE = ['Apache-2.0', 'MIT', 'BSD-2-Clause', 'BSD-3-Clause'];

const mirrorOf = (repository: string) => join(MIRRORS, repository.replace('/', '+'), 'repo');

/**
 * The bytes of `files` (all from one repository) as published, read from its mirror with one
 * `git cat-file --batch` (a git process per file would cost more than applying them).
 */
function upstreamBytes(repository: string, files: CorpusFile[]): Map<CorpusFile, Buffer> {
  const output = execFileSync('git', ['--git-dir', mirrorOf(repository), 'cat-file', '--batch'], {
    input: files.map((file) => `${file.commit}:${file.path}\n`).join(''),
    maxBuffer: 64 * 1024 * 1024,
  });
  const bytes = new Map<CorpusFile, Buffer>();
  let at = 0;
  for (const file of files) {
    const headerEnd = output.indexOf(10, at);
    const header = output.subarray(at, headerEnd).toString();
    const [, type, size] = header.split(' ');
    if (type !== 'blob') throw new Error(`${repository} ${file.commit}:${file.path}: ${header}`);
    const start = headerEnd + 1;
    bytes.set(file, output.subarray(start, start + Number(size)));
    at = start + Number(size) + 1;
  }
  return bytes;
}

/**
 * One pipeline: the files of one directory at one commit, applied together to one fresh
 * Gantry (they name each other: a Stage its Warehouse, a Freight its origin).
 */
interface Group {
  label: string;
  repository: string;
  files: CorpusFile[];
}
const groups: Group[] = [];
for (const file of CORPUS.files) {
  const label = `${file.repository}@${file.commit.slice(0, 9)} ${dirname(file.path)}`;
  let group = groups.find((g) => g.label === label);
  if (!group) groups.push((group = { label, repository: file.repository, files: [] }));
  group.files.push(file);
}

/**
 * A fresh Gantry in this process, as `gantry server` wires admission: its store (SQLite in
 * memory), the resource service, the HTTP API on a loopback port chosen by the kernel. No
 * controllers run, so nothing a manifest names (registries, GitHub) is ever contacted.
 */
async function freshGantry() {
  const store = openSqliteStore({ path: ':memory:', pollIntervalMs: 50 });
  const shutdown = new AbortController();
  const fixture = await testAuth(store);
  const logDir = mkdtempSync(join(tmpdir(), 'gantry-corpus-logs-'));
  const app = createApp({
    auth: fixture.auth,
    service: new ResourceService({ store }),
    store,
    logger: silentLogger,
    shutdown: shutdown.signal,
    storeKind: 'sqlite',
    logs: new PromotionLogs(logDir),
  });
  const server = await listen(app, { host: '127.0.0.1', port: 0 });
  return {
    store,
    // No GANTRY_PROJECT: each document's own namespace decides, as with a plain kubectl apply.
    cli: cliAgainst(() => ({ url: server.url, adminToken: fixture.adminToken }), ''),
    async stop() {
      shutdown.abort();
      await server.close(1000);
      await store.close();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

interface Document {
  kind: string;
  name: string;
  namespace: string | undefined;
  foreign: boolean;
}

function documentsOf(path: string): Document[] {
  return readManifestFiles([path]).map((doc) => {
    const raw = doc.value as { kind?: string; metadata?: { name?: string; namespace?: string } };
    return {
      kind: raw.kind ?? '',
      name: raw.metadata?.name ?? '',
      namespace: raw.metadata?.namespace,
      foreign: foreignKindWarning(doc.value) !== undefined,
    };
  });
}

const work = mkdtempSync(join(tmpdir(), 'gantry-kargo-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('real Kargo manifests, applied unchanged with gantry apply -f', () => {
  it('the corpus: every file from a repository whose licence allows redistribution', () => {
    const licences = new Map(CORPUS.repositories.map((r) => [r.repository, r.licence]));
    for (const file of CORPUS.files) {
      expect(REDISTRIBUTABLE, file.repository).toContain(licences.get(file.repository));
      expect(file.commit, file.path).toMatch(/^[0-9a-f]{40}$/);
      expect(file.sha256, file.path).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(CORPUS.files.map((f) => `${f.repository} ${f.path}`)).size).toBe(
      CORPUS.files.length,
    );
    expect(CORPUS.files.length).toBeGreaterThanOrEqual(50);
  });

  for (const group of groups) {
    const mirror = mirrorOf(group.repository);
    if (!existsSync(mirror)) {
      const reason = `no mirror of ${group.repository} at ${mirror} (set KARGO_CORPUS_MIRRORS to a directory of <owner>+<name>/repo git mirrors)`;
      it(`${group.label} — not run here: ${reason}`, () =>
        expect(reason.length).toBeGreaterThan(10));
      continue;
    }
    it(group.label, async () => {
      const dir = mkdtempSync(join(work, 'group-'));
      const published = upstreamBytes(group.repository, group.files);
      const files = group.files.map((file) => {
        const bytes = published.get(file)!;
        expect(createHash('sha256').update(bytes).digest('hex'), `${file.path} as recorded`).toBe(
          file.sha256,
        );
        const path = join(dir, basename(file.path));
        writeFileSync(path, bytes);
        return { file, path, documents: documentsOf(path) };
      });
      // Kargo needs a Project before anything in its namespace: files holding one go first,
      // the rest in path order (as `kubectl apply -f DIR` reads a directory).
      files.sort(
        (a, b) =>
          Number(!a.documents.some((d) => d.kind === 'Project')) -
            Number(!b.documents.some((d) => d.kind === 'Project')) ||
          a.file.path.localeCompare(b.file.path),
      );
      const projects = new Set(
        files.flatMap((f) => f.documents.filter((d) => d.kind === 'Project').map((d) => d.name)),
      );
      // Where the upstream directory holds objects of a namespace but not its Project (Kargo's
      // API-server fixtures assume one exists), the test makes the Project first, from a
      // document of its own, not from the corpus.
      const missing = [
        ...new Set(
          files.flatMap((f) =>
            f.documents
              .filter((d) => !d.foreign && d.namespace && kindName(d.kind)?.namespaced !== false)
              .map((d) => d.namespace!),
          ),
        ),
      ].filter((namespace) => !projects.has(namespace));
      const gantry = await freshGantry();
      try {
        for (const namespace of missing) {
          const path = join(dir, `test-made-project-${namespace}.yaml`);
          writeFileSync(
            path,
            `apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata:\n  name: ${namespace}\n`,
          );
          const made = await gantry.cli(['apply', '-f', path]);
          expect(made.code, made.err).toBe(0);
        }
        for (const { file, path, documents } of files) {
          const applied: CliResult = await gantry.cli(['apply', '-f', path]);
          const where = `${file.repository} ${file.path}@${file.commit.slice(0, 9)}`;
          if (file.refusedByKargo) {
            expect(
              applied.code,
              `${where} is refused by Kargo: ${file.refusedByKargo.because}`,
            ).toBe(1);
            for (const message of file.refusedByKargo.messages)
              expect(applied.err, where).toContain(message);
            expect(applied.out, where).toBe('');
            continue;
          }
          expect(applied.code, `${where}: ${applied.err}`).toBe(0);
          const outcomes = applied.out.split('\n');
          expect(outcomes, where).toHaveLength(documents.length);
          documents.forEach((doc, index) => {
            const outcome = outcomes[index]!.split(' ').pop();
            if (doc.foreign) expect(outcome, `${where} ${doc.kind}`).toBe('ignored');
            else
              expect(['created', 'configured', 'unchanged'], `${where} ${doc.kind}`).toContain(
                outcome,
              );
          });
          // Warnings are allowed, one kubectl-style line each.
          for (const line of applied.err.split('\n').filter(Boolean))
            expect(line, where).toMatch(/^Warning: /);
        }
        for (const { file, documents } of files)
          for (const doc of documents.filter((d) => !d.foreign && d.kind !== 'Freight')) {
            // Freight is stored under the name Kargo derives from its contents.
            const namespaced = kindName(doc.kind)?.namespaced !== false;
            const stored = await gantry.store.get({
              kind: doc.kind,
              namespace: namespaced ? (doc.namespace ?? '') : '',
              name: doc.name,
            });
            const what = `${doc.kind} ${doc.namespace ?? ''}/${doc.name}`;
            if (file.refusedByKargo) expect(stored, `${what} not stored`).toBeUndefined();
            else expect(stored, `${what} stored`).toBeDefined();
          }
      } finally {
        await gantry.stop();
      }
    });
  }
});
