/**
 * The CLI's options are typed from commander to the tasks: each shared option names the key
 * commander gives it (so a renamed flag cannot silently stop reaching `ParsedOptions`), and
 * `libraryOptions` turns parsed argv (plus DBT_/BMP_ variables) into the tasks' typed options.
 */
import { Option } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, type CliContext, type LibraryOptions, type ParsedOptions } from '../../src/cli/main.js';
import { GLOBAL_OPTIONS, LIMIT_OPTION, PORT_OPTION, RUN_OPTIONS, SELECTION_OPTIONS } from '../../src/cli/options.js';

const dir = mkdtempSync(join(tmpdir(), 'bmp-cli-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(): CliContext {
  return { io: { out: () => undefined, err: () => undefined, isTTY: false }, exitCode: 0, invocationId: 'inv-1', output: () => undefined };
}

/** Parses `argv` for a probe command with every shared option; answers what its action got. */
async function parse(argv: readonly string[]): Promise<{ parsed: ParsedOptions; lib: LibraryOptions }> {
  let got: { parsed: ParsedOptions; lib: LibraryOptions } | undefined;
  const program = buildProgram(context(), [
    (p, _ctx, h) => {
      const cmd = p.command('probe');
      h.addOptions(cmd, h.globalOptions);
      h.addOptions(cmd, h.selectionOptions);
      h.addOptions(cmd, h.runOptions);
      cmd.action((o: ParsedOptions) => {
        got = { parsed: o, lib: h.libraryOptions(o) };
      });
    },
  ]);
  await program.parseAsync(['probe', '--project-dir', dir, ...argv], { from: 'user' });
  if (!got) throw new Error('the action did not run');
  return got;
}

describe('CLI options', () => {
  it("each shared option's key is the name commander gives its value", () => {
    for (const spec of [...GLOBAL_OPTIONS, ...SELECTION_OPTIONS, ...RUN_OPTIONS, LIMIT_OPTION, PORT_OPTION]) {
      expect(new Option(spec.flags).attributeName(), spec.flags).toBe(spec.key);
    }
  });

  it('argv reaches the library options typed: selection, state, run options, numbers', async () => {
    const { lib } = await parse(['-s', 'a', '-m', 'b', '--exclude', 'c', '--resource-type', 'model', '--resource-type', 'seed', '--selector', 'nightly', '--state', 'prev', '--defer', '--threads', '3', '--wait-for-lock', '5', '-f', '--event-time-start', '2024-01-01', '--empty', '--store-failures', '--indirect-selection', 'cautious', '--vars', '{a: 1}', '--target', 'ci']);
    expect(lib).toMatchObject({
      projectDir: dir,
      select: ['a', 'b'],
      exclude: ['c'],
      resourceTypes: ['model', 'seed'],
      selector: 'nightly',
      state: 'prev',
      defer: true,
      threads: 3,
      waitForLockSeconds: 5,
      fullRefresh: true,
      eventTimeStart: '2024-01-01',
      empty: true,
      storeFailures: true,
      indirectSelection: 'cautious',
      vars: '{a: 1}',
      target: 'ci',
      invocationId: 'inv-1',
    });
    expect(typeof lib.emit).toBe('function');
  });

  it('DBT_/BMP_ variables fill what the command line left unset; the command line wins', async () => {
    const saved = { ...process.env };
    try {
      process.env['DBT_FULL_REFRESH'] = 'true';
      process.env['BMP_INDIRECT_SELECTION'] = 'buildable';
      process.env['DBT_STATE'] = 'from-env';
      const { lib } = await parse(['--state', 'from-argv']);
      expect(lib).toMatchObject({ fullRefresh: true, indirectSelection: 'buildable', state: 'from-argv' });
      process.env['BMP_INDIRECT_SELECTION'] = 'sometimes';
      await expect(parse([])).rejects.toThrow(/BMP_INDIRECT_SELECTION="sometimes" must be one of eager, cautious, buildable, empty/);
    } finally {
      for (const k of ['DBT_FULL_REFRESH', 'BMP_INDIRECT_SELECTION', 'DBT_STATE']) if (saved[k] === undefined) delete process.env[k];
    }
  });
});
