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
Object.defineProperty(exports, "__esModule", { value: true });
exports.trainSteps = void 0;
/**
 * Times training steps through the library's own loop (lib/training/train.ts): the
 * step a learner's notebook runs, with its batching, loss read-back and
 * callbacks. train() has no per-step timer, so the step boundaries are the
 * onBatch calls: the time from one call to the next is one whole step as the
 * user gets it (batch copy, forward, backward, Adam, read-back of the loss,
 * the event-loop turn train() yields after each step).
 */
const tf = __importStar(require("@tensorflow/tfjs"));
const dataset_1 = require("../../lib/data/dataset");
const load_1 = require("../../lib/data/load");
const train_1 = require("../../lib/training/train");
const plan_1 = require("./plan");
const stats_1 = require("./stats");
/**
 * Trains `model` for at least `total` steps of BATCH_SIZE examples and
 * returns one mark per step. train() runs whole epochs, so the data is cut
 * to an exact number of full batches (no short last batch to skew a step)
 * and the epochs are as many as `total` needs; at most epochs − 1 extra steps
 * run at the end, and they are not returned.
 */
async function trainSteps(model, total, onMark) {
    const { train: all } = (0, load_1.loadData)();
    const perEpochMax = Math.floor(all.size / plan_1.BATCH_SIZE);
    const epochs = Math.ceil(total / perEpochMax);
    const perEpoch = Math.ceil(total / epochs);
    const data = (0, dataset_1.subset)(all, perEpoch * plan_1.BATCH_SIZE);
    const marks = [];
    await (0, train_1.train)(model, data, {
        epochs,
        batchSize: plan_1.BATCH_SIZE,
        seed: plan_1.SEED,
        progress: false,
        onBatch: (log) => {
            if (marks.length >= total)
                return;
            marks.push({ ms: performance.now(), cpuMs: (0, stats_1.cpuMs)(), loss: log.loss, tfBytes: tf.memory().numBytes });
            onMark?.(marks.length);
        },
    });
    return marks;
}
exports.trainSteps = trainSteps;
