import { describe, expect, it } from 'vitest';
import { compareVersions, compatible, conflictingPair, parseConstraint, parseVersion, pickVersion, satisfies, sortVersions } from './semver.js';

const c = (t: string) => parseConstraint(t)!;
const v = (t: string) => parseVersion(t)!;

describe('version parsing', () => {
  it('reads operators, three numbers, prereleases with or without a dash, builds', () => {
    expect(c('>=1.0.0')).toMatchObject({ op: '>=', version: { major: 1, minor: 0, patch: 0 } });
    expect(c('1.2.3')).toMatchObject({ op: '=', version: { major: 1, minor: 2, patch: 3 } });
    expect(c('<0.1.4a1')).toMatchObject({ op: '<', version: { patch: 4, prerelease: 'a1' } });
    expect(c('1.0.0-rc.1+build.5')).toMatchObject({ version: { prerelease: 'rc.1', build: 'build.5' } });
    expect(c('>= 1.0.0')).toMatchObject({ op: '>=', text: '>=1.0.0' });
  });

  it('refuses what is not major.minor.patch', () => {
    for (const bad of ['1.0', '1', 'v1.0.0', '01.0.0', '1.0.0.0', 'latest', '', '=>1.0.0', '1.0.x']) expect(parseConstraint(bad), bad).toBeUndefined();
    expect(parseVersion('>=1.0.0')).toBeUndefined();
    expect(parseVersion('=1.0.0')).toBeUndefined();
  });
});

describe('version order', () => {
  it('orders numbers numerically and a release above its prereleases', () => {
    expect(sortVersions(['1.10.0', '1.2.0', '1.2.0-rc1', '0.9.9', '1.2.0a1', '2.0.0', '1.2.0-rc.10', '1.2.0-rc.2'])).toEqual(['0.9.9', '1.2.0a1', '1.2.0-rc.2', '1.2.0-rc.10', '1.2.0-rc1', '1.2.0', '1.10.0', '2.0.0']);
    expect(compareVersions(v('1.0.0-alpha'), v('1.0.0-alpha.1'))).toBe(-1);
    expect(compareVersions(v('1.0.0-1'), v('1.0.0-alpha'))).toBe(-1);
    expect(compareVersions(v('1.0.0+a'), v('1.0.0+b'))).toBe(0);
  });
});

describe('satisfies', () => {
  it('checks each operator', () => {
    expect(satisfies(v('1.0.0'), c('>=1.0.0'))).toBe(true);
    expect(satisfies(v('1.0.0'), c('>1.0.0'))).toBe(false);
    expect(satisfies(v('1.9.9'), c('<2.0.0'))).toBe(true);
    expect(satisfies(v('2.0.0'), c('<=2.0.0'))).toBe(true);
    expect(satisfies(v('2.0.1'), c('<=2.0.0'))).toBe(false);
    expect(satisfies(v('1.2.3'), c('1.2.3'))).toBe(true);
    expect(satisfies(v('1.2.4'), c('=1.2.3'))).toBe(false);
  });

  it("keeps an upper bound's own prereleases out, as dbt does", () => {
    expect(satisfies(v('2.0.0-rc1'), c('<2.0.0'))).toBe(false);
    expect(satisfies(v('1.9.0-rc1'), c('<2.0.0'))).toBe(true);
    expect(satisfies(v('2.0.0-rc1'), c('<2.0.0-rc2'))).toBe(true);
  });
});

describe('intersecting ranges', () => {
  it('knows when ranges can hold at once', () => {
    expect(compatible([c('>=1.0.0'), c('<2.0.0')])).toBe(true);
    expect(compatible([c('>=1.0.0'), c('<1.0.0')])).toBe(false);
    expect(compatible([c('>=1.0.0'), c('<=1.0.0')])).toBe(true);
    expect(compatible([c('>1.0.0'), c('<=1.0.0')])).toBe(false);
    expect(compatible([c('1.2.0'), c('1.3.0')])).toBe(false);
    expect(compatible([c('1.2.0'), c('>=1.0.0'), c('<1.5.0')])).toBe(true);
    expect(compatible([c('1.2.0'), c('>1.2.0')])).toBe(false);
    expect(compatible([c('>=0.8.0'), c('>=1.0.0'), c('<1.1.0'), c('<3.0.0')])).toBe(true);
  });

  it('names the first two constraints that conflict', () => {
    const items = [{ constraint: c('>=1.0.0'), by: 'root' }, { constraint: c('<3.0.0'), by: 'a' }, { constraint: c('<0.9.0'), by: 'b' }];
    expect(conflictingPair(items)?.map((x) => x.by)).toEqual(['root', 'b']);
    expect(conflictingPair(items.slice(0, 2))).toBeUndefined();
  });
});

describe('picking a version', () => {
  const available = ['0.1.2', '0.1.3', '0.1.4a1', '0.2.0', '1.0.0', '1.1.0', '2.0.0-rc1'];
  it('takes the highest release meeting every constraint', () => {
    expect(pickVersion(available, [c('>0.1.2'), c('<0.1.5')], false)).toBe('0.1.3');
    expect(pickVersion(available, [c('>=1.0.0'), c('<2.0.0')], false)).toBe('1.1.0');
    expect(pickVersion(available, [c('0.2.0')], false)).toBe('0.2.0');
    expect(pickVersion(available, [c('>=3.0.0')], false)).toBeUndefined();
  });

  it('takes prereleases only when allowed or asked for by name', () => {
    expect(pickVersion(available, [c('>0.1.2'), c('<0.1.5')], true)).toBe('0.1.4a1');
    expect(pickVersion(available, [c('0.1.4a1')], false)).toBe('0.1.4a1');
    expect(pickVersion(available, [c('>=1.0.0')], false)).toBe('1.1.0');
    expect(pickVersion(available, [c('>=1.0.0')], true)).toBe('2.0.0-rc1');
  });
});
