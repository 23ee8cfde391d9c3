/**
 * Issue 14 §2–3 through the real CLI (child processes): --out that cannot be created, --out '',
 * seeds ≥ 2^31, --version, `help UNKNOWN`, shell completion, --cpus ranges, options a command
 * ignores, --json figures, --max-states "incomplete", and Ctrl-C on every long command. A
 * `killAfterMs` guard only turns a hang into a failure; no test asserts a duration.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { CATALOGUE } from '../../audit/catalogue.js';
import { type CliResult, cliTempDirs, runCli } from '../support/cli.js';

const tmp = cliTempDirs('smpcheck-i14-');

// A hang guard, not a time limit: a run command at load 10 on 2 cores (check builds the 3-CPU
// abstract space, ~4 s idle) must not be killed for being slow.
const GUARD = { killAfterMs: 50_000 };
const oneLine = (r: CliResult): string => {
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0] ?? '';
};

describe.concurrent('--out', () => {
  for (const args of [['explore'], ['check'], ['audit'], ['verify'], ['stress', '--duration', '1'], ['merge', '/nonexistent'], ['coverage', '/nonexistent']]) {
    it(`${args[0] ?? ''}: a folder that cannot be created (under /proc) is one line, exit 2, no hang`, async () => {
      const r = await runCli([...args, '--out', '/proc/smpcheck-no/such'], GUARD);
      expect(r.code).toBe(2);
      // coverage reads its input folder first: that missing folder is the one line then.
      expect(oneLine(r)).toMatch(args[0] === 'coverage' ? /^smpcheck: \/nonexistent\/coverage\.json: no such file/ : /^smpcheck: --out \/proc\/smpcheck-no\/such: cannot create the folder/);
    });
  }
  it("--out '' is an error", async () => {
    const r = await runCli(['explore', '--out', ''], GUARD);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toContain("--out '': needs a folder name");
  });
  it('verify writes reports/, every other command its own reports/<command>/ (help shows the default)', async () => {
    for (const c of ['explore', 'check', 'audit', 'stress', 'merge']) {
      const r = await runCli([c, '--help']);
      expect(r.stdout.replace(/\s+/g, ' '), c).toContain(`(default: "reports/${c}")`);
    }
    expect((await runCli(['verify', '--help'])).stdout).toContain('(default: "reports")');
  });
});

describe.concurrent('seeds, version, help, completion, --cpus, ignored options', () => {
  it('check --shard 1/2 with the default seed, and a seed of 4294967295, run (fast-check gets seed | 0)', async () => {
    const a = await runCli(['check', '--shard', '1/2', '--runs', '4', '--out', tmp()], GUARD);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['check', '--seed', '4294967295', '--runs', '2', '--out', tmp(), '--json'], GUARD);
    expect(b.code, b.stderr).toBe(0);
    expect((JSON.parse(b.stdout) as { properties: { seed: number } }).properties.seed).toBe(4294967295);
  });
  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
  it('help UNKNOWN says the command is unknown, exit 2', async () => {
    const r = await runCli(['help', 'frobnicate']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/^smpcheck: help frobnicate: unknown command/);
    expect((await runCli(['help', 'explore'])).stdout).toContain('Usage: smpcheck explore');
  });
  it('completion bash completes commands, nested commands, options and choices; zsh wraps it; other shells are an error', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    const dir = tmp();
    writeFileSync(join(dir, 'c.bash'), r.stdout);
    const complete = (words: string[]): string => execFileSync('bash', ['-c', `source ${join(dir, 'c.bash')}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _smpcheck_complete; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).trim();
    expect(complete(['smpcheck', 'ex'])).toBe('explore');
    expect(complete(['smpcheck', 'trace', 'ch'])).toBe('check');
    expect(complete(['smpcheck', 'explore', '--max-s'])).toBe('--max-states');
    expect(complete(['smpcheck', 'check', '--runtime', ''])).toBe('deterministic threads');
    const z = await runCli(['completion', 'zsh']);
    expect(z.stdout).toMatch(/^#compdef smpcheck/);
    const f = await runCli(['completion', 'fish']);
    expect(f.code).toBe(2);
    expect(oneLine(f)).toContain('completion fish: unknown shell');
  });
  it('--cpus: the range in each help is what the command accepts', async () => {
    for (const args of [['explore'], ['check'], ['audit'], ['verify'], ['stress'], ['trace', 'export']]) {
      const help = (await runCli([...args, '--help'])).stdout;
      const m = /--cpus <n>\s+[^\n]*\((\d+)-(\d+)\)/.exec(help);
      expect(m, `${args.join(' ')}: ${help}`).not.toBeNull();
      const [lo, hi] = [Number(m?.[1]), Number(m?.[2])];
      const below = await runCli([...args, '--cpus', String(lo - 1), '--out', tmp()]);
      expect(below.code, args.join(' ')).toBe(2);
      expect(oneLine(below)).toBe(`smpcheck: --cpus ${lo - 1}: must be an integer from ${lo} to ${hi}`);
    }
    const ok = await runCli(['explore', '--cpus', '2', '--workload', 'single-wait', '--out', tmp()], GUARD);
    expect(ok.code, ok.stderr).toBe(0);
  });
  it('options a command would ignore are rejected, one line, exit 2', async () => {
    for (const args of [['explore', '--seed', '1'], ['explore', '--runtime', 'threads'], ['explore', '--shard', '1/2'], ['verify', '--runtime', 'threads'], ['audit', '--runs', '5'], ['audit', '--shard', '1/2']]) {
      const r = await runCli([...args, '--out', tmp()]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(oneLine(r)).toBe(`smpcheck: unknown option '${args[1] ?? ''}'`);
    }
  });
});

interface Json {
  ok: boolean;
  files: string[];
  verdict: string;
  stages: { stage: string; status: string }[];
  workloads?: { workload: string; states: number; transitions: number; depth: number; statesPerSecond: number; complete: boolean }[];
  properties?: { runsPerSecond: number; refinement: { status: string; runs: number } };
  audit?: { summary: { faults: number; caught: number }; faults: { id: string; results: unknown[] }[] };
}

/** `files` lists exactly what is in --out now (no temp files left). */
function expectFiles(out: string, j: Json): void {
  expect([...j.files].sort()).toEqual(readdirSync(out).map((f) => join(out, f)).sort());
}

describe.concurrent('--json carries the report figures, and lists every file written', () => {
  it('explore: workloads[] with states, transitions, depth, statesPerSecond, complete', async () => {
    const out = tmp();
    const r = await runCli(['explore', '--cpus', '2', '--workload', 'single-wait,hotplug', '--out', out, '--json'], GUARD);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.workloads?.map((w) => w.workload)).toEqual(['single-wait', 'hotplug']);
    for (const w of j.workloads ?? []) {
      expect(w.states).toBeGreaterThan(10);
      expect(w.transitions).toBeGreaterThan(w.states - 1);
      expect(w.depth).toBeGreaterThan(1);
      expect(w.statesPerSecond).toBeGreaterThan(0);
      expect(w.complete).toBe(true);
    }
    expectFiles(out, j);
    expect(j.files.map((f) => f.slice(out.length + 1))).toContain('model.json');
    expect(j.verdict).toBe('smpcheck explore: End of run: SUCCESS | model: pass');
  });
  it('explore --max-states: "incomplete" in text, JSON and HTML; BOUND-REACHED, not SUCCESS', async () => {
    const out = tmp();
    const r = await runCli(['explore', '--cpus', '3', '--workload', 'hotplug', '--max-states', '50', '--out', out], GUARD);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('smpcheck explore: End of run: BOUND-REACHED | model: incomplete');
    expect(r.stderr).toContain('INCOMPLETE (explorer stopped at --max-states 50');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { stages: { status: string; detail: string }[] };
    expect(results.stages[0]?.status).toBe('incomplete');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('model incomplete');
    const j = await runCli(['explore', '--cpus', '3', '--workload', 'hotplug', '--max-states', '50', '--out', tmp(), '--json'], GUARD);
    expect((JSON.parse(j.stdout) as Json).workloads?.[0]?.complete).toBe(false);
  });
  it('check: runs/s and the refinement', async () => {
    const out = tmp();
    const r = await runCli(['check', '--runs', '5', '--out', out, '--json'], GUARD);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.properties?.runsPerSecond).toBeGreaterThan(0);
    expect(j.properties?.refinement).toMatchObject({ status: 'pass', runs: 5 });
    expect(j.stages).toEqual([expect.objectContaining({ stage: 'properties:deterministic', status: 'pass' })]);
    expectFiles(out, j);
  });
  it("audit: audit.json's per-fault results and summary", async () => {
    const out = tmp();
    // The first catalogued fault the model explorer catches (ids are the catalogue's, whatever they are).
    const id = CATALOGUE.find((e) => e.caughtBy.includes('model'))?.id ?? '';
    const r = await runCli(['audit', '--only', id, '--techniques', 'model', '--out', out, '--json'], GUARD);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    const file = JSON.parse(readFileSync(join(out, 'audit.json'), 'utf8')) as Json['audit'];
    expect(j.audit?.summary).toEqual(file?.summary);
    expect(j.audit?.faults.map((f) => f.id)).toEqual([id]);
    expect(j.audit?.faults[0]?.results.length).toBeGreaterThan(0);
    expectFiles(out, j);
  });
});

/** Starts the command, sends SIGINT once `ready` appears on stderr, returns the result. */
async function interrupt(args: string[], ready: RegExp, entry?: 'bin'): Promise<{ r: CliResult; sent: boolean }> {
  let sent = false;
  let seen = '';
  const r = await runCli(args, {
    ...GUARD,
    ...(entry === undefined ? {} : { entry }),
    onStderr: (chunk, child) => {
      seen += chunk;
      if (!sent && ready.test(seen)) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  return { r, sent };
}

describe.concurrent('Ctrl-C stops every long command, keeps well-formed partial reports, exit 130 (nothing violated)', () => {
  const cases: { name: string; args: string[]; ready: RegExp; report: string; entry?: 'bin' }[] = [
    // `start:` is the parameter line every run command prints before its work.
    { name: 'check', args: ['check', '--runs', '1000000'], ready: /smpcheck check: start:/, report: 'results.json' },
    { name: 'explore', args: ['explore', '--cpus', '4', '--workload', 'single-wait,stress'], ready: /explore single-wait/, report: 'results.json' },
    { name: 'audit', args: ['audit', '--budget', '600', '--no-threads'], ready: /smpcheck audit: start:/, report: 'results.json' },
    { name: 'verify', args: ['verify', '--runs', '100000'], ready: /explore single-wait cpus=3/, report: 'results.json' },
    { name: 'stress', args: ['stress', '--duration', '600', '--churn', '0'], ready: /stress: cpus=/, report: 'stress.json', entry: 'bin' }, // worker threads need the source tree
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const out = tmp();
      const { r, sent } = await interrupt([...c.args, '--out', out], c.ready, c.entry);
      expect(sent, r.stderr).toBe(true);
      expect(r.code, r.stderr).toBe(130);
      expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const report = JSON.parse(readFileSync(join(out, c.report), 'utf8')) as { runs?: { interrupted: boolean }; interrupted?: boolean; stages?: { status: string }[] };
      expect(report.runs?.interrupted ?? report.interrupted).toBe(true);
      if (report.stages !== undefined) {
        expect(report.stages.some((s) => s.status === 'interrupted')).toBe(true);
        expect(report.stages.every((s) => s.status !== 'fail')).toBe(true);
      }
    });
  }
});
