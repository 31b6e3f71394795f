import { Type, type IntegerOptions } from '@sinclair/typebox';

/**
 * An integer in an answer. Elysia's `t.Integer` also accepts numeric strings (for query
 * parameters) and documents itself as "string or integer"; a field the server writes is an
 * integer, and generated clients should say so.
 */
export const Integer = (options?: IntegerOptions) => Type.Integer(options);
