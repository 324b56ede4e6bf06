// A file or folder the checker did not read, and why.

/** A file the checker did not read, and why (relative path). */
export interface Skipped {
  readonly file: string;
  readonly reason: string;
  /** The folders one note stands for (the folders not searched), each relative with a trailing `/`. */
  readonly folders?: string[];
}
