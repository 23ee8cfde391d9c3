/** The litmus suite of litmus/tests/ and its expectations table, for the litmus tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LitmusTest } from '../../litmus/ast.js';
import type { Observation } from '../../litmus/check.js';
import type { MemoryModelName } from '../../litmus/models/base.js';
import { parseLitmus } from '../../litmus/parse.js';

export const TESTS_DIR = join(import.meta.dirname, '../../litmus/tests');

export type Expected = Readonly<Record<MemoryModelName, Observation>> & { readonly lkmmSource: string };

export const EXPECTED = JSON.parse(readFileSync(join(TESTS_DIR, 'expected.json'), 'utf8')) as Readonly<Record<string, Expected>>;

export const LITMUS_FILES: readonly string[] = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.litmus')).sort();

export function loadSuiteTest(file: string): LitmusTest {
  const path = join(TESTS_DIR, file);
  return parseLitmus(readFileSync(path, 'utf8'), path);
}
