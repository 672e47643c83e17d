/**
 * Files live outside DuckDB's transactions. An external model's new files are written to a
 * staging folder next to the location, then moved into place under a journal: the journal is
 * written (atomically, by rename) only once staging is complete, and it is the commit point. A kill
 * before it leaves the old files untouched (the staging folder is garbage, removed by the next
 * run); a kill after it is rolled forward by the next run, which replays the remaining moves.
 * Each partition folder is swapped by two renames (old → trash, staged → place), so a reader
 * sees the old partition or the new one, never a mix of their files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type JournalOp = 'swap-location' | 'swap-partitions' | 'append-files';

export interface Journal {
  readonly op: JournalOp;
  readonly location: string;
  readonly staging: string;
  readonly trash: string;
  /** Partition folder names (`created_at_month=2024-05`) for swap-partitions / append-files. */
  readonly partitions?: readonly string[];
}

const sibling = (location: string, suffix: string) => join(dirname(location), `.${basename(location)}.bmp-${suffix}`);

export function journalPath(location: string): string {
  return sibling(location, 'journal.json');
}
export function stagingPath(location: string, id: string): string {
  return sibling(location, `staging-${id}`);
}
export function trashPath(location: string, id: string): string {
  return sibling(location, `trash-${id}`);
}

/** Partition folders (`key=value`) directly under `dir`. */
export function partitionDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.includes('=') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function writeJournal(j: Journal): void {
  const path = journalPath(j.location);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(j));
  renameSync(`${path}.tmp`, path);
}

/** Replays a journal; every step checks what is already done, so replaying twice is harmless. */
function applyJournal(j: Journal): void {
  switch (j.op) {
    case 'swap-location':
      if (existsSync(j.staging)) {
        if (existsSync(j.location)) {
          if (existsSync(j.trash)) rmSync(j.location, { recursive: true, force: true });
          else renameSync(j.location, j.trash);
        }
        renameSync(j.staging, j.location);
      }
      break;
    case 'swap-partitions':
      mkdirSync(j.location, { recursive: true });
      for (const p of j.partitions ?? []) {
        const staged = join(j.staging, p);
        if (!existsSync(staged)) continue;
        const placed = join(j.location, p);
        if (existsSync(placed)) {
          const trashed = join(j.trash, p);
          mkdirSync(j.trash, { recursive: true });
          if (existsSync(trashed)) rmSync(placed, { recursive: true, force: true });
          else renameSync(placed, trashed);
        }
        renameSync(staged, placed);
      }
      break;
    case 'append-files':
      for (const p of j.partitions ?? []) {
        const staged = join(j.staging, p);
        if (!existsSync(staged)) continue;
        mkdirSync(join(j.location, p), { recursive: true });
        for (const f of readdirSync(staged)) renameSync(join(staged, f), join(j.location, p, f));
      }
      break;
  }
}

function cleanup(j: Journal): void {
  rmSync(j.trash, { recursive: true, force: true });
  rmSync(j.staging, { recursive: true, force: true });
}

/**
 * Commits staged files: journal, moves, clean-up. The journal stays until the caller has committed
 * the bookkeeping of these files ({@link forgetJournal}): a kill in between leaves it, and whoever
 * opens the model next knows the partition counts are stale (see reconcileExternal).
 */
export function commitFiles(j: Journal): void {
  writeJournal(j);
  applyJournal(j);
  cleanup(j);
}

/** Whether a journal of `location` is waiting: its files moved, their bookkeeping maybe not committed. */
export function hasJournal(location: string): boolean {
  return existsSync(journalPath(location));
}

/** Drops the journal once the files' bookkeeping is committed. */
export function forgetJournal(location: string): void {
  rmSync(journalPath(location), { force: true });
}

/**
 * Finishes what a killed run left: replays a committed journal (the journal itself stays until
 * {@link forgetJournal}), deletes uncommitted staging and trash folders of this location. Returns
 * true when a journal was found (the partition counts are stale).
 */
export function recoverLocation(location: string): boolean {
  let replayed = false;
  const jp = journalPath(location);
  if (existsSync(jp)) {
    let j: Journal | undefined;
    try {
      j = JSON.parse(readFileSync(jp, 'utf8')) as Journal;
    } catch {
      j = undefined; // a torn journal cannot exist (written by rename); treat as uncommitted
    }
    if (j) {
      applyJournal(j);
      cleanup(j);
      replayed = true;
    } else rmSync(jp, { force: true });
  }
  const dir = dirname(location);
  const prefix = `.${basename(location)}.bmp-`;
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (name.startsWith(`${prefix}staging-`) || name.startsWith(`${prefix}trash-`) || name === `${prefix}journal.json.tmp`) rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
  return replayed;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
