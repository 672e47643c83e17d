/**
 * A `node --require` probe for the overhead suite's phase split (bench/phases.mjs): it wraps
 * @duckdb/node-bindings' query() (the one call both bmp and the raw floor issue their statements
 * through) and, at exit, prints one line to stderr:
 *
 *   PROBE {"n":…,"firstMs":…,"firstCpu":…,"inflight":…,"gaps":…,"during":…,"stmtPhaseMs":…,"exitMs":…,"mainCpu":…}
 *
 * Only statements matching BMP_PROBE_MATCH (a regular expression, default `^create or replace table`)
 * are counted, so bmp's catalog queries and final checkpoint stay out of the statement phase.
 * - firstMs / firstCpu: process time and main-thread CPU when the first counted statement is dispatched
 * - inflight: sum over statements of dispatch -> the promise settling (what DuckDB and the thread
 *   hand-offs take); gaps: sum of one statement settling -> the next one's dispatch (the caller's path)
 * - during: main-thread CPU spent while statements were in flight (work that competes with DuckDB's
 *   threads on a small machine)
 * - stmtPhaseMs: first dispatch -> last settle; exitMs: process time at exit; mainCpu: main-thread CPU
 * Main-thread CPU is read from /proc/thread-self/schedstat (Linux; 0 elsewhere). A measuring tool
 * only: it adds a few microseconds per statement to both sides alike.
 */
'use strict';
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

const match = new RegExp(process.env.BMP_PROBE_MATCH || '^\\s*create or replace table', 'i');
const cpuMs = () => {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return 0;
  }
};
const st = { n: 0, first: 0, firstCpu: 0, lastEnd: 0, inflight: 0, gaps: 0, during: 0 };
let wrapped;
const load = Module._load;
Module._load = function (request) {
  const m = load.apply(this, arguments);
  if (request !== '@duckdb/node-bindings') return m;
  if (wrapped) return wrapped;
  const query = m.query;
  // the binding's properties are read-only: an object inheriting from it, with query() wrapped
  wrapped = Object.create(m);
  Object.defineProperty(wrapped, 'query', {
    value(connection, sql) {
      if (!match.test(sql)) return query.call(this, connection, sql);
      const t = performance.now();
      if (st.n++ === 0) {
        st.first = t;
        st.firstCpu = cpuMs();
      } else st.gaps += t - st.lastEnd;
      const settled = query.call(this, connection, sql);
      const c0 = cpuMs();
      const done = () => {
        const e = performance.now();
        st.inflight += e - t;
        st.lastEnd = e;
        st.during += cpuMs() - c0;
      };
      settled.then(done, done);
      return settled;
    },
  });
  return wrapped;
};
process.on('exit', () => {
  const r = (x) => Math.round(x * 10) / 10;
  const out = { n: st.n, firstMs: r(st.first), firstCpu: r(st.firstCpu), inflight: r(st.inflight), gaps: r(st.gaps), during: r(st.during), stmtPhaseMs: r(st.lastEnd - st.first), exitMs: r(performance.now()), mainCpu: r(cpuMs()) };
  process.stderr.write(`PROBE ${JSON.stringify(out)}\n`);
});
