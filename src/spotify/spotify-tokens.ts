/** A listener's Spotify tokens, as the lead stores them (encrypted with the token cipher). */
export interface SpotifyTokens {
  accessToken: string;
  /** With PKCE, Spotify may rotate this on refresh: always store the one handed back. */
  refreshToken: string;
  /** When the access token stops working, in milliseconds since the epoch. */
  expiresAt: number;
  /** The scopes granted, space-separated as Spotify sends them. */
  scope: string;
}

/** What the Web API client asks for a token; the lead plugs in stored, encrypted tokens. */
export interface TokenProvider {
  /** A token to send now (refreshed first when it is about to expire). */
  accessToken(): Promise<string>;
  /**
   * Spotify refused `rejected` (401): a fresh token, refreshing unless another call already replaced it.
   * Throws `unauthorized` when the listener must sign in again.
   */
  refresh(rejected: string): Promise<string>;
}
