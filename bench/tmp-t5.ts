import { DeterministicSystem } from '../impl/runtime/deterministic.js';
import { randomScheduler } from '../impl/runtime/schedulers.js';
for (let rep = 0; rep < 10; rep++) {
const sys = new DeterministicSystem({ cpus: 4, trace: false, scheduler: randomScheduler(rep), requests: 4096 });
for (let i = 0; i < 200; i++) for (let c = 0; c < 4; c++) sys.call(c, i % 2 ? { kind: 'single', target: (c + 1) % 4, wait: true } : { kind: 'many', mask: [0,1,2,3], wait: i % 4 === 0 });
const t0 = performance.now();
const r = sys.runToQuiescence();
const dt = performance.now() - t0;
console.log(r.status, r.steps, (r.steps / dt * 1000 / 1e6).toFixed(2), 'M steps/s', r.accounting.ok, r.schedule.length);
}
