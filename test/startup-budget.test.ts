// The one startup-budget formula: exact budgets and failureThresholds, and the checker's PC008 on its boundary.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { Duration, FastApiBackend, KubernetesProbes, ServiceOutputs, StartPeriodMapping } from '../src';
import { check } from '../src/check/_check';
import { startupBudgetSeconds, startupBudgetText, startupFailureThreshold } from '../src/health/_startup-budget';
import { healthTimeline } from '../src/outputs/_timeline';

describe('startupBudgetSeconds: initialDelaySeconds + periodSeconds x (failureThreshold - 1)', () => {
  test.each([
    // [initialDelaySeconds, periodSeconds, failureThreshold, budget]
    [0, 3, 8, 21], // the model: start period 20 s, start interval 3 s
    [0, 3, 7, 18], // its old failureThreshold (ceil(20 / 3)): 2 s short of the start period
    [0, 2, 6, 10], // the backend preset: 10 s, 2 s
    [0, 2, 5, 8], // the kubelet measurement: restarted 8.0 s after the first failed probe
    [0, 1, 6, 5], // the frontend preset: 5 s, 1 s
    [0, 10, 1, 0], // one failure restarts at the first probe
    [10, 30, 3, 70], // INITIAL_DELAY: the livenessProbe with initialDelaySeconds 10
    [0, 10, 3, 20], // Kubernetes' defaults
  ])('initialDelaySeconds %i, periodSeconds %i, failureThreshold %i: %i s', (initialDelaySeconds, periodSeconds, failureThreshold, budget) => {
    expect(startupBudgetSeconds({ initialDelaySeconds, periodSeconds, failureThreshold })).toBe(budget);
  });

  test('the text names every term and the sum', () => {
    expect(startupBudgetText({ initialDelaySeconds: 0, periodSeconds: 3, failureThreshold: 8 }))
      .toBe('initialDelaySeconds 0 + periodSeconds 3 x (failureThreshold 8 - 1) = 21s');
  });
});

describe('startupFailureThreshold: the smallest failureThreshold whose budget covers the start period', () => {
  test.each([
    // [startPeriod, periodSeconds, failureThreshold]
    [20, 3, 8],
    [10, 2, 6],
    [5, 1, 6],
    [1, 1, 2],
    [3, 5, 2], // the interval longer than the start period: two checks, at 0 s and 5 s
    [5, 5, 2],
    [6, 5, 3],
    [3600, 600, 7],
    [86400, 1, 86401],
  ])('start period %i s, periodSeconds %i: %i', (startPeriod, periodSeconds, failureThreshold) => {
    expect(startupFailureThreshold(startPeriod, periodSeconds)).toBe(failureThreshold);
  });

  test('for every start period and interval up to 120 s, the budget covers the start period and one failure less does not', () => {
    for (let startPeriod = 1; startPeriod <= 120; startPeriod++) {
      for (let periodSeconds = 1; periodSeconds <= 120; periodSeconds++) {
        const failureThreshold = startupFailureThreshold(startPeriod, periodSeconds);
        const budget = startupBudgetSeconds({ initialDelaySeconds: 0, periodSeconds, failureThreshold });
        const less = startupBudgetSeconds({ initialDelaySeconds: 0, periodSeconds, failureThreshold: failureThreshold - 1 });
        if (budget < startPeriod || (failureThreshold > 1 && less >= startPeriod)) {
          throw new Error(`start period ${startPeriod}, period ${periodSeconds}: failureThreshold ${failureThreshold}, budget ${budget}, one less ${less}`);
        }
      }
    }
  });

  test('an initialDelaySeconds counts toward the budget', () => {
    expect(startupFailureThreshold(20, 3, 5)).toBe(6);
    expect(startupFailureThreshold(20, 3, 20)).toBe(1);
    expect(startupFailureThreshold(20, 3, 30)).toBe(1);
  });

  test('a period that is not a positive whole number is an error', () => {
    expect(() => startupFailureThreshold(20, 0)).toThrow('periodSeconds: must be a whole number of seconds, at least 1; received 0');
    expect(() => startupFailureThreshold(20, 1.5)).toThrow('periodSeconds: must be a whole number of seconds, at least 1; received 1.5');
  });
});

describe('the generator, the report and the checker agree (issue 27: start period 20 s, start interval 3 s, timeout 1 s)', () => {
  const options = (mapping: StartPeriodMapping) => ({
    timing: {
      interval: Duration.seconds(30),
      timeout: Duration.seconds(1),
      startPeriod: Duration.seconds(20),
      startInterval: Duration.seconds(3),
      retries: 3,
    },
    startPeriodMapping: mapping,
  });
  const backend = (mapping: StartPeriodMapping) => new FastApiBackend(new Project({ name: 'p', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'budget-')) }), 'backend', options(mapping));

  test('startupProbe: failureThreshold 8 of 3 s, a 21 s budget in the report', () => {
    const b = backend(StartPeriodMapping.STARTUP_PROBE);
    expect(KubernetesProbes.of(b).startupProbe).toMatchObject({ initialDelaySeconds: 0, periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 8 });
    const tl = healthTimeline(b._model);
    expect([tl.kubeStartupBudget, tl.kubeStartupBudgetText]).toEqual([21, 'startupProbe: initialDelaySeconds 0 + periodSeconds 3 x (failureThreshold 8 - 1) = 21s']);
  });

  test('INITIAL_DELAY: the livenessProbe\'s budget, 20 s + 30 s x 2', () => {
    const tl = healthTimeline(backend(StartPeriodMapping.INITIAL_DELAY)._model);
    expect([tl.kubeStartupBudget, tl.kubeStartupBudgetText]).toEqual([80, 'livenessProbe: initialDelaySeconds 20 + periodSeconds 30 x (failureThreshold 3 - 1) = 80s']);
  });
});

describe('PC008 on its boundary: a budget equal to the start period passes, one second less is a warning', () => {
  /** Writes a Dockerfile with --start-period=<startPeriod>s and a pod whose startupProbe has the given timing; PC008 findings. */
  type Startup = { initialDelaySeconds: number; periodSeconds: number; failureThreshold: number; timeoutSeconds: number };
  function pc008(startPeriod: number, startup: Startup | undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc008-'));
    fs.mkdirSync(path.join(dir, 'web'));
    fs.writeFileSync(path.join(dir, 'web', 'Dockerfile'), [
      'FROM python:3.12-slim AS production',
      'USER 1000:1000',
      'EXPOSE 8000',
      `HEALTHCHECK --interval=30s --timeout=10s --start-period=${startPeriod}s --retries=3 CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=10)"]`,
      'CMD ["python3", "-m", "http.server", "8000"]',
      '',
    ].join('\n'));
    const probe = (extra: string[]) => ['        httpGet: { path: /healthz, port: http }', ...extra.map((l) => `        ${l}`)];
    fs.writeFileSync(path.join(dir, 'web.yaml'), [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: { name: web }',
      'spec:',
      '  containers:',
      '    - name: web',
      '      image: web:1',
      '      ports: [{ name: http, containerPort: 8000 }]',
      ...(startup ? ['      startupProbe:', ...probe(Object.entries(startup).map(([k, v]) => `${k}: ${v}`))] : []),
      '      livenessProbe:',
      ...probe(['periodSeconds: 30', 'timeoutSeconds: 10', 'failureThreshold: 3']),
      '      readinessProbe:',
      ...probe([]),
      '      securityContext: { runAsUser: 1000, runAsNonRoot: true }',
      '',
    ].join('\n'));
    return check({ paths: ['.'], cwd: dir, pairs: [{ container: 'web', dockerfile: path.join(dir, 'web', 'Dockerfile') }] })
      .findings.filter((f) => f.rule === 'PC008').map((f) => [f.severity, f.file, f.line, f.message]);
  }

  test('startupProbe 0 + 3 x (8 - 1) = 21 s against a 21 s start period: nothing', () => {
    expect(pc008(21, { initialDelaySeconds: 0, periodSeconds: 3, failureThreshold: 8, timeoutSeconds: 3 })).toEqual([]);
  });

  test('startupProbe 0 + 3 x (7 - 1) = 18 s against 20 s: a warning, whatever timeoutSeconds (a refused connection fails at once)', () => {
    expect(pc008(20, { initialDelaySeconds: 0, periodSeconds: 3, failureThreshold: 7, timeoutSeconds: 3 })).toEqual([
      ['warning', 'web.yaml', 9, 'startupProbe allows 18s (initialDelaySeconds 0 + periodSeconds 3 x (failureThreshold 7 - 1) = 18s), shorter than the HEALTHCHECK --start-period=20s (web/Dockerfile:4): a start as slow as the image allows gets the container restarted'],
    ]);
  });

  test('startupProbe 2 + 3 x (7 - 1) = 20 s against 20 s: nothing; 21 s: a warning', () => {
    const probe = { initialDelaySeconds: 2, periodSeconds: 3, failureThreshold: 7, timeoutSeconds: 1 };
    expect(pc008(20, probe)).toEqual([]);
    expect(pc008(21, probe).map((f) => f[3])).toEqual([
      'startupProbe allows 20s (initialDelaySeconds 2 + periodSeconds 3 x (failureThreshold 7 - 1) = 20s), shorter than the HEALTHCHECK --start-period=21s (web/Dockerfile:4): a start as slow as the image allows gets the container restarted',
    ]);
  });

  test('no startupProbe: the livenessProbe\'s 0 + 30 x (3 - 1) = 60 s against 60 s: nothing; 61 s: a warning', () => {
    expect(pc008(60, undefined)).toEqual([]);
    expect(pc008(61, undefined).map((f) => f[3])).toEqual([
      'with no startupProbe, livenessProbe allows 60s (initialDelaySeconds 0 + periodSeconds 30 x (failureThreshold 3 - 1) = 60s), shorter than the HEALTHCHECK --start-period=61s (web/Dockerfile:4): a start as slow as the image allows gets the container restarted',
    ]);
  });
});

describe('one number in three places: the generated startupProbe, the report and the checker (with and without startInterval)', () => {
  /** Synthesizes a backend (and the report) into a temp folder; the startup budget as each of the three sees it. */
  function threeBudgets(timing: Record<string, unknown>, mapping: StartPeriodMapping) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'budget-three-'));
    try {
      const project = new Project({ name: 'p', outdir });
      const backend = new FastApiBackend(project, 'backend', { timing, startPeriodMapping: mapping });
      new ServiceOutputs(project, 'outputs', { services: [backend] });
      project.synth();
      // 1. The generator: the probe the kubelet runs (the startupProbe, else the livenessProbe).
      const probes = KubernetesProbes.of(backend);
      const probe = (probes.startupProbe ?? probes.livenessProbe) as { initialDelaySeconds: number; periodSeconds: number; failureThreshold: number };
      const generated = startupBudgetSeconds(probe);
      // 2. The report: "restarted no earlier than N s".
      const report = fs.readFileSync(path.join(outdir, 'docs', 'health-alignment.md'), 'utf8');
      const reported = Number(/restarted no earlier than (\d+) s/.exec(report)![1]);
      // 3. The checker: nothing on the files as written; with the image's start period one second past the budget,
      // PC008 names the budget it computed.
      const quiet = check({ paths: ['.'], cwd: outdir }).findings.filter((f) => f.rule === 'PC008');
      const dockerfile = path.join(outdir, 'backend', 'Dockerfile');
      fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace(/--start-period=\S+/, `--start-period=${generated + 1}s`));
      const pc008 = check({ paths: ['.'], cwd: outdir }).findings.filter((f) => f.rule === 'PC008').map((f) => f.message);
      // One PC008, on the snippet (the kustomize patch's containers have no image: a partial object, skipped).
      const checked = [...new Set(pc008.map((m) => Number(/allows (\d+)s/.exec(m)?.[1])))];
      const startPeriod = Number(/start_period: (\d+)s/.exec(fs.readFileSync(path.join(outdir, 'compose.yaml'), 'utf8'))![1]);
      return { generated, reported, checked, quiet, pc008: pc008.length, startPeriod };
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  const s = Duration.seconds;
  test.each([
    ['the issue\'s model: start period 20 s, startInterval 3 s', { startPeriod: s(20), startInterval: s(3), timeout: s(1) }, StartPeriodMapping.STARTUP_PROBE],
    ['no startInterval (the preset\'s 2 s), no start period (the preset\'s 10 s)', {}, StartPeriodMapping.STARTUP_PROBE],
    ['no startInterval, start period 45 s', { startPeriod: s(45) }, StartPeriodMapping.STARTUP_PROBE],
    ['startInterval 7 s, start period 60 s', { startPeriod: s(60), startInterval: s(7), interval: s(10) }, StartPeriodMapping.STARTUP_PROBE],
    ['startInterval equal to the interval, 1 s', { startPeriod: s(5), startInterval: s(1), interval: s(1), timeout: s(1) }, StartPeriodMapping.STARTUP_PROBE],
    ['INITIAL_DELAY, startInterval 3 s (unused)', { startPeriod: s(20), startInterval: s(3) }, StartPeriodMapping.INITIAL_DELAY],
    ['INITIAL_DELAY, no startInterval', { startPeriod: s(30) }, StartPeriodMapping.INITIAL_DELAY],
  ])('%s', (_name, timing, mapping) => {
    const r = threeBudgets(timing, mapping);
    expect(r.reported).toBe(r.generated);
    expect(r.checked).toEqual([r.generated]);
    expect(r.quiet).toEqual([]);
    expect(r.pc008).toBe(1);
    expect(r.generated).toBeGreaterThanOrEqual(r.startPeriod);
  });
});
