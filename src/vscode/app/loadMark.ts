// Imported first by extension.ts, so it is evaluated before the rest of the bundle; extension.ts marks the end
// of its own evaluation, so the difference is what evaluating the extension's modules cost. Compiling the
// bundle comes before and is not in it; VS Code's own figure ("Developer: Show Running Extensions") counts
// loading the bundle plus the activate() call.
export const BUNDLE_EVALUATION_STARTED = performance.now();
