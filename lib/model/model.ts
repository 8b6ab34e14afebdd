/**
 * Either model of the book, the autoencoder (chapter 2) or the VAE (chapter 3):
 * what train, evaluate, generate and saveModel accept. The two are told apart
 * by their `kind` ('ae' or 'vae').
 */
import type { Autoencoder } from './autoencoder';
import type { VAE } from './vae';

export type Model = VAE | Autoencoder;
