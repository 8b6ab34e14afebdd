/**
 * Logs that TensorBoard reads (`tensorboard --logdir runs/…`), chapter 4
 * "Watching training": scalars, images (PNG) and histograms. This module writes
 * the file format itself, on every backend; tfjs-node's own
 * `tf.node.summaryFileWriter` is available on request for scalars
 * (`implementation: 'tfjs-node'`) but not the default: it cannot be closed, it
 * is cached per folder for the life of the process and keeps five tensors
 * (its resource handle and, in tfjs-node 4.22, the four argument scalars of
 * CreateSummaryFileWriter, never disposed), which a leak check would count.
 * The format:
 *
 * - file `events.out.tfevents.<unix seconds>.<host>.<pid>.<n>`;
 * - a sequence of TFRecords: uint64 length (LE), uint32 masked CRC32C of the
 *   length bytes, the data, uint32 masked CRC32C of the data
 *   (tensorflow/core/lib/io/record_writer.cc);
 * - each record an `Event` protobuf (tensorflow/core/util/event.proto): the
 *   first carries file_version "brain.Event:2", the others one
 *   Summary{Value{tag, simple_value | image | histo}} with wall_time and step
 *   (tensorflow/core/framework/summary.proto: Summary.Image holds the encoded
 *   PNG with its size; HistogramProto min, max, count, sum, sum of squares and
 *   the bucket counts with their right edges).
 *
 * `readSummaries` (and `readEventFile`, its scalars) parse such files back,
 * verifying every checksum.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

export interface SummaryWriter {
  /** Record `value` under `tag` (e.g. 'loss', 'test/elbo') at training step `step`. */
  scalar(tag: string, value: number, step: number): void;
  /** Record a PNG image (e.g. lib/figures/png.ts digitGridPng) under `tag` at `step`. */
  image(tag: string, png: Uint8Array, step: number): void;
  /** Record the distribution of `values` (finite numbers) under `tag` at `step`, in `bins` equal buckets (default 30). */
  histogram(tag: string, values: ArrayLike<number>, step: number, bins?: number): void;
  /** Write buffered records to disk. */
  flush(): void;
  /** Flush and release; further scalars are an error. */
  close(): void;
  /** The event file being written (our writer), or the log folder (tfjs-node's). */
  readonly path: string;
}

export interface ScalarEvent {
  step: number;
  /** Seconds since the Unix epoch when the value was logged. */
  wallTime: number;
  tag: string;
  value: number;
}

export interface ImageEvent {
  step: number;
  wallTime: number;
  tag: string;
  width: number;
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (Summary.Image.colorspace). */
  colorspace: number;
  /** The encoded image (PNG). */
  png: Uint8Array;
}

export interface HistogramEvent {
  step: number;
  wallTime: number;
  tag: string;
  min: number;
  max: number;
  /** Values counted. */
  count: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket (the first bucket starts at `min`). */
  bucketLimits: number[];
  /** Values in each bucket. */
  buckets: number[];
}

/** Everything an event file holds that this module reads, each kind in file order. */
export interface EventFileSummaries {
  scalars: ScalarEvent[];
  images: ImageEvent[];
  histograms: HistogramEvent[];
}

export interface SummaryWriterOptions {
  /** 'auto' and 'builtin': ours, on every backend; 'tfjs-node': tfjs-node's (needs the tensorflow backend). */
  implementation?: 'auto' | 'tfjs-node' | 'builtin';
}

// ---------------------------------------------------------------------------
// CRC32C (Castagnoli), as TFRecord uses.
// ---------------------------------------------------------------------------

let crcTable: Uint32Array | undefined;

/** CRC-32C of `bytes` (reflected polynomial 0x82F63B78); crc32c("123456789") = 0xE3069283. */
export function crc32c(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 and add a constant, so CRCs of CRCs do not collide. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

// ---------------------------------------------------------------------------
// Protobuf encoding of the few Event fields we write.
// ---------------------------------------------------------------------------

class ProtoWriter {
  private bytes: number[] = [];

  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`protobuf: varint ${v} must be a non-negative safe integer`);
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
    return this;
  }

  key(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  double(field: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.key(field, 1).bytes.push(...b);
    return this;
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.key(field, 5).bytes.push(...b);
    return this;
  }

  int(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }

  bytesField(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length).bytes.push(...b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }

  /** A packed repeated double field. */
  doubles(field: number, vs: readonly number[]): this {
    const b = new Uint8Array(8 * vs.length);
    const view = new DataView(b.buffer);
    vs.forEach((v, i) => view.setFloat64(8 * i, v, true));
    return this.bytesField(field, b);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Event{wall_time=1, step=2, summary=5 → Summary{value=1 → `summaryValue`}}. */
function summaryEvent(summaryValue: Uint8Array, step: number, wallTime: number): Uint8Array {
  const summary = new ProtoWriter().bytesField(1, summaryValue).finish();
  return new ProtoWriter().double(1, wallTime).int(2, step).bytesField(5, summary).finish();
}

function scalarEvent(tag: string, value: number, step: number, wallTime: number): Uint8Array {
  return summaryEvent(new ProtoWriter().string(1, tag).float(2, value).finish(), step, wallTime); // Value{tag=1, simple_value=2}
}

/** Width, height and colorspace of PNG bytes, from the IHDR chunk. */
function pngHeader(png: Uint8Array, tag: string): { width: number; height: number; colorspace: number } {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (png.length < 33 || sig.some((b, i) => png[i] !== b)) throw new Error(`SummaryWriter.image: '${tag}' is not PNG bytes (missing the PNG signature)`);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  // PNG colour types 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA → Summary.Image colorspace 1, 3, 2, 4.
  const colorspace = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[png[25]];
  if (colorspace === undefined) throw new Error(`SummaryWriter.image: '${tag}' has PNG colour type ${png[25]}; use grey, RGB or RGBA`);
  return { width: view.getUint32(16), height: view.getUint32(20), colorspace };
}

function imageEvent(tag: string, png: Uint8Array, step: number, wallTime: number): Uint8Array {
  const { width, height, colorspace } = pngHeader(png, tag);
  // Summary.Image{height=1, width=2, colorspace=3, encoded_image_string=4}
  const image = new ProtoWriter().int(1, height).int(2, width).int(3, colorspace).bytesField(4, png).finish();
  return summaryEvent(new ProtoWriter().string(1, tag).bytesField(4, image).finish(), step, wallTime); // Value{tag=1, image=4}
}

/** HistogramProto of finite `values` in `bins` equal-width buckets between their min and max. */
function histogramProto(tag: string, values: ArrayLike<number>, bins: number): Uint8Array {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`SummaryWriter.histogram: bins for '${tag}' must be a positive integer, got ${bins}`);
  let [min, max, sum, sumSquares] = [Infinity, -Infinity, 0, 0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`SummaryWriter.histogram: '${tag}' holds a non-finite value (${v}) at index ${i}`);
    [min, max, sum, sumSquares] = [Math.min(min, v), Math.max(max, v), sum + v, sumSquares + v * v];
  }
  if (values.length === 0) throw new Error(`SummaryWriter.histogram: '${tag}' has no values`);
  const width = (max - min) / bins;
  const limits = Array.from({ length: bins }, (_, k) => (k === bins - 1 ? max : min + (k + 1) * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) counts[width > 0 ? Math.min(bins - 1, Math.floor((values[i] - min) / width)) : bins - 1]++;
  // HistogramProto{min=1, max=2, num=3, sum=4, sum_squares=5, bucket_limit=6 (packed), bucket=7 (packed)}
  return new ProtoWriter().double(1, min).double(2, max).double(3, values.length).double(4, sum).double(5, sumSquares).doubles(6, limits).doubles(7, counts).finish();
}

function histogramEvent(tag: string, values: ArrayLike<number>, bins: number, step: number, wallTime: number): Uint8Array {
  return summaryEvent(new ProtoWriter().string(1, tag).bytesField(5, histogramProto(tag, values, bins)).finish(), step, wallTime); // Value{tag=1, histo=5}
}

function fileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).string(3, 'brain.Event:2').finish(); // Event{file_version=3}
}

/** One TFRecord around `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length % 0x100000000, true);
  view.setUint32(4, Math.floor(data.length / 0x100000000), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// ---------------------------------------------------------------------------
// Writers.
// ---------------------------------------------------------------------------

let fileCounter = 0;

function checkTagStep(kind: string, tag: string, step: number): void {
  if (typeof tag !== 'string' || tag.length === 0) throw new Error(`SummaryWriter.${kind}: tag must be a non-empty string`);
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new Error(`SummaryWriter.${kind}: step for '${tag}' must be a non-negative integer, got ${step}`);
  }
}

function checkScalar(tag: string, value: number, step: number): void {
  checkTagStep('scalar', tag, step);
  if (typeof value !== 'number') throw new Error(`SummaryWriter.scalar: value for '${tag}' must be a number`);
}

function builtinWriter(logDir: string): SummaryWriter {
  fs.mkdirSync(logDir, { recursive: true });
  const now = Date.now() / 1000;
  const name = `events.out.tfevents.${Math.floor(now)}.${os.hostname()}.${process.pid}.${fileCounter++}`;
  const file = path.join(logDir, name);
  fs.writeFileSync(file, tfRecord(fileVersionEvent(now)));
  let pending: Uint8Array[] = [];
  let closed = false;
  const flush = (): void => {
    if (pending.length === 0) return;
    fs.appendFileSync(file, Buffer.concat(pending));
    pending = [];
  };
  const add = (kind: string, event: () => Uint8Array): void => {
    if (closed) throw new Error(`SummaryWriter.${kind}: writer for ${file} is closed`);
    pending.push(tfRecord(event()));
    if (pending.length >= 256) flush();
  };
  return {
    path: file,
    scalar(tag, value, step) {
      checkScalar(tag, value, step);
      add('scalar', () => scalarEvent(tag, value, step, Date.now() / 1000));
    },
    image(tag, png, step) {
      checkTagStep('image', tag, step);
      add('image', () => imageEvent(tag, png, step, Date.now() / 1000));
    },
    histogram(tag, values, step, bins = 30) {
      checkTagStep('histogram', tag, step);
      add('histogram', () => histogramEvent(tag, values, bins, step, Date.now() / 1000));
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
    },
  };
}

interface TfjsNodeSummaryWriter {
  scalar(name: string, value: number, step: number): void;
  flush(): void;
}

function tfjsNodeWriter(logDir: string): SummaryWriter {
  // Requiring tfjs-node switches the process to its backend as a side effect; only do it when it is active.
  if (tf.getBackend() !== 'tensorflow') {
    throw new Error(`createSummaryWriter: implementation 'tfjs-node' needs the tensorflow backend, but '${tf.getBackend()}' is active; use 'builtin'`);
  }
  let node: { summaryFileWriter(logdir: string): TfjsNodeSummaryWriter } | undefined;
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      node = (require(pkg) as { node: typeof node }).node;
      break;
    } catch {
      // try the next package
    }
  }
  if (!node) throw new Error('createSummaryWriter: tfjs-node is not installed; use implementation: \'builtin\'');
  fs.mkdirSync(logDir, { recursive: true });
  const w = node.summaryFileWriter(logDir);
  let closed = false;
  return {
    path: logDir,
    scalar(tag, value, step) {
      if (closed) throw new Error(`SummaryWriter.scalar: writer for ${logDir} is closed`);
      checkScalar(tag, value, step);
      w.scalar(tag, value, step);
    },
    image() {
      throw new Error("SummaryWriter.image: tfjs-node's writer has no image summaries; use implementation 'builtin'");
    },
    histogram() {
      throw new Error("SummaryWriter.histogram: use implementation 'builtin' (tfjs-node's writer takes tensors)");
    },
    flush: () => w.flush(),
    close() {
      if (closed) return;
      w.flush();
      closed = true;
    },
  };
}

/** A summary writer into `logDir` (created if needed). */
export function createSummaryWriter(logDir: string, opts: SummaryWriterOptions = {}): SummaryWriter {
  const impl = opts.implementation ?? 'auto';
  if (impl === 'tfjs-node') return tfjsNodeWriter(logDir);
  if (impl !== 'auto' && impl !== 'builtin') {
    throw new Error(`createSummaryWriter: implementation must be 'auto', 'builtin' or 'tfjs-node', got '${String(impl)}'`);
  }
  return builtinWriter(logDir);
}

/** Event files in a log folder (not recursive), sorted by name. */
export function findEventFiles(logDir: string): string[] {
  return fs
    .readdirSync(logDir)
    .filter((f) => f.includes('tfevents'))
    .sort()
    .map((f) => path.join(logDir, f));
}

// ---------------------------------------------------------------------------
// Reading.
// ---------------------------------------------------------------------------

class ProtoReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array, private readonly where: string) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error(`${this.where}: protobuf field runs past the end of the record`);
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new Error(`${this.where}: malformed varint`);
  }

  fixed64(): DataView {
    this.need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return v;
  }

  fixed32(): DataView {
    this.need(4);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4);
    this.pos += 4;
    return v;
  }

  bytes(): Uint8Array {
    const n = this.varint();
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.fixed64();
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.fixed32();
    else throw new Error(`${this.where}: unsupported protobuf wire type ${wireType}`);
  }
}

/** A scalar from a TensorProto (how tfjs-node's writer stores scalars): DT_FLOAT or DT_DOUBLE. */
function tensorScalar(buf: Uint8Array, where: string): number | undefined {
  const r = new ProtoReader(buf, where);
  let dtype = 0;
  let content: Uint8Array | undefined;
  let value: number | undefined;
  while (!r.done()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wt = key % 8;
    if (field === 1 && wt === 0) dtype = r.varint();
    else if (field === 4 && wt === 2) content = r.bytes();
    else if (field === 5 && wt === 5) value = r.fixed32().getFloat32(0, true);
    else if (field === 5 && wt === 2) {
      const packed = r.bytes();
      if (packed.length >= 4) value = new DataView(packed.buffer, packed.byteOffset, 4).getFloat32(0, true);
    } else if (field === 6 && wt === 1) value = r.fixed64().getFloat64(0, true);
    else if (field === 6 && wt === 2) {
      const packed = r.bytes();
      if (packed.length >= 8) value = new DataView(packed.buffer, packed.byteOffset, 8).getFloat64(0, true);
    } else r.skip(wt);
  }
  if (value === undefined && content) {
    const v = new DataView(content.buffer, content.byteOffset, content.byteLength);
    if (dtype === 1 && content.length >= 4) value = v.getFloat32(0, true);
    if (dtype === 2 && content.length >= 8) value = v.getFloat64(0, true);
  }
  return value;
}

function readImage(buf: Uint8Array, where: string): Omit<ImageEvent, 'step' | 'wallTime' | 'tag'> {
  const r = new ProtoReader(buf, where);
  const img = { width: 0, height: 0, colorspace: 0, png: new Uint8Array(0) };
  while (!r.done()) {
    const key = r.varint();
    const [field, wt] = [Math.floor(key / 8), key % 8];
    if (field === 1 && wt === 0) img.height = r.varint();
    else if (field === 2 && wt === 0) img.width = r.varint();
    else if (field === 3 && wt === 0) img.colorspace = r.varint();
    else if (field === 4 && wt === 2) img.png = r.bytes().slice();
    else r.skip(wt);
  }
  return img;
}

function packedDoubles(b: Uint8Array): number[] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: Math.floor(b.length / 8) }, (_, i) => view.getFloat64(8 * i, true));
}

function readHistogram(buf: Uint8Array, where: string): Omit<HistogramEvent, 'step' | 'wallTime' | 'tag'> {
  const r = new ProtoReader(buf, where);
  const h = { min: 0, max: 0, count: 0, sum: 0, sumSquares: 0, bucketLimits: [] as number[], buckets: [] as number[] };
  while (!r.done()) {
    const key = r.varint();
    const [field, wt] = [Math.floor(key / 8), key % 8];
    if (field >= 1 && field <= 5 && wt === 1) {
      const v = r.fixed64().getFloat64(0, true);
      if (field === 1) h.min = v;
      else if (field === 2) h.max = v;
      else if (field === 3) h.count = v;
      else if (field === 4) h.sum = v;
      else h.sumSquares = v;
    } else if ((field === 6 || field === 7) && wt === 2) (field === 6 ? h.bucketLimits : h.buckets).push(...packedDoubles(r.bytes()));
    else if ((field === 6 || field === 7) && wt === 1) (field === 6 ? h.bucketLimits : h.buckets).push(r.fixed64().getFloat64(0, true));
    else r.skip(wt);
  }
  return h;
}

function parseEvent(data: Uint8Array, where: string, out: EventFileSummaries): void {
  const r = new ProtoReader(data, where);
  let wallTime = 0;
  let step = 0;
  const values: { tag: string; value?: number; image?: ReturnType<typeof readImage>; histo?: ReturnType<typeof readHistogram> }[] = [];
  while (!r.done()) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wt = key % 8;
    if (field === 1 && wt === 1) wallTime = r.fixed64().getFloat64(0, true);
    else if (field === 2 && wt === 0) step = r.varint();
    else if (field === 5 && wt === 2) {
      const summary = new ProtoReader(r.bytes(), where);
      while (!summary.done()) {
        const sk = summary.varint();
        if (Math.floor(sk / 8) !== 1 || sk % 8 !== 2) {
          summary.skip(sk % 8);
          continue;
        }
        const v = new ProtoReader(summary.bytes(), where);
        const entry: (typeof values)[number] = { tag: '' };
        while (!v.done()) {
          const vk = v.varint();
          const vf = Math.floor(vk / 8);
          const vw = vk % 8;
          if (vf === 1 && vw === 2) entry.tag = new TextDecoder().decode(v.bytes());
          else if (vf === 2 && vw === 5) entry.value = v.fixed32().getFloat32(0, true);
          else if (vf === 4 && vw === 2) entry.image = readImage(v.bytes(), where);
          else if (vf === 5 && vw === 2) entry.histo = readHistogram(v.bytes(), where);
          else if (vf === 8 && vw === 2) entry.value = tensorScalar(v.bytes(), where);
          else v.skip(vw);
        }
        values.push(entry);
      }
    } else r.skip(wt);
  }
  // Event fields may come in any order: step and wall time are known only at the end of the record.
  for (const { tag, value, image, histo } of values) {
    if (value !== undefined) out.scalars.push({ step, wallTime, tag, value });
    if (image) out.images.push({ step, wallTime, tag, ...image });
    if (histo) out.histograms.push({ step, wallTime, tag, ...histo });
  }
}

/** All scalar values in one event file, in file order (see readSummaries). */
export function readEventFile(file: string): ScalarEvent[] {
  return readSummaries(file).scalars;
}

/**
 * The scalars, images and histograms of one event file, each in file order.
 * Every record's length and data checksums are verified; a truncated or corrupt
 * file throws, naming the file and the byte offset.
 */
export function readSummaries(file: string): EventFileSummaries {
  const buf = new Uint8Array(fs.readFileSync(file));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: EventFileSummaries = { scalars: [], images: [], histograms: [] };
  let o = 0;
  let index = 0;
  while (o < buf.length) {
    const where = `readEventFile: ${file}, record ${index} at byte ${o}`;
    if (o + 12 > buf.length) throw new Error(`${where}: truncated record header (${buf.length - o} bytes left)`);
    const lengthBytes = buf.subarray(o, o + 8);
    if (view.getUint32(o + 8, true) !== maskedCrc32c(lengthBytes)) throw new Error(`${where}: length checksum mismatch (corrupt file)`);
    const len = view.getUint32(o, true) + view.getUint32(o + 4, true) * 0x100000000;
    if (o + 12 + len + 4 > buf.length) throw new Error(`${where}: truncated record (needs ${len} data bytes + 4 CRC bytes)`);
    const data = buf.subarray(o + 12, o + 12 + len);
    if (view.getUint32(o + 12 + len, true) !== maskedCrc32c(data)) throw new Error(`${where}: data checksum mismatch (corrupt file)`);
    parseEvent(data, where, out);
    o += 16 + len;
    index++;
  }
  return out;
}
