// baseImageCommand: a container whose Dockerfile writes no ENTRYPOINT and no CMD, so the base image's command runs
// (nginx, postgres, prom/prometheus with a configuration copied in); and an ENTRYPOINT given without a CMD.
import * as YAML from 'yaml';
import {
  AlignmentReport, BaseImage, ComposeFile, ContainerService, ContainerServiceProps, DockerfileStage, EcsHealthCheck, HealthCheck, HelmValues,
  Instruction,
} from '../src';
import { lintDockerfile } from './lint';
import { composeErrors } from './outputs-util';
import { dockerfileErrors, errorOf, listFiles, newProject, parseDockerfile, parseSnippet, synth } from './util';
import { check } from '../src/check/_check';

function props(extra: Partial<ContainerServiceProps> = {}): ContainerServiceProps {
  return {
    baseImage: BaseImage.fromReference('nginx:1.27-alpine'),
    baseImageCommand: true,
    instructions: [Instruction.copy('The server configuration; the base image\'s nginx reads it.', ['nginx.conf'], '/etc/nginx/nginx.conf')],
    port: 8080,
    healthCheck: HealthCheck.httpGet({ path: '/healthz' }),
    readinessCheck: HealthCheck.httpGet({ path: '/' }),
    ...extra,
  };
}

describe('baseImageCommand', () => {
  test('the Dockerfile writes no ENTRYPOINT and no CMD, and its final stage says whose command runs', () => {
    const project = newProject();
    new ContainerService(project, 'proxy', props());
    const dockerfile = synth(project)['proxy/Dockerfile'];
    const final = parseDockerfile(dockerfile).find((s) => s.name === 'production')!;
    expect(final.instructions.map((i) => i.keyword)).not.toContain('CMD');
    expect(final.instructions.map((i) => i.keyword)).not.toContain('ENTRYPOINT');
    expect(dockerfile).not.toMatch(/^(CMD|ENTRYPOINT) /m);
    const lines = dockerfile.split('\n');
    const from = lines.indexOf('FROM nginx:1.27-alpine AS production');
    expect(lines[from - 1]).toBe('# Final stage (production): the image that runs, as the numeric non-root user 1000:1000 on port 8080. No ENTRYPOINT or CMD is written (baseImageCommand): the container runs the ones it inherits from the base image nginx:1.27-alpine.');
    // The last instruction is the HEALTHCHECK (no STOPSIGNAL given, no command).
    expect(final.instructions[final.instructions.length - 1].keyword).toBe('HEALTHCHECK');
    expect(dockerfileErrors(dockerfile)).toEqual([]);
    expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  test('a stopSignal is still written; from a build stage, the comment names the stage the command comes through', () => {
    const project = newProject();
    const base = BaseImage.fromReference('nginx:1.27-alpine');
    new ContainerService(project, 'proxy', props({
      baseImage: base,
      stopSignal: 'SIGQUIT',
      buildStages: [new DockerfileStage({ name: 'conf', from: base.reference, family: base.family, comment: 'The configured server.' })
        .add(Instruction.copy('The configuration.', ['nginx.conf'], '/etc/nginx/nginx.conf'))],
      from: 'conf',
      instructions: [],
    }));
    const dockerfile = synth(project)['proxy/Dockerfile'];
    expect(dockerfile).toContain('No ENTRYPOINT or CMD is written (baseImageCommand): the container runs the ones it inherits from the stage conf (from the base image nginx:1.27-alpine, unless that stage sets its own).');
    expect(dockerfile).toMatch(/^FROM conf AS production$/m);
    expect(dockerfile.trimEnd().split('\n').pop()).toBe('STOPSIGNAL SIGQUIT');
    expect(dockerfile).not.toMatch(/^(CMD|ENTRYPOINT) /m);
  });

  test('Compose, the Kubernetes snippet, ECS, Helm and the report write no command: the image\'s runs everywhere', () => {
    const project = newProject();
    const proxy = new ContainerService(project, 'proxy', props());
    new ComposeFile(project, 'compose', { services: [proxy] });
    new EcsHealthCheck(project, 'ecs', { service: proxy });
    new HelmValues(project, 'helm', { service: proxy });
    new AlignmentReport(project, 'report', { services: [proxy] });
    const files = synth(project);
    const compose = YAML.parse(files['compose.yaml']);
    expect(composeErrors(compose)).toEqual([]);
    expect(Object.keys(compose.services.proxy)).not.toContain('command');
    expect(Object.keys(compose.services.proxy)).not.toContain('entrypoint');
    expect(compose.services.proxy.build.target).toBe('production');
    const snippet = parseSnippet(files['k8s/proxy.yaml']);
    expect(Object.keys(snippet.containers[0])).not.toContain('command');
    expect(Object.keys(snippet.containers[0])).not.toContain('args');
    // ECS: the health check's command is the HEALTHCHECK's (the image's own command is not ECS's to set here).
    const ecs = JSON.parse(files['ecs/proxy.health-check.json']).healthCheck;
    expect(ecs.command).toEqual(['CMD', '/bin/sh', '-c', 'wget -q -O /dev/null -T 10 http://127.0.0.1:8080/healthz || exit 1']);
    const helm = YAML.parse(files[Object.keys(files).find((f) => /values/.test(f))!]);
    expect(JSON.stringify(helm)).not.toMatch(/"(command|args)"/);
  });

  test('each of command, entrypoint and commandComment with it is an error naming the fix; nothing is written', () => {
    for (const [field, value] of [['command', ['nginx', '-g', 'daemon off;']], ['entrypoint', ['/docker-entrypoint.sh']], ['commandComment', 'nginx']] as const) {
      const project = newProject();
      expect(errorOf(() => new ContainerService(project, 'proxy', props({ [field]: value }))))
        .toBe(`proxy.${field}: must be unset with baseImageCommand: true (no ENTRYPOINT or CMD is written: the base image's run); remove ${field} to run the base image's command, or remove baseImageCommand to run your own; received ${JSON.stringify(value)}`);
      project.synth();
      expect(listFiles(project.outdir).filter((f) => !f.startsWith('.projen') && !f.startsWith('.git'))).toEqual([]);
    }
  });

  test('without command, entrypoint or baseImageCommand: the error says to set baseImageCommand to run the base image\'s', () => {
    const project = newProject();
    expect(errorOf(() => new ContainerService(project, 'proxy', props({ baseImageCommand: undefined }))))
      .toBe('proxy.command: must be a non-empty argv array (the CMD the container runs); to run the base image\'s own ENTRYPOINT and CMD instead, set baseImageCommand: true; received undefined');
    expect(errorOf(() => new ContainerService(newProject(), 'proxy', props({ baseImageCommand: 'yes' as any }))))
      .toBe('proxy.baseImageCommand: must be a boolean; received "yes"');
  });

  test('the checker reads the generated files back: no CMD is not a finding (nginx\'s own writes are, unless mounted)', () => {
    const project = newProject();
    new ContainerService(project, 'proxy', props({ writablePaths: ['/tmp', '/var/cache/nginx', '/var/run'] }));
    synth(project);
    const result = check({ paths: ['.'], cwd: project.outdir });
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const pair = result.pairs.find((p) => p.image !== undefined)!;
    expect(pair.image!.cmd).toBeUndefined();
    expect(pair.image!.entrypoint).toBeUndefined();
  });
});

describe('an ENTRYPOINT without a command', () => {
  test('ENTRYPOINT alone (no CMD: Docker drops the base image\'s when ENTRYPOINT is set), its comment says so', () => {
    const project = newProject();
    new ContainerService(project, 'db', {
      baseImage: BaseImage.debian('debian:12-slim'),
      entrypoint: ['/usr/local/bin/server', '--listen=:8080'],
      healthCheck: HealthCheck.httpGet({ path: '/healthz' }),
      readinessCheck: HealthCheck.httpGet({ path: '/ready' }),
    });
    const dockerfile = synth(project)['db/Dockerfile'];
    const lines = dockerfile.trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual([
      '# The program the container runs, with no arguments (no CMD: ENTRYPOINT drops the one the base image has).',
      'ENTRYPOINT ["/usr/local/bin/server", "--listen=:8080"]',
    ]);
    expect(dockerfile).not.toMatch(/^CMD /m);
    expect(errorOf(() => new ContainerService(newProject(), 'db', {
      baseImage: BaseImage.debian('debian:12-slim'), entrypoint: ['/usr/local/bin/server'], commandComment: 'x',
    }))).toBe('db.commandComment: must be unset when no CMD is written (command is unset: the ENTRYPOINT runs alone); received "x"');
  });
});
