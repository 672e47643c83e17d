import { describe, expect, it } from 'vitest';
import type { Connection } from '../adapters/duckdb/index.js';
import type { Session } from '../execute/index.js';
import { BatchScans } from './data-test-runner.js';
import type { BatchGroup } from './test-batches.js';

const group: BatchGroup = {
  key: 'model.p.orders',
  members: [
    { id: 'test.a', testName: 'not_null', args: { column_name: 'id' } },
    { id: 'test.b', testName: 'unique', args: { column_name: 'id' } },
  ],
};
const groups = new Map(group.members.map((m) => [m.id, group]));
// a session whose manifest lacks the model: the group's query answers at once, not ok
const session = { opts: { manifest: { nodes: new Map(), sources: new Map() } } } as unknown as Session;
const conn = {} as Connection;

describe('BatchScans', () => {
  it("holds a group's other tests back from the moment its first test starts until the shared query answers", async () => {
    const scans = new BatchScans(groups);
    expect(scans.scanRunning('test.b')).toBe(false);
    scans.begin('test.a');
    // test.a compiles before it asks for the query: test.b would already only wait
    expect(scans.scanRunning('test.b')).toBe(true);
    const answer = scans.outcome(session, group, conn);
    expect(scans.scanRunning('test.b')).toBe(true);
    expect(await answer).toEqual({ ok: false, error: 'no relation' });
    scans.end('test.a');
    expect(scans.scanRunning('test.b')).toBe(false);
    // later tests of the group take the answer; starting one holds nobody back
    scans.begin('test.b');
    expect(scans.scanRunning('test.a')).toBe(false);
    expect(scans.outcome(session, group, conn)).toBe(scans.outcome(session, group, conn));
  });

  it('lets the next test run the query when the first ended without asking (its compile failed)', () => {
    const scans = new BatchScans(groups);
    scans.begin('test.a');
    scans.end('test.a');
    expect(scans.scanRunning('test.b')).toBe(false);
    expect(scans.scanRunning('test.other')).toBe(false);
  });
});
