/**
 * The one module that names the CLI's commands, in the order `bmp --help` lists them. Each command
 * module exports a registrar; adding a command is one line here.
 */
import type { CommandRegistrar } from '../command.js';
import { coreCommands } from './core.js';
import { depsCommand } from './deps.js';
import { docsCommands } from './docs.js';
import { initCommand } from './init.js';
import { llmCommands } from './llm.js';
import { cloneCommand, parseCommand, retryCommand, runOperationCommand, sourceCommand } from './operations.js';
import { partitionsCommand } from './partitions.js';
import { devCommand } from './watch.js';

export const COMMANDS: readonly CommandRegistrar[] = [coreCommands, docsCommands, devCommand, initCommand, partitionsCommand, llmCommands, depsCommand, runOperationCommand, sourceCommand, parseCommand, retryCommand, cloneCommand];
