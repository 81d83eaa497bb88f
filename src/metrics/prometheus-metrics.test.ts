import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../api/resource.js';
import { unavailableError } from '../errors.js';
import type { ListResult, Store } from '../store/store.js';
import { PrometheusMetrics } from './prometheus-metrics.js';
import { elapsedSeconds, leaseKind } from './metrics.js';

const steps = { promotionTemplate: { spec: { steps: [{ uses: 'compose-output' }] } } };
const stage = (project: string, name: string, status: unknown, spec: unknown = steps) =>
  ({
    kind: 'Stage',
    metadata: { name, namespace: project },
    spec,
    status,
  }) as unknown as StoredResource;
const promotion = (project: string, name: string, phase?: string) =>
  ({
    kind: 'Promotion',
    metadata: { name, namespace: project },
    spec: { stage: 'dev' },
    status: phase ? { phase } : undefined,
  }) as unknown as StoredResource;

/** A store double answering fixed lists, counting how often it is asked. */
function listing(objects: Record<string, StoredResource[]>) {
  const calls = { count: 0 };
  let failure: Error | undefined;
  const store: Pick<Store, 'list'> = {
    list: (kind) => {
      calls.count++;
      if (failure) return Promise.reject(failure);
      return Promise.resolve({ items: objects[kind] ?? [], resourceVersion: '1' } as ListResult);
    },
  };
  return { store, calls, fail: (err: Error | undefined) => (failure = err) };
}

/** The exposition's sample lines for one metric name (`name{labels} value`). */
async function samples(metrics: PrometheusMetrics, name: string): Promise<string[]> {
  const text = await metrics.exposition();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('PrometheusMetrics', () => {
  it('answers the Prometheus text format, with process metrics, on its own registry', async () => {
    const metrics = new PrometheusMetrics();
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.exposition();
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(text).toContain('# TYPE kargo_promotions_created_total counter');
    // Two adapters keep apart: the global registry is not used.
    metrics.promotionCreated('demo', 'dev');
    expect(
      await samples(
        new PrometheusMetrics({ defaultMetrics: false }),
        'kargo_promotions_created_total',
      ),
    ).toEqual([]);
  });

  it("records Promotions and steps under Kargo's names and labels", async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    metrics.promotionCreated('demo', 'dev');
    metrics.promotionCreated('demo', 'prod');
    metrics.promotionFinished('demo', 'dev', 'Succeeded', 2.5);
    metrics.promotionFinished('demo', 'prod', 'Errored', 40);
    metrics.promotionFinished('demo', 'qa', 'Errored', undefined);
    metrics.promotionRetryableError('demo');
    metrics.stepFinished('demo', 'git-clone', 'Succeeded', 0.3);
    metrics.stepFinished('demo', 'git-push', 'Errored', 12);
    expect(await samples(metrics, 'kargo_promotions_created_total')).toEqual([
      'kargo_promotions_created_total{project="demo"} 2',
    ]);
    expect(await samples(metrics, 'kargo_promotions_errored_terminal_total')).toEqual([
      'kargo_promotions_errored_terminal_total{project="demo"} 2',
    ]);
    expect(await samples(metrics, 'kargo_promotions_errored_retryable_total')).toEqual([
      'kargo_promotions_errored_retryable_total{project="demo"} 1',
    ]);
    // Only Promotions that ran are timed (Kargo): the one Errored without running is not.
    const durations = await samples(metrics, 'kargo_promotion_duration_seconds_count');
    expect(durations).toEqual([
      'kargo_promotion_duration_seconds_count{project="demo",terminalPhase="Succeeded"} 1',
      'kargo_promotion_duration_seconds_count{project="demo",terminalPhase="Errored"} 1',
    ]);
    expect(await samples(metrics, 'kargo_promotion_duration_seconds_bucket')).toContain(
      'kargo_promotion_duration_seconds_bucket{le="5",project="demo",terminalPhase="Succeeded"} 1',
    );
    expect(await samples(metrics, 'kargo_promotion_step_duration_seconds_sum')).toEqual([
      'kargo_promotion_step_duration_seconds_sum{project="demo",stepKind="git-clone",terminalStatus="Succeeded"} 0.3',
      'kargo_promotion_step_duration_seconds_sum{project="demo",stepKind="git-push",terminalStatus="Errored"} 12',
    ]);
  });

  it('records discovery, the store, leases, HTTP and watches under gantry_ names', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    metrics.discoveryRun({
      project: 'demo',
      warehouse: 'w',
      seconds: 0.2,
      failedSubscriptions: 0,
      freightCreated: true,
    });
    metrics.discoveryRun({
      project: 'demo',
      warehouse: 'w',
      seconds: 1.2,
      failedSubscriptions: 2,
      freightCreated: false,
    });
    metrics.storeOperation('write', 'ok', 0.002);
    metrics.storeOperation('get', 'unavailable', 2);
    metrics.leaseLost('promotions');
    metrics.leaseTakenOver('warehouses');
    metrics.httpRequest('GET', '/v1/projects/:project/stages/:name', 200, 0.01);
    metrics.watchOpened();
    metrics.watchOpened();
    metrics.watchClosed();
    const text = await metrics.exposition();
    for (const line of [
      'gantry_discovery_runs_total{project="demo",warehouse="w",outcome="succeeded"} 1',
      'gantry_discovery_runs_total{project="demo",warehouse="w",outcome="failed"} 1',
      'gantry_discovery_errors_total{project="demo",warehouse="w"} 2',
      'gantry_discovery_duration_seconds_count{project="demo"} 2',
      'gantry_freight_created_total{project="demo",warehouse="w"} 1',
      'gantry_store_operation_duration_seconds_count{op="write",outcome="ok"} 1',
      'gantry_store_operation_duration_seconds_count{op="get",outcome="unavailable"} 1',
      'gantry_store_unavailable_errors_total{op="get"} 1',
      'gantry_leases_lost_total{kind="promotions"} 1',
      'gantry_leases_taken_over_total{kind="warehouses"} 1',
      'gantry_http_requests_total{method="GET",route="/v1/projects/:project/stages/:name",code="200"} 1',
      'gantry_http_request_duration_seconds_count{method="GET",route="/v1/projects/:project/stages/:name"} 1',
      'gantry_watches_open 1',
      '# TYPE gantry_leases_held gauge',
    ])
      expect(text).toContain(line);
  });

  it('samples Stages by Ready reason and unfinished Promotions at scrape time, at most once per interval', async () => {
    let now = 0;
    const { store, calls, fail } = listing({
      Stage: [
        stage('demo', 'dev', {
          conditions: [{ type: 'Ready', status: 'True', reason: 'Verified' }],
        }),
        stage('demo', 'qa', {
          conditions: [{ type: 'Ready', status: 'True', reason: 'Verified' }],
        }),
        stage('demo', 'prod', { currentPromotion: { name: 'p1' } }),
        stage('demo', 'new', undefined),
        stage('other', 'dev', undefined),
        // A control-flow Stage (no steps) is left out, as Kargo does.
        stage('demo', 'gate', undefined, {}),
      ],
      Promotion: [
        promotion('demo', 'p1', 'Running'),
        promotion('demo', 'p2'),
        promotion('demo', 'p3', 'Pending'),
        promotion('demo', 'p0', 'Succeeded'),
        promotion('other', 'p9', 'Failed'),
      ],
    });
    const errors: unknown[] = [];
    const metrics = new PrometheusMetrics({
      defaultMetrics: false,
      sampleIntervalMs: 10_000,
      now: () => now,
      onSampleError: (err) => errors.push(err),
    });
    expect(await samples(metrics, 'kargo_stages_by_ready_reason')).toEqual([]);
    metrics.sampleFrom({ store, leases: () => new Map([['promotions', 3]]) });
    expect(await samples(metrics, 'kargo_stages_by_ready_reason')).toEqual([
      'kargo_stages_by_ready_reason{project="demo",reason="Verified"} 2',
      'kargo_stages_by_ready_reason{project="demo",reason="Promoting"} 1',
      'kargo_stages_by_ready_reason{project="demo",reason="NoFreight"} 1',
      'kargo_stages_by_ready_reason{project="other",reason="NoFreight"} 1',
    ]);
    expect(await samples(metrics, 'kargo_promotions_non_terminal')).toEqual([
      'kargo_promotions_non_terminal{project="demo"} 3',
    ]);
    expect(await samples(metrics, 'gantry_leases_held')).toEqual([
      'gantry_leases_held{kind="promotions"} 3',
    ]);
    // Scrapes within the interval answer the same sample without asking the store again.
    const asked = calls.count;
    now = 5_000;
    await metrics.exposition();
    expect(calls.count).toBe(asked);
    // A failed sample is reported and the last one kept.
    now = 20_000;
    fail(unavailableError('the store is down'));
    expect(await samples(metrics, 'kargo_promotions_non_terminal')).toEqual([
      'kargo_promotions_non_terminal{project="demo"} 3',
    ]);
    expect(errors.length).toBeGreaterThan(0);
    expect(calls.count).toBeGreaterThan(asked);
  });

  it('gives up a sample that takes too long', async () => {
    const errors: unknown[] = [];
    const metrics = new PrometheusMetrics({
      defaultMetrics: false,
      sampleTimeoutMs: 20,
      onSampleError: (err) => errors.push(err),
    });
    metrics.sampleFrom({ store: { list: () => new Promise<ListResult>(() => undefined) } });
    expect(await samples(metrics, 'kargo_stages_by_ready_reason')).toEqual([]);
    expect(String(errors[0])).toContain('took over 20 ms');
  });
});

describe('elapsedSeconds', () => {
  it.each([
    // [startedAt, local start, now, seconds]
    ['no timestamp: the local measure', undefined, 1_000, 1_250, 0.25],
    ['timestamp within its precision: the local measure', '1970-01-01T00:00:00Z', 500, 1_250, 0.75],
    ['started before a restart: the timestamp', '1970-01-01T00:00:00Z', 9_000, 10_000, 10],
    ['a timestamp that is not one: the local measure', 'soon', 0, 2_000, 2],
  ] as const)('%s', (_, startedAt, local, now, seconds) => {
    expect(elapsedSeconds(startedAt, local, now)).toBe(seconds);
  });
});

describe('leaseKind', () => {
  it.each([
    ['promotions/demo/dev', 'promotions'],
    ['gc/_server', 'gc'],
    ['stage-health', 'stage-health'],
  ])('%s → %s', (name, kind) => expect(leaseKind(name)).toBe(kind));
});
