/**
 * Code generation with Jinja2's semantics, as a subclass of nunjucks' `Compiler`: every operator,
 * lookup, call, filter and test goes through the Python runtime (`py`, see ../python/runtime.ts),
 * and scoping is Jinja2's (a loop body, a macro and `{% with %}` are scopes; `if` is not; what a
 * loop sets does not leak out of it).
 *
 * The generated module is `function root(env, context, frame, runtime, cb)` as nunjucks' Template
 * runs it, inside a function taking `py`. Names bound in the template (set, loop targets, macro
 * arguments) are JavaScript variables; other names are looked up in the render context. Constants
 * that need an object (integral float literals) are made once per template.
 */
import type { JinjaNodes, SyntaxNode } from './nodes.js';

type N = SyntaxNode;

export interface CompilerBase {
  new (templateName: string, ...rest: any[]): any;
}

/** A compile-time scope: template names to the JavaScript variables holding them. */
class Scope {
  readonly vars = new Map<string, string>();
  constructor(
    readonly parent: Scope | undefined,
    /** The template's top level: assignments are also context variables (and exported). */
    readonly top = false,
  ) {}
  lookup(name: string): string | undefined {
    return this.vars.get(name) ?? this.parent?.lookup(name);
  }
}

const BINOPS: Record<string, string> = { Add: 'add', Sub: 'sub', Mul: 'mul', Div: 'div', FloorDiv: 'floordiv', Mod: 'mod', Pow: 'pow' };
const COMPARE: Record<string, string> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };

/** What the template needs of a compiler. */
export interface JinjaCompilerApi {
  compile(node: SyntaxNode, scope?: unknown): void;
  getCode(): string;
}

/** The filters and tests a template may use (checked when it compiles, as Jinja2 does). */
export interface KnownNames {
  readonly filters: Readonly<Record<string, unknown>>;
  readonly tests: Readonly<Record<string, unknown>>;
}

export function makeCompiler(NunjucksCompiler: CompilerBase, nodes: JinjaNodes): new (templateName: string, known?: KnownNames) => JinjaCompilerApi {
  class JinjaCompiler extends NunjucksCompiler {
    declare codebuf: string[];
    declare templateName: string | undefined;
    declare buffer: string;
    declare consts: string[];
    /** Variables to declare, per generated function (innermost last). */
    declare temps: string[][];
    declare compile: (node: N, scope?: unknown) => void;

    declare known: KnownNames | undefined;
    /** Inside `if` bodies and conditional expressions (see checkName). */
    declare conditional: number;

    init(templateName: string, known?: KnownNames): void {
      super.init(templateName, false);
      this.consts = [];
      this.temps = [];
      this.known = known;
      this.conditional = 0;
    }

    getCode(): string {
      return this.consts.join('') + this.codebuf.join('');
    }

    /** A fresh variable of the current generated function. */
    private tmp(): string {
      const id = this._tmpid();
      this.temps[this.temps.length - 1]!.push(id);
      return id;
    }

    private openFunction(): void {
      this.temps.push([]);
    }

    /** Declares the function's variables (hoisted, so the end of the body is as good as the start). */
    private closeFunction(): void {
      const ids = this.temps.pop()!;
      if (ids.length) this._emitLine(`var ${ids.join(', ')};`);
    }

    private line(node: N): void {
      this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno};`);
    }

    private withBuffer(fn: () => void): string {
      const prev = this.buffer;
      const buf = this.tmp();
      this._emitLine(`${buf} = "";`);
      this.buffer = buf;
      try {
        fn();
      } finally {
        this.buffer = prev;
      }
      return buf;
    }

    /**
     * Jinja2's scoping: a name assigned anywhere in a scope is that scope's from its start, holding
     * the outer value until assigned (so `{% if c %}{% set x = 1 %}{% endif %}{{ x }}` reads the
     * outer x when c is false, and each loop iteration starts from the outer values again).
     */
    private enterScope(scope: Scope, body: N): void {
      const names = new Set<string>();
      assignedNames(body, names);
      for (const name of names) {
        if (scope.vars.has(name)) continue;
        const outer = scope.parent?.lookup(name);
        const id = this.tmp();
        scope.vars.set(name, id);
        this._emitLine(`${id} = ${outer ?? `context.lookup(${JSON.stringify(name)})`};`);
      }
    }

    _compileExpression(node: N, scope: Scope): void {
      this.compile(node, scope);
    }

    // ---- the module

    compileRoot(node: N): void {
      const scope = new Scope(undefined, true);
      this.buffer = 'output';
      this._emitLine('function root(env, context, frame, runtime, cb) {');
      this._emitLine(`var lineno = ${node.lineno}, colno = ${node.colno}, output = "";`);
      this._emitLine('try {');
      this.openFunction();
      this.enterScope(scope, node);
      for (const child of node.children as N[]) this.compile(child, scope);
      this._emitLine('cb(null, output);');
      this.closeFunction();
      this._emitLine('} catch (e) {');
      this._emitLine('  cb(runtime.handleError(e, lineno, colno));');
      this._emitLine('}');
      this._emitLine('}');
      this._emitLine('return { root: root };');
    }

    compileNodeList(node: N, scope: Scope): void {
      for (const child of node.children as N[]) this.compile(child, scope);
    }

    // ---- output

    compileOutput(node: N, scope: Scope): void {
      for (const child of node.children as N[]) {
        if (child.typename === 'TemplateData') {
          if (child.value) this._emitLine(`${this.buffer} += ${JSON.stringify(child.value)};`);
          continue;
        }
        this.line(child);
        this._emit(`${this.buffer} += py.str(`);
        this.compile(child, scope);
        this._emitLine(');');
      }
    }

    compileTemplateData(node: N): void {
      this._emit(JSON.stringify(node.value));
    }

    // ---- literals and names

    compileLiteral(node: N): void {
      const v = node.value;
      if (typeof v === 'string') this._emit(JSON.stringify(v).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
      else if (v === null) this._emit('null');
      else if (typeof v === 'bigint') this._emit(`${v}n`);
      else if (typeof v === 'number') {
        if (!Number.isFinite(v)) this._emit(v > 0 ? 'Infinity' : '-Infinity');
        else if (node.isFloat && Number.isInteger(v)) this._emit(this.constant(`new py.PyFloat(${v})`));
        else this._emit(`(${String(v)})`);
      } else this._emit(String(v));
    }

    private constant(code: string): string {
      const id = `k_${this.consts.length}`;
      this.consts.push(`var ${id} = ${code};\n`);
      return id;
    }

    compileSymbol(node: N, scope: Scope): void {
      const id = scope.lookup(node.value);
      this._emit(id ?? `context.lookup(${JSON.stringify(node.value)})`);
    }

    compileTuple(node: N, scope: Scope): void {
      this._emit('py.tuple([');
      this.list(node.children, scope);
      this._emit('])');
    }

    compileArray(node: N, scope: Scope): void {
      this._emit('[');
      this.list(node.children, scope);
      this._emit(']');
    }

    compileDict(node: N, scope: Scope): void {
      const pairs = node.children as N[];
      const literalKeys = pairs.every((p) => p.key.typename === 'Literal' && typeof p.key.value === 'string' && p.key.value !== '__proto__');
      if (literalKeys) {
        this._emit('{');
        pairs.forEach((p, i) => {
          if (i) this._emit(', ');
          this._emit(`${JSON.stringify(p.key.value)}: `);
          this.compile(p.value, scope);
        });
        this._emit('}');
        return;
      }
      this._emit('py.dict([');
      pairs.forEach((p, i) => {
        if (i) this._emit(', ');
        this.compile(p.key, scope);
        this._emit(', ');
        this.compile(p.value, scope);
      });
      this._emit('])');
    }

    /** nunjucks' keyword arguments (from extensions' `parseSignature`): string keys. */
    compileKeywordArgs(node: N, scope: Scope): void {
      this._emit('{');
      (node.children as N[]).forEach((p, i) => {
        if (i) this._emit(', ');
        this._emit(`${JSON.stringify(p.key.value)}: `);
        this.compile(p.value, scope);
      });
      this._emit(`${node.children.length ? ', ' : ''}__keywords: true}`);
    }

    private list(items: N[], scope: Scope): void {
      items.forEach((c, i) => {
        if (i) this._emit(', ');
        this.compile(c, scope);
      });
    }

    // ---- lookups and calls

    compileGetattr(node: N, scope: Scope): void {
      this._emit('py.getattr(');
      this.compile(node.target, scope);
      this._emit(`, ${JSON.stringify(node.name)}, ${JSON.stringify(describe(node.target))})`);
    }

    compileGetitem(node: N, scope: Scope): void {
      const key = node.key as N;
      if (key.typename === 'PySlice') {
        this._emit('py.slice(');
        this.compile(node.target, scope);
        for (const part of [key.start, key.stop, key.step] as (N | null)[]) {
          this._emit(', ');
          if (part) this.compile(part, scope);
          else this._emit('null');
        }
        this._emit(')');
        return;
      }
      this._emit('py.getitem(');
      this.compile(node.target, scope);
      this._emit(', ');
      this.compile(key, scope);
      this._emit(`, ${JSON.stringify(describe(node.target))})`);
    }

    compilePySlice(node: N): void {
      this.fail('a slice (a:b) can only be used inside []', node.lineno, node.colno);
    }

    compileCall(node: N, scope: Scope, extraKwarg?: () => void): void {
      const target = node.target as N;
      if (target.typename === 'Getattr') {
        this._emit('py.callMethod(context, ');
        this.compile(target.target, scope);
        this._emit(`, ${JSON.stringify(target.name)}, `);
        this.args(node, scope, extraKwarg);
        this._emit(`, ${JSON.stringify(describe(target.target))})`);
        return;
      }
      this._emit('py.call(context, ');
      this.compile(target, scope);
      this._emit(`, ${JSON.stringify(describe(target))}, `);
      this.args(node, scope, extraKwarg);
      this._emit(')');
    }

    /** The argument array of a call: positional values, then one keyword object (nunjucks' convention). */
    private args(node: N, scope: Scope, extraKwarg?: () => void, first?: () => void): void {
      const args = node.args as N[];
      const kwargs = node.kwargs as [string, N][];
      const dyn = node.dynArgs || node.dynKwargs;
      if (dyn) this._emit('py.spreadArgs(');
      this._emit('[');
      let n = 0;
      if (first) {
        first();
        n++;
      }
      for (const a of args) {
        if (n++) this._emit(', ');
        this.compile(a, scope);
      }
      const emitKw = () => {
        this._emit('{');
        kwargs.forEach(([k, v], i) => {
          if (i) this._emit(', ');
          this._emit(`${JSON.stringify(k)}: `);
          this.compile(v, scope);
        });
        if (extraKwarg) {
          if (kwargs.length) this._emit(', ');
          this._emit('"caller": ');
          extraKwarg();
        }
        this._emit(', __keywords: true}');
      };
      if (!dyn) {
        if (kwargs.length || extraKwarg) {
          if (n) this._emit(', ');
          emitKw();
        }
        this._emit(']');
        return;
      }
      this._emit('], ');
      if (node.dynArgs) this.compile(node.dynArgs, scope);
      else this._emit('undefined');
      this._emit(', ');
      if (kwargs.length || extraKwarg) emitKw();
      else this._emit('null');
      this._emit(', ');
      if (node.dynKwargs) this.compile(node.dynKwargs, scope);
      else this._emit('undefined');
      this._emit(')');
    }

    /**
     * An unknown filter or test fails the compile, as in Jinja2; inside a condition (an `if` block or
     * a conditional expression) it fails only if reached (Jinja2 3's rule, for code guarded by
     * `is filter`). Returns false when the call is to be replaced by that runtime error.
     */
    private checkName(kind: 'filters' | 'tests', node: N): boolean {
      if (!this.known || Object.hasOwn(this.known[kind], node.name)) return true;
      const message = `no ${kind.slice(0, -1)} named '${node.name}'`;
      if (!this.conditional) this.fail(message, node.lineno, node.colno);
      this._emit(`py.fail(${JSON.stringify(message)})`);
      return false;
    }

    private inConditional(fn: () => void): void {
      this.conditional = (this.conditional ?? 0) + 1;
      try {
        fn();
      } finally {
        this.conditional--;
      }
    }

    compileFilterCall(node: N, scope: Scope, input?: string): void {
      if (!this.checkName('filters', node)) return;
      this._emit(`py.filter(env, context, ${JSON.stringify(node.name)}, `);
      this.args(node, scope, undefined, () => {
        if (node.target) this.compile(node.target, scope);
        else if (input !== undefined) this._emit(input);
        else this.fail('a filter needs a value', node.lineno, node.colno);
      });
      this._emit(')');
    }

    /** A filter chain whose innermost filter has no value (`{% filter %}`, block `set`) applied to `input`. */
    private filterChain(node: N, scope: Scope, input: string): void {
      if (node.target) {
        if (!this.checkName('filters', node)) return;
        this._emit(`py.filter(env, context, ${JSON.stringify(node.name)}, `);
        this.args(node, scope, undefined, () => this.filterChain(node.target, scope, input));
        this._emit(')');
      } else this.compileFilterCall(node, scope, input);
    }

    compileTestCall(node: N, scope: Scope): void {
      if (!this.checkName('tests', node)) return;
      this._emit(`py.test(env, context, ${JSON.stringify(node.name)}, `);
      this.args(node, scope, undefined, () => this.compile(node.target, scope));
      this._emit(')');
    }

    // ---- operators

    compileComparison(node: N, scope: Scope): void {
      const ops = node.ops as { op: string; expr: N }[];
      const one = (op: string, left: () => void, right: () => void) => {
        if (op === 'in' || op === 'notin') {
          this._emit(op === 'in' ? 'py.contains(' : '!py.contains(');
          right();
          this._emit(', ');
          left();
        } else {
          this._emit(`py.${COMPARE[op]}(`);
          left();
          this._emit(', ');
          right();
        }
        this._emit(')');
      };
      if (ops.length === 1) {
        one(ops[0]!.op, () => this.compile(node.expr, scope), () => this.compile(ops[0]!.expr, scope));
        return;
      }
      // a < b < c: each operand evaluated once, stopping at the first false
      let left = this.tmp();
      this._emit(`(${left} = `);
      this.compile(node.expr, scope);
      this._emit(', ');
      ops.forEach((o, i) => {
        const right = this.tmp();
        if (i) this._emit(' && (');
        this._emit(`${right} = `);
        this.compile(o.expr, scope);
        this._emit(', ');
        const l = left;
        one(o.op, () => this._emit(l), () => this._emit(right));
        left = right;
      });
      this._emit(')'.repeat(ops.length));
    }

    compileConcatAll(node: N, scope: Scope): void {
      this._emit('(');
      (node.items as N[]).forEach((item, i) => {
        if (i) this._emit(' + ');
        this._emit('py.str(');
        this.compile(item, scope);
        this._emit(')');
      });
      this._emit(')');
    }

    private binop(fn: string, node: N, scope: Scope): void {
      this._emit(`py.${fn}(`);
      this.compile(node.left, scope);
      this._emit(', ');
      this.compile(node.right, scope);
      this._emit(')');
    }

    compileAdd(node: N, scope: Scope): void {
      this.binop(BINOPS['Add']!, node, scope);
    }
    compileSub(node: N, scope: Scope): void {
      this.binop(BINOPS['Sub']!, node, scope);
    }
    compileMul(node: N, scope: Scope): void {
      this.binop(BINOPS['Mul']!, node, scope);
    }
    compileDiv(node: N, scope: Scope): void {
      this.binop(BINOPS['Div']!, node, scope);
    }
    compileFloorDiv(node: N, scope: Scope): void {
      this.binop(BINOPS['FloorDiv']!, node, scope);
    }
    compileMod(node: N, scope: Scope): void {
      this.binop(BINOPS['Mod']!, node, scope);
    }
    compilePow(node: N, scope: Scope): void {
      this.binop(BINOPS['Pow']!, node, scope);
    }

    compileNeg(node: N, scope: Scope): void {
      this._emit('py.neg(');
      this.compile(node.target, scope);
      this._emit(')');
    }

    compilePos(node: N, scope: Scope): void {
      this._emit('py.pos(');
      this.compile(node.target, scope);
      this._emit(')');
    }

    compileNot(node: N, scope: Scope): void {
      this._emit('!');
      this.cond(node.target, scope);
    }

    /** `a and b` is a if a is false, else b (values, not booleans). */
    compileAnd(node: N, scope: Scope): void {
      const t = this.tmp();
      this._emit(`(py.truthy(${t} = `);
      this.compile(node.left, scope);
      this._emit(') ? ');
      this.compile(node.right, scope);
      this._emit(` : ${t})`);
    }

    compileOr(node: N, scope: Scope): void {
      const t = this.tmp();
      this._emit(`(py.truthy(${t} = `);
      this.compile(node.left, scope);
      this._emit(`) ? ${t} : `);
      this.compile(node.right, scope);
      this._emit(')');
    }

    compileInlineIf(node: N, scope: Scope): void {
      this._emit('(');
      this.cond(node.cond, scope);
      this._emit(' ? ');
      this.inConditional(() => {
        this.compile(node.body, scope);
        this._emit(' : ');
        if (node.else_) this.compile(node.else_, scope);
        else this._emit('undefined');
      });
      this._emit(')');
    }

    /** An expression used as a condition, as a JavaScript boolean. */
    private cond(node: N, scope: Scope): void {
      switch (node.typename) {
        case 'And':
        case 'Or':
          this._emit('(');
          this.cond(node.left, scope);
          this._emit(node.typename === 'And' ? ' && ' : ' || ');
          this.cond(node.right, scope);
          this._emit(')');
          return;
        case 'Not':
          this._emit('!');
          this.cond(node.target, scope);
          return;
        case 'Comparison':
        case 'TestCall':
          this.compile(node, scope);
          return;
        case 'Literal':
          if (typeof node.value === 'boolean') {
            this._emit(String(node.value));
            return;
          }
      }
      this._emit('py.truthy(');
      this.compile(node, scope);
      this._emit(')');
    }

    // ---- statements

    compileIf(node: N, scope: Scope): void {
      this.line(node);
      this._emit('if (');
      this.cond(node.cond, scope);
      this._emitLine(') {');
      this.inConditional(() => {
        this.compile(node.body, scope);
        if (node.else_) {
          this._emitLine('} else {');
          this.compile(node.else_, scope);
        }
      });
      this._emitLine('}');
    }

    compileExprStmt(node: N, scope: Scope): void {
      this.line(node);
      this.compile(node.expr, scope);
      this._emitLine(';');
    }

    compileBreak(): void {
      this._emitLine('break;');
    }

    compileContinue(): void {
      this._emitLine('continue;');
    }

    compileInlineBlock(node: N, scope: Scope): void {
      const inner = new Scope(scope);
      this.enterScope(inner, node.body);
      this.compile(node.body, inner);
    }

    compileAssign(node: N, scope: Scope): void {
      this.line(node);
      const value = this.tmp();
      this._emit(`${value} = `);
      this.compile(node.value, scope);
      this._emitLine(';');
      this.bind(node.target, value, scope, scope);
    }

    compileAssignBlock(node: N, scope: Scope): void {
      this.line(node);
      // the block's body has its own scope, as in Jinja2: what it sets stays inside
      const inner = new Scope(scope);
      const buf = this.withBuffer(() => {
        this.enterScope(inner, node.body);
        this.compile(node.body, inner);
      });
      let value = buf;
      if (node.filter) {
        value = this.tmp();
        this._emit(`${value} = `);
        this.filterChain(node.filter, scope, buf);
        this._emitLine(';');
      }
      this.bind(node.target, value, scope, scope);
    }

    /**
     * Binds a target (name, tuple of targets, `ns.attr`) to the JavaScript expression `value` in
     * `into`; `from` resolves the namespace of `ns.attr`.
     */
    private bind(target: N, value: string, into: Scope, from: Scope): void {
      switch (target.typename) {
        case 'Symbol': {
          const name = target.value as string;
          let id = into.vars.get(name);
          if (!id) {
            id = this.tmp();
            into.vars.set(name, id);
          }
          this._emitLine(`${id} = ${value};`);
          if (into.top) {
            this._emitLine(`context.setVariable(${JSON.stringify(name)}, ${id});`);
            if (!name.startsWith('_')) this._emitLine(`context.addExport(${JSON.stringify(name)});`);
          }
          return;
        }
        case 'Tuple': {
          const items = target.children as N[];
          const parts = this.tmp();
          this._emitLine(`${parts} = py.unpack(${value}, ${items.length});`);
          items.forEach((t, i) => this.bind(t, `${parts}[${i}]`, into, from));
          return;
        }
        case 'NSRef': {
          const ns = from.lookup(target.name);
          this._emitLine(`py.nsSet(${ns ?? `context.lookup(${JSON.stringify(target.name)})`}, ${JSON.stringify(target.attr)}, ${value}, ${JSON.stringify(target.name)});`);
          return;
        }
      }
      this.fail(`can't assign to ${target.typename}`, target.lineno, target.colno);
    }

    compileWith(node: N, scope: Scope): void {
      this.line(node);
      const inner = new Scope(scope);
      const values = (node.values as N[]).map((v) => {
        const t = this.tmp();
        this._emit(`${t} = `);
        this.compile(v, scope);
        this._emitLine(';');
        return t;
      });
      (node.targets as N[]).forEach((t, i) => this.bind(t, values[i]!, inner, scope));
      this.enterScope(inner, node.body);
      this.compile(node.body, inner);
    }

    compileFilterBlock(node: N, scope: Scope): void {
      this.line(node);
      const inner = new Scope(scope);
      const buf = this.withBuffer(() => {
        this.enterScope(inner, node.body);
        this.compile(node.body, inner);
      });
      this._emit(`${this.buffer} += py.str(`);
      this.filterChain(node.filter, scope, buf);
      this._emitLine(');');
    }

    compileLoop(node: N, scope: Scope): void {
      this.line(node);
      if (!node.recursive) {
        const items = this.tmp();
        this._emit(`${items} = py.iterate(`);
        this.compile(node.iter, scope);
        this._emitLine(');');
        this.loopBody(node, scope, items, '0', undefined);
        return;
      }
      // a recursive loop is a function: loop(children) renders the body again one level deeper
      const fn = this.tmp();
      const iterable = this._tmpid();
      const depth = this._tmpid();
      this._emitLine(`${fn} = function (${iterable}, ${depth}) {`);
      this.openFunction();
      const prev = this.buffer;
      this.buffer = this.tmp();
      this._emitLine(`${this.buffer} = "";`);
      const items = this.tmp();
      this._emitLine(`${items} = py.iterate(${iterable});`);
      this.loopBody(node, scope, items, depth, fn);
      this._emitLine(`return ${this.buffer};`);
      this.buffer = prev;
      this.closeFunction();
      this._emitLine('};');
      this._emit(`${this.buffer} += ${fn}(`);
      this.compile(node.iter, scope);
      this._emitLine(', 0);');
    }

    private loopBody(node: N, scope: Scope, items: string, depth: string, recurse: string | undefined): void {
      if (node.test) {
        // {% for x in xs if cond %}: the items that pass, before the loop (loop.length counts them)
        const item = this._tmpid();
        const testScope = new Scope(scope);
        this._emitLine(`${items} = py.loopFilter(${items}, function (${item}) {`);
        this.openFunction();
        this.bind(node.target, item, testScope, scope);
        this._emit('return ');
        this.cond(node.test, testScope);
        this._emitLine(';');
        this.closeFunction();
        this._emitLine('});');
      }
      const body = new Scope(scope);
      const i = this.tmp();
      const usesLoop = recurse !== undefined || mentions(node.body, 'loop');
      let loop: string | undefined;
      if (usesLoop) {
        loop = this.tmp();
        this._emitLine(`${loop} = new py.Loop(${items}, ${depth}, ${recurse ?? 'undefined'});`);
        body.vars.set('loop', loop);
      }
      // Jinja2's else runs unless an iteration reached the end of the body (a loop that breaks or
      // continues every time runs it too)
      const noneCompleted = node.else_ ? this.tmp() : undefined;
      if (noneCompleted) this._emitLine(`${noneCompleted} = true;`);
      this._emitLine(`for (${i} = 0; ${i} < ${items}.length; ${i}++) {`);
      if (loop) this._emitLine(`${loop}.index0 = ${i};`);
      this.bind(node.target, `${items}[${i}]`, body, scope);
      this.enterScope(body, node.body);
      this.compile(node.body, body);
      if (noneCompleted) this._emitLine(`${noneCompleted} = false;`);
      this._emitLine('}');
      if (node.else_) {
        this._emitLine(`if (${noneCompleted}) {`);
        const elseScope = new Scope(scope);
        this.enterScope(elseScope, node.else_);
        this.compile(node.else_, elseScope);
        this._emitLine('}');
      }
    }

    /** `py.macro(...)` for a macro or a call block's caller, as an expression. */
    private macroExpr(name: string, params: string[], defaults: (N | null)[], bodyNode: N, scope: Scope, selfName?: string, selfId?: string): void {
      const inner = new Scope(scope);
      if (selfName && selfId) inner.vars.set(selfName, selfId);
      const ids = params.map((p) => {
        const id = this._tmpid();
        inner.vars.set(p, id);
        return id;
      });
      const catchVarargs = mentions(bodyNode, 'varargs');
      const catchKwargs = mentions(bodyNode, 'kwargs');
      const usesCaller = mentions(bodyNode, 'caller');
      const extra = ['varargs', 'kwargs', 'caller'].map((n) => {
        const id = this._tmpid();
        if ((n === 'varargs' && catchVarargs) || (n === 'kwargs' && catchKwargs) || (n === 'caller' && usesCaller)) inner.vars.set(n, id);
        return id;
      });
      this._emitLine(`py.macro(${JSON.stringify(name)}, ${JSON.stringify(params)}, ${catchVarargs}, ${catchKwargs}, ${usesCaller}, function (${[...ids, ...extra].join(', ')}) {`);
      this.openFunction();
      const prev = this.buffer;
      this.buffer = this.tmp();
      // an error raised in a macro's body records the macro and its line (the engine names them); a
      // call block's body shares its template's line counter, so it puts back the line of the
      // {% call %} when it ends: the enclosing macro's frame then names the call, not the body
      const isCaller = name === 'caller';
      const savedLine = isCaller ? this.tmp() : undefined;
      if (savedLine) this._emitLine(`${savedLine} = lineno;`);
      this._emitLine('try {');
      this._emitLine(`${this.buffer} = "";`);
      params.forEach((p, k) => {
        const d = defaults[k];
        this._emit(`if (${ids[k]} === py.MISSING) ${ids[k]} = `);
        if (d) this.compile(d, inner);
        else this._emit('undefined');
        this._emitLine(';');
      });
      this.enterScope(inner, bodyNode);
      this.compile(bodyNode, inner);
      this._emitLine(`return ${this.buffer};`);
      this._emitLine(`} catch (e) { throw py.inMacro(e, ${JSON.stringify(name)}, ${JSON.stringify(this.templateName ?? '')}, lineno); }${savedLine ? ` finally { lineno = ${savedLine}; }` : ''}`);
      this.buffer = prev;
      this.closeFunction();
      this._emit('})');
    }

    compileMacroDef(node: N, scope: Scope): void {
      this.line(node);
      const name = node.name as string;
      let id = scope.vars.get(name);
      if (!id) {
        id = this.tmp();
        scope.vars.set(name, id);
      }
      this._emit(`${id} = `);
      this.macroExpr(name, node.params, node.defaults, node.body, scope, name, id);
      this._emitLine(';');
      if (scope.top) {
        // every top-level macro is exported, `_`-prefixed ones too: dbt renames macros before loading them
        this._emitLine(`context.setVariable(${JSON.stringify(name)}, ${id});`);
        this._emitLine(`context.addExport(${JSON.stringify(name)});`);
      }
    }

    compileCallBlock(node: N, scope: Scope): void {
      this.line(node);
      this._emit(`${this.buffer} += py.str(`);
      this.compileCall(node.call, scope, () => this.macroExpr('caller', node.params, node.defaults, node.body, scope));
      this._emitLine(');');
    }

    compileNSRef(node: N): void {
      this.fail('ns.attr can only be assigned to', node.lineno, node.colno);
    }
  }

  return JinjaCompiler;
}

/** Names the statements assign with `set` in their own scope (not in loops, macros, call or filter blocks, with). */
function assignedNames(node: N | null | undefined, out: Set<string>): void {
  if (!node) return;
  switch (node.typename) {
    case 'Root':
    case 'NodeList':
      for (const c of node.children as N[]) assignedNames(c, out);
      return;
    case 'If':
      assignedNames(node.body, out);
      assignedNames(node.else_, out);
      return;
    case 'Assign':
    case 'AssignBlock':
      targetNames(node.target, out);
      return;
  }
  // a macro's name is bound where the macro is defined (compileMacroDef): looking it up at the
  // scope's start would ask the engine for the macro being compiled
}

function targetNames(target: N, out: Set<string>): void {
  if (target.typename === 'Symbol') out.add(target.value);
  else if (target.typename === 'Tuple') for (const c of target.children as N[]) targetNames(c, out);
}

/** True when the subtree reads the name (Jinja2's check for `loop`, `caller`, `varargs`, `kwargs`). */
function mentions(node: unknown, name: string): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => mentions(n, name));
  const n = node as N;
  if (n.typename === 'Symbol') return n.value === name;
  if (n.typename === 'Literal' || n.typename === 'TemplateData') return false;
  for (const key of Object.keys(n)) {
    if (key === 'lineno' || key === 'colno') continue;
    if (mentions(n[key], name)) return true;
  }
  return false;
}

/** How an expression is named in messages: `foo`, `foo.bar`, `foo['x']`, `foo()`. */
function describe(node: N): string {
  switch (node.typename) {
    case 'Symbol':
      return node.value;
    case 'Getattr':
      return `${describe(node.target)}.${node.name}`;
    case 'Getitem':
      return node.key.typename === 'Literal' ? `${describe(node.target)}[${JSON.stringify(node.key.value)}]` : `${describe(node.target)}[...]`;
    case 'Call':
      return `${describe(node.target)}()`;
    case 'Literal':
      return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
  }
  return 'expression';
}
