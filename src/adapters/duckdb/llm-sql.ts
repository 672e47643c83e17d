/**
 * The SQL of the LLM step (src/llm) and its cache. Responses reach a model only by reading the cache table through the
 * macros below; prompts and responses never enter statement text (they are bound or appended).
 * Spec ids pasted into SQL are 32 hex digits this module made.
 */
import { quoteIdent } from './sql.js';
import { STATE_SCHEMA } from './state-sql.js';
export const CACHE_TABLE = 'llm_cache';
export const CACHE_SQL = `${quoteIdent(STATE_SCHEMA)}.${quoteIdent(CACHE_TABLE)}`;

/** What `llm_generate` renders to, up to its arguments: `"_bmp"."llm_response"('spec', (prompt))`. */
export const RESPONSE_CALL = `${quoteIdent(STATE_SCHEMA)}.${quoteIdent('llm_response')}(`;
/** What `llm_embed` renders to, up to its arguments. */
export const EMBEDDING_CALL = `${quoteIdent(STATE_SCHEMA)}.${quoteIdent('llm_embedding')}(`;

/** The JS function the collect pass calls (registered per database). */
export const COLLECT_UDF = '__bmp_llm_collect';
const COLLECT_TEXT = '__bmp_llm_collect_text';
const COLLECT_EMBED = '__bmp_llm_collect_embedding';

const SPEC_ID = /^[0-9a-f]{32}$/;

function specLiteral(spec: string): string {
  if (!SPEC_ID.test(spec)) throw new Error(`not a spec id: ${spec}`);
  return `'${spec}'`;
}

/** `llm_generate(...)` as SQL: a lookup of the response in the cache. */
export function responseCallSql(spec: string, promptSql: string): string {
  return `${RESPONSE_CALL}${specLiteral(spec)}, (${promptSql}))`;
}

/** `llm_embed(...)` as SQL: a lookup of the embedding (FLOAT[], or FLOAT[dims] when known). */
export function embeddingCallSql(spec: string, textSql: string, dims?: number): string {
  const call = `${EMBEDDING_CALL}${specLiteral(spec)}, (${textSql}))`;
  return dims ? `cast(${call} as float[${Math.floor(dims)}])` : call;
}

/** How many LLM call sites a compiled statement has. */
export function countCallSites(sql: string): number {
  // most models call no LLM: answer them without splitting their SQL
  if (!sql.includes(RESPONSE_CALL) && !sql.includes(EMBEDDING_CALL)) return 0;
  return sql.split(RESPONSE_CALL).length - 1 + sql.split(EMBEDDING_CALL).length - 1;
}

/**
 * The collect form of a compiled statement: each lookup becomes a call of the JS collector, which
 * records (spec, prompt) and answers with the response when this run already holds it (NULL
 * otherwise), so prompts built from other responses appear in later passes.
 */
export function collectSql(sql: string, collector: number): string {
  const id = Math.floor(collector);
  return sql.replaceAll(RESPONSE_CALL, `${COLLECT_TEXT}(${id}, `).replaceAll(EMBEDDING_CALL, `${COLLECT_EMBED}(${id}, `);
}

/** Evaluates every row and column of a query, and returns nothing but a count. */
export function probeSql(selectSql: string): string {
  return `select count(*) as n from (\n${selectSql}\n) as __bmp_llm_probe where __bmp_llm_probe is not null`;
}

/** The cache table and the lookup macros (idempotent). */
export function cacheDdl(): string[] {
  const s = quoteIdent(STATE_SCHEMA);
  return [
    `create schema if not exists ${s}`,
    `create table if not exists ${CACHE_SQL} (
  key varchar primary key,
  kind varchar not null,
  provider varchar not null,
  model varchar not null,
  options varchar not null,
  spec varchar not null,
  prompt varchar not null,
  response varchar,
  embedding float[],
  duration_ms double,
  attempts integer,
  created_at timestamp not null,
  last_used_at timestamp not null,
  hit_count bigint not null default 0
)`,
    // normalization: the SQL twin of normalizePrompt() in spec.ts
    // (not trim(): DuckDB's trim also strips Unicode spaces, JS's /^ +| +$/ only ASCII ones)
    `create or replace macro ${s}.llm_norm(p) as regexp_replace(regexp_replace(cast(p as varchar), '[ \\t\\n\\r\\f\\v]+', ' ', 'g'), '^ +| +$', '', 'g')`,
    `create or replace macro ${s}.llm_key(spec, p) as sha256(spec || chr(31) || ${s}.llm_norm(p))`,
    // the key is computed in a one-row derived table of its own, so the prompt expression's columns
    // bind to the model's row even when they are named key, prompt, response... like the cache's,
    // and the lookup stays a hash join on key
    `create or replace macro ${s}.llm_response(spec, p) as (select c.response from (select ${s}.llm_key(spec, p) as __bmp_key) q, ${CACHE_SQL} c where c.key = q.__bmp_key)`,
    `create or replace macro ${s}.llm_embedding(spec, p) as (select c.embedding from (select ${s}.llm_key(spec, p) as __bmp_key) q, ${CACHE_SQL} c where c.key = q.__bmp_key)`,
  ];
}

/** Per-connection helpers of the collect pass (temp macros: they exist only while bmp runs). */
export function collectDdl(): string[] {
  // the prompt is normalized here, in SQL, exactly as the lookup macros do, and appears once (a
  // prompt built from another call's answer is not evaluated twice)
  const udf = `${COLLECT_UDF}(cast(cid as varchar), spec, ${quoteIdent(STATE_SCHEMA)}.llm_norm(p))`;
  return [`create or replace temp macro ${COLLECT_TEXT}(cid, spec, p) as ${udf}`, `create or replace temp macro ${COLLECT_EMBED}(cid, spec, p) as cast(${udf} as float[])`];
}

/** This connection's scratch table of the prompts one collect pass saw (filled by appending). */
export const PROMPT_STAGE = { database: 'temp', schema: 'main', identifier: '__bmp_llm_prompts' } as const;
const STAGE_SQL = 'temp.main.__bmp_llm_prompts';
/** The cache key of a staged row, computed by DuckDB (the SQL twin of cacheKey()). */
const STAGED_KEY = 'sha256(k.spec || chr(31) || k.prompt)';

/** The fresh staged prompts the cache does not hold, with their keys. */
export const STAGED_MISSING_SQL = `select ${STAGED_KEY} as key, k.spec, k.prompt from ${STAGE_SQL} as k anti join ${CACHE_SQL} as c on c.key = ${STAGED_KEY} where k.fresh`;

/** One use fewer for each staged key in `$1` (a varchar list): the row that caused a request was not a hit. */
export const DISCOUNT_REQUESTED_SQL = `update ${STAGE_SQL} as k set n = n - 1 where ${STAGED_KEY} in (select unnest($1::varchar[]))`;

/** The staged uses added to each entry's hit count, marked used at `$1`. */
export const RECORD_STAGED_HITS_SQL = `update ${CACHE_SQL} as c set hit_count = c.hit_count + k.n, last_used_at = cast($1 as timestamp) from ${STAGE_SQL} as k where c.key = ${STAGED_KEY} and k.n > 0`;

/** The stored answers of the fresh staged prompts. */
export const STAGED_ANSWERS_SQL = `select k.spec, k.prompt, c.response, c.embedding from ${STAGE_SQL} as k join ${CACHE_SQL} as c on c.key = ${STAGED_KEY} where k.fresh`;

/**
 * The cache entries of every staged prompt (fresh or not), as the appender takes them back (the
 * embedding as text: FLOAT prints the shortest text that reads back as the same FLOAT). Copies what
 * a statement run in another database (a unit test's) will look up into that database's cache.
 */
export const STAGED_ENTRIES_SQL = `select c.key, c.kind, c.provider, c.model, c.options, c.spec, c.prompt, c.response, cast(c.embedding as varchar) as embedding,
            c.duration_ms, c.attempts, cast(c.created_at as varchar) as created_at, cast(c.last_used_at as varchar) as last_used_at, c.hit_count
     from ${CACHE_SQL} as c where c.key in (select ${STAGED_KEY} from ${STAGE_SQL} as k)`;

/** The cache table's columns, in table order (as the appender writes a row). */
export const CACHE_ROW_COLUMNS = ['key', 'kind', 'provider', 'model', 'options', 'spec', 'prompt', 'response', 'embedding', 'duration_ms', 'attempts', 'created_at', 'last_used_at', 'hit_count'] as const;

/** The types of {@link CACHE_ROW_COLUMNS} as the appender takes them (the embedding and times as text). */
export const CACHE_ROW_TYPES = ['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'INTEGER', 'VARCHAR', 'VARCHAR', 'BIGINT'] as const;

/** Entries, hits and provider time per (kind, provider, model). */
export const CACHE_STATS_SQL = `select kind, provider, model, count(*) as entries, coalesce(sum(hit_count), 0) as hits, coalesce(sum(duration_ms), 0) / 1000.0 as fetch_seconds,
            cast(min(created_at) as varchar) as first_created, cast(max(last_used_at) as varchar) as last_used
     from ${CACHE_SQL} group by all order by kind, provider, model`;

export function stagePromptsDdl(): string {
  return 'create or replace temp table __bmp_llm_prompts (spec varchar, prompt varchar, n bigint, fresh boolean)';
}

/**
 * Deletes cache entries: those `filter` (a `where ...` over bound values, or empty) selects, or with
 * `keepNewest`, all but the newest that many of them (`keepNewest` is the bound parameter's name, `$n`).
 */
export function pruneCacheSql(filter: string, keepNewest?: string): string {
  if (keepNewest === undefined) return `delete from ${CACHE_SQL}${filter}`;
  const beyond = `select key from ${CACHE_SQL}${filter} order by last_used_at desc, created_at desc, key offset ${keepNewest}`;
  return `delete from ${CACHE_SQL} where key in (${beyond})`;
}
