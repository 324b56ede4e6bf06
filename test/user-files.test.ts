import * as fs from 'fs';
import * as path from 'path';
import { FastApiBackend, ServiceOutputs, StaticFrontend } from '../src';
import { errorOf, newProject, synth } from './util';

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
    expect(errorOf(() => p2.synth())).toMatch(/^outputs\/compose.replaceExisting: must be true to replace compose.yaml, a file projen did not generate/);
  });

  test('replaceExisting: true replaces it; a file with projen\'s marker or listed in .projen/files.json is replaced as before', () => {
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
    userFile(again.outdir, 'k8s/backend.yaml', 'listed in files.json, no marker\n');
    new ServiceOutputs(again, 'outputs', { services: [new FastApiBackend(again, 'backend')] });
    expect(synth(again)['k8s/backend.yaml']).toContain('containers:');
  });
});
