import { MethodHost } from '../values.js';

const VERSION =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/**
 * A version as Kargo's `semverParse` returns it (Masterminds semver, which Kargo uses, is
 * lenient: `v1.2` is 1.2.0). Exposes the same methods: Major(), Minor(), Patch(),
 * Prerelease(), Metadata(), IncMajor(), IncMinor(), IncPatch(), String().
 */
export class SemVer extends MethodHost {
  readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>>;

  constructor(
    readonly major: number,
    readonly minor: number,
    readonly patch: number,
    readonly prerelease: string,
    readonly metadata: string,
  ) {
    super();
    const noArgs = (name: string, fn: () => unknown) => (args: unknown[]) => {
      if (args.length > 0) throw new Error(`${name}() takes no arguments`);
      return fn();
    };
    this.methods = {
      Major: noArgs('Major', () => this.major),
      Minor: noArgs('Minor', () => this.minor),
      Patch: noArgs('Patch', () => this.patch),
      Prerelease: noArgs('Prerelease', () => this.prerelease),
      Metadata: noArgs('Metadata', () => this.metadata),
      // Masterminds: incrementing a prerelease's patch releases it instead.
      IncPatch: noArgs(
        'IncPatch',
        () =>
          new SemVer(this.major, this.minor, this.prerelease ? this.patch : this.patch + 1, '', ''),
      ),
      IncMinor: noArgs('IncMinor', () => new SemVer(this.major, this.minor + 1, 0, '', '')),
      IncMajor: noArgs('IncMajor', () => new SemVer(this.major + 1, 0, 0, '', '')),
      String: noArgs('String', () => this.toString()),
    };
  }

  /** Kargo's semverParse returns Masterminds' `*semver.Version`. */
  override get goType(): string {
    return '*semver.Version';
  }

  override toString(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.prerelease ? `-${this.prerelease}` : ''}${this.metadata ? `+${this.metadata}` : ''}`;
  }
}

export function parseSemVer(text: string): SemVer | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return new SemVer(
    Number(match[1]),
    Number(match[2] ?? 0),
    Number(match[3] ?? 0),
    match[4] ?? '',
    match[5] ?? '',
  );
}
