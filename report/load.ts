/**
 * Reading `coverage.json` and `results.json` back (for `smpcheck coverage` and `smpcheck merge`).
 * Files may come from another version or be hand-edited, so the shape is checked and the first
 * problem is reported as one line naming the file and the JSON path.
 */
import { readFile } from 'node:fs/promises';
import type { CoverageReport } from '../model/types.js';
import { RESULTS_SCHEMA, type ResultsFile } from './report-input.js';

/** A report file that is missing, unreadable or not the expected shape. */
export class ReportFileError extends Error {
  override name = 'ReportFileError';
}

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  constructor(private readonly file: string) {}
  fail(path: string, what: string): never {
    throw new ReportFileError(`${this.file}: ${path} ${what}`);
  }
  obj(v: Json, path: string): Record<string, Json> {
    return isObj(v) ? v : this.fail(path, 'must be an object');
  }
  arr(v: Json, path: string): Json[] {
    return Array.isArray(v) ? (v as Json[]) : this.fail(path, 'must be an array');
  }
  str(v: Json, path: string): string {
    return typeof v === 'string' ? v : this.fail(path, 'must be a string');
  }
  num(v: Json, path: string): number {
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : this.fail(path, 'must be a non-negative number');
  }
}

async function readJson(file: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = isObj(e) && typeof e.code === 'string' ? e.code : 'unreadable';
    throw new ReportFileError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code})`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new ReportFileError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function checkAbstract(c: Checker, v: Json): void {
  const a = c.obj(v, '$.abstract');
  if (a.schema !== 'smpcheck.abstract/1') c.fail('$.abstract.schema', `must be "smpcheck.abstract/1" (got ${JSON.stringify(a.schema)})`);
  const cfg = c.obj(a.config, '$.abstract.config');
  c.num(cfg.cpus, '$.abstract.config.cpus');
  const states = c.arr(a.states, '$.abstract.states');
  states.forEach((s, i) => c.str(s, `$.abstract.states[${i}]`));
  c.arr(a.transitions, '$.abstract.transitions');
  const reach = c.obj(a.reachable, '$.abstract.reachable');
  if (c.num(reach.states, '$.abstract.reachable.states') !== states.length) c.fail('$.abstract.reachable.states', `must equal the length of $.abstract.states (${states.length})`);
  c.num(reach.transitions, '$.abstract.reachable.transitions');
  const by = c.obj(a.by, '$.abstract.by');
  for (const t of ['explorer', 'properties', 'threads', 'traces']) {
    const p = `$.abstract.by.${t}`;
    const o = c.obj(by[t], p);
    if (o.status !== 'measured' && o.status !== 'not-run') c.fail(`${p}.status`, 'must be measured or not-run');
    c.num(o.states, `${p}.states`);
    c.num(o.transitions, `${p}.transitions`);
    c.num(o.runs, `${p}.runs`);
    c.arr(o.covered, `${p}.covered`).forEach((x, i) => {
      const pair = c.arr(x, `${p}.covered[${i}]`);
      if (c.num(pair[0], `${p}.covered[${i}][0]`) >= states.length) c.fail(`${p}.covered[${i}][0]`, `must index $.abstract.states (< ${states.length})`);
      c.num(pair[1], `${p}.covered[${i}][1]`);
    });
    c.arr(o.coveredTransitions, `${p}.coveredTransitions`);
  }
  c.arr(a.uncovered, '$.abstract.uncovered').forEach((u, i) => {
    const uo = c.obj(u, `$.abstract.uncovered[${i}]`);
    c.str(uo.state, `$.abstract.uncovered[${i}].state`);
    c.arr(uo.path, `$.abstract.uncovered[${i}].path`);
  });
  c.arr(a.uncoveredTransitions, '$.abstract.uncoveredTransitions').forEach((u, i) => {
    const p = `$.abstract.uncoveredTransitions[${i}]`;
    const uo = c.obj(u, p);
    for (const f of ['from', 'kind', 'to', 'workload', 'reason'] as const) c.str(uo[f], `${p}.${f}`);
    c.arr(uo.path, `${p}.path`);
  });
}

export function checkCoverageReport(v: Json, file: string): CoverageReport {
  const c = new Checker(file);
  const o = c.obj(v, '$');
  if (o.schema !== 'smpcheck.coverage/1') c.fail('$.schema', `must be "smpcheck.coverage/1" (got ${JSON.stringify(o.schema)})`);
  c.arr(o.sources, '$.sources').forEach((s, i) => c.str(s, `$.sources[${i}]`));
  c.arr(o.components, '$.components').forEach((comp, i) => {
    const p = `$.components[${i}]`;
    const k = c.obj(comp, p);
    c.str(k.machine, `${p}.machine`);
    for (const kind of ['states', 'transitions'] as const) {
      const cc = c.obj(k[kind], `${p}.${kind}`);
      c.num(cc.total, `${p}.${kind}.total`);
      c.num(cc.covered, `${p}.${kind}.covered`);
      c.arr(cc.items, `${p}.${kind}.items`).forEach((it, j) => {
        const io = c.obj(it, `${p}.${kind}.items[${j}]`);
        c.str(io.id, `${p}.${kind}.items[${j}].id`);
        c.num(io.visits, `${p}.${kind}.items[${j}].visits`);
      });
    }
    const u = c.obj(k.uncovered, `${p}.uncovered`);
    c.arr(u.states, `${p}.uncovered.states`);
    c.arr(u.transitions, `${p}.uncovered.transitions`);
    c.arr(k.unreachable, `${p}.unreachable`);
  });
  if (o.abstract !== undefined) checkAbstract(c, o.abstract);
  return v as CoverageReport;
}

export function checkResultsFile(v: Json, file: string): ResultsFile {
  const c = new Checker(file);
  const o = c.obj(v, '$');
  if (o.schema !== RESULTS_SCHEMA) c.fail('$.schema', `must be "${RESULTS_SCHEMA}" (got ${JSON.stringify(o.schema)})`);
  c.str(o.title, '$.title');
  c.str(o.generatedAt, '$.generatedAt');
  c.arr(o.charts, '$.charts').forEach((ch, i) => {
    const co = c.obj(ch, `$.charts[${i}]`);
    c.str(co.name, `$.charts[${i}].name`);
    const s = c.obj(co.structure, `$.charts[${i}].structure`);
    c.str(s.machineId, `$.charts[${i}].structure.machineId`);
    c.arr(s.states, `$.charts[${i}].structure.states`);
    c.arr(s.transitions, `$.charts[${i}].structure.transitions`);
  });
  c.arr(o.invariants, '$.invariants').forEach((inv, i) => {
    const io = c.obj(inv, `$.invariants[${i}]`);
    const id = c.str(io.id, `$.invariants[${i}].id`);
    if (!id.startsWith('INV-')) c.fail(`$.invariants[${i}].id`, 'must start with "INV-"');
    if (io.status !== 'pass' && io.status !== 'fail' && io.status !== 'not-checked') c.fail(`$.invariants[${i}].status`, 'must be pass, fail or not-checked');
    c.num(io.checks, `$.invariants[${i}].checks`);
  });
  c.arr(o.counterexamples, '$.counterexamples').forEach((cx, i) => {
    const p = `$.counterexamples[${i}]`;
    const co = c.obj(cx, p);
    c.str(co.invariant, `${p}.invariant`);
    c.str(co.message, `${p}.message`);
    c.str(co.replay, `${p}.replay`);
    c.arr(co.steps, `${p}.steps`);
    c.arr(co.timeline, `${p}.timeline`);
  });
  c.arr(o.sections, '$.sections');
  const r = c.obj(o.runs, '$.runs');
  c.str(r.command, '$.runs.command');
  c.num(r.runs, '$.runs.runs');
  c.arr(r.shards, '$.runs.shards');
  if (o.stages !== undefined) {
    c.arr(o.stages, '$.stages').forEach((st, i) => {
      const so = c.obj(st, `$.stages[${i}]`);
      c.str(so.stage, `$.stages[${i}].stage`);
      if (!['pass', 'fail', 'incomplete', 'interrupted', 'not-checked'].includes(String(so.status))) c.fail(`$.stages[${i}].status`, 'must be pass, fail, incomplete, interrupted or not-checked');
      c.arr(so.invariants, `$.stages[${i}].invariants`);
    });
  }
  return v as ResultsFile;
}

export async function loadCoverageReport(file: string): Promise<CoverageReport> {
  return checkCoverageReport(await readJson(file), file);
}

export async function loadResultsFile(file: string): Promise<ResultsFile> {
  return checkResultsFile(await readJson(file), file);
}
