/**
 * Git packages through the system `git`: a clone at a revision (tag, branch or commit; the remote's
 * HEAD when none), the commit it resolved to, and the package folder inside (a `subdirectory`).
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DependencyError } from './errors.js';
import type { ErrorLocation } from '../errors.js';

export interface Checkout {
  /** The clone. */
  readonly cloneDir: string;
  /** The package inside it (the clone itself, or its subdirectory). */
  readonly dir: string;
  /** The commit checked out. */
  readonly sha: string;
}

const SHA_RE = /^[0-9a-f]{40}$/;

function git(args: readonly string[], cwd: string | undefined, signal?: AbortSignal): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'advice.detachedHead=false', ...args],
      // never wait on a password prompt: a private repository fails at once with git's message
      { cwd, signal, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', LC_ALL: 'C' }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr: String(stderr) })) : resolve({ stdout: String(stdout), stderr: String(stderr) })),
    );
  });
}

/** git's own explanation: its `fatal:`/`error:` line, else its last line. */
function gitReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { stderr?: string };
  if (err.code === 'ENOENT') return 'git is not installed (bmp deps runs the system git for git packages)';
  const lines = (err.stderr ?? err.message ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[lines.length - 1] ?? 'git failed').replace(/^(fatal|error):\s*/, '');
}

/**
 * Clones `url` into `cloneDir` (which must not exist) at `revision`.
 * @throws DependencyError BMP_DEPS_GIT (git missing, clone or checkout failed, subdirectory missing)
 */
export async function checkoutGit(url: string, revision: string | undefined, subdirectory: string | undefined, cloneDir: string, where: ErrorLocation, signal?: AbortSignal): Promise<Checkout> {
  const fail = (what: string, e: unknown) => {
    if (signal?.aborted) return signal.reason as Error;
    return new DependencyError('BMP_DEPS_GIT', `package ${url}${subdirectory ? `/${subdirectory}` : ''}: ${what}: ${gitReason(e)}`, where);
  };
  if (revision === undefined) {
    try {
      await git(['clone', '--quiet', '--depth', '1', '--', url, cloneDir], undefined, signal);
    } catch (e) {
      throw fail('git clone failed', e);
    }
  } else if (!SHA_RE.test(revision)) {
    // a tag or branch: a shallow clone of just that
    try {
      await git(['clone', '--quiet', '--depth', '1', '--branch', revision, '--', url, cloneDir], undefined, signal);
    } catch {
      // maybe an abbreviated commit: a full clone, then check it out
      rmSync(cloneDir, { recursive: true, force: true });
      await fullClone();
    }
  } else {
    await fullClone();
  }
  let sha: string;
  try {
    sha = (await git(['rev-parse', 'HEAD'], cloneDir, signal)).stdout.trim();
  } catch (e) {
    throw fail('cannot read the commit checked out', e);
  }
  const dir = subdirectory ? join(cloneDir, subdirectory) : cloneDir;
  if (subdirectory && !(existsSync(dir) && statSync(dir).isDirectory())) {
    throw new DependencyError('BMP_DEPS_GIT', `package ${url}: no subdirectory '${subdirectory}' at revision ${revision ?? 'HEAD'} (${sha.slice(0, 7)})`, where);
  }
  return { cloneDir, dir, sha };

  async function fullClone(): Promise<void> {
    try {
      await git(['clone', '--quiet', '--no-checkout', '--', url, cloneDir], undefined, signal);
    } catch (e) {
      throw fail('git clone failed', e);
    }
    try {
      await git(['checkout', '--quiet', revision!, '--'], cloneDir, signal);
    } catch (e) {
      throw fail(`no revision '${revision}' (a tag, branch or commit)`, e);
    }
  }
}
