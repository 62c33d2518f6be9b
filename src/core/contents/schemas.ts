import * as z from 'zod/mini';
import { lazySchema } from '../lazySchema';

/**
 * The contents-API models of jupyter_server 1.23 and 2.x, as far as the client reads them. 2.11+ adds `hash`
 * and `hash_algorithm` to every model (null unless `hash=1` was asked for); 1.x has no such keys, which is how
 * the client tells whether a server can hash at all.
 */
const baseShape = () => ({
  name: z.string(),
  path: z.string(),
  type: z.enum(['directory', 'notebook', 'file']),
  last_modified: z.string(),
  created: z.optional(z.nullable(z.string())),
  size: z.optional(z.nullable(z.number())),
  writable: z.optional(z.boolean()),
  hash: z.optional(z.nullable(z.string())),
  hash_algorithm: z.optional(z.nullable(z.string())),
});

/** `GET api/contents/{path}?content=0`, and the reply to PUT and PATCH. */
export const contentsModelSchema = lazySchema(() => z.object(baseShape()));
export type ContentsModel = z.infer<typeof contentsModelSchema>;

/** `GET api/contents/{folder}?type=directory&content=1`. */
export const directoryModelSchema = lazySchema(() =>
  z.object({ ...baseShape(), content: z.array(contentsModelSchema) }),
);

/** `GET api/contents/{file}?type=file&content=1`: the text, or base64 for bytes that are not UTF-8. */
export const fileModelSchema = lazySchema(() =>
  z.object({
    ...baseShape(),
    content: z.string(),
    format: z.enum(['text', 'base64']),
  }),
);

/** `GET api/contents/{file}?type=notebook&content=1`: the notebook as parsed JSON. */
export const notebookModelSchema = lazySchema(() =>
  z.object({ ...baseShape(), content: z.record(z.string(), z.unknown()) }),
);

/** One entry of `GET api/contents/{path}/checkpoints`, and the reply to POST there. */
export const checkpointModelSchema = lazySchema(() =>
  z.object({ id: z.string(), last_modified: z.string() }),
);
export const checkpointListSchema = lazySchema(() => z.array(checkpointModelSchema));
