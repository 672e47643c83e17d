/**
 * Singular tests take properties from a top-level `data_tests:` entry in a properties file (as dbt
 * 1.8+ does): description, config and meta reach the test node; an entry for a test that does not
 * exist warns like other properties on absent nodes (NoNodeForYamlKey).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { parseProject } from '../../src/parse/index.js';
import { jinjaYamlSyntax } from '../../src/jinja/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PROFILE = 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n      schema: main\n';

async function parse(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'bmp-singular-props-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries({ 'profiles.yml': PROFILE, 'dbt_project.yml': 'name: d\nprofile: p\n', ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const cfg = await loadConfig({ yamlSyntax: jinjaYamlSyntax(), projectDir: dir });
  const parsed = await parseProject(cfg);
  return { manifest: parsed.manifest, warnings: [...cfg.warnings, ...parsed.warnings] };
}

describe('properties of singular tests (data_tests:)', () => {
  it('give the test its description, config and meta', async () => {
    const { manifest, warnings } = await parse({
      'models/m.sql': 'select 1 as id',
      'tests/behaviour/no_rows.sql': "select * from {{ ref('m') }} where id > 1",
      'tests/_tests.yml': 'version: 2\ndata_tests:\n  - name: no_rows\n    description: Cites its finding (Jost 1897).\n    config:\n      severity: warn\n    meta: {finding: jost}\n',
    });
    const node = manifest.nodes.get('test.d.no_rows');
    expect(node?.description).toBe('Cites its finding (Jost 1897).');
    expect(node?.config.severity).toBe('warn');
    expect(node?.meta).toMatchObject({ finding: 'jost' });
    expect(warnings).toEqual([]);
  });

  it('warn when they name a test that does not exist', async () => {
    const { manifest, warnings } = await parse({
      'models/m.sql': 'select 1 as id',
      'tests/no_rows.sql': "select * from {{ ref('m') }} where id > 1",
      'tests/_tests.yml': 'version: 2\ndata_tests:\n  - name: no_row\n    description: typo\n',
    });
    expect(manifest.nodes.get('test.d.no_rows')?.description).toBe('');
    expect(warnings.map((w) => [w.name, w.file, w.line])).toEqual([['NoNodeForYamlKey', 'tests/_tests.yml', 3]]);
    expect(warnings[0]!.message).toContain("did you mean 'no_rows'?");
  });
});
