// The step runner (test/harness/): steps, bound checks, the JSON summary, and the sum .ci/run prints.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-harness-'));
process.env.HARNESS_REPORTS = dir;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness: typeof import('./harness') = require('./harness');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cli: typeof import('./harness/cli') = require('./harness/cli');

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Suite', () => {
  test('steps pass with their detail, fail with the message thrown; the summary counts them', () => {
    const lines: string[] = [];
    const suite = new harness.Suite('unit:demo', (s) => lines.push(s));
    expect(suite.step('answers', () => 'HTTP 200')).toBe(true);
    expect(suite.step('refuses', () => {
      throw new Error('HTTP 503');
    })).toBe(false);
    expect(suite.finish()).toBe(1);
    expect(lines).toEqual(['ok   answers: HTTP 200', 'FAIL refuses: HTTP 503', 'unit:demo: 1 passed, 1 failed']);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'unit-demo.json'), 'utf8'));
    expect(report).toMatchObject({
      suite: 'unit:demo',
      passed: 1,
      failed: 1,
      steps: [{ name: 'answers', ok: true, detail: 'HTTP 200' }, { name: 'refuses', ok: false, detail: 'HTTP 503' }],
    });
    // The steps file has the same steps, one JSON line each, as they ended.
    expect(fs.readFileSync(path.join(dir, 'unit-demo.steps.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).name)).toEqual(['answers', 'refuses']);
  });

  test('within: inside the bound returns the text; outside throws it; both are recorded', async () => {
    const suite = new harness.Suite('unit:bounds', () => undefined);
    expect(suite.within('Ready', 7.08, 4, 7.5, 's')).toBe('7.1 s (bound 4-7.5 s)');
    expect(suite.within('unhealthy', 90.4, 0, 110, 's')).toBe('90.4 s (bound <= 110 s)');
    expect(() => suite.within('restart', 10.2, 7.5, 8.5, 's')).toThrow('10.2 s (bound 7.5-8.5 s): outside the bound');
    await suite.stepAsync('async step', async () => 'done');
    suite.finish();
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'unit-bounds.json'), 'utf8'));
    expect(report.bounds.map((b: any) => [b.what, b.ok])).toEqual([['Ready', true], ['unhealthy', true], ['restart', false]]);
    expect(report.passed).toBe(1);
  });
});

describe('the shell helper and cli.ts', () => {
  test('harness.sh records steps (quotes and all) that cli.ts summary turns into the report', () => {
    const script = `source test/harness/harness.sh; harness_start unit-shell; harness_record unit-shell 'a "quoted" name' pass '1 s';
      harness_record unit-shell second fail 'exit 3'; harness_summary unit-shell`;
    let out = '';
    let status = 0;
    try {
      out = execFileSync('bash', ['-c', script], { cwd: path.resolve(__dirname, '..'), env: { ...process.env, HARNESS_REPORTS: dir }, encoding: 'utf8' });
    } catch (e: any) {
      out = e.stdout;
      status = e.status;
    }
    expect(status).toBe(1);
    expect(out.trim().split('\n').pop()).toBe('unit-shell: 1 passed, 1 failed');
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'unit-shell.json'), 'utf8'));
    expect(report.steps).toEqual([{ name: 'a "quoted" name', ok: true, detail: '1 s' }, { name: 'second', ok: false, detail: 'exit 3' }]);
  }, 60_000);

  test('total sums junit.xml and the suite reports; an expected suite without a report counts 1 failed', () => {
    fs.writeFileSync(path.join(dir, 'junit.xml'), '<?xml version="1.0"?>\n<testsuites name="jest tests" tests="10" failures="1" errors="1" time="3">\n</testsuites>\n');
    // Not a suite report: ignored.
    fs.writeFileSync(path.join(dir, 'figures.json'), JSON.stringify({ rows: [1, 2] }));
    const lines: string[] = [];
    const status = cli.total(['--expect', 'unit:demo,unit:missing'], (s) => lines.push(s));
    expect(status).toBe(1);
    // jest 8 + 2; unit:bounds 1 + 0; unit:demo 1 + 1; unit-shell 1 + 1; unit:missing 0 + 1.
    expect(lines[lines.length - 1]).toBe('11 passed, 5 failed');
    expect(lines).toContain('unit:missing: no report in test-reports/ (it did not run to its end): counted 1 failed');
  });
});
