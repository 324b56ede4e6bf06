import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { BaseImage, CheckTool, ContainerService, HealthCheck, ImageFamily, Instruction } from '../../src';
import { lintDockerfile, lintPodFragment } from '../lint';
import { dockerfileErrors, listFiles, newProject, only, parseDockerfile, parseSnippet, stage, validatePodFragment } from '../util';
import { RUNS, SEED } from './model';

/**
 * Random containers across base-image families, check kinds, tools and provided tools. Each either fails
 * with a house-style error naming a field of the container, writing nothing, or renders files where the
 * HEALTHCHECK runs a program the final stage has, without a shell where there is none, and the probes
 * match the model.
 */
const bases = [
  { make: () => BaseImage.debian('debian:12-slim'), family: ImageFamily.DEBIAN, has: [] as string[] },
  { make: () => BaseImage.debian('python:3.12-slim'), family: ImageFamily.DEBIAN, has: ['python3'] },
  { make: () => BaseImage.debian('node:22-bookworm-slim'), family: ImageFamily.DEBIAN, has: ['node'] },
  { make: () => BaseImage.alpine('alpine:3.20'), family: ImageFamily.ALPINE, has: ['wget'] },
  { make: () => BaseImage.distroless('gcr.io/distroless/static-debian12:nonroot'), family: ImageFamily.DISTROLESS, has: [] },
  { make: () => BaseImage.distroless('gcr.io/distroless/nodejs22-debian12:nonroot'), family: ImageFamily.DISTROLESS, has: ['/nodejs/bin/node'] },
  { make: () => BaseImage.nginxUnprivileged('nginxinc/nginx-unprivileged:1.27-alpine'), family: ImageFamily.ALPINE, has: ['wget'] },
  { make: () => BaseImage.nginxUnprivileged('nginxinc/nginx-unprivileged:1.27-bookworm'), family: ImageFamily.DEBIAN, has: [] },
];
const tools = Object.values(CheckTool);
const check = fc.constantFrom('http', 'tcp', 'grpc', 'exec');
const model = fc.record({
  base: fc.integer({ min: 0, max: bases.length - 1 }),
  kind: check,
  readiness: check,
  tool: fc.option(fc.constantFrom(...tools), { nil: undefined }),
  added: fc.subarray(tools),
  binary: fc.boolean(),
  port: fc.integer({ min: 1024, max: 65535 }),
  packages: fc.subarray(['ca-certificates', 'curl', 'tzdata']),
  user: fc.option(fc.record({ uid: fc.integer({ min: 1, max: 70000 }), gid: fc.integer({ min: 1, max: 70000 }) }), { nil: undefined }),
  pipe: fc.boolean(),
});
const make = (k: string) =>
  k === 'http' ? HealthCheck.httpGet({ path: '/healthz' }) : k === 'tcp' ? HealthCheck.tcpSocket() : k === 'grpc' ? HealthCheck.grpc() : HealthCheck.exec(['/app/check']);

test(`families: ${RUNS} random containers fail cleanly or render a check the image can run (seed ${SEED})`, () => {
  let rendered = 0;
  fc.assert(
    fc.property(model, (m) => {
      const b = bases[m.base];
      const project = newProject();
      let svc: ContainerService;
      try {
        svc = new ContainerService(project, 'svc', {
          baseImage: b.make(),
          port: m.port,
          healthCheck: make(m.kind),
          readinessCheck: make(m.readiness),
          checkTool: m.tool,
          addedTools: m.added,
          checkBinary: m.binary ? '/app/healthcheck' : undefined,
          systemPackages: m.packages,
          user: m.user,
          instructions: m.pipe ? [Instruction.run('A pipe.', ['echo a | tr a b > /tmp/x'])] : [],
          command: ['/app/run'],
        });
        project.synth();
      } catch (e) {
        const msg = (e as Error).message;
        if (!/^svc(\/Dockerfile\.stages\[production\])?\.[A-Za-z.[\]0-9]+: must be .+; received .+$/s.test(msg)) throw new Error(`not a house-style error: ${msg}`);
        const written = listFiles(project.outdir).filter((f) => !f.startsWith('.projen') && f !== '.gitattributes' && f !== '.gitignore');
        if (written.length > 0) throw new Error(`files written on error: ${written.join(', ')}`);
        return;
      }
      rendered++;
      const read = (f: string) => fs.readFileSync(path.join(project.outdir, f), 'utf8');
      const dockerfile = read('svc/Dockerfile');
      const k8s = parseSnippet(read('k8s/svc.yaml'));
      // curl beside wget is the user's explicit choice (the model warns); every other rule must hold.
      const lint = lintDockerfile(dockerfile).filter((v) => !(v.startsWith('DL4001') && m.tool !== undefined));
      if (lint.length) throw new Error(`lint: ${lint.join('; ')}`);
      const errs = dockerfileErrors(dockerfile);
      if (errs.length) throw new Error(`dockerfile-utils: ${errs.join('; ')}`);
      // Identical liveness and readiness checks are legal (the model warns); every other rule must hold.
      const kl = lintPodFragment(k8s).filter((v) => !(v === 'pod-probes-identical' && m.kind === m.readiness));
      if (kl.length) throw new Error(`kube lint: ${kl.join('; ')}`);
      validatePodFragment(k8s);
      const prod = stage(parseDockerfile(dockerfile), 'production');
      const argv = only(prod, 'HEALTHCHECK').json!;
      const runText = prod.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args.join(' ')).join(' ');
      if (b.family === ImageFamily.DISTROLESS) {
        if (argv[0] === '/bin/sh' || runText) throw new Error(`a shell on distroless: ${JSON.stringify(argv)} ${runText}`);
      }
      const program = argv[0] === '/bin/sh' ? argv[2].split(' ')[0] : argv[0];
      const installed = (runText.match(/(?:apt-get install -y --no-install-recommends|apk add --no-cache) ([^&]+)/)?.[1] ?? '').trim().split(' ');
      const available = [...b.has, ...m.added, ...installed, ...m.packages, '/app/healthcheck', '/app/check'];
      if (!available.includes(program)) throw new Error(`HEALTHCHECK runs ${program}, which the final stage lacks (${available.join(', ')})`);
      const c = k8s.containers[0];
      if (c.ports[0].containerPort !== m.port) throw new Error('containerPort');
      if (m.kind === 'grpc' && c.livenessProbe.grpc.port !== m.port) throw new Error('grpc probe port');
      if (m.kind === 'http' && c.livenessProbe.httpGet.port !== c.ports[0].name) throw new Error('httpGet port name');
      if (c.securityContext.runAsUser !== svc.uid || Number(prod.instructions.filter((i) => i.keyword === 'USER').pop()!.args[0].split(':')[0]) !== svc.uid) throw new Error('uid');
    }),
    { seed: SEED + 3, numRuns: Math.max(200, Math.floor(RUNS / 5)) },
  );
  // The generator must reach both outcomes in quantity, or the property says little.
  expect(rendered).toBeGreaterThan(Math.max(200, Math.floor(RUNS / 5)) / 10);
}, 600_000);
