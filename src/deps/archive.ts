/**
 * Package archives (`.tar.gz` from the hub or a `tarball:` URL): unpacked with the `tar` package,
 * loaded on first use so commands that never unpack one do not pay for it. Entries that would land
 * outside the target folder (absolute paths, `..`) are refused, as are links.
 */
import { readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DependencyError } from './errors.js';
import type { ErrorLocation } from '../errors.js';

/**
 * Unpacks `data` (a gzipped or plain tar) into `dest` and returns the package folder: the archive's
 * one top-level folder (GitHub's `repo-1.2.3/`), or `dest` itself when dbt_project.yml is at the top.
 * @throws DependencyError BMP_DEPS_ARCHIVE
 */
export async function unpackArchive(data: Buffer, dest: string, label: string, where: ErrorLocation): Promise<string> {
  const bad = (why: string) => new DependencyError('BMP_DEPS_ARCHIVE', `package ${label}: ${why}`, where);
  const gz = data.length > 2 && data[0] === 0x1f && data[1] === 0x8b;
  const ustar = data.length > 262 && data.subarray(257, 262).toString('latin1') === 'ustar';
  if (!gz && !ustar) throw bad('the download is not a tar archive (nor a gzipped one)');
  await mkdir(dest, { recursive: true });
  const file = `${dest}.download`;
  await writeFile(file, data);
  const tar = await import('tar');
  const problems: string[] = [];
  try {
    await tar.x({
      file,
      cwd: dest,
      strict: false,
      preservePaths: false,
      // symbolic and hard links could point outside the package: a package needs neither
      filter: (_path, entry) => {
        const type = (entry as { type?: string }).type;
        return type === undefined || type === 'File' || type === 'OldFile' || type === 'ContiguousFile' || type === 'Directory';
      },
      onwarn: (code, message) => {
        if (code !== 'TAR_ENTRY_INFO') problems.push(`${code}: ${message}`);
      },
    });
  } catch (e) {
    throw bad(`cannot unpack the archive (${(e as Error).message.split('\n')[0]})`);
  }
  const fatal = problems.find((p) => /TAR_BAD_ARCHIVE|TAR_ABORT|zlib|unexpected end/i.test(p));
  if (fatal) throw bad(`cannot unpack the archive (${fatal})`);
  const top = readdirSync(dest);
  if (top.includes('dbt_project.yml') || top.includes('project.yml')) return dest;
  const dirs = top.filter((n) => statSync(join(dest, n)).isDirectory());
  if (dirs.length === 1 && top.length === dirs.length) return join(dest, dirs[0]!);
  throw bad(`the archive holds ${top.length === 0 ? 'nothing' : `${top.length} top-level entries (${top.slice(0, 4).join(', ')}${top.length > 4 ? ', ...' : ''})`}: a package archive holds one folder with dbt_project.yml in it`);
}
