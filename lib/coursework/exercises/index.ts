// Written by scripts/codegen/exercises.ts from the files of this folder (one module per exercise): do not edit.
import * as bernoulliLl from './bernoulli-ll';
import * as betaSweep from './beta-sweep';
import * as capstone from './capstone';
import * as continuousBernoulli from './continuous-bernoulli';
import * as cvae from './cvae';
import * as debugArticle from './debug-article';
import * as elboGap from './elbo-gap';
import * as elbo from './elbo';
import * as fitGaussian from './fit-gaussian';
import * as freeBits from './free-bits';
import * as independentPixels from './independent-pixels';
import * as iwae from './iwae';
import * as klWarmup from './kl-warmup';
import * as kl from './kl';
import * as latentReading from './latent-reading';
import * as lerp from './lerp';
import * as networks from './networks';
import * as pixelsReading from './pixels-reading';
import * as reparameterize from './reparameterize';
import * as slerp from './slerp';
import * as sweepReading from './sweep-reading';
import * as trainLoop from './train-loop';
import * as trainStep from './train-step';

export const MODULES = [bernoulliLl, betaSweep, capstone, continuousBernoulli, cvae, debugArticle, elboGap, elbo, fitGaussian, freeBits, independentPixels, iwae, klWarmup, kl, latentReading, lerp, networks, pixelsReading, reparameterize, slerp, sweepReading, trainLoop, trainStep] as const;
