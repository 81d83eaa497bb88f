import type { FreightReference } from '../../api/common.js';
import type { Resource } from '../../api/resource.js';
import type { StepRecord } from '../promotion-functions.js';

/**
 * One row of Kargo's expression-function tests (pkg/expressions/function/functions_test.go,
 * and pkg/controller/freight/finder_test.go, whose finders imageFrom() & co. call): a function
 * called with arguments in a context of fake objects, and what Kargo asserts.
 * Inputs and expected results are facts about Kargo; the shapes are Gantry's.
 */
export interface KargoFunctionCase {
  /** `<upstream file> <TestName> <row name>`. */
  upstream: string;
  /**
   * Which set of functions the upstream test exercises: `promotion` (promotionFunctions: the
   * Freight, project data and step functions), `discovered` (the Warehouse's
   * freightCreationCriteria functions) or `standard` (context-free: warehouse, semver*).
   */
  functions: 'promotion' | 'discovered' | 'standard';
  /** The function's name in expressions. */
  call: string;
  /** The arguments, as expressions evaluate them (a FreightOrigin is `freightOrigin(…)`). */
  args: unknown[];
  /** Objects in the store, in Gantry's shapes (Freight, Stage, Secret, ConfigMap, Warehouse). */
  objects?: Resource[];
  /** The Freight the promotion sees (Kargo's freightRefs). */
  freight?: FreightReference[];
  /**
   * The origins the Stage requests (Kargo's freightReqs; none when absent): imageFrom() & co.
   * without warehouse() pick the one whose Warehouse (in `objects`) subscribes to the artifact.
   */
  freightRequests?: Array<{ kind: string; name: string }>;
  /** The project (Kargo: the Stage's namespace); `fake-project` when absent. */
  project?: string;
  /** Steps run so far and the alias of the step being evaluated (status(), success()). */
  steps?: StepRecord[];
  currentAlias?: string;
  /** A Warehouse's `status.discoveredArtifacts` (the `discovered` functions). */
  discovered?: Record<string, unknown>;
  /** Project data is read without secrets (Kargo: a context without a credentials database). */
  withoutSecrets?: boolean;
  /** The exact expected result (go-values markers for floats). */
  want?: unknown;
  /** A struct result: its Go type and the fields upstream asserts. */
  wantStruct?: { type: string; fields: Record<string, unknown> };
  /** The result's Go type, when upstream asserts only that (`*semver.Version`). */
  wantType?: string;
  /** Upstream's asserted error text (ErrorContains). */
  error?: string;
  /** Why the row is not run. */
  skip?: string;
}
