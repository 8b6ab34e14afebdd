// Readers the figure tests share: a strict XML parser (is an SVG well-formed, and what does it draw) and a
// strict PNG decoder (what do the pixels of a digit grid, an embedded heat map or a TensorBoard image hold).
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside the element, entities decoded. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string, where: string): string {
  return s.replace(/&([^;]*);|&/g, (m, name: string | undefined) => {
    if (name === undefined) throw new Error(`XML: bare '&' in ${where}`);
    if (name in ENTITIES) return ENTITIES[name];
    if (/^#\d+$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
    if (/^#x[0-9a-f]+$/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    throw new Error(`XML: unknown entity ${m} in ${where}`);
  });
}

/**
 * Parses a well-formed XML document with one root element (no DTD, processing instructions or CDATA, which
 * the library never writes); throws on anything that is not well-formed: unbalanced or crossed tags, an
 * attribute without quotes or given twice, a bare '<' or '&', text outside the root.
 */
export function parseXml(xml: string): XmlElement {
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  const attr = /\s+([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const chunk = xml.slice(pos, lt === -1 ? xml.length : lt);
    if (chunk.length) {
      if (stack.length === 0) {
        if (chunk.trim()) throw new Error(`XML: text outside the root element at ${pos}: ${chunk.slice(0, 40)}`);
      } else stack[stack.length - 1].text += decodeEntities(chunk, `text at ${pos}`);
    }
    if (lt === -1) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end === -1) throw new Error(`XML: unterminated comment at ${lt}`);
      pos = end + 3;
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`XML: malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [whole, close, name, attrText, selfClose] = m;
    pos = lt + whole.length;
    if (close) {
      if (attrText || selfClose) throw new Error(`XML: malformed closing tag </${name}> at ${lt}`);
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`XML: </${name}> at ${lt} closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    if (stack.length === 0 && root) throw new Error(`XML: a second root element <${name}> at ${lt}`);
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (const a of attrText.matchAll(attr)) {
      if (a[1] in el.attrs) throw new Error(`XML: attribute ${a[1]} twice on <${name}> at ${lt}`);
      el.attrs[a[1]] = decodeEntities(a[2] ?? a[3] ?? '', `attribute ${a[1]} of <${name}>`);
    }
    if (stack.length) stack[stack.length - 1].children.push(el);
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length) throw new Error(`XML: <${stack[stack.length - 1].name}> is never closed`);
  if (!root) throw new Error('XML: no root element');
  return root;
}

/** Every element of the tree (depth first, the root included) that `match` accepts. */
export function findAll(root: XmlElement, match: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (match(e)) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** Bitwise CRC-32, independent of the table version in lib/figures/png.ts. */
export function slowCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  /** 1 (grey) or 3 (RGB). */
  channels: number;
  interlace: number;
  chunkTypes: string[];
  /** Row-major, `channels` values per pixel. */
  pixels: Uint8Array;
}

/** A strict reader for the subset of PNG that encodePng writes (8-bit grey or RGB, filter 0); checks every CRC. */
export function decodePng(png: Uint8Array): DecodedPng {
  assert.deepEqual(Array.from(png.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let o = 8;
  const chunkTypes: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: Uint8Array | undefined;
  while (o < png.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + len);
    const crc = view.getUint32(o + 8 + len);
    assert.equal(crc, slowCrc32(png.subarray(o + 4, o + 8 + len)), `CRC of ${type}`);
    chunkTypes.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    o += 12 + len;
  }
  assert.equal(o, png.length, 'no trailing bytes');
  assert.ok(ihdr && ihdr.length === 13, 'IHDR of 13 bytes');
  const h = new DataView(ihdr.buffer, ihdr.byteOffset, 13);
  const width = h.getUint32(0);
  const height = h.getUint32(4);
  const colourType = ihdr[9];
  assert.ok(colourType === 0 || colourType === 2, `colour type 0 or 2, got ${colourType}`);
  const channels = colourType === 0 ? 1 : 3;
  const rowBytes = width * channels;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, height * (rowBytes + 1));
  const pixels = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (rowBytes + 1)], 0, `filter byte of row ${y}`);
    pixels.set(raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1)), y * rowBytes);
  }
  return { width, height, bitDepth: ihdr[8], colourType, channels, interlace: ihdr[12], chunkTypes, pixels };
}
