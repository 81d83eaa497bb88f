import semver from 'semver';

/**
 * Versions and constraints as Kargo's SemVer strategies understand them. Kargo uses the Go
 * library Masterminds/semver; its constraint syntax is translated here onto node-semver:
 * `,` (and space) mean AND, `||` means OR, `~>` is `~`, `=<`/`=>` are `<=`/`>=`, and `!=v`
 * (which node-semver lacks) becomes "below v or above v".
 */

export interface SemverConstraint {
  readonly text: string;
  matches(version: semver.SemVer): boolean;
}

const STRICT =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const LENIENT =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * Parses a tag as a version. Strict (Kargo's default `strictSemvers: true`): exactly
 * `X.Y.Z[-pre][+build]`, with or without a leading `v` (Kargo strips it before its strict
 * check: pkg/controller/semver/parser.go). Lenient: also missing minor/patch (`v1.2` is 1.2.0).
 */
export function parseVersion(text: string, strict = true): semver.SemVer | undefined {
  if (strict) return STRICT.test(text) ? (semver.parse(text) ?? undefined) : undefined;
  const match = LENIENT.exec(text);
  if (!match) return undefined;
  const normal = `${match[1]}.${match[2] ?? '0'}.${match[3] ?? '0'}${match[4] ?? ''}${match[5] ?? ''}`;
  return semver.parse(normal) ?? undefined;
}

/** Orders versions newest first; equal versions keep a stable order by their text. */
export function compareVersionsDescending(
  a: { version: semver.SemVer; text: string },
  b: { version: semver.SemVer; text: string },
): number {
  return semver.rcompare(a.version, b.version) || a.text.localeCompare(b.text);
}

/** Parses a constraint; throws an Error whose message says what is wrong. */
export function parseConstraint(text: string): SemverConstraint {
  const trimmed = text.trim();
  if (trimmed === '') return { text, matches: () => true };
  const sets: string[] = [];
  for (const group of trimmed.split('||')) {
    const comparators = tokenize(group);
    if (comparators.length === 0) throw new Error(`empty alternative in "${text}"`);
    // node-semver accepts a few strings that mean nothing as a constraint; catch them here.
    for (const comparator of comparators) {
      if (!semver.validRange(comparator.replace(/^!=/, '=')))
        throw new Error(
          `"${text}" is not a semantic version constraint (e.g. ^1.2.0 or >=1.0, <2.0)`,
        );
    }
    sets.push(...expandNotEqual(comparators, text));
  }
  let range: semver.Range;
  try {
    range = new semver.Range(sets.join(' || '));
  } catch {
    throw new Error(`"${text}" is not a semantic version constraint (e.g. ^1.2.0 or >=1.0, <2.0)`);
  }
  return { text, matches: (version) => range.test(version) };
}

/** The reason a constraint is invalid, or undefined when it is fine (for schemas). */
export function constraintProblem(text: string): string | undefined {
  try {
    parseConstraint(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Splits one AND group into comparators with their operators attached (`>= 1.2` → `>=1.2`). */
function tokenize(group: string): string[] {
  const normalized = group
    .replace(/,/g, ' ')
    .replace(/~>/g, '~')
    .replace(/=</g, '<=')
    .replace(/=>/g, '>=');
  const parts = normalized.split(/\s+/).filter(Boolean);
  const comparators: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    // Hyphen ranges stay as node-semver writes them: `1.2 - 1.4`.
    if (part === '-' && comparators.length > 0 && parts[i + 1]) {
      comparators[comparators.length - 1] = `${comparators.at(-1)} - ${parts[++i]}`;
      continue;
    }
    if (/^(!=|[<>]=?|=|~|\^)$/.test(part) && parts[i + 1]) {
      comparators.push(`${part}${parts[++i]}`);
      continue;
    }
    comparators.push(part);
  }
  return comparators.map((c) => c.replace(/^(!=|[<>]=?|=|~|\^)?v(?=\d)/, '$1'));
}

/** `!=v` inside an AND group: the group splits into one with `<v` and one with `>v`. */
function expandNotEqual(comparators: string[], text: string): string[] {
  let sets: string[][] = [[]];
  let negations = 0;
  for (const comparator of comparators) {
    if (!comparator.startsWith('!=')) {
      for (const set of sets) set.push(comparator);
      continue;
    }
    if (++negations > 4) throw new Error(`too many != comparisons in "${text}"`);
    const version = comparator.slice(2);
    sets = sets.flatMap((set) => [
      [...set, `<${version}`],
      [...set, `>${version}`],
    ]);
  }
  return sets.map((set) => set.join(' '));
}
