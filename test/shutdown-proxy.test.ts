import * as YAML from 'yaml';
import { Duration, FastApiBackend, ServiceOutputs } from '../src';
import { errorOf, newProject, only, parseDockerfile, parseSnippet, stage, synth } from './util';

describe('FastAPI behind a proxy', () => {
  test('forwardedAllowIps: --proxy-headers --forwarded-allow-ips in the CMD', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend', { forwardedAllowIps: ['10.0.0.0/8', '192.168.1.10', 'fd00::/8'] });
    const cmd = only(stage(parseDockerfile(synth(project)['backend/Dockerfile']), 'production'), 'CMD').json;
    expect(cmd).toEqual(['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000', '--proxy-headers', '--forwarded-allow-ips', '10.0.0.0/8,192.168.1.10,fd00::/8', '--workers', '4']);
  });

  test('"*" only when said, alone, with a warning; bad entries refused', () => {
    const project = newProject();
    const warn = jest.spyOn(project.logger, 'warn');
    new FastApiBackend(project, 'backend', { forwardedAllowIps: ['*'] });
    const cmd = only(stage(parseDockerfile(synth(project)['backend/Dockerfile']), 'production'), 'CMD').json!;
    expect(cmd.slice(6, 9)).toEqual(['--proxy-headers', '--forwarded-allow-ips', '*']);
    expect(warn.mock.calls.map((c) => c.join(' '))).toContain('backend.forwardedAllowIps: "*" trusts X-Forwarded-* headers from every peer; any client that reaches uvicorn directly can forge its address and scheme. List the proxy\'s addresses instead');
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { forwardedAllowIps: ['10.0.0.1', '*'] }))).toBe('backend.forwardedAllowIps[1]: must be "*" alone (it already trusts every peer); received "*"');
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { forwardedAllowIps: ['proxy; rm -rf /'] }))).toBe('backend.forwardedAllowIps[0]: must be an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8), or "*" alone; received "proxy; rm -rf /"');
    // Not behind a proxy by default: no flag.
    const p2 = newProject();
    new FastApiBackend(p2, 'backend');
    expect(only(stage(parseDockerfile(synth(p2)['backend/Dockerfile']), 'production'), 'CMD').json).not.toContain('--proxy-headers');
  });
});

describe('graceful shutdown from one field', () => {
  test('uvicorn --timeout-graceful-shutdown, the pod terminationGracePeriodSeconds, Compose stop_grace_period and the kustomize patch', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend', { shutdownGracePeriod: Duration.seconds(25) });
    new ServiceOutputs(project, 'outputs');
    const files = synth(project);
    const cmd = only(stage(parseDockerfile(files['backend/Dockerfile']), 'production'), 'CMD').json!;
    expect(cmd.slice(cmd.indexOf('--timeout-graceful-shutdown'), cmd.indexOf('--timeout-graceful-shutdown') + 2)).toEqual(['--timeout-graceful-shutdown', '25']);
    expect(parseSnippet(files['k8s/backend.yaml']).terminationGracePeriodSeconds).toBe(30);
    expect(YAML.parse(files['compose.yaml']).services.backend.stop_grace_period).toBe('30s');
    // The patch merges over the user's pod: 30 s is Kubernetes' default, so it writes nothing (issue 25: never lowers a pod's own value needlessly).
    expect(YAML.parseAllDocuments(files['k8s/patches/backend.yaml'])[1].toJS().spec.template.spec.terminationGracePeriodSeconds).toBeUndefined();
  });

  test('a probe grace period shorter than the shutdown is a warning; unset writes nothing', () => {
    const project = newProject();
    const warn = jest.spyOn(project.logger, 'warn');
    new FastApiBackend(project, 'backend', { shutdownGracePeriod: Duration.seconds(20), probeTerminationGracePeriod: Duration.seconds(1) });
    synth(project);
    expect(warn.mock.calls.map((c) => c.join(' '))).toContain('backend.probeTerminationGracePeriod: 1s is shorter than the 20s shutdownGracePeriod; a container restarted by a failed probe is killed before it finishes its requests');
    const p2 = newProject();
    new FastApiBackend(p2, 'backend');
    const files = synth(p2);
    expect(parseSnippet(files['k8s/backend.yaml']).terminationGracePeriodSeconds).toBeUndefined();
    expect(only(stage(parseDockerfile(files['backend/Dockerfile']), 'production'), 'CMD').json).not.toContain('--timeout-graceful-shutdown');
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { shutdownGracePeriod: Duration.millis(1500) }))).toBe('backend.shutdownGracePeriod: must be a whole number of seconds (Kubernetes probes take whole seconds); received "1500ms"');
  });
});
