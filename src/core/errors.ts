/** The one error type the core throws; HTTP and CLI each know how to render it. */
export type ErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  /** A client's limit (images, bytes, upload size, transforms a minute) set by an owner or admin. */
  | 'quota_exceeded'
  | 'not_found'
  /** A signed URL past its `exp_`. */
  | 'expired'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'limit_exceeded'
  | 'rate_limited'
  | 'overloaded'
  | 'insufficient_storage'
  /** The database or object store does not answer: retry, or another node may. */
  | 'unavailable'
  /** Answered by the HTTP layer from the request line and headers alone. */
  | 'method_not_allowed'
  | 'length_required'
  | 'uri_too_long'
  /** An outbound target (webhook, purge hook) on a private, loopback or metadata address. */
  | 'forbidden_target'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  quota_exceeded: 403,
  not_found: 404,
  expired: 410,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  limit_exceeded: 422,
  rate_limited: 429,
  overloaded: 503,
  insufficient_storage: 507,
  unavailable: 503,
  method_not_allowed: 405,
  length_required: 411,
  uri_too_long: 414,
  forbidden_target: 400,
  internal: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = STATUS[code];
    this.details = options?.details;
  }
}

export const invalid = (message: string) => new AppError('invalid_input', message);
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const conflict = (message: string) => new AppError('conflict', message);

/** A full disk (or quota) as the one error type: 507, with a message a user can act on. */
export function isOutOfSpace(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || (error instanceof Error && /database or disk is full|SQLITE_FULL/i.test(error.message));
}

export const outOfSpace = (cause: unknown) =>
  new AppError('insufficient_storage', 'The server is out of disk space; nothing was stored', { cause });
