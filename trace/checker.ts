/**
 * Streaming trace checker: the trace-level abstraction of the smp.c protocol.
 *
 * Memory is per csd and per CPU only (plus capped example lists and fixed-size histograms), so a
 * GB-sized trace is checked in flat memory. What the trace sees of the protocol:
 *   request   = one `csd_queue_cpu` (a csd address is re-used by many requests over time);
 *   run       = `csd_function_entry/exit` on the target CPU (csd=0: a local call, no queue);
 *   kick      = `ipi_send_cpu` / `ipi_send_cpumask` / `sched_wake_idle_without_ipi` after the add;
 *   hotplug   = `cpuhp_enter/exit` of `smpcfd_dying_cpu` (teardown) and later online steps.
 * The window starts and ends mid-flight: what began before it or ends after it is "open", not
 * wrong. Requests that ran without csd events are proven completed by the protocol's own rules
 * (a csd is queued again only after its previous request was dequeued and unlocked; TTWU runs
 * FIFO batches) and reported as "completed-unobserved" with the evidence lines.
 */
import type { InvariantResult } from '../model/types.js';
import { FtraceParseError, type FtraceEvent, type FtraceHeader } from './ftrace-parse.js';
import { RULES, ALL_RULES, type TraceRule } from './rules.js';
import { TraceStatsCollector } from './stats.js';
import { DEFAULT_WINDOW, TimelineCollector, type TimelineWindow } from './timeline.js';
import type { Category, CategoryExample, TraceVerdict, TraceViolation } from './verdict.js';

const TTWU_FUNC = 'sched_ttwu_pending';
/** Each rule's position in ALL_RULES: the index of its decision counter. */
const RI = Object.fromEntries(Object.entries(RULES).map(([k, r]) => [k, ALL_RULES.indexOf(r)])) as Readonly<Record<keyof typeof RULES, number>>;
/** Live requests kept per CPU before the oldest are given up as "unresolved" (bounded memory). */
const MAX_LIVE_PER_CPU = 4096;

interface Req {
  readonly csd: string;
  readonly func: string;
  readonly target: number;
  readonly src: number;
  readonly line: number;
  readonly ts: number;
  readonly ttwu: boolean;
  /** Task last seen on the target CPU when this was queued (`<idle>` for the README finding). */
  readonly targetTask: string;
  /** Still queued when its CPU finished the smpcfd:dying teardown (traced, or takedown_cpu's exit). */
  teardownLine: number;
  /** The teardown that line names was only seen from the control CPU (its dying flush is untraced). */
  teardownUntraced: boolean;
  entered: boolean;
}

interface CsdState {
  pending: Req | null;
  /** The last request closed as completed-unobserved by a re-queue (see `entry`). */
  prevClosed: Req | null;
  lastEntryLine: number;
  lastEntryTs: number;
  lastEntryFunc: string;
}

interface Frame {
  readonly csd: string;
  readonly func: string;
  readonly line: number;
  readonly ts: number;
  readonly req: Req | null;
}

interface KickWindow {
  readonly target: number;
  readonly line: number;
  readonly ts: number;
  /** The add provably found the target queue empty, so a kick is required. */
  readonly owed: boolean;
  readonly hard: boolean;
}

/**
 * A CPU's hotplug state as far as the trace shows it. 'going-down': between the control CPU's
 * `takedown_cpu` enter and exit (stop_machine; the dying steps, smpcfd_dying_cpu's flush included,
 * run untraced on the CPU itself); 'dying': a traced smpcfd_dying_cpu step; 'offline': after either
 * until `smpcfd_prepare_cpu`; 'prepared': bring-up started, online once the CPU traces anything.
 */
type Hotplug = 'online' | 'going-down' | 'dying' | 'offline' | 'prepared';

type Mark = { line: number; ts: number } | null;
interface MutableWindow {
  cpu: number;
  down: Mark;
  offline: Mark;
  prepare: Mark;
  online: Mark;
}
const MAX_HOTPLUG_WINDOWS = 1000;

interface CpuState {
  readonly stack: Frame[];
  /** An exit on an empty stack can only be trusted once an entry was seen on this CPU. */
  stackTrusted: boolean;
  /** Queued requests not yet entered nor proven completed, in queue order. */
  readonly live: Req[];
  /** Queue timestamp of the latest request entered here: everything queued before was dequeued. */
  delAllMark: number;
  /** This CPU drained its queue at least once in the window, so "empty" is decidable. */
  flushSeen: boolean;
  hp: Hotplug;
  /**
   * Tracepoints are dropped on a CPU that is not marked online, so from the control CPU's
   * `takedown_cpu` until this CPU traces again after coming up, whatever it queues is invisible:
   * 'going-down' between takedown_cpu enter and exit, 'down' after it, null otherwise.
   */
  untraced: 'going-down' | 'down' | null;
  untracedLine: number;
  untracedStep: number;
  dyingStep: number;
  teardownLine: number;
  /** The state is known (a hotplug step or an event of this CPU was seen), so order can be checked. */
  hpKnown: boolean;
  /** Offline by a takedown seen from the control CPU (tracepoints on it stay silent until prepared). */
  offlineUntraced: boolean;
  /** cpuhp steps of this CPU still open (enter seen, exit not yet), innermost last. */
  readonly hpStack: number[];
  hpEnterSeen: boolean;
  /** The transition being pursued: its target state and the last step taken towards it. */
  hpTarget: number;
  hpLastStep: number;
  /** The cycle being recorded for the verdict (see `HotplugWindow`). */
  hpWindow: MutableWindow | null;
  readonly kickWin: KickWindow[];
  firstTs: number | null;
  lastTask: string;
  lastTtwuEntryTs: number;
  lastTtwuEntryLine: number;
  /** Latest kick of this CPU (any producer): time, line and producer CPU. */
  kickedTs: number;
  kickedLine: number;
  kickedBy: number;
  /**
   * Open irq-vector handlers (`call_function{,_single}_entry` without exit). Text without a flags
   * column (`trace-cmd report`) only shows hardirq context through them.
   */
  vecDepth: number;
}

class CategoryAcc {
  count = 0;
  readonly byKind: Record<string, number> = {};
  readonly examples: CategoryExample[] = [];
  constructor(private readonly maxExamples: number) {}

  add(ex: CategoryExample): void {
    this.count++;
    this.byKind[ex.kind] = (this.byKind[ex.kind] ?? 0) + 1;
    // The first examples, and the first of every kind beyond them: a rare kind (one undecided
    // hotplug step among hundreds of kicks) keeps its evidence. Kinds are a fixed small set.
    if (this.examples.length < this.maxExamples || this.byKind[ex.kind] === 1) this.examples.push(ex);
  }

  /** Undo one `add` of `kind` (an entry arrived late for a request closed by re-queue). */
  remove(kind: string): void {
    this.count--;
    this.byKind[kind] = (this.byKind[kind] ?? 1) - 1;
  }

  result(): Category {
    return { count: this.count, byKind: { ...this.byKind }, examples: [...this.examples] };
  }
}

export interface CheckerOptions {
  readonly maxViolations?: number;
  readonly maxExamples?: number;
  readonly window?: TimelineWindow;
}

/**
 * `%p` of NULL: zeros (16 or 8 digits) in the kernel's `trace` file, `(null)` on old kernels,
 * `(nil)` or `0x0` in `trace-cmd report` (libtraceevent prints the raw pointer with glibc's `%p`).
 */
function isNullCsd(addr: string): boolean {
  if (addr === '(null)' || addr === '(nil)' || addr === '0x0') return true;
  for (let i = 0; i < addr.length; i++) if (addr.charCodeAt(i) !== 48 /* 0 */) return false;
  return addr.length > 0;
}

/** In hardirq context: from the flags column, or, when the input has none, inside an IPI handler. */
function inHardirq(ev: FtraceEvent, c: CpuState): boolean {
  return ev.flags === '' ? c.vecDepth > 0 : hardirq(ev.flags);
}

function hardirq(flags: string): boolean {
  const c = flags.charCodeAt(2);
  return c === 104 /* h */ || c === 72 /* H */;
}

/** Parses a cpumask list (`0-3,5`) or hex mask; returns CPU numbers. */
export function parseCpumask(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    if (part === '') continue;
    const dash = part.indexOf('-');
    if (dash > 0) {
      const a = Number(part.slice(0, dash));
      const b = Number(part.slice(dash + 1));
      if (!Number.isInteger(a) || !Number.isInteger(b) || b < a || b - a > 4096) return [];
      for (let i = a; i <= b; i++) out.push(i);
    } else {
      const n = Number(part);
      if (!Number.isInteger(n)) return [];
      out.push(n);
    }
  }
  return out;
}

/** Why a rule with no decision in a trace is "not checked" (the common cases). */
const NOT_CHECKED_REASON: Readonly<Record<string, string>> = {
  'INV-DYING-EMPTY': 'no CPU went through its dying teardown in this trace',
  'INV-TRACE-HOTPLUG-ORDER': 'no CPU hotplug in this trace',
};

export class TraceChecker {
  private readonly cpus = new Map<number, CpuState>();
  /** The same states indexed by CPU number (the per-event lookup; `cpus` keeps first-seen order). */
  private readonly cpuAt: (CpuState | undefined)[] = [];
  private readonly csds = new Map<string, CsdState>();
  private readonly violationList: TraceViolation[] = [];
  private readonly violationCounts: Record<string, number> = {};
  /** Decisions taken per rule, by the rule's position in ALL_RULES (a plain counter on the per-event path). */
  private readonly checks = new Float64Array(ALL_RULES.length);
  private readonly completedUnobserved: CategoryAcc;
  private readonly ttwuBatched: CategoryAcc;
  private readonly open: CategoryAcc;
  private readonly undecided: CategoryAcc;
  private readonly stats = new TraceStatsCollector();
  private readonly timeline: TimelineCollector;
  private readonly maxViolations: number;
  private header: FtraceHeader = { entriesInBuffer: null, entriesWritten: null, cpus: null, lostAnnotations: 0 };
  private maxFirstTs = -Infinity;
  private readonly hotplugWindows: MutableWindow[] = [];
  /** CPUs that traced at least one event (their window has started). */
  private started = 0;
  private events = 0;
  private finished = false;

  constructor(opts: CheckerOptions = {}) {
    this.maxViolations = opts.maxViolations ?? 200;
    const ex = opts.maxExamples ?? 20;
    this.completedUnobserved = new CategoryAcc(ex);
    this.ttwuBatched = new CategoryAcc(ex);
    this.open = new CategoryAcc(ex);
    this.undecided = new CategoryAcc(ex);
    this.timeline = new TimelineCollector(opts.window ?? DEFAULT_WINDOW);
  }

  /** The parser's header object (read live: it fills in as header lines are parsed). */
  setHeader(h: FtraceHeader): void {
    this.header = h;
  }

  private overflowed(): boolean {
    const h = this.header;
    return (h.entriesInBuffer !== null && h.entriesWritten !== null && h.entriesInBuffer < h.entriesWritten) || h.lostAnnotations > 0;
  }

  /** The source proves every CPU's window starts with the trace (nothing overwritten, nothing lost). */
  private aligned(): boolean {
    const h = this.header;
    if (h.lostAnnotations > 0) return false;
    return h.nothingOverwritten === true || (h.entriesInBuffer !== null && h.entriesInBuffer === h.entriesWritten);
  }

  /**
   * Each CPU's window starts at its own first event unless the source proves they are aligned (an
   * overflowed ring buffer, `trace_pipe` or `trace-cmd report` text without the header): a rule
   * relating CPUs is decided only once every CPU known so far (the header's count, or any CPU named
   * as a target) has started, and at or after the latest start; before that, the event's cause may
   * be outside another CPU's window.
   */
  private incomplete(ts: number): boolean {
    if (this.aligned()) return false;
    const n = Math.max(this.header.cpus ?? 0, this.cpus.size);
    if (this.started < n) return true;
    return ts < this.maxFirstTs;
  }

  private cpu(n: number): CpuState {
    let s = this.cpuAt[n];
    if (s !== undefined) return s;
    s = this.cpus.get(n);
    if (s === undefined) {
      s = {
        stack: [],
        stackTrusted: false,
        live: [],
        delAllMark: -Infinity,
        flushSeen: false,
        hp: 'online',
        untraced: null,
        untracedLine: 0,
        untracedStep: -1,
        dyingStep: -1,
        teardownLine: 0,
        hpKnown: false,
        offlineUntraced: false,
        hpStack: [],
        hpEnterSeen: false,
        hpTarget: NaN,
        hpLastStep: NaN,
        hpWindow: null,
        kickWin: [],
        firstTs: null,
        lastTask: '',
        lastTtwuEntryTs: -Infinity,
        lastTtwuEntryLine: 0,
        kickedTs: -Infinity,
        kickedLine: 0,
        kickedBy: -1,
        vecDepth: 0,
      };
      this.cpus.set(n, s);
    }
    this.cpuAt[n] = s;
    return s;
  }

  private csd(addr: string): CsdState {
    let s = this.csds.get(addr);
    if (s === undefined) {
      s = { pending: null, prevClosed: null, lastEntryLine: 0, lastEntryTs: -Infinity, lastEntryFunc: '' };
      this.csds.set(addr, s);
    }
    return s;
  }

  /** One decision of the rule at `ruleIndex` (RI). */
  private check(ruleIndex: number): void {
    this.checks[ruleIndex] = (this.checks[ruleIndex] ?? 0) + 1;
  }

  private violate(rule: TraceRule, message: string, lines: readonly number[]): void {
    this.violationCounts[rule.id] = (this.violationCounts[rule.id] ?? 0) + 1;
    if (this.violationList.length < this.maxViolations) {
      this.violationList.push({ id: rule.id, message: `${rule.id} violated: ${message}`, lines: [...lines].sort((a, b) => a - b) });
    }
  }

  /** A `CPU:n [LOST k EVENTS]` line: forget what the lost events could contradict. */
  lost(cpuNo: number, line: number): void {
    for (const [n, c] of this.cpus) {
      for (const r of c.live) {
        this.open.add({ kind: 'lost-events', csd: r.csd, func: r.func, cpu: n, message: `queued at line ${r.line}; events were lost on cpu${cpuNo} at line ${line}`, lines: [r.line, line] });
      }
      c.live.length = 0;
      c.flushSeen = false;
      c.kickWin.length = 0;
      if (n === cpuNo) {
        c.stack.length = 0;
        c.stackTrusted = false;
        c.vecDepth = 0;
      }
    }
    this.csds.clear();
  }

  /** Feeds one event (in file order). Throws `FtraceParseError` for a known event with bad fields. */
  feed(ev: FtraceEvent): void {
    this.events++;
    const c = this.cpu(ev.cpu);
    if (c.firstTs === null) {
      c.firstTs = ev.ts;
      this.started++;
      if (ev.ts > this.maxFirstTs) this.maxFirstTs = ev.ts;
    }
    this.stats.event(ev.cpu);
    this.timeline.add(ev);
    if (c.untraced === 'down') c.untraced = null; // it traces again, so it is marked online
    this.tracedOn(ev, c);
    switch (ev.name) {
      case 'csd_queue_cpu':
        this.queue(ev, c);
        break;
      case 'csd_function_entry':
        this.closeKickWindows(ev, c);
        this.entry(ev, c);
        break;
      case 'csd_function_exit':
        this.closeKickWindows(ev, c);
        this.exit(ev, c);
        break;
      case 'ipi_send_cpu':
      case 'sched_wake_idle_without_ipi': {
        const one = this.oneTarget;
        one[0] = this.intField(ev, 'cpu');
        this.kick(ev, c, ev.name === 'ipi_send_cpu' ? 'cpu' : 'poll', one);
        break;
      }
      case 'ipi_send_cpumask': {
        const mask = this.field(ev, 'cpumask');
        const targets = parseCpumask(mask);
        if (targets.length === 0) throw new FtraceParseError(ev.line, `ipi_send_cpumask: bad cpumask ${JSON.stringify(mask)}`);
        this.kick(ev, c, 'mask', targets);
        break;
      }
      case 'cpuhp_enter':
      case 'cpuhp_multi_enter':
        this.closeKickWindows(ev, c);
        this.hotplugEnter(ev);
        break;
      case 'cpuhp_exit':
        this.closeKickWindows(ev, c);
        this.hotplugExit(ev);
        break;
      case 'call_function_single_entry':
      case 'call_function_entry':
        c.vecDepth++; // the entry event is already traced in the handler
        this.closeKickWindows(ev, c);
        this.stats.ipiHandlerEntry(ev.cpu);
        break;
      case 'call_function_single_exit':
      case 'call_function_exit':
        this.closeKickWindows(ev, c);
        if (c.vecDepth > 0) c.vecDepth--;
        this.stats.ipiHandlerExit(ev.cpu);
        break;
      default:
        break;
    }
    c.lastTask = ev.task;
  }

  private field(ev: FtraceEvent, key: string): string {
    const v = ev.fields[key];
    if (v === undefined || v === '') throw new FtraceParseError(ev.line, `${ev.name}: missing field ${key}`);
    return v;
  }

  private intField(ev: FtraceEvent, key: string): number {
    const v = this.field(ev, key);
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new FtraceParseError(ev.line, `${ev.name}: field ${key}=${v} is not a CPU number`);
    return n;
  }

  // ---- queueing (`__smp_call_single_queue`: trace, then llist_add, then kick if it was empty) ----

  private queue(ev: FtraceEvent, s: CpuState): void {
    const target = this.intField(ev, 'cpu');
    const func = this.field(ev, 'func');
    const addr = this.field(ev, 'csd');
    const t = this.cpu(target);
    const line = ev.line;

    // INV-DYING-EMPTY is decided only where a CPU is in a hotplug state: a queue to an online CPU
    // says nothing about a dying flush (counting it would report "pass" on a trace without hotplug).
    if (t.hp !== 'online' && t.hp !== 'prepared' && ev.cpu !== target) this.check(RI.dyingEmpty);
    if (t.hp === 'prepared' && ev.cpu !== target) {
      // Bring-up has started (smpcfd:prepare); set_cpu_online itself is not traced, so a queue
      // from here on may be to an online CPU. Not decidable from the trace: say so, do not guess.
      this.undecided.add({ kind: 'bringup-window', csd: addr, func, cpu: target, message: `${func} csd=${addr} queued to cpu${target} after its smpcfd:prepare (line ${t.teardownLine}) but before any traced online step; set_cpu_online is not traced`, lines: [t.teardownLine, line] });
    } else if ((t.hp === 'dying' || t.hp === 'offline') && ev.cpu !== target) {
      // 'going-down' is allowed: until stop_machine runs take_cpu_down the target is still online,
      // and whatever is queued then must be run by its dying flush.
      this.violate(RULES.dyingEmpty, `${func} csd=${addr} queued from cpu${ev.cpu} to cpu${target}, which is ${t.hp} since its teardown (line ${t.teardownLine})`, [t.teardownLine, line]);
    }

    // Re-queue = proof that the previous request of this csd was dequeued and unlocked
    // (csd_lock waits for the lock bit; a TTWU wake_entry is re-used only after the wakeup ran).
    const st = this.csd(addr);
    const prev = st.pending;
    // Only the request this queue closed may still show its (late) entry; older ones may not.
    st.prevClosed = prev;
    if (prev !== null) {
      this.removeLive(prev);
      this.completedUnobserved.add({
        kind: 're-queued',
        csd: addr,
        func: prev.func,
        cpu: prev.target,
        message: `queued to cpu${prev.target} at line ${prev.line} (cpu${prev.target} running ${prev.targetTask || '?'}), no csd_function_entry; csd queued again at line ${line}, so it was dequeued and unlocked`,
        lines: [prev.line, line],
      });
      if (prev.teardownLine > 0) prev.teardownLine = 0;
    }

    // Kick decision as far as the trace can tell: "empty" needs a drain seen on the target and no
    // live request queued after the latest drain point.
    const lastLive = t.live[t.live.length - 1];
    const provablyEmpty = t.flushSeen && !this.incomplete(ev.ts) && (lastLive === undefined || lastLive.ts <= t.delAllMark);
    for (let i = 0; i < s.kickWin.length; i++) {
      const w = s.kickWin[i];
      if (w !== undefined && w.target === target) {
        this.settleKickWindow(s, i, line);
        break;
      }
    }
    s.kickWin.push({ target, line, ts: ev.ts, owed: provablyEmpty, hard: inHardirq(ev, s) });
    this.stats.add(provablyEmpty);

    const req: Req = {
      csd: addr,
      func,
      target,
      src: ev.cpu,
      line,
      ts: ev.ts,
      ttwu: func === TTWU_FUNC,
      targetTask: t.lastTask,
      teardownLine: 0,
      teardownUntraced: false,
      entered: false,
    };
    st.pending = req;
    t.live.push(req);
    if (t.live.length > MAX_LIVE_PER_CPU) {
      const old = t.live.shift();
      if (old !== undefined) {
        this.open.add({ kind: 'unresolved-dropped', csd: old.csd, func: old.func, cpu: old.target, message: `queued at line ${old.line}; given up after ${MAX_LIVE_PER_CPU} live requests on cpu${old.target}`, lines: [old.line] });
        const os = this.csds.get(old.csd);
        if (os?.pending === old) os.pending = null;
      }
    }
    this.stats.queued(func, ev.cpu, target);
  }

  private removeLive(r: Req): void {
    const live = this.cpu(r.target).live;
    // Usually the oldest: search from the front.
    const i = live.indexOf(r);
    if (i >= 0) live.splice(i, 1);
  }

  // ---- kicks (INV-KICK) ----

  /** The target list of a single-CPU kick (scratch: `kick` does not keep it). */
  private readonly oneTarget: number[] = [0];

  /** Targets whose kick window the current kick consumed (scratch, reset per kick). */
  private readonly consumed: number[] = [];

  private kick(ev: FtraceEvent, s: CpuState, kind: 'cpu' | 'mask' | 'poll', targets: readonly number[]): void {
    this.consumed.length = 0;
    const callback = ev.fields['callback'] ?? '';
    const csdIpi = kind === 'poll' || callback.startsWith('generic_smp_call_function');
    if (!csdIpi) return; // reschedule IPIs and other vectors are not this protocol's kicks
    let matched = 0;
    for (const target of targets) {
      const tc = this.cpu(target);
      tc.kickedTs = ev.ts;
      tc.kickedLine = ev.line;
      tc.kickedBy = ev.cpu;
      let i = 0;
      while (i < s.kickWin.length && s.kickWin[i]?.target !== target) i++;
      if (i === s.kickWin.length) continue;
      this.consumed.push(target);
      matched++;
      const w = s.kickWin[i];
      s.kickWin.splice(i, 1);
      this.check(RI.kick);
      if (w !== undefined && !w.owed) {
        this.undecided.add({ kind: 'kick-queue-not-provably-empty', csd: '', func: '', cpu: target, message: `kick of cpu${target} at line ${ev.line} after the add at line ${w.line}; the trace cannot show the queue was empty (a request may have run without csd events, or no drain was seen yet)`, lines: [w.line, ev.line] });
      }
    }
    if (kind === 'mask' && matched > 0 && matched < targets.length) {
      // smp_call_function_many_cond sends the mask of targets whose queue it made non-empty; a
      // target it did not queue to cannot be in it.
      const extra = targets.filter((t) => !this.consumed.includes(t));
      if (extra.length > 0) {
        this.violate(RULES.kick, `ipi_send_cpumask at line ${ev.line} includes cpu${extra.join(', cpu')}, to which cpu${ev.cpu} queued nothing in this call`, [ev.line]);
      }
    }
    if (matched === 0 && kind !== 'poll') {
      this.undecided.add({ kind: 'ipi-without-add', csd: '', func: '', cpu: targets[0] ?? -1, message: `${ev.name} at line ${ev.line} with no csd_queue_cpu from cpu${ev.cpu} just before it (csd lock-wait resend, or the add is outside the window)`, lines: [ev.line] });
    }
    if (matched > 0 || kind !== 'poll') this.stats.kick(kind, targets);
  }

  /** An event on the producer CPU in the same context ends the kick decision of earlier adds. */
  private closeKickWindows(ev: FtraceEvent, s: CpuState): void {
    if (s.kickWin.length === 0) return;
    const hard = inHardirq(ev, s);
    for (let i = s.kickWin.length - 1; i >= 0; i--) {
      const w = s.kickWin[i];
      if (w !== undefined && w.hard === hard) this.settleKickWindow(s, i, ev.line);
    }
  }

  private settleKickWindow(s: CpuState, i: number, line: number): void {
    const w = s.kickWin[i];
    s.kickWin.splice(i, 1);
    if (w === undefined) return;
    this.check(RI.kick);
    const t = this.cpu(w.target);
    if (w.owed && t.kickedTs >= w.ts && t.kickedBy !== -1) {
      // Another producer kicked this CPU after our add was traced: csd_queue_cpu comes before
      // llist_add, so the two adds may have happened in the other order. Cannot decide.
      this.undecided.add({ kind: 'concurrent-producers', csd: '', func: '', cpu: w.target, message: `add at line ${w.line} looked first on an empty queue, but the kick came from cpu${t.kickedBy} (line ${t.kickedLine}); the adds' order is not in the trace`, lines: [w.line, t.kickedLine] });
    } else if (w.owed) {
      this.violate(RULES.kick, `the add at line ${w.line} found cpu${w.target}'s queue empty but no IPI or idle-poll wakeup was sent before line ${line}`, [w.line, line]);
    }
  }

  // ---- running (`csd_do_func` around each function in `__flush_smp_call_function_queue`) ----

  private entry(ev: FtraceEvent, c: CpuState): void {
    const func = this.field(ev, 'func');
    const addr = this.field(ev, 'csd');
    const line = ev.line;
    const cpuNo = ev.cpu;

    this.check(RI.entryExitPair);
    const top = c.stack[c.stack.length - 1];
    if (top !== undefined) {
      // csd functions run with interrupts off and never nest (a waiting call from there is a kernel
      // warning), so an open frame here means its exit is missing.
      this.violate(RULES.entryExitPair, `csd_function_entry ${func} csd=${addr} on cpu${cpuNo} while ${top.func} csd=${top.csd} (line ${top.line}) has not exited`, [top.line, line]);
      c.stack.length = 0;
    }
    c.stackTrusted = true;

    this.check(RI.notOnOffline);
    if (c.hp === 'prepared') {
      this.undecided.add({ kind: 'bringup-window', csd: addr, func, cpu: cpuNo, message: `${func} csd=${addr} runs on cpu${cpuNo} after its smpcfd:prepare (line ${c.teardownLine}) but before any traced online step; set_cpu_online is not traced`, lines: [c.teardownLine, line] });
    } else if (c.hp === 'offline') {
      this.violate(RULES.notOnOffline, `${func} csd=${addr} runs on cpu${cpuNo}, which is offline since its teardown (line ${c.teardownLine})`, [c.teardownLine, line]);
    }

    if (isNullCsd(addr)) {
      this.stats.local(func, cpuNo);
      c.stack.push({ csd: addr, func, line, ts: ev.ts, req: null });
      return;
    }

    const st = this.csd(addr);
    let req: Req | null = null;
    this.check(RI.runOnTarget);
    this.check(RI.noDoubleRun);
    let u: number | null; // a CPU whose queueing is untraced right now (hotplug)
    if (st.pending !== null && st.pending.target === cpuNo) {
      req = st.pending;
      st.pending = null;
      this.removeLive(req);
    } else if (st.prevClosed !== null && st.prevClosed.target === cpuNo && !st.prevClosed.entered) {
      // ASYNC: `csd_unlock` comes before the function, so the csd may be queued again before the
      // entry of the previous request is traced. That request was counted as completed-unobserved.
      req = st.prevClosed;
      this.completedUnobserved.remove('re-queued');
    } else if (st.pending !== null && this.incomplete(st.pending.ts)) {
      // Queued before some CPU's window started: it may have run on its target unseen and been
      // queued again (unseen) to this CPU. Both windows must cover the interval to decide.
      const p = st.pending;
      this.open.add({ kind: 'queue-possibly-overwritten', csd: addr, func, cpu: cpuNo, message: `entered at line ${line}; the csd was last seen queued to cpu${p.target} at line ${p.line}, before every CPU's trace window had started`, lines: [p.line, line] });
      st.pending = null;
      this.removeLive(p);
    } else if (st.pending !== null) {
      const p = st.pending;
      this.violate(RULES.runOnTarget, `${func} csd=${addr} was queued to cpu${p.target} (line ${p.line}) but runs on cpu${cpuNo}`, [p.line, line]);
      st.pending = null;
      this.removeLive(p);
      req = p;
    } else if (st.lastEntryLine === 0 && st.prevClosed === null) {
      this.open.add({ kind: 'queued-before-window', csd: addr, func, cpu: cpuNo, message: `entered at line ${line}; its csd_queue_cpu is before the trace window`, lines: [line] });
    } else if (this.incomplete(st.lastEntryTs)) {
      // The re-queue lies between the previous entry and this one: decidable only if that whole
      // interval is inside every CPU's window.
      this.open.add({ kind: 'queue-possibly-overwritten', csd: addr, func, cpu: cpuNo, message: `entered at line ${line}; its re-queue after the entry at line ${st.lastEntryLine} may lie before another CPU's trace window started`, lines: [st.lastEntryLine, line] });
    } else if ((u = this.untracedSender(cpuNo)) !== null) {
      this.undecided.add({ kind: 'queued-by-untraced-cpu', csd: addr, func, cpu: cpuNo, message: `${func} csd=${addr} entered on cpu${cpuNo} at line ${line} with no csd_queue_cpu, while cpu${String(u)} is outside its traced window (takedown_cpu at line ${String(this.cpu(u).untracedLine)}; tracepoints are dropped on a CPU not marked online)`, lines: [this.cpu(u).untracedLine, line] });
    } else if (st.lastEntryFunc !== func) {
      // A different function: only the csd's owner writes func, at queue time (INV-ONE-OWNER), so
      // this is a new request, not a second run of the old one; its csd_queue_cpu is missing.
      this.undecided.add({ kind: 'queue-not-traced', csd: addr, func, cpu: cpuNo, message: `${func} csd=${addr} entered on cpu${cpuNo} at line ${line} with no csd_queue_cpu; its previous request ran ${st.lastEntryFunc} (line ${st.lastEntryLine}), so this is a new request whose queue event is not in the trace`, lines: [st.lastEntryLine, line] });
    } else {
      this.violate(RULES.noDoubleRun, `${func} csd=${addr} entered again on cpu${cpuNo} without a new csd_queue_cpu (previous entry at line ${st.lastEntryLine})`, [st.lastEntryLine, line]);
    }
    st.lastEntryLine = line;
    st.lastEntryTs = ev.ts;
    st.lastEntryFunc = func;

    if (req !== null && req.teardownLine > 0 && c.hp === 'online') {
      // B3: queued while the CPU was online, still pending when its teardown finished, run only
      // after it came back: the dying flush (smpcfd_dying_cpu) did not empty the queue.
      this.check(RI.dyingEmpty);
      this.violate(RULES.dyingEmpty, `${req.func} csd=${addr} queued to cpu${cpuNo} at line ${req.line} was still pending when cpu${cpuNo}'s teardown finished (line ${req.teardownLine}) and runs only after it came back: its dying flush did not run it`, [req.line, req.teardownLine, line]);
    }
    if (req !== null) {
      req.entered = true;
      if (req.ttwu) this.ttwuBatch(req, c, line, ev.ts);
      this.check(RI.funcMatch);
      if (req.func !== func) {
        this.violate(RULES.funcMatch, `csd=${addr} was queued with ${req.func} (line ${req.line}) but cpu${cpuNo} runs ${func}`, [req.line, line]);
      }
      // Entered ⇒ the flush's llist_del_all came after this add; earlier adds are dequeued too.
      if (req.ts > c.delAllMark) c.delAllMark = req.ts;
      c.flushSeen = true;
      this.stats.entered(func, req.src, cpuNo, Math.round((ev.ts - req.ts) * 1e9));
    }
    c.stack.push({ csd: addr, func, line, ts: ev.ts, req });
  }

  /**
   * TTWU: the batch is entered once, with the first node as csd. Wakeups queued before that node
   * and not yet seen running were in an earlier batch (FIFO): batched if a TTWU entry on this CPU
   * came after their add, otherwise completed-unobserved.
   */
  private ttwuBatch(first: Req, c: CpuState, line: number, ts: number): void {
    for (let i = 0; i < c.live.length; ) {
      const r = c.live[i];
      if (r === undefined || r.ts > first.ts) break;
      if (!r.ttwu) {
        i++;
        continue;
      }
      c.live.splice(i, 1);
      const st = this.csds.get(r.csd);
      if (st?.pending === r) st.pending = null;
      r.entered = true;
      if (c.lastTtwuEntryTs >= r.ts) {
        this.ttwuBatched.add({ kind: 'ttwu-earlier-batch', csd: r.csd, func: r.func, cpu: r.target, message: `wakeup queued at line ${r.line} ran in the TTWU batch entered at line ${c.lastTtwuEntryLine}`, lines: [r.line, c.lastTtwuEntryLine] });
      } else {
        this.completedUnobserved.add({ kind: 'ttwu-fifo', csd: r.csd, func: r.func, cpu: r.target, message: `wakeup queued at line ${r.line}, before the TTWU batch entered at line ${line}, so it ran in an earlier, unobserved flush`, lines: [r.line, line] });
      }
    }
    c.lastTtwuEntryTs = ts;
    c.lastTtwuEntryLine = line;
  }

  private exit(ev: FtraceEvent, c: CpuState): void {
    const func = this.field(ev, 'func');
    const addr = this.field(ev, 'csd');
    const line = ev.line;
    this.check(RI.entryExitPair);
    const top = c.stack.pop();
    if (top === undefined) {
      if (!c.stackTrusted) {
        this.open.add({ kind: 'entered-before-window', csd: addr, func, cpu: ev.cpu, message: `exit at line ${line}; its entry is before the trace window`, lines: [line] });
      } else if (this.incomplete(ev.ts)) {
        this.open.add({ kind: 'entry-possibly-overwritten', csd: addr, func, cpu: ev.cpu, message: `exit at line ${line} before the latest per-CPU buffer start`, lines: [line] });
      } else {
        this.violate(RULES.entryExitPair, `csd_function_exit ${func} csd=${addr} on cpu${ev.cpu} without a matching csd_function_entry`, [line]);
      }
      return;
    }
    if (top.csd !== addr || top.func !== func) {
      this.violate(RULES.entryExitPair, `csd_function_exit ${func} csd=${addr} on cpu${ev.cpu} closes ${top.func} csd=${top.csd} (line ${top.line})`, [top.line, line]);
      return;
    }
    this.stats.exited(func, Math.round((ev.ts - top.ts) * 1e9));
  }

  // ---- hotplug (smpcfd:prepare / smpcfd:dying) ----

  /** Some CPU other than `cpuNo` whose queueing cannot be traced right now (see `untraced`). */
  private untracedSender(cpuNo: number): number | null {
    for (const [n, c] of this.cpus) if (n !== cpuNo && c.untraced !== null) return n;
    return null;
  }

  /** Any event of `c`'s CPU: tracepoints fire only on online CPUs, so it is online now. */
  private tracedOn(ev: FtraceEvent, c: CpuState): void {
    if (c.hp === 'prepared') {
      c.hp = 'online';
      this.mark(c, ev.cpu, 'online', ev);
    }
    else if (c.hp === 'offline' && c.offlineUntraced) {
      // A csd entry here is INV-NOT-ON-OFFLINE (see `entry`); anything else is a hotplug-order fault.
      if (ev.name !== 'csd_function_entry' && ev.name !== 'csd_function_exit') {
        this.check(RI.hotplugOrder);
        this.violate(RULES.hotplugOrder, `${ev.name} traced on cpu${ev.cpu} at line ${ev.line}, which is offline since its teardown (line ${c.teardownLine}) and not yet prepared again`, [c.teardownLine, ev.line]);
      }
    }
    if (c.hp === 'online') c.hpKnown = true;
  }

  /** Records a hotplug transition of `cpuNo` in its current cycle (a new cycle starts at 'down'). */
  private mark(c: CpuState, cpuNo: number, what: keyof Omit<MutableWindow, 'cpu'>, ev: FtraceEvent): void {
    if (what === 'down' || c.hpWindow === null) {
      if (this.hotplugWindows.length >= MAX_HOTPLUG_WINDOWS) return;
      c.hpWindow = { cpu: cpuNo, down: null, offline: null, prepare: null, online: null };
      this.hotplugWindows.push(c.hpWindow);
    }
    c.hpWindow[what] = { line: ev.line, ts: ev.ts };
    if (what === 'online') c.hpWindow = null;
  }

  private orderFault(cpuNo: number, what: string, lines: readonly number[]): void {
    this.violate(RULES.hotplugOrder, `cpu${cpuNo}: ${what}`, lines);
  }

  private hotplugEnter(ev: FtraceEvent): void {
    const cpuNo = this.intField(ev, 'cpu');
    const fun = ev.fields['fun'] ?? '';
    const step = Number(ev.fields['step'] ?? ev.fields['idx'] ?? NaN);
    const target = Number(ev.fields['target'] ?? NaN);
    const c = this.cpu(cpuNo);
    this.check(RI.hotplugOrder);
    // Steps towards one target only go one way (their numbers differ between kernels, their order not).
    if (target === c.hpTarget && Number.isFinite(c.hpLastStep)) {
      const down = target < c.hpLastStep;
      if (down ? step > c.hpLastStep : step < c.hpLastStep) this.orderFault(cpuNo, `step ${step} (${fun}) at line ${ev.line} after step ${c.hpLastStep} while going ${down ? 'down' : 'up'} to ${target}`, [ev.line]);
    }
    c.hpTarget = target;
    c.hpLastStep = step;
    c.hpStack.push(step);
    c.hpEnterSeen = true;

    if (fun === 'takedown_cpu') {
      // Seen on the control CPU: from here the CPU's own dying steps run in stop_machine, untraced.
      // 'prepared' becomes 'online' only by an event of that CPU: if its window has not started
      // (overwritten ring buffer), its online steps may lie before it.
      const unseen = c.hp === 'prepared' && c.firstTs === null;
      if (c.hpKnown && c.hp !== 'online' && !unseen) this.orderFault(cpuNo, `takedown_cpu at line ${ev.line} while it is ${c.hp}`, [c.teardownLine, ev.line]);
      c.hp = 'going-down';
      this.mark(c, cpuNo, 'down', ev);
      c.hpKnown = true;
      c.untraced = 'going-down';
      c.untracedLine = ev.line;
      c.untracedStep = step;
      c.dyingStep = step;
      c.teardownLine = ev.line;
      return;
    }
    if (fun === 'smpcfd_dying_cpu' || fun.includes('smpcfd:dying')) {
      if (c.hp !== 'going-down') this.mark(c, cpuNo, 'down', ev);
      c.hp = 'dying';
      c.hpKnown = true;
      c.dyingStep = step;
      c.teardownLine = ev.line;
      return;
    }
    if (fun === 'smpcfd_dead_cpu') {
      if (c.hpKnown && c.hp !== 'offline') this.orderFault(cpuNo, `smpcfd_dead_cpu at line ${ev.line} while it is ${c.hp}`, [ev.line]);
      return;
    }
    if (fun === 'smpcfd_prepare_cpu' || fun.includes('smpcfd:prepare')) {
      if (c.hpKnown && c.hp !== 'offline') this.orderFault(cpuNo, `smpcfd_prepare_cpu at line ${ev.line} while it is ${c.hp}`, [ev.line]);
      c.hp = 'prepared';
      this.mark(c, cpuNo, 'prepare', ev);
      c.hpKnown = true;
      c.teardownLine = ev.line;
      return;
    }
    // Coming up: an AP step above the teardown step means the CPU has passed set_cpu_online.
    if ((c.hp === 'offline' || c.hp === 'prepared') && step > c.dyingStep && target > c.dyingStep && c.dyingStep >= 0) {
      c.hp = 'online';
      this.mark(c, cpuNo, 'online', ev);
    }
  }

  private hotplugExit(ev: FtraceEvent): void {
    const cpuNo = this.intField(ev, 'cpu');
    const step = Number(ev.fields['step'] ?? ev.fields['idx'] ?? NaN);
    const c = this.cpu(cpuNo);
    this.check(RI.hotplugOrder);
    const top = c.hpStack[c.hpStack.length - 1];
    if (top === step) c.hpStack.pop();
    else if (top === undefined) {
      // No step of this CPU is open. Its cpuhp_enter is not in the trace, and the trace cannot
      // show it is missing: the controlling task's outer step (the kick of the AP, the bring-up)
      // can be entered on one CPU and left on another (the task migrates once the CPU is up), so
      // the enter may lie before that CPU's window (an overwritten ring buffer) or before the
      // trace began, with this CPU's own steps traced in between.
      if (c.hpEnterSeen) {
        this.undecided.add({ kind: 'cpuhp-exit-without-enter', csd: '', func: '', cpu: cpuNo, message: `cpuhp_exit of step ${step} for cpu${cpuNo} at line ${ev.line} (traced on cpu${ev.cpu}) with no open step; its enter may be on another CPU before that CPU's trace window, or before the trace`, lines: [ev.line] });
      }
    } else {
      const at = c.hpStack.lastIndexOf(step);
      if (this.incomplete(ev.ts)) {
        this.undecided.add({ kind: 'cpuhp-exit-without-enter', csd: '', func: '', cpu: cpuNo, message: `cpuhp_exit of step ${step} for cpu${cpuNo} at line ${ev.line} while step ${top} is open, before every CPU's trace window had started`, lines: [ev.line] });
      } else {
        this.orderFault(cpuNo, `cpuhp_exit of step ${step} at line ${ev.line} while step ${top} is open`, [ev.line]);
      }
      if (at >= 0) c.hpStack.length = at;
    }
    if (c.untraced === 'going-down' && step === c.untracedStep) c.untraced = 'down';
    if (c.hp === 'going-down' && step === c.dyingStep) {
      // takedown_cpu returned: the CPU is dead, its dying flush has run (untraced).
      c.hp = 'offline';
      this.mark(c, cpuNo, 'offline', ev);
      c.offlineUntraced = true;
      c.teardownLine = ev.line;
      this.check(RI.dyingEmpty); // what was queued must be run by now (judged when it shows up)
      for (const r of c.live) {
        r.teardownLine = ev.line;
        r.teardownUntraced = true;
      }
      return;
    }
    if (c.hp !== 'dying' || step !== c.dyingStep) return;
    c.hp = 'offline';
    this.mark(c, cpuNo, 'offline', ev);
    c.offlineUntraced = false;
    c.teardownLine = ev.line;
    this.check(RI.dyingEmpty);
    // The dying flush must have run everything queued before it (B3/B5 otherwise).
    for (const r of c.live) r.teardownLine = ev.line;
  }

  // ---- end of window ----

  finish(meta: { file: string; lines: number; skipped: Readonly<Record<string, number>>; warnings: { count: number; examples: readonly string[] } }): TraceVerdict {
    if (!this.finished) {
      this.finished = true;
      for (const [n, c] of this.cpus) {
        for (const r of c.live) {
          if (r.teardownLine > 0 && r.teardownUntraced) {
            this.undecided.add({ kind: 'pending-at-untraced-teardown', csd: r.csd, func: r.func, cpu: n, message: `queued to cpu${n} at line ${r.line}, not seen running before cpu${n}'s teardown finished (line ${r.teardownLine}); its dying flush is not traced, so it may have run there`, lines: [r.line, r.teardownLine] });
          } else if (r.teardownLine > 0) {
            this.check(RI.noLostCall);
            this.violate(RULES.noLostCall, `${r.func} csd=${r.csd} queued to cpu${n} at line ${r.line} never ran: cpu${n} finished its smpcfd:dying teardown at line ${r.teardownLine} without running it`, [r.line, r.teardownLine]);
          } else {
            this.open.add({ kind: 'queued-not-run-at-end', csd: r.csd, func: r.func, cpu: n, message: `queued at line ${r.line}, not run before the trace ends`, lines: [r.line] });
          }
        }
        for (const f of c.stack) {
          this.open.add({ kind: 'running-at-end', csd: f.csd, func: f.func, cpu: n, message: `entered at line ${f.line}, no exit before the trace ends`, lines: [f.line] });
        }
        for (const w of c.kickWin) {
          this.open.add({ kind: 'kick-after-end', csd: '', func: '', cpu: w.target, message: `add at line ${w.line}; the trace ends before its kick decision`, lines: [w.line] });
        }
      }
    }
    const invariants: InvariantResult[] = ALL_RULES.map((r, i) => {
      const checks = this.checks[i] ?? 0;
      const failed = (this.violationCounts[r.id] ?? 0) > 0;
      if (!failed && checks === 0) return { id: r.id, sentence: r.sentence, status: 'not-checked', checks, reason: NOT_CHECKED_REASON[r.id] ?? 'no event in this trace that this rule decides' };
      return { id: r.id, sentence: r.sentence, status: failed ? 'fail' : 'pass', checks };
    });
    const perCpuFirstTs: Record<string, number> = {};
    for (const [n, c] of [...this.cpus.entries()].sort((a, b) => a[0] - b[0])) if (c.firstTs !== null) perCpuFirstTs[String(n)] = c.firstTs;
    const overflowed = this.overflowed() || !this.aligned();
    return {
      schema: 'smpcheck.trace/1',
      file: meta.file,
      ok: this.violationList.length === 0,
      lines: meta.lines,
      events: this.events,
      skipped: meta.skipped,
      warnings: { count: meta.warnings.count, examples: [...meta.warnings.examples] },
      header: {
        entriesInBuffer: this.header.entriesInBuffer,
        entriesWritten: this.header.entriesWritten,
        cpus: this.header.cpus,
        overflowed,
        perCpuFirstTs,
        incompleteUntil: overflowed && Number.isFinite(this.maxFirstTs) ? this.maxFirstTs : null,
      },
      invariants,
      violations: [...this.violationList],
      violationCounts: { ...this.violationCounts },
      categories: {
        completedUnobserved: this.completedUnobserved.result(),
        ttwuBatched: this.ttwuBatched.result(),
        open: this.open.result(),
        undecided: this.undecided.result(),
      },
      hotplug: this.hotplugWindows.map((w) => ({ ...w })),
      stats: this.stats.result(),
      timelineWindow: this.timeline.windowInfo(),
      timeline: [...this.timeline.entries],
    };
  }
}
