import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client.js';
import type { Resource } from '../../api/types.js';
import { Link, paths } from '../../app/router.js';
import { ExpandableText } from '../../components/expandable-text.js';
import { YamlView } from '../../components/yaml-view.js';
import { messageOf } from '../../components/use-action.js';

/**
 * Any object of a project as YAML (`/projects/P/PLURAL/NAME/yaml`, or `/projects/P/yaml` for
 * the Project): read from the API when the page opens and on Reload, so it is what
 * `gantry get KIND NAME -o yaml` shows.
 */
export function YamlPage(props: { project: string; plural?: string; name?: string }) {
  const { project, plural, name } = props;
  const [object, setObject] = useState<Resource>();
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    setError(undefined);
    const read =
      plural === undefined || name === undefined
        ? api.getProject(project)
        : api.get(project, plural, name);
    read.then(setObject, (err: unknown) => {
      setObject(undefined);
      setError(messageOf(err));
    });
  }, [project, plural, name]);
  useEffect(load, [load]);
  const what =
    plural === undefined || name === undefined ? `project ${project}` : `${plural}/${name}`;
  return (
    <section className="page">
      <div className="page-head">
        <h1>
          {object?.kind ?? ''} {object?.metadata.name ?? name ?? project}
        </h1>
        <span className="muted">YAML</span>
        <span className="spacer" />
        {plural === 'warehouses' && name !== undefined && (
          <Link to={paths.warehouse(project, name)}>Warehouse page</Link>
        )}
        {plural === 'promotions' && name !== undefined && (
          <Link to={paths.promotion(project, name)}>Promotion page</Link>
        )}
        {plural === 'stages' && name !== undefined && (
          <Link to={paths.stage(project, name)}>Stage page</Link>
        )}
        {plural === 'freight' && name !== undefined && (
          <Link to={paths.freight(project, name)}>Freight page</Link>
        )}
        <Link to={paths.project(project)}>Back to {project}</Link>
        <button type="button" onClick={load}>
          Reload
        </button>
      </div>
      {error && (
        <div className="banner banner-error" role="alert" data-testid="yaml-error">
          <ExpandableText text={`Could not read ${what}: ${error}`} />
        </div>
      )}
      {!error && !object && <p className="muted">Loading…</p>}
      {object && <YamlView object={object} />}
    </section>
  );
}

/** A link to an object's YAML page, for any page that shows an object. */
export function YamlLink(props: { project: string; plural?: string; name?: string }) {
  return (
    <Link
      to={paths.yaml(props.project, props.plural, props.name)}
      className="yaml-link"
      data-testid="yaml-link"
      title="This object as the API returns it"
    >
      YAML
    </Link>
  );
}
