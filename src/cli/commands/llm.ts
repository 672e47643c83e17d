/** `bmp llm cache stats|prune|clear`: inspect and manage the LLM response cache (_bmp.llm_cache). */
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CommandHelpers, CommandRegistrar, ParsedOptions } from '../command.js';
import { formatTable } from './core.js';

const LOCATION = ['--project-dir', '--profiles-dir', '--target', '--wait-for-lock', '--debug', '--no-color'];

function locationOptions(cmd: Command, h: CommandHelpers): Command {
  return h.addOptions(cmd, h.globalOptions.filter((o) => LOCATION.some((f) => o.flags.includes(f))));
}

function number(name: string, integer: boolean) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new UsageError('BMP_CLI_ARGUMENT', `${name} must be a non-negative ${integer ? 'integer' : 'number'}, got '${v}'`);
    return n;
  };
}

type CacheOpts = ParsedOptions & { olderThan?: number; provider?: string; model?: string; kind?: string; maxEntries?: number; unused?: boolean; output?: string };

/** Registers llm command(s) (named in src/cli/commands/index.ts). */
export const llmCommands: CommandRegistrar = (program, ctx, h) => {
  const llm = program.command('llm').description('the LLM response cache kept in the target database');
  const cache = llm.command('cache').description('inspect and manage _bmp.llm_cache');
  const location = (o: CacheOpts) => ({ projectDir: o.projectDir, profilesDir: o.profilesDir, target: o.target, waitForLockSeconds: o.waitForLock });

  const stats = locationOptions(cache.command('stats').description('entries, hits and provider time per provider and model'), h);
  stats.addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'));
  stats.action(async (o: CacheOpts) => {
    const { llmCacheStats } = await import('../../llm/cache-task.js');
    const r = await llmCacheStats(location(o));
    if (o.output === 'json') {
      ctx.io.out(JSON.stringify(r));
      return;
    }
    if (!r.exists) {
      ctx.output('Note', `No LLM cache in ${r.database} yet (a build that calls llm_generate or llm_embed creates ${r.table}).`, undefined, true);
      return;
    }
    const pct = r.hitRate === null ? 'n/a' : `${(100 * r.hitRate).toFixed(1)}%`;
    ctx.output('Note', `${r.table} in ${r.database}: ${r.entries.toLocaleString('en-US')} entries, ${r.hits.toLocaleString('en-US')} hits (hit rate ${pct}), ${r.fetchSeconds.toFixed(2)}s of provider time cached`, undefined, true);
    const rows = r.groups.map((g) => ({
      kind: g.kind,
      provider: g.provider === 'offline' ? 'offline (not a model)' : g.provider,
      model: g.model,
      entries: g.entries,
      hits: g.hits,
      provider_s: g.fetchSeconds.toFixed(2),
      first_created: g.firstCreated ?? '',
      last_used: g.lastUsed ?? '',
    }));
    for (const line of formatTable(['kind', 'provider', 'model', 'entries', 'hits', 'provider_s', 'first_created', 'last_used'], rows)) ctx.output('Note', line, undefined, true);
  });

  const filters = (cmd: Command) =>
    cmd
      .option('--provider <name>', 'only entries of this provider (offline, ollama)')
      .option('--model <name>', 'only entries of this model')
      .addOption(new Option('--kind <kind>', 'only generate or embed entries').choices(['generate', 'embed']));

  const prune = filters(locationOptions(cache.command('prune').description('delete entries matching every criterion given'), h));
  prune
    .option('--older-than <days>', 'not used for this many days', number('--older-than', false))
    .option('--max-entries <n>', 'keep only the n most recently used', number('--max-entries', true))
    .option('--unused', 'never read again after they were fetched');
  prune.action(async (o: CacheOpts) => {
    const { llmCachePrune } = await import('../../llm/cache-task.js');
    const r = await llmCachePrune({ ...location(o), olderThanDays: o.olderThan, provider: o.provider, model: o.model, kind: o.kind, maxEntries: o.maxEntries, unused: o.unused });
    ctx.output('Note', `Deleted ${r.deleted.toLocaleString('en-US')} LLM cache entr${r.deleted === 1 ? 'y' : 'ies'} from ${r.database}`, undefined, true);
  });

  const clear = filters(locationOptions(cache.command('clear').description('delete every entry (or every entry of a provider, model or kind)'), h));
  clear.action(async (o: CacheOpts) => {
    const { llmCachePrune } = await import('../../llm/cache-task.js');
    const r = await llmCachePrune({ ...location(o), provider: o.provider, model: o.model, kind: o.kind, all: true });
    ctx.output('Note', `Deleted ${r.deleted.toLocaleString('en-US')} LLM cache entr${r.deleted === 1 ? 'y' : 'ies'} from ${r.database}`, undefined, true);
  });
};
