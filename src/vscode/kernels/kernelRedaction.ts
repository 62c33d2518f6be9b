import vscode = require('vscode');
import type { CatalogApi } from '../../core/catalog/types';
import { messageOf } from '../../core/errors';
import { canReadEnvironment, readKernelEnvironment } from '../../core/kernels/kernelEnvironment';
import { Redactor } from '../../core/kernels/redact';
import type { KernelSession, KernelSpecInfo } from '../../core/kernels/types';
import type { Logger } from '../../core/logger';

/** How long reading the values may wait (it queues behind a cell a reloaded window finds running). */
const READ_TIMEOUT_MS = 10_000;

/**
 * The redactor of a new kernel session: the hub service names the environment variables that hold secrets
 * (`HUB_NOTEBOOKS_REDACT_ENV`), and the kernel itself says their values, in a reply only this client sees.
 * Values stay in memory, never in a log or a message. When they cannot be read, outputs are not redacted and
 * the user is told so once per kernel, since a value printed then could be saved.
 */
export async function redactorFor(
  session: KernelSession,
  parts: {
    catalog: Pick<CatalogApi, 'authoring'>;
    specs: () => Promise<KernelSpecInfo[]>;
    logger: Logger;
  },
  signal?: AbortSignal,
): Promise<Redactor> {
  const { logger } = parts;
  let names: string[];
  try {
    names = (await parts.catalog.authoring(signal)).redactEnvironment;
  } catch (err) {
    logger.info(`outputs are not redacted: the hub service did not say what to redact (${messageOf(err)})`);
    return Redactor.none;
  }
  if (names.length === 0) return Redactor.none;
  const spec = (await parts.specs()).find((s) => s.name === session.kernelName);
  const language = (spec?.language ?? 'python').toLowerCase();
  if (!canReadEnvironment(language)) {
    warn(
      logger,
      `outputs of this ${language} kernel are not redacted: it has no way to tell the values of ${names.join(', ')}`,
    );
    return Redactor.none;
  }
  const timeout = AbortSignal.timeout(READ_TIMEOUT_MS);
  try {
    const env = await readKernelEnvironment(
      session,
      names,
      language,
      signal ? AbortSignal.any([signal, timeout]) : timeout,
    );
    const redactor = Redactor.fromEnvironment(env);
    if (redactor.skipped.length > 0) {
      logger.info(`not redacted (unset, or shorter than 4 characters): ${redactor.skipped.join(', ')}`);
    }
    logger.debug(
      `outputs of kernel ${session.kernelId} redact ${names.length - redactor.skipped.length} values`,
    );
    return redactor;
  } catch (err) {
    if (signal?.aborted) throw err;
    warn(
      logger,
      `outputs of this kernel are not redacted: the kernel did not say the values of ${names.join(', ')} (${messageOf(err)})`,
    );
    return Redactor.none;
  }
}

function warn(logger: Logger, message: string): void {
  logger.warn(message);
  void vscode.window.showWarningMessage(
    `Hub Notebooks: ${message}. Take care not to print secrets; restart the kernel to try again.`,
  );
}
