import { setMaxListeners } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { PromotionController } from './controllers/promotion-controller.js';
import { planPromotion } from './controllers/promotion-planner.js';
import { PromotionLogs } from './engine/promotion-logs.js';
import { RepositoryCache } from './git/repository-cache.js';
import { BUILTIN_STEPS } from './steps/index.js';
import { WarehouseController } from './controllers/warehouse-controller.js';
import { ProjectConfigController } from './controllers/project-config-controller.js';
import { StageReferencesController } from './controllers/stage-references-controller.js';
import { VerificationController } from './controllers/verification-controller.js';
import { StageHealthController } from './controllers/stage-health-controller.js';
import { argocdHealthChecker } from './integrations/argocd/argocd-health-checker.js';
import { connectArgoCd } from './integrations/argocd/connect-argocd.js';
import { createForgeConnector } from './forges/forge-connector.js';
import { createGitHubPushStep } from './steps/github-push.js';
import { AutoPromotionController } from './controllers/auto-promotion-controller.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import type { ProjectConfigSpec } from './api/project-config.js';
import { promotionGate } from './api/promotion-gates.js';
import { analysisVerification } from './controllers/analysis-verification.js';
import { localCommandRunner } from './verification/local-command-runner.js';
import { createGuardedHttp } from './outbound/guarded-http.js';
import { createOutboundPolicy } from './outbound/outbound-policy.js';
import { WebhookReceivers } from './integrations/webhooks/webhook-receivers.js';
import { lookUpCommit } from './sources/git/commit-lookup.js';
import { discoverCommits } from './sources/git/git-discovery.js';
import { SharedGitSource } from './sources/git/shared-git-source.js';
import { ChartSourceClient } from './sources/helm/chart-source-client.js';
import { ArtifactRegistryClient } from './sources/oci/artifact-registry-client.js';
import { ChartDiscovery } from './sources/helm/chart-discovery.js';
import { HttpGetter } from './sources/http-get.js';
import { ImageDiscovery } from './sources/oci/image-discovery.js';
import { RegistryClient } from './sources/oci/registry-client.js';
import type { ServerConfig } from './config.js';
import { errorMessage, inputError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { createCredentialResolver } from './resources/repository-credentials.js';
import { createUlidGenerator } from './ids/ulid.js';
import type { FreightSourceLookups } from './resources/freight-sources.js';
import { ResourceService } from './resources/resource-service.js';
import { FreightService } from './resources/freight-service.js';
import { StageActions } from './resources/stage-actions.js';
import { autoRollback } from './controllers/auto-rollback.js';
import { replicaId } from './replica-id.js';
import { createApp } from './server/app.js';
import { listen } from './server/http-server.js';
import { openPostgresStore } from './store/postgres/postgres-store.js';
import { redactUrl } from './api/redact-url.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import { deferringFlushes } from './store/deferred-flush.js';
import { openEncryptingStore, secretsKey } from './store/encrypting-store.js';
import { loadSecretsKey } from './secrets-key.js';
import { existsSync, readFileSync } from 'node:fs';
import { ApiTokens } from './auth/api-tokens.js';
import { loadAuthConfig } from './auth/auth-config.js';
import { Authenticator } from './auth/authenticator.js';
import { Authorizer, storeRoleSource } from './auth/authorizer.js';
import { ensureInitialAdmin, INITIAL_ADMIN_TOKEN_FILE } from './auth/initial-admin.js';
import { Sessions } from './auth/sessions.js';
import { connectOidc } from './auth/oidc/connect-oidc.js';
import { AuditLog } from './audit/audit-log.js';
import { linkSignals } from './abort-signals.js';
import { MeteredStore } from './metrics/metered-store.js';
import { PrometheusMetrics } from './metrics/prometheus-metrics.js';

/** dist/ui of this package, whether this module runs from src/ (tsx) or dist/ (built). */
const UI_DIR = join(dirname(dirname(fileURLToPath(import.meta.url))), 'dist', 'ui');

/**
 * The composition root: configuration → store → services → HTTP server. The only module that
 * picks concrete implementations.
 */
export interface RunningGantry {
  url: string;
  store: Store;
  /** Counters for benchmarks and diagnostics. */
  stats(): {
    registryRequests: number;
    /** Git processes Warehouse discovery ran: ls-remotes, fetches and history walks. */
    gitDiscovery: { lsRemotes: number; fetches: number; gitLogs: number };
  };
  /**
   * The initial admin API token, when this server's data dir holds it (written on first start
   * of an empty store): what the local CLI and tests sign in with.
   */
  adminToken: string | undefined;
  /** Graceful stop: ends watches, lets in-flight requests finish, closes the store. */
  stop(): Promise<void>;
}

/** What only an embedding program (a test) chooses; a server started from the CLI has none. */
export interface StartOptions {
  /**
   * The clock verification's AnalysisRuns keep time by: metric intervals and initial delays,
   * and the run's timestamps. The wall clock unless given; a test passes a faster one to run a
   * template's own intervals (kargo-advanced's five measurements 5s apart) in less time.
   */
  analysisClock?: {
    now: () => Date;
    sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  };
}

export async function startGantry(
  config: ServerConfig,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningGantry> {
  const metrics = new PrometheusMetrics({
    onSampleError: (err) =>
      logger.warn('could not sample Stages for /metrics', { error: errorMessage(err) }),
  });
  const store = new MeteredStore(await openStore(config, logger), metrics);
  metrics.sampleFrom({ store, leases: () => store.heldLeases() });
  const shutdown = new AbortController();
  // Every open watch listens for shutdown; there may be many.
  setMaxListeners(0, shutdown.signal);
  try {
    const authConfig = loadAuthConfig(config.security.authConfigPath);
    const audit = new AuditLog({ store });
    const tokens = new ApiTokens({ store });
    const sessions = new Sessions({ store, ttlMs: authConfig.sessionTtlMs });
    const authorizer = new Authorizer({
      roles: storeRoleSource(store),
      systemBindings: authConfig.systemBindings,
    });
    // Discovery runs in the background: start-up never waits for the provider.
    const oidc = authConfig.oidc
      ? connectOidc(authConfig.oidc, { logger, signal: shutdown.signal })
      : undefined;
    const authenticator = new Authenticator({ tokens, sessions, oidc: oidc?.verifier });
    await ensureInitialAdmin({
      store,
      tokens,
      dataDir: config.dataDir,
      logger,
      ssoAdmins: authConfig.systemBindings.some((binding) => binding.role === 'kargo-admin'),
    });
    const adminTokenFile = join(config.dataDir, INITIAL_ADMIN_TOKEN_FILE);
    const adminToken = existsSync(adminTokenFile)
      ? readFileSync(adminTokenFile, 'utf8').trim() || undefined
      : undefined;
    const credentials = createCredentialResolver(store);
    const http = new HttpGetter();
    const registry = new RegistryClient({
      http,
      maxConcurrentPerRegistry: config.registryConcurrency,
    });
    const images = new ImageDiscovery(registry);
    const charts = new ChartDiscovery(http, registry);
    const repositories = new RepositoryCache(config.dataDir, {
      allowLocalRepositories: config.security.allowLocalRepositories,
    });
    // Hand-made Freight is checked with the clients and credentials discovery uses.
    const freightLookups: FreightSourceLookups = {
      image: (project, sub, reference) =>
        images.lookUp(sub, reference, {
          credentialsFor: (kind, url) => credentials(project, url, kind),
          signal: shutdown.signal,
        }),
      chartVersions: async (project, sub) =>
        (
          await charts.discover({ ...sub, discoveryLimit: Number.MAX_SAFE_INTEGER }, undefined, {
            project,
            credentialsFor: (kind, url) => credentials(project, url, kind),
            signal: shutdown.signal,
            revalidate: true,
            now: () => new Date(),
          })
        ).versions ?? [],
      commit: async (project, sub, id) => {
        // A repository that does not answer must not hold the request for long. Linked, not
        // AbortSignal.any over the server's lifetime signal, once per request (abort-signals.ts).
        const link = linkSignals([shutdown.signal], { timeoutMs: 30_000 });
        try {
          return await lookUpCommit(repositories, sub.repoURL, id, {
            credentials: await credentials(project, sub.repoURL, 'git'),
            signal: link.signal,
            insecure: sub.insecureSkipTLSVerify,
          });
        } finally {
          link.dispose();
        }
      },
    };
    // One generator for both services: the ULIDs in Promotion names keep increasing.
    const ulid = createUlidGenerator();
    const service = new ResourceService({ store, audit, freightLookups, ulid });
    // Controllers write without waiting for the disk: what a power loss undoes of theirs they
    // make again from what the store holds; a client's write waits for it (deferred-flush.ts).
    const controllerStore = deferringFlushes(store);
    const controllerService = new ResourceService({
      store: controllerStore,
      audit,
      freightLookups,
      ulid,
    });
    const logs = new PromotionLogs(config.dataDir);
    // Before anything runs: logs an earlier version kept as files move in now, not in the
    // middle of a Promotion's first line.
    logs.open();
    const argocd = connectArgoCd(config.argocd);
    const healthCheckers = [argocdHealthChecker((instance) => argocd.get(instance))];
    // What manifests may call (http step, web and prometheus metrics): the operator's policy.
    const outbound = createGuardedHttp(createOutboundPolicy(config.security.outbound));
    const runner = {
      argocd,
      forges: createForgeConnector({ hosts: config.forgeHosts }),
      http: outbound,
      knownSecrets: config.argocd.flatMap((instance) =>
        instance.kind === 'api' ? [instance.token] : [],
      ),
      steps: new Map(
        BUILTIN_STEPS.map((step) => [
          step.kind,
          // The operator's choice for every github-push (Kargo: the controller's environment).
          step.kind === 'github-push'
            ? createGitHubPushStep({ verifyUntrustedCommits: config.githubPushVerifyCommits })
            : step,
        ]),
      ),
      repositories,
      credentialsFor: (project: string, url: string, kind: 'git' | 'helm' | 'image' = 'git') =>
        credentials(project, url, kind),
      charts: new ChartSourceClient(http, registry),
      artifacts: new ArtifactRegistryClient(registry),
      workRoot: join(config.dataDir, 'work'),
      now: () => new Date(),
      sleep: (ms: number, signal: AbortSignal) =>
        sleep(ms, undefined, { signal }).catch(() => undefined),
    };
    const replica = replicaId(config.dataDir);
    // Every git subscription of every Warehouse shares ls-remote, fetch and history walk.
    const gitSource = new SharedGitSource(repositories);
    const warehouses = new WarehouseController({
      store: controllerStore,
      service: controllerService,
      logger,
      replicaId: replica,
      leaseTtlMs: config.leaseDurationMs,
      metrics,
      minIntervalMs: config.minWarehouseIntervalMs,
      credentials: (project, url, kind) => credentials(project, url, kind),
      discoverers: {
        image: (sub, previous, context) => images.discover(sub, previous, context),
        git: (sub, previous, context) => discoverCommits(sub, previous, context, gitSource),
        chart: (sub, previous, context) => charts.discover(sub, previous, context),
      },
    });
    /** The server's own URL once it listens (the external URL when one is configured). */
    let listening = '';
    const promotions = new PromotionController({
      store: controllerStore,
      logs,
      logger,
      runner,
      replicaId: replica,
      leaseTtlMs: config.leaseDurationMs,
      metrics,
      uiBaseUrl: () => config.externalUrl ?? listening,
    });
    const freightService = new FreightService({ store });
    const stageActions = new StageActions({ store, service, freight: freightService });
    const verifications = new VerificationController({
      onFailed: (project, stage, info) =>
        autoRollback({ store, stageActions, logger }, project, stage, info),
      store: controllerStore,
      logger,
      replicaId: replica,
      leaseTtlMs: config.leaseDurationMs,
      runVerification: analysisVerification({
        store: controllerStore,
        now: options.analysisClock?.now ?? runner.now,
        sleep: options.analysisClock?.sleep ?? runner.sleep,
        // Job metrics run programs on this host: only when the operator allows it.
        runCommand: config.security.allowLocalPrograms ? localCommandRunner : undefined,
        http: outbound,
      }),
      healthCheckers,
      healthPollMs: Math.min(5_000, config.healthIntervalMs),
    });
    const stageHealth = new StageHealthController({
      store: controllerStore,
      logger,
      replicaId: replica,
      healthCheckers,
      intervalMs: config.healthIntervalMs,
    });
    const autoPromotions = new AutoPromotionController({
      store: controllerStore,
      service: controllerService,
      logger,
      replicaId: replica,
      promotionsAllowed: async (project, stage) => {
        const gate = promotionGate(
          await store.get({ kind: 'Project', namespace: '', name: project }),
          (await store.get({ kind: 'ProjectConfig', namespace: project, name: project })) as
            { spec?: ProjectConfigSpec } | undefined,
          { name: stage.metadata.name, labels: stage.metadata.labels },
          new Date(),
        );
        return gate.open ? { allowed: true } : { allowed: false, reason: gate.reason };
      },
    });
    const collector = new GarbageCollector({
      store: controllerStore,
      logger,
      replicaId: replica,
      keepFreight: config.keepFreight,
      keepPromotions: config.keepPromotions,
      onPromotionDeleted: (project, name) => logs.remove(project, name),
      collectors: [
        { name: 'expired sessions', collect: () => sessions.prune() },
        { name: 'audit events', collect: () => audit.prune(config.keepAuditEvents) },
      ],
    });
    const webhooks = new WebhookReceivers({ store });
    const projectConfigs = new ProjectConfigController({
      store: controllerStore,
      logger,
      externalUrl: () => config.externalUrl ?? listening,
    });
    const stageReferences = new StageReferencesController({ store: controllerStore, logger });
    const app = createApp({
      webhooks,
      freight: freightService,
      stageActions,
      service,
      store,
      logger,
      logs,
      planner: (promotion, signal) =>
        planPromotion(promotion, { store, runner, dataDir: config.dataDir, signal }),
      shutdown: shutdown.signal,
      storeKind: config.store.kind,
      uiDir: UI_DIR,
      externalUrl: config.externalUrl,
      maxBodyBytes: config.security.maxBodyBytes,
      metrics,
      exposition: metrics,
      metricsPublic: config.security.metricsPublic,
      auth: {
        authenticator,
        authorizer,
        tokens,
        sessions,
        audit,
        sso: oidc?.signOn,
        requestGuard: {
          allowedHosts: [
            ...config.security.allowedHosts,
            ...(config.externalUrl ? [new URL(config.externalUrl).hostname] : []),
            ...(config.host === '0.0.0.0' || config.host === '::' ? [] : [config.host]),
          ],
          allowedOrigins: config.security.allowedOrigins,
        },
      },
    });
    const server = await listen(app, {
      host: config.host,
      port: config.port,
      tls: config.tls && {
        cert: readTlsFile(config.tls.certFile, '--tls-cert-file'),
        key: readTlsFile(config.tls.keyFile, '--tls-private-key-file'),
      },
    });
    listening = server.url;
    await promotions.start();
    await warehouses.start();
    await projectConfigs.start();
    await stageReferences.start();
    await verifications.start();
    await stageHealth.start();
    await autoPromotions.start();
    collector.start();
    logger.info('gantry is serving', {
      url: server.url,
      argocd: argocd.names.join(',') || 'none',
      store: config.store.kind === 'sqlite' ? config.store.path : redactUrl(config.store.url),
    });
    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      store,
      stats: () => ({ registryRequests: registry.requests, gitDiscovery: gitSource.counts }),
      adminToken,
      stop: () => {
        // Bounded whatever is in flight (a discovery retrying a registry, a step ignoring
        // its signal): the controllers get STOP_CONTROLLERS_MS to hand their work back while
        // the HTTP server stops taking requests and drains, then the store closes. Work that
        // has not stopped by then cannot write any more: its writes are fenced by leases
        // already released.
        stopping ??= (async () => {
          shutdown.abort();
          const controllers = Promise.all([
            promotions.stop(),
            warehouses.stop(),
            projectConfigs.stop(),
            stageReferences.stop(),
            verifications.stop(),
            stageHealth.stop(),
            autoPromotions.stop(),
            collector.stop(),
          ]);
          let timer: NodeJS.Timeout | undefined;
          const stopped = await Promise.race([
            Promise.all([controllers, server.close(DRAIN_REQUESTS_MS)]).then(() => true),
            new Promise<boolean>((resolve) => {
              timer = setTimeout(() => resolve(false), STOP_CONTROLLERS_MS);
            }),
          ]);
          clearTimeout(timer);
          if (!stopped) logger.warn('some work did not stop in time; stopping anyway');
          http.close();
          argocd.close();
          logs.close();
          await store.close();
          logger.info('gantry stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

async function openStore(config: ServerConfig, logger: Logger): Promise<Store> {
  const onError = (err: unknown) => logger.error('store error', { error: errorMessage(err) });
  const backend =
    config.store.kind === 'sqlite'
      ? openSqliteStore({ path: config.store.path, onError })
      : await openPostgresStore({ url: config.store.url, onError });
  try {
    const { key, source } = loadSecretsKey(config.security, logger);
    return await openEncryptingStore(backend, secretsKey(key), { keySource: source });
  } catch (err) {
    await backend.close();
    throw err;
  }
}

/** How long controllers may take to hand their work back at shutdown. */
const STOP_CONTROLLERS_MS = 7_000;
/** How long open requests may take to finish at shutdown before their connections are closed. */
const DRAIN_REQUESTS_MS = 3_000;

/** Runs the server until SIGTERM or SIGINT, then shuts down gracefully (a second signal forces). */
export async function runServer(config: ServerConfig): Promise<void> {
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  // A failed promise nobody awaited is a bug, but it must not stop every other request and
  // the controllers (Node's default is to exit): log it and keep serving.
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection (a bug; still serving)', {
      error: errorMessage(reason),
    });
  });
  const gantry = await startGantry(config, logger);
  await new Promise<void>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        logger.warn('second signal: exiting now', { signal });
        process.exit(1);
      }
      signalled = true;
      logger.info('shutting down', { signal });
      gantry.stop().then(
        () => {
          // Stopped: anything still holding the event loop open (a socket of a request the
          // shutdown cut short) must not keep the process up.
          setTimeout(() => process.exit(0), 1_000).unref();
          resolve();
        },
        (err: unknown) => {
          logger.error('shutdown failed', { error: errorMessage(err) });
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** A PEM file the server's HTTPS needs, or an error naming the flag. */
function readTlsFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw inputError(`${flag}: cannot read ${path}: ${(err as Error).message}`);
  }
}
