/** The .wat source assembled to wasm bytes (SIMD enabled), for plain or shared memory. */
export declare function assemble(watFile: string, shared?: boolean): Promise<Uint8Array>;
/** The generated TypeScript module for one .wat file. */
export declare function generate(watFile: string): Promise<string>;
