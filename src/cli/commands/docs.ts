import type { CommandRegistrar, ParsedOptions } from '../command.js';
import { PORT_OPTION } from '../options.js';

/** Registers docs command(s) (named in src/cli/commands/index.ts). */
export const docsCommands: CommandRegistrar = (program, ctx, h) => {
  const docs = program.command('docs').description('documentation site with a lineage graph');
  const generate = docs.command('generate').description('write target/manifest.json, target/catalog.json (as dbt does) and target/docs/index.html (opens from disk)');
  h.addOptions(generate, h.globalOptions);
  generate.option('--no-compile', 'do not compile the nodes first (manifest.json without compiled code)').option('--empty-catalog', 'write catalog.json without reading the database');
  generate.action(async (o: ParsedOptions & { compile: boolean; emptyCatalog?: boolean }) => {
    const { generateDocs } = await import('../../tasks/docs-task.js');
    const out = await generateDocs({ ...h.libraryOptions(o), compile: o.compile, emptyCatalog: o.emptyCatalog });
    ctx.output('CatalogWritten', `Catalog written to ${out.catalogPath} (${out.catalogEntries} relations)`, { path: out.catalogPath });
    ctx.output('Note', `Docs site with ${out.nodes} nodes at ${out.path}`);
  });
  const serve = docs.command('serve').description('serve target/docs on 127.0.0.1');
  h.addOptions(serve, h.globalOptions);
  h.addOptions(serve, [PORT_OPTION]).action(async (o: ParsedOptions & { port: number }) => {
    const { serveDocs } = await import('../../docs/index.js');
    const { loadConfig } = await import('../../config/index.js');
    const { jinjaYamlSyntax } = await import('../../jinja/index.js');
    const cfg = await loadConfig({ projectDir: o.projectDir, profilesDir: o.profilesDir, target: o.target, vars: o.vars, yamlSyntax: jinjaYamlSyntax() });
    const server = await serveDocs(`${cfg.project.projectDir}/${cfg.project.targetPath}/docs`, { port: o.port, host: '127.0.0.1' });
    ctx.io.out(`Serving docs at ${server.url} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      ctx.onInterrupt = () => {
        void server.close().then(resolve);
      };
    });
  });
};
