/**
 * Opens a report in headless Chromium (Debian's `chromium`, driven by playwright-core) and reads
 * back what a person would see: the diagrams, the counts, console errors, network requests,
 * dialogs. No skipping: a missing browser is an error with the fix in the message.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.SMPCHECK_CHROMIUM ?? '/usr/bin/chromium';

// Flags that work on this kind of machine (root, no GPU, no network needed).
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface ChartView {
  readonly machine: string;
  readonly svgCount: number;
  /** Graphviz node groups whose id is `state:<xstate id>`. */
  readonly stateNodeIds: string[];
  readonly edgeCount: number;
  readonly counts: Record<string, number>;
  readonly visits: { kind: string; id: string; visits: number }[];
}

/** The little of the DOM the page script uses (the project's tsconfig has no DOM lib, on purpose). */
interface El {
  readonly id: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(sel: string): El | null;
  querySelectorAll(sel: string): ArrayLike<El> & Iterable<El>;
}
interface Doc {
  readonly title: string;
  querySelectorAll(sel: string): ArrayLike<El> & Iterable<El>;
}

/** The abstract coverage section (report/abstract-html.ts), as the page shows it. */
export interface AbstractView {
  readonly reachableStates: number;
  readonly reachableTransitions: number;
  readonly techniques: { technique: string; status: string; states: number; transitions: number; runs: number }[];
  /** the coverage-against-runs plot: SVGs in its figure, and their drawn marks (paths, lines, symbols) */
  readonly plotSvgs: number;
  readonly plotMarks: number;
  readonly plotText: string;
  readonly pairCells: { table: string; row: string; col: string; reachable: number; covered: number | null }[];
  readonly uncoveredListed: number;
}

export interface PageView {
  readonly title: string;
  readonly charts: ChartView[];
  readonly invariantRows: { id: string; status: string }[];
  readonly timelineLanes: string[];
  readonly imgCount: number;
  readonly abstract: AbstractView | null;
  readonly errors: string[];
  readonly requests: string[];
  readonly dialogs: string[];
}

export async function viewReport(htmlFile: string, screenshot: string): Promise<PageView> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: install it (apt-get update && apt-get install -y chromium; .ci/run does this) or set SMPCHECK_CHROMIUM`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'smpcheck-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  try {
    // tsx (esbuild keepNames) wraps functions in `__name(...)`, which the page does not have.
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const url = pathToFileURL(htmlFile).href;
    await page.goto(url, { waitUntil: 'load' });
    const view = await page.evaluate(() => {
      const document = (globalThis as unknown as { document: Doc }).document;
      const num = (s: string | null | undefined): number => Number(s ?? 'NaN');
      const charts = [...document.querySelectorAll('article.chart')].map((a) => {
        const counts: Record<string, number> = {};
        for (const el of a.querySelectorAll('[data-count]')) counts[el.getAttribute('data-count') ?? '?'] = num(el.textContent);
        return {
          machine: a.getAttribute('data-machine') ?? '',
          svgCount: a.querySelectorAll('figure.diagram > svg').length,
          stateNodeIds: [...a.querySelectorAll('svg g.node')].map((g) => g.id).filter((id) => id.startsWith('state:')).map((id) => id.slice(6)),
          edgeCount: a.querySelectorAll('svg g.edge').length,
          counts,
          visits: [...a.querySelectorAll('tr[data-id]')].map((tr) => ({
            kind: tr.getAttribute('data-kind') ?? '',
            id: tr.getAttribute('data-id') ?? '',
            visits: num(tr.querySelector('[data-visits]')?.textContent),
          })),
        };
      });
      return {
        title: document.title,
        charts,
        invariantRows: [...document.querySelectorAll('tr[data-invariant]')].map((tr) => ({ id: tr.getAttribute('data-invariant') ?? '', status: tr.getAttribute('data-status') ?? '' })),
        timelineLanes: [...document.querySelectorAll('.timeline [data-lane]')].map((e) => e.getAttribute('data-lane') ?? ''),
        imgCount: document.querySelectorAll('img').length,
        abstract: ((): AbstractView | null => {
          const sec = [...document.querySelectorAll('section#abstract')][0];
          if (sec === undefined) return null;
          const plot = sec.querySelector('#abstract-plot');
          return {
            reachableStates: num(sec.getAttribute('data-reachable-states')),
            reachableTransitions: num(sec.getAttribute('data-reachable-transitions')),
            techniques: [...sec.querySelectorAll('tr[data-technique]')].map((tr) => ({
              technique: tr.getAttribute('data-technique') ?? '', status: tr.getAttribute('data-status') ?? '',
              states: num(tr.querySelector('[data-states]')?.textContent), transitions: num(tr.querySelector('[data-transitions]')?.textContent),
              runs: num(tr.querySelector('[data-runs]')?.textContent),
            })),
            plotSvgs: plot === null ? 0 : plot.querySelectorAll('svg').length,
            plotMarks: plot === null ? 0 : plot.querySelectorAll('svg path, svg line, svg circle').length,
            plotText: plot?.textContent ?? '',
            pairCells: [...sec.querySelectorAll('table.pairs')].flatMap((t) => [...t.querySelectorAll('td[data-row]')].map((td) => ({
              table: t.id, row: td.getAttribute('data-row') ?? '', col: td.getAttribute('data-col') ?? '',
              reachable: num(td.getAttribute('data-reachable')), covered: td.getAttribute('data-covered') === null || td.getAttribute('data-covered') === '' ? null : num(td.getAttribute('data-covered')),
            }))),
            uncoveredListed: sec.querySelectorAll('details.uncovered-state').length,
          };
        })(),
      };
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    return { ...view, errors, requests: requests.filter((r) => r !== url), dialogs };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
