/**
 * Values read through `env_var()` whose name says they are secret, and values under secret-looking
 * profile keys, are remembered here so every log line, compiled file and artifact can mask them.
 *
 * Masking works on the raw value, before any encoding: JSON escapes `"`, `\` and newlines, the docs
 * page escapes `<` and `&`, the text log collapses whitespace, so a value masked only in the encoded
 * output would slip through. Serializers mask the strings they are given ({@link secretReplacer},
 * {@link maskSecretsDeep}); {@link maskSecrets} on a finished line is the last guard.
 */
const secretValues = new Set<string>();
// dbt's own rule (DBT_ENV_SECRET_*) plus the names cloud credentials go by: *_KEY_ID,
// *_ACCESS_KEY*, and anything with TOKEN, SECRET, PASSWORD or API_KEY in it
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|API_?KEY|_KEY_ID$|_ACCESS_KEY/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function registerSecret(value: string): void {
  if (value.length < 3) return;
  secretValues.add(value);
  // a message that quoted the value as JSON (`got "pw\"q"`) holds it escaped: mask that form too
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) secretValues.add(escaped);
}

/** Replaces every known secret value in `text` (raw, or escaped as in JSON) with `*****`. */
export function maskSecrets(text: string): string {
  if (!secretValues.size) return text;
  let out = text;
  for (const v of secretValues) if (out.includes(v)) out = out.split(v).join('*****');
  return out;
}

/**
 * A `JSON.stringify` replacer that masks every string value before it is escaped, or undefined
 * when no secret is known (so the common case serializes at full speed).
 */
export function secretReplacer(): ((key: string, value: unknown) => unknown) | undefined {
  if (!secretValues.size) return undefined;
  return (_key, value) => (typeof value === 'string' ? maskSecrets(value) : value);
}

/** `JSON.stringify` with every string (keys included) masked before it is escaped. */
export function stringifyMasked(value: unknown, space?: number): string {
  const text = JSON.stringify(value, secretReplacer(), space);
  // keys are not seen by a replacer: a secret in a name is masked here (unescaped ones)
  return maskSecrets(text);
}

/**
 * A copy of `value` with every string in it masked (plain objects and arrays are copied; other
 * objects are kept as they are). Returns `value` itself when no secret is known.
 */
export function maskSecretsDeep<T>(value: T): T {
  if (!secretValues.size) return value;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return maskSecrets(x);
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object' && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) out[maskSecrets(k)] = walk(v);
      return out;
    }
    return x;
  };
  return walk(value) as T;
}
