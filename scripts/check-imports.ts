/**
 * Checks the import graph of src/: no cycles, and dependencies point inward
 * (docs/architecture.md). Run by `npm run lint`. Prints one line per problem and exits 1.
 *
 * Written here rather than taken from an eslint plugin: the plugins that do this pull in a
 * native resolver whose per-platform optional packages npm cannot record in a lock file that
 * `npm ci` accepts on every machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

/** `from` (a directory or file under src/, relative) must not import `to` (same form). */
const FORBIDDEN: Array<{ from: string; to: string[]; except?: string[]; why: string }> = [
  {
    from: 'api',
    to: [''],
    except: ['api', 'errors.ts'],
    why: 'the resource model is pure and imports only itself and errors.ts',
  },
  {
    from: 'expr',
    to: [''],
    except: ['expr', 'errors.ts'],
    why: 'the expression language is pure and imports only itself and errors.ts',
  },
  {
    from: 'store',
    to: ['server', 'cli', 'resources', 'metrics', 'main.ts'],
    why: 'the store knows nothing of its callers (metrics/metered-store.ts measures it from outside)',
  },
  {
    from: 'metrics',
    to: [
      'server',
      'cli',
      'controllers',
      'engine',
      'resources',
      'store/sqlite',
      'store/postgres',
      'main.ts',
    ],
    why: 'metrics are a port and its adapters: they know the Store port, never its callers or a backend',
  },
  {
    from: 'resources',
    to: ['server', 'cli', 'store/sqlite', 'store/postgres'],
    why: 'services use the Store port, not a backend',
  },
  {
    from: 'sources',
    to: ['server', 'cli', 'store', 'resources', 'controllers', 'engine', 'steps', 'main.ts'],
    why: 'discovery talks to registries and repositories only; controllers store its results',
  },
  {
    from: 'steps',
    to: [
      'integrations/argocd/argocd-api-client.ts',
      'integrations/argocd/kubernetes-argocd-client.ts',
      'integrations/argocd/connect-argocd.ts',
      'integrations/webhooks',
      'forges/github',
      'forges/gitlab',
      'forges/gitea',
      'forges/bitbucket',
      'forges/azure',
      'forges/forge-adapters.ts',
      'forges/forge-connector.ts',
      'forges/forge-hosts.ts',
      'outbound/guarded-http.ts',
      'server',
      'cli',
      'store',
      'main.ts',
    ],
    why: 'steps use the ports the engine hands them (ArgoCdClient, OutboundHttp), not concrete integrations',
  },
  {
    from: 'forges',
    to: ['server', 'cli', 'store', 'resources', 'controllers', 'engine', 'steps', 'main.ts'],
    why: 'Git host adapters talk to their hosts only; steps use them through the GitForge port',
  },
  {
    from: 'verification',
    to: ['outbound/guarded-http.ts', 'server', 'cli', 'store', 'main.ts'],
    why: 'metrics reach the network through the OutboundHttp port the run hands them',
  },
  {
    from: 'outbound',
    to: [''],
    except: ['outbound', 'errors.ts', 'abort-signals.ts'],
    why: 'the outbound policy and its client depend on nothing else of ours but the leaf helpers (errors, signals)',
  },
  {
    from: 'quickstart',
    to: [''],
    except: ['quickstart', 'errors.ts'],
    why: "the quickstart's demo components stand apart from the server; the CLI applies the example through the API",
  },
  {
    from: 'server',
    to: ['cli', 'store/sqlite', 'store/postgres'],
    why: 'only main.ts picks a store backend',
  },
];

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.test.ts') &&
      !entry.name.endsWith('.contract.ts')
      ? [path]
      : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]!;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (target.startsWith(SRC)) out.push(target);
  }
  return out;
}

const within = (path: string, area: string) =>
  area === '' || path === area || path.startsWith(`${area}/`);

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const problems: string[] = [];

for (const [file, targets] of graph) {
  const from = relative(SRC, file);
  for (const target of targets) {
    const to = relative(SRC, target);
    for (const rule of FORBIDDEN) {
      if (!within(from, rule.from)) continue;
      if (rule.except?.some((area) => within(to, area))) continue;
      if (rule.to.some((area) => within(to, area)))
        problems.push(`src/${from} imports src/${to}: ${rule.why}`);
    }
  }
}

// Cycles: depth-first search keeping the current path.
const state = new Map<string, 'visiting' | 'done'>();
const stack: string[] = [];
function visit(file: string): void {
  state.set(file, 'visiting');
  stack.push(file);
  for (const target of graph.get(file) ?? []) {
    if (state.get(target) === 'visiting') {
      const cycle = stack
        .slice(stack.indexOf(target))
        .concat(target)
        .map((f) => `src/${relative(SRC, f)}`);
      problems.push(`import cycle: ${cycle.join(' -> ')}`);
    } else if (!state.has(target) && graph.has(target)) {
      visit(target);
    }
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of files) if (!state.has(file)) visit(file);

for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
console.log(`imports: ${files.length} modules, no cycles, dependencies point inward`);
