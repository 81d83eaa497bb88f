import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredResource } from '../../api/resource.js';
import { GantryError, inputError, isGantryError } from '../../errors.js';
import { kindArgument, pathFor, projectFor, qualifiedName, type CliContext } from '../context.js';
import { freightNameOf } from '../freight-name-of.js';

export interface EditOptions {
  project?: string;
}

const HEADER = [
  '# Please edit the object below. Lines beginning with a "#" will be ignored,',
  '# and an empty file will abort the edit. If an error occurs while saving, this file will be',
  '# reopened with the relevant failures.',
  '#',
];

/** Metadata the server owns: left out of the file so nobody edits them by mistake. */
const SERVER_METADATA = ['uid', 'generation', 'creationTimestamp', 'managedFields'];

/** Errors worth another try in the editor; anything else ends the edit. */
const RETRIED = new Set(['Invalid', 'Conflict']);

/**
 * `gantry edit KIND NAME`, as `kubectl edit`: the object as YAML (without its status and the
 * metadata the server owns, with its resourceVersion so that a change made meanwhile is a
 * conflict) in `$KUBE_EDITOR`, `$GANTRY_EDITOR`, `$EDITOR` or vi; applied on save. A file
 * saved unchanged cancels; an empty one too. When the server refuses the change, the file is
 * reopened with the error as a comment block at the top, until the edit is applied or the
 * file is saved without further changes.
 */
export async function editCommand(
  ctx: CliContext,
  kindName: string,
  name: string,
  options: EditOptions,
): Promise<void> {
  const info = kindArgument(kindName);
  if (info.redacted)
    throw inputError(
      `${info.plural} cannot be edited: the API never sends their values; apply a file with gantry apply -f instead`,
    );
  const project = projectFor(info, options.project, ctx.env);
  if (info.kind === 'Freight' && project) name = await freightNameOf(ctx, project, name);
  const path = pathFor(info, project, name);
  const object = await ctx.client.request<StoredResource>('GET', path);
  const { parse, stringify } = await import('yaml');
  const original = stringify(editable(object), { lineWidth: 0 });

  const dir = mkdtempSync(join(tmpdir(), 'gantry-edit-'));
  const file = join(dir, `${info.singular}-${name}.yaml`);
  let keep = false;
  try {
    let shown = original;
    let lastError: string | undefined;
    writeFileSync(file, [...HEADER, '', original].join('\n'));
    for (;;) {
      await runEditor(ctx.env, file).catch((err: unknown) => {
        // After a refused save, the file holds the user's work: keep it.
        keep = lastError !== undefined;
        throw err;
      });
      const saved = withoutComments(readFileSync(file, 'utf8'));
      if (saved.trim() === '') {
        ctx.out('Edit cancelled, saved file was empty.');
        return;
      }
      if (saved.trim() === shown.trim()) {
        if (lastError === undefined) {
          ctx.out('Edit cancelled, no changes made.');
          return;
        }
        keep = true;
        throw new GantryError(
          'Invalid',
          `edit cancelled, no valid changes were saved (your changes are in ${file}): ${lastError.replaceAll('\n', '; ')}`,
        );
      }
      let problem: string;
      try {
        const document: unknown = parse(saved);
        await ctx.client.request('PUT', path, checked(document, object));
        ctx.out(`${qualifiedName(info.kind, info.group, name)} edited`);
        return;
      } catch (err) {
        if (isGantryError(err) && !RETRIED.has(err.code)) {
          keep = true;
          throw new GantryError(err.code, `${err.message} (your changes are in ${file})`, {
            cause: err,
          });
        }
        problem = describeProblem(err);
      }
      shown = saved;
      lastError = problem;
      writeFileSync(
        file,
        [
          ...HEADER,
          `# ${qualifiedName(info.kind, info.group, name)} was not edited:`,
          ...problem.split('\n').map((line) => `# * ${line}`),
          '#',
          '',
          saved,
        ].join('\n'),
      );
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** The object as the user edits it: no status, no server-owned metadata. */
function editable(object: StoredResource): Record<string, unknown> {
  const { status: _status, ...rest } = object;
  const metadata: Record<string, unknown> = { ...object.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  return { ...rest, metadata };
}

/** The saved document, refused here when it names another object than the one edited. */
function checked(document: unknown, object: StoredResource): Record<string, unknown> {
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw inputError('the file must hold one object (a YAML mapping)');
  const edited = document as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  if (edited.kind !== object.kind)
    throw inputError(`kind: cannot be changed from ${object.kind}`, [
      { path: 'kind', message: 'cannot be changed' },
    ]);
  if (edited.metadata?.name !== object.metadata.name)
    throw inputError(`metadata.name: cannot be changed from "${object.metadata.name}"`, [
      { path: 'metadata.name', message: 'cannot be changed' },
    ]);
  if ((edited.metadata?.namespace ?? undefined) !== (object.metadata.namespace ?? undefined))
    throw inputError(
      `metadata.namespace: cannot be changed from "${object.metadata.namespace ?? ''}"`,
      [{ path: 'metadata.namespace', message: 'cannot be changed' }],
    );
  return document as Record<string, unknown>;
}

function describeProblem(err: unknown): string {
  if (isGantryError(err) && err.issues.length > 1)
    return err.issues
      .map((issue) => `${issue.path ? `${issue.path}: ` : ''}${issue.message}`)
      .join('\n');
  if (isGantryError(err) && err.code === 'Conflict')
    return `${err.message} (the object changed since the edit began: quit without saving, then run gantry edit again)`;
  // YAML syntax errors say where, over several lines: keep the first.
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/** The file without its comment lines (the header and the error block). */
function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
}

/** Runs the user's editor on `file` (through the shell: `EDITOR="code --wait"` works). */
function runEditor(env: NodeJS.ProcessEnv, file: string): Promise<void> {
  const editor = env.KUBE_EDITOR || env.GANTRY_EDITOR || env.EDITOR || 'vi';
  return new Promise((resolve, reject) => {
    const child = spawn(`${editor} '${file.replaceAll("'", `'\\''`)}'`, {
      shell: true,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('error', (err) =>
      reject(inputError(`could not run the editor "${editor}": ${err.message}`)),
    );
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          inputError(
            `the editor "${editor}" ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}; nothing was changed (set KUBE_EDITOR, GANTRY_EDITOR or EDITOR to choose another)`,
          ),
        );
    });
  });
}
