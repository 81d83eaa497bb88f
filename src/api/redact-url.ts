/**
 * Credentials written into URLs (`https://user:token@host/repo.git`,
 * `https://host/index.yaml?access_token=…`) must never be stored in a status or shown in a
 * message or log. These helpers rewrite such URLs, wherever they appear in a text, to
 * `https://***@host/repo.git` and `…?access_token=***`: the address stays readable and the
 * reader sees that credentials were given, but not which.
 *
 * Text-based (no URL parsing), so the rest of a message is left exactly as written and a
 * malformed URL is still redacted.
 */

/** What replaces a credential. */
export const REDACTED = '***';

/** `scheme://userinfo@`: the userinfo may not contain `/ ? # @` or whitespace (RFC 3986). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s"'<>]+)@/gi;

/**
 * Query parameters that carry credentials by convention (OAuth, GitLab, GitHub, S3 and Azure
 * pre-signed URLs, API keys). Compared case-insensitively.
 */
const SECRET_PARAMS = [
  'token',
  'access_token',
  'accesstoken',
  'refresh_token',
  'id_token',
  'private_token',
  'private-token',
  'auth',
  'auth_token',
  'authorization',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'api_key',
  'apikey',
  'api-key',
  'key',
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
];

const QUERY_PARAM = new RegExp(`([?&](?:${SECRET_PARAMS.join('|')})=)[^&#\\s"'<>]*`, 'gi');

/**
 * The URL (or any text holding URLs) without credentials: userinfo becomes `***@`, values of
 * credential-like query parameters become `***`. Everything else is unchanged.
 */
export function redactUrl(text: string): string {
  if (!text.includes('://') && !text.includes('=')) return text;
  return text
    .replace(USERINFO, (whole, scheme: string, userinfo: string) =>
      // An SSH user name (ssh://git@host) names an account, it is no credential; SSH never
      // takes a password from the URL. Anything else may be a token (https://TOKEN@host).
      /^(?:git\+)?ssh:\/\/$/i.test(scheme) && !userinfo.includes(':')
        ? whole
        : `${scheme}${REDACTED}@`,
    )
    .replace(QUERY_PARAM, `$1${REDACTED}`);
}

/** Whether the text holds a URL with credentials in it. */
export function hasUrlCredentials(text: string): boolean {
  return redactUrl(text) !== text;
}
