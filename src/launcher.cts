#!/usr/bin/env node
// roster's executable (dist/bin/roster.cjs once built). `npm run build` bundles all of roster into
// one file next to this one and runs it once to keep the code V8 compiled for it (the code
// cache, build/bundle.ts). Here that code is handed back to V8, which then skips parsing and
// compiling most of roster: an export of 10,000 entries ends about 20 ms sooner. The cache is
// used only with the very bundle it was made from (its SHA-256 heads the cache file) and only by
// the Node.js build that made it (V8 checks its version and flags); otherwise the bundle is
// compiled as usual, just slower.
// CommonJS on purpose: Node loads a CommonJS entry faster than an ES module one.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

export const BUNDLE_FILE = 'roster.bundle.cjs';
export const CODE_CACHE_FILE = 'roster.bundle.cache';
/** Set by the build: run the bundle, then write its code cache (dist/build/bundle.ts). */
export const WRITE_CODE_CACHE = 'ROSTER_WRITE_CODE_CACHE';
const DIGEST_BYTES = 32;

export interface CompiledBundle {
  file: string;
  script: Script;
  /** Whether V8 took the code cache (false: none, one for another bundle, or V8 refused it). */
  cacheUsed: boolean;
  digest: Buffer;
}

/** Compiles the bundle in `directory`, with its code cache when there is one for it. */
export function compileBundle(directory: string): CompiledBundle {
  const file = join(directory, BUNDLE_FILE);
  const bytes = readFileSync(file);
  const digest = createHash('sha256').update(bytes).digest();
  const cachedData = codeCacheFor(digest, join(directory, CODE_CACHE_FILE));
  // Module.wrap: the bundle sees require, module, __filename and __dirname as any CommonJS file does.
  const script = new Script(Module.wrap(bytes.toString('utf8')), { filename: file, cachedData });
  return { file, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected, digest };
}

/** The V8 code cache in `cacheFile` if it was made from the bundle with this digest. */
export function codeCacheFor(digest: Buffer, cacheFile: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return undefined; // no cache: compile as usual
  }
  return cache.length > DIGEST_BYTES && cache.subarray(0, DIGEST_BYTES).equals(digest) ? cache.subarray(DIGEST_BYTES) : undefined;
}

/** Writes what V8 has compiled of the bundle so far, headed by the bundle's digest. */
export function writeCodeCache(bundle: CompiledBundle, cacheFile: string): void {
  writeFileSync(cacheFile, Buffer.concat([bundle.digest, bundle.script.createCachedData()]));
}

function run(directory: string): void {
  const bundle = compileBundle(directory);
  if (process.env[WRITE_CODE_CACHE] === '1') {
    // After the run, so that the functions it called are in the cache as well.
    process.on('exit', () => writeCodeCache(bundle, join(directory, CODE_CACHE_FILE)));
  }
  const bundleModule = new Module(bundle.file, module);
  bundleModule.filename = bundle.file;
  const body = bundle.script.runInThisContext() as (...args: unknown[]) => void;
  body.call(bundleModule.exports, bundleModule.exports, Module.createRequire(bundle.file), bundleModule, bundle.file, directory);
}

if (require.main === module) run(__dirname);
