/**
 * Where a sign-in may send the browser afterwards: a path on this server, never another site.
 * Kargo's UI had an open redirect through its `redirectTo` (a URL taken as given): this accepts
 * only a same-origin relative path and answers `/` for anything else, including the forms
 * browsers turn into another host (`//evil`, `/\evil`, `/%09/evil`, `https://evil`,
 * `javascript:`), control characters (browsers drop tabs and newlines, so `/\t/evil` is
 * `//evil`) and paths that normalise to one (`/..//evil`).
 */
export function safeRedirectPath(value: string | undefined | null): string {
  if (typeof value !== 'string' || value === '' || value.length > 2048) return '/';
  if (!value.startsWith('/') || value.startsWith('//')) return '/';
  // Backslashes are slashes to browsers; control characters and spaces are stripped or
  // rewritten by them before resolving.
  if (hasUnsafeCharacter(value)) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return '/';
  }
  // An encoded slash, backslash or control character at the start can be decoded by a
  // proxy or the UI's router into `//host`.
  if (decoded.startsWith('//') || hasUnsafeCharacter(decoded.slice(1, 2))) return '/';
  const base = 'http://gantry.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return '/';
  }
  if (url.origin !== base) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
}

/** A backslash, a control character, a space or DEL. */
function hasUnsafeCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char === '\\' || code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}
