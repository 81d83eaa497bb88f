import { packChart } from '../src/helm/chart-archive.js';
import type { ChartIndex, ChartSource } from '../src/helm/chart-source.js';

/**
 * A ChartSource (the port helm-update-chart uses) over data: repository URL → chart name →
 * versions. Classic repositories (http/https URLs) list `<name>-<version>.tgz` relative to
 * the repository; OCI ones (`oci://host/path`) answer tags of `<repository>/<name>`, with '+'
 * written '_' as Helm writes it. Each archive is a real chart archive holding a Chart.yaml.
 * For the table tests of the step; the real HTTP repository and registry are exercised through
 * ChartSourceClient in src/steps/helm-update-chart.test.ts. `requests` records every call.
 */
/** A result as a promise, what `compute` throws as its rejection. */
function answer<T>(compute: () => T): Promise<T> {
  try {
    return Promise.resolve(compute());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

export function memoryChartSource(
  repositories: Record<string, Record<string, string[]>>,
): ChartSource & { requests: string[]; credentialsSeen: Array<string | undefined> } {
  const requests: string[] = [];
  const credentialsSeen: Array<string | undefined> = [];
  const trim = (url: string) => url.replace(/\/+$/, '');
  const find = (url: string) => {
    const entry = Object.entries(repositories).find(([repo]) => trim(repo) === trim(url));
    if (!entry)
      throw Object.assign(new Error(`failed to fetch ${trim(url)}/index.yaml : 404 Not Found`), {
        transient: false,
      });
    return entry[1];
  };
  const archive = (name: string, version: string) =>
    packChart(name, [
      {
        path: 'Chart.yaml',
        content: Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${version}\n`),
      },
    ]);
  const oci = (repository: string) => {
    const at = repository.lastIndexOf('/');
    return { charts: find(repository.slice(0, at)), name: repository.slice(at + 1) };
  };
  return {
    requests,
    credentialsSeen,
    index(repository, access) {
      return answer(() => {
        requests.push(`index ${repository}`);
        credentialsSeen.push(access.credentials?.username);
        {
          const charts = find(repository);
          const index: ChartIndex = new Map(
            Object.entries(charts).map(([name, versions]) => [
              name,
              versions.map((version) => ({ version, urls: [`${name}-${version}.tgz`] })),
            ]),
          );
          return index;
        }
      });
    },
    download(url, repository, access) {
      return answer(() => {
        requests.push(`download ${url}`);
        credentialsSeen.push(access.credentials?.username);
        const file = url.slice(url.lastIndexOf('/') + 1);
        for (const [name, versions] of Object.entries(find(repository)))
          for (const version of versions)
            if (file === `${name}-${version}.tgz`) return archive(name, version);
        throw new Error(`failed to fetch ${url} : 404 Not Found`);
      });
    },
    tags(repository, access) {
      return answer(() => {
        requests.push(`tags ${repository}`);
        credentialsSeen.push(access.credentials?.username);
        {
          const { charts, name } = oci(repository);
          return (charts[name] ?? []).map((v) => v.replace(/\+/g, '_'));
        }
      });
    },
    pull(repository, tag, access) {
      return answer(() => {
        requests.push(`pull ${repository}:${tag}`);
        credentialsSeen.push(access.credentials?.username);
        {
          const { charts, name } = oci(repository);
          const version = tag.replace(/_/g, '+');
          if (!(charts[name] ?? []).includes(version))
            throw new Error(`registry answered 404: manifest ${tag} not found`);
          return archive(name, version);
        }
      });
    },
  };
}
