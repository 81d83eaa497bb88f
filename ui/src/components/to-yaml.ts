import { stringify } from 'yaml';

/**
 * An object as YAML, as `gantry get -o yaml` prints it: keys in the order the API sent them,
 * long strings not folded (a message or a URL stays on one line, as written), multi-line
 * strings as block scalars.
 */
export function toYaml(object: unknown): string {
  return stringify(object, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
