// lib/training/posterior.ts: the true posterior of a 2-D VAE on a grid. It sums to 1, its evidence agrees with
// the importance-weighted estimate at large K and lies above the ELBO, the window holds the mass, draws from it
// follow it, and memory stays flat.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend/backend';
import { subset, type Dataset } from '../lib/data/dataset';
import { loadData } from '../lib/data/load';
import { createVAE, type VAE } from '../lib/model/vae';
import { train } from '../lib/training/train';
import { elboPerExample, iwaePerExample } from '../lib/training/evaluate';
import { aggregatePosterior, encodePosteriors, posteriorGrid, samplePosteriorGrid } from '../lib/training/posterior';

let vae: VAE;
let digits: Dataset;

before(async () => {
  await initBackend();
  const split = loadData({ limit: 600 });
  vae = createVAE({ latentDim: 2, hiddenUnits: [64], seed: 0 });
  await train(vae, split.train, { epochs: 3, batchSize: 64, seed: 0 });
  digits = subset(split.test, 4);
});

test('posteriorGrid: normalised, converged, at most the IWAE estimate and above the ELBO, mass inside the window, no leak', () => {
  const before = tf.memory().numTensors;
  const grids = posteriorGrid(vae, digits, { size: 41 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(grids.length, 4);
  const iwae = Array.from(iwaePerExample(vae, digits, { k: 2000, seed: 0 }), (logP) => -logP); // NLL per digit
  const elbo = elboPerExample(vae, digits, { useMean: false, seed: 0 });
  grids.forEach((g, i) => {
    assert.equal(g.posterior.length, 41 * 41);
    assert.ok(Math.abs(g.posterior.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.ok(g.borderMass < 1e-3, `border mass ${g.borderMass}`);
    // IWAE bounds log p(x) from below, so its NLL is at or above the exact one (far above, even at K = 2,000, for a
    // digit whose q is far from its posterior, as on this barely trained model).
    assert.ok(-g.logEvidence <= iwae[i] + 0.05, `digit ${i}: quadrature ${-g.logEvidence} vs IWAE ${iwae[i]}`);
    assert.ok(-g.logEvidence < elbo.recon[i] + elbo.kl[i] + 0.5, 'below the −ELBO (one-sample estimate)');
    assert.ok(Math.abs(g.z0[20] - g.qMean[0]) < 1e-6 && Math.abs(g.z1[20] - g.qMean[1]) < 1e-6, 'centred on q\'s mean');
  });
  // A finer, wider grid gives the same evidence: the quadrature has converged.
  const finer = posteriorGrid(vae, digits, { size: 81, halfWidth: 14 });
  finer.forEach((g, i) => assert.ok(Math.abs(g.logEvidence - grids[i].logEvidence) < 0.05, `digit ${i}: ${g.logEvidence} vs ${grids[i].logEvidence}`));
  // The prior-wide grid (forced here) finds the same evidence.
  const wide = posteriorGrid(vae, digits, { maxBorderMass: -1 });
  wide.forEach((g, i) => {
    assert.equal(g.window, 'prior');
    assert.equal(grids[i].window, 'q');
    assert.ok(Math.abs(g.logEvidence - grids[i].logEvidence) < 0.2, `digit ${i}: ${g.logEvidence} vs ${grids[i].logEvidence}`);
  });
  assert.throws(() => posteriorGrid(vae, digits, { size: 40 }), /size must be odd and ≥ 3, got 40/);
  const threeD = createVAE({ latentDim: 3, hiddenUnits: [8], seed: 0 });
  assert.throws(() => posteriorGrid(threeD, digits), /needs a VAE with latentDim 2 .* got latentDim 3/);
  threeD.dispose();
});

test('samplePosteriorGrid: seeded draws whose mean is the grid posterior\'s mean', () => {
  const [g] = posteriorGrid(vae, subset(digits, 1), { size: 41 });
  const a = samplePosteriorGrid(g, 4000, 1);
  assert.deepEqual(a, samplePosteriorGrid(g, 4000, 1));
  let m0 = 0;
  let e0 = 0;
  for (let k = 0; k < 4000; k++) m0 += a[2 * k] / 4000;
  g.posterior.forEach((p, i) => (e0 += p * g.z0[i % 41]));
  const step = g.z0[1] - g.z0[0];
  assert.ok(Math.abs(m0 - e0) < 2 * step, `sample mean ${m0} vs ${e0}`);
  assert.ok(Math.abs(g.mean[0] - e0) < 1e-4, 'the grid posterior\'s mean');
  assert.ok(g.sd[0] > 0 && g.sd[1] > 0 && Math.abs(g.correlation) <= 1);
});

test('aggregatePosterior: one posterior at the prior is the prior (KL 0, no holes); narrow posteriors leave holes', () => {
  const prior = aggregatePosterior(new Float32Array([0, 0]), new Float32Array([0, 0]), { size: 81, range: 5 });
  assert.ok(Math.abs(prior.klToPrior) < 1e-3, `KL ${prior.klToPrior}`);
  assert.ok(prior.priorMassInHoles < 1e-3);
  // Two narrow posteriors at ±1 on z0: q(z) is far from N(0, I), and most of the prior's mass is in holes.
  const two = aggregatePosterior(new Float32Array([-1, 0, 1, 0]), new Float32Array([-4, -4, -4, -4]), { size: 201, range: 5 });
  // Analytically (the two components barely overlap): KL = −H(q) − E_q[log p] with H(q) = log 2 + 1 + log(2π) − 4
  // and −E_q[log p] = log(2π) + (1 + 2e^-4) / 2, i.e. about 2.825 nats.
  const expected = -(Math.log(2) + 1 + Math.log(2 * Math.PI) - 4) + Math.log(2 * Math.PI) + (1 + 2 * Math.exp(-4)) / 2;
  assert.ok(Math.abs(two.klToPrior - expected) < 0.01, `KL ${two.klToPrior} vs ${expected}`);
  assert.ok(two.priorMassInHoles > 0.8);
  assert.throws(() => aggregatePosterior(new Float32Array([9, 0]), new Float32Array([0, 0])), /of q\(z\)'s mass lies in/);
});

test('encodePosteriors: every example\'s mean and log-variance, as the encoder gives them', () => {
  const { means, logVars } = encodePosteriors(vae, digits, 3);
  assert.equal(means.length, 8);
  const q = tf.tidy(() => vae.encode(tf.tensor2d(digits.images, [4, 784])).mean.dataSync());
  assert.ok(Array.from(q).every((v, i) => Math.abs(v - means[i]) < 1e-5));
  assert.ok(logVars.every((v) => Number.isFinite(v)));
});
