import * as fc from 'fast-check';
import { checkRendered } from './check';
import { CheckModel, CommonModel, common, execCheck, httpCheck, httpPath, renderBackend, RUNS, SEED, sharedOptions } from './model';
import { CheckTool } from '../../src';

/** RUNS (default 5,000) random valid backends, seeded; with the frontend file, 10,000 models per CI run. */
const backendCheck: fc.Arbitrary<CheckModel> = fc.oneof(
  { weight: 6, arbitrary: httpCheck(httpPath) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tcpSocket' as const }) },
  { weight: 1, arbitrary: execCheck },
);

test(`backend: ${RUNS} valid models render files that parse, validate and read back as the model (seed ${SEED})`, () => {
  const model = common(backendCheck, httpCheck(httpPath), [CheckTool.CURL, CheckTool.WGET, CheckTool.PYTHON])
    .map((m) => (m.liveness.kind === 'tcpSocket' ? { ...m, tool: CheckTool.PYTHON } : m))
    .chain((m) => fc.constantFrom('3.11', '3.12', '3.13').map((v) => ({ ...m, pythonVersion: v })));
  fc.assert(
    fc.property(model, (m) => {
      const r = renderBackend({
        ...sharedOptions(m as CommonModel),
        // pythonVersion names the default image only; with baseImage it is an error.
        pythonVersion: m.alpine ? undefined : m.pythonVersion,
        baseImage: m.alpine ? `python:${m.pythonVersion}-alpine` : undefined,
      });
      checkRendered(m as CommonModel, r);
      if (!r.dockerfile.includes(m.alpine ? `FROM python:${m.pythonVersion}-alpine AS base` : `FROM python:${m.pythonVersion}-slim AS base`)) {
        throw new Error('base image');
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
}, 600_000);

