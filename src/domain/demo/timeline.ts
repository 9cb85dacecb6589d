import type { StoryClock } from "./story-clock.ts";

interface Step {
  at: number;
  order: number;
  run: () => Promise<void>;
}

/**
 * The demo's story as steps in time: carrier files arriving, requests, decisions, scans, the
 * deadline sweeps. Steps run in the order of their time (then of their scheduling), with the story
 * clock set to each; a step may schedule later ones (a request's decision, its scans).
 */
export class Timeline {
  private readonly steps: Step[] = [];
  private scheduled = 0;

  constructor(private readonly clock: StoryClock) {}

  /** Schedules `run` at `at`; a step scheduled in the story's past runs now, never before it. */
  at(at: Date, run: () => Promise<void>): void {
    this.steps.push({ at: Math.max(at.getTime(), this.clock.now().getTime()), order: this.scheduled++, run });
  }

  /** Plays every step, those scheduled while playing included. */
  async play(): Promise<void> {
    for (;;) {
      let next = 0;
      for (let i = 1; i < this.steps.length; i++) {
        const s = this.steps[i] as Step;
        const best = this.steps[next] as Step;
        if (s.at < best.at || (s.at === best.at && s.order < best.order)) {
          next = i;
        }
      }
      const step = this.steps.splice(next, 1)[0];
      if (!step) {
        return;
      }
      this.clock.set(new Date(step.at));
      await step.run();
    }
  }
}
