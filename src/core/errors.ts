import type { SignInErrorKind } from './auth/errors';
import type { CatalogErrorKind } from './catalog/errors';
import type { ContentsErrorKind } from './contents/errors';
import type { HubErrorKind } from './hub/errors';
import type { KernelRunErrorKind } from './kernels/errors';

/**
 * Every kind of failure the core reports. Each feature folder's errors (`<feature>/errors.ts`) name their own
 * kinds; they all meet here, so code that maps errors (to VS Code's FileSystemErrors, to messages) switches on
 * one `kind` with one table instead of testing classes.
 */
export type CoreErrorKind =
  HubErrorKind | ContentsErrorKind | CatalogErrorKind | SignInErrorKind | KernelRunErrorKind | 'invalid-uri';

/** The base of every error the core throws on purpose: a message written for the user, and its kind. */
export abstract class CoreError extends Error {
  abstract readonly kind: CoreErrorKind;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The message of anything thrown: an Error's own message, else its string form. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
