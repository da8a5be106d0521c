// Value shaping for fields.config.json: letter case, phone numbers, length. Pure.
import { createRequire } from 'node:module';
import type { CountryCode } from 'libphonenumber-js';
import type * as PhoneLibrary from 'libphonenumber-js';

/**
 * libphonenumber-js, loaded the first time a rule needs it: loading it costs ~55 ms, on every
 * run, and most mappings have no "phone" rule.
 */
export function phoneLibrary(): typeof PhoneLibrary {
  // In the bundle (CommonJS) `require` exists: the npm package's loads the library from
  // node_modules; a single executable's, which loads only Node's built-in modules, has it built in
  // by esbuild (build/bundle.ts), still evaluated only here. From dist/src (an ES module, as the
  // unit tests run) createRequire loads it.
  // The literal require('libphonenumber-js') is what esbuild sees and builds in.
  loaded ??= (
    typeof require === 'function'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle's own require, see above
        require('libphonenumber-js')
      : createRequire(import.meta.url)('libphonenumber-js')
  ) as typeof PhoneLibrary;
  return loaded;
}
let loaded: typeof PhoneLibrary | undefined;

export const TRANSFORMS = ['upper', 'lower', 'title'] as const;
export type Transform = (typeof TRANSFORMS)[number];

export function transformCase(value: string, transform: Transform): string {
  if (transform === 'upper') return value.toLocaleUpperCase();
  if (transform === 'lower') return value.toLocaleLowerCase();
  // Title case that respects names: "jean-pierre o'neil" → "Jean-Pierre O'Neil", any script.
  return value.toLocaleLowerCase().replace(/(^|[\s\-'’])(\p{L})/gu, (_, separator: string, letter: string) => `${separator}${letter.toLocaleUpperCase()}`);
}

/**
 * A phone number in E.164 (+14165550100; an extension is kept as " x23"), or undefined when the
 * text is not a valid number for `country` or internationally: such values are left as they were.
 */
export function toE164(value: string, country: CountryCode): string | undefined {
  const parsed = phoneLibrary().parsePhoneNumberFromString(value, country);
  if (parsed === undefined || !parsed.isValid()) return undefined;
  return parsed.ext ? `${parsed.number} x${parsed.ext}` : parsed.number;
}

/** Cuts to `maxLength` characters (code points, so a character is never split in half). */
export function truncate(value: string, maxLength: number): string | undefined {
  const characters = [...value];
  return characters.length > maxLength ? characters.slice(0, maxLength).join('') : undefined;
}
