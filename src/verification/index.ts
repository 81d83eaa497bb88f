export type {
  AnalysisPhase,
  AnalysisRunStatus,
  Measurement,
  MeasurementPhase,
  MetricResult,
} from './analysis-run-status.js';
export { isCompletedPhase } from './analysis-run-status.js';
export type { CommandRequest, CommandResult, CommandRunner } from './command-runner.js';
export { localCommandRunner } from './local-command-runner.js';
export type { NamedTemplate } from './merge-templates.js';
export type { SecretValue } from './resolve-args.js';
export { runAnalysis, type AnalysisInput } from './run-analysis.js';
