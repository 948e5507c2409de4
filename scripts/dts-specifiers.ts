/**
 * Gives every relative import in the emitted declarations (dist/types) its file: `'./x'`
 * becomes `'./x.js'`, `'../y'` `'../y/index.js'`, after checking that the declaration it
 * names exists. Run by `npm run build` after tsc.
 *
 * Why here and not in the sources: TypeScript under `moduleResolution: node16`/`nodenext`
 * reads a `.d.ts` of a `"type": "module"` package as ESM, where an import without its file
 * does not resolve (TS2834), and with `skipLibCheck` every entry's types then silently
 * become `any`. Writing `.js` into each of the sources' hundreds of relative imports would
 * touch every file other work edits too, for no gain in the bundled JavaScript; one bundled
 * `.d.ts` per entry would need a tool the repository does not have (api-extractor, rollup-
 * plugin-dts) and would repeat the shared types in each. The rewrite is mechanical and checked.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** `from '…'`, `import '…'` and `import('…')`, with a relative specifier. */
const RELATIVE_SPECIFIER =
  /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*|\.{1,2})\2/g;

/** The specifier with its file, or an error when no declaration is there. */
function withFile(specifier: string, fromFile: string): string {
  if (specifier.endsWith('.js')) return specifier;
  const target = resolve(dirname(fromFile), specifier);
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier.replace(/\/$/, '')}/index.js`;
  throw new Error(
    `${fromFile}: no declaration for '${specifier}' (looked for ${target}.d.ts and ${target}/index.d.ts)`,
  );
}

function declarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const root = process.argv[2];
if (!root) throw new Error('usage: tsx scripts/dts-specifiers.ts <declarations dir>');
let rewritten = 0;
for (const file of declarations(root)) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(
    RELATIVE_SPECIFIER,
    (_match, keyword: string, quote: string, specifier: string) =>
      `${keyword}${quote}${withFile(specifier, file)}${quote}`,
  );
  if (fixed !== text) {
    writeFileSync(file, fixed);
    rewritten += 1;
  }
}
console.log(`dts-specifiers: relative imports given their files in ${rewritten} declarations`);
