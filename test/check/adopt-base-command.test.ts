// Adoption of containers whose command comes from the base image (no CMD or ENTRYPOINT in the Dockerfile), of a
// workload's command or args over such an image, of an ENTRYPOINT with an empty CMD, and of a workload's runAsUser over
// the image's USER: each carried (or named), 0 unlisted differences.
import * as fs from 'fs';
import * as path from 'path';
import { adoptFixture as adopt, diffsOf, unlisted } from './adopt-util';
import { fragmentTypeErrors } from './fragment-util';
import { Adoption, renderFragment, synthStatement } from '../../src/check/adopt';

/** The one adoption of a fixture (adopted, its round trip read), and its differences `field` -> `class old -> new`. */
function one(dir: string): { p: Adoption; d: Record<string, string> } {
  const parts = adopt(dir);
  expect(parts.map((x) => [x.id, x.refusals])).toEqual([[parts[0].id, []]]);
  expect(parts[0].roundTrip?.error).toBeUndefined();
  return { p: parts[0], d: diffsOf(parts[0]) };
}

/** The Dockerfile the statement writes. */
function dockerfileOf(code: string): string {
  const s = synthStatement(code);
  try {
    expect(s.error).toBeUndefined();
    const f = s.files.find((x) => /(^|\/)Dockerfile$/.test(x))!;
    return fs.readFileSync(path.join(s.outdir, f), 'utf8');
  } finally {
    s.dispose();
  }
}

describe('adoption when the command comes from the base image', () => {
  test('FROM nginx with a configuration and no CMD: adopted with baseImageCommand, no CMD written, the command carried', () => {
    const { p, d } = one('base-nginx');
    expect(p.code).toContain('  baseImage: BaseImage.fromReference("nginx:1.27-alpine"),\n'
      + '  // Dockerfile has no CMD or ENTRYPOINT and the workload no command or args: the base image\'s command runs, as in the original.\n'
      + '  baseImageCommand: true,\n');
    expect(p.code).not.toMatch(/^\s*(command|entrypoint):/m);
    // Both sides run the base image's command: carried.
    expect(p.roundTrip!.carried).toContain('command');
    expect(d.command).toBeUndefined();
    // The emptyDirs nginx writes to are carried as writable paths.
    expect(p.code).toContain('  writablePaths: ["/var/cache/nginx", "/tmp"],');
    // The base image's command now runs as the construct's user: said in the fragment (the user field is hardening).
    expect(p.notes).toContainEqual(expect.stringMatching(/^the base image's user: its command now runs as the construct's numeric non-root user/));
    expect(d.user).toBe('hardening 0 -> 1000');
    expect(unlisted(d)).toEqual([]);
    const dockerfile = dockerfileOf(p.code);
    expect(dockerfile).not.toMatch(/^(CMD|ENTRYPOINT)\b/m);
    expect(dockerfile).toContain('No ENTRYPOINT or CMD is written (baseImageCommand): the container runs the ones it inherits from the base image nginx:1.27-alpine.');
    expect(fragmentTypeErrors(renderFragment([p]))).toEqual([]);
  }, 120_000);

  test('a vendor base and the workload\'s args: the args are the CMD after the base image\'s ENTRYPOINT, as Kubernetes ran them', () => {
    const { p, d } = one('base-vendor-args');
    expect(p.code).toContain('  command: ["--config.file=/etc/agent/config.yaml", "--web.listen-address=:9100"],\n'
      + '  commandComment: "The workload\'s args as the CMD: they follow the base image\'s ENTRYPOINT, if it has one, as they did in the workload.",\n');
    expect(p.code).not.toMatch(/^\s*(entrypoint|baseImageCommand):/m);
    expect(p.notes).toContain('the image has no CMD or ENTRYPOINT: the manifest\'s args ["--config.file=/etc/agent/config.yaml","--web.listen-address=:9100"] (k8s/deployment.yaml:11) are now the image\'s CMD, after the base image\'s ENTRYPOINT if it has one, as in the workload; the generated snippet does not write them: keep them in your workload or leave them out (the same argv runs)');
    expect(p.roundTrip!.carried).toContain('command');
    expect(unlisted(d)).toEqual([]);
  }, 120_000);

  test('a vendor base and the workload\'s command: the command is the ENTRYPOINT (it replaces the base image\'s and drops its CMD), no CMD', () => {
    const { p, d } = one('base-vendor-command');
    expect(p.code).toContain('  entrypoint: ["/usr/bin/agent", "--plugins=/usr/lib/agent/plugins"],\n');
    expect(p.code).not.toMatch(/^\s*command:/m);
    expect(p.roundTrip!.carried).toContain('command');
    expect(unlisted(d)).toEqual([]);
    const dockerfile = dockerfileOf(p.code);
    expect(dockerfile).toContain('ENTRYPOINT ["/usr/bin/agent", "--plugins=/usr/lib/agent/plugins"]');
    expect(dockerfile).not.toMatch(/^CMD\b/m);
  }, 120_000);

  test('ENTRYPOINT with an empty CMD [] and the workload\'s args: the ENTRYPOINT kept, the args its CMD (refused over command: [] before)', () => {
    const { p, d } = one('entrypoint-empty-cmd');
    expect(p.code).toContain('  entrypoint: ["./echo-http"],\n  command: ["--default-response=hostname"],\n');
    expect(p.roundTrip!.carried).toContain('command');
    expect(unlisted(d)).toEqual([]);
  }, 120_000);

  test('a Compose service of a base-command image with a VOLUME and cap_add: adopted; the anonymous volume and the capability named', () => {
    const { p, d } = one('compose-base-volume');
    expect(p.side?.source).toBe('compose');
    expect(p.code).toContain('  baseImageCommand: true,\n');
    expect(p.roundTrip!.carried).toContain('command');
    expect(d['securityContext.capabilities.add']).toBe('named NET_ADMIN -> (none)');
    expect(d['volumeMount /data']).toBe('named (none) -> emptyDir:tmpfs');
    expect(p.changes).toContainEqual({ field: 'volumeMount /data', old: '(none) (Dockerfile:3 VOLUME /data: an anonymous volume under Docker and Compose, the container layer under Kubernetes)', new: 'an emptyDir (a tmpfs in Compose): writablePaths' });
    expect(unlisted(d)).toEqual([]);
  }, 120_000);
});

describe('adoption of a workload whose runAsUser overrides the image\'s USER', () => {
  test('the workload\'s uid is the model\'s user, with the gid the runtime gives it (its passwd entry: nobody 65534:65534); the Dockerfile\'s USER change named', () => {
    const { p, d } = one('run-as-user');
    // No runAsGroup: the runtime takes the gid of 65534's /etc/passwd entry (nobody:nogroup on distroless), not the USER's 65532.
    expect(p.code).toContain('  user: { name: "nobody", uid: 65534, group: "nogroup", gid: 65534, existing: true },');
    expect(p.changes).toContainEqual({
      field: 'USER (docker run)',
      old: '65532:65532',
      new: '65534:65534 (the workload\'s runAsUser 65534, k8s/deployment.yaml:10, overrides the USER where the container runs; the construct writes one user for both)',
    });
    expect(p.roundTrip!.carried).toEqual(expect.arrayContaining(['user', 'group']));
    expect([d.user, d.group]).toEqual([undefined, undefined]);
    expect(unlisted(d)).toEqual([]);
    expect(dockerfileOf(p.code)).toMatch(/^USER 65534:65534$/m);
  }, 120_000);

  test('a runAsUser over a USER of another standard account in its group (nobody 65534 in nonroot 65532, runAsGroup given): both kept', () => {
    const { p, d } = one('run-as-user-group');
    expect(p.code).toContain('  user: { name: "nobody", uid: 65534, group: "nonroot", gid: 65532, existing: true },');
    expect([d.user, d.group]).toEqual([undefined, undefined]);
    expect(unlisted(d)).toEqual([]);
  }, 120_000);
});
