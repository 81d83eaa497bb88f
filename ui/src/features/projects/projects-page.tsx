import { objectsOf, useLive } from '../../api/use-live.js';
import type { Stage } from '../../api/types.js';
import { Link, paths } from '../../app/router.js';
import { Badge, toneOf } from '../../components/badge.js';
import { ConnectionBanner } from '../../components/connection-banner.js';
import { summarizeProjects } from './project-summary.js';

/** Every project, with its Stages' health at a glance. */
export function ProjectsPage() {
  const live = useLive(['projects', 'stages']);
  const projects = summarizeProjects(objectsOf(live, 'Project'), objectsOf<Stage>(live, 'Stage'));
  return (
    <section className="page">
      <ConnectionBanner snapshot={live} />
      <h1>Projects</h1>
      {!live.loaded && live.state !== 'lost' && <p className="muted">Loading…</p>}
      {live.loaded && projects.length === 0 && (
        <div className="empty" data-testid="no-projects">
          <h2>No projects yet</h2>
          <p>
            Create one from manifests: <code>npx gantry apply -f examples/frontend</code>
          </p>
        </div>
      )}
      <ul className="project-list">
        {projects.map((p) => (
          <li
            key={p.name}
            className={`project-card health-${p.health}`}
            data-testid={`project-${p.name}`}
          >
            <Link to={paths.project(p.name)} className="project-name">
              {p.name}
            </Link>
            <div className="project-facts">
              <span>{p.stages} stages</span>
              {p.healthy > 0 && <Badge tone="good">{p.healthy} healthy</Badge>}
              {p.progressing > 0 && <Badge tone="busy">{p.progressing} progressing</Badge>}
              {p.unhealthy > 0 && <Badge tone="bad">{p.unhealthy} unhealthy</Badge>}
              {p.promoting > 0 && <Badge tone="busy">{p.promoting} promoting</Badge>}
              {p.frozen !== undefined && (
                <Badge tone="info" title={p.frozen}>
                  frozen
                </Badge>
              )}
              {p.health === 'None' && p.stages > 0 && (
                <Badge tone={toneOf(undefined)}>no health yet</Badge>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
