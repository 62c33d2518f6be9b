import { readFile, stat } from 'node:fs/promises';
import { MAX_NOTEBOOK_BYTES, type AuthoringResponse } from '../../core/catalog/schemas';
import type { Logger } from '../../core/logger';
import type { Notebook } from '../../core/notebook/nbformat';
import { headerTemplateFromNotebook, notebookFromTemplate } from '../../core/notebook/template';
import { messageOf } from '../../core/errors';
import type { AuthoringSettings } from '../config';
import { RequestError, sendJson } from '../http';
import type { Handler } from './operation';

/**
 * `GET api/authoring`: the team's header template (the operator's notebook, read on every request so that an
 * edit needs no restart, or the built-in one) and the names of the environment variables to redact.
 */
export function authoringHandler(settings: AuthoringSettings, log: Logger): Handler {
  return async (ctx) => {
    const path = settings.headerTemplatePath;
    const notebook = path ? await operatorTemplate(path, log) : notebookFromTemplate();
    const body: AuthoringResponse = {
      template: { source: path ? 'operator' : 'default', notebook },
      redactEnvironment: settings.redactEnvironment,
    };
    sendJson(ctx.res, 200, body);
  };
}

/** The operator's template notebook, or a 500 that says what is wrong with it (the path stays in the log). */
async function operatorTemplate(path: string, log: Logger): Promise<Notebook> {
  const unusable = (why: string): RequestError => {
    log.warn(`the header template ${path} is not usable: ${why}`);
    return new RequestError(
      500,
      'template_unusable',
      `The hub's header template is not usable: ${why} Ask your hub's operator to fix HUB_NOTEBOOKS_HEADER_TEMPLATE.`,
    );
  };
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw unusable('it is not a file.');
    if (info.size > MAX_NOTEBOOK_BYTES) throw unusable('it is larger than 64 MiB.');
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof RequestError) throw err;
    throw unusable(`it cannot be read (${(err as NodeJS.ErrnoException).code ?? messageOf(err)}).`);
  }
  const read = headerTemplateFromNotebook(bytes);
  if (!read.ok || !read.template.notebook) throw unusable(read.ok ? 'it is not a notebook.' : read.reason);
  return read.template.notebook;
}
