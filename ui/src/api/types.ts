/**
 * The shapes the UI reads from the REST API: Kargo's kinds as Gantry serves them. Loose on
 * purpose (every field optional): the server validated them; the UI shows what is there.
 */
export interface Metadata {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Resource {
  apiVersion?: string;
  kind: string;
  metadata: Metadata;
  spec?: object;
  status?: object & { conditions?: Condition[] };
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface FreightOrigin {
  kind: string;
  name: string;
}

export interface Image {
  repoURL?: string;
  tag?: string;
  digest?: string;
}

export interface Commit {
  repoURL?: string;
  id?: string;
  branch?: string;
  tag?: string;
  message?: string;
  author?: string;
}

export interface Chart {
  repoURL?: string;
  name?: string;
  version?: string;
}

export interface Freight extends Resource {
  alias?: string;
  discoveredAt?: string;
  origin?: FreightOrigin;
  images?: Image[];
  commits?: Commit[];
  charts?: Chart[];
  status?: {
    verifiedIn?: Record<string, { verifiedAt?: string; longestSoak?: string }>;
    approvedFor?: Record<string, { approvedAt?: string }>;
    currentlyIn?: Record<string, { since?: string }>;
  };
}

export interface FreightReference {
  name?: string;
  origin?: FreightOrigin;
  images?: Image[];
  commits?: Commit[];
  charts?: Chart[];
}

export interface VerificationInfo {
  id?: string;
  /** Who asked for it again (`Verify`); none for the one that follows a promotion. */
  actor?: string;
  phase?: string;
  message?: string;
  startTime?: string;
  finishTime?: string;
}

export interface StageStatus {
  freightHistory?: Array<{
    id?: string;
    items?: Record<string, FreightReference>;
    verificationHistory?: VerificationInfo[];
  }>;
  health?: { status?: string; issues?: string[]; output?: unknown };
  currentPromotion?: { name: string; freight?: FreightReference };
  lastPromotion?: {
    name: string;
    freight?: FreightReference;
    finishedAt?: string;
    status?: { phase?: string; message?: string };
  };
  autoPromotionEnabled?: boolean;
  autoPromotionHolds?: Record<string, { freight?: string; reason?: string }>;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

export interface RequestedFreight {
  origin: FreightOrigin;
  sources?: { direct?: boolean; stages?: string[]; requiredSoakTime?: string };
}

export interface Stage extends Resource {
  spec?: {
    requestedFreight?: RequestedFreight[];
    promotionTemplate?: { spec?: { steps?: unknown[] } };
    verification?: unknown;
  };
  status?: StageStatus;
}

export interface StepExecution {
  alias?: string;
  status?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  errorCount?: number;
}

export interface Promotion extends Resource {
  spec?: { stage?: string; freight?: string; steps?: Array<{ uses?: string; as?: string }> };
  status?: {
    phase?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    currentStep?: number;
    stepExecutionMetadata?: StepExecution[];
    state?: Record<string, unknown>;
    freight?: FreightReference;
  };
}

export interface List<T> {
  metadata: { resourceVersion: string; continue?: string };
  items: T[];
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Resource & { code?: string; message?: string };
}

export interface Availability {
  freight: Freight;
  available: boolean;
  reason?: string;
}

export interface PlanStep {
  alias?: string;
  uses?: string;
  status?: string;
  message?: string;
  output?: Record<string, unknown>;
}

export interface PromotionPlan {
  phase: string;
  message?: string;
  steps: PlanStep[];
}

export interface LogEntry {
  time?: string;
  step?: string;
  line: string;
}

/** How people sign in here (`GET /v1/auth/config`). */
export interface AuthConfig {
  /** True when single sign-on (OIDC) is configured: the sign-in page offers it. */
  sso: boolean;
  tokens: boolean;
}

/** Who the caller is (`GET /v1/auth/whoami`, and the answer to signing in). */
export interface Identity {
  kind: 'token' | 'user' | 'system';
  /** `token:frontend/ci`, `email:ana@example.com`: what the audit trail and 403s name. */
  actor: string;
  name?: string;
  email?: string;
  /** A token's project; none for a system token. */
  project?: string;
  /** A token's role: `kargo-viewer`, `kargo-promoter`, `kargo-admin`, or a project Role. */
  role?: string;
  groups?: string[];
}

/** What the caller may do in one project: resource (plural) → verb → allowed. */
export interface Permissions {
  project: string;
  actor: string;
  resources: Record<string, Record<string, boolean> | undefined>;
}

/** One entry of the audit trail, newest first. */
export interface AuditEvent {
  id: string;
  time: string;
  actor: string;
  action: string;
  kind: string;
  project: string;
  name: string;
  message?: string;
}
