/** A value as text for console.log and a cell's result, close to what Node's util.inspect shows in tslab. */
export function formatValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return depth === 0 ? `'${value}'` : `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `[Function: ${value.name || '(anonymous)'}]`;
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (depth > 2) return Array.isArray(value) ? '[Array]' : '[Object]';
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = Array.from(value as unknown as ArrayLike<number>);
    const shown = arr.slice(0, 100).map(String).join(', ');
    return `${value.constructor.name}(${arr.length}) [ ${shown}${arr.length > 100 ? `, ... ${arr.length - 100} more items` : ''} ]`;
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, 100).map((v) => formatValue(v, depth + 1));
    if (value.length > 100) items.push(`... ${value.length - 100} more items`);
    return `[ ${items.join(', ')} ]`;
  }
  if (value instanceof Map) return `Map(${value.size}) { ${Array.from(value, ([k, v]) => `${formatValue(k, depth + 1)} => ${formatValue(v, depth + 1)}`).join(', ')} }`;
  if (value instanceof Set) return `Set(${value.size}) { ${Array.from(value, (v) => formatValue(v, depth + 1)).join(', ')} }`;
  const obj = value as Record<string, unknown>;
  if (typeof obj.toString === 'function' && obj.toString !== Object.prototype.toString && !(Symbol.iterator in obj)) {
    const s = String(obj.toString());
    if (!s.startsWith('[object')) return s;
  }
  const keys = Object.keys(obj);
  const name = obj.constructor && obj.constructor !== Object ? `${(obj.constructor as { name?: string }).name ?? ''} ` : '';
  if (keys.length === 0) return `${name}{}`;
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
  return `${name}{ ${keys.map((k) => `${key(k)}: ${formatValue(obj[k], depth + 1)}`).join(', ')} }`;
}
