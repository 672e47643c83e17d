import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import type { NodeSummary } from './events.js';

const node: NodeSummary = { uniqueId: 'model.p.m', name: 'm', resourceType: 'model', materialized: 'table', relation: 'main.m' };

describe('createLogger: events reported later keep the time they happened', () => {
  it('a debug line carries the event time, not the time it was written', () => {
    const lines: string[] = [];
    const logger = createLogger({ invocationId: 'i', console: { format: 'debug', level: 'debug', color: false, write: (l) => lines.push(l) } });
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    logger.emit({ code: 'Q002', type: 'node.start', index: 1, total: 1, node }, at);
    expect(lines.length).toBe(2);
    for (const l of lines) expect(l.startsWith('03:04:05.678000 ')).toBe(true);
  });

  it("a JSON line's ts and NodeStart's node_started_at are the event time", () => {
    const lines: string[] = [];
    const logger = createLogger({ invocationId: 'i', console: { format: 'json', level: 'debug', color: false, write: (l) => lines.push(l) } });
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    logger.emit({ code: 'Q002', type: 'node.start', index: 1, total: 1, node }, at);
    const start = lines.map((l) => JSON.parse(l)).find((j) => j.info.name === 'NodeStart');
    expect(start.info.ts).toBe('2026-01-02T03:04:05.678000Z');
    expect(start.data.node_info.node_started_at).toBe('2026-01-02T03:04:05.678Z');
  });
});
