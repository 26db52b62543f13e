import { initContract } from "@ts-rest/core";
import { generateOpenApi } from "@ts-rest/open-api";
import { EnergyPlusInputs, FMUInputs, type ValidatorDescriptor } from "@validibot/contracts";
import type { ValidatorDefinition } from "@validibot/sdk";
import { type ZodTypeAny, z } from "zod";

const c = initContract();

function inputsZod(validator: ValidatorDefinition): ZodTypeAny {
  if (validator.inputs) return validator.inputs;
  if (validator.type === "ENERGYPLUS") return EnergyPlusInputs;
  if (validator.type === "FMU") return FMUInputs;
  return z.record(z.string(), z.unknown());
}

/**
 * The JSON (OpenAPI 3.0) schema of a zod schema, as `@ts-rest/open-api` renders request bodies:
 * the same rendering as `/openapi.json`, so the two never disagree.
 */
function jsonSchemaOf(schema: ZodTypeAny): Record<string, unknown> | null {
  const doc = generateOpenApi(
    c.router({
      inputs: { method: "POST", path: "/", body: schema, responses: { 204: c.noBody() } },
    }),
    { info: { title: "inputs", version: "1" } },
  );
  const post = (
    doc.paths["/"] as {
      post?: { requestBody?: { content?: Record<string, { schema?: unknown }> } };
    }
  ).post;
  const rendered = post?.requestBody?.content?.["application/json"]?.schema;
  return rendered && typeof rendered === "object" ? (rendered as Record<string, unknown>) : null;
}

/** A validator as `GET /api/v1/validators` shows it: ports and the JSON schema of its inputs. */
export function validatorDescriptor(validator: ValidatorDefinition): ValidatorDescriptor {
  return {
    id: validator.id,
    type: validator.type,
    version: validator.version,
    title: validator.title ?? validator.id,
    file_ports: validator.file_ports.map((port) => ({
      port_key: port.port_key,
      required: port.required !== false,
      mime_types: port.mime_types,
      role: port.role ?? null,
      resource: port.resource === true,
      max_bytes: port.max_bytes ?? null,
    })),
    inputs_schema: jsonSchemaOf(inputsZod(validator)),
  };
}
