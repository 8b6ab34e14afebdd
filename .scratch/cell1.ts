import * as ts from 'typescript';
import * as fs from 'fs';
import { compileCell } from '../lite/kernel/cell';
const nb = JSON.parse(fs.readFileSync('notebooks/00-data.ipynb', 'utf8'));
const code = nb.cells.filter((c: any) => c.cell_type === 'code')[0].source.join('');
console.log(compileCell(ts, code).code);
const fn = (0, eval)(compileCell(ts, code).code);
fn(() => ({ initBackend: async () => 1, describeBackend: () => 'x', loadData: () => 5, profile: () => 'q' })).then(() => console.log('global loadData', (globalThis as any).loadData));
