"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.spread = exports.cpuMs = void 0;
/** This process's CPU time so far (user + system, all threads), ms. */
function cpuMs() {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
}
exports.cpuMs = cpuMs;
/** Median, min and max of a sample (the median of an even count is the mean of the middle two). */
function spread(xs) {
    if (xs.length === 0)
        throw new Error('spread: no values');
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    return { median, min: s[0], max: s[s.length - 1] };
}
exports.spread = spread;
