import { Command, CommanderError } from 'commander';
import { errorMessage, isGantryError } from '../errors.js';
import { gantryVersion } from '../version.js';
import { ApiClient } from './client.js';
import { resolveToken } from './credentials.js';
import type { CliContext } from './context.js';
import { isUsageError, usageError } from './usage-error.js';

/** Exit codes: 0 success, 1 failure, 2 usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Aborting it ends a command that runs until stopped (`get -w`) with success. */
  signal?: AbortSignal;
}

const DEFAULT_SERVER = 'http://127.0.0.1:8080';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Runs the `gantry` CLI and returns its exit code. Command modules are imported when their
 * command runs, so `gantry get` never loads the server, the store or the schemas it does not need.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = new Command('gantry')
    .description('Continuous promotion for GitOps (Kargo-compatible)')
    .option('--server <url>', `Gantry API server (env GANTRY_SERVER; default ${DEFAULT_SERVER})`)
    .option(
      '--token <token>',
      'API token (env GANTRY_TOKEN; else what gantry login saved; else a local server initial admin token)',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      // One line, as kubectl: `error: unknown command 'prmote' (Did you mean promote?)`.
      writeErr: (s) => io.err(s.trimEnd().replace(/\n\(Did you mean/g, ' (Did you mean')),
    })
    .showSuggestionAfterError(true);

  const serverUrl = () =>
    program.opts<{ server?: string }>().server ?? (io.env.GANTRY_SERVER || DEFAULT_SERVER);
  const context = (): CliContext => ({
    client: new ApiClient(
      serverUrl(),
      resolveToken({
        flag: program.opts<{ token?: string }>().token,
        env: io.env,
        server: serverUrl(),
      }),
      // As kubectl prints the API's warnings: on standard error, as they come.
      { onWarning: (text) => io.err(`Warning: ${text}`) },
    ),
    out: io.out,
    err: io.err,
    env: io.env,
    now: io.now ?? (() => new Date()),
    signal: io.signal,
  });

  // kubectl's -n/--namespace means --project; both at once must agree.
  program.hook('preAction', (_program, action) => {
    const { namespace, project } = action.opts<{ namespace?: string; project?: string }>();
    if (namespace === undefined) return;
    if (project !== undefined && project !== namespace)
      throw usageError(`--namespace "${namespace}" and --project "${project}" disagree: give one`);
    action.setOptionValue('project', namespace);
  });

  // A single sign-on saved by `gantry login --sso` is refreshed before it is used, once expired.
  program.hook('preAction', async (_program, action) => {
    if (['login', 'logout', 'server'].includes(action.name())) return;
    if (program.opts<{ token?: string }>().token || io.env.GANTRY_TOKEN) return;
    const { refreshSavedLogin } = await import('./sso/sso-refresh.js');
    await refreshSavedLogin({
      env: io.env,
      server: serverUrl(),
      now: io.now ?? (() => new Date()),
      err: io.err,
    });
  });

  program
    .command('login')
    .description('sign in to the server and remember it (an API token, or --sso)')
    .option('--token <token>', 'an API token to sign in with')
    .option('--token-stdin', 'read the API token from standard input')
    .option('--sso', "sign in with the server's single sign-on (OIDC) in a browser")
    .option('--device', 'with --sso: the device flow, for a machine without a browser')
    .option('--no-browser', 'with --sso: print the sign-in URL instead of opening a browser')
    .option(
      '--callback-port <port>',
      'with --sso: the local port the browser returns to (default: any)',
    )
    .action(async (options: Record<string, unknown>) => {
      const { loginCommand } = await import('./commands/auth.js');
      await loginCommand(context(), options);
    });

  program
    .command('logout')
    .description('forget the credentials saved for the server')
    .action(async () => {
      const { logoutCommand } = await import('./commands/auth.js');
      logoutCommand(context());
    });

  program
    .command('whoami')
    .description('who the server takes you for')
    .option('-o, --output <format>', 'text, yaml or json', 'table')
    .action(async (options: Record<string, unknown>) => {
      const { whoamiCommand } = await import('./commands/auth.js');
      await whoamiCommand(context(), options);
    });

  program
    .command('kubeconfig')
    .description('print a kubeconfig for kubectl with the current login (server and token)')
    .option('-n, --namespace <project>', "the context's namespace: a project")
    .option('--context-name <name>', 'the name of its cluster, user and context', 'gantry')
    .option(
      '--certificate-authority <file>',
      "the server's CA certificate (PEM), embedded as certificate-authority-data",
    )
    .action(async (options: Record<string, unknown>) => {
      const { kubeconfigCommand } = await import('./commands/kubeconfig.js');
      kubeconfigCommand(context(), options);
    });

  program
    .command('server')
    .description('run the Gantry API server (embedded SQLite by default)')
    .option('--host <host>', 'address to bind (env GANTRY_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env GANTRY_PORT; default 8080)')
    .option(
      '--data-dir <dir>',
      'where the embedded store lives (env GANTRY_DATA_DIR; default ./.gantry)',
    )
    .option('--store <url>', 'sqlite, or a postgres:// URL (env GANTRY_STORE)')
    .option('--log-level <level>', 'debug, info, warn or error (env GANTRY_LOG_LEVEL)')
    .option('--log-format <format>', 'text or json (env GANTRY_LOG_FORMAT)')
    .option(
      '--min-warehouse-interval <duration>',
      'no Warehouse is discovered more often than this (env GANTRY_MIN_WAREHOUSE_INTERVAL; default 30s)',
    )
    .option(
      '--keep-freight <n>',
      'unused Freight kept per Warehouse (env GANTRY_KEEP_FREIGHT; default 50)',
    )
    .option(
      '--keep-promotions <n>',
      'finished Promotions kept per Stage (env GANTRY_KEEP_PROMOTIONS; default 20)',
    )
    .option(
      '--keep-audit-events <n>',
      'audit events kept, the newest (env GANTRY_KEEP_AUDIT_EVENTS; default 10000)',
    )
    .option(
      '--external-url <url>',
      'how webhooks reach this server, for the URLs it publishes (env GANTRY_EXTERNAL_URL)',
    )
    .option(
      '--argocd-config <file>',
      'Argo CD instances to reach (env GANTRY_ARGOCD_CONFIG; or GANTRY_ARGOCD_URL + GANTRY_ARGOCD_TOKEN for one)',
    )
    .option(
      '--forge-config <file>',
      'self-hosted Git hosts: provider and API address for pull requests (env GANTRY_FORGE_CONFIG)',
    )
    .option(
      '--health-interval <duration>',
      'how often Stage health is read from Argo CD (env GANTRY_HEALTH_INTERVAL; default 10s)',
    )
    .option(
      '--lease-duration <duration>',
      'how long a replica holds a Stage without renewing: how soon another takes over from one that died (env GANTRY_LEASE_DURATION; default 10s)',
    )
    .option(
      '--registry-concurrency <n>',
      'requests in flight per container registry (env GANTRY_REGISTRY_CONCURRENCY; default 8)',
    )
    .option(
      '--github-push-verify-commits',
      'github-push: GitHub authors and signs every replayed commit, so it shows as Verified (env GANTRY_GITHUB_PUSH_VERIFY_COMMITS; off by default, as Kargo)',
    )
    .option(
      '--allow-local-programs',
      'allow job verification metrics to run programs on this host (env GANTRY_ALLOW_LOCAL_PROGRAMS; off by default)',
    )
    .option(
      '--metrics-public',
      'serve /metrics without credentials, for a Prometheus inside the network (env GANTRY_METRICS_PUBLIC; off by default: it needs a cluster-wide read right)',
    )
    .option(
      '--tls-cert-file <path>',
      'serve HTTPS with this PEM certificate (chain); needed by kubectl, which sends tokens only over HTTPS (env GANTRY_TLS_CERT_FILE)',
    )
    .option(
      '--tls-private-key-file <path>',
      "the certificate's PEM private key (env GANTRY_TLS_PRIVATE_KEY_FILE)",
    )
    .option(
      '--allow-local-repositories',
      'allow file:// URLs and local paths as repositories (env GANTRY_ALLOW_LOCAL_REPOSITORIES; off by default)',
    )
    .option(
      '--outbound-allow <list>',
      'CIDRs or loopback, private, link-local, metadata, * that http steps and metrics may reach (env GANTRY_OUTBOUND_ALLOW; default *)',
    )
    .option(
      '--outbound-deny <list>',
      'destinations they may never reach (env GANTRY_OUTBOUND_DENY; default link-local,metadata)',
    )
    .option(
      '--max-body-size <size>',
      'the largest request body accepted (env GANTRY_MAX_BODY_SIZE; default 4Mi)',
    )
    .option(
      '--allowed-hosts <list>',
      'Host names answered besides loopback and the external URL, * for any (env GANTRY_ALLOWED_HOSTS)',
    )
    .option(
      '--allowed-origins <list>',
      'browser origins allowed to change state besides the server own (env GANTRY_ALLOWED_ORIGINS)',
    )
    .option(
      '--auth-config <file>',
      'single sign-on (OIDC) and system roles (env GANTRY_AUTH_CONFIG; docs/security.md)',
    )
    .option(
      '--secrets-key-file <file>',
      'key that encrypts Secret values at rest (env GANTRY_SECRETS_KEY_FILE or GANTRY_SECRETS_KEY; default DATA_DIR/secrets.key)',
    )
    .action(async (flags: Record<string, string | undefined>) => {
      const { serverCommand } = await import('./commands/server.js');
      await serverCommand(flags);
    });

  program
    .command('apply')
    .description('create or update objects from YAML/JSON files (all or nothing)')
    .option('-f, --filename <path>', 'file, directory or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'also read directories below -f directories')
    .option('--project <name>', 'project for documents without metadata.namespace')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--dry-run', 'validate and report without changing anything')
    .option('--force', 'create hand-made Freight without checking its registries (it is marked)')
    .action(async (options: Record<string, unknown>) => {
      const { applyCommand } = await import('./commands/apply.js');
      await applyCommand(context(), options);
    });

  program
    .command('get')
    .description('show objects: gantry get KIND[,KIND…] [NAME], or KIND/NAME')
    .argument(
      '<kind>',
      'kind, plural or short name (stages, freight, promo, …); several: stages,warehouses; all',
    )
    .argument('[name]', 'one object')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('-A, --all-projects', 'list across all projects')
    .option(
      '-o, --output <format>',
      'table, wide, yaml, json, name, jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC or custom-columns-file=FILE',
      'table',
    )
    .option('-w, --watch', 'after listing, print each change as it happens (until Ctrl-C)')
    .option('--watch-only', 'print only the changes, not the current objects')
    .option('-l, --selector <selector>', 'label selector, e.g. tier=web,env!=prod')
    .option('--stage <name>', 'freight: as this Stage sees it (available or not, and why)')
    .option('--system', 'tokens: the system-wide tokens instead of a project')
    .option('--actor <actor>', 'events: only what this actor did (token:ci, email:ana@example.com)')
    .option('--limit <n>', 'events: at most this many (default 100)')
    .action(async (kind: string, name: string | undefined, options: Record<string, unknown>) => {
      const { getCommand } = await import('./commands/get.js');
      await getCommand(context(), kind, name, options);
    });

  program
    .command('describe')
    .description('a readable report on objects: gantry describe KIND [NAME]')
    .argument('<kind>', 'kind, plural or short name (stage, freight, warehouse, promo, …)')
    .argument('[name]', 'one object (Freight by name or alias); all of the kind without it')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('-l, --selector <selector>', 'without NAME: only objects matching these labels')
    .action(async (kind: string, name: string | undefined, options: Record<string, unknown>) => {
      const { describeCommand } = await import('./commands/describe.js');
      await describeCommand(context(), kind, name, options);
    });

  program
    .command('edit')
    .description('edit an object in $EDITOR and apply it on save: gantry edit KIND NAME')
    .argument('<kind>', 'kind, plural or short name')
    .argument('<name>', 'the object (Freight by name or alias)')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .action(async (kind: string, name: string, options: Record<string, unknown>) => {
      const { editCommand } = await import('./commands/edit.js');
      await editCommand(context(), kind, name, options);
    });

  program
    .command('completion')
    .description('print a shell completion script: source <(gantry completion bash)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { completionCommand } = await import('./commands/completion.js');
      completionCommand(context(), shell);
    });

  program
    .command('delete')
    .description('delete objects: gantry delete KIND NAME, or -f FILE')
    .argument('[kind]', 'kind, plural or short name')
    .argument('[name]', 'object name')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('-f, --filename <path>', 'delete the objects in these files (repeatable)', collect)
    .option('-R, --recursive', 'also read directories below -f directories')
    .option('--ignore-not-found', 'succeed when an object is already gone')
    .option('--system', 'token: a system-wide token')
    .action(
      async (
        kind: string | undefined,
        name: string | undefined,
        options: Record<string, unknown>,
      ) => {
        const { deleteCommand } = await import('./commands/delete.js');
        await deleteCommand(context(), kind, name, options);
      },
    );

  program
    .command('create')
    .description(
      'create a project (create project NAME), Freight (create freight --warehouse W --image REPO:TAG …) or objects from files (create -f FILE)',
    )
    .argument('[what]', 'project or freight')
    .argument('[name]', 'its name')
    .option('-f, --filename <path>', 'file, directory or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'also read directories below -f directories')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--warehouse <name>', 'freight: the Warehouse it comes from')
    .option('--image <repo:tag>', 'freight: an image (repeatable)', collect)
    .option('--commit <url@id>', 'freight: a git commit (repeatable)', collect)
    .option('--chart <url/name:version>', 'freight: a Helm chart (repeatable)', collect)
    .option('--alias <alias>', 'freight: its alias (default: generated)')
    .option('--force', 'freight: create it without checking the registries (it is marked)')
    .option('--role <role>', 'token: viewer, developer or admin (or a Role of the project)')
    .option('--expires <when>', 'token: a duration such as 30d or 12h, or a time (default never)')
    .option('--system', 'token: a system-wide token (role admin, viewer, user or project-creator)')
    .action(
      async (
        what: string | undefined,
        name: string | undefined,
        options: Record<string, unknown>,
      ) => {
        const { createCommand } = await import('./commands/create.js');
        await createCommand(context(), what, name, options);
      },
    );

  program
    .command('promote')
    .description('promote Freight to a Stage, or abort a Promotion')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--stage <name>', 'the Stage to promote to')
    .option('--freight <name>', 'the Freight, by name or alias')
    .option('--wait', 'wait until the Promotion ends; fail unless it succeeded')
    .option(
      '--plan',
      'show what the promotion would change (the diff it would push) without doing it',
    )
    .option('--abort <promotion>', 'abort this Promotion instead')
    .option(
      '--override <reason>',
      'promote despite a freeze or a closed promotion window (the reason is recorded)',
    )
    .action(async (options: Record<string, unknown>) => {
      const { promoteCommand } = await import('./commands/promote.js');
      await promoteCommand(context(), options);
    });

  program
    .command('approve')
    .description(
      'approve Freight for a Stage: it becomes available there without verification or soak',
    )
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--freight <name>', 'the Freight, by name or alias')
    .option('--stage <name>', 'the Stage it is approved for')
    .action(async (options: Record<string, unknown>) => {
      const { approveCommand } = await import('./commands/approve.js');
      await approveCommand(context(), options);
    });

  program
    .command('verify')
    .description("verify a Stage's current Freight again, or abort the running verification")
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--stage <name>', 'the Stage')
    .option('--abort', 'abort the verification running now')
    .action(async (options: Record<string, unknown>) => {
      const { verifyCommand } = await import('./commands/verify.js');
      await verifyCommand(context(), options);
    });

  program
    .command('rollback')
    .description("promote a Stage's previous verified Freight and hold its auto-promotion")
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--stage <name>', 'the Stage')
    .option('--to <freight>', 'roll back to this Freight (name or alias) instead')
    .action(async (options: Record<string, unknown>) => {
      const { rollbackCommand } = await import('./commands/rollback.js');
      await rollbackCommand(context(), options);
    });

  program
    .command('resume')
    .description("lift a Stage's auto-promotion hold (after a rollback or a manual promotion)")
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--stage <name>', 'the Stage')
    .action(async (options: Record<string, unknown>) => {
      const { resumeCommand } = await import('./commands/resume.js');
      await resumeCommand(context(), options);
    });

  program
    .command('freeze')
    .description('stop every promotion of a project until unfreeze')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--reason <text>', 'why (shown to everyone whose promotion is refused)')
    .action(async (options: Record<string, unknown>) => {
      const { freezeCommand } = await import('./commands/freeze.js');
      await freezeCommand(context(), true, options);
    });

  program
    .command('unfreeze')
    .description('let promotions of a project run again')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .action(async (options: Record<string, unknown>) => {
      const { freezeCommand } = await import('./commands/freeze.js');
      await freezeCommand(context(), false, options);
    });

  program
    .command('refresh')
    .description('discover a Warehouse now: gantry refresh warehouse NAME')
    .argument('<kind>', 'warehouse')
    .argument('<name>', 'the Warehouse')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--no-wait', 'return at once instead of waiting for the discovery')
    .option('--timeout <seconds>', 'how long to wait for the discovery (default 120)')
    .action(async (kind: string, name: string, options: Record<string, unknown>) => {
      const { refreshCommand } = await import('./commands/refresh.js');
      await refreshCommand(context(), kind, name, options);
    });

  program
    .command('logs')
    .description("show a Promotion's step logs: gantry logs promotion NAME")
    .argument('<kind>', 'promotion')
    .argument('<name>', 'the Promotion')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('-f, --follow', 'keep printing while the Promotion runs')
    .action(async (kind: string, name: string, options: Record<string, unknown>) => {
      const { logsCommand } = await import('./commands/logs.js');
      await logsCommand(context(), kind, name, options);
    });

  program
    .command('expr')
    .description("evaluate an expression in a promotion's context, without promoting")
    .argument('<expression>', "e.g. 'imageFrom(vars.imageRepo).Tag' or 'v${{ 1 + 1 }}'")
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--stage <name>', "use this Stage's vars")
    .option('--freight <name>', "use this Freight's artifacts (name or alias)")
    .action(async (expression: string, options: Record<string, unknown>) => {
      const { exprCommand } = await import('./commands/expr.js');
      await exprCommand(context(), expression, options);
    });

  program
    .command('version')
    .description('print the client and server versions')
    .option('--client', 'only the client version')
    .action(async (options: { client?: boolean }) => {
      const { versionCommand } = await import('./commands/version.js');
      await versionCommand(context(), options);
    });

  program
    .command('wait')
    .description('wait until Freight is promoted or verified in a Stage: gantry wait stage NAME')
    .argument('<kind>', 'stage')
    .argument('<name>', 'the Stage')
    .option('--project <name>', 'the project (env GANTRY_PROJECT)')
    .option('-n, --namespace <name>', 'the project, as kubectl says it (same as --project)')
    .option('--freight <name>', 'the Freight, by name or alias')
    .option('--for <condition>', 'promoted, or verified (the default)')
    .option('--timeout <seconds>', 'how long to wait (default 300)')
    .action(async (kind: string, name: string, options: Record<string, unknown>) => {
      const { waitCommand } = await import('./commands/wait.js');
      await waitCommand(context(), kind, name, options);
    });

  const quickstart = program
    .command('quickstart')
    .description(
      'run the example project on this machine: demo GitOps repository, registry and health endpoint, until Ctrl-C',
    )
    .option(
      '--dir <dir>',
      'where it keeps its repository, images and state (env GANTRY_QUICKSTART_DIR; default DATA_DIR/quickstart)',
    )
    .option(
      '--git-port <port>',
      'the GitOps repository (env GANTRY_QUICKSTART_GIT_PORT; default 8418; 0 any)',
    )
    .option(
      '--registry-port <port>',
      'the demo registry (env GANTRY_QUICKSTART_REGISTRY_PORT; default 5000; 0 any)',
    )
    .option(
      '--health-port <port>',
      "dev's health endpoint (env GANTRY_QUICKSTART_HEALTH_PORT; default 3000; 0 any)",
    )
    .option('--registry <host:port>', 'use this registry instead of starting docker-registry')
    .action(async (options: Record<string, unknown>) => {
      const { quickstartCommand } = await import('./commands/quickstart.js');
      await quickstartCommand(context(), options);
    });
  quickstart
    .command('push')
    .description("publish an image tag to the quickstart's registry, without Docker")
    .argument('<tag>', 'the tag, such as 1.3.0')
    .option('--repository <name>', 'the image repository (default acme/frontend)')
    .action(async (tag: string, options: Record<string, unknown>) => {
      const { quickstartPushCommand } = await import('./commands/quickstart.js');
      await quickstartPushCommand(context(), tag, { ...quickstart.opts(), ...options });
    });
  quickstart
    .command('git')
    .description("run git in the quickstart's GitOps repository: gantry quickstart git log")
    .argument('[args...]', 'git arguments')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args: string[]) => {
      const { quickstartGitCommand } = await import('./commands/quickstart.js');
      quickstartGitCommand(context(), args, quickstart.opts());
    });
  quickstart
    .command('health')
    .description("what dev's demo health endpoint answers: ok, or degraded to fail verification")
    .argument('<status>', 'ok or degraded')
    .action(async (status: string) => {
      const { quickstartHealthCommand } = await import('./commands/quickstart.js');
      await quickstartHealthCommand(context(), status, quickstart.opts());
    });

  program.version(gantryVersion(), '-v, --version', 'print the client version');

  // `gantry __complete WORD…`: what the completion scripts ask (hidden; never fails loudly).
  if (argv[0] === '__complete') {
    const { completeWords } = await import('./completion/complete-words.js');
    for (const candidate of await completeWords(program, argv.slice(1), context)) io.out(candidate);
    return EXIT_OK;
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return EXIT_OK;
      return EXIT_USAGE;
    }
    const message = errorMessage(err);
    for (const line of message.split('\n'))
      io.err(line.startsWith('error: ') ? line : `error: ${line}`);
    if (isUsageError(err)) return EXIT_USAGE;
    if (!isGantryError(err) && err instanceof Error && err.stack && io.env.GANTRY_DEBUG)
      io.err(err.stack);
    return EXIT_FAILURE;
  }
}

/** Entry point for bin/gantry.js. */
export async function main(): Promise<void> {
  // `gantry get … | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
    throw err;
  });
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
  });
  process.exitCode = code;
}
