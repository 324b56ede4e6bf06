/**
 * The step runner's command line, for the suites written in shell or Python and for `.ci/run`:
 *
 *   cli.ts start <suite>                             the suite's steps file begins empty
 *   cli.ts record <suite> <name> pass|fail [detail]  appends one step (test/harness/harness.sh does the same, faster)
 *   cli.ts summary <suite>                           test-reports/<suite>.json from its steps; prints
 *                                                    `<suite>: N passed, M failed`; exit 1 when M > 0 or no step
 *   cli.ts total [--since <epoch s>] [--expect a,b]  sums jest's junit.xml and every suite report (finished after
 *                                                    --since); an expected suite without a report counts 1 failed;
 *                                                    prints one line per suite and last `N passed, M failed`
 */
import * as fs from 'fs';
import * as path from 'path';
import { appendStep, isSuiteReport, readSteps, REPORTS, startSteps, stepLine, stepsFile, writeReport } from '.';

/** jest's counts from test-reports/junit.xml (its <testsuites> element), or undefined when there is none. */
function junit(file: string): { passed: number; failed: number } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const head = /<testsuites\b[^>]*>/.exec(fs.readFileSync(file, 'utf8'))?.[0] ?? '';
  const n = (attr: string) => Number(new RegExp(`\\s${attr}="(\\d+)"`).exec(head)?.[1] ?? 0);
  const failed = n('failures') + n('errors');
  return { passed: n('tests') - failed, failed };
}

export function total(args: string[], log: (s: string) => void): number {
  const since = args.includes('--since') ? Number(args[args.indexOf('--since') + 1]) * 1000 : 0;
  const expect = args.includes('--expect') ? args[args.indexOf('--expect') + 1].split(',').filter(Boolean) : [];
  let passed = 0;
  let failed = 0;
  const j = junit(path.join(REPORTS, 'junit.xml'));
  if (j && fs.statSync(path.join(REPORTS, 'junit.xml')).mtimeMs >= since) {
    log(`jest: ${j.passed} passed, ${j.failed} failed (test-reports/junit.xml)`);
    passed += j.passed;
    failed += j.failed;
  }
  const seen = new Set<string>();
  const files = fs.existsSync(REPORTS) ? fs.readdirSync(REPORTS).filter((f) => f.endsWith('.json')).sort() : [];
  for (const f of files) {
    let r: unknown;
    try {
      r = JSON.parse(fs.readFileSync(path.join(REPORTS, f), 'utf8'));
    } catch {
      continue;
    }
    if (!isSuiteReport(r) || Date.parse(r.finishedAt) < since) continue;
    seen.add(r.suite);
    log(`${r.suite}: ${r.passed} passed, ${r.failed} failed (test-reports/${f})`);
    passed += r.passed;
    failed += r.failed;
  }
  for (const s of expect.filter((e) => !seen.has(e))) {
    log(`${s}: no report in test-reports/ (it did not run to its end): counted 1 failed`);
    failed += 1;
  }
  log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function main(argv: string[]): number {
  const [cmd, suite, ...rest] = argv;
  if (cmd === 'total') return total(argv.slice(1), console.log);
  if (!suite) {
    console.error('usage: cli.ts start|record|summary <suite> ... | total [--since <epoch s>] [--expect a,b]');
    return 2;
  }
  if (cmd === 'start') {
    startSteps(suite);
    return 0;
  }
  if (cmd === 'record') {
    const [name, outcome, detail = ''] = rest;
    if (!name || (outcome !== 'pass' && outcome !== 'fail')) {
      console.error('usage: cli.ts record <suite> <name> pass|fail [detail]');
      return 2;
    }
    const r = { name, ok: outcome === 'pass', detail };
    appendStep(suite, r);
    console.log(stepLine(r));
    return 0;
  }
  if (cmd === 'summary') {
    const steps = readSteps(suite);
    if (steps.length === 0) steps.push({ name: suite, ok: false, detail: `no step recorded in ${path.relative(process.cwd(), stepsFile(suite))}` });
    const st = fs.existsSync(stepsFile(suite)) ? fs.statSync(stepsFile(suite)) : undefined;
    // The steps file was made empty when the suite started (where the file system keeps a birth time).
    const started = st && st.birthtimeMs > 0 ? st.birthtime.toISOString() : new Date().toISOString();
    return writeReport(suite, steps, [], started);
  }
  console.error(`cli.ts: unknown command ${cmd}`);
  return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
