/** Settings whose name says they hold a secret: JWT_SECRET, ADMIN_TOKEN, OPENAI_API_KEY, ENCRYPTION_KEY, … */
const secretName = /KEY|SECRET|TOKEN|PASSWORD/i;
/** Settings that are addresses, where a password may sit in the user-info (MONGODB_URI, REDIS_URL). */
const addressName = /_(URI|URL)$/i;

/**
 * The secret values among the settings, for the logger to cut from every line it writes. By name rather
 * than a fixed list: PROVIDERS_FILE may read a provider's key from any variable (its apiKeyEnv).
 * Comma-separated settings (ENCRYPTION_KEYS_PREVIOUS) give each of their values.
 */
export function secretValues(env: Record<string, string | undefined>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (secretName.test(name)) secrets.push(value, ...value.split(',').map((part) => part.trim()));
    if (addressName.test(name)) secrets.push(...passwordsIn(value));
  }
  return secrets.filter((secret) => secret.length > 0);
}

function passwordsIn(address: string): string[] {
  if (!URL.canParse(address)) return [];
  const { password } = new URL(address);
  return password ? [password, decodeURIComponent(password)] : [];
}
