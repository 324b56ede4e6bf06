// ResolvedBaseImage: what the model knows of the final stage's base image.
import { CheckTool } from '../health/check-tool';
import { ImageFamily } from '../images/image-family';

/** A base image as the model needs it. */
export interface ResolvedBaseImage {
  readonly reference: string;
  /** False for `BaseImage.fromUnpinnedReference` (no tag, or latest): each build may take another image. */
  readonly pinned: boolean;
  readonly family: ImageFamily;
  readonly tools: readonly CheckTool[];
  /** The path each tool runs as, when not its name on PATH. */
  readonly programs: Partial<Record<CheckTool, string>>;
  readonly user?: { readonly name: string; readonly uid: number; readonly group: string; readonly gid: number };
  /** The image's default USER is this non-root account (setup steps must switch to root first). */
  readonly defaultUserNonRoot: boolean;
  /** `FROM scratch`: no file at all, so no account (`/etc/passwd`) and no program but what the stages copy in. */
  readonly scratch: boolean;
}

