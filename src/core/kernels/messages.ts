import type { IopubOutput, MimeBundle, OutputMetadata } from './types';

/**
 * Turns the content of an output-carrying iopub message (`stream`, `execute_result`, `display_data`,
 * `update_display_data`, `error`, `clear_output`) into an IopubOutput; undefined for every other type.
 */
export function toIopubOutput(msgType: string, content: unknown): IopubOutput | undefined {
  const c = (content ?? {}) as Record<string, unknown>;
  switch (msgType) {
    case 'stream':
      return { type: 'stream', name: c['name'] === 'stderr' ? 'stderr' : 'stdout', text: text(c['text']) };
    case 'execute_result':
      return {
        type: 'execute_result',
        data: bundle(c['data']),
        metadata: bundle(c['metadata']),
        executionCount: typeof c['execution_count'] === 'number' ? c['execution_count'] : null,
        displayId: displayId(c['transient']),
      };
    case 'display_data':
      return {
        type: 'display_data',
        data: bundle(c['data']),
        metadata: bundle(c['metadata']),
        displayId: displayId(c['transient']),
      };
    case 'update_display_data': {
      const id = displayId(c['transient']);
      if (!id) return undefined;
      return {
        type: 'update_display_data',
        data: bundle(c['data']),
        metadata: bundle(c['metadata']),
        displayId: id,
      };
    }
    case 'error':
      return {
        type: 'error',
        ename: text(c['ename']),
        evalue: text(c['evalue']),
        traceback: Array.isArray(c['traceback']) ? c['traceback'].map(text) : [],
      };
    case 'clear_output':
      return { type: 'clear_output', wait: c['wait'] === true };
    default:
      return undefined;
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join('');
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function bundle(value: unknown): MimeBundle & OutputMetadata {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as MimeBundle) : {};
}

function displayId(transient: unknown): string | undefined {
  const id = (transient as { display_id?: unknown } | undefined)?.display_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
