/**
 * `bmp deps --add-package NAME@VERSION [--source hub|git|local|tarball]` (pure): the packages.yml
 * entry it stands for, and the file's text with it added (comments and other entries kept; entries for
 * the same package, from any source, replaced as dbt replaces them).
 */
import { UsageError } from '../errors.js';
import { yamlLib } from '../config/index.js';

export type PackageSource = 'hub' | 'git' | 'local' | 'tarball';
export const PACKAGE_SOURCES: readonly PackageSource[] = ['hub', 'git', 'local', 'tarball'];

/**
 * The entry for `--add-package`: hub `dbt-labs/dbt_utils@1.3.3` (a range: `@">=1.0.0,<2.0.0"`), git
 * `https://host/repo.git@v1.2.0` (the revision), local `../path`, tarball `https://host/x.tar.gz@name`
 * (a tarball entry needs the name it installs under).
 * @throws UsageError BMP_CLI_ARGUMENT
 */
export function packageEntry(arg: string, source: PackageSource): Record<string, unknown> {
  const text = arg.trim();
  if (!text) throw new UsageError('BMP_CLI_ARGUMENT', '--add-package needs a package, e.g. dbt-labs/dbt_utils@1.3.3');
  // the version is after the last '@', unless that part looks like a host or path (git@github.com:org/repo)
  const at = text.lastIndexOf('@');
  const tail = at > 0 ? text.slice(at + 1) : undefined;
  const [name, version] = tail !== undefined && !/[/:]/.test(tail) ? [text.slice(0, at), tail] : [text, undefined];
  switch (source) {
    case 'hub': {
      if (!name.includes('/')) throw new UsageError('BMP_CLI_ARGUMENT', `hub packages are named namespace/name, got '${name}'`, {}, `e.g. dbt-labs/${name}@1.3.3`);
      if (!version) throw new UsageError('BMP_CLI_ARGUMENT', `--add-package ${name} needs a version: ${name}@1.2.3 or ${name}@">=1.0.0,<2.0.0"`);
      const parts = version.split(',').map((s) => s.trim()).filter(Boolean);
      return { package: name, version: parts.length > 1 ? parts : parts[0] };
    }
    case 'git':
      return version ? { git: name, revision: version } : { git: name };
    case 'local':
      return { local: text };
    case 'tarball':
      if (!version) throw new UsageError('BMP_CLI_ARGUMENT', `a tarball entry needs the name it installs under: --add-package '${name}@my_package' --source tarball`);
      return { tarball: name, name: version };
  }
}

/** The identifier a packages.yml entry is known by (its hub name, URL or path). */
function identifier(entry: unknown): string | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  const v = e['package'] ?? e['git'] ?? e['local'] ?? e['tarball'] ?? e['private'];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Whether `existing` names the package `added` names, as dbt decides it: any of the name, its `-`/`_`
 * variants and its part after the namespace, found between boundaries (`/`, `.` or either end).
 * @example samePackage('https://github.com/dbt-labs/dbt-utils.git', 'dbt-labs/dbt_utils') // true
 */
export function samePackage(existing: string, added: string): boolean {
  const short = added.includes('/') ? added.split('/').pop()! : undefined;
  const variants = new Set([added, added.replace(/_/g, '-'), added.replace(/-/g, '_'), ...(short ? [short, short.replace(/_/g, '-'), short.replace(/-/g, '_')] : [])]);
  for (const v of variants) {
    let from = 0;
    for (;;) {
      const i = existing.indexOf(v, from);
      if (i < 0) break;
      const before = i === 0 || '/.'.includes(existing[i - 1]!);
      const end = i + v.length;
      const after = end === existing.length || '/.'.includes(existing[end]!);
      if (before && after) return true;
      from = i + 1;
    }
  }
  return false;
}

/**
 * `text` (a packages file, possibly empty) with `entry` appended to its `packages:` list and entries
 * for the same package removed.
 * @returns the new text and the entries removed
 */
export function addPackageEntry(text: string, entry: Record<string, unknown>): { text: string; removed: unknown[] } {
  const { parseDocument, isSeq, isMap, visit } = yamlLib();
  const doc = parseDocument(text.trim() ? text : 'packages: []\n');
  if (!isMap(doc.contents)) throw new UsageError('BMP_CLI_ARGUMENT', 'the packages file is not a mapping: fix it before --add-package');
  let seq = doc.get('packages', true);
  if (!isSeq(seq)) {
    doc.set('packages', doc.createNode([]));
    seq = doc.get('packages', true);
  }
  if (!isSeq(seq)) throw new Error('unreachable: packages is a list');
  const id = identifier(entry)!;
  const removed: unknown[] = [];
  for (let i = seq.items.length - 1; i >= 0; i--) {
    const item = seq.items[i] as { toJSON?: () => unknown } | undefined;
    const value = item && typeof item.toJSON === 'function' ? item.toJSON() : item;
    const existing = identifier(value);
    if (existing && samePackage(existing, id)) {
      removed.unshift(value);
      seq.items.splice(i, 1);
    }
  }
  seq.flow = false;
  const node = doc.createNode(entry);
  // a version range reads as packages.yml files write it: version: [">=1.0.0", "<2.0.0"]
  visit(node, {
    Seq(_k, s) {
      s.flow = true;
    },
    Scalar(_k, sc) {
      if (typeof sc.value === 'string' && /^[<>=]/.test(sc.value)) sc.type = 'QUOTE_DOUBLE';
    },
  });
  seq.items.push(node);
  return { text: doc.toString({ indentSeq: true }), removed };
}
