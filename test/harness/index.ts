/**
 * The one step runner of the harness (docs/development.md "Floor plan"): a suite of named steps, each passing with a
 * detail or failing with a message, bound checks of measured values, and a JSON summary per suite in
 * test-reports/<suite>.json that `.ci/run` sums. Each step is also appended, as it ends, to
 * test-reports/<suite>.steps.jsonl (one `{"name","ok","detail"}` a line): the shell and Python suites write that
 * file themselves (test/harness/harness.sh, scripts/check_python_module.py) and `cli.ts summary` turns it into the
 * summary. Prints `ok   <name>: <detail>` / `FAIL <name>: <message>` per step and last `<suite>: N passed, M failed`.
 */
import * as fs from 'fs';
import * as path from 'path';

/** test-reports/ of the repository (jest's junit.xml is there too); HARNESS_REPORTS moves it (the harness's own test). */
export const REPORTS = process.env.HARNESS_REPORTS ?? path.resolve(__dirname, '..', '..', 'test-reports');

/** One step's outcome. */
export interface StepResult {
  readonly name: string;
  readonly ok: boolean;
  /** The measurement or the evidence when it passed; the failure's message when it failed. */
  readonly detail: string;
}

/** One bound check: a measured value against the interval the model predicts. */
export interface BoundResult {
  readonly what: string;
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
  readonly unit: string;
  readonly ok: boolean;
}

/** test-reports/<suite>.json. */
export interface SuiteReport {
  readonly suite: string;
  readonly passed: number;
  readonly failed: number;
  readonly steps: StepResult[];
  readonly bounds: BoundResult[];
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** The file stem of a suite (`e2e:kubelet` -> `e2e-kubelet`). */
const stem = (suite: string) => suite.replace(/[^A-Za-z0-9_.-]/g, '-');
export const reportFile = (suite: string) => path.join(REPORTS, `${stem(suite)}.json`);
export const stepsFile = (suite: string) => path.join(REPORTS, `${stem(suite)}.steps.jsonl`);

/** Whether `x` has the shape of a suite report (test-reports/ also holds other JSON files). */
export function isSuiteReport(x: any): x is SuiteReport {
  return x !== null && typeof x === 'object' && typeof x.suite === 'string' && Number.isInteger(x.passed)
    && Number.isInteger(x.failed) && Array.isArray(x.steps);
}

/** The line each step prints. */
export function stepLine(r: StepResult): string {
  return `${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.detail ? `: ${r.detail}` : ''}`;
}

/** Writes test-reports/<suite>.json, prints `<suite>: N passed, M failed` and returns the exit status (0: none failed). */
export function writeReport(
  suite: string, steps: StepResult[], bounds: BoundResult[], startedAt: string, log: (s: string) => void = console.log,
): number {
  const passed = steps.filter((s) => s.ok).length;
  const report: SuiteReport = { suite, passed, failed: steps.length - passed, steps, bounds, startedAt, finishedAt: new Date().toISOString() };
  fs.mkdirSync(REPORTS, { recursive: true });
  fs.writeFileSync(reportFile(suite), JSON.stringify(report, null, 2) + '\n');
  log(`${suite}: ${report.passed} passed, ${report.failed} failed`);
  return report.failed === 0 ? 0 : 1;
}

/** Reads the steps file a shell or Python suite appended to (a line that is not a step fails as one). */
/** Starts a suite's steps file empty (the TypeScript suites and `cli.ts start` alike). */
export function startSteps(suite: string): void {
  fs.mkdirSync(REPORTS, { recursive: true });
  fs.writeFileSync(stepsFile(suite), '');
}

/** Appends one step to a suite's steps file (the TypeScript suites and `cli.ts record` alike). */
export function appendStep(suite: string, r: StepResult): void {
  fs.mkdirSync(REPORTS, { recursive: true });
  fs.appendFileSync(stepsFile(suite), JSON.stringify(r) + '\n');
}

export function readSteps(suite: string): StepResult[] {
  const file = stepsFile(suite);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
    try {
      const s = JSON.parse(l);
      if (typeof s.name === 'string' && typeof s.ok === 'boolean') return { name: s.name, ok: s.ok, detail: String(s.detail ?? '') };
    } catch {
      // below
    }
    return { name: `a line of ${path.basename(file)}`, ok: false, detail: `not a step: ${l.slice(0, 200)}` };
  });
}

/** A suite of steps, for the TypeScript runners (e2e, e2e:kubelet, lint:real). */
export class Suite {
  private readonly results: StepResult[] = [];
  private readonly boundResults: BoundResult[] = [];
  private readonly startedAt = new Date().toISOString();

  /** Starts the suite: its steps file begins empty. */
  constructor(public readonly name: string, private readonly log: (s: string) => void = console.log) {
    startSteps(name);
  }

  /** The steps so far, in order. */
  get steps(): readonly StepResult[] {
    return this.results;
  }
  get passed(): number {
    return this.results.filter((r) => r.ok).length;
  }
  get failed(): number {
    return this.results.length - this.passed;
  }

  /** Records a step whose outcome is already known; returns `ok`. */
  record(name: string, ok: boolean, detail = ''): boolean {
    const r = { name, ok, detail };
    this.results.push(r);
    appendStep(this.name, r);
    this.log(stepLine(r));
    return ok;
  }

  /** Runs `fn`: it passes with the detail it returns, fails with the message of what it throws. */
  step(name: string, fn: () => string): boolean {
    let detail: string;
    try {
      detail = fn();
    } catch (e) {
      return this.record(name, false, (e as Error).message);
    }
    return this.record(name, true, detail);
  }

  /** `step` for an async `fn`. */
  async stepAsync(name: string, fn: () => Promise<string> | string): Promise<boolean> {
    let detail: string;
    try {
      detail = await fn();
    } catch (e) {
      return this.record(name, false, (e as Error).message);
    }
    return this.record(name, true, detail);
  }

  /**
   * The bound check: `value` (in `unit`) must lie in [lo, hi]; recorded in the report's `bounds` either way.
   * Returns `7.1 s (bound 4-7 s)` (`<= hi` when lo is 0); throws that text with `: outside the bound` when outside.
   */
  within(what: string, value: number, lo: number, hi: number, unit: string, digits = 1): string {
    const ok = value >= lo && value <= hi;
    this.boundResults.push({ what, value, lo, hi, unit, ok });
    const text = `${value.toFixed(digits)} ${unit} (bound ${lo > 0 ? `${lo}-${hi}` : `<= ${hi}`} ${unit})`;
    if (!ok) throw new Error(`${text}: outside the bound`);
    return text;
  }

  /** Writes test-reports/<suite>.json, prints `<suite>: N passed, M failed`; returns the exit status. */
  finish(): number {
    return writeReport(this.name, [...this.results], [...this.boundResults], this.startedAt, this.log);
  }
}
