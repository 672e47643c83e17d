import { registerCommands, type ParsedOptions } from '../main.js';

registerCommands((program, ctx, h) => {
  const docs = program.command('docs').description('documentation site with a lineage graph');
  const generate = docs.command('generate').description('write target/docs/index.html (opens from disk)');
  h.addOptions(generate, h.globalOptions).action(async (o: ParsedOptions) => {
    const { generateDocs } = await import('../../tasks/docs-task.js');
    const out = await generateDocs(h.libraryOptions(o) as never);
    ctx.io.out(`Catalog written; docs site with ${out.nodes} nodes at ${out.path}`);
  });
  const serve = docs.command('serve').description('serve target/docs on 127.0.0.1');
  h.addOptions(serve, h.globalOptions);
  serve.option('--port <port>', 'port', (v) => Number(v), 8080).action(async (o: ParsedOptions & { port: number }) => {
    const { serveDocs } = await import('../../docs/index.js');
    const { loadConfig } = await import('../../config/index.js');
    const cfg = await loadConfig({ projectDir: o.projectDir, profilesDir: o.profilesDir, target: o.target });
    const server = await serveDocs(`${cfg.project.projectDir}/${cfg.project.targetPath}/docs`, { port: o.port, host: '127.0.0.1' });
    ctx.io.out(`Serving docs at ${server.url} (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      ctx.onInterrupt = () => {
        void server.close().then(resolve);
      };
    });
  });
});
