import type { Freight } from '../../api/types.js';

/** The Freight a page names: by name, or by alias (as `promote` and `get freight` take it). */
export function findFreight(freight: Freight[], nameOrAlias: string): Freight | undefined {
  return (
    freight.find((f) => f.metadata.name === nameOrAlias) ??
    freight.find((f) => f.alias === nameOrAlias)
  );
}

/** The origin of a Freight as one string: `Warehouse/frontend`. */
export function originOf(freight: Freight): string {
  return freight.origin ? `${freight.origin.kind}/${freight.origin.name}` : '';
}

/**
 * What a Freight is compared with unless the user picks another: the newest Freight from the
 * same origin created before it; the Freight after it when it is the oldest.
 */
export function previousOf(freight: Freight, all: Freight[]): Freight | undefined {
  const created = (f: Freight) => f.metadata.creationTimestamp ?? '';
  const sameOrigin = all
    .filter((f) => f.metadata.name !== freight.metadata.name && originOf(f) === originOf(freight))
    .sort(
      (a, b) =>
        created(b).localeCompare(created(a)) || a.metadata.name.localeCompare(b.metadata.name),
    );
  return (
    sameOrigin.find((f) => created(f) < created(freight)) ??
    sameOrigin.filter((f) => created(f) >= created(freight)).pop()
  );
}

/** What to call a Freight on a page: its alias, else the start of its name. */
export function labelOf(freight: {
  alias?: string | undefined;
  metadata: { name: string };
}): string {
  return freight.alias ?? freight.metadata.name.slice(0, 7);
}
