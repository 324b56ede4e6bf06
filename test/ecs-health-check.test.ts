import * as fs from 'fs';
import * as path from 'path';
import { Duration, EcsHealthCheck, FastApiBackend, GoService, HealthCheck, StaticFrontend } from '../src';
import { errorOf, newProject, only, parseDockerfile, stage, synth } from './util';

/** The ECS healthCheck field rules (AWS ECS API reference, HealthCheck): the fragment must satisfy them. */
function ecsFieldErrors(hc: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const allowed = ['command', 'interval', 'timeout', 'retries', 'startPeriod'];
  for (const k of Object.keys(hc)) if (!allowed.includes(k)) errors.push(`unknown field ${k}`);
  const command = hc.command;
  if (!Array.isArray(command) || command.length < 2 || !command.every((w) => typeof w === 'string')) errors.push('command: a string array');
  else if (command[0] !== 'CMD' && command[0] !== 'CMD-SHELL') errors.push('command[0]: CMD or CMD-SHELL');
  const range = (k: string, min: number, max: number) => {
    const v = hc[k];
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) errors.push(`${k}: an integer ${min}-${max}`);
  };
  range('interval', 5, 300);
  range('timeout', 2, 120);
  range('retries', 1, 10);
  range('startPeriod', 0, 300);
  return errors;
}

describe('EcsHealthCheck', () => {
  test('writes ecs/<name>.health-check.json: the HEALTHCHECK command after CMD and the timing in seconds', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend', {
      timing: { interval: Duration.seconds(20), timeout: Duration.seconds(4), startPeriod: Duration.seconds(40), retries: 5 },
    });
    const ecs = new EcsHealthCheck(project, 'ecs', { service: backend });
    const files = synth(project);
    const text = files['ecs/backend.health-check.json'];
    const json = JSON.parse(text);
    expect(json['//']).toMatch(/projen/);
    const hc = json.healthCheck;
    expect(ecsFieldErrors(hc)).toEqual([]);
    expect(hc.interval).toBe(20);
    expect(hc.timeout).toBe(4);
    expect(hc.retries).toBe(5);
    expect(hc.startPeriod).toBe(40);
    // The same command as the Dockerfile's HEALTHCHECK: the same tool, present in the image.
    const hcInstr = only(stage(parseDockerfile(files['backend/Dockerfile']), 'production'), 'HEALTHCHECK');
    expect(hc.command).toEqual(['CMD', ...hcInstr.json!]);
    expect(hc.command).toEqual(['CMD', '/bin/sh', '-c', 'wget -q -O /dev/null -T 4 http://127.0.0.1:8000/api/v1/health || exit 1']);
    expect(ecs.props).toEqual(hc);
    expect(text.endsWith('}\n')).toBe(true);
  });

  test('EcsHealthCheck.of gives the typed props (what aws-cdk ecs.HealthCheck takes, times in seconds) as a copy', () => {
    const project = newProject();
    const frontend = new StaticFrontend(project, 'frontend');
    const props = EcsHealthCheck.of(frontend);
    // The defaults of the frontend: 30 s interval, 10 s timeout, 3 retries, 5 s start period.
    expect(props).toEqual({
      command: ['CMD', '/bin/sh', '-c', 'wget -q -O /dev/null -T 10 http://127.0.0.1:8080/ || exit 1'],
      interval: 30,
      timeout: 10,
      retries: 3,
      startPeriod: 5,
    });
    props.command.push('changed');
    expect(EcsHealthCheck.of(frontend).command).not.toContain('changed');
  });

  test('an exec check and a distroless health program keep their argv', () => {
    const project = newProject();
    const go = new GoService(project, 'server');
    expect(EcsHealthCheck.of(go).command).toEqual(['CMD', '/app/healthcheck', 'http://127.0.0.1:8080/healthz', '10']);
    const exec = new FastApiBackend(project, 'worker', { healthCheck: HealthCheck.exec(['/app/check', '--quick']) });
    expect(EcsHealthCheck.of(exec).command).toEqual(['CMD', '/app/check', '--quick']);
  });

  test.each([
    ['interval below 5 s', { interval: Duration.seconds(4), timeout: Duration.seconds(2) }, 'backend.timing.interval: must be 5-300 seconds for an ECS health check (ECS\'s limit of healthCheck.interval); received 4'],
    ['interval above 300 s', { interval: Duration.seconds(301) }, 'backend.timing.interval: must be 5-300 seconds for an ECS health check (ECS\'s limit of healthCheck.interval); received 301'],
    ['timeout below 2 s', { timeout: Duration.seconds(1) }, 'backend.timing.timeout: must be 2-120 seconds for an ECS health check (ECS\'s limit of healthCheck.timeout); received 1'],
    ['timeout above 120 s', { interval: Duration.seconds(200), timeout: Duration.seconds(121) }, 'backend.timing.timeout: must be 2-120 seconds for an ECS health check (ECS\'s limit of healthCheck.timeout); received 121'],
    ['retries above 10', { retries: 11 }, 'backend.timing.retries: must be 1-10 for an ECS health check (ECS\'s limit of healthCheck.retries); received 11'],
    ['start period above 300 s', { startPeriod: Duration.seconds(301) }, 'backend.timing.startPeriod: must be 0-300 seconds for an ECS health check (ECS\'s limit of healthCheck.startPeriod); received 301'],
  ])('%s: a clear error naming the field, and nothing written', (_name, timing, message) => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend', { timing });
    expect(errorOf(() => new EcsHealthCheck(project, 'ecs', { service: backend }))).toBe(message);
    expect(errorOf(() => EcsHealthCheck.of(backend))).toBe(message);
    project.synth();
    expect(fs.existsSync(path.join(project.outdir, 'ecs'))).toBe(false);
  });

  test('the limits themselves are accepted (5/2/1/0 and 300/120/10/300)', () => {
    const project = newProject();
    const low = new FastApiBackend(project, 'low', { name: 'low', timing: { interval: Duration.seconds(5), timeout: Duration.seconds(2), retries: 1, startPeriod: Duration.seconds(1), startInterval: Duration.seconds(1) } });
    const high = new FastApiBackend(project, 'high', { name: 'high', timing: { interval: Duration.seconds(300), timeout: Duration.seconds(120), retries: 10, startPeriod: Duration.seconds(300) } });
    expect(ecsFieldErrors({ ...EcsHealthCheck.of(low) })).toEqual([]);
    expect(EcsHealthCheck.of(high)).toMatchObject({ interval: 300, timeout: 120, retries: 10, startPeriod: 300 });
  });

  test('filePath: .json only, and not a path another file of the library uses', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    expect(errorOf(() => new EcsHealthCheck(project, 'e1', { service: backend, filePath: 'ecs/backend.yaml' }))).toBe('e1.filePath: must be a path ending in .json; received "ecs/backend.yaml"');
    expect(errorOf(() => new EcsHealthCheck(project, 'e2', { service: backend, filePath: 'k8s/backend.yaml' }))).toBe('e2.filePath: must be a path ending in .json; received "k8s/backend.yaml"');
    new EcsHealthCheck(project, 'e3', { service: backend, filePath: 'deploy/backend-health.json' });
    expect(errorOf(() => new EcsHealthCheck(project, 'e4', { service: backend, filePath: 'deploy/backend-health.json' }))).toBe('e4.filePath: must be a path no other file of the project uses; received "deploy/backend-health.json"');
    expect(errorOf(() => new EcsHealthCheck(project, 'e5', { service: {} as FastApiBackend }))).toBe('e5.service: must be a ContainerService (e.g. a FastApiBackend or StaticFrontend); received "object"');
  });
});
