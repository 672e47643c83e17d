import { describe, expect, it } from 'vitest';
import { MAX_RANGE, RenderBudget } from './limits.js';

describe('RenderBudget.range', () => {
  it('is Python\'s range: stop, start/stop, steps both ways, empty when the bounds cross', () => {
    const b = new RenderBudget();
    expect(b.range(4)).toEqual([0, 1, 2, 3]);
    expect(b.range(2, 5)).toEqual([2, 3, 4]);
    expect(b.range(0, 10, 3)).toEqual([0, 3, 6, 9]);
    expect(b.range(5, 0, -2)).toEqual([5, 3, 1]);
    expect(b.range(5, 2)).toEqual([]);
    expect(() => b.range(0, 5, 0)).toThrow(/step must not be zero/);
  });

  it('refuses one range past MAX_RANGE, and all ranges of a render past the total', () => {
    expect(() => new RenderBudget().range(MAX_RANGE + 1)).toThrow(/range\(\) would produce 100001 items; at most 100000/);
    expect(new RenderBudget().range(MAX_RANGE)).toHaveLength(MAX_RANGE);
    const b = new RenderBudget();
    expect(() => {
      for (let i = 0; i < 11; i++) b.range(MAX_RANGE);
    }).toThrow(/more than 1000000 items in all/);
  });
});
