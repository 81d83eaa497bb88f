import { contentOf, type StoredResource } from '../../api/resource.js';
import { eventLines } from './describe-events.js';
import { aliasOf, type Related } from './describe-related.js';
import { conditionLines, metadataLines, section } from './describe-text.js';

/**
 * Kinds without a report of their own (ProjectConfig, PromotionTasks, AnalysisTemplates,
 * Secrets, Roles): the metadata, the content as YAML (as the API shows it: Secret values are
 * never sent), the conditions and the events.
 */
export async function describeGeneric(object: StoredResource, related: Related): Promise<string[]> {
  const { stringify } = await import('yaml');
  const content = contentOf(object);
  const lines = metadataLines(object, related.now);
  const yaml = Object.keys(content).length === 0 ? '' : stringify(content, { lineWidth: 0 });
  lines.push(...section('Content', yaml.trimEnd() === '' ? [] : yaml.trimEnd().split('\n')));
  lines.push(...conditionLines(object, related.now));
  lines.push(...eventLines(object, related.events, aliasOf(related), related.now));
  return lines;
}
