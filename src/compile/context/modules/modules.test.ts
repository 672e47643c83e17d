/** modules.datetime / re / itertools / pytz against Python's documented results. */
import { describe, expect, it } from 'vitest';
import { datetimeModule, PyDate, PyDateTime, PyTimeDelta, PyTimezone } from './datetime.js';
import { itertoolsModule } from './itertools.js';
import { pytzModule } from './pytz.js';
import { reModule } from './re.js';

const kw = (o: Record<string, unknown>) => ({ ...o, __keywords: true });
type Callable = ((...a: unknown[]) => unknown) & Record<string, (...a: unknown[]) => unknown>;
const dt = datetimeModule() as Record<string, Callable>;
const re = reModule() as Record<string, (...a: unknown[]) => unknown>;
const it_ = itertoolsModule() as Record<string, (...a: unknown[]) => unknown>;
const tz = pytzModule() as Record<string, unknown> & { timezone(n: string): { localize(d: unknown): PyDateTime; normalize(d: PyDateTime): PyDateTime } };


/** The items of tuples (arrays bmp marks with a symbol), nested, for comparing. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
describe('modules.datetime', () => {
  it('dates: ordinals, weekdays, ISO calendar, arithmetic, str/repr', () => {
    expect(new PyDate(2000, 1, 1).toordinal()).toBe(730120);
    expect(new PyDate(1, 1, 1).toordinal()).toBe(1);
    expect(PyDate.fromordinal(730120).isoformat()).toBe('2000-01-01');
    expect(new PyDate(2024, 2, 29).weekday()).toBe(3);
    expect(new PyDate(2021, 1, 1).isocalendar()).toEqual([2020, 53, 5]);
    expect(new PyDate(2024, 12, 30).isocalendar()).toEqual([2025, 1, 1]);
    expect(String(new PyDate(2024, 1, 31).__add__(new PyTimeDelta(1)))).toBe('2024-02-01');
    expect(String(new PyDate(2024, 3, 1).__sub__(new PyDate(2024, 2, 1)))).toBe('29 days, 0:00:00');
    expect(new PyDate(2024, 5, 6).__repr__()).toBe('datetime.date(2024, 5, 6)');
    expect(`${new PyDate(2024, 5, 6)}`).toBe('2024-05-06');
    expect(() => new PyDate(2023, 2, 29)).toThrow('day is out of range for month');
  });

  it("JSON (a date in a config, in manifest.json) is isoformat(), as dbt's JSON encoder writes it", () => {
    expect(JSON.stringify({ d: new PyDate(2024, 1, 31), t: new PyDateTime(2024, 1, 31, 10, 0, 0, 0, PyTimezone.utc) })).toBe('{"d":"2024-01-31","t":"2024-01-31T10:00:00+00:00"}');
  });

  it('timedelta: normalisation, str, total_seconds, arithmetic', () => {
    expect(String(new PyTimeDelta(kw({ days: 1, hours: 2, minutes: 3, seconds: 4, microseconds: 5 })))).toBe('1 day, 2:03:04.000005');
    expect(String(new PyTimeDelta(kw({ hours: -1 })))).toBe('-1 day, 23:00:00');
    expect(String(new PyTimeDelta(kw({ weeks: 2 })))).toBe('14 days, 0:00:00');
    // a float, as Python's: 5400.0 (a PyFloat for whole numbers), 0.5 as it is
    expect(Number(new PyTimeDelta(kw({ minutes: 90 })).total_seconds().valueOf())).toBe(5400);
    expect(String(new PyTimeDelta(kw({ minutes: 90 })).total_seconds())).toBe('5400.0');
    expect(new PyTimeDelta(kw({ milliseconds: 500 })).total_seconds()).toBe(0.5);
    expect(String(new PyTimeDelta(kw({ hours: 1 })).__mul__(3))).toBe('3:00:00');
    expect(new PyTimeDelta(kw({ days: 1 })).__truediv__(new PyTimeDelta(kw({ hours: 6 })))).toBe(4);
  });

  it('datetime: construction, isoformat/str, strftime, replace, comparisons', () => {
    const d = new PyDateTime(2024, 3, 5, 14, 7, 9, 120);
    expect(d.isoformat()).toBe('2024-03-05T14:07:09.000120');
    expect(String(d)).toBe('2024-03-05 14:07:09.000120');
    expect(d.isoformat(' ', 'minutes')).toBe('2024-03-05 14:07');
    expect(d.strftime('%a %d %b %Y %H:%M:%S.%f %j %p %I %y %m')).toBe('Tue 05 Mar 2024 14:07:09.000120 065 PM 02 24 03');
    expect(d.replace(kw({ day: 1, hour: 0 })).isoformat()).toBe('2024-03-01T00:07:09.000120');
    expect(d.__repr__()).toBe('datetime.datetime(2024, 3, 5, 14, 7, 9, 120)');
    expect((new PyDateTime(2024, 1, 1) as unknown as number) < (new PyDateTime(2024, 1, 2) as unknown as number)).toBe(true);
    expect(new PyDateTime(2024, 1, 1).__eq__(new PyDateTime(2024, 1, 1))).toBe(true);
    expect(d.date().isoformat()).toBe('2024-03-05');
    expect(d.time().isoformat()).toBe('14:07:09.000120');
  });

  it('datetime arithmetic is on the wall clock; subtraction of datetimes gives a timedelta', () => {
    const d = new PyDateTime(2024, 2, 28, 23, 30);
    expect(String(d.__add__(new PyTimeDelta(kw({ hours: 1 }))))).toBe('2024-02-29 00:30:00');
    expect(String(new PyDateTime(2024, 3, 1).__sub__(d))).toBe('1 day, 0:30:00');
    expect(() => new PyDateTime(2024, 1, 1, 0, 0, 0, 0, PyTimezone.utc).__sub__(new PyDateTime(2024, 1, 1))).toThrow(/naive and offset-aware/);
  });

  it('aware datetimes: offsets in isoformat, astimezone through UTC, timestamp', () => {
    const utc = new PyDateTime(2024, 1, 1, 12, 0, 0, 0, PyTimezone.utc);
    expect(utc.isoformat()).toBe('2024-01-01T12:00:00+00:00');
    const ist = new PyTimezone(new PyTimeDelta(kw({ hours: 5, minutes: 30 })));
    expect(String(utc.astimezone(ist))).toBe('2024-01-01 17:30:00+05:30');
    expect(Number(utc.timestamp())).toBe(Date.UTC(2024, 0, 1, 12) / 1000);
    expect(utc.strftime('%z %Z')).toBe('+0000 UTC');
    expect(PyDateTime.fromJsDate(new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 250))).isoformat()).toBe('1999-12-31T23:59:59.250000+00:00');
  });

  it('fromisoformat and strptime parse what isoformat and strftime write', () => {
    expect(PyDateTime.fromisoformat('2024-01-02T03:04:05.123+02:00').isoformat()).toBe('2024-01-02T03:04:05.123000+02:00');
    expect(PyDateTime.fromisoformat('2024-01-02').isoformat()).toBe('2024-01-02T00:00:00');
    expect(PyDateTime.strptime('05/Mar/2024 02:07:09 PM', '%d/%b/%Y %I:%M:%S %p').isoformat()).toBe('2024-03-05T14:07:09');
    expect(PyDateTime.strptime('2024-065', '%Y-%j').isoformat()).toBe('2024-03-05T00:00:00');
    expect(() => PyDateTime.strptime('x', '%Y')).toThrow("time data 'x' does not match format '%Y'");
  });

  it('the module: constructors callable without new, class methods, MINYEAR/MAXYEAR', () => {
    expect(String(dt['date']!(2020, 1, 2))).toBe('2020-01-02');
    expect(String(dt['datetime']!['strptime']!('2020', '%Y'))).toBe('2020-01-01 00:00:00');
    expect(String(dt['timedelta']!(kw({ days: 2 })))).toBe('2 days, 0:00:00');
    expect(String(dt['datetime']!['combine']!(new PyDate(2020, 1, 2), dt['time']!(3, 4)))).toBe('2020-01-02 03:04:00');
    expect(dt['MAXYEAR']).toBe(9999);
  });
});

describe('modules.pytz', () => {
  it('timezone(): localize, astimezone/normalize across daylight saving, tzname, utcoffset, zone', () => {
    const ny = tz.timezone('America/New_York');
    const winter = ny.localize(new PyDateTime(2024, 1, 15, 12));
    expect(winter.isoformat()).toBe('2024-01-15T12:00:00-05:00');
    expect(winter.tzname()).toBe('EST');
    const summer = ny.localize(new PyDateTime(2024, 7, 15, 12));
    expect(summer.isoformat()).toBe('2024-07-15T12:00:00-04:00');
    expect(String(summer.dst())).toBe('1:00:00');
    expect(String(summer.astimezone(PyTimezone.utc))).toBe('2024-07-15 16:00:00+00:00');
    expect(String(ny.normalize(new PyDateTime(2024, 3, 10, 7, 30, 0, 0, PyTimezone.utc)))).toBe('2024-03-10 03:30:00-04:00');
    expect((ny as unknown as { zone: string }).zone).toBe('America/New_York');
    expect(String((tz['utc'] as { utcoffset(): unknown }).utcoffset())).toBe('0:00:00');
    // pytz's utc and fixed offsets localize and normalize like its named zones (dbt_date localizes in 'UTC')
    const utc = tz.timezone('UTC');
    expect(utc.localize(new PyDateTime(2024, 1, 15, 12)).isoformat()).toBe('2024-01-15T12:00:00+00:00');
    expect(utc.normalize(winter).isoformat()).toBe('2024-01-15T17:00:00+00:00');
    const plus90 = (tz['FixedOffset'] as (m: number) => typeof utc)(90);
    expect(plus90.localize(new PyDateTime(2024, 1, 15, 12)).isoformat()).toBe('2024-01-15T12:00:00+01:30');
    expect(() => utc.localize(winter)).toThrow(/Not naive/);
    expect((tz['all_timezones'] as string[]).includes('Europe/Paris')).toBe(true);
    expect(() => tz.timezone('Not/AZone')).toThrow("'Not/AZone'");
  });
});

describe('modules.re', () => {
  it("str patterns are Unicode as in Python: \\w, \\d and \\b see every script; re.ASCII does not; $ also matches before a final newline", () => {
    expect(re['sub']!('\\W+', '_', 'Café au lait')).toBe('Café_au_lait');
    expect(re['findall']!('\\w+', 'naïve größe')).toEqual(['naïve', 'größe']);
    expect(re['findall']!('\\bé\\w*', 'x été')).toEqual(['été']);
    expect(re['findall']!('\\d', '٣4')).toEqual(['٣', '4']);
    expect(re['findall']!('\\w+', 'naïve', re['ASCII'])).toEqual(['na', 've']);
    expect(re['search']!('id$', 'col_id\n')).not.toBeNull();
    expect(re['search']!('id$', 'col_id\nx')).toBeNull();
    expect(re['search']!('^x$', 'a\nx\nb', re['MULTILINE'])).not.toBeNull();
    // Python lets punctuation be escaped anywhere, and reads braces that make no quantifier as text
    expect(re['sub']!('\\-\\_\\ ', '+', 'a-_ b')).toBe('a+b');
    expect(re['findall']!('{name}', 'x {name} y')).toEqual(['{name}']);
    expect(re['findall']!('}|]', 'a}b]')).toEqual(['}', ']']);
    expect(plain(re['split']!(',(?![^{]*})', 'a,{b,c},d'))).toEqual(['a', '{b,c}', 'd']);
    expect(re['findall']!('a{2}', 'aaa')).toEqual(['aa']);
    expect(re['findall']!('x{1', 'x{1')).toEqual(['x{1']);
  });

  it('match anchors at the start, fullmatch at both ends, search anywhere', () => {
    expect(re['match']!('b', 'abc')).toBeNull();
    expect((re['search']!('b', 'abc') as { group(): string }).group()).toBe('b');
    expect(re['fullmatch']!('a|ab', 'ab')).not.toBeNull();
    expect(re['fullmatch']!('a', 'ab')).toBeNull();
  });

  it('groups: numbered, named (?P<n>), groupdict, span; backreference (?P=n)', () => {
    const m = re['match']!('(?P<key>\\w+)=(\\d+)', 'size=42;') as { group(...g: unknown[]): unknown; groups(): unknown[]; groupdict(): unknown; span(g?: unknown): unknown };
    expect(m.group()).toBe('size=42');
    expect(m.group('key')).toBe('size');
    expect(plain(m.group(1, 2))).toEqual(['size', '42']);
    expect(plain(m.groups())).toEqual(['size', '42']);
    expect(m.groupdict()).toEqual({ key: 'size' });
    expect(plain(m.span(2))).toEqual([5, 7]);
    expect(re['search']!('(?P<c>a)(?P=c)', 'xaay')).not.toBeNull();
  });

  it('sub with \\1 and \\g<name> templates, a count, a function; subn; split with maxsplit and groups; findall', () => {
    expect(re['sub']!('(\\d+)', '<\\1>', 'a1b22')).toBe('a<1>b<22>');
    expect(re['sub']!('(?P<d>\\d)', '[\\g<d>]', 'a1b2', kw({ count: 1 }))).toBe('a[1]b2');
    expect(re['sub']!('\\d', (m: { group(): string }) => String(Number(m.group()) * 2), 'a1b4')).toBe('a2b8');
    expect(re['subn']!('x', 'y', 'xxa')).toEqual(['yya', 2]);
    expect(re['split']!('[,;]', 'a,b;c', kw({ maxsplit: 1 }))).toEqual(['a', 'b;c']);
    expect(re['split']!('(,)', 'a,b')).toEqual(['a', ',', 'b']);
    expect(plain(re['findall']!('(\\w)=(\\d)', 'a=1 b=2'))).toEqual([['a', '1'], ['b', '2']]);
    expect(re['findall']!('\\d', 'a1b2')).toEqual(['1', '2']);
  });

  it('flags, inline flags, verbose mode, \\A/\\Z, escape, compile', () => {
    expect(re['match']!('abc', 'ABC', re['IGNORECASE'])).not.toBeNull();
    expect(re['match']!('(?i)abc', 'ABC')).not.toBeNull();
    expect(re['match']!('a  b  # spaces are not part of it', 'ab', re['X'])).not.toBeNull();
    expect(re['search']!('\\Aab', 'xab')).toBeNull();
    expect(re['search']!('ab\\Z', 'xab')).not.toBeNull();
    expect(re['escape']!('a.b*c')).toBe('a\\.b\\*c');
    const p = re['compile']!('(\\d+)') as { pattern: string; groups: number; findall(s: string): unknown };
    expect([p.pattern, p.groups, p.findall('1 22')]).toEqual(['(\\d+)', 1, ['1', '22']]);
    expect(() => re['compile']!('(')).toThrow(/bad pattern/);
  });
});

describe('modules.itertools', () => {
  it('the combinatoric and slicing tools, as Python documents them', () => {
    expect(it_['chain']!([1, 2], [3])).toEqual([1, 2, 3]);
    expect(plain(it_['product']!('ab', [1, 2]))).toEqual([['a', 1], ['a', 2], ['b', 1], ['b', 2]]);
    expect(it_['permutations']!([1, 2, 3], 2)).toHaveLength(6);
    expect(plain(it_['combinations']!('ABCD', 2))).toEqual([['A', 'B'], ['A', 'C'], ['A', 'D'], ['B', 'C'], ['B', 'D'], ['C', 'D']]);
    expect(plain(it_['combinations_with_replacement']!('AB', 2))).toEqual([['A', 'A'], ['A', 'B'], ['B', 'B']]);
    expect(it_['islice']!(it_['count']!(10, 5), 3)).toEqual([10, 15, 20]);
    expect(it_['islice']!('ABCDEFG', 2, null, 2)).toEqual(['C', 'E', 'G']);
    expect(it_['islice']!(it_['cycle']!('AB'), 5)).toEqual(['A', 'B', 'A', 'B', 'A']);
    expect(it_['accumulate']!([1, 2, 3, 4])).toEqual([1, 3, 6, 10]);
    expect(it_['groupby']!('AAABBC')).toEqual([['A', ['A', 'A', 'A']], ['B', ['B', 'B']], ['C', ['C']]]);
    expect(plain(it_['zip_longest']!('ABC', 'x', kw({ fillvalue: '-' })))).toEqual([['A', 'x'], ['B', '-'], ['C', '-']]);
    expect(it_['repeat']!('x', 3)).toEqual(['x', 'x', 'x']);
    expect(it_['compress']!('ABCDEF', [1, 0, 1, 0, 1, 1])).toEqual(['A', 'C', 'E', 'F']);
    expect(it_['pairwise']!('ABC')).toEqual([['A', 'B'], ['B', 'C']]);
    expect(it_['takewhile']!((x: unknown) => (x as number) < 5, [1, 4, 6, 1])).toEqual([1, 4]);
    expect(it_['dropwhile']!((x: unknown) => (x as number) < 5, [1, 4, 6, 1])).toEqual([6, 1]);
  });
});

describe('datetime values in templates: Python operators reach their methods', () => {
  it('+, -, /, //, <, == on datetimes, dates and timedeltas', async () => {
    const { TemplateEngine } = await import('../../../jinja/index.js');
    const e = new TemplateEngine();
    const m = { modules: { datetime: datetimeModule() } };
    const r = (src: string) => e.render({ file: 'm.sql', source: src }, m);
    expect(r("{% set dt = modules.datetime %}{{ dt.date(2024, 2, 28) + dt.timedelta(days=2) }}")).toBe('2024-03-01');
    expect(r("{% set dt = modules.datetime %}{{ dt.timedelta(days=2) + dt.datetime(2024, 1, 1) }}")).toBe('2024-01-03 00:00:00');
    expect(r("{% set dt = modules.datetime %}{{ dt.datetime(2024, 3, 1) - dt.datetime(2024, 2, 1, 12) }}")).toBe('28 days, 12:00:00');
    expect(r("{% set dt = modules.datetime %}{{ dt.timedelta(days=1) / dt.timedelta(hours=6) }}")).toBe('4');
    expect(r("{% set dt = modules.datetime %}{{ dt.timedelta(hours=5) // 2 }}")).toBe('2:30:00');
    expect(r("{% set dt = modules.datetime %}{{ dt.date(2024, 1, 1) < dt.date(2024, 1, 2) }} {{ dt.date(2024, 1, 1) == dt.date(2024, 1, 1) }}")).toBe('True True');
    expect(() => r("{% set dt = modules.datetime %}{{ dt.date(2024, 1, 1) + 1 }}")).toThrow(/unsupported operand/);
  });
});
