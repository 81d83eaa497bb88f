import type { Resource, Stage } from '../../api/types.js';

export const FREEZE_ANNOTATION = 'gantry.io/freeze';

export interface ProjectSummary {
  name: string;
  stages: number;
  healthy: number;
  unhealthy: number;
  progressing: number;
  promoting: number;
  /** The freeze's reason when the project is frozen. */
  frozen?: string | undefined;
  /** The worst health of its Stages, for the card's colour. */
  health: 'Healthy' | 'Unhealthy' | 'Progressing' | 'Unknown' | 'None';
}

/** One line per project: how many Stages, how healthy, how many promoting, frozen or not. */
export function summarizeProjects(projects: Resource[], stages: Stage[]): ProjectSummary[] {
  return projects
    .map((project) => {
      const own = stages.filter((s) => s.metadata.namespace === project.metadata.name);
      const count = (status: string) =>
        own.filter((s) => s.status?.health?.status === status).length;
      const summary: ProjectSummary = {
        name: project.metadata.name,
        stages: own.length,
        healthy: count('Healthy'),
        unhealthy: count('Unhealthy'),
        progressing: count('Progressing'),
        promoting: own.filter((s) => s.status?.currentPromotion).length,
        frozen: freezeReason(project),
        health: 'None',
      };
      summary.health =
        summary.unhealthy > 0
          ? 'Unhealthy'
          : summary.progressing > 0
            ? 'Progressing'
            : count('Unknown') > 0
              ? 'Unknown'
              : summary.healthy > 0
                ? 'Healthy'
                : 'None';
      return summary;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The reason a project is frozen (its `gantry.io/freeze` annotation), if it is. */
export function freezeReason(project: Resource | undefined): string | undefined {
  const value = project?.metadata.annotations?.[FREEZE_ANNOTATION];
  if (value === undefined) return undefined;
  try {
    const parsed = JSON.parse(value) as { reason?: unknown };
    return typeof parsed.reason === 'string' ? parsed.reason : value;
  } catch {
    return value;
  }
}
