/**
 * The offline provider: deterministic, no network, no model. It stands in for a language model so
 * a fresh clone builds without one, and says so in every answer: text responses start with
 * `[offline] `, JSON responses carry `"offline": true`.
 *
 * - generate: an extractive gist (the prompt's most representative sentence, at most 30 words)
 *   of the text after the prompt's instruction (`Summarise this: <text>` → `<text>`);
 * - generate with `json=true`: `{"offline": true, "gist": "...", "concepts": ["...", ...]}`;
 * - embed: a hashed bag of words (the hashing trick, signed), L2-normalized.
 */

export const OFFLINE_LABEL = '[offline] ';
const GIST_WORDS = 30;
const CONCEPTS = 5;

const STOPWORDS = new Set(
  (
    'the and for with about that this from was were are but not you your have has had its into more some than then there their they what when ' +
    'which while will would could should been also just very our out all any can did does each how she her him his who why one two too off over ' +
    'under again after before because being both down during few here most other same such only own these those through until upon summarise ' +
    'summarize summary sentence text following describe explain list give write return json concepts keywords gist please'
  ).split(' '),
);

/** Lower-case word tokens (letters and digits, any script), stopwords and 1–2 letter words removed. */
export function tokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (w.length >= 3 && !STOPWORDS.has(w)) out.push(w);
  }
  return out;
}

/** The part of a prompt after its instruction: `Summarise in one sentence: <text>` → `<text>`. */
export function promptBody(prompt: string): string {
  const m = /^([^:\n]{1,160}):\s*([\s\S]+)$/.exec(prompt);
  if (m && m[2]!.trim().split(/\s+/).length >= 3) return m[2]!.trim();
  return prompt.trim();
}

/** Word counts, keyed in order of first appearance. */
function frequencies(words: readonly string[]): Map<string, number> {
  const f = new Map<string, number>();
  for (const w of words) f.set(w, (f.get(w) ?? 0) + 1);
  return f;
}

/** The `k` most frequent content words (ties: first appearance first). */
export function offlineConcepts(text: string, k = CONCEPTS): string[] {
  const f = frequencies(tokens(promptBody(text)));
  const order = [...f.keys()];
  return [...f.entries()]
    .sort((a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]))
    .slice(0, k)
    .map(([w]) => w);
}

/** The sentence whose words are most frequent in the whole text, cut at 30 words. */
export function offlineGist(text: string): string {
  const body = promptBody(text).replace(/\s+/g, ' ').trim();
  if (!body) return '';
  const sentences = body.split(/(?<=[.!?])\s+/).filter((s) => s.length);
  const f = frequencies(tokens(body));
  let best = sentences[0]!;
  let bestScore = -1;
  for (const s of sentences) {
    const t = tokens(s);
    const score = t.reduce((sum, w) => sum + (f.get(w) ?? 0), 0) / Math.sqrt(t.length + 1);
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  const words = best.split(' ');
  return words.length > GIST_WORDS ? `${words.slice(0, GIST_WORDS).join(' ')} …` : best;
}

/** What the offline provider answers to a generate request. */
export function offlineGenerate(prompt: string, json: boolean): string {
  if (json) return JSON.stringify({ offline: true, gist: offlineGist(prompt), concepts: offlineConcepts(prompt) });
  return `${OFFLINE_LABEL}${offlineGist(prompt)}`;
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A signed hashed bag of words: word w adds ±1 to dimension fnv1a(w) mod dims (the sign from a
 * second hash, so collisions cancel out on average), then the vector is scaled to length 1. A text
 * without words is the zero vector.
 */
export function offlineEmbedding(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const w of tokens(text)) {
    const idx = fnv1a(w) % dims;
    v[idx]! += fnv1a(`±${w}`) & 1 ? 1 : -1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm ? v.map((x) => Math.fround(x / norm)) : v;
}
