// build.mjs bundles the command-hall web app into dist/, which the Go
// package frontend embeds. The output is flat and every file but index.html
// carries a content hash in its name, so the server can let browsers keep
// them for good. Nothing in the output points outside our origin: MapLibre's
// worker, the style sheets and the CJK font files are all copied here.
//
// Usage: node build.mjs   (after npm ci)
import * as esbuild from 'esbuild';
import {createHash} from 'node:crypto';
import {createRequire} from 'node:module';
import {copyFile, mkdir, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {brotliCompressSync, constants as zlib, gzipSync} from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const require = createRequire(import.meta.url);

// hashed names the file like esbuild does: name-XXXXXXXX.ext, eight
// upper-case letters or digits of the content's hash.
function hashed(file, body) {
  const ext = path.extname(file);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 8).toUpperCase();
  return `${path.basename(file, ext)}-${hash}${ext}`;
}

// cleanDist empties dist/ but keeps the committed placeholder.
async function cleanDist() {
  await mkdir(dist, {recursive: true});
  for (const name of await readdir(dist)) {
    if (name !== '.keep') await rm(path.join(dist, name), {recursive: true, force: true});
  }
}

// fontFacesOf reads the @font-face rules of the fontsource package: which
// file covers which Unicode ranges. The map needs the same list for its
// style's font-faces, so that labels are drawn with the UI's font.
async function fontFacesOf(cssFile) {
  const css = await readFile(cssFile, 'utf8');
  const faces = [];
  for (const [, body] of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
    const src = /url\(([^)]+\.woff2)\)/.exec(body);
    const range = /unicode-range:\s*([^;]+);/.exec(body);
    if (!src || !range) throw new Error(`unexpected @font-face in ${cssFile}: ${body}`);
    faces.push({
      source: path.resolve(path.dirname(cssFile), src[1].replace(/^['"]|['"]$/g, '')),
      ranges: range[1].split(',').map((r) => r.trim()).filter(Boolean),
    });
  }
  if (faces.length === 0) throw new Error(`no @font-face in ${cssFile}`);
  return faces;
}

async function build() {
  await cleanDist();

  // MapLibre 6 runs its work in a module worker loaded from a URL; the
  // app points setWorkerUrl at this same-origin copy (no blob: needed,
  // so a strict Content-Security-Policy holds).
  const workerSource = require.resolve('maplibre-gl/dist/maplibre-gl-worker.mjs');
  const workerBody = await readFile(workerSource);
  const workerFile = hashed('maplibre-gl-worker.mjs', workerBody);
  await writeFile(path.join(dist, workerFile), workerBody);

  // The style sheets, with the font files copied and renamed by esbuild.
  const css = await esbuild.build({
    entryPoints: {app: path.join(here, 'src/app.css')},
    bundle: true,
    minify: true,
    outdir: dist,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    loader: {'.woff2': 'file'},
    metafile: true,
    logLevel: 'warning',
  });

  // Where each font file went, for the map style's font-faces.
  const fontCSS = require.resolve('@fontsource-variable/noto-sans-sc/index.css');
  const faces = await fontFacesOf(fontCSS);
  const outputOf = new Map();
  for (const [out, meta] of Object.entries(css.metafile.outputs)) {
    for (const input of Object.keys(meta.inputs)) outputOf.set(path.resolve(here, input), path.basename(out));
  }
  const fontFaces = faces.map((f) => {
    const file = outputOf.get(f.source);
    if (!file) throw new Error(`font file ${f.source} was not copied by the CSS build`);
    return {file, ranges: f.ranges};
  });
  const cssFile = Object.keys(css.metafile.outputs).map((o) => path.basename(o)).find((o) => o.endsWith('.css'));

  // The script, with what the build learned handed in as a module.
  const buildInfo = {
    name: 'onemap-build',
    setup(b) {
      b.onResolve({filter: /^onemap:build$/}, (args) => ({path: args.path, namespace: 'onemap'}));
      b.onLoad({filter: /.*/, namespace: 'onemap'}, () => ({
        contents: `export const workerFile = ${JSON.stringify(workerFile)};\n` +
          `export const fontFaces = ${JSON.stringify(fontFaces)};\n`,
        loader: 'js',
      }));
    },
  };
  const js = await esbuild.build({
    entryPoints: {app: path.join(here, 'src/main.js')},
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: dist,
    entryNames: '[name]-[hash]',
    plugins: [buildInfo],
    metafile: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const jsFile = Object.keys(js.metafile.outputs).map((o) => path.basename(o)).find((o) => o.endsWith('.js'));

  const page = (await readFile(path.join(here, 'src/index.html'), 'utf8'))
    .replace('%CSS%', cssFile)
    .replace('%JS%', jsFile);
  await writeFile(path.join(dist, 'index.html'), page);

  await compressAll();
  await report();
}

// compressible are the outputs worth compressing (woff2 is compressed).
const compressible = /\.(js|mjs|css|html)$/;

// compressAll writes beside each text output its brotli (.br) and gzip
// (.gz) copies at the highest levels, which the server sends as they are
// (server/app.go): compressing once here costs seconds a page load would
// otherwise pay on every request, and brotli at 11 is smaller than any
// gzip a server would make on the fly.
async function compressAll() {
  for (const name of await readdir(dist)) {
    if (!compressible.test(name)) continue;
    const body = await readFile(path.join(dist, name));
    await writeFile(path.join(dist, `${name}.br`), brotliCompressSync(body, {params: {
      [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
      [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
    }}));
    await writeFile(path.join(dist, `${name}.gz`), gzipSync(body, {level: 9}));
  }
}

// report prints each kind of output with its size on the wire: raw, and
// the gzip and brotli copies the server sends.
async function report() {
  const groups = new Map();
  const names = await readdir(dist);
  const size = async (name) => (names.includes(name) ? (await stat(path.join(dist, name))).size : null);
  for (const name of names) {
    if (name === '.keep' || /\.(br|gz)$/.test(name)) continue;
    const kind = name.endsWith('.woff2') ? 'fonts (*.woff2, loaded per Unicode range)' : name;
    const g = groups.get(kind) ?? {files: 0, raw: 0, gzip: 0, br: 0};
    const raw = await size(name);
    g.files++;
    g.raw += raw;
    g.gzip += (await size(`${name}.gz`)) ?? raw;
    g.br += (await size(`${name}.br`)) ?? raw;
    groups.set(kind, g);
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(12);
  console.log(`${'dist/'.padEnd(48)}${'raw'.padStart(12)}${'gzip'.padStart(12)}${'brotli'.padStart(12)}`);
  for (const [kind, g] of groups) {
    const label = g.files > 1 ? `${kind} ×${g.files}` : kind;
    console.log(`${label.padEnd(48)}${kb(g.raw)}${kb(g.gzip)}${kb(g.br)}`);
  }
}

build().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
