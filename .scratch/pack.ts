import { loadDigits } from '../lib/data/load';
import { packDigits, unpackDigits } from '../lib/data/packed';
import { gzipSync } from 'fflate';
const d = loadDigits();
const b = packDigits(d);
const u = unpackDigits(b);
let same = u.images.every((v, i) => v === d.images[i]) && u.labels.every((v, i) => v === d.labels[i]);
console.log(b.length, gzipSync(b, { level: 9 }).length, same);
