import { check } from './src/check/_check';
import { emitProjenrc } from './src/check/adopt/_emit-projenrc';
const cwd = process.argv[2];
const r = check({ paths: ['.'], cwd });
console.log(emitProjenrc(r.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd));
