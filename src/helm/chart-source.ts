/**
 * Where chart dependencies come from, as `helm dependency update` reaches them: classic
 * repositories (an `index.yaml` and archives at the URLs it lists) and OCI registries (a chart
 * is a repository whose tags are its versions). A port: the helm-update-chart step is handed
 * one by the engine; `ChartSourceClient` (sources/helm) is the implementation main.ts wires.
 * Failures reject with an Error whose `transient: true` says retrying may help (5xx, 429,
 * network), and whose message names the URL and the answer.
 */
export interface ChartSource {
  /** The versions a classic repository lists per chart name, as its index.yaml writes them. */
  index(repository: string, access: ChartAccess): Promise<ChartIndex>;
  /**
   * A chart archive (`.tgz`) the index of `repository` lists; the repository's credentials go
   * only to its own origin.
   */
  download(url: string, repository: string, access: ChartAccess): Promise<Buffer>;
  /** Every tag of an OCI repository (`oci://host/path/name`). */
  tags(repository: string, access: ChartAccess): Promise<string[]>;
  /** The chart archive (the Helm chart content layer) of an OCI repository's tag. */
  pull(repository: string, tag: string, access: ChartAccess): Promise<Buffer>;
}

export interface ChartAccess {
  credentials?: { username: string; password: string } | undefined;
  signal: AbortSignal;
}

/** Chart name → the versions listed for it, each with the archive URLs (as written). */
export type ChartIndex = Map<string, Array<{ version: string; urls: string[] }>>;

/** For places given no chart source: every request fails, saying so. */
export const noChartSource: ChartSource = {
  index: (repository) => Promise.reject(unavailable(repository)),
  download: (url) => Promise.reject(unavailable(url)),
  tags: (repository) => Promise.reject(unavailable(repository)),
  pull: (repository) => Promise.reject(unavailable(repository)),
};

function unavailable(url: string): Error {
  return new Error(`${url}: chart repositories are not available here`);
}
