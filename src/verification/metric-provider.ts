import type { OutboundHttp } from '../outbound/outbound-http.js';
import type { CommandRunner } from './command-runner.js';

/**
 * What a provider's measurement needs from the run: cancellation, time, process spawning and
 * outbound HTTP (under the operator's outbound policy).
 */
export interface MeasureContext {
  /** Aborts when the run is aborted or stops early; a measurement in flight must end. */
  signal: AbortSignal;
  now: () => Date;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  runCommand: CommandRunner;
  http: OutboundHttp;
}

/**
 * What one measurement produced, as data:
 * - `result`: the provider's value; the metric's conditions decide the phase;
 * - `failed`: the provider itself decided the measurement failed (a job exiting non-zero);
 * - `error`: nothing could be measured (network error, non-2xx, provider error), which counts
 *   toward consecutiveErrorLimit.
 */
export type ProviderOutcome =
  | { type: 'result'; result: unknown; logs?: string }
  | { type: 'failed'; message: string; logs?: string }
  | {
      type: 'error';
      message: string;
      logs?: string;
      /** Retrying cannot help (the outbound policy refuses the destination): the metric ends in Error. */
      terminal?: boolean;
    };

export type Measure = (context: MeasureContext) => Promise<ProviderOutcome>;

/**
 * A metric provider Gantry runs itself. `prepare` checks the (argument-substituted) config
 * once, before the run starts, and throws an input error for a config that can never work;
 * the returned function takes one measurement.
 */
export interface MetricProvider<Config> {
  readonly name: string;
  prepare(config: Config, metric: string): Measure;
}
