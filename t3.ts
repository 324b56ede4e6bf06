import * as path from 'path';
import { emitProjenrc } from './src/check/adopt/_emit-projenrc';
import { readDockerfile, readManifests } from './src/check/read';
const cwd = path.resolve(process.argv[2]);
const image = readDockerfile(path.join(cwd, 'app', 'Dockerfile'), cwd);
const cs = readManifests(path.join(cwd, 'deployment.yaml'), cwd);
console.log(emitProjenrc(cs.map((c) => ({ container: c, image })), cwd));
