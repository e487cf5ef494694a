/**
 * Minimal type declarations for the parts of npm `cli-progress` 3.12 that the engine uses.
 * @module
 */
declare namespace cliProgress {
  /** A single progress bar. */
  interface SingleBar {
    /** Sets the current value and payload. */
    update(value: number, payload?: Record<string, string>): void;
    /** Sets the total. */
    setTotal(total: number): void;
    /** Returns the total. */
    getTotal(): number;
    /** Stops the bar. */
    stop(): void;
  }
  /** Several bars redrawn together. */
  interface MultiBar {
    /** Adds a bar. */
    create(total: number, start: number, payload?: Record<string, string>): SingleBar;
    /** Prints a line above the bars. */
    log(text: string): void;
    /** Stops every bar. */
    stop(): void;
  }
  /** Bar options. */
  interface Options {
    format?: string;
    clearOnComplete?: boolean;
    hideCursor?: boolean;
  }
}
declare const cliProgress: {
  MultiBar: new (options: cliProgress.Options, preset?: unknown) => cliProgress.MultiBar;
  Presets: { shades_classic: unknown };
};
export default cliProgress;
