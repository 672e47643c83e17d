import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, execute, show } from '../../src/tasks/index.js';
import { copyPipeline, removeDir } from '../helpers/project.js';

/**
 * The Biological Memory Pipeline at the repository top level, built by the real engine into temp
 * database files (BMP_DB_PATH), on the embedded default (synthetic memories, offline LLM).
 */
let dir: string;
beforeAll(() => {
  dir = copyPipeline('bmp-pipeline-');
});
afterAll(() => removeDir(dir));

async function build(db: string, command: 'build' | 'run', vars: Record<string, unknown>) {
  process.env['BMP_DB_PATH'] = db;
  try {
    return await execute(command, { projectDir: dir, vars });
  } finally {
    delete process.env['BMP_DB_PATH'];
  }
}

async function rows(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  try {
    const c = await inst.connect();
    return (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    inst.closeSync();
  }
}

/**
 * Every table and view of `main`, as sorted rows with doubles rounded (float sums depend on order),
 * without the columns named in `skip`.
 */
async function snapshotOf(db: string, skip: readonly string[] = []): Promise<Record<string, string>> {
  const rels = (await rows(db, "select table_name as t from duckdb_tables() where schema_name = 'main' union select view_name from duckdb_views() where schema_name = 'main' and not internal order by 1")).map((r) => String(r['t']));
  const out: Record<string, string> = {};
  for (const t of rels) {
    const cols = (await rows(db, `select column_name as n, data_type as d from duckdb_columns() where schema_name = 'main' and table_name = '${t}' order by column_index`)).filter((c) => !skip.includes(String(c['n'])));
    const sel = cols
      .map(({ n, d }) => (d === 'DOUBLE' || d === 'FLOAT' ? `round("${n}", 9)` : String(d).startsWith('FLOAT[') ? `list_transform("${n}"::float[], lambda x: round(x, 6))` : `"${n}"`))
      .join(', ');
    out[t] = JSON.stringify(await rows(db, `select ${sel} from main."${t}" order by all`));
  }
  return out;
}

describe('the Biological Memory Pipeline', () => {
  it('builds on the embedded default with every data test passing and every stage holding rows', async () => {
    const db = join(dir, 'default.duckdb');
    const out = await build(db, 'build', {});
    const bad = out.results.filter((r) => r.status !== 'success' && r.status !== 'pass');
    expect(bad.map((r) => `${r.uniqueId}: ${r.status} ${r.message}`)).toEqual([]);
    expect(out.exitCode).toBe(0);
    const [wm] = await rows(db, 'select count(*) as n, max(wm_rank) as top from main.wm_active_context');
    // working memory holds chunks: Cowan's 4 +/- 1 (project.yml working_memory_capacity/variance)
    expect(Number(wm!['n'])).toBeGreaterThanOrEqual(3);
    expect(Number(wm!['n'])).toBeLessThanOrEqual(5);
    const health = await rows(db, 'select stage, items from main.memory_health order by stage_order');
    expect(health.length).toBeGreaterThanOrEqual(6);
    for (const h of health) expect(Number(h['items'])).toBeGreaterThan(0);
    // related_memories' similarity (offline: read back from the top-k key) against the cosine of
    // the two embeddings' feature sets: within 1e-9, and equal exactly where the cosines are
    const bits = (e: string) => `(bit_count(${e}.w1)::int + bit_count(${e}.w2)::int)`;
    const [sim] = await rows(
      db,
      `with pairs as (
         select r.similarity, sqrt(((bit_count(a.embedding.w1 & b.embedding.w1)::int + bit_count(a.embedding.w2 & b.embedding.w2)::int) ** 2)::double / (${bits('a.embedding')} * ${bits('b.embedding')})) as cosine
         from main.related_memories as r
         join main.ltm_memories as a on a.memory_id = r.memory_id
         join main.ltm_memories as b on b.memory_id = r.related_memory_id)
       select count(*) as n, max(abs(similarity - cosine)) as off, count(distinct similarity) as similarities, count(distinct cosine) as cosines,
         (select count(*) from (select distinct similarity, cosine from pairs)) as both
       from pairs`,
    );
    expect(Number(sim!['n'])).toBeGreaterThan(1000);
    expect(Number(sim!['off'])).toBeLessThan(1e-9);
    expect(Number(sim!['similarities'])).toBe(Number(sim!['cosines']));
    expect(Number(sim!['both'])).toBe(Number(sim!['cosines']));
    // the layout incremental runs rely on (docs/PIPELINE.md, "Layout and scale"): a full build
    // stores stm_episodes in memory_id order, and memory_replay comes out of its joins in that
    // order without a sort of its own. DuckDB writes the vectors of a parallel insert in no fixed
    // order, so what is checked is what zone maps need: each stored vector of 2,048 rows holds a
    // narrow range of ids (in the windows' order each one reached across the whole stream, and
    // every later run read these tables whole, with the same rows).
    for (const table of ['stm_episodes', 'memory_replay']) {
      const [layout] = await rows(db, `select sum(n) as n, max(hi - lo) as widest from (select rowid // 2048 as v, count(*) as n, min(memory_id) as lo, max(memory_id) as hi from main.${table} group by 1)`);
      expect({ table, n: Number(layout!['n']) > 5000, narrow: Number(layout!['widest']) < 2 * 2048 }).toEqual({ table, n: true, narrow: true });
    }
  });

  // with llm_enrichment too: the LLM's embeddings (FLOAT vectors) and gists go through the same
  // incremental paths (related_memories ranks equal similarities the same way in both)
  it.each([
    { llm: false, name: 'offline' },
    { llm: true, name: 'llm_enrichment' },
  ])('builds day by day over a moving as_of into the same tables as one full build ($name)', async ({ llm, name }) => {
    const n = 3000;
    const full = join(dir, `full-${name}.duckdb`);
    expect((await build(full, 'run', { synthetic_memories: n, llm_enrichment: llm })).exitCode).toBe(0);
    const asOf = String((await rows(full, 'select strftime(as_of, \'%Y-%m-%d %H:%M:%S\') as a from main.pipeline_clock'))[0]!['a']);
    const final = new Date(asOf.replace(' ', 'T') + 'Z').getTime();
    const daily = join(dir, `daily-${name}.duckdb`);
    const fmt = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 19);
    // 71-hour steps: nights, episode windows and month boundaries fall between runs differently each time
    for (let t = final - 11 * 24 * 3600e3; t < final; t += 71 * 3600e3) {
      const step = await build(daily, 'run', { synthetic_memories: n, llm_enrichment: llm, as_of: fmt(t) });
      expect(step.exitCode).toBe(0);
    }
    expect((await build(daily, 'build', { synthetic_memories: n, llm_enrichment: llm, as_of: asOf })).exitCode).toBe(0);
    expect((await build(full, 'run', { synthetic_memories: n, llm_enrichment: llm, as_of: asOf })).exitCode).toBe(0);
    // the daily window must exercise both ways into long-term memory: first nights and
    // reconsolidation after a retrieval (a memory entering months after it was created)
    const entries = await rows(daily, `select fate, count(*) as n from main.ltm_memories where consolidated_at > timestamp '${fmt(final - 11 * 24 * 3600e3)}' group by fate`);
    expect(Object.fromEntries(entries.map((e) => [e['fate'], Number(e['n']) > 0]))).toEqual({ hippocampal_retention: true, reconsolidation: true });
    // memory_health's llm_cache_hit_rate is the cache's history (hits over runs), not the memories
    const skip = llm ? ['llm_cache_hit_rate'] : [];
    const [a, b] = [await snapshotOf(full, skip), await snapshotOf(daily, skip)];
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const t of Object.keys(a)) expect(b[t], `relation ${t}`).toBe(a[t]);
  });

  it('keys an offline similarity exactly, the same from its parts as from two embeddings', async () => {
    // 6 features shared of 16 and 8: the squared similarity is 36/128 = 0.28125, exactly 2415919104
    // units of 2^-33; the double route (sqrt, square, floor) lands one unit below. A full build keys
    // pairs from their parts in its window pass, an incremental run from the embeddings: both must
    // give the same key, or a pair met again would count twice in a memory's top k.
    const exact = 2415919104n * 536870912n + (536870911n - 7n);
    const a = '{w1: 65535::ubigint, w2: 0::ubigint}'; // 16 features
    const b = '{w1: 4032::ubigint, w2: 3::ubigint}'; // 8 features, 6 of them in a
    const db = join(dir, 'keys.duckdb');
    (await DuckDBInstance.create(db)).closeSync();
    process.env['BMP_DB_PATH'] = db;
    const out = await show({
      projectDir: dir,
      inline: `select {{ overlap_seq_key('6', '16', '8', '7') }} as from_parts,
        {{ memory_similarity_key("${a}", "${b}", '7') }} as from_embeddings,
        {{ score_seq_key(memory_similarity("${a}", "${b}"), '7') }} as double_route`,
    }).finally(() => delete process.env['BMP_DB_PATH']);
    const row = out.rows[0]!;
    expect(BigInt(String(row['from_parts']))).toBe(exact);
    expect(BigInt(String(row['from_embeddings']))).toBe(exact);
    expect(BigInt(String(row['double_route']))).toBe(exact - 536870912n);
  });

  it("gists an episode offline as its first words, whatever whitespace separates them", async () => {
    const db = join(dir, 'gist.duckdb');
    (await DuckDBInstance.create(db)).closeSync();
    process.env['BMP_DB_PATH'] = db;
    const words = Array.from({ length: 20 }, (_, i) => `w${i + 1}`);
    const out = await show({
      projectDir: dir,
      inline: `select {{ episode_gist("' a' || chr(9) || 'b' || chr(10) || chr(13) || 'c  d' || chr(11) || 'e' || chr(12) || 'f '") }} as spaced,
        {{ episode_gist("'one two  three'") }} as plain,
        {% for c in [9, 10, 11, 12, 13] %}{{ episode_gist("'x' || chr(" ~ c ~ ") || 'y'") }} as only_{{ c }},{% endfor %}
        {{ episode_gist("'${words.join(' ')}'") }} as long,
        {{ episode_gist('null') }} as empty`,
    }).finally(() => delete process.env['BMP_DB_PATH']);
    expect(out.rows[0]).toEqual({ spaced: 'a b c d e f', plain: 'one two three', only_9: 'x y', only_10: 'x y', only_11: 'x y', only_12: 'x y', only_13: 'x y', long: `${words.slice(0, 16).join(' ')} …`, empty: '' });
  });

  it('relates memories the same whether keys hold their ids or their ranks', async () => {
    // A build keys related memories by id when every id fits in a key (the synthetic ones do); the
    // same model compiled before ltm_memories exists keys them by rank in id order. Run against the
    // built tables, that SQL must give the table the build wrote.
    const db = join(dir, 'key-paths.duckdb');
    const vars = { synthetic_memories: 3000 };
    const run = await build(db, 'run', vars);
    expect(run.results.filter((r) => r.status !== 'success').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
    const compiledPath = join(dir, 'target/compiled/biological_memory/models/semantic/related_memories.sql');
    expect(readFileSync(compiledPath, 'utf8')).toContain('memory_id as seq');
    process.env['BMP_DB_PATH'] = join(dir, 'key-paths-empty.duckdb');
    try {
      await compile({ projectDir: dir, vars, select: ['related_memories'] });
    } finally {
      delete process.env['BMP_DB_PATH'];
    }
    const byRank = readFileSync(compiledPath, 'utf8');
    expect(byRank).toContain('row_number() over (order by memory_id) as seq');
    const diff = await rows(db, `select
      (select count(*) from ((${byRank}) except all (select * from main.related_memories))) as extra,
      (select count(*) from ((select * from main.related_memories) except all (${byRank}))) as missing,
      (select count(*) from main.related_memories) as n`);
    expect(diff).toEqual([{ extra: '0', missing: '0', n: expect.not.stringMatching(/^0$/) }]);
  });

  it('relates memories whose ids do not fit in a key the same run by run as in one build', async () => {
    // ids above 2^29 are keyed by their rank among the memories an incremental run meets, not by
    // themselves: a run at an earlier as_of and one at the last must give the table one run at the
    // last gives (many equal similarities: ties fall to that rank)
    const topics = ['garden', 'budget', 'chess', 'recipe', 'travel'];
    const start = Date.UTC(2025, 0, 1, 8);
    const at = (i: number) => new Date(start + i * 47 * 60e3).toISOString().replace('T', ' ').slice(0, 19);
    const lines = ['memory_id,content,created_at'];
    for (let i = 0; i < 700; i++) {
      lines.push(`${2 ** 40 + i * 7919},"Notes on the ${topics[i % 5]} and the ${topics[(i * 3) % 5]} plan with ${topics[(i * 7) % 5]}, ${['early', 'late', 'quiet'][i % 3]}",${at(i)}`);
    }
    writeFileSync(join(dir, 'big_ids.csv'), `${lines.join('\n')}\n`);
    const vars = (asOf: string) => ({ memories_path: 'big_ids.csv', as_of: asOf });
    const [stepwise, once] = [join(dir, 'big-ids-steps.duckdb'), join(dir, 'big-ids-once.duckdb')];
    expect((await build(stepwise, 'run', vars(at(400)))).exitCode).toBe(0);
    expect((await build(stepwise, 'run', vars(at(699)))).exitCode).toBe(0);
    const compiled = readFileSync(join(dir, 'target/compiled/biological_memory/models/semantic/related_memories.sql'), 'utf8');
    expect(compiled).toContain('new_postings as');
    expect(compiled).toContain('row_number() over (order by memory_id) as seq');
    expect((await build(once, 'run', vars(at(699)))).exitCode).toBe(0);
    const [a, b] = [await snapshotOf(stepwise), await snapshotOf(once)];
    expect(JSON.parse(a['related_memories']!).length).toBeGreaterThan(1000);
    expect(a['related_memories']).toBe(b['related_memories']);
  });

  it('posts a memory on no more LLM bands than its embedding has 8-dimension groups', async () => {
    const postings = async (vars: Record<string, unknown>) => {
      process.env['BMP_DB_PATH'] = join(dir, 'compile-only.duckdb');
      let sql: string;
      try {
        sql = (await compile({ projectDir: dir, vars, select: ['memory_postings'] })).single!.sql;
      } finally {
        delete process.env['BMP_DB_PATH'];
      }
      // the band of posting i is chosen by `case i % bands when 0 ... when bands - 1`
      return Number(/case i % (\d+) when/.exec(sql)?.[1] ?? 1);
    };
    expect(await postings({ llm_enrichment: true, related_lsh_bands: 20 })).toBe(16);
    expect(await postings({ llm_enrichment: true, related_lsh_bands: 20, embedding_dimensions: 32 })).toBe(4);
    expect(await postings({ llm_enrichment: true, related_lsh_bands: 3 })).toBe(3);
    // offline: as many as the embedding has words
    expect(await postings({ related_lsh_bands: 20 })).toBe(2);
  });

  it("builds on the user's memories with only the required columns (memory_id, content, created_at)", async () => {
    const db = join(dir, 'user.duckdb');
    const topics = ['garden', 'budget', 'chess', 'recipe'];
    const start = Date.UTC(2025, 0, 1, 8);
    const lines = ['memory_id,content,created_at'];
    for (let i = 0; i < 400; i++) {
      const at = new Date(start + i * 47 * 60e3).toISOString().replace('T', ' ').slice(0, 19);
      lines.push(`${i},"Notes on the ${topics[i % 4]} and the ${topics[(i * 7) % 4]} plan, entry ${i}",${at}`);
    }
    writeFileSync(join(dir, 'user_memories.csv'), `${lines.join('\n')}\n`);
    const vars = { memories_path: 'user_memories.csv' };
    // every model builds on such input
    const run = await build(db, 'run', vars);
    expect(run.results.filter((r) => r.status !== 'success').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
    // and the input's own tests hold: the optional columns take their documented defaults (theme NULL)
    process.env['BMP_DB_PATH'] = db;
    try {
      const tested = await execute('test', { projectDir: dir, vars, select: ['raw_memories'] });
      expect(tested.results.filter((r) => r.status !== 'pass').map((r) => `${r.uniqueId}: ${r.message}`)).toEqual([]);
      expect(tested.results.length).toBeGreaterThan(10);
    } finally {
      delete process.env['BMP_DB_PATH'];
    }
    expect(await rows(db, "select count(*) as n, count(theme) as themes, min(source) as src from main.raw_memories")).toEqual([{ n: '400', themes: '0', src: 'import' }]);
  });
});
