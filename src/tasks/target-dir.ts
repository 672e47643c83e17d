import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { LoadedProject } from './project.js';

/**
 * Checks that the target folder can be written (creating it if needed) before a command touches
 * the database: a read-only or full target/ would otherwise end a whole build in an error while
 * writing its artifacts. Writes and removes a small probe file.
 * @throws ConfigError BMP_TARGET_NOT_WRITABLE (exit 2, nothing else touched)
 */
export function ensureTargetWritable(project: LoadedProject): void {
  const probe = join(project.targetDir, `.bmp-write-check-${process.pid}`);
  // unlinkSync, not rmSync: this is on the path of every build, and rmSync loads Node's remover first
  try {
    mkdirSync(project.targetDir, { recursive: true });
    writeFileSync(probe, 'bmp\n');
  } catch (err) {
    try {
      unlinkSync(probe); // a full disk may have left it empty
    } catch {
      // never created
    }
    const reason = (err as NodeJS.ErrnoException).code ? String((err as Error).message).replace(/, (open|mkdir) '.*'$/, '') : String(err);
    throw new ConfigError('BMP_TARGET_NOT_WRITABLE', `cannot write to the target folder '${project.cfg.project.targetPath}': ${reason}`, { file: project.cfg.project.projectFile }, 'bmp writes its artifacts there: make it writable, free some space, or set target-path');
  }
  unlinkSync(probe);
}
