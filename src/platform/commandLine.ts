// Command lines roster prints for a person to paste (install steps, a chmod or icacls to fix a
// permission): every argument quoted for the shell it is meant for, so that an account or a path
// with a space, a quote or a $ (CORP\svc roster, a gMSA's svc-roster$) reaches the command as one
// word. Pure.

/** One word for sh (bash, dash, cron's sh): in single quotes when it holds anything but safe characters. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * One argument of a Windows program's command line as the C runtime splits it (what Task
 * Scheduler passes to a program): in double quotes when it holds a space, a tab or a quote.
 */
export function windowsArgument(value: string): string {
  if (value !== '' && !/[\s"]/.test(value)) return value;
  // A backslash before a quote must be doubled, or it would escape the quote.
  return `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/**
 * One argument for a Command Prompt (schtasks, icacls): as the C runtime splits it, and in double
 * quotes too when it holds a character cmd.exe acts on (& | < > ^ ( ) and the like), which it
 * leaves alone inside quotes.
 */
export function cmdArgument(value: string): string {
  if (value !== '' && !/[\s"&|<>^()!;,=%]/.test(value)) return value;
  return `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/** A PowerShell single-quoted string: nothing in it is expanded; a quote (any of its four forms) is doubled. */
export function powershellString(value: string): string {
  return `'${value.replace(/['‘’‚‛]/g, (quote) => quote + quote)}'`;
}

/** A command line for sh: each word quoted as it needs. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}

/** A command line for a Command Prompt: each argument quoted as it needs. */
export function cmdCommand(words: readonly string[]): string {
  return words.map(cmdArgument).join(' ');
}
