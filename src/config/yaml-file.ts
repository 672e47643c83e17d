import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ErrorLocation } from '../errors.js';

/** A parsed YAML file that can say on which line any value was written. */
export class YamlFile {
  private constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
    readonly data: unknown,
  ) {}

  /** Parses YAML text; syntax errors become `ConfigError` BMP_YAML_SYNTAX at file:line:col. */
  static parse(text: string, file: string): YamlFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new ConfigError('BMP_YAML_SYNTAX', `invalid YAML: ${message}`, { file, line: pos?.line, column: pos?.col });
    }
    return new YamlFile(file, doc, lines, doc.toJS({ maxAliasCount: 1000 }) ?? {});
  }

  static async read(path: string, displayPath = path): Promise<YamlFile> {
    return YamlFile.parse(await readFile(path, 'utf8'), displayPath);
  }

  /** Where the key (or value) at `path` was written; falls back to the file alone. */
  locate(path: readonly (string | number)[], which: 'key' | 'value' = 'key'): ErrorLocation {
    let node: unknown = this.doc.contents;
    let range: [number, number, number] | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        range = which === 'key' && isScalar(pair.key) ? pair.key.range ?? undefined : (pair.value as { range?: [number, number, number] } | null)?.range ?? undefined;
        if (which === 'key' && seg !== path[path.length - 1]) range = (pair.key as { range?: [number, number, number] }).range;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        range = (node as { range?: [number, number, number] } | undefined)?.range ?? range;
      } else break;
    }
    if (!range) return { file: this.file };
    const pos = this.lines.linePos(range[0]);
    return { file: this.file, line: pos.line, column: pos.col };
  }
}
