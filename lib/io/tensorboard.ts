/**
 * Scalar logs that TensorBoard reads (`tensorboard --logdir runs/…`), chapter 4
 * "Watching training". This module writes the file format itself, on every
 * backend; tfjs-node's own `tf.node.summaryFileWriter` is available on request
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
 *   first carries file_version "brain.Event:2", the others
 *   Summary{Value{tag, simple_value}} with wall_time and step.
 *
 * `readEventFile` parses such files back, verifying every checksum.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

export interface SummaryWriter {
  /** Record `value` under `tag` (e.g. 'loss', 'test/elbo') at training step `step`. */
  scalar(tag: string, value: number, step: number): void;
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

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function scalarEvent(tag: string, value: number, step: number, wallTime: number): Uint8Array {
  const summaryValue = new ProtoWriter().string(1, tag).float(2, value).finish(); // Summary.Value{tag=1, simple_value=2}
  const summary = new ProtoWriter().bytesField(1, summaryValue).finish(); // Summary{value=1}
  return new ProtoWriter().double(1, wallTime).int(2, step).bytesField(5, summary).finish(); // Event{wall_time=1, step=2, summary=5}
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

function checkScalar(tag: string, value: number, step: number): void {
  if (typeof tag !== 'string' || tag.length === 0) throw new Error('SummaryWriter.scalar: tag must be a non-empty string');
  if (typeof value !== 'number') throw new Error(`SummaryWriter.scalar: value for '${tag}' must be a number`);
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new Error(`SummaryWriter.scalar: step for '${tag}' must be a non-negative integer, got ${step}`);
  }
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
  return {
    path: file,
    scalar(tag, value, step) {
      if (closed) throw new Error(`SummaryWriter.scalar: writer for ${file} is closed`);
      checkScalar(tag, value, step);
      pending.push(tfRecord(scalarEvent(tag, value, step, Date.now() / 1000)));
      if (pending.length >= 256) flush();
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
    flush: () => w.flush(),
    close() {
      if (closed) return;
      w.flush();
      closed = true;
    },
  };
}

/** A scalar summary writer into `logDir` (created if needed). */
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

function parseEvent(data: Uint8Array, where: string): ScalarEvent[] {
  const r = new ProtoReader(data, where);
  let wallTime = 0;
  let step = 0;
  const values: { tag: string; value: number }[] = [];
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
        let tag = '';
        let value: number | undefined;
        while (!v.done()) {
          const vk = v.varint();
          const vf = Math.floor(vk / 8);
          const vw = vk % 8;
          if (vf === 1 && vw === 2) tag = new TextDecoder().decode(v.bytes());
          else if (vf === 2 && vw === 5) value = v.fixed32().getFloat32(0, true);
          else if (vf === 8 && vw === 2) value = tensorScalar(v.bytes(), where);
          else v.skip(vw);
        }
        if (value !== undefined) values.push({ tag, value });
      }
    } else r.skip(wt);
  }
  return values.map((v) => ({ step, wallTime, tag: v.tag, value: v.value }));
}

/**
 * All scalar values in one event file, in file order. Every record's length and
 * data checksums are verified; a truncated or corrupt file throws, naming the
 * file and the byte offset.
 */
export function readEventFile(file: string): ScalarEvent[] {
  const buf = new Uint8Array(fs.readFileSync(file));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: ScalarEvent[] = [];
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
    out.push(...parseEvent(data, where));
    o += 16 + len;
    index++;
  }
  return out;
}
