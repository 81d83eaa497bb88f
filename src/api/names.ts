/**
 * Object names as Kubernetes (and so Kargo) validates them: RFC 1123 DNS labels for projects
 * (they name a namespace in Kargo) and RFC 1123 DNS subdomains for everything else
 * (Promotion names contain dots: `<stage>.<ulid>.<freight>`).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` is not an RFC 1123 label (max 63), or undefined when it is one. */
export function dnsLabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 63) return `must be at most 63 characters (got ${name.length})`;
  if (!DNS_LABEL.test(name)) {
    return `"${name}" is not an RFC 1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why `name` is not an RFC 1123 subdomain (max 253), or undefined when it is one. */
export function dnsSubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return `must be at most 253 characters (got ${name.length})`;
  if (!DNS_SUBDOMAIN.test(name)) {
    return `"${name}" is not an RFC 1123 name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/** Why `key` is not a valid Kubernetes label or annotation key (`[prefix/]name`), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    const problem = dnsSubdomainProblem(prefix);
    if (problem) return `prefix of "${key}" ${problem.replace(/^"[^"]*" /, '')}`;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return `"${key}" is not a valid key: the name part must be 1-63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `value` is not a valid Kubernetes label value, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return `"${value}" is not a valid label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}
