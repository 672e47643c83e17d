import { readFile } from 'node:fs/promises';
import { CORE_SCHEMA, load as loadFast } from 'js-yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError, type ErrorLocation } from '../errors.js';

/** A parsed YAML file that can say on which line any value was written. */
export class YamlFile {
  private parsed: { doc: Document; lines: LineCounter } | undefined;

  private constructor(
    readonly file: string,
    private readonly text: string,
    readonly data: unknown,
    parsed?: { doc: Document; lines: LineCounter },
  ) {
    this.parsed = parsed;
  }

  /**
   * Parses with js-yaml (several times faster on large property files) and builds the position-aware
   * document only when a location is asked for, which happens on errors.
   */
  static parseFast(text: string, file: string): YamlFile {
    let data: unknown;
    try {
      data = loadFast(text, { filename: file, schema: CORE_SCHEMA }); // YAML 1.2 core, as the careful parser
    } catch {
      return YamlFile.parse(text, file); // the careful parser gives the located message
    }
    return new YamlFile(file, text, data ?? {});
  }

  private get doc(): Document {
    return this.positions().doc;
  }

  private positions(): { doc: Document; lines: LineCounter } {
    if (!this.parsed) {
      const lines = new LineCounter();
      this.parsed = { doc: parseDocument(this.text, { lineCounter: lines }), lines };
    }
    return this.parsed;
  }

  /** A location computed only when read (errors), so building nodes stays cheap. */
  lazyLocate(path: readonly (string | number)[], which: 'key' | 'value' = 'key'): ErrorLocation {
    let cached: ErrorLocation | undefined;
    const get = () => (cached ??= this.locate(path, which));
    const file = this.file;
    return {
      file,
      get line() {
        return get().line;
      },
      get column() {
        return get().column;
      },
    };
  }

  /** Parses YAML text; syntax errors become `ConfigError` BMP_YAML_SYNTAX at file:line:col. */
  static parse(text: string, file: string): YamlFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new ConfigError('BMP_YAML_SYNTAX', `invalid YAML: ${message}`, { file, line: pos?.line, column: pos?.col });
    }
    return new YamlFile(file, text, doc.toJS({ maxAliasCount: 1000 }) ?? {}, { doc, lines });
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
    const pos = this.positions().lines.linePos(range[0]);
    return { file: this.file, line: pos.line, column: pos.col };
  }
}
