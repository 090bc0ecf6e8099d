import { SingleBar, Presets } from 'cli-progress';

/** A progress bar on stderr; it draws only when stderr is a terminal, so pipes, CI logs and tests stay clean. */
export interface ProgressBar {
  increment(by?: number): void;
  stop(): void;
}

/** Starts a progress bar of `total` units (`unit` names them, e.g. MB or runs) labelled `label`. */
export function startProgressBar(label: string, total: number, unit: string, scale = 1): ProgressBar {
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {shown}/{totalShown} ${unit} | {duration_formatted} elapsed, ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const show = (value: number): string => (scale === 1 ? String(value) : (value / scale).toFixed(0));
  let value = 0;
  bar.start(total, 0, { shown: show(0), totalShown: show(total) });
  return {
    increment(by = 1) {
      value += by;
      bar.update(Math.min(value, total), { shown: show(Math.min(value, total)) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** A progress bar that draws nothing, for small inputs. */
export const NO_PROGRESS: ProgressBar = { increment() {}, stop() {} };
