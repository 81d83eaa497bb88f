import { describe, expect, it } from 'vitest';
import { parseChartMetadata } from './chart-metadata.js';

/** Helm's chart metadata validation (pkg/chart metadata.go, dependency.go), as messages. */
describe('Chart.yaml as Helm reads it', () => {
  it.each([
    ['name: a\nversion: 1.0.0\n', 'validation: chart.metadata.apiVersion is required'],
    ['apiVersion: v2\nversion: 1.0.0\n', 'validation: chart.metadata.name is required'],
    [
      'apiVersion: v2\nname: ..\nversion: 1.0.0\n',
      'validation: chart.metadata.name ".." is not allowed',
    ],
    [
      'apiVersion: v2\nname: a/b\nversion: 1.0.0\n',
      'validation: chart.metadata.name "a/b" is invalid',
    ],
    ['apiVersion: v2\nname: a\n', 'validation: chart.metadata.version is required'],
    [
      'apiVersion: v2\nname: a\nversion: one\n',
      'validation: chart.metadata.version "one" is invalid',
    ],
    [
      'apiVersion: v2\nname: a\nversion: 1.0.0\ntype: plugin\n',
      'validation: chart.metadata.type must be application or library',
    ],
    [
      'apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- null\n',
      'validation: dependencies must not contain empty or null nodes',
    ],
    [
      'apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: b\n  alias: "b c"\n',
      'validation: dependency "b" has disallowed characters in the alias',
    ],
    [
      'apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: b\n- name: c\n  alias: b\n',
      'validation: more than one dependency with name or alias "b"',
    ],
    ['apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: {}\n', 'dependencies is not a list'],
    ['apiVersion: [\n', 'cannot load Chart.yaml'],
  ])('refuses %j', (text, message) => {
    expect(() => parseChartMetadata(text)).toThrow(message);
  });

  it('reads dependencies with every field Helm hashes, sanitising strings', () => {
    const meta = parseChartMetadata(
      'apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n- name: "b\\tc"\n  version: 1.2\n  repository: https://x\n  condition: b.enabled\n  tags: [t]\n  enabled: true\n  import-values: [{child: c, parent: p}]\n  alias: bee\n',
    );
    expect(meta.declaresDependencies).toBe(true);
    expect(meta.dependencies).toEqual([
      {
        name: 'b c',
        version: '1.2',
        repository: 'https://x',
        condition: 'b.enabled',
        tags: ['t'],
        enabled: true,
        importValues: [{ child: 'c', parent: 'p' }],
        alias: 'bee',
      },
    ]);
  });

  it('tells a chart without a dependencies list from one with an empty list', () => {
    expect(
      parseChartMetadata('apiVersion: v2\nname: a\nversion: 1.0.0\n').declaresDependencies,
    ).toBe(false);
    expect(
      parseChartMetadata('apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: []\n')
        .declaresDependencies,
    ).toBe(true);
  });
});
