/** The JS side of a collect pass: what the `__bmp_llm_collect` function saw, and what it answers. */

export interface Collected {
  readonly specId: string;
  /** Normalized (by SQL, the same function the lookups use). */
  readonly prompt: string;
  uses: number;
}

/** What one collect pass saw: distinct (spec, prompt) pairs with row-level uses. */
export class Collector {
  /** spec → normalized prompt → what was seen. */
  readonly entries = new Map<string, Map<string, Collected>>();
  lookups = 0;
  distinct = 0;

  /** @param answers responses this run already holds (spec → prompt → text), handed back to SQL. */
  constructor(private readonly answers: ReadonlyMap<string, ReadonlyMap<string, string>>) {}

  /** Records one evaluation; returns the answer if held. */
  add(specId: string, prompt: string): string | null {
    this.lookups++;
    let bySpec = this.entries.get(specId);
    if (!bySpec) this.entries.set(specId, (bySpec = new Map()));
    const hit = bySpec.get(prompt);
    if (hit) hit.uses++;
    else {
      bySpec.set(prompt, { specId, prompt, uses: 1 });
      this.distinct++;
    }
    return this.answers.get(specId)?.get(prompt) ?? null;
  }

  get(specId: string, prompt: string): Collected | undefined {
    return this.entries.get(specId)?.get(prompt);
  }

  *all(): IterableIterator<Collected> {
    for (const bySpec of this.entries.values()) yield* bySpec.values();
  }
}
