import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AlignmentCheckTask, FastApiBackend } from '../../src';
import { errorOf, newProject } from '../util';

const root = path.resolve(__dirname, '..', '..');

describe('AlignmentCheckTask', () => {
  test('adds `check-containers` running the package bin over the project (defaults: ., not strict)', () => {
    const project = newProject();
    new AlignmentCheckTask(project, 'check');
    project.synth();
    const tasks = JSON.parse(fs.readFileSync(path.join(project.outdir, '.projen/tasks.json'), 'utf8')).tasks;
    expect(tasks['check-containers'].steps).toEqual([{ exec: 'projen-containers check -- .' }]);
  });

  test('strict, a mapping file, paths and a task name', () => {
    const project = newProject();
    const t = new AlignmentCheckTask(project, 'check', { taskName: 'lint:containers', strict: true, mappingFile: 'k8s/pairs.yaml', paths: ['backend', 'k8s'] });
    expect(t.task.name).toBe('lint:containers');
    expect(t.task.steps).toEqual([{ exec: 'projen-containers check --strict --map k8s/pairs.yaml -- backend k8s' }]);
  });

  test('paths and names that could reach the shell unescaped are refused', () => {
    expect(errorOf(() => new AlignmentCheckTask(newProject(), 'check', { paths: ['a;rm -rf /'] }))).toMatch(/^check\.paths\[0\]: must be a relative path/);
    expect(errorOf(() => new AlignmentCheckTask(newProject(), 'check', { paths: [] }))).toBe('check.paths: must be a non-empty array of paths; received []');
    expect(errorOf(() => new AlignmentCheckTask(newProject(), 'check', { taskName: 'Check All' }))).toBe(
      'check.taskName: must be a task name of [a-z0-9:-], a letter first, at most 63; received "Check All"',
    );
  });

  test('the task\'s command, run against generated files, reports nothing (the CLI takes `--`)', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    const t = new AlignmentCheckTask(project, 'check', { strict: true });
    project.synth();
    const args = t.task.steps[0].exec!.split(' ').slice(1);
    const r = spawnSync(process.execPath, [
      require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', path.join(root, 'projenrc', 'tsconfig.json'),
      path.join(root, 'src', 'check', 'cli.ts'), ...args,
    ], { cwd: project.outdir, encoding: 'utf8' });
    expect(r.stdout).toBe('0 error(s), 0 warning(s), 0 info; checked 1 Dockerfile(s), 1 container(s), 1 paired\n');
    expect(r.status).toBe(0);
  }, 60_000);
});
