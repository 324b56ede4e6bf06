import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AlignmentReport, Duration, FastApiBackend, StartPeriodMapping, StaticFrontend } from '../src';
import { newProject, synth } from './util';

/** One bar of a parsed gantt chart, times in seconds. */
interface Bar {
  section: string;
  task: string;
  start: number;
  end: number;
  milestone: boolean;
}

/**
 * Each mermaid chart of `markdown`, parsed by the mermaid package (an ES module needing a DOM: run in
 * its own node process with jsdom, test/report/mermaid-gantt.mjs). Throws mermaid's message on a parse error.
 */
function charts(markdown: string): { type: string; title: string; bars: Bar[] }[] {
  const script = path.join(__dirname, 'report', 'mermaid-gantt.mjs');
  // stderr piped: a parse error is the thrown message (the negative test expects one), not noise in jest's output.
  return JSON.parse(execFileSync(process.execPath, [script], { input: markdown, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }));
}

/** The report of one FastApiBackend with `options`. */
function report(options: object = {}): string {
  const project = newProject();
  const b = new FastApiBackend(project, 'backend', options);
  new AlignmentReport(project, 'report', { services: [b] });
  return synth(project)['docs/health-alignment.md'];
}

/** start..end of each bar, keyed `<section>/<task>`. */
function spans(bars: Bar[]): Record<string, string> {
  return Object.fromEntries(bars.map((b) => [`${b.section}/${b.task}`, `${b.start}..${b.end}${b.milestone ? ' milestone' : ''}`]));
}

describe('the alignment report\'s mermaid timeline, parsed by mermaid', () => {
  test('defaults: Docker unhealthy at 90 s, Kubernetes restart at 10 s', () => {
    const [chart] = charts(report());
    expect(chart.type).toBe('gantt');
    expect(chart.title).toBe('backend: an app that never answers (seconds after the container starts)');
    expect(spans(chart.bars)).toEqual({
      'Docker/start period (failures ignored)': '0..10',
      'Docker/3 counted failures': '10..90',
      'Docker/unhealthy': '90..90 milestone',
      'Kubernetes/startupProbe budget': '0..10',
      'Kubernetes/restart': '10..10 milestone',
    });
  });

  test('other timing and the INITIAL_DELAY mapping move the bars', () => {
    const [chart] = charts(report({
      timing: { interval: Duration.seconds(20), timeout: Duration.seconds(5), startPeriod: Duration.seconds(45), retries: 5 },
      startPeriodMapping: StartPeriodMapping.INITIAL_DELAY,
    }));
    // Docker: checks at 20, 40 (in the start period), then 60..140 counted: unhealthy at 140 s.
    // Kubernetes: the first liveness probe at initialDelaySeconds 45, the 5th failure 4 x 20 s later: 125 s.
    expect(spans(chart.bars)).toEqual({
      'Docker/start period (failures ignored)': '0..45',
      'Docker/5 counted failures': '45..140',
      'Docker/unhealthy': '140..140 milestone',
      'Kubernetes/initialDelaySeconds then liveness failures': '0..125',
      'Kubernetes/restart': '125..125 milestone',
    });
  });

  test('every chart of the committed examples parses and ends where its table says', () => {
    const file = path.join(__dirname, '..', 'examples', 'fullstack', 'docs', 'health-alignment.md');
    const text = fs.readFileSync(file, 'utf8');
    const parsed = charts(text);
    expect(parsed.map((c) => c.title.split(':')[0])).toEqual(['backend', 'frontend']);
    for (const c of parsed) {
      const unhealthy = c.bars.find((b) => b.task === 'unhealthy')!;
      const section = text.slice(text.indexOf(`## ${c.title.split(':')[0]}`));
      expect(section).toContain(`unhealthy at ${unhealthy.start} s (start period`);
    }
  });

  test('a chart mermaid cannot parse fails the helper with mermaid\'s message', () => {
    expect(() => charts('```mermaid\ngantt\n  dateFormat X\n  section A\n  a line without a colon\n```\n')).toThrow(/does not parse: Parse error/);
  });

  test('a two-container report has one chart per container', () => {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend');
    const f = new StaticFrontend(project, 'frontend');
    new AlignmentReport(project, 'report', { services: [b, f] });
    const parsed = charts(synth(project)['docs/health-alignment.md']);
    expect(parsed.map((c) => spans(c.bars)['Kubernetes/restart'])).toEqual(['10..10 milestone', '5..5 milestone']);
  });
});
