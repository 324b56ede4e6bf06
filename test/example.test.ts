import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from './util';

const root = path.resolve(__dirname, '..');

const EXPECTED: Record<string, string[]> = {
  fullstack: ['backend/Dockerfile', 'frontend/Dockerfile', 'frontend/nginx.conf', 'k8s/backend.yaml', 'k8s/frontend.yaml'],
  services: [
    'api/Dockerfile', 'k8s/api.yaml',
    'server/Dockerfile', 'server/cmd/healthcheck/main.go', 'k8s/server.yaml',
    'web/Dockerfile', 'web/nginx.conf', 'k8s/web.yaml',
    'grpc/Dockerfile', 'k8s/grpc.yaml',
  ],
};

/**
 * The files committed in each example must be exactly what its .projenrc.ts generates
 * now: run it into an empty directory and compare every file.
 */
describe.each(Object.keys(EXPECTED))('embedded example %s', (name) => {
  const example = path.join(root, 'examples', name);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-example-'));
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [require.resolve('ts-node/dist/bin'), '--project', path.join(root, 'projenrc', 'tsconfig.json'), path.join(example, '.projenrc.ts')],
      { cwd: outdir, env: { ...process.env, PROJEN_DISABLE_POST: '1' }, stdio: 'pipe' },
    );
  }, 120_000);

  const generated = () => listFiles(outdir).filter((f) => fs.statSync(path.join(outdir, f)).isFile());

  test('generates the Dockerfiles, nginx.conf and the probe snippets', () => {
    expect(generated()).toEqual(expect.arrayContaining(EXPECTED[name]));
  });

  test('every committed generated file equals what the code generates now (run `npx projen example` to update)', () => {
    const stale = generated().filter((f) => {
      const committed = path.join(example, f);
      return !fs.existsSync(committed) || fs.readFileSync(committed, 'utf8') !== fs.readFileSync(path.join(outdir, f), 'utf8');
    });
    expect(stale).toEqual([]);
  });
});
