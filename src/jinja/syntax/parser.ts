/**
 * Jinja2's grammar on nunjucks' parser: a subclass of nunjucks' `Parser` whose expression and
 * statement methods follow Jinja2 3.1 (precedence, tuples, trailing commas, `*args`/`**kwargs`,
 * tests with arguments, slices, chained comparisons, `{% set ns.x %}`, `{% with %}`, loop controls,
 * `{% filter %}` chains, block `set` with filters). Extensions written for nunjucks keep working:
 * `nextToken`, `peekToken`, `parseSignature`, `advanceAfterBlockEnd`, `parseUntilBlocks` and
 * `parseExpression` behave as nunjucks documents them.
 */
import { JinjaLexer, T, TemplateSyntaxError, type Token } from './lexer.js';
import type { JinjaNodes, SyntaxNode } from './nodes.js';

type N = SyntaxNode;

/** Names that are constants, never assignment targets (Jinja2 accepts both spellings). */
const CONSTANTS: Record<string, boolean | null> = { true: true, false: false, True: true, False: false, none: null, None: null };
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const MATH2: Record<string, string> = { '*': 'Mul', '/': 'Div', '//': 'FloorDiv', '%': 'Mod' };
/** Tags nunjucks has and Jinja2 does not. */
const NUNJUCKS_ONLY = new Set(['elseif', 'switch', 'case', 'default', 'verbatim', 'ifAsync', 'asyncEach', 'asyncAll']);
const LOADER_TAGS = new Set(['include', 'import', 'from', 'extends']);

export interface ParserBase {
  new (tokens: JinjaLexer): any;
}

/** What the template compiler needs of a parser. */
export interface JinjaParserApi {
  extensions: unknown[];
  parseAsRoot(): SyntaxNode;
}

/** nunjucks' Parser subclassed with Jinja2's grammar. `nodes` come from {@link makeNodes}. */
export function makeParser(NunjucksParser: ParserBase, nodes: JinjaNodes): new (tokens: JinjaLexer) => JinjaParserApi {
  const nj = nodes.nj;

  class JinjaParser extends NunjucksParser {
    declare tokens: JinjaLexer;
    declare extensions: { tags?: string[]; parse(parser: unknown, nodes: unknown, lexer: unknown): N }[];
    declare breakOnBlocks: string[] | null;
    /** Loops the current statement is inside (for break/continue); reset in macro and call bodies. */
    declare loopDepth: number;

    init(tokens: JinjaLexer): void {
      super.init(tokens);
      this.loopDepth = 0;
    }

    // ---- token stream (unlimited lookahead over the pre-lexed tokens)

    nextToken(): Token | null {
      return this.tokens.nextToken();
    }
    peekToken(): Token | null {
      return this.tokens.peek();
    }
    pushToken(tok: Token | null): void {
      if (tok) this.tokens.position = this.tokens.position - 1;
    }
    /** The token after the next one. */
    look(): Token | null {
      return this.tokens.peek(1);
    }
    private cur(): Token {
      const t = this.tokens.peek();
      if (!t) this.failAt(null, 'unexpected end of template');
      return t;
    }
    private is(type: string, value?: string): boolean {
      const t = this.tokens.peek();
      return !!t && t.type === type && (value === undefined || t.value === value);
    }
    private isName(value: string): boolean {
      return this.is(T.NAME, value);
    }
    private isOp(value: string): boolean {
      const t = this.tokens.peek();
      return !!t && t.value === value && (t.type === T.OPERATOR || t.type === T.TILDE || t.type === T.PIPE || t.type === T.COLON || t.type === T.COMMA);
    }
    private take(): Token {
      const t = this.nextToken();
      if (!t) this.failAt(null, 'unexpected end of template');
      return t;
    }
    private expectType(type: string, what: string): Token {
      const t = this.nextToken();
      if (!t || t.type !== type) this.failAt(t, `expected ${what}, got ${describe(t)}`);
      return t;
    }
    private expectName(value?: string): Token {
      const t = this.nextToken();
      if (!t || t.type !== T.NAME || (value !== undefined && t.value !== value)) this.failAt(t, `expected ${value ? `'${value}'` : 'a name'}, got ${describe(t)}`);
      return t;
    }
    private expectOp(value: string): Token {
      const t = this.nextToken();
      if (!t || t.value !== value || t.type === T.STRING) this.failAt(t, `expected '${value}', got ${describe(t)}`);
      return t;
    }
    private skipOp(value: string): boolean {
      if (this.isOp(value)) {
        this.nextToken();
        return true;
      }
      return false;
    }
    private skipName(value: string): boolean {
      if (this.isName(value)) {
        this.nextToken();
        return true;
      }
      return false;
    }
    failAt(tok: Token | null | undefined, msg: string): never {
      const at = tok ?? this.tokens.tokens[this.tokens.tokens.length - 1];
      throw this.error(msg, at?.lineno ?? 0, at?.colno ?? 0);
    }

    // ---- templates and statements

    parseAsRoot(): N {
      return new nj.Root(0, 0, this.parseNodes());
    }

    parse(): N {
      return new nj.NodeList(0, 0, this.parseNodes());
    }

    parseNodes(): N[] {
      const buf: N[] = [];
      for (;;) {
        const tok = this.nextToken();
        if (!tok) break;
        if (tok.type === T.DATA) {
          buf.push(new nj.Output(tok.lineno, tok.colno, [new nj.TemplateData(tok.lineno, tok.colno, tok.value)]));
        } else if (tok.type === T.VARIABLE_START) {
          const e = this.parseTuple();
          this.expectType(T.VARIABLE_END, "'}}'");
          buf.push(new nj.Output(tok.lineno, tok.colno, [e]));
        } else if (tok.type === T.BLOCK_START) {
          const n = this.parseStatement();
          if (!n) break;
          buf.push(n);
        } else this.failAt(tok, `unexpected ${describe(tok)}`);
      }
      return buf;
    }

    /** nunjucks' API: the statements up to one of `blockNames` (left unconsumed: `{%` consumed, the name not). */
    parseUntilBlocks(...blockNames: string[]): N {
      const prev = this.breakOnBlocks;
      this.breakOnBlocks = blockNames;
      const body = this.parse();
      this.breakOnBlocks = prev;
      return body;
    }

    /** The statements up to `{% name %}` (one of `ends`); returns the body and which end tag was found (consumed). */
    private statements(ends: string[], opener: Token, dropEnd = true): { body: N; end: string } {
      const body = this.parseUntilBlocks(...ends);
      const t = this.nextToken();
      if (!t) this.failAt(opener, `unexpected end of template: '${opener.value}' at line ${opener.lineno + 1} is never closed (expected ${ends.map((e) => `'${e}'`).join(' or ')})`);
      if (dropEnd) this.advanceAfterBlockEnd(t.value);
      return { body, end: t.value };
    }

    parseStatement(): N | null {
      const tok = this.peekToken();
      if (!tok || tok.type !== T.NAME) this.failAt(tok, `tag name expected, got ${describe(tok)}`);
      if (this.breakOnBlocks && this.breakOnBlocks.includes(tok.value)) return null;
      switch (tok.value) {
        case 'if':
          return this.parseIf();
        case 'for':
          return this.parseFor();
        case 'set':
          return this.parseSet();
        case 'macro':
          return this.parseMacro();
        case 'call':
          return this.parseCall();
        case 'filter':
          return this.parseFilterStatement();
        case 'with':
          return this.parseWith();
        case 'do':
          return this.parseDo();
        case 'break':
        case 'continue':
          return this.parseLoopControl();
        case 'block':
          return this.parseBlock();
        case 'raw':
          return this.failAt(tok, "'raw' must be written {% raw %} (it cannot be built from expressions)");
      }
      for (const ext of this.extensions) {
        if ((ext.tags ?? []).includes(tok.value)) return ext.parse(this, nj, lexerApi);
      }
      if (LOADER_TAGS.has(tok.value)) this.failAt(tok, `'{% ${tok.value} %}' is not supported: templates have no loader (dbt's neither)`);
      if (tok.value === 'autoescape') this.failAt(tok, "'{% autoescape %}' is not supported: templates render without escaping, as dbt's do");
      if (NUNJUCKS_ONLY.has(tok.value)) this.failAt(tok, `unknown tag '${tok.value}' (Jinja2 has no '${tok.value}'${tok.value === 'elseif' ? "; use 'elif'" : ''})`);
      if (this.breakOnBlocks) this.failAt(tok, `unexpected tag '${tok.value}' (expected ${this.breakOnBlocks.map((b) => `'${b}'`).join(' or ')})`);
      return this.failAt(tok, `unknown tag '${tok.value}'`);
    }

    /** nunjucks' API: consumes the (optional) tag name and the `%}`. */
    advanceAfterBlockEnd(name?: string): Token {
      if (!name) {
        const t = this.peekToken();
        if (!t) this.failAt(null, 'unexpected end of template');
        if (t.type !== T.NAME) this.failAt(t, 'expected a tag name');
        name = this.take().value;
      }
      const tok = this.nextToken();
      if (!tok || tok.type !== T.BLOCK_END) this.failAt(tok, `expected end of '${name}' tag ('%}'), got ${describe(tok)}`);
      return tok;
    }

    private blockEnd(name: string): void {
      const tok = this.nextToken();
      if (!tok || tok.type !== T.BLOCK_END) this.failAt(tok, `expected end of '${name}' tag ('%}'), got ${describe(tok)}`);
    }

    parseIf(): N {
      const tag = this.take(); // if / elif
      const node = new nj.If(tag.lineno, tag.colno);
      node.cond = this.parseTuple(false, false);
      this.blockEnd(tag.value);
      const { body, end } = this.statements(['elif', 'else', 'endif'], tag, false);
      node.body = body;
      if (end === 'elif') {
        this.pushToken(this.tokens.tokens[this.tokens.position - 1]!);
        node.else_ = this.parseIf();
      } else if (end === 'else') {
        this.blockEnd('else');
        node.else_ = this.statements(['endif'], tag).body;
      } else {
        this.blockEnd('endif');
        node.else_ = null;
      }
      return node;
    }

    parseFor(): N {
      const tag = this.take();
      const target = this.parseAssignTarget({ extraEnd: ['in'] });
      this.expectName('in');
      const iter = this.parseTuple(false, false, ['recursive']);
      let test: N | null = null;
      if (this.skipName('if')) test = this.parseExpression();
      const recursive = this.skipName('recursive');
      this.blockEnd('for');
      this.loopDepth++;
      const { body, end } = this.statements(['endfor', 'else'], tag);
      this.loopDepth--;
      const else_ = end === 'else' ? this.statements(['endfor'], tag).body : null;
      return new nodes.Loop(tag.lineno, tag.colno, target, iter, body, else_, test, recursive);
    }

    parseLoopControl(): N {
      const tag = this.take();
      if (!this.loopDepth) this.failAt(tag, `'{% ${tag.value} %}' outside of a loop`);
      this.blockEnd(tag.value);
      return tag.value === 'break' ? new nodes.Break(tag.lineno, tag.colno) : new nodes.Continue(tag.lineno, tag.colno);
    }

    parseSet(): N {
      const tag = this.take();
      const target = this.parseAssignTarget({ withNamespace: true });
      if (this.skipOp('=')) {
        const value = this.parseTuple();
        this.blockEnd('set');
        return new nodes.Assign(tag.lineno, tag.colno, target, value);
      }
      const filter = this.isOp('|') ? this.parseFilter(null) : null;
      this.blockEnd('set');
      const { body } = this.statements(['endset'], tag);
      return new nodes.AssignBlock(tag.lineno, tag.colno, target, filter, body);
    }

    parseWith(): N {
      const tag = this.take();
      const targets: N[] = [];
      const values: N[] = [];
      while (!this.is(T.BLOCK_END)) {
        if (targets.length) this.expectOp(',');
        targets.push(this.parseAssignTarget());
        this.expectOp('=');
        values.push(this.parseExpression());
      }
      this.blockEnd('with');
      const { body } = this.statements(['endwith'], tag);
      return new nodes.With(tag.lineno, tag.colno, targets, values, body);
    }

    parseDo(): N {
      const tag = this.take();
      const expr = this.parseTuple();
      this.blockEnd('do');
      return new nodes.ExprStmt(tag.lineno, tag.colno, expr);
    }

    parseBlock(): N {
      const tag = this.take();
      const name = this.expectName().value;
      while (this.isName('scoped') || this.isName('required')) this.nextToken();
      this.blockEnd('block');
      const { body } = this.statements(['endblock'], tag, false);
      if (this.is(T.NAME) && !this.is(T.BLOCK_END)) {
        const n = this.take();
        if (n.value !== name) this.failAt(n, `'endblock' names '${n.value}', the block is '${name}'`);
      }
      this.blockEnd('endblock');
      return new nodes.InlineBlock(tag.lineno, tag.colno, name, body);
    }

    parseMacro(): N {
      const tag = this.take();
      const nameTok = this.expectName();
      if (nameTok.value in CONSTANTS) this.failAt(nameTok, `cannot name a macro '${nameTok.value}'`);
      const { params, defaults } = this.parseParams(true);
      this.blockEnd('macro');
      const outer = this.loopDepth;
      this.loopDepth = 0;
      const { body } = this.statements(['endmacro'], tag);
      this.loopDepth = outer;
      return new nodes.MacroDef(tag.lineno, tag.colno, nameTok.value, params, defaults, body);
    }

    /** `(a, b=1)`: names and default expressions (null where there is none). */
    private parseParams(required: boolean): { params: string[]; defaults: (N | null)[] } {
      const params: string[] = [];
      const defaults: (N | null)[] = [];
      if (!this.is(T.LEFT_PAREN)) {
        if (required) this.failAt(this.peekToken(), `expected '(' after the macro name, got ${describe(this.peekToken())}`);
        return { params, defaults };
      }
      this.nextToken();
      while (!this.is(T.RIGHT_PAREN)) {
        if (params.length) this.expectOp(',');
        const arg = this.expectName();
        if (arg.value in CONSTANTS) this.failAt(arg, `cannot use '${arg.value}' as an argument name`);
        if (params.includes(arg.value)) this.failAt(arg, `duplicate argument '${arg.value}'`);
        params.push(arg.value);
        if (this.skipOp('=')) defaults.push(this.parseExpression());
        else {
          if (defaults.some((d) => d !== null)) this.failAt(arg, 'non-default argument follows default argument');
          defaults.push(null);
        }
      }
      this.nextToken();
      return { params, defaults };
    }

    parseCall(): N {
      const tag = this.take();
      const { params, defaults } = this.parseParams(false);
      const call = this.parseExpression();
      if (call.typename !== 'Call') this.failAt(tag, "expected a call after 'call' (like {% call macro(args) %})");
      this.blockEnd('call');
      const outer = this.loopDepth;
      this.loopDepth = 0;
      const { body } = this.statements(['endcall'], tag);
      this.loopDepth = outer;
      return new nodes.CallBlock(tag.lineno, tag.colno, call, params, defaults, body);
    }

    parseFilterStatement(): N {
      const tag = this.take();
      const filter = this.parseFilter(null, true);
      this.blockEnd('filter');
      const { body } = this.statements(['endfilter'], tag);
      return new nodes.FilterBlock(tag.lineno, tag.colno, filter, body);
    }

    /** An assignment target: a name, a tuple of targets, or (with `withNamespace`) `ns.attr`. */
    parseAssignTarget(opts: { withTuple?: boolean; extraEnd?: string[]; withNamespace?: boolean } = {}): N {
      const first = this.cur();
      let target: N;
      if (opts.withNamespace && first.type === T.NAME && this.look()?.type === T.OPERATOR && this.look()?.value === '.') {
        this.nextToken();
        this.nextToken();
        const attr = this.expectName();
        target = new nodes.NSRef(first.lineno, first.colno, first.value, attr.value);
      } else if (opts.withTuple === false) {
        target = this.parsePrimary();
      } else {
        target = this.parseTuple(true, true, opts.extraEnd ?? []);
      }
      this.checkAssignable(target, first);
      return target;
    }

    private checkAssignable(n: N, at: Token): void {
      if (n.typename === 'Symbol' && !(n.value in CONSTANTS)) return;
      if (n.typename === 'NSRef') return;
      if (n.typename === 'Tuple') {
        for (const c of n.children as N[]) this.checkAssignable(c, at);
        return;
      }
      this.failAt(at, `can't assign to ${n.typename === 'Literal' ? `'${String(n.value)}'` : 'this expression'}`);
    }

    // ---- expressions

    /** nunjucks' API, and Jinja2's `parse_expression`: a conditional expression. */
    parseExpression(withCondexpr = true): N {
      return withCondexpr ? this.parseCondexpr() : this.parseOr();
    }

    /**
     * Jinja2's `parse_tuple`: `a, b` is a tuple, `a` is itself. `simplified` parses only primaries
     * (assignment targets); the tuple ends before `extraEnd` names and the tag's end.
     */
    parseTuple(simplified = false, withCondexpr = true, extraEnd: string[] = [], explicitParens = false): N {
      const start = this.cur();
      const args: N[] = [];
      let isTuple = false;
      for (;;) {
        if (args.length) this.expectOp(',');
        if (this.tupleEnd(extraEnd)) break;
        args.push(simplified ? this.parsePrimary() : this.parseExpression(withCondexpr));
        if (this.isOp(',')) isTuple = true;
        else break;
      }
      if (!isTuple) {
        if (args.length) return args[0]!;
        if (!explicitParens) this.failAt(this.peekToken(), `expected an expression, got ${describe(this.peekToken())}`);
      }
      return new nodes.Tuple(start.lineno, start.colno, args);
    }

    private tupleEnd(extraEnd: string[]): boolean {
      const t = this.peekToken();
      if (!t) return true;
      if (t.type === T.VARIABLE_END || t.type === T.BLOCK_END || t.type === T.RIGHT_PAREN) return true;
      if (t.type === T.NAME && extraEnd.includes(t.value)) return true;
      return false;
    }

    parseCondexpr(): N {
      let expr1 = this.parseOr();
      while (this.isName('if')) {
        const tok = this.take();
        const cond = this.parseOr();
        const else_ = this.skipName('else') ? this.parseCondexpr() : null;
        const n = new nj.InlineIf(tok.lineno, tok.colno);
        n.cond = cond;
        n.body = expr1;
        n.else_ = else_;
        expr1 = n;
      }
      return expr1;
    }

    parseInlineIf(): N {
      return this.parseCondexpr();
    }

    parseOr(): N {
      let left = this.parseAnd();
      while (this.isName('or')) {
        const tok = this.take();
        left = new nj.Or(tok.lineno, tok.colno, left, this.parseAnd());
      }
      return left;
    }

    parseAnd(): N {
      let left = this.parseNot();
      while (this.isName('and')) {
        const tok = this.take();
        left = new nj.And(tok.lineno, tok.colno, left, this.parseNot());
      }
      return left;
    }

    parseNot(): N {
      if (this.isName('not')) {
        const tok = this.take();
        return new nj.Not(tok.lineno, tok.colno, this.parseNot());
      }
      return this.parseCompare();
    }

    parseCompare(): N {
      const expr = this.parseMath1();
      const ops: { op: string; expr: N }[] = [];
      for (;;) {
        const t = this.peekToken();
        if (t && t.type === T.OPERATOR && COMPARE_OPS.has(t.value)) {
          this.nextToken();
          ops.push({ op: t.value, expr: this.parseMath1() });
        } else if (this.isName('in')) {
          this.nextToken();
          ops.push({ op: 'in', expr: this.parseMath1() });
        } else if (this.isName('not') && this.look()?.type === T.NAME && this.look()?.value === 'in') {
          this.nextToken();
          this.nextToken();
          ops.push({ op: 'notin', expr: this.parseMath1() });
        } else break;
      }
      if (!ops.length) return expr;
      return new nodes.Comparison(expr.lineno, expr.colno, expr, ops);
    }

    private parseMath1(): N {
      let left = this.parseConcat();
      for (;;) {
        const t = this.peekToken();
        if (!t || t.type !== T.OPERATOR || (t.value !== '+' && t.value !== '-')) break;
        this.nextToken();
        const right = this.parseConcat();
        left = new nj[t.value === '+' ? 'Add' : 'Sub'](t.lineno, t.colno, left, right);
      }
      return left;
    }

    private parseConcat(): N {
      const first = this.parseMath2();
      const items = [first];
      while (this.is(T.TILDE)) {
        this.nextToken();
        items.push(this.parseMath2());
      }
      return items.length === 1 ? first : new nodes.ConcatAll(first.lineno, first.colno, items);
    }

    private parseMath2(): N {
      let left = this.parsePow();
      for (;;) {
        const t = this.peekToken();
        if (!t || t.type !== T.OPERATOR || !(t.value in MATH2)) break;
        this.nextToken();
        const right = this.parsePow();
        left = new nj[MATH2[t.value]!](t.lineno, t.colno, left, right);
      }
      return left;
    }

    parsePow(): N {
      let left = this.parseUnary();
      while (this.is(T.OPERATOR, '**')) {
        const t = this.take();
        left = new nj.Pow(t.lineno, t.colno, left, this.parseUnary());
      }
      return left;
    }

    parseUnary(withFilter = true): N {
      const t = this.cur();
      let node: N;
      if (t.type === T.OPERATOR && t.value === '-') {
        this.nextToken();
        node = new nj.Neg(t.lineno, t.colno, this.parseUnary(false));
      } else if (t.type === T.OPERATOR && t.value === '+') {
        this.nextToken();
        node = new nj.Pos(t.lineno, t.colno, this.parseUnary(false));
      } else node = this.parsePrimary();
      node = this.parsePostfix(node);
      if (withFilter) node = this.parseFilterExpr(node);
      return node;
    }

    parsePrimary(): N {
      const t = this.take();
      switch (t.type) {
        case T.NAME:
          if (t.value in CONSTANTS) return new nj.Literal(t.lineno, t.colno, CONSTANTS[t.value]);
          return new nj.Symbol(t.lineno, t.colno, t.value);
        case T.STRING: {
          let value = t.value;
          while (this.is(T.STRING)) value += this.take().value;
          return new nj.Literal(t.lineno, t.colno, value);
        }
        case T.INT:
          return new nj.Literal(t.lineno, t.colno, intLiteral(t.value));
        case T.FLOAT: {
          const lit = new nj.Literal(t.lineno, t.colno, Number(t.value));
          lit.isFloat = true;
          return lit;
        }
        case T.LEFT_PAREN: {
          const n = this.parseTuple(false, true, [], true);
          this.expectType(T.RIGHT_PAREN, "')'");
          return n;
        }
        case T.LEFT_BRACKET:
          return this.parseList(t);
        case T.LEFT_CURLY:
          return this.parseDict(t);
      }
      return this.failAt(t, `unexpected ${describe(t)}`);
    }

    private parseList(open: Token): N {
      const items: N[] = [];
      while (!this.is(T.RIGHT_BRACKET)) {
        if (items.length) this.expectOp(',');
        if (this.is(T.RIGHT_BRACKET)) break;
        items.push(this.parseExpression());
      }
      this.expectType(T.RIGHT_BRACKET, "']'");
      return new nj.Array(open.lineno, open.colno, items);
    }

    private parseDict(open: Token): N {
      const pairs: N[] = [];
      while (!this.is(T.RIGHT_CURLY)) {
        if (pairs.length) this.expectOp(',');
        if (this.is(T.RIGHT_CURLY)) break;
        const key = this.parseExpression();
        this.expectOp(':');
        const value = this.parseExpression();
        pairs.push(new nj.Pair(key.lineno, key.colno, key, value));
      }
      this.expectType(T.RIGHT_CURLY, "'}'");
      return new nj.Dict(open.lineno, open.colno, pairs);
    }

    parsePostfix(node: N): N {
      for (;;) {
        const t = this.peekToken();
        if (!t) return node;
        if ((t.type === T.OPERATOR && t.value === '.') || t.type === T.LEFT_BRACKET) node = this.parseSubscript(node);
        else if (t.type === T.LEFT_PAREN) node = this.parseCallExpr(node);
        else return node;
      }
    }

    private parseFilterExpr(node: N): N {
      for (;;) {
        const t = this.peekToken();
        if (!t) return node;
        if (t.type === T.PIPE) node = this.parseFilter(node);
        else if (t.type === T.NAME && t.value === 'is') node = this.parseTest(node);
        else if (t.type === T.LEFT_PAREN) node = this.parseCallExpr(node);
        else return node;
      }
    }

    private parseSubscript(node: N): N {
      const t = this.take();
      if (t.type === T.OPERATOR) {
        const attr = this.take();
        if (attr.type === T.NAME) return new nodes.Getattr(t.lineno, t.colno, node, attr.value);
        if (attr.type === T.INT) return new nodes.Getitem(t.lineno, t.colno, node, new nj.Literal(attr.lineno, attr.colno, intLiteral(attr.value)));
        return this.failAt(attr, `expected a name or a number after '.', got ${describe(attr)}`);
      }
      const args: N[] = [];
      while (!this.is(T.RIGHT_BRACKET)) {
        if (args.length) this.expectOp(',');
        args.push(this.parseSubscribed());
      }
      this.expectType(T.RIGHT_BRACKET, "']'");
      if (!args.length) this.failAt(t, 'expected an index or a slice inside []');
      const key = args.length === 1 ? args[0]! : new nodes.Tuple(t.lineno, t.colno, args);
      return new nodes.Getitem(t.lineno, t.colno, node, key);
    }

    private parseSubscribed(): N {
      const t = this.cur();
      let start: N | null = null;
      if (!this.isOp(':')) {
        start = this.parseExpression();
        if (!this.isOp(':')) return start;
      }
      this.nextToken(); // ':'
      let stop: N | null = null;
      let step: N | null = null;
      if (!this.is(T.RIGHT_BRACKET) && !this.isOp(',') && !this.isOp(':')) stop = this.parseExpression();
      if (this.skipOp(':')) {
        if (!this.is(T.RIGHT_BRACKET) && !this.isOp(',')) step = this.parseExpression();
      }
      return new nodes.Slice(t.lineno, t.colno, start, stop, step);
    }

    /** Jinja2's `parse_call_args`: positional, `*args`, `name=value`, `**kwargs`, trailing comma. */
    private parseCallArgs(): { args: N[]; kwargs: [string, N][]; dynArgs: N | null; dynKwargs: N | null } {
      const open = this.expectType(T.LEFT_PAREN, "'('");
      const args: N[] = [];
      const kwargs: [string, N][] = [];
      let dynArgs: N | null = null;
      let dynKwargs: N | null = null;
      let requireComma = false;
      const ensure = (ok: boolean, at: Token) => {
        if (!ok) this.failAt(at, 'invalid syntax for function call expression (positional arguments must come before keyword arguments, *args and **kwargs)');
      };
      while (!this.is(T.RIGHT_PAREN)) {
        if (requireComma) {
          this.expectOp(',');
          if (this.is(T.RIGHT_PAREN)) break;
        }
        const t = this.cur();
        if (t.type === T.OPERATOR && t.value === '*') {
          ensure(dynArgs === null && dynKwargs === null, t);
          this.nextToken();
          dynArgs = this.parseExpression();
        } else if (t.type === T.OPERATOR && t.value === '**') {
          ensure(dynKwargs === null, t);
          this.nextToken();
          dynKwargs = this.parseExpression();
        } else if (t.type === T.NAME && this.look()?.type === T.OPERATOR && this.look()?.value === '=') {
          ensure(dynKwargs === null, t);
          this.nextToken();
          this.nextToken();
          if (kwargs.some(([k]) => k === t.value)) this.failAt(t, `keyword argument repeated: ${t.value}`);
          kwargs.push([t.value, this.parseExpression()]);
        } else {
          ensure(dynArgs === null && dynKwargs === null && !kwargs.length, t);
          args.push(this.parseExpression());
        }
        requireComma = true;
      }
      if (!this.is(T.RIGHT_PAREN)) this.failAt(open, "expected ')'");
      this.nextToken();
      return { args, kwargs, dynArgs, dynKwargs };
    }

    private parseCallExpr(node: N): N {
      const t = this.cur();
      const { args, kwargs, dynArgs, dynKwargs } = this.parseCallArgs();
      return new nodes.Call(t.lineno, t.colno, node, args, kwargs, dynArgs, dynKwargs);
    }

    /** `| name(args)` (repeated); `startInline` for `{% filter name %}`, where the first has no `|`. */
    parseFilter(node: N | null, startInline = false): N {
      while (this.is(T.PIPE) || startInline) {
        if (!startInline) this.nextToken();
        startInline = false;
        const t = this.expectName();
        let name = t.value;
        while (this.is(T.OPERATOR, '.')) {
          this.nextToken();
          name += `.${this.expectName().value}`;
        }
        const call = this.is(T.LEFT_PAREN) ? this.parseCallArgs() : { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
        node = new nodes.FilterCall(t.lineno, t.colno, node, name, call.args, call.kwargs, call.dynArgs, call.dynKwargs);
      }
      return node!;
    }

    private parseTest(node: N): N {
      const isTok = this.take();
      const negated = this.skipName('not');
      const t = this.expectName();
      let name = t.value;
      while (this.is(T.OPERATOR, '.')) {
        this.nextToken();
        name += `.${this.expectName().value}`;
      }
      let call: { args: N[]; kwargs: [string, N][]; dynArgs: N | null; dynKwargs: N | null } = { args: [], kwargs: [], dynArgs: null, dynKwargs: null };
      const next = this.peekToken();
      if (next?.type === T.LEFT_PAREN) call = this.parseCallArgs();
      else if (next && [T.NAME, T.STRING, T.INT, T.FLOAT, T.LEFT_BRACKET, T.LEFT_CURLY].includes(next.type as never) && !(next.type === T.NAME && ['else', 'or', 'and'].includes(next.value))) {
        if (next.type === T.NAME && next.value === 'is') this.failAt(next, 'you cannot chain multiple tests with is');
        call.args = [this.parsePostfix(this.parsePrimary())];
      }
      const test = new nodes.TestCall(isTok.lineno, isTok.colno, node, name, call.args, call.kwargs, call.dynArgs, call.dynKwargs);
      return negated ? new nj.Not(isTok.lineno, isTok.colno, test) : test;
    }

    /**
     * nunjucks' API for extensions: `(a, b=1)` (or up to `%}` with `noParens`) as a NodeList of
     * positional expressions plus one KeywordArgs of Pairs.
     */
    parseSignature(tolerant?: boolean, noParens?: boolean): N | null {
      const tok = this.peekToken();
      if (!noParens && tok?.type !== T.LEFT_PAREN) {
        if (tolerant) return null;
        this.failAt(tok, 'expected arguments');
      }
      if (tok?.type === T.LEFT_PAREN) this.nextToken();
      const args = new nj.NodeList(tok!.lineno, tok!.colno);
      const kwargs = new nj.KeywordArgs(tok!.lineno, tok!.colno);
      let first = true;
      for (;;) {
        const t = this.peekToken();
        if (!noParens && t?.type === T.RIGHT_PAREN) {
          this.nextToken();
          break;
        }
        if (noParens && t?.type === T.BLOCK_END) break;
        if (!first) {
          this.expectOp(',');
          const after = this.peekToken();
          if ((!noParens && after?.type === T.RIGHT_PAREN) || (noParens && after?.type === T.BLOCK_END)) continue;
        }
        first = false;
        const t2 = this.cur();
        if (t2.type === T.NAME && this.look()?.type === T.OPERATOR && this.look()?.value === '=') {
          this.nextToken();
          this.nextToken();
          kwargs.addChild(new nj.Pair(t2.lineno, t2.colno, new nj.Literal(t2.lineno, t2.colno, t2.value), this.parseExpression()));
        } else args.addChild(this.parseExpression());
      }
      if (kwargs.children.length) args.addChild(kwargs);
      return args;
    }
  }

  return JinjaParser;
}

/** The lexer constants extensions receive as their third `parse()` argument. */
const lexerApi = {
  TOKEN_STRING: T.STRING,
  TOKEN_DATA: T.DATA,
  TOKEN_BLOCK_START: T.BLOCK_START,
  TOKEN_BLOCK_END: T.BLOCK_END,
  TOKEN_VARIABLE_START: T.VARIABLE_START,
  TOKEN_VARIABLE_END: T.VARIABLE_END,
  TOKEN_LEFT_PAREN: T.LEFT_PAREN,
  TOKEN_RIGHT_PAREN: T.RIGHT_PAREN,
  TOKEN_LEFT_BRACKET: T.LEFT_BRACKET,
  TOKEN_RIGHT_BRACKET: T.RIGHT_BRACKET,
  TOKEN_LEFT_CURLY: T.LEFT_CURLY,
  TOKEN_RIGHT_CURLY: T.RIGHT_CURLY,
  TOKEN_OPERATOR: T.OPERATOR,
  TOKEN_COMMA: T.COMMA,
  TOKEN_COLON: T.COLON,
  TOKEN_TILDE: T.TILDE,
  TOKEN_PIPE: T.PIPE,
  TOKEN_INT: T.INT,
  TOKEN_FLOAT: T.FLOAT,
  TOKEN_SYMBOL: T.NAME,
  TOKEN_WHITESPACE: 'whitespace',
};

function intLiteral(text: string): number | bigint {
  const lower = text.toLowerCase();
  const big = lower.startsWith('0b') || lower.startsWith('0o') || lower.startsWith('0x') ? BigInt(lower) : BigInt(text);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function describe(t: Token | null | undefined): string {
  if (!t) return 'end of template';
  switch (t.type) {
    case T.VARIABLE_END:
      return "end of print statement ('}}')";
    case T.BLOCK_END:
      return "end of statement block ('%}')";
    case T.STRING:
      return 'a string';
    case T.INT:
    case T.FLOAT:
      return `number ${t.value}`;
    case T.NAME:
      return `'${t.value}'`;
    case T.DATA:
      return 'template text';
  }
  return `'${t.value}'`;
}

export { TemplateSyntaxError };
