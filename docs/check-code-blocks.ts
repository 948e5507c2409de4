/**
 * Type-checks every ```ts and ```tsx block of README.md and docs/*.md (`npm run test:docs`):
 * each block becomes a module of its own in a temporary directory, checked by the
 * project's `tsc` with tsconfig.json's options, so `tabsocket`, `tabsocket/react` and the
 * other entries resolve to their sources. docs/examples-prelude.d.ts declares the names an
 * example takes as given. A block whose first line is FRAGMENT_MARKER is skipped.
 * Errors are reported at their line in the Markdown file.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const FRAGMENT_MARKER = '// fragment: not type-checked';

const root = resolve(import.meta.dirname, '..');

interface Block {
  /** The Markdown file, relative to the root. */
  file: string;
  /** Line of the opening fence, 1-based: the block's line n is the file's line `fence + n`. */
  fence: number;
  language: 'ts' | 'tsx';
  code: string;
}

function blocksOf(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const opening = /^```(tsx?)\s*$/.exec(lines[i] ?? '');
    if (!opening) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    if (end === -1) throw new Error(`${file}:${i + 1}: a code block that never ends`);
    blocks.push({
      file,
      fence: i + 1,
      language: opening[1] as 'ts' | 'tsx',
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/** The module name of a block in the temporary directory; `diagnosticsAt` reads it back. */
function moduleName(block: Block): string {
  return `${block.file.replaceAll('/', '__')}__${block.fence}.${block.language}`;
}

/** `tsc`'s diagnostics, with each block's file and line put back to the Markdown's. */
function diagnosticsAt(output: string): string {
  return output.replace(
    /^(\S+?)__(\d+)\.tsx?\((\d+),(\d+)\)/gm,
    (_, file: string, fence: string, line: string, column: string) =>
      `${file.replaceAll('__', '/')}:${Number(fence) + Number(line)}:${column}`,
  );
}

function check(): number {
  const blocks = markdownFiles().flatMap((file) =>
    blocksOf(file, readFileSync(join(root, file), 'utf8')),
  );
  const checked = blocks.filter((block) => !block.code.startsWith(FRAGMENT_MARKER));
  const dir = mkdtempSync(join(tmpdir(), 'tabsocket-docs-'));
  try {
    // Packages the examples import (react, redis, @types/node) resolve from the project's.
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    copyFileSync(join(root, 'docs', 'examples-prelude.d.ts'), join(dir, 'examples-prelude.d.ts'));
    for (const block of checked) {
      // `export {}` makes every block a module: its names are its own, and it may await.
      writeFileSync(join(dir, moduleName(block)), `${block.code}\nexport {};\n`);
    }
    const config = {
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { jsx: 'react-jsx', noEmit: true },
      include: ['*.ts', '*.tsx'],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', dir, '--pretty', 'false'], {
        cwd: dir,
        encoding: 'utf8',
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      console.error(diagnosticsAt(`${stdout ?? ''}${stderr ?? ''}`).trim());
      console.error(`docs: code blocks that do not type-check (of ${checked.length})`);
      return 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const skipped = blocks.length - checked.length;
  console.log(`docs: ${checked.length} code blocks type-check (${skipped} fragments skipped)`);
  return 0;
}

process.exitCode = check();
