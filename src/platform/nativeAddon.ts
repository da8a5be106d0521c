// A native addon carried inside a single executable (koffi's, for Kerberos binds): Node.js loads
// an addon only from a file, so the executable's copy is written once to a folder of the user's
// own, under a name made of its content hash, and loaded from there by every later run. A
// Windows DLL that is loaded cannot be replaced or deleted, so a fresh temporary file per run
// would pile up; a stable name is written once (as .tmp, then renamed) and reused while the hash
// matches. An addon named `name` beside the executable wins: where policy (AppLocker, WDAC,
// antivirus) forbids loading code from a user's profile, an administrator puts it there.
// build/package.ts makes koffi's loader call this, in the single executables only.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getAsset, isSea } from 'node:sea';

/** Where extracted addons are kept: %LOCALAPPDATA%\roster\addons, or ~/.cache/roster/addons. */
export function addonFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'roster', 'addons');
  const cache = env.XDG_CACHE_HOME ?? (homedir() ? join(homedir(), '.cache') : undefined);
  return cache === undefined ? join(tmpdir(), `roster-addons-${process.getuid?.() ?? 'user'}`) : join(cache, 'roster', 'addons');
}

/** The addon's exports: from a file `name` beside the executable, else from the executable's asset `name`. */
export function loadEmbeddedAddon(name: string): unknown {
  const beside = join(dirname(process.execPath), name);
  if (existsSync(beside)) return dlopen(beside);
  if (!isSea()) throw new Error(`${name} is carried only by roster's single executables`);
  const bytes = Buffer.from(getAsset(name));
  const hash = createHash('sha256').update(bytes).digest('hex');
  const folder = addonFolder();
  const file = join(folder, `${name.replace(/\.node$/, '')}-${hash.slice(0, 16)}.node`);
  const current = existsSync(file) && createHash('sha256').update(readFileSync(file)).digest('hex') === hash;
  if (!current) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes, { mode: 0o700 });
    renameSync(temporary, file);
  }
  return dlopen(file);
}

function dlopen(file: string): unknown {
  const module = { exports: {} as unknown };
  process.dlopen(module, file);
  return module.exports;
}
