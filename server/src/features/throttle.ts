// Runs an action at most once per interval, however often it is requested.

export class Throttled {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly intervalMs: number,
    private readonly action: () => void,
  ) {}

  request(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.action();
    }, this.intervalMs);
  }
}
