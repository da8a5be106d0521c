// Which proxy, if any, an HTTPS request should go through: HTTPS_PROXY / NO_PROXY as curl and
// most tools read them (servers on corporate networks reach the internet through a proxy). Pure.

export interface ProxyEnvironment {
  [name: string]: string | undefined;
}

/** The proxy URL for `target`, or undefined when the request should go direct. */
export function proxyFor(target: URL, env: ProxyEnvironment): URL | undefined {
  const proxy = env.HTTPS_PROXY ?? env.https_proxy;
  if (proxy === undefined || proxy.trim() === '') return undefined;
  if (bypassesProxy(target, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  return new URL(/^[a-z]+:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
}

/** NO_PROXY: comma-separated host names, domain suffixes (".corp" or "corp" or "*.corp"), optional ":port", or "*". */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const [pattern = '', entryPort] = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry)?.slice(1) ?? [];
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = pattern.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}
