import * as fs from 'fs';
import * as path from 'path';
import { Project } from 'projen';
import { ComposeFile, FastApiBackend, KustomizePatch, ServiceOutputs, StaticFrontend } from '../src';
import { errorOf, listFiles, newProject, synth } from './util';

/** Writes a file the user wrote into the project directory. */
function userFile(outdir: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(outdir, rel)), { recursive: true });
  fs.writeFileSync(path.join(outdir, rel), text);
}

describe('a file projen did not generate is never replaced', () => {
  test.each([
    ['backend/Dockerfile', 'FROM python:3.12-slim\nCMD ["python3"]\n'],
    ['k8s/backend.yaml', 'apiVersion: apps/v1\nkind: Deployment\n'],
    ['backend/.dockerignore', '.venv\n'],
  ])('%s written by hand: a clear error naming it and the fix; nothing is written, the file is intact', (rel, text) => {
    const project = newProject();
    userFile(project.outdir, rel, text);
    new FastApiBackend(project, 'backend');
    expect(errorOf(() => project.synth())).toBe(
      `backend.replaceExisting: must be true to replace ${rel}, a file projen did not generate (no projen marker, not in .projen/files.json): move your file away (or write its settings into the model), or set replaceExisting: true to let projen own it; received false`,
    );
    expect(fs.readFileSync(path.join(project.outdir, rel), 'utf8')).toBe(text);
    // Nothing else was written: only the user's file is there.
    const files = fs.readdirSync(project.outdir, { recursive: true }).map(String);
    expect(files.filter((f) => !fs.statSync(path.join(project.outdir, f)).isDirectory())).toEqual([rel]);
  });

  test('the frontend nginx.conf and the outputs name their owner', () => {
    const project = newProject();
    userFile(project.outdir, 'frontend/nginx.conf', 'events {}\n');
    new StaticFrontend(project, 'frontend');
    expect(errorOf(() => project.synth())).toMatch(/^frontend.replaceExisting: must be true to replace frontend\/nginx.conf, a file projen did not generate/);
    const p2 = newProject();
    userFile(p2.outdir, 'compose.yaml', 'services: {}\n');
    new ServiceOutputs(p2, 'outputs', { services: [new FastApiBackend(p2, 'backend')] });
    // The option is ServiceOutputs' own (outputs.replaceExisting), not the inner ComposeFile's path.
    expect(errorOf(() => p2.synth())).toMatch(/^outputs.replaceExisting: must be true to replace compose.yaml, a file projen did not generate/);
    const p3 = newProject();
    userFile(p3.outdir, 'compose.yaml', 'services: {}\n');
    new ComposeFile(p3, 'compose', { services: [new FastApiBackend(p3, 'backend')] });
    expect(errorOf(() => p3.synth())).toMatch(/^compose.replaceExisting: must be true to replace compose.yaml/);
    const p4 = newProject();
    userFile(p4.outdir, 'compose.yaml', 'services: {}\n');
    new ComposeFile(p4, 'compose', { services: [new FastApiBackend(p4, 'backend')], replaceExisting: true });
    expect(synth(p4)['compose.yaml']).toContain('services:\n  backend:');
  });

  test('an output without a replaceExisting option names no such option', () => {
    const project = newProject();
    userFile(project.outdir, 'k8s/patches/backend.yaml', 'kind: Deployment\n');
    new KustomizePatch(project, 'patch', { service: new FastApiBackend(project, 'backend') });
    expect(errorOf(() => project.synth())).toBe(
      'patch: must be a path free of files projen did not generate: k8s/patches/backend.yaml has no projen marker and is not in .projen/files.json; move your file away, or give this file another path; received "k8s/patches/backend.yaml"',
    );
  });

  test('replaceExisting: true replaces it; a file with projen\'s marker is replaced as before; one listed in .projen/files.json without the marker is the user\'s', () => {
    const project = newProject();
    userFile(project.outdir, 'backend/Dockerfile', 'FROM scratch\n');
    userFile(project.outdir, 'compose.yaml', 'services: {}\n');
    const backend = new FastApiBackend(project, 'backend', { replaceExisting: true });
    new ServiceOutputs(project, 'outputs', { services: [backend], replaceExisting: true });
    const files = synth(project);
    expect(files['backend/Dockerfile']).toContain('FROM python:3.12-slim AS base');
    expect(files['compose.yaml']).toContain('services:\n  backend:');

    // A second synthesis over the generated files (marker and files.json) needs no opt-in.
    const again = newProject();
    fs.cpSync(project.outdir, again.outdir, { recursive: true });
    for (const f of ['backend/Dockerfile', 'compose.yaml']) fs.chmodSync(path.join(again.outdir, f), 0o644);
    new ServiceOutputs(again, 'outputs', { services: [new FastApiBackend(again, 'backend')] });
    expect(synth(again)['k8s/backend.yaml']).toContain('containers:');

    // projen wrote it once (files.json lists it), then the user restored their own (no marker): theirs, never
    // replaced without replaceExisting (a trial user's nginx.conf was overwritten again this way, silently).
    const restored = newProject();
    fs.cpSync(again.outdir, restored.outdir, { recursive: true });
    fs.chmodSync(path.join(restored.outdir, 'k8s/backend.yaml'), 0o644);
    userFile(restored.outdir, 'k8s/backend.yaml', 'listed in files.json, no marker\n');
    new ServiceOutputs(restored, 'outputs', { services: [new FastApiBackend(restored, 'backend')] });
    expect(errorOf(() => synth(restored))).toBe(
      'backend.replaceExisting: must be true to replace k8s/backend.yaml, a file projen did not generate (no projen marker: .projen/files.json lists it, but the file there now is not the one projen wrote (restored from git, or taken over)): move your file away (or write its settings into the model), or set replaceExisting: true to let projen own it; received false',
    );
    expect(fs.readFileSync(path.join(restored.outdir, 'k8s/backend.yaml'), 'utf8')).toBe('listed in files.json, no marker\n');
  });
});

/** A new projen project on an existing folder: what `npx projen` does on each run. */
function projectAt(outdir: string): Project {
  return new Project({ name: 'test', outdir });
}

/** The files projen lists as generated (.projen/files.json). */
function filesJson(outdir: string): string[] {
  return JSON.parse(fs.readFileSync(path.join(outdir, '.projen', 'files.json'), 'utf8')).files;
}

describe('a .dockerignore the user had is never lost', () => {
  const theirs = '# build output\n**/node_modules\n**/target\n.git\n\n!README.md\n';

  test('replaceExisting carries its lines below the generated entries, in order, on every synthesis; dockerignore: false gives the file back as it was', () => {
    const outdir = newProject().outdir;
    userFile(outdir, 'backend/.dockerignore', theirs);

    // 1. replaceExisting: the user's lines are carried, verbatim and last; .git (also theirs) is written once, in their place.
    let p = projectAt(outdir);
    new FastApiBackend(p, 'backend', { replaceExisting: true });
    const first = synth(p)['backend/.dockerignore'];
    const lines = first.split('\n');
    expect(lines[0]).toMatch(/^# ~~ Generated by projen/);
    const heading = lines.findIndex((l) => l.startsWith('# Carried over from the .dockerignore this file replaced'));
    expect(lines.slice(1, heading)).toEqual(['.gitignore', 'Dockerfile', '.dockerignore', '.env', '.env.*', '.venv', '**/__pycache__', '**/*.pyc', '.pytest_cache', '.mypy_cache', '.ruff_cache']);
    expect(lines.slice(heading + 1).join('\n')).toBe(theirs);
    expect(lines.filter((l) => l === '.git')).toHaveLength(1);

    // 2. The next synthesis reads the carried lines back from the generated file: nothing lost, same bytes.
    p = projectAt(outdir);
    new FastApiBackend(p, 'backend');
    expect(synth(p)['backend/.dockerignore']).toBe(first);

    // 3. dockerignore: false gives the user's file back exactly, writable, without a marker, no longer projen's.
    p = projectAt(outdir);
    new FastApiBackend(p, 'backend', { dockerignore: false });
    expect(synth(p)['backend/.dockerignore']).toBe(theirs);
    const abs = path.join(outdir, 'backend/.dockerignore');
    // Writable by its owner again (projen writes its own files read-only, 444).
    expect(fs.statSync(abs).mode.toString(8)).toMatch(/[67]\d\d$/);
    expect(filesJson(outdir)).not.toContain('backend/.dockerignore');

    // 4. From now on it is the user's file: left alone with dockerignore: false, refused without replaceExisting.
    fs.appendFileSync(abs, 'tmp/\n');
    p = projectAt(outdir);
    new FastApiBackend(p, 'backend', { dockerignore: false });
    expect(synth(p)['backend/.dockerignore']).toBe(`${theirs}tmp/\n`);
    p = projectAt(outdir);
    new FastApiBackend(p, 'backend');
    expect(errorOf(() => p.synth())).toMatch(/^backend.replaceExisting: must be true to replace backend\/.dockerignore/);
    expect(fs.readFileSync(abs, 'utf8')).toBe(`${theirs}tmp/\n`);
  });

  test('dockerignore: false over a generated file with nothing of the user\'s removes it; one the user took over (marker removed) is kept', () => {
    const outdir = newProject().outdir;
    let p = projectAt(outdir);
    new FastApiBackend(p, 'backend');
    synth(p);
    p = projectAt(outdir);
    new FastApiBackend(p, 'backend', { dockerignore: false });
    expect(synth(p)['backend/.dockerignore']).toBeUndefined();

    const outdir2 = newProject().outdir;
    p = projectAt(outdir2);
    new FastApiBackend(p, 'backend');
    synth(p);
    const abs = path.join(outdir2, 'backend/.dockerignore');
    fs.chmodSync(abs, 0o644);
    const taken = fs.readFileSync(abs, 'utf8').split('\n').slice(1).join('\n') + 'secrets/\n';
    fs.writeFileSync(abs, taken);
    p = projectAt(outdir2);
    new FastApiBackend(p, 'backend', { dockerignore: false });
    expect(synth(p)['backend/.dockerignore']).toBe(taken);
    expect(filesJson(outdir2)).not.toContain('backend/.dockerignore');
  });

  test('two containers of one build context: the file stays generated while one of them writes it', () => {
    const outdir = newProject().outdir;
    userFile(outdir, 'api/.dockerignore', '**/target\n');
    let p = projectAt(outdir);
    new FastApiBackend(p, 'api', { directory: 'api', replaceExisting: true });
    new FastApiBackend(p, 'api2', { name: 'api2', directory: 'api', dockerfileName: 'Dockerfile.api2', port: 8001, dockerignore: false });
    const text = synth(p)['api/.dockerignore'];
    expect(text).toMatch(/^# ~~ Generated by projen/);
    expect(text.endsWith('\n**/target\n')).toBe(true);
    p = projectAt(outdir);
    new FastApiBackend(p, 'api', { directory: 'api', dockerignore: false });
    new FastApiBackend(p, 'api2', { name: 'api2', directory: 'api', dockerfileName: 'Dockerfile.api2', port: 8001, dockerignore: false });
    expect(synth(p)['api/.dockerignore']).toBe('**/target\n');
  });
});

describe('the Compose file never hides the app\'s own Compose file', () => {
  test.each(['docker-compose.yml', 'docker-compose.yaml', 'compose.yml'])('beside %s: compose.yaml is an error naming the option; nothing is written', (theirs) => {
    const project = newProject();
    userFile(project.outdir, theirs, 'services:\n  db:\n    image: postgres:16.4\n');
    new ComposeFile(project, 'compose', { services: [new FastApiBackend(project, 'backend')] });
    expect(errorOf(() => project.synth())).toBe(
      `compose.filePath: must be a name Compose does not read in place of another file: ${theirs} is in the same folder, and Compose reads only the first of compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml there (docker compose up would run one without the other's services and environment); set filePath: 'compose.override.yaml' to have Compose merge this file into ${theirs} (services of the same name are merged), or a name of its own such as 'compose.containers.yaml' (docker compose -f compose.containers.yaml up); received "compose.yaml"`,
    );
    expect(listFiles(project.outdir)).toEqual([theirs]);
  });

  test('ServiceOutputs names its own option; compose.override.yaml and a name of its own are written beside the user\'s file, which stays intact', () => {
    const project = newProject();
    const text = 'services:\n  backend:\n    environment:\n      QUEUE_URL: amqp://queue\n';
    userFile(project.outdir, 'docker-compose.yml', text);
    new ServiceOutputs(project, 'outputs', { services: [new FastApiBackend(project, 'backend')], kustomize: false, helm: false, report: false });
    expect(errorOf(() => project.synth())).toMatch(/^outputs.composeFilePath: must be a name Compose does not read in place of another file: docker-compose.yml .* set composeFilePath: 'compose.override.yaml'/);

    const ok = newProject();
    userFile(ok.outdir, 'docker-compose.yml', text);
    const b = new FastApiBackend(ok, 'backend');
    new ServiceOutputs(ok, 'outputs', { services: [b], composeFilePath: 'compose.override.yaml', kustomize: false, helm: false, report: false });
    new ComposeFile(ok, 'own', { services: [b], filePath: 'compose.containers.yaml', publishPorts: false });
    const files = synth(ok);
    expect(files['docker-compose.yml']).toBe(text);
    expect(files['compose.override.yaml']).toContain('# An override file: Compose reads it after the compose.yaml/docker-compose.yml beside it');
    expect(files['compose.containers.yaml']).toContain('services:\n  backend:');
  });

  test('a second override name, and a file projen wrote before and no longer writes, are judged as Compose and projen see them', () => {
    const project = newProject();
    userFile(project.outdir, 'docker-compose.yml', 'services: {}\n');
    userFile(project.outdir, 'docker-compose.override.yml', 'services: {}\n');
    new ComposeFile(project, 'compose', { services: [new FastApiBackend(project, 'backend')], filePath: 'compose.override.yaml' });
    expect(errorOf(() => project.synth())).toMatch(/^compose.filePath: must be a name Compose does not read in place of another file: docker-compose.override.yml is in the same folder, and Compose reads only the first of compose.override.yml, compose.override.yaml, docker-compose.override.yml, docker-compose.override.yaml there .*; a name of its own such as 'compose.containers.yaml'/);

    // compose.yml written by an earlier synthesis is removed by projen now: compose.yaml may replace it.
    const outdir = newProject().outdir;
    let p = projectAt(outdir);
    new ComposeFile(p, 'compose', { services: [new FastApiBackend(p, 'backend')], filePath: 'compose.yml' });
    synth(p);
    p = projectAt(outdir);
    new ComposeFile(p, 'compose', { services: [new FastApiBackend(p, 'backend')] });
    const files = synth(p);
    expect(Object.keys(files).filter((f) => f.startsWith('compose'))).toEqual(['compose.yaml']);
  });
});
