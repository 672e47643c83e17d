/**
 * The syntax tree: nunjucks' node classes where they mean the same thing in Jinja2 (Output,
 * TemplateData, Literal, Symbol, If, InlineIf, And, Or, Not, arithmetic, Array, Dict, Pair,
 * KeywordArgs, CallExtension) and node classes of our own, made with nunjucks' `Node.extend`,
 * for what nunjucks lacks or means differently.
 */

/** A syntax tree node (nunjucks' `Node`): line and column are 0-based. */
export interface SyntaxNode {
  readonly typename: string;
  lineno: number;
  colno: number;
  [field: string]: any;
}

type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => SyntaxNode;

/** nunjucks' nodes module, as far as we use it. */
export interface NunjucksNodes {
  Node: { extend(name: string, props?: { fields: string[] }): NodeClass };
  NodeList: { extend(name: string): NodeClass } & NodeClass;
  [name: string]: any;
}

/** Our node classes next to nunjucks' own. */
export interface JinjaNodes {
  readonly nj: NunjucksNodes;
  /** `(a, b)` and `a, b`: a tuple (children). */
  readonly Tuple: NodeClass;
  /** `x.name` (target, name: string). */
  readonly Getattr: NodeClass;
  /** `x[key]` (target, key). */
  readonly Getitem: NodeClass;
  /** `start:stop:step` inside `[]` (start, stop, step; each may be null). */
  readonly Slice: NodeClass;
  /** A call (target, args: node[], kwargs: [name, node][], dynArgs, dynKwargs). */
  readonly Call: NodeClass;
  /** `value | name(args)` (target, name, args, kwargs, dynArgs, dynKwargs); target null in filter blocks. */
  readonly FilterCall: NodeClass;
  /** `value is name(args)` (target, name, args, kwargs, dynArgs, dynKwargs). */
  readonly TestCall: NodeClass;
  /** `a < b in c`: comparisons and membership chained (expr, ops: {op, expr}[]). */
  readonly Comparison: NodeClass;
  /** `a ~ b ~ c` (items). */
  readonly ConcatAll: NodeClass;
  /** `{% for target in iter if test recursive %}` (target, iter, body, else_, test, recursive). */
  readonly Loop: NodeClass;
  /** `{% macro name(params) %}` (name, params: string[], defaults: (node|null)[], body). */
  readonly MacroDef: NodeClass;
  /** `{% call(params) expr %}` (call, params, defaults, body). */
  readonly CallBlock: NodeClass;
  /** `{% set target = value %}` (target, value). */
  readonly Assign: NodeClass;
  /** `{% set target | filters %}body{% endset %}` (target, filter, body). */
  readonly AssignBlock: NodeClass;
  /** `ns.attr` as an assignment target (name, attr). */
  readonly NSRef: NodeClass;
  /** `{% with a = 1 %}` (targets, values, body). */
  readonly With: NodeClass;
  /** `{% filter name %}body{% endfilter %}` (filter, body). */
  readonly FilterBlock: NodeClass;
  /** `{% do expr %}` (expr). */
  readonly ExprStmt: NodeClass;
  /** `{% break %}`, `{% continue %}` (no fields). */
  readonly Break: NodeClass;
  readonly Continue: NodeClass;
  /** `{% block name %}` rendered in place (name, body). */
  readonly InlineBlock: NodeClass;
}

export function makeNodes(nj: NunjucksNodes): JinjaNodes {
  const node = (name: string, fields: string[]) => nj.Node.extend(name, { fields });
  return {
    nj,
    Tuple: nj.NodeList.extend('Tuple'),
    Getattr: node('Getattr', ['target', 'name']),
    Getitem: node('Getitem', ['target', 'key']),
    Slice: node('PySlice', ['start', 'stop', 'step']),
    Call: node('Call', ['target', 'args', 'kwargs', 'dynArgs', 'dynKwargs']),
    FilterCall: node('FilterCall', ['target', 'name', 'args', 'kwargs', 'dynArgs', 'dynKwargs']),
    TestCall: node('TestCall', ['target', 'name', 'args', 'kwargs', 'dynArgs', 'dynKwargs']),
    Comparison: node('Comparison', ['expr', 'ops']),
    ConcatAll: node('ConcatAll', ['items']),
    Loop: node('Loop', ['target', 'iter', 'body', 'else_', 'test', 'recursive']),
    MacroDef: node('MacroDef', ['name', 'params', 'defaults', 'body']),
    CallBlock: node('CallBlock', ['call', 'params', 'defaults', 'body']),
    Assign: node('Assign', ['target', 'value']),
    AssignBlock: node('AssignBlock', ['target', 'filter', 'body']),
    NSRef: node('NSRef', ['name', 'attr']),
    With: node('With', ['targets', 'values', 'body']),
    FilterBlock: node('FilterBlock', ['filter', 'body']),
    ExprStmt: node('ExprStmt', ['expr']),
    Break: node('Break', []),
    Continue: node('Continue', []),
    InlineBlock: node('InlineBlock', ['name', 'body']),
  };
}
