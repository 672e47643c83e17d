/** `bmp partitions`: partitions and row counts of partitioned models (native and external). */
import type { CommandRegistrar, ParsedOptions } from '../command.js';
import { formatTable } from './core.js';

/** Registers partitions command(s) (named in src/cli/commands/index.ts). */
export const partitionsCommand: CommandRegistrar = (program, ctx, h) => {
  const cmd = program.command('partitions').description('list the partitions of partitioned models (partition_by) and their row counts');
  h.addOptions(cmd, h.globalOptions);
  h.addOptions(cmd, h.selectionOptions);
  cmd.option('--live', 'count rows from the relations instead of the metadata bmp keeps in _bmp.partitions').option('--output <format>', 'text (default) or json', 'text');
  cmd.action(async (o: ParsedOptions & { live?: boolean; output: string }) => {
    const { listPartitions } = await import('../../tasks/partitions-task.js');
    const listings = await listPartitions({ ...h.libraryOptions(o), emit: (e) => (e.type === 'warning' ? ctx.io.err(`[WARNING]: ${e.message}`) : undefined), live: !!o.live });
    if (o.output === 'json') {
      ctx.io.out(JSON.stringify({ models: listings }));
      return;
    }
    if (!listings.length) {
      ctx.output('Note', 'No partitioned models in the selection (configure partition_by).', undefined, true);
      return;
    }
    for (const l of listings) {
      const total = l.partitions.reduce((s, p) => s + p.rows, 0);
      const from = l.source === 'live' ? 'counted live' : l.source === 'metadata' ? 'from _bmp.partitions' : 'not built yet';
      ctx.output('Note', `${l.name} (${l.kind} ${l.relation}, ${l.granularity} partitions of ${l.field}, ${from}): ${l.partitions.length} partition${l.partitions.length === 1 ? '' : 's'}, ${total} rows`, undefined, true);
      if (l.partitions.length) {
        const rows = l.partitions.map((p) => ({ partition: p.key ?? 'null', rows: p.rows, updated_at: p.updatedAt ?? '' }));
        for (const line of formatTable(l.source === 'live' ? ['partition', 'rows'] : ['partition', 'rows', 'updated_at'], rows)) ctx.output('Note', line, undefined, true);
      }
    }
  });
};
