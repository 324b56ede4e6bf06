import { errorOf, newProject, parseSnippet, synth } from './util';
import { Duration, FastApiBackend, StaticFrontend, ServiceOutputs } from '../src';

describe('readiness timing of its own', () => {
  test('defaults: period 5 s, timeout 3 s, failureThreshold 3, successThreshold 1 (out within 15 s); the report shows it', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    new StaticFrontend(project, 'frontend');
    new ServiceOutputs(project, 'outputs');
    const files = synth(project);
    for (const n of ['backend', 'frontend']) {
      const c = parseSnippet(files[`k8s/${n}.yaml`]).containers[0];
      const r = c.readinessProbe;
      expect([r.periodSeconds, r.timeoutSeconds, r.failureThreshold, r.successThreshold, r.initialDelaySeconds]).toEqual([5, 3, 3, 1, 0]);
      expect(r.periodSeconds * r.failureThreshold).toBeLessThanOrEqual(30);
      // Liveness keeps the Docker interval.
      expect([c.livenessProbe.periodSeconds, c.livenessProbe.failureThreshold]).toEqual([30, 3]);
    }
    const report = files['docs/health-alignment.md'];
    expect(report).toContain('readinessProbe `periodSeconds: 5`, `timeoutSeconds: 3`, `failureThreshold: 3`, `successThreshold: 1` (`readinessTiming`)');
    expect(report).toContain('out of the Service endpoints within 15 s (3 x 5 s; 18 s when checks time out); not restarted');
  });

  test('readinessTiming sets every field', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend', { readinessTiming: { period: Duration.seconds(2), timeout: Duration.seconds(1), failureThreshold: 5, successThreshold: 2 } });
    const r = parseSnippet(synth(project)['k8s/backend.yaml']).containers[0].readinessProbe;
    expect([r.periodSeconds, r.timeoutSeconds, r.failureThreshold, r.successThreshold]).toEqual([2, 1, 5, 2]);
  });

  test('errors: timeout over period, sub-second, both success thresholds', () => {
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { readinessTiming: { period: Duration.seconds(2), timeout: Duration.seconds(3) } }))).toBe(
      'backend.readinessTiming.timeout: must be at most the period (2s); received "3s"',
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { readinessTiming: { period: Duration.millis(500) } }))).toBe(
      'backend.readinessTiming.period: must be a whole number of seconds (Kubernetes probes take whole seconds); received "500ms"',
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { readinessTiming: { failureThreshold: 0 } }))).toMatch(/^backend.readinessTiming.failureThreshold: must be an integer from 1 to 1000/);
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { readinessSuccessThreshold: 2, readinessTiming: { successThreshold: 3 } }))).toBe(
      'backend.readinessTiming.successThreshold: must be unset when backend.readinessSuccessThreshold is set (one value for readinessProbe.successThreshold); received 3',
    );
  });
});
