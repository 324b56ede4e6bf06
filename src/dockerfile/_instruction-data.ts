// Plain data of an instruction for the renderer, and the quoting of exec forms and values.
/** Plain data of a RUN mount, for the renderer's checks. */
export interface MountData {
  readonly type: string;
  readonly flag: string;
  readonly target: string;
  readonly from?: string;
}

/** Plain data of an instruction, for checks across instructions. */
export interface InstructionData {
  readonly keyword: string;
  readonly comment: string;
  readonly args: readonly string[];
  readonly lines: readonly string[];
  readonly from?: string;
  readonly uid?: number;
  /** RUN mounts (BuildKit). */
  readonly mounts?: readonly MountData[];
}

/** A JSON array as Dockerfile exec form writes it: `["a", "b"]`. */
export function jsonForm(argv: readonly string[]): string {
  return `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
}

/** A double-quoted Dockerfile value with `\`, `"` and `$` escaped (no variable expansion). */
export function quoteValue(value: string): string {
  return `"${value.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

