// Checks every service URL and proxy variable when the config loads, so that a URL roster could
// never use fails `check`, `export` and `--dry-run` (exit 2, naming the setting) instead of every
// real sync, after a token was already asked for. Pure.

/** Why `value` is not a usable https:// endpoint, or undefined when it is. */
export function httpsUrlProblem(raw: string, example: string): string | undefined {
  const value = withoutCredentials(raw);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return `"${value}" is not a URL (expected e.g. "${example}")`;
  }
  if (url.protocol !== 'https:') {
    return `"${value}" must start with https:// (roster sends credentials and personal data only over TLS)`;
  }
  if (url.hostname === '') return `"${value}" names no host (expected e.g. "${example}")`;
  if (url.username !== '' || url.password !== '') {
    return `"${value}" holds a user name or password; credentials come from clientSecretEnv or clientSecretFile, never from a URL`;
  }
  if (url.hash !== '') return `"${value}" has a #fragment, which is never sent to a server: remove it`;
  return undefined;
}

export interface ProxyEnvironment {
  [name: string]: string | undefined;
}

/**
 * Problems with the proxy variables, each naming its variable. roster's requests are all HTTPS and
 * go through HTTPS_PROXY, over a plain-HTTP CONNECT to the proxy: an https:// or socks:// proxy
 * would be dialled as if it were http:// and fail on every run. HTTP_PROXY is not used by roster,
 * but one that cannot even be read is a mistake in the job's environment worth fixing first.
 */
export function proxyEnvironmentProblems(env: ProxyEnvironment): string[] {
  const problems: string[] = [];
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    const problem = proxyUrlProblem(value, /^https_proxy$/i.test(name));
    if (problem !== undefined) problems.push(`${name}: ${problem}`);
  }
  return problems;
}

/** Why a proxy variable's value is unusable; `tunnelled` for the one roster dials (HTTPS_PROXY). */
export function proxyUrlProblem(raw: string, tunnelled: boolean): string | undefined {
  const text = raw.trim();
  const value = withoutCredentials(text);
  let url: URL;
  try {
    // "proxy.corp:3128" without a scheme means http://, as curl reads it.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return `"${value}" is not a proxy URL (expected e.g. "http://proxy.corp.example.com:3128")`;
  }
  const allowed = tunnelled ? ['http:'] : ['http:', 'https:'];
  if (!allowed.includes(url.protocol)) {
    return tunnelled
      ? `"${value}": roster speaks to a proxy with plain HTTP CONNECT (http://host:port); ${url.protocol}// proxies are not supported`
      : `"${value}" must be an http:// or https:// proxy URL`;
  }
  if (url.hostname === '') return `"${value}" names no proxy host (expected e.g. "http://proxy.corp.example.com:3128")`;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return `"${value}" has a path, query or fragment; a proxy URL is only http://[user:password@]host:port`;
  }
  return undefined;
}

/** The URL as it may be shown: whatever stands before an "@" in its authority (user:password) is hidden. */
export function withoutCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/]*@/i, '$1[credentials]@');
}
