/**
 * The errors a template raises while it renders, as Jinja2 raises them (UndefinedError, TypeError,
 * ValueError/KeyError/IndexError/ZeroDivisionError). Thrown without a location: the engine adds
 * the file and the line of the expression that raised.
 */
import { CompileError } from '../../errors.js';

/** Jinja2's UndefinedError: an undefined value used for more than printing or testing. */
export function undefinedError(what?: string, action?: string): CompileError {
  const subject = what ? `'${what}' is undefined` : 'an undefined value';
  return new CompileError('BMP_TEMPLATE_UNDEFINED', action ? `${subject} (${action})` : subject);
}

/** Jinja2's UndefinedError for a missing attribute that is then used: `'str object' has no attribute 'x'`. */
export function noAttribute(type: string | undefined, name: string): CompileError {
  return new CompileError('BMP_TEMPLATE_UNDEFINED', `'${type === undefined ? 'None' : `${type} object`}' has no attribute '${name}'`);
}

/** Python's TypeError: an operation on values of the wrong type. */
export function typeError(message: string): CompileError {
  return new CompileError('BMP_TEMPLATE_TYPE', message);
}

/** Python's ValueError, KeyError, IndexError, ZeroDivisionError, OverflowError. */
export function valueError(message: string): CompileError {
  return new CompileError('BMP_TEMPLATE_VALUE', message);
}

/** A Jinja2 construct bmp cannot do: always an error naming it, never a silently wrong value. */
export function unsupported(message: string): CompileError {
  return new CompileError('BMP_TEMPLATE_UNSUPPORTED', message);
}
