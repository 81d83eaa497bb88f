/**
 * The Go signatures Kargo declares for its expression functions (`expr.Function(name, fn,
 * types...)` in pkg/expressions), which expr-lang checks when an expression is compiled: a call
 * with the wrong number or type of arguments fails then, even in a branch that never runs, and a
 * field the returned struct lacks (`warehouse("a").name`) is an error too.
 */
export interface Signature {
  params: ReadonlyArray<'string' | 'any' | { struct: string }>;
  out:
    | { kind: 'string' | 'bool' | 'map' | 'unknown' }
    | { kind: 'struct'; type: string; fields: readonly string[] };
}

const ORIGIN = { struct: 'v1alpha1.FreightOrigin' } as const;
const struct = (type: string, fields: string[]) => ({ kind: 'struct', type, fields }) as const;
const IMAGE = struct('v1alpha1.Image', [
  'RepoURL',
  'Tag',
  'Digest',
  'Annotations',
  'SubscriptionName',
]);
const COMMIT = struct('v1alpha1.GitCommit', [
  'RepoURL',
  'ID',
  'Branch',
  'Tag',
  'Message',
  'Author',
  'Committer',
  'SubscriptionName',
]);
const CHART = struct('v1alpha1.Chart', ['RepoURL', 'Name', 'Version', 'SubscriptionName']);
const STRING_MAP = { kind: 'map' } as const;
const ANY_MAP = { kind: 'map' } as const;
const STRING = { kind: 'string' } as const;
const BOOL = { kind: 'bool' } as const;
const UNKNOWN = { kind: 'unknown' } as const;

export const FUNCTION_SIGNATURES: Readonly<Record<string, readonly Signature[]>> = {
  warehouse: [{ params: ['string'], out: struct(ORIGIN.struct, ['Kind', 'Name']) }],
  imageFrom: [
    { params: ['string', ORIGIN], out: IMAGE },
    { params: ['string'], out: IMAGE },
  ],
  commitFrom: [
    { params: ['string', ORIGIN], out: COMMIT },
    { params: ['string'], out: COMMIT },
  ],
  chartFrom: [
    { params: ['string', 'string', ORIGIN], out: CHART },
    { params: ['string', 'string'], out: CHART },
    { params: ['string', ORIGIN], out: CHART },
    { params: ['string'], out: CHART },
  ],
  artifactFrom: [
    { params: ['string', ORIGIN], out: UNKNOWN },
    { params: ['string'], out: UNKNOWN },
  ],
  freightMetadata: [{ params: ['string'], out: ANY_MAP }],
  freightStatus: [{ params: ['string'], out: ANY_MAP }],
  stageMetadata: [{ params: ['string'], out: ANY_MAP }],
  configMap: [{ params: ['string'], out: STRING_MAP }],
  sharedConfigMap: [{ params: ['string'], out: STRING_MAP }],
  secret: [{ params: ['string'], out: STRING_MAP }],
  sharedSecret: [{ params: ['string'], out: STRING_MAP }],
  semverDiff: [{ params: ['string', 'string'], out: STRING }],
  semverParse: [{ params: ['string'], out: UNKNOWN }],
  always: [{ params: [], out: BOOL }],
  failure: [{ params: [], out: BOOL }],
  success: [{ params: [], out: BOOL }],
  status: [{ params: ['string'], out: STRING }],
  quote: [{ params: ['any'], out: STRING }],
  unsafeQuote: [{ params: ['any'], out: STRING }],
  asYAML: [{ params: ['any'], out: STRING }],
  asJSON: [{ params: ['any'], out: STRING }],
};

const DECLARED = new WeakMap<object, ReadonlySet<string>>();

/** Which of Kargo's functions a set of functions provides (remembered per set). */
export function declaredFunctions(
  functions: Readonly<Record<string, unknown>>,
): ReadonlySet<string> {
  let declared = DECLARED.get(functions);
  if (!declared) {
    declared = new Set(
      Object.keys(FUNCTION_SIGNATURES).filter((name) => Object.hasOwn(functions, name)),
    );
    DECLARED.set(functions, declared);
  }
  return declared;
}
