/** The validation error every check throws: its message first, a docs pointer, and no stack frames inside this library. */
import * as path from 'path';

/** The package root: `lib/` (installed) and `src/` (tests) both sit directly below it. */
const PACKAGE_ROOT = path.resolve(__dirname, '..');

/** Where every input, its rule and its error are listed; shipped in the package (`docs/` is not npm-ignored). */
export const INPUTS_DOC = path.join(PACKAGE_ROOT, 'docs', 'inputs.md');

/**
 * A stack frame of this library (`lib/`, or `src/` in its own tests), of projen or constructs, of ts-node, or of node itself: nothing a user
 * can act on. Frames of the user's own code (`.projenrc.ts`) are kept, so the source line shown above the
 * message (by node, or by ts-node's source-map-support) is the user's call, not a line of this library.
 */
function isInternalFrame(line: string): boolean {
  return line.includes(__dirname + path.sep)
    || line.includes(`${path.sep}node_modules${path.sep}`)
    || /\((node:|internal\/)/.test(line)
    || /^\s+at (node:|internal\/)/.test(line);
}

/**
 * The error of a bad input: `<construct path>.<field>: must be <constraint>; received <value>`.
 *
 * Its `stack` is the message, a line pointing to docs/inputs.md in the installed package, and only the
 * stack frames outside this library, projen, constructs and node (set PROJEN_CONTAINERS_STACK=1 to keep
 * every frame). `npx projen` runs `.projenrc.ts` through ts-node, whose uncaught-exception handler prints
 * the source line of the first frame and then the stack: with this error that is the user's own line.
 */
export class ValidationError extends Error {
  /** The docs page listing the field's rule. */
  public readonly docs: string;

  public constructor(message: string, docs: string = INPUTS_DOC) {
    // Deep enough to reach the user's frame below this library's and projen's (node keeps 10 by default).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Math.max(limit, 100);
    super(message);
    Error.stackTraceLimit = limit;
    this.docs = docs;
    Object.defineProperty(this, 'name', { value: 'ValidationError', enumerable: false, configurable: true, writable: true });
    Object.defineProperty(this, 'docs', { value: docs, enumerable: false, configurable: true, writable: false });
    const frames = (this.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
    const kept = process.env.PROJEN_CONTAINERS_STACK === '1' ? frames : frames.filter((l) => !isInternalFrame(l));
    const stack = [`ValidationError: ${message}`, `  docs: ${docs}`, ...kept].join('\n');
    Object.defineProperty(this, 'stack', { value: stack, enumerable: false, configurable: true, writable: true });
  }
}
