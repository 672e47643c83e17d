/**
 * One conformance case: a template, what Jinja2 3.1 renders it to (or the error it raises), and the
 * rule of Jinja2's documentation (Template Designer Documentation) or of Python's str/list/dict
 * documentation that decides it.
 */
export interface Case {
  /** The rule the case checks, with where it is documented. */
  readonly rule: string;
  readonly template: string;
  /** The output Jinja2 gives. */
  readonly expected?: string;
  /** For a template Jinja2 rejects: the error code bmp raises and a part of its message. */
  readonly error?: { readonly code: string; readonly message?: string };
  /** Variables of the render. */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** `case(rule, template, expected)`, the common form. */
export function c(rule: string, template: string, expected: string, context?: Record<string, unknown>): Case {
  return { rule, template, expected, context };
}

/** A case whose template raises: `code` (BMP_TEMPLATE_*), `message` a part of the message. */
export function e(rule: string, template: string, code: string, message?: string, context?: Record<string, unknown>): Case {
  return { rule, template, error: { code, message }, context };
}
