/**
 * Values read through `env_var()` whose name says they are secret (SECRET, PASSWORD, TOKEN, KEY) are
 * remembered here so every log line, compiled file and artifact can mask them.
 */
const secretValues = new Set<string>();
const SECRET_NAME = /SECRET|PASSWORD|TOKEN|API_KEY|APIKEY/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function registerSecret(value: string): void {
  if (value.length >= 3) secretValues.add(value);
}

/** Replaces every known secret value in `text` with `*****`. */
export function maskSecrets(text: string): string {
  if (!secretValues.size) return text;
  let out = text;
  for (const v of secretValues) out = out.split(v).join('*****');
  return out;
}

export function hasSecrets(): boolean {
  return secretValues.size > 0;
}
