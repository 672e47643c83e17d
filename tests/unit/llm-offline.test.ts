import { describe, expect, it } from 'vitest';
import { OFFLINE_LABEL, offlineConcepts, offlineEmbedding, offlineGenerate, offlineGist, promptBody } from '../../src/llm/offline.js';
import { OfflineProvider } from '../../src/llm/provider.js';
import { embedSpec, generateSpec } from '../../src/llm/spec.js';
import { parseLlmSettings } from '../../src/llm/settings.js';

const TEXT = 'Summarise in one sentence: The hippocampus replays the day. Replay strengthens memory traces in the cortex. Sleep helps replay.';

describe('offline provider', () => {
  it('labels every text answer and JSON answer so nobody mistakes it for a model', () => {
    expect(offlineGenerate(TEXT, false).startsWith(OFFLINE_LABEL)).toBe(true);
    const j = JSON.parse(offlineGenerate(TEXT, true));
    expect(j.offline).toBe(true);
    expect(typeof j.gist).toBe('string');
    expect(Array.isArray(j.concepts)).toBe(true);
  });

  it('extracts the most representative sentence of the text after the instruction', () => {
    expect(promptBody(TEXT).startsWith('The hippocampus')).toBe(true);
    expect(offlineGist(TEXT)).toBe('Replay strengthens memory traces in the cortex.');
    expect(offlineConcepts(TEXT)[0]).toBe('replay');
    const long = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    expect(offlineGist(long).split(' ')).toHaveLength(31);
    expect(offlineGist(long).endsWith('…')).toBe(true);
  });

  it('is deterministic, and embeddings are unit vectors of the asked length with overlap ~ shared words', () => {
    expect(offlineGenerate(TEXT, true)).toBe(offlineGenerate(TEXT, true));
    const a = offlineEmbedding('memory replay during sleep', 64);
    const b = offlineEmbedding('sleep replay of memory', 64);
    const c = offlineEmbedding('stock prices rose sharply', 64);
    expect(a).toHaveLength(64);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    const cos = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(cos(a, b)).toBeGreaterThan(0.9);
    expect(Math.abs(cos(a, c))).toBeLessThan(0.6);
    expect(offlineEmbedding('', 8)).toEqual(new Array(8).fill(0));
  });

  it('answers through the provider interface with the spec’s options', async () => {
    const p = new OfflineProvider();
    const s = parseLlmSettings(undefined);
    expect((await p.complete(embedSpec(s, { dims: 16 }), 'x y z', {})).embedding).toHaveLength(16);
    expect((await p.complete(embedSpec(s, {}), 'x y z', {})).embedding).toHaveLength(256);
    expect((await p.complete(generateSpec(s, {}), TEXT, {})).response).toBe(offlineGenerate(TEXT, false));
  });
});
