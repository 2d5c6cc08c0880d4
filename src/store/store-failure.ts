import { EchoError, isEchoError } from '../errors.js';

/**
 * Runs one store operation; anything the backend throws becomes EchoError('unavailable') with the
 * original as `cause`, so callers can answer `{code:'unavailable', retryable:true}`. EchoErrors the
 * adapter raised on purpose (not_found, invalid) pass through unchanged.
 */
export async function guard<Result>(
  operation: string,
  work: () => Result | Promise<Result>,
): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    if (isEchoError(error)) throw error;
    throw new EchoError('unavailable', `Store unavailable during ${operation}`, { cause: error });
  }
}
