import { ValidibotError } from "@validibot/contracts";
import type {
  ExecutionStatus,
  LaunchContext,
  Launcher,
  LaunchRequest,
  LaunchResult,
} from "@validibot/sdk/launchers";
import type { RunStore } from "@validibot/sdk/store";

/** A launcher that passes everything to a real one, except the launches it is told to fail. */
export class FlakyLauncher implements Launcher {
  readonly name: string;
  /** Thrown by the next `launch()` instead of launching (then cleared). */
  failNext: Error | null = null;
  readonly #inner: Launcher;

  constructor(inner: Launcher) {
    this.#inner = inner;
    this.name = inner.name;
  }

  launch(request: LaunchRequest, context: LaunchContext): Promise<LaunchResult> {
    const failure = this.failNext;
    this.failNext = null;
    if (failure) return Promise.reject(failure);
    return this.#inner.launch(request, context);
  }

  status(executionRef: string): Promise<ExecutionStatus> {
    return this.#inner.status(executionRef);
  }

  cancel(executionRef: string): Promise<void> {
    return this.#inner.cancel(executionRef);
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }
}

/** A run store whose method `method` fails once with `store_unavailable` when `when` says so. */
export function storeFailingOnce<M extends keyof RunStore>(
  store: RunStore,
  method: M,
  when: (...args: Parameters<Extract<RunStore[M], (...args: never[]) => unknown>>) => boolean,
): RunStore & { failures: number } {
  let armed = true;
  const counter = { failures: 0 };
  return new Proxy(store, {
    get(target, property) {
      if (property === "failures") return counter.failures;
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (property !== method) return value.bind(target);
      return (...args: never[]) => {
        if (armed && (when as (...a: never[]) => boolean)(...args)) {
          armed = false;
          counter.failures += 1;
          return Promise.reject(
            new ValidibotError("store_unavailable", `scripted: the database went away (${method})`),
          );
        }
        return value.apply(target, args);
      };
    },
  }) as RunStore & { failures: number };
}
