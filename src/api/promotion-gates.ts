import type { ProjectConfigSpec } from './project-config.js';
import { windowStatus } from './promotion-windows.js';
import type { StoredResource } from './resource.js';

/** On a Project: `{"reason", "actor", "since"}` while every promotion of the project is frozen. */
export const FREEZE_ANNOTATION = 'gantry.io/freeze';
/** On a Promotion: why it may run despite a freeze or a closed promotion window. */
export const OVERRIDE_ANNOTATION = 'gantry.io/override';

export interface Freeze {
  reason: string;
  actor?: string | undefined;
  since?: string | undefined;
}

/** The project's freeze, if it is frozen. */
export function projectFreeze(project: StoredResource | undefined): Freeze | undefined {
  const text = project?.metadata.annotations?.[FREEZE_ANNOTATION];
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<Freeze>;
    return { reason: String(parsed.reason ?? ''), actor: parsed.actor, since: parsed.since };
  } catch {
    return { reason: text };
  }
}

/**
 * Whether Promotions to `stage` may start now: not while the project is frozen, nor while
 * the Stage's promotion windows are closed. The reason is one line for errors and statuses.
 */
export function promotionGate(
  project: StoredResource | undefined,
  config: { spec?: ProjectConfigSpec | undefined } | undefined,
  stage: { name: string; labels?: Record<string, string> | undefined },
  now: Date,
): { open: true } | { open: false; reason: string } {
  const freeze = projectFreeze(project);
  if (freeze)
    return {
      open: false,
      reason: `project ${project?.metadata.name ?? ''} is frozen${freeze.since ? ` since ${freeze.since}` : ''}${freeze.actor ? ` by ${freeze.actor}` : ''}: ${freeze.reason}`,
    };
  const windows = windowStatus(config?.spec?.promotionWindows ?? [], stage, now);
  if (!windows.open)
    return { open: false, reason: `Stage ${stage.name} is closed: ${windows.reason ?? ''}` };
  return { open: true };
}
