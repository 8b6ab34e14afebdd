export interface MachineInfo {
    cpuModel: string;
    cores: number;
    memoryGiB: number;
    platform: string;
    node: string;
    /** Versions of the TF.js packages that resolve from here (absent: not installed). */
    packages: Record<string, string>;
    /** HEAD, with '+changes' when the working tree differs from it (other work in progress is measured too). */
    commit: string;
}
export declare function machineInfo(): MachineInfo;
/** The 1-minute load average: how busy the machine was besides this benchmark (≥ cores: every core was taken). */
export declare function load1(): number;
