import * as fs from 'fs';
import * as path from 'path';
import { fragmentTypeErrors } from './fragment-util';
import { check } from '../../src/check/_check';
import { adoptAll, renderFragment } from '../../src/check/adopt';
import { APPS, takeStatement } from '../e2e/adoption';

/**
 * The apps the engine test of adoption builds and runs (test/e2e/adoption.ts, a step of `e2e`), checked here without an
 * engine: each is adopted whole, with its build stages, 0 unlisted differences, and a fragment that compiles.
 */
const apps = fs.readdirSync(APPS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe('the multi-stage apps of the adoption engine test', () => {
  test('there are five: Go on distroless, Go on scratch, nginx with the base image\'s command, Node, Python', () => {
    expect(apps).toEqual(['go-orders', 'go-scratch-ledger', 'nginx-site', 'node-catalog', 'python-inventory']);
  });

  test.each(apps)('%s: one container adopted with its build stage, 0 unlisted differences, a fragment that type-checks', (app) => {
    const cwd = path.join(APPS, app);
    const result = check({ paths: ['.'], cwd });
    const parts = adoptAll(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd, { roundTrip: true });
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([[parts[0].id, []]]);
    const rt = parts[0].roundTrip!;
    expect(rt.error).toBeUndefined();
    expect(rt.differences.filter((d) => d.class === 'unlisted')).toEqual([]);
    // The build stage is carried as code, not dropped.
    expect(parts[0].code).toMatch(/buildStages: \[\n\s+new DockerfileStage\(/);
    const fragment = renderFragment(parts);
    // The e2e takes the statement with its printed opt-in switched on (the app's own Dockerfile is replaced).
    const taken = takeStatement(fragment);
    expect(taken.optIn).toBe(true);
    expect(taken.statement).toContain('\n  replaceExisting: true,\n');
    expect(fragmentTypeErrors(`${taken.imports}\n\n${taken.statement}\n`)).toEqual([]);
  }, 120_000);

  test('takeStatement refuses a fragment that did not adopt, naming every reason', () => {
    const refused = '// not adopted (1/2): a; fix: b\n// not adopted (2/2): c; fix: d\n// new ContainerService(project, "x", {\n// });\n';
    expect(() => takeStatement(refused)).toThrow('refused:\n// not adopted (1/2): a; fix: b\n// not adopted (2/2): c; fix: d');
  });
});
