/** Importing this registers every command family. Add new ones here. */
import './core.js';
import './docs.js';
import './watch.js';
import './init.js';
import './partitions.js';
import './llm.js';

export const registered = true;
