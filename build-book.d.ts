import { BuildOptions } from './scripts/bookgen/build';
export declare function parseArgs(argv: string[], root: string): BuildOptions;
