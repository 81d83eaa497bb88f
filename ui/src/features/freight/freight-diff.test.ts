import { describe, expect, it } from 'vitest';
import { artifactsOf, diffFreight } from './freight-diff.js';

const before = {
  images: [
    { repoURL: 'registry.example/acme/frontend', tag: '1.2.1', digest: 'sha256:aaa' },
    { repoURL: 'registry.example/acme/worker', tag: '3.0.0', digest: 'sha256:www' },
  ],
  commits: [
    {
      repoURL: 'https://git.example/acme/config.git',
      id: '1111111aaaaaaa',
      message: 'raise the replica count',
      author: 'Ana <ana@example.com>',
    },
  ],
  charts: [{ repoURL: 'oci://charts.example/acme', name: 'frontend', version: '2.0.0' }],
};

describe('the diff of two Freight', () => {
  it('matches artifacts by repository, marks what changed and keeps the commit messages', () => {
    const after = {
      images: [
        // Same tag, new digest: changed (the tag was pushed again).
        { repoURL: 'registry.example/acme/worker', tag: '3.0.0', digest: 'sha256:xxx' },
        { repoURL: 'registry.example/acme/frontend', tag: '1.2.2', digest: 'sha256:bbb' },
      ],
      commits: [
        {
          repoURL: 'https://git.example/acme/config.git',
          id: '2222222bbbbbbb',
          message: 'use the new cache',
          author: 'Bo <bo@example.com>',
        },
      ],
      charts: [{ repoURL: 'oci://charts.example/acme', name: 'frontend', version: '2.0.0' }],
    };
    expect(diffFreight(before, after)).toEqual([
      {
        kind: 'image',
        source: 'registry.example/acme/frontend',
        left: { version: '1.2.1', id: 'sha256:aaa' },
        right: { version: '1.2.2', id: 'sha256:bbb' },
        changed: true,
      },
      {
        kind: 'image',
        source: 'registry.example/acme/worker',
        left: { version: '3.0.0', id: 'sha256:www' },
        right: { version: '3.0.0', id: 'sha256:xxx' },
        changed: true,
      },
      {
        kind: 'commit',
        source: 'https://git.example/acme/config.git',
        left: {
          version: '1111111',
          id: '1111111aaaaaaa',
          message: 'raise the replica count',
          author: 'Ana <ana@example.com>',
        },
        right: {
          version: '2222222',
          id: '2222222bbbbbbb',
          message: 'use the new cache',
          author: 'Bo <bo@example.com>',
        },
        changed: true,
      },
      {
        kind: 'chart',
        source: 'oci://charts.example/acme frontend',
        left: { version: '2.0.0' },
        right: { version: '2.0.0' },
        changed: false,
      },
    ]);
  });

  it('shows an artifact only one side has as changed, on its side', () => {
    const rows = diffFreight(
      { images: [{ repoURL: 'r/a', tag: '1' }] },
      { charts: [{ repoURL: 'https://charts.example', name: 'b', version: '0.1.0' }] },
    );
    expect(rows).toEqual([
      { kind: 'image', source: 'r/a', left: { version: '1' }, right: undefined, changed: true },
      {
        kind: 'chart',
        source: 'https://charts.example b',
        right: { version: '0.1.0' },
        changed: true,
      },
    ]);
  });

  it('compares a Freight with itself as unchanged everywhere', () => {
    expect(diffFreight(before, before).every((row) => !row.changed)).toBe(true);
  });
});

describe("a Freight's artifacts", () => {
  it('names each version: tag, else digest; tag or short commit id; chart version', () => {
    expect(
      artifactsOf({
        images: [{ repoURL: 'r/a', digest: 'sha256:0123456789abcdef0123' }],
        commits: [
          { repoURL: 'g', id: 'abcdef0123', tag: 'v1.0.0' },
          { repoURL: 'h', id: 'abcdef0123' },
        ],
      }).map((a) => `${a.kind} ${a.source} ${a.version}`),
    ).toEqual(['image r/a sha256:0123456789ab', 'commit g v1.0.0', 'commit h abcdef0']);
  });
});
