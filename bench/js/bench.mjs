// Times JS pixelmatch 7.2.0 (count-only, output = null) on the diffbench screenshots.
// Usage: node bench.mjs EVAL_DIFFBENCH_DIR [RUNS] [WARMUP]; prints one JSON object.
// PNGs are decoded once; only the pixelmatch calls are timed.
import fs from 'node:fs';
import path from 'node:path';
import {PNG} from 'pngjs';
import pixelmatch from 'pixelmatch';

const [dir, runsArg = '21', warmupArg = '3'] = process.argv.slice(2);
const runs = Number(runsArg);
const warmup = Number(warmupArg);
const load = name => PNG.sync.read(fs.readFileSync(path.join(dir, `${name}_1280x800.png`)));

const median = xs => {
    const s = [...xs].sort((p, q) => p - q);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const base = load('a');
const result = {runs, warmup, node: process.version, cases: {}};
for (const other of ['b', 'noise', 'shift']) {
    const img = load(other);
    const call = () => pixelmatch(base.data, img.data, null, base.width, base.height);
    // warm-up lets the JIT compile the hot loops, as it would in a long-lived process
    for (let i = 0; i < warmup; i++) call();
    const times = [];
    let mismatched = 0;
    for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint();
        mismatched = call();
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    result.cases[other] = {mismatched, median_ms: median(times), min_ms: Math.min(...times), times_ms: times};
}
console.log(JSON.stringify(result));
