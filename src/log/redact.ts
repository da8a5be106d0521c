// Every secret roster reads is registered here, and every line any logger writes passes
// through redact(): a secret cannot reach a terminal, a log file or a report by accident.

const secrets = new Set<string>();

export function registerSecret(value: string): void {
  // Very short values would blank out ordinary words; real secrets are longer.
  if (value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('[redacted]');
  return result;
}
