import type { ValidatorDefinition } from "@validibot/sdk";
import { z } from "zod";
import type { InputsChoice, ValidatorConfig } from "../config-file";

const ANY_OBJECT = z.record(z.string(), z.unknown());
const EMPTY_OBJECT = z.object({}).strict();

function inputsSchema(choice: InputsChoice): ValidatorDefinition["inputs"] {
  if (choice === "any") return ANY_OBJECT;
  if (choice === "none") return EMPTY_OBJECT;
  return undefined;
}

/** The SDK's validator definition of a config file entry. */
export function validatorDefinition(config: ValidatorConfig): ValidatorDefinition {
  return {
    id: config.id,
    type: config.type,
    version: config.version,
    title: config.title ?? config.id,
    file_ports: config.file_ports.map((port) => ({
      port_key: port.port_key,
      required: port.required,
      mime_types: port.mime_types,
      ...(port.extensions ? { extensions: port.extensions } : {}),
      role: port.role,
      resource: port.resource,
      ...(port.resource_type ? { resource_type: port.resource_type } : {}),
      ...(port.max_bytes ? { max_bytes: port.max_bytes } : {}),
    })),
    inputs: inputsSchema(config.inputs),
    ...(config.timeout_seconds ? { timeout_seconds: config.timeout_seconds } : {}),
  };
}
