import { registerParseStub } from '../jinja/index.js';
import { parseLlmSettings } from './settings.js';
import { llmTemplateGlobals } from './template.js';

// Parsing renders templates before any profile is read: there, `llm_generate`/`llm_embed` only need
// to exist. Kept apart from the plugin so `bmp ls` can install them without loading the runtime.
for (const [name, fn] of Object.entries(llmTemplateGlobals(parseLlmSettings(undefined)))) registerParseStub(name, fn);
