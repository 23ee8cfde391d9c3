/**
 * Property-suite figures: runs/s and commands/s on the deterministic runtime, component coverage of
 * the refinement replay, and how many runs each broken variant took to be caught.
 * Run: node --import tsx bench/properties.ts [runsPerInvariant=100] [seed=20261125]
 */
import { builtinVariant } from '../variants/index.js';
import { FAULT_CATALOGUE } from '../properties/fault-catalogue.js';
import { runInvariantProperty } from '../properties/invariant-property.js';
import { runPropertySuite } from '../properties/suite.js';

const runs = Number(process.argv[2] ?? 100);
const seed = Number(process.argv[3] ?? 20261125);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`runsPerInvariant: expected a positive integer, got '${process.argv[2] ?? ''}'\n`);
  process.exit(2);
}

const r = await runPropertySuite({ runs, seed, cpus: 3, refinementRuns: runs });
const s = r.stats;
console.log(`deterministic runtime, 3 CPUs, seed ${seed}, ${runs} runs x ${r.invariants.length} invariant properties + ${r.refinement.runs} refinement runs`);
console.log(`  invariant properties: ${s.runs} runs, ${s.commands} commands, ${s.steps} protocol steps in ${(s.elapsedMs / 1000).toFixed(1)} s`);
console.log(`  => ${s.runsPerSecond} runs/s, ${s.commandsPerSecond} commands/s`);
console.log(`  invariants: ${r.invariants.filter((i) => i.status === 'pass').length}/${r.invariants.length} pass; refinement: ${r.refinement.status}, ${r.refinement.runs} runs in ${(r.refinement.elapsedMs / 1000).toFixed(1)} s = ${Math.round(r.refinement.runs / Math.max(r.refinement.elapsedMs / 1000, 1e-6))} runs/s (incl. exhaustive model search per new workload)`);
for (const c of r.coverage.components) {
  console.log(`  coverage ${c.machine}: states ${c.states.covered}/${c.states.total}, transitions ${c.transitions.covered}/${c.transitions.total}` +
    (c.uncovered.transitions.length > 0 ? `, uncovered: ${c.uncovered.transitions.join('; ')}` : '') +
    (c.unreachable.length > 0 ? `, explained: ${c.unreachable.map((u) => u.id).join('; ')}` : ''));
}
console.log('broken variants (runs until caught, budget 1000, same seed):');
for (const f of FAULT_CATALOGUE) {
  const o = runInvariantProperty({ id: f.catchBy, cpus: 3, seed, runs: 1000, variant: builtinVariant(f.fault) });
  console.log(`  ${f.fault.padEnd(28)} ${f.catchBy.padEnd(20)} ${o.failed ? `caught after ${o.runs} run(s)` : 'NOT CAUGHT'} (${Math.round(o.elapsedMs)} ms incl. shrinking, ${o.counterexample?.steps.length ?? 0} shrunk steps)`);
}

const th = await runPropertySuite({ runtime: 'threads', runs: Math.max(10, Math.round(runs / 2)), seed, cpus: 3, refinementRuns: 0 });
console.log(`threads runtime (3 worker CPUs, one pool, await quiescence after every command): ${th.stats.runs} runs, ${th.stats.commands} commands in ${(th.stats.elapsedMs / 1000).toFixed(1)} s (incl. pool start ~0.5 s)`);
console.log(`  => ${th.stats.runsPerSecond} runs/s, ${th.stats.commandsPerSecond} commands/s; ${th.invariants.filter((i) => i.status === 'pass').length} pass, ${th.invariants.filter((i) => i.status === 'not-checked').length} not-checked (step-level), ${th.invariants.filter((i) => i.status === 'fail').length} fail`);
