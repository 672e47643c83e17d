/**
 * Jinja2 on nunjucks: a nunjucks `Template` subclass that lexes, parses and compiles with the
 * Jinja2 lexer, parser and compiler of this folder, and runs on a Python runtime (../python).
 * Made from the loaded nunjucks module (nunjucks is loaded on first render), nothing is patched:
 * environments keep nunjucks' classes, templates made with {@link JinjaSyntax.Template} get Jinja2.
 */
import type { PyRuntime } from '../python/runtime.js';
import { type KnownNames, makeCompiler } from './compiler.js';
import { JinjaLexer, TemplateSyntaxError } from './lexer.js';
import { makeNodes, type JinjaNodes, type NunjucksNodes } from './nodes.js';
import { makeParser } from './parser.js';

/** The parts of the nunjucks module we build on. */
export interface NunjucksModule {
  Template: new (src: string, env: unknown, path?: string, eagerCompile?: boolean) => unknown;
  parser: { Parser: new (...a: any[]) => any };
  compiler: { Compiler: new (...a: any[]) => any };
  nodes: NunjucksNodes;
  lib: { TemplateError: new (message: string, lineno?: number, colno?: number) => Error };
}

/** An environment that renders Jinja2 templates: nunjucks' Environment carrying the Python runtime. */
export interface JinjaEnvironment extends KnownNames {
  readonly py: PyRuntime;
  readonly extensionsList: unknown[];
}

export interface JinjaSyntax {
  /** nunjucks' Template with Jinja2 semantics; construct as nunjucks' (`src, env, path, eagerCompile`). */
  readonly Template: new (src: string, env: JinjaEnvironment, path?: string, eagerCompile?: boolean) => { render(ctx: object): string };
  /**
   * The JavaScript a template compiles to (for tests and debugging); `transform` may rewrite the
   * syntax tree first (it gets the node classes the tree is made of).
   */
  compileToCode(src: string, path?: string, extensions?: unknown[], known?: KnownNames, transform?: (root: unknown, nodes: NunjucksNodes & JinjaNodes) => void): string;
}

export function makeJinjaSyntax(nj: NunjucksModule): JinjaSyntax {
  const nodes = makeNodes(nj.nodes);
  const Parser = makeParser(nj.parser.Parser, nodes);
  const Compiler = makeCompiler(nj.compiler.Compiler, nodes);

  const compileToCode = (src: string, path = 'template', extensions: unknown[] = [], known?: KnownNames, transform?: (root: unknown, nodes: NunjucksNodes & JinjaNodes) => void): string => {
    try {
      const parser = new Parser(new JinjaLexer(src));
      parser.extensions = extensions;
      const compiler = new Compiler(path, known);
      const root = parser.parseAsRoot();
      transform?.(root, { ...nj.nodes, ...nodes });
      compiler.compile(root);
      return compiler.getCode();
    } catch (err) {
      // the lexer counts from 0; nunjucks' parse errors from 1
      if (err instanceof TemplateSyntaxError) throw new nj.lib.TemplateError(err.message, err.lineno + 1, err.colno + 1);
      throw err;
    }
  };

  const Base = nj.Template as unknown as new (...a: unknown[]) => { tmplStr: string; path?: string; env: JinjaEnvironment };
  class JinjaTemplate extends Base {
    declare blocks: Record<string, unknown>;
    declare rootRenderFunc: unknown;
    declare compiled: boolean;

    _compile(): void {
      const code = compileToCode(this.tmplStr, this.path, this.env.extensionsList, this.env);
      const props = new Function('py', code)(this.env.py) as { root: unknown };
      this.blocks = {};
      this.rootRenderFunc = props.root;
      this.compiled = true;
    }
  }

  return { Template: JinjaTemplate as unknown as JinjaSyntax['Template'], compileToCode };
}
