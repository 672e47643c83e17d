/** Importing this registers every command family. Add new ones here. */
import './core.js';

export const registered = true;
