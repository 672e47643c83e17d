import { describe, expect, it } from 'vitest';

import { BmpError, UsageError } from '../errors.js';
import { parseSelection, parseSelector } from './selector-spec.js';

/** Runs `fn` and returns the BmpError it throws (fails the test when it does not throw one). */
function thrown(fn: () => unknown): BmpError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as BmpError;
  }
  throw new Error('expected an error');
}

describe('parseSelector', () => {
  it('parses methods, values and depth-limited graph operators', () => {
    expect(parseSelector('2+tag:nightly+3')).toEqual({
      raw: '2+tag:nightly+3',
      method: 'tag',
      methodArgs: [],
      value: 'nightly',
      parents: true,
      parentsDepth: 2,
      children: true,
      childrenDepth: 3,
      childrensParents: false,
    });
  });

  it('parses a bare name with the @ operator', () => {
    expect(parseSelector('@stg_x')).toEqual({
      raw: '@stg_x',
      method: 'fqn',
      methodArgs: [],
      value: 'stg_x',
      parents: false,
      children: false,
      childrensParents: true,
    });
  });

  it('leaves depths undefined for unlimited + and keeps 0', () => {
    const s = parseSelector('+orders+');
    expect([s.parents, s.parentsDepth, s.children, s.childrenDepth]).toEqual([true, undefined, true, undefined]);
    const z = parseSelector('0+orders+0');
    expect([z.parentsDepth, z.childrenDepth]).toEqual([0, 0]);
    expect(parseSelector('@+orders')).toMatchObject({ childrensParents: true, parents: true, value: 'orders' });
  });

  it('splits dotted method arguments', () => {
    expect(parseSelector('config.meta.owner:ana')).toMatchObject({
      method: 'config',
      methodArgs: ['meta', 'owner'],
      value: 'ana',
    });
  });

  it('picks dbt default methods for bare values', () => {
    expect(parseSelector('models/staging').method).toBe('path');
    expect(parseSelector('stg_orders.sql').method).toBe('file');
    expect(parseSelector('countries.CSV').method).toBe('file');
    expect(parseSelector('marts.finance').method).toBe('fqn');
    expect(parseSelector('stg_*').method).toBe('fqn');
  });

  it('keeps a + inside the value and colons after the method', () => {
    expect(parseSelector('a+b')).toMatchObject({ value: 'a+b', parents: false, children: false });
    expect(parseSelector('tag:a:b')).toMatchObject({ method: 'tag', value: 'a:b' });
    expect(parseSelector('  tag:x  ').raw).toBe('tag:x');
  });

  it('returns a frozen record', () => {
    const s = parseSelector('config.materialized:table');
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.methodArgs)).toBe(true);
  });

  it.each([
    ['+', /names nothing/],
    ['@', /names nothing/],
    ['2+', /names nothing/],
    ['tag:', /nothing after 'tag:'/],
    ['+tag:+', /nothing after 'tag:'/],
    ['@orders+', /'@' prefix and the '\+' suffix/],
    ['test_type:schemas', /not a test type/],
    ['resource_type:modle', /not a resource type/],
    ['access:open', /not a model access/],
    ['version:2', /not a version selector/],
    ['config:table', /needs a key/],
    ['config..x:y', /needs a key/],
    ['tag.x:y', /takes no '\.x' argument/],
    ['source:a.b.c.d', /source_name/],
    ['source:a..b', /source_name/],
    ['unit_test:a.b.c', /test_name/],
  ])('rejects %s with BMP_SELECTOR_INVALID', (text, message) => {
    const err = thrown(() => parseSelector(text));
    expect(err.code).toBe('BMP_SELECTOR_INVALID');
    expect(err.message).toMatch(message);
  });

  it('suggests the closest valid value', () => {
    expect(thrown(() => parseSelector('resource_type:modle')).hint).toBe("did you mean 'model'?");
  });

  it('rejects an unknown method with a did-you-mean hint', () => {
    const err = thrown(() => parseSelector('tagg:nightly'));
    expect(err.code).toBe('BMP_SELECTOR_UNKNOWN_METHOD');
    expect(err.message).toBe("Unknown selector method 'tagg' in 'tagg:nightly'");
    expect(err.hint).toBe("did you mean 'tag'?");
    expect(thrown(() => parseSelector('confg.materialized:table')).hint).toBe("did you mean 'config'?");
    expect(thrown(() => parseSelector('zzzzzzzz:x')).hint).toBeUndefined();
  });

  it.each(['source_status:fresher'])('rejects %s with BMP_SELECTOR_UNSUPPORTED_METHOD', (text) => {
    expect(thrown(() => parseSelector(text)).code).toBe('BMP_SELECTOR_UNSUPPORTED_METHOD');
  });

  it('reads state: and result: values (they need --state at selection time), and rejects unknown ones', () => {
    expect(parseSelector('state:modified.body').value).toBe('modified.body');
    expect(parseSelector('result:error').value).toBe('error');
    expect(thrown(() => parseSelector('state:changed')).code).toBe('BMP_SELECTOR_INVALID');
    expect(thrown(() => parseSelector('result:broken')).code).toBe('BMP_SELECTOR_INVALID');
  });

  it('accepts every valid enumerated value', () => {
    for (const t of ['generic', 'schema', 'singular', 'data', 'unit']) expect(parseSelector(`test_type:${t}`).value).toBe(t);
    for (const t of ['model', 'seed', 'test', 'source', 'snapshot', 'unit_test', 'analysis', 'exposure']) {
      expect(parseSelector(`resource_type:${t}`).value).toBe(t);
    }
  });
});

describe('parseSelection', () => {
  it('splits list items and spaces into a union of comma intersections', () => {
    const groups = parseSelection(['a  b', 'tag:x,config.materialized:table', '']);
    expect(groups.map((g) => g.map((s) => s.raw))).toEqual([['a'], ['b'], ['tag:x', 'config.materialized:table']]);
    expect(groups[2]!.map((s) => s.method)).toEqual(['tag', 'config']);
  });

  it('returns no groups for no words', () => {
    expect(parseSelection([])).toEqual([]);
    expect(parseSelection(['  '])).toEqual([]);
  });

  it.each(['tag:x,', ',a', 'a,,b'])('rejects the empty atom in %s', (text) => {
    const err = thrown(() => parseSelection([text]));
    expect(err.code).toBe('BMP_SELECTOR_INVALID');
  });

  it('reports an unknown method inside a group', () => {
    expect(thrown(() => parseSelection(['a tag:x,tagz:y'])).code).toBe('BMP_SELECTOR_UNKNOWN_METHOD');
  });
});
