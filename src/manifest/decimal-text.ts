/**
 * A DECIMAL value the engine returned nested in another value (a LIST, ARRAY, STRUCT, MAP or UNION):
 * its exact text (`1.50`), so templates can make it a Python Decimal as they do a DECIMAL column's
 * values. It sits in the bottom layer because the engine (adapters) makes them and the template
 * context (compile) reads them.
 */
export class DecimalText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  /** The nearest double, for code that reads it as a number. */
  valueOf(): number {
    return Number(this.text);
  }
  toJSON(): number {
    return Number(this.text);
  }
}
