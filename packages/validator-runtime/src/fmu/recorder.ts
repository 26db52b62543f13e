import { type FmiSession, SimulationFailure } from "./fmi-session";
import type { ApiType, FmiValue, SimVariable } from "./simulation-protocol";
import { allocateValues, csvFormatter, type ValueArray, valueAt } from "./value-arrays";

interface Group {
  api: ApiType;
  refs: Uint32Array;
  values: ValueArray;
  names: string[];
}

/**
 * Reads the recorded variables at a communication point with one get call per API type,
 * and lays them out as a CSV row in the requested column order.
 */
export class Recorder {
  private readonly groups: Group[] = [];
  /** For each column: its group, position in the group, and CSV formatter. */
  private readonly columns: {
    group: Group;
    position: number;
    format: (array: ValueArray, i: number) => string;
  }[] = [];

  constructor(
    private readonly session: FmiSession,
    readonly variables: SimVariable[],
  ) {
    const byApi = new Map<ApiType, SimVariable[]>();
    for (const variable of variables) {
      const list = byApi.get(variable.api);
      if (list) list.push(variable);
      else byApi.set(variable.api, [variable]);
    }
    const lookup = new Map<SimVariable, { group: Group; position: number }>();
    for (const [api, list] of byApi) {
      const group: Group = {
        api,
        refs: Uint32Array.from(list.map((variable) => variable.valueReference)),
        values: allocateValues(session.version, api, list.length),
        names: list.map((variable) => variable.name),
      };
      this.groups.push(group);
      list.forEach((variable, position) => {
        lookup.set(variable, { group, position });
      });
    }
    for (const variable of variables) {
      const column = lookup.get(variable);
      if (column) this.columns.push({ ...column, format: csvFormatter(variable.api) });
    }
  }

  /** Reads every recorded variable from the FMU; throws `fmu.get_failed` on a bad status. */
  read(time: number): void {
    for (const group of this.groups) {
      const status = this.session.get(group.api, group.refs, group.values);
      if (!this.session.ok(status)) {
        throw new SimulationFailure(
          "fmu.get_failed",
          `fmi${this.session.version[0]}Get${group.api} for ${group.names.join(", ")} at t=${time} returned ${this.session.statusName(status)}`,
          time,
        );
      }
    }
  }

  /** The CSV line of the last read: time, then each variable. */
  line(time: number): string {
    let line = String(time);
    for (const { group, position, format } of this.columns) {
      line += `,${format(group.values, position)}`;
    }
    return line;
  }

  /** The last read values by variable name. */
  values(): Record<string, FmiValue> {
    const result: Record<string, FmiValue> = {};
    this.variables.forEach((variable, i) => {
      const column = this.columns[i];
      if (column)
        result[variable.name] = valueAt(column.group.api, column.group.values, column.position);
    });
    return result;
  }
}
