import { EchoError } from '../errors.js';
import { apiErrorSchema } from './spotify-api-schemas.js';
import { readErrorBody } from './spotify-http.js';

/** A 4xx other than 401 and 429: Spotify's own `error.message` is quoted so the cause is plain. */
export async function spotifyApiError(response: Response, what: string): Promise<EchoError> {
  const body = await readErrorBody(response, apiErrorSchema);
  const detail = body ? `error.message: "${body.error.message}"` : 'no error message';
  const message = `Spotify refused ${what} (${response.status}, ${detail})`;
  if (response.status === 403) return new EchoError('forbidden', message);
  if (response.status === 404) return new EchoError('not_found', message);
  // A 400 means this module sent something Spotify does not accept; retrying the same will not help.
  return new EchoError('provider_error', message, { retryable: false });
}

export function signInExpired(what: string): EchoError {
  return new EchoError(
    'unauthorized',
    `Spotify sign-in expired; sign in again (${what} refused the token twice)`,
  );
}
