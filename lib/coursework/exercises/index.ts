// Written by scripts/codegen/exercises.ts from the files of this folder (one module per exercise): do not edit.
import * as bernoulliLl from './bernoulli-ll';
import * as betaSweep from './beta-sweep';
import * as elbo from './elbo';
import * as fitGaussian from './fit-gaussian';
import * as iwae from './iwae';
import * as klWarmup from './kl-warmup';
import * as kl from './kl';
import * as lerp from './lerp';
import * as reparameterize from './reparameterize';
import * as slerp from './slerp';

export const MODULES = [bernoulliLl, betaSweep, elbo, fitGaussian, iwae, klWarmup, kl, lerp, reparameterize, slerp] as const;
